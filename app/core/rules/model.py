"""What a filter rule is: conditions on a message (all or any) and the actions that follow.

A rule refers to folders by their folder key (``inbox``, ``user:12``) and to tags by id, as the
store does; the JSON file format (:mod:`app.core.rules.exchange`) names them by path and name
instead, so a file moves between profiles. :func:`check_rule` refuses a rule that cannot run,
with a sentence that says what to change.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import date

from app.core.errors import ConfigError


class RuleError(ConfigError):
    """A rule that cannot be saved or run as written; the message says what to change."""


class Field(enum.StrEnum):
    """What a condition looks at."""

    FROM = "from"
    TO_CC = "to_cc"
    SUBJECT = "subject"
    BODY = "body"
    #: Any header, named by :attr:`Condition.header`.
    HEADER = "header"
    #: The message's size in KB.
    SIZE = "size"
    #: The account's name.
    ACCOUNT = "account"
    #: The message's date (its Date header, else when it arrived), compared as a calendar day.
    DATE = "date"
    #: "yes" or "no".
    HAS_ATTACHMENT = "has_attachment"


class Operator(enum.StrEnum):
    CONTAINS = "contains"
    NOT_CONTAINS = "not_contains"
    IS = "is"
    BEGINS_WITH = "begins_with"
    #: A regular expression (Python's ``re``), searched anywhere in the text.
    MATCHES = "matches"
    GREATER_THAN = "greater_than"
    LESS_THAN = "less_than"
    BEFORE = "before"
    AFTER = "after"


TEXT_OPERATORS = (Operator.CONTAINS, Operator.NOT_CONTAINS, Operator.IS, Operator.BEGINS_WITH, Operator.MATCHES)

#: The operators each field takes, in the order the dialog offers them.
OPERATORS: dict[Field, tuple[Operator, ...]] = {
    Field.FROM: TEXT_OPERATORS,
    Field.TO_CC: TEXT_OPERATORS,
    Field.SUBJECT: TEXT_OPERATORS,
    Field.BODY: TEXT_OPERATORS,
    Field.HEADER: TEXT_OPERATORS,
    Field.ACCOUNT: TEXT_OPERATORS,
    Field.SIZE: (Operator.GREATER_THAN, Operator.LESS_THAN),
    Field.DATE: (Operator.BEFORE, Operator.AFTER),
    Field.HAS_ATTACHMENT: (Operator.IS,),
}


class ActionKind(enum.StrEnum):
    #: To the folder named by the argument (a folder key).
    MOVE = "move"
    COPY = "copy"
    #: The argument is a tag id.
    TAG = "tag"
    MARK_READ = "mark_read"
    FLAG = "flag"
    #: To Trash.
    DELETE = "delete"
    #: Delete it from the server at the next fetch (the copy here stays).
    DELETE_FROM_SERVER = "delete_from_server"
    #: Forward it (through the outbox) to the address in the argument.
    FORWARD = "forward"
    #: No later rule runs on this message.
    STOP = "stop"


#: Actions that need an argument.
ACTIONS_WITH_ARGUMENT = (ActionKind.MOVE, ActionKind.COPY, ActionKind.TAG, ActionKind.FORWARD)


@dataclass(frozen=True)
class Condition:
    field: Field
    operator: Operator
    value: str
    #: The header's name, for :attr:`Field.HEADER` only.
    header: str = ""


@dataclass(frozen=True)
class Action:
    kind: ActionKind
    argument: str = ""


@dataclass(frozen=True)
class Rule:
    name: str
    conditions: tuple[Condition, ...]
    actions: tuple[Action, ...]
    #: True: every condition must hold; False: any one.
    match_all: bool = True
    enabled: bool = True
    id: int | None = None
    #: Rules run in this order, lowest first.
    position: int = 0

    @property
    def stops(self) -> bool:
        return any(action.kind is ActionKind.STOP for action in self.actions)


def parse_day(value: str) -> date:
    """A condition's date, written YYYY-MM-DD."""
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise RuleError(f"'{value}' is not a date: write it as year-month-day, for example 2026-03-31") from None


def parse_size_kb(value: str) -> float:
    try:
        size = float(value.strip())
    except ValueError:
        raise RuleError(f"'{value}' is not a size: write a number of KB, for example 500") from None
    if size < 0:
        raise RuleError(f"'{value}' is not a size: write a number of KB of 0 or more")
    return size


def compile_pattern(pattern: str) -> re.Pattern[str]:
    """The regular expression of a "matches" condition, or a :class:`RuleError` that says where it is wrong."""
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as error:
        where = f" at character {error.pos + 1}" if error.pos is not None else ""
        raise RuleError(f"the regular expression '{pattern}' cannot be used: {error.msg}{where}; correct it, "
                        "or choose 'contains' to look for the text as written") from None


def check_condition(condition: Condition) -> None:
    if condition.operator not in OPERATORS[condition.field]:
        raise RuleError(f"a condition on {condition.field.value} cannot use '{condition.operator.value}'; "
                        f"choose one of: {', '.join(operator.value for operator in OPERATORS[condition.field])}")
    if condition.field is Field.HEADER and not re.fullmatch(r"[!-9;-~]+", condition.header.strip()):
        raise RuleError("a header condition needs the header's name, for example List-Id")
    if condition.field is Field.SIZE:
        parse_size_kb(condition.value)
    elif condition.field is Field.DATE:
        parse_day(condition.value)
    elif condition.field is Field.HAS_ATTACHMENT:
        if condition.value not in ("yes", "no"):
            raise RuleError("'has attachment' takes yes or no")
    elif condition.operator is Operator.MATCHES:
        compile_pattern(condition.value)
    elif not condition.value.strip():
        raise RuleError(f"the condition on {condition.field.value} has no text to look for: type some")


def check_rule(rule: Rule) -> None:
    """Refuse a rule that cannot run, with a sentence that says what to change."""
    if not rule.name.strip():
        raise RuleError("the rule has no name: give it one")
    if not rule.conditions:
        raise RuleError(f"the rule '{rule.name}' has no condition: add at least one")
    if not [action for action in rule.actions if action.kind is not ActionKind.STOP]:
        raise RuleError(f"the rule '{rule.name}' does nothing: add an action")
    for condition in rule.conditions:
        try:
            check_condition(condition)
        except RuleError as error:
            raise RuleError(f"rule '{rule.name}': {error}") from None
    for action in rule.actions:
        if action.kind in ACTIONS_WITH_ARGUMENT and not action.argument.strip():
            what = {ActionKind.MOVE: "a folder to move to", ActionKind.COPY: "a folder to copy to",
                    ActionKind.TAG: "a tag", ActionKind.FORWARD: "an address to forward to"}[action.kind]
            raise RuleError(f"rule '{rule.name}': choose {what}")
        if action.kind is ActionKind.FORWARD and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", action.argument.strip()):
            raise RuleError(f"rule '{rule.name}': '{action.argument}' is not an e-mail address to forward to")


__all__ = ["ACTIONS_WITH_ARGUMENT", "OPERATORS", "TEXT_OPERATORS", "Action", "ActionKind", "Condition", "Field",
           "Operator", "Rule", "RuleError", "check_condition", "check_rule", "compile_pattern", "parse_day",
           "parse_size_kb"]
