"""The rules table family: the user's filter rules, and which rule was applied to which message.

A rule's conditions and actions are kept as one JSON document (``definition``): they are read
whole, a few dozen rows at most, and never queried inside. ``rule_runs`` records each rule carried
out on a message, so neither the new-mail step nor "run rules now" does anything twice; editing a
rule's conditions or actions forgets its runs (it is a new rule then), renaming or reordering
does not.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from app.core.store.accounts import AccountTable
from app.core.store.folders import IMPORTED_UIDL_PREFIX
from app.core.store.outbox import DRAFT_UIDL_PREFIX, SENT_UIDL_PREFIX
from app.core.store.uid_state import UidState

if TYPE_CHECKING:
    from app.core.rules.model import Rule

# app.core.rules.model is imported where a rule is read or written: every command opens a Store,
# and a fetch with no rule to run never does either (~6 ms of its start-up, issue 12).


def definition_of(rule: Rule) -> str:
    return json.dumps({
        "match": "all" if rule.match_all else "any",
        "conditions": [{"field": condition.field.value, "operator": condition.operator.value,
                        "value": condition.value, **({"header": condition.header} if condition.header else {})}
                       for condition in rule.conditions],
        "actions": [{"action": action.kind.value, **({"argument": action.argument} if action.argument else {})}
                    for action in rule.actions],
    }, ensure_ascii=False, sort_keys=True)


def rule_from_row(row: Sequence[Any]) -> Rule:
    from app.core.rules.model import Action, ActionKind, Condition, Field, Operator, Rule

    rule_id, position, name, enabled, definition = row
    data = json.loads(definition)
    return Rule(
        id=int(rule_id), position=int(position), name=str(name), enabled=bool(enabled),
        match_all=data.get("match", "all") == "all",
        conditions=tuple(Condition(Field(item["field"]), Operator(item["operator"]), str(item.get("value", "")),
                                   str(item.get("header", ""))) for item in data.get("conditions", ())),
        actions=tuple(Action(ActionKind(item["action"]), str(item.get("argument", "")))
                      for item in data.get("actions", ())))


class RuleTable(AccountTable):
    """Filter rules and their runs."""

    def rules(self) -> list[Rule]:
        """Every rule, in the order they run."""
        return [rule_from_row(row) for row in self._execute(
            "SELECT id, position, name, enabled, definition FROM rules ORDER BY position, id")]

    def rule(self, rule_id: int) -> Rule:
        row = self._execute("SELECT id, position, name, enabled, definition FROM rules WHERE id = ?",
                            (rule_id,)).fetchone()
        if row is None:
            from app.core.rules.model import RuleError

            raise RuleError(f"there is no rule {rule_id}: 'poplark rules list' shows them")
        return rule_from_row(row)

    def has_enabled_rules(self) -> bool:
        """The one query the new-mail step makes when the user has no rule."""
        return bool(self._execute("SELECT EXISTS (SELECT 1 FROM rules WHERE enabled = 1)").fetchone()[0])

    def save_rule(self, rule: Rule) -> int:
        """Add a rule (at the end) or replace one with the same id; return its id. Refuses a bad
        rule (:class:`RuleError`) before anything is written."""
        from app.core.rules.model import RuleError, check_rule

        check_rule(rule)
        definition = definition_of(rule)
        self._begin()
        try:
            self._forget_sorted_if_none_enabled(rule.enabled)
            if rule.id is None:
                position = self._execute("SELECT coalesce(max(position), -1) + 1 FROM rules").fetchone()[0]
                cursor = self._execute(
                    "INSERT INTO rules (position, name, enabled, definition, created_at) VALUES (?, ?, ?, ?, ?)",
                    (position, rule.name.strip(), int(rule.enabled), definition, time.time()))
                assert cursor.lastrowid is not None
                rule_id = cursor.lastrowid
            else:
                rule_id = rule.id
                old = self._execute("SELECT definition FROM rules WHERE id = ?", (rule_id,)).fetchone()
                if old is None:
                    raise RuleError(f"there is no rule {rule_id} any more: it was deleted meanwhile")
                if old[0] != definition:
                    self._execute("DELETE FROM rule_runs WHERE rule_id = ?", (rule_id,))
                self._execute("UPDATE rules SET name = ?, enabled = ?, definition = ? WHERE id = ?",
                              (rule.name.strip(), int(rule.enabled), definition, rule_id))
            self.commit()
        except BaseException:
            self.rollback()
            raise
        return int(rule_id)

    def delete_rule(self, rule_id: int) -> None:
        self._write("DELETE FROM rules WHERE id = ?", [(rule_id,)])

    def set_rule_enabled(self, rule_id: int, enabled: bool) -> None:
        self._begin()
        try:
            self._forget_sorted_if_none_enabled(enabled)
            self._execute("UPDATE rules SET enabled = ? WHERE id = ?", (int(enabled), rule_id))
            self.commit()
        except BaseException:
            self.rollback()
            raise

    def _forget_sorted_if_none_enabled(self, enabling: bool) -> None:
        """Rules being switched on from none: mail that came while they were off is not new mail
        missed by a killed fetch (see :meth:`missed_new_mail`)."""
        if enabling and not self.has_enabled_rules():
            self._execute("DELETE FROM new_mail_sorted")

    def note_new_mail_sorted(self, account_id: int, through_id: int) -> None:
        """The new-mail step has sorted this account's fetched mail up to ``through_id``."""
        self._write("INSERT INTO new_mail_sorted (account_id, through_id) VALUES (?, ?) ON CONFLICT (account_id)"
                    " DO UPDATE SET through_id = max(through_id, excluded.through_id)", [(account_id, through_id)])

    def missed_new_mail(self, account_id: int, before_id: int) -> list[int]:
        """Fetched Inbox mail of the account that the new-mail step never sorted (its fetch was
        killed between a commit and the sorting), older than ``before_id``: what the account's
        next fetch sorts first. Empty until the step has sorted something with rules on."""
        row = self._execute("SELECT through_id FROM new_mail_sorted WHERE account_id = ?", (account_id,)).fetchone()
        if row is None:
            return []
        return [int(found[0]) for found in self._execute(
            # Only fetched mail: not imports, nor what Poplark wrote (by their UIDL prefixes).
            "SELECT id FROM messages WHERE id > ? AND id < ? AND account_id = ? AND folder = 'inbox'"
            " AND uidl NOT LIKE ? AND uidl NOT LIKE ? AND uidl NOT LIKE ? ORDER BY id",
            (row[0], before_id, account_id, IMPORTED_UIDL_PREFIX + "%", SENT_UIDL_PREFIX + "%",
             DRAFT_UIDL_PREFIX + "%"))]

    def set_rule_order(self, rule_ids: Sequence[int]) -> None:
        """Run the rules in this order (every rule's id, first to run first)."""
        self._write("UPDATE rules SET position = ? WHERE id = ?",
                    [(position, rule_id) for position, rule_id in enumerate(rule_ids)])

    def applied_rules(self, message_ids: Sequence[int]) -> dict[int, set[int]]:
        """Message id -> ids of the rules already carried out on it."""
        applied: dict[int, set[int]] = {}
        for start in range(0, len(message_ids), 500):
            chunk = list(message_ids[start:start + 500])
            for message_id, rule_id in self._execute(
                    f"SELECT message_id, rule_id FROM rule_runs WHERE message_id IN ({','.join('?' * len(chunk))})",
                    chunk):
                applied.setdefault(int(message_id), set()).add(int(rule_id))
        return applied

    def record_rule_runs(self, runs: Iterable[tuple[int, int]]) -> None:
        """Note (message id, rule id) pairs as carried out; a message deleted meanwhile is skipped."""
        self._write("INSERT OR IGNORE INTO rule_runs (message_id, rule_id)"
                    " SELECT id, ? FROM messages WHERE id = ?", [(rule_id, message_id) for message_id, rule_id in runs])

    def request_server_deletion(self, message_ids: Sequence[int]) -> int:
        """Have the next fetch delete these messages from their server, whatever the account's
        leave-on-server policy (a rule's "delete from the server"); the copies here stay. Only a
        whole message stored from a server is marked (not a partial one, a copy or an import);
        return how many were."""
        marked = 0
        self._begin()
        try:
            for message_id in message_ids:
                marked += self._execute(
                    "UPDATE server_uids SET state = ? WHERE state = ? AND message_id = ?"
                    " AND (account_id, uidl) = (SELECT account_id, uidl FROM messages WHERE id = ?)",
                    (UidState.DELETE_REQUESTED.value, UidState.STORED.value, message_id, message_id)).rowcount
            self.commit()
        except BaseException:
            self.rollback()
            raise
        return marked

    def _write(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        self._begin()
        try:
            for row in rows:
                self._execute(sql, row)
            self.commit()
        except BaseException:
            self.rollback()
            raise


__all__ = ["RuleTable", "definition_of", "rule_from_row"]
