"""SQLite access: accounts, messages (raw bytes + list fields) and the per-account UIDL state.

One :class:`Store` per thread (SQLite connections are not shared across threads). Writes made
during a fetch go through :meth:`Store.add_message` and become durable only at
:meth:`Store.commit`, which the engine calls before any DELE (invariant 1 in DESIGN.md).
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import json
import sqlite3
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.core.errors import ConfigError, StoreError
from app.core.model import Account, Folder, LeaveMode, MessageSummary, Security, ServerPolicy, SortColumn
from app.core.store.profile import Profile
from app.core.store.schema import migrate

#: Seconds a writer waits for another connection's lock before giving up with StoreError.
BUSY_TIMEOUT_SECONDS = 10.0


class UidState(enum.StrEnum):
    """Where a server message stands for us, keyed by its UIDL."""

    STORED = "stored"  # committed locally; still on the server as far as we know
    DELETED_LOCALLY = "deleted_locally"  # the user deleted it here: DELE it in mirror mode
    DELETED_ON_SERVER = "deleted_on_server"  # we sent DELE and the server confirmed at QUIT


@dataclass(frozen=True)
class KnownUid:
    uidl: str
    first_seen: float
    state: UidState


_SUMMARY_COLUMNS = ("m.id, a.name, m.uidl, m.received_at, m.date, m.sender, m.recipients, m.subject,"
                    " m.message_id, m.size, m.sha256, m.has_attachments, m.seen, m.folder, m.flagged")
#: SQL for each sort column; the id breaks ties so the order is total and stable.
_ORDER_BY = {
    SortColumn.DATE: "m.sort_date {direction}, m.id {direction}",
    SortColumn.SENDER: "m.sender COLLATE NOCASE {direction}, m.id {direction}",
    SortColumn.SUBJECT: "m.subject COLLATE NOCASE {direction}, m.id {direction}",
    SortColumn.SIZE: "m.size {direction}, m.id {direction}",
    # Marker columns group first, newest first inside each group.
    SortColumn.SEEN: "m.seen {direction}, m.sort_date DESC, m.id DESC",
    SortColumn.FLAGGED: "m.flagged {direction}, m.sort_date DESC, m.id DESC",
    SortColumn.ATTACHMENTS: "m.has_attachments {direction}, m.sort_date DESC, m.id DESC",
}


def _summary(row: Sequence[Any]) -> MessageSummary:
    return MessageSummary(
        id=row[0], account=row[1], uidl=row[2], received_at=row[3], date=row[4], sender=row[5],
        recipients=row[6], subject=row[7], message_id=row[8], size=row[9], sha256=row[10],
        has_attachments=bool(row[11]), seen=bool(row[12]), folder=row[13], flagged=bool(row[14]))


def account_to_json(account: Account) -> str:
    settings = dataclasses.asdict(account)
    settings.pop("id")
    settings.pop("name")
    return json.dumps(settings, sort_keys=True, default=str)


def account_from_row(account_id: int, name: str, settings_json: str) -> Account:
    settings = json.loads(settings_json)
    policy = settings.pop("policy", {})
    known = {field.name for field in dataclasses.fields(Account)}
    settings = {key: value for key, value in settings.items() if key in known}
    settings["security"] = Security(settings.get("security", "tls"))
    return Account(
        id=account_id, name=name,
        policy=ServerPolicy(
            leave_mode=LeaveMode(policy.get("leave_mode", "keep")),
            delete_after_days=int(policy.get("delete_after_days", 0)),
            max_message_bytes=policy.get("max_message_bytes")),
        **settings)


class Store:
    """The mail store of one profile."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.db = sqlite3.connect(str(path), isolation_level=None, timeout=BUSY_TIMEOUT_SECONDS)
            self.db.execute("PRAGMA foreign_keys = ON")
            # Raw messages are large blobs: 16 KiB pages write them about 1.5x faster than the
            # default 4 KiB (bench measured). Takes effect only on a new, empty database.
            self.db.execute("PRAGMA page_size = 16384")
            self.db.execute("PRAGMA journal_mode = WAL")
            # FULL: a committed message survives power loss, so deleting it from the server
            # afterwards is safe (invariant 1). The cost is one fsync per group commit.
            self.db.execute("PRAGMA synchronous = FULL")
            migrate(self.db)
        except sqlite3.Error as error:
            raise StoreError(f"cannot open the mail store {path}: {error}") from error
        self._in_transaction = False

    @classmethod
    def open(cls, profile: Profile) -> Store:
        return cls(profile.ensure().database_path)

    def close(self) -> None:
        if self._in_transaction:
            self.rollback()
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- transactions -------------------------------------------------------------------------

    def _begin(self) -> None:
        if not self._in_transaction:
            self._execute("BEGIN IMMEDIATE")
            self._in_transaction = True

    def commit(self) -> None:
        """Make everything written since the last commit durable."""
        if self._in_transaction:
            self._execute("COMMIT")
            self._in_transaction = False

    def rollback(self) -> None:
        if self._in_transaction:
            self._in_transaction = False
            try:
                self.db.execute("ROLLBACK")
            except sqlite3.Error:
                pass

    def _execute(self, sql: str, parameters: Sequence[Any] = ()) -> sqlite3.Cursor:
        try:
            return self.db.execute(sql, parameters)
        except sqlite3.OperationalError as error:
            raise StoreError(_explain(error)) from error
        except sqlite3.DatabaseError as error:
            raise StoreError(f"the mail store is damaged: {error}") from error

    # -- accounts -----------------------------------------------------------------------------

    def add_account(self, account: Account) -> Account:
        try:
            cursor = self.db.execute(
                "INSERT INTO accounts (name, settings, created_at) VALUES (?, ?, ?)",
                (account.name, account_to_json(account), time.time()))
        except sqlite3.IntegrityError as error:
            raise ConfigError(f"an account named {account.name!r} already exists") from error
        except sqlite3.Error as error:
            raise StoreError(_explain(error)) from error
        assert cursor.lastrowid is not None
        return dataclasses.replace(account, id=cursor.lastrowid)

    def update_account(self, account: Account) -> None:
        if account.id is None:
            raise ConfigError("cannot update an account that was never saved")
        try:
            self.db.execute("UPDATE accounts SET name = ?, settings = ? WHERE id = ?",
                            (account.name, account_to_json(account), account.id))
        except sqlite3.IntegrityError as error:
            raise ConfigError(f"an account named {account.name!r} already exists") from error
        except sqlite3.Error as error:
            raise StoreError(_explain(error)) from error

    def accounts(self) -> list[Account]:
        rows = self._execute("SELECT id, name, settings FROM accounts ORDER BY name").fetchall()
        return [account_from_row(*row) for row in rows]

    def account(self, name: str) -> Account:
        row = self._execute("SELECT id, name, settings FROM accounts WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise ConfigError(f"there is no account named {name!r} (see 'poplark account list')")
        return account_from_row(*row)

    def remove_account(self, name: str) -> None:
        account = self.account(name)
        self._execute("DELETE FROM accounts WHERE id = ?", (account.id,))

    def pipelining_broken_at(self, account_id: int) -> float | None:
        row = self._execute("SELECT pipelining_broken_at FROM accounts WHERE id = ?", (account_id,)).fetchone()
        return None if row is None else row[0]

    def set_pipelining_broken_at(self, account_id: int, when: float | None) -> None:
        self._execute("UPDATE accounts SET pipelining_broken_at = ? WHERE id = ?", (when, account_id))

    # -- fetch state --------------------------------------------------------------------------

    def known_uids(self, account_id: int) -> dict[str, KnownUid]:
        rows = self._execute("SELECT uidl, first_seen, state FROM server_uids WHERE account_id = ?",
                             (account_id,))
        return {uidl: KnownUid(uidl, first_seen, UidState(state)) for uidl, first_seen, state in rows}

    def add_message(self, account: Account, uidl: str, raw: bytes, *, received_at: float | None = None
                    ) -> MessageSummary:
        """Store one message and its UIDL in the open transaction (durable at :meth:`commit`).

        The raw bytes go in first and unchanged; header parsing can only fill list fields, never
        prevent the message from being kept.
        """
        assert account.id is not None
        from app.core.mime import summarize  # the email package is only needed once mail arrives

        received = time.time() if received_at is None else received_at
        parsed = summarize(raw)
        digest = hashlib.sha256(raw).hexdigest()
        self._begin()
        cursor = self._execute(
            "INSERT INTO messages (account_id, uidl, received_at, date, sort_date, sender, recipients,"
            " subject, message_id, size, sha256, has_attachments, parse_error)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (account.id, uidl, received, parsed.date, parsed.date if parsed.date is not None else received,
             parsed.sender, parsed.recipients, parsed.subject, parsed.message_id, len(raw), digest,
             int(parsed.has_attachments), parsed.error))
        message_id = cursor.lastrowid
        assert message_id is not None
        self._execute("INSERT INTO message_raw (message_id, raw) VALUES (?, ?)", (message_id, raw))
        self._execute(
            "INSERT INTO server_uids (account_id, uidl, first_seen, state, message_id) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (account_id, uidl) DO UPDATE SET state = excluded.state,"
            " message_id = excluded.message_id",
            (account.id, uidl, received, UidState.STORED.value, message_id))
        return MessageSummary(
            id=message_id, account=account.name, uidl=uidl, received_at=received, date=parsed.date,
            sender=parsed.sender, recipients=parsed.recipients, subject=parsed.subject,
            message_id=parsed.message_id, size=len(raw), sha256=digest,
            has_attachments=parsed.has_attachments)

    def add_messages(self, account: Account, incoming: Sequence[tuple[str, bytes, float]]) -> list[MessageSummary]:
        """Store (uidl, raw, received_at) items in one short, durable transaction.

        The fetch engine collects a group in memory and writes it here, so the database's write
        lock is held for milliseconds, never while waiting on the network: the GUI thread and
        other accounts' fetches can write meanwhile.
        """
        if not incoming:
            return []
        try:
            stored = [self.add_message(account, uidl, raw, received_at=received) for uidl, raw, received in incoming]
            self.commit()
        except BaseException:
            self.rollback()
            raise
        return stored

    def mark_deleted_on_server(self, account_id: int, uidls: Sequence[str]) -> None:
        self._begin()
        self.db.executemany(
            "UPDATE server_uids SET state = ? WHERE account_id = ? AND uidl = ?",
            [(UidState.DELETED_ON_SERVER.value, account_id, uidl) for uidl in uidls])
        self.commit()

    # -- reading ------------------------------------------------------------------------------

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

    def message_ids(self, account_id: int | None, folder: str = Folder.INBOX, *,
                    sort: SortColumn = SortColumn.DATE, descending: bool = True, text: str = "") -> list[int]:
        """The ids of a folder in display order: what a lazy list model holds (rows come later).

        ``text`` keeps messages whose subject or sender contains it (case-insensitive for ASCII).
        """
        direction = "DESC" if descending else "ASC"
        where = "m.folder = ?"
        parameters: list[Any] = [str(folder)]
        if account_id is not None:
            where += " AND m.account_id = ?"
            parameters.append(account_id)
        if text.strip():
            pattern = "%" + text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            where += " AND (m.subject LIKE ? ESCAPE '\\' OR m.sender LIKE ? ESCAPE '\\')"
            parameters += [pattern, pattern]
        order = _ORDER_BY[sort].format(direction=direction)
        rows = self._execute(f"SELECT m.id FROM messages m WHERE {where} ORDER BY {order}", parameters)
        return [row[0] for row in rows]

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

    def set_seen(self, ids: Sequence[int], seen: bool) -> None:
        self._update_messages("seen = ?", int(seen), ids)

    def set_flagged(self, ids: Sequence[int], flagged: bool) -> None:
        self._update_messages("flagged = ?", int(flagged), ids)

    def move_to_folder(self, ids: Sequence[int], folder: Folder) -> None:
        """Move messages between Inbox and Trash.

        Moving to Trash marks their UIDLs DELETED_LOCALLY, which the "delete from the server when
        I delete it here" policy acts on at the next fetch; restoring undoes that if the server
        has not deleted them yet.
        """
        deleted_at = time.time() if folder is Folder.TRASH else None
        self._begin()
        try:
            for start in range(0, len(ids), 500):
                chunk = list(ids[start:start + 500])
                marks = ",".join("?" * len(chunk))
                self._execute(f"UPDATE messages SET folder = ?, deleted_at = ? WHERE id IN ({marks})",
                              [str(folder), deleted_at, *chunk])
                old, new = ((UidState.STORED, UidState.DELETED_LOCALLY) if folder is Folder.TRASH
                            else (UidState.DELETED_LOCALLY, UidState.STORED))
                self._execute(f"UPDATE server_uids SET state = ? WHERE state = ? AND message_id IN ({marks})",
                              [new.value, old.value, *chunk])
            self.commit()
        except BaseException:
            self.rollback()
            raise

    def unread_counts(self) -> dict[tuple[int, str], int]:
        """(account id, folder) -> number of unread messages."""
        rows = self._execute("SELECT account_id, folder, count(*) FROM messages WHERE seen = 0"
                             " GROUP BY account_id, folder")
        return {(account_id, folder): count for account_id, folder, count in rows}

    def _update_messages(self, assignment: str, value: object, ids: Sequence[int]) -> None:
        self._begin()
        try:
            for start in range(0, len(ids), 500):
                chunk = list(ids[start:start + 500])
                marks = ",".join("?" * len(chunk))
                self._execute(f"UPDATE messages SET {assignment} WHERE id IN ({marks})", [value, *chunk])
            self.commit()
        except BaseException:
            self.rollback()
            raise

    def message_count(self, account: str | None = None) -> int:
        if account is None:
            return int(self._execute("SELECT count(*) FROM messages").fetchone()[0])
        return int(self._execute("SELECT count(*) FROM messages m JOIN accounts a ON a.id = m.account_id"
                                 " WHERE a.name = ?", (account,)).fetchone()[0])


def _explain(error: sqlite3.Error) -> str:
    text = str(error)
    if "disk is full" in text or "database or disk is full" in text:
        return "the disk is full: free some space, then fetch again (nothing was lost)"
    if "locked" in text or "busy" in text:
        return "the mail store is in use by another Poplark process: try again in a moment"
    if "readonly" in text or "read-only" in text:
        return "the mail store is read-only: check the permissions of the profile folder"
    return f"the mail store failed: {text}"
