"""The outbox, Sent and Drafts in the store: messages to send, committed before any connection.

The worker (:mod:`app.core.send.outbox`) drives the states of :class:`~app.core.model.OutboxState`;
each change here is its own short, durable transaction, because each is what a crash must find:

* :meth:`OutboxTable.queue` commits the message (its exact bytes and envelope) first;
* :meth:`OutboxTable.claim` commits "sending" before connecting, :meth:`OutboxTable.mark_final_dot`
  just before the final "." of DATA;
* :meth:`OutboxTable.mark_sent` moves the row into the messages table (folder ``sent``) in one
  transaction: a message is in the outbox or in Sent, never both, never neither.

Drafts are messages in folder ``drafts`` (MIME, with their Bcc), replaced in place when saved again.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Sequence
from typing import Any

from app.core.errors import ConfigError
from app.core.model import Folder, OutboxItem, OutboxState
from app.core.store.messages import MessageTable
from app.core.store.search_index import SearchIndexTable

#: UIDL of a message that Poplark sent or saved (followed by the outbox id or a digest): it never
#: came from a server, so no session ever DELEs or downloads anything because of it.
SENT_UIDL_PREFIX = "poplark-sent:"
DRAFT_UIDL_PREFIX = "poplark-draft:"

_ITEM_COLUMNS = ("o.id, o.account_id, a.name, o.state, o.envelope_from, o.recipients, o.subject, o.message_id,"
                 " length(o.raw), o.queued_at, o.attempts, o.next_attempt_at, o.last_error")


def _item(row: Sequence[Any]) -> OutboxItem:
    return OutboxItem(id=row[0], account_id=row[1], account=row[2], state=OutboxState(row[3]), sender=row[4],
                      recipients=tuple(json.loads(row[5])), subject=row[6], message_id=row[7], size=row[8],
                      queued_at=row[9], attempts=row[10], next_attempt_at=row[11], last_error=row[12] or "")


class OutboxTable(MessageTable, SearchIndexTable):
    """Messages waiting to be sent; Sent and Drafts."""

    def queue(self, account_id: int, raw: bytes, sender: str, recipients: Sequence[str], *, subject: str = "",
              message_id: str = "", replaces_draft: int | None = None) -> int:
        """Commit a message to send; return its outbox id. A draft it came from goes in the same
        transaction (the message is then in the outbox instead)."""
        if not recipients:
            raise ConfigError("the message has no recipient: add one in To, Cc or Bcc")
        self._begin()
        try:
            cursor = self._execute(
                "INSERT INTO outbox (account_id, state, raw, envelope_from, recipients, subject, message_id,"
                " queued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (account_id, OutboxState.QUEUED.value, raw, sender, json.dumps(list(recipients)), subject,
                 message_id, time.time()))
            if replaces_draft is not None:
                self._execute("DELETE FROM messages WHERE id = ? AND folder = ?", (replaces_draft, Folder.DRAFTS.value))
                self.purge_search_index()
            self.commit()
        except BaseException:
            self.rollback()
            raise
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def outbox(self, account_id: int | None = None) -> list[OutboxItem]:
        """Everything waiting, oldest first."""
        where, parameters = ("WHERE o.account_id = ?", [account_id]) if account_id is not None else ("", [])
        rows = self._execute(f"SELECT {_ITEM_COLUMNS} FROM outbox o JOIN accounts a ON a.id = o.account_id"
                             f" {where} ORDER BY o.id", parameters).fetchall()
        return [_item(row) for row in rows]

    def outbox_counts(self) -> dict[int, int]:
        """Account id -> how many messages its outbox holds (waiting, sending, failed or unsure)."""
        rows = self._execute("SELECT account_id, count(*) FROM outbox GROUP BY account_id")
        return {int(account_id): int(count) for account_id, count in rows}

    def outbox_item(self, outbox_id: int) -> OutboxItem:
        row = self._execute(f"SELECT {_ITEM_COLUMNS} FROM outbox o JOIN accounts a ON a.id = o.account_id"
                            " WHERE o.id = ?", (outbox_id,)).fetchone()
        if row is None:
            raise ConfigError(f"there is no message {outbox_id} in the outbox (see 'poplark outbox')")
        return _item(row)

    def outbox_raw(self, outbox_id: int) -> bytes:
        row = self._execute("SELECT raw FROM outbox WHERE id = ?", (outbox_id,)).fetchone()
        if row is None:
            raise ConfigError(f"there is no message {outbox_id} in the outbox (see 'poplark outbox')")
        return bytes(row[0])

    def due(self, account_id: int, now: float) -> list[OutboxItem]:
        """Queued messages of the account whose retry time has come, oldest first."""
        return [item for item in self.outbox(account_id)
                if item.state is OutboxState.QUEUED and (item.next_attempt_at is None or item.next_attempt_at <= now)]

    def settle_interrupted(self, account_id: int) -> list[int]:
        """Rows a dead sender left in "sending" (call only while holding the account's send lock).

        Without a recorded final dot the server never took the message (a DATA that does not end
        with the dot is dropped): queued again. With one, it may have been delivered: unsure.
        Returns the ids that became unsure.
        """
        self._begin()
        try:
            unsure = [row[0] for row in self._execute(
                "SELECT id FROM outbox WHERE account_id = ? AND state = ? AND final_dot_at IS NOT NULL",
                (account_id, OutboxState.SENDING.value))]
            self._execute("UPDATE outbox SET state = ?, last_error = ? WHERE account_id = ? AND state = ?"
                          " AND final_dot_at IS NOT NULL",
                          (OutboxState.UNSURE.value, "Poplark stopped after handing the whole message to the "
                           "server and before its answer: it may have been delivered",
                           account_id, OutboxState.SENDING.value))
            self._execute("UPDATE outbox SET state = ? WHERE account_id = ? AND state = ?",
                          (OutboxState.QUEUED.value, account_id, OutboxState.SENDING.value))
            self.commit()
        except BaseException:
            self.rollback()
            raise
        return unsure

    def claim(self, outbox_id: int) -> bool:
        """queued -> sending, committed before connecting; False when it is no longer queued."""
        changed = self._commit_update(
            "UPDATE outbox SET state = ?, attempts = attempts + 1, attempt_started_at = ?, final_dot_at = NULL"
            " WHERE id = ? AND state = ?",
            (OutboxState.SENDING.value, time.time(), outbox_id, OutboxState.QUEUED.value))
        return changed == 1

    def mark_final_dot(self, outbox_id: int) -> None:
        """Committed just before the final dot: from here on a crash means "may have been sent"."""
        self._commit_update("UPDATE outbox SET final_dot_at = ? WHERE id = ?", (time.time(), outbox_id))

    def mark_retry(self, outbox_id: int, error: str, next_attempt_at: float, *, count_attempt: bool = False) -> None:
        """Back to the queue, not before ``next_attempt_at``; ``count_attempt`` for a try that never
        claimed the message (the connection failed first), so the delays grow all the same."""
        self._commit_update("UPDATE outbox SET state = ?, last_error = ?, next_attempt_at = ?, final_dot_at = NULL,"
                            " attempts = attempts + ? WHERE id = ?",
                            (OutboxState.QUEUED.value, error, next_attempt_at, int(count_attempt), outbox_id))

    def mark_failed(self, outbox_id: int, error: str) -> None:
        self._commit_update("UPDATE outbox SET state = ?, last_error = ? WHERE id = ?",
                            (OutboxState.FAILED.value, error, outbox_id))

    def mark_unsure(self, outbox_id: int, error: str) -> None:
        self._commit_update("UPDATE outbox SET state = ?, last_error = ? WHERE id = ?",
                            (OutboxState.UNSURE.value, error, outbox_id))

    def requeue(self, outbox_id: int) -> None:
        """The user's decision: send a failed or unsure message again (now)."""
        self.outbox_item(outbox_id)
        self._commit_update("UPDATE outbox SET state = ?, next_attempt_at = NULL, final_dot_at = NULL"
                            " WHERE id = ? AND state != ?", (OutboxState.QUEUED.value, outbox_id,
                                                             OutboxState.SENDING.value))

    def remove_from_outbox(self, outbox_id: int) -> None:
        self.outbox_item(outbox_id)
        self._commit_update("DELETE FROM outbox WHERE id = ? AND state != ?", (outbox_id, OutboxState.SENDING.value))

    def mark_sent(self, outbox_id: int) -> int:
        """Move the message into Sent, byte-exact, in one transaction; return its message id."""
        self._begin()
        try:
            row = self._execute("SELECT o.account_id, a.name, o.raw FROM outbox o JOIN accounts a"
                                " ON a.id = o.account_id WHERE o.id = ?", (outbox_id,)).fetchone()
            if row is None:
                raise ConfigError(f"there is no message {outbox_id} in the outbox")
            account_id, name, raw = row[0], row[1], bytes(row[2])
            uidl = f"{SENT_UIDL_PREFIX}{outbox_id}:{hashlib.sha256(raw).hexdigest()}"
            summary = self._insert_message(account_id, name, uidl, raw, time.time(), Folder.SENT)
            self._execute("UPDATE messages SET seen = 1 WHERE id = ?", (summary.id,))
            self._execute("DELETE FROM outbox WHERE id = ?", (outbox_id,))
            self.commit()
        except BaseException:
            self.rollback()
            raise
        return summary.id

    # -- drafts ---------------------------------------------------------------------------------

    def save_draft(self, account_id: int, raw: bytes, draft_id: int | None = None) -> int:
        """Store a draft (replacing ``draft_id`` when given, if it still exists); return its id."""
        row = self._execute("SELECT name FROM accounts WHERE id = ?", (account_id,)).fetchone()
        if row is None:
            raise ConfigError(f"there is no account with id {account_id}")
        self._begin()
        try:
            if draft_id is not None:
                self._execute("DELETE FROM messages WHERE id = ? AND folder = ?", (draft_id, Folder.DRAFTS.value))
            uidl = DRAFT_UIDL_PREFIX + hashlib.sha256(raw).hexdigest()
            summary = self._insert_message(account_id, str(row[0]), uidl, raw, time.time(), Folder.DRAFTS)
            self._execute("UPDATE messages SET seen = 1 WHERE id = ?", (summary.id,))
            self.purge_search_index()  # a replaced draft may have been indexed
            self.commit()
        except BaseException:
            self.rollback()
            raise
        return summary.id

    def _commit_update(self, sql: str, parameters: Sequence[Any]) -> int:
        self._begin()
        try:
            changed = self._execute(sql, parameters).rowcount
            self.commit()
        except BaseException:
            self.rollback()
            raise
        return int(changed)
