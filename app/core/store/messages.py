"""The messages and message_raw tables: storing mail as received and reading it back.

The raw bytes go in unchanged (docs/architecture.md, invariant 4); the list's columns are parsed
from the headers once, when the message is stored.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator, Sequence
from typing import Any

from app.core.errors import ConfigError
from app.core.model import Account, Folder, MessageSummary
from app.core.store.base import StoreBase
from app.core.store.uid_state import UidState

_SUMMARY_COLUMNS = ("m.id, a.name, m.uidl, m.received_at, m.date, m.sender, m.recipients, m.subject,"
                    " m.message_id, m.size, m.sha256, m.has_attachments, m.seen, m.folder, m.flagged")
_INSERT_MESSAGE = ("INSERT INTO messages (id, account_id, uidl, received_at, date, sort_date, sender, recipients,"
                   " subject, message_id, size, sha256, has_attachments, parse_error, folder)"
                   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
_INSERT_RAW = "INSERT INTO message_raw (message_id, raw) VALUES (?, ?)"
_REMEMBER_UIDL = ("INSERT INTO server_uids (account_id, uidl, first_seen, state, message_id) VALUES (?, ?, ?, ?, ?)"
                  " ON CONFLICT (account_id, uidl) DO UPDATE SET state = excluded.state,"
                  " message_id = excluded.message_id")
#: The largest rowid SQLite gives by counting up.
_LARGEST_ID = 2**63 - 1


class _Parsed:
    """A message to insert: its list fields parsed from the headers, and its SHA-256."""

    __slots__ = ("digest", "fields", "raw", "received", "uidl")

    def __init__(self, uidl: str, raw: bytes, received: float) -> None:
        from app.core.message.summary import summarize  # the email package is only needed once mail arrives

        self.uidl, self.raw, self.received = uidl, raw, received
        self.fields = summarize(raw)
        self.digest = hashlib.sha256(raw).hexdigest()

    def row(self, message_id: int | None, account_id: int, folder: Folder) -> tuple[Any, ...]:
        """The messages row (``message_id`` None: SQLite chooses)."""
        fields = self.fields
        return (message_id, account_id, self.uidl, self.received, fields.date,
                fields.date if fields.date is not None else self.received, fields.sender, fields.recipients,
                fields.subject, fields.message_id, len(self.raw), self.digest, int(fields.has_attachments),
                fields.error, str(folder))

    def summary(self, message_id: int, account_name: str, folder: Folder) -> MessageSummary:
        fields = self.fields
        return MessageSummary(
            id=message_id, account=account_name, uidl=self.uidl, received_at=self.received, date=fields.date,
            sender=fields.sender, recipients=fields.recipients, subject=fields.subject,
            message_id=fields.message_id, size=len(self.raw), sha256=self.digest,
            has_attachments=fields.has_attachments, folder=str(folder))


def _summary(row: Sequence[Any]) -> MessageSummary:
    return MessageSummary(
        id=row[0], account=row[1], uidl=row[2], received_at=row[3], date=row[4], sender=row[5],
        recipients=row[6], subject=row[7], message_id=row[8], size=row[9], sha256=row[10],
        has_attachments=bool(row[11]), seen=bool(row[12]), folder=row[13], flagged=bool(row[14]))


class MessageTable(StoreBase):
    """Messages: store them (with their UIDL state), read summaries, raw bytes and counts."""

    def add_message(self, account: Account, uidl: str, raw: bytes, *, received_at: float | None = None
                    ) -> MessageSummary:
        """Store one message and its UIDL in the open transaction (durable at :meth:`commit`).

        The raw bytes go in first and unchanged; header parsing can only fill list fields, never
        prevent the message from being kept.
        """
        assert account.id is not None
        received = time.time() if received_at is None else received_at
        summary = self._insert_message(account.id, account.name, uidl, raw, received, Folder.INBOX)
        self._execute(_REMEMBER_UIDL, (account.id, uidl, received, UidState.STORED.value, summary.id))
        return summary

    def _insert_message(self, account_id: int, account_name: str, uidl: str, raw: bytes, received: float,
                        folder: Folder) -> MessageSummary:
        """Insert the list fields and the raw bytes in the open (or a new) transaction."""
        parsed = _Parsed(uidl, raw, received)
        self._begin()
        message_id = self._execute(_INSERT_MESSAGE, parsed.row(None, account_id, folder)).lastrowid
        assert message_id is not None
        self._execute(_INSERT_RAW, (message_id, raw))
        return parsed.summary(message_id, account_name, folder)

    def add_messages(self, account: Account, incoming: Sequence[tuple[str, bytes, float]]) -> list[MessageSummary]:
        """Store (uidl, raw, received_at) items in one short, durable transaction.

        The fetch engine collects a group in memory and writes it here, so the database's write
        lock is held for milliseconds, never while waiting on the network: the GUI thread and
        other accounts' fetches can write meanwhile. The group is parsed before the lock is taken,
        and written with three statements (messages, their bytes, their UIDLs), not three per
        message: each message gets the id SQLite would give it, one more than the largest.
        """
        if not incoming:
            return []
        account_id = account.id
        assert account_id is not None
        group = [_Parsed(uidl, raw, received) for uidl, raw, received in incoming]
        try:
            self._begin()
            first = int(self._execute("SELECT ifnull(max(id), 0) + 1 FROM messages").fetchone()[0])
            if first + len(group) > _LARGEST_ID:  # SQLite would pick free ids at random then
                stored = [self.add_message(account, item.uidl, item.raw, received_at=item.received)
                          for item in group]
            else:
                numbered = list(zip(range(first, first + len(group)), group, strict=True))
                self._executemany(_INSERT_MESSAGE, [item.row(message_id, account_id, Folder.INBOX)
                                                    for message_id, item in numbered])
                self._executemany(_INSERT_RAW, [(message_id, item.raw) for message_id, item in numbered])
                self._executemany(_REMEMBER_UIDL, [(account_id, item.uidl, item.received, UidState.STORED.value,
                                                    message_id) for message_id, item in numbered])
                stored = [item.summary(message_id, account.name, Folder.INBOX) for message_id, item in numbered]
            self.commit()
        except BaseException:
            self.rollback()
            raise
        return stored

    def messages(self, account: str | None = None, *, folder: str = "inbox", limit: int = -1,
                 offset: int = 0) -> list[MessageSummary]:
        """Messages newest first (by Date header, else by arrival)."""
        where = "m.folder = ?"
        parameters: list[Any] = [folder]
        if account is not None:
            where += " AND a.name = ?"
            parameters.append(account)
        rows = self._execute(
            f"SELECT {_SUMMARY_COLUMNS} FROM messages m JOIN accounts a ON a.id = m.account_id"
            f" WHERE {where} ORDER BY m.sort_date DESC, m.id DESC LIMIT ? OFFSET ?",
            (*parameters, limit, offset)).fetchall()
        return [_summary(row) for row in rows]

    def iter_messages(self, account: str | None = None, *, folder: str = "inbox",
                      page: int = 500) -> Iterator[MessageSummary]:
        offset = 0
        while True:
            batch = self.messages(account, folder=folder, limit=page, offset=offset)
            yield from batch
            if len(batch) < page:
                return
            offset += page

    def message(self, message_id: int) -> MessageSummary:
        row = self._execute(f"SELECT {_SUMMARY_COLUMNS} FROM messages m JOIN accounts a"
                            " ON a.id = m.account_id WHERE m.id = ?", (message_id,)).fetchone()
        if row is None:
            raise ConfigError(f"there is no message with id {message_id}")
        return _summary(row)

    def raw(self, message_id: int) -> bytes:
        row = self._execute("SELECT raw FROM message_raw WHERE message_id = ?", (message_id,)).fetchone()
        if row is None:
            raise ConfigError(f"there is no message with id {message_id}")
        return bytes(row[0])

    def summaries(self, ids: Sequence[int]) -> dict[int, MessageSummary]:
        """Summaries for these ids (missing ids are simply absent)."""
        found: dict[int, MessageSummary] = {}
        for start in range(0, len(ids), 500):  # stay under SQLite's bound-parameter limit
            chunk = list(ids[start:start + 500])
            marks = ",".join("?" * len(chunk))
            rows = self._execute(f"SELECT {_SUMMARY_COLUMNS} FROM messages m JOIN accounts a"
                                 f" ON a.id = m.account_id WHERE m.id IN ({marks})", chunk).fetchall()
            found.update((row[0], _summary(row)) for row in rows)
        return found

    def unread_counts(self) -> dict[tuple[int, str], int]:
        """(account id, folder) -> number of unread messages."""
        rows = self._execute("SELECT account_id, folder, count(*) FROM messages WHERE seen = 0"
                             " GROUP BY account_id, folder")
        return {(account_id, folder): count for account_id, folder, count in rows}

    def message_count(self, account: str | None = None) -> int:
        if account is None:
            return int(self._execute("SELECT count(*) FROM messages").fetchone()[0])
        return int(self._execute("SELECT count(*) FROM messages m JOIN accounts a ON a.id = m.account_id"
                                 " WHERE a.name = ?", (account,)).fetchone()[0])
