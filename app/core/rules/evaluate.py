"""Which rules match a message and what they decide: pure, no store writes.

Rules run in order; a matching rule with "stop processing" ends the run for that message. A
rule already applied to a message (recorded in the store) is not carried out again, yet still
counts as matched, so its "stop" keeps later rules away as it did the first time: running the
rules twice over the same mail changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from app.core.rules.facts import MessageFacts
from app.core.rules.matching import text_matches
from app.core.rules.model import (
    Action,
    ActionKind,
    Condition,
    Field,
    Operator,
    Rule,
    compile_pattern,
    parse_day,
    parse_size_kb,
)


@dataclass
class Decision:
    """What the rules decided for one message: the rules to carry out, in order."""

    message_id: int
    rules: list[Rule] = field(default_factory=list)

    @property
    def actions(self) -> list[Action]:
        return [action for rule in self.rules for action in rule.actions if action.kind is not ActionKind.STOP]


class CompiledRules:
    """Enabled rules in order, with their regular expressions compiled once."""

    def __init__(self, rules: list[Rule]) -> None:
        self.rules = sorted((rule for rule in rules if rule.enabled), key=lambda rule: (rule.position, rule.id or 0))
        self._patterns: dict[Condition, re.Pattern[str]] = {
            condition: compile_pattern(condition.value)
            for rule in self.rules for condition in rule.conditions if condition.operator is Operator.MATCHES}

    def decide(self, facts: MessageFacts, applied: AbstractSet[int] = frozenset()) -> Decision:
        """The rules that act on this message; ``applied``: ids of rules already carried out on it."""
        decision = Decision(facts.row.id)
        for rule in self.rules:
            if rule.id is not None and rule.id in applied:
                if rule.stops:
                    break
                continue
            if not self.matches(rule, facts):
                continue
            decision.rules.append(rule)
            if rule.stops:
                break
        return decision

    def matches(self, rule: Rule, facts: MessageFacts) -> bool:
        results = (self._holds(condition, facts) for condition in rule.conditions)
        return all(results) if rule.match_all else any(results)

    def _holds(self, condition: Condition, facts: MessageFacts) -> bool:
        kind = condition.field
        if kind is Field.SIZE:
            limit = parse_size_kb(condition.value)
            return facts.size_kb > limit if condition.operator is Operator.GREATER_THAN else facts.size_kb < limit
        if kind is Field.DATE:
            day = parse_day(condition.value)
            return facts.day < day if condition.operator is Operator.BEFORE else facts.day > day
        if kind is Field.HAS_ATTACHMENT:
            return facts.row.has_attachments == (condition.value == "yes")
        readings = {
            Field.FROM: lambda: facts.addresses("from"),
            Field.TO_CC: lambda: facts.addresses("to", "cc"),
            Field.SUBJECT: lambda: facts.subject,
            Field.BODY: lambda: facts.body,
            Field.HEADER: lambda: facts.header(condition.header),
            Field.ACCOUNT: lambda: [facts.row.account],
        }[kind]()
        return text_matches(condition.operator, condition.value, readings, self._patterns.get(condition))


__all__ = ["CompiledRules", "Decision"]
