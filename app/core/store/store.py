"""SQLite access: accounts, messages (raw bytes + list fields), the per-account UIDL state, the
mailbox actions (trash, restore, empty, import) and the search query (text in
:mod:`app.core.store.search`).

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
import zlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.core.errors import ConfigError, StoreError
from app.core.model import Account, Folder, LeaveMode, MessageSummary, Security, ServerPolicy, SortColumn
from app.core.store.connection import connect
from app.core.store.failures import OpenedFiles, store_failure
from app.core.store.profile import Profile
from app.core.store.recovery import check_database
from app.core.store.schema import migrate

#: UIDL of a message imported from a file (followed by its SHA-256): it never came from a server.
IMPORTED_UIDL_PREFIX = "poplark-import:"

#: Messages deleted for good per transaction: other writers wait at most one chunk (about 60 ms).
#: Times 3 (the condition appears three times) plus its own parameters stays under SQLite's
#: historic limit of 999 variables.
DELETE_CHUNK = 300

#: Seconds a writer waits for another connection's lock before giving up with StoreError.
BUSY_TIMEOUT_SECONDS = 10.0


class UidState(enum.StrEnum):
    """Where a server message stands for us, keyed by its UIDL."""

    STORED = "stored"  # committed locally; still on the server as far as we know
    DELETED_LOCALLY = "deleted_locally"  # the user deleted it here: DELE it in mirror mode
    DELETED_ON_SERVER = "deleted_on_server"  # we sent DELE and the server confirmed at QUIT
    #: Deleted here, and the server stopped listing it before we sent DELE (another client
    #: deleted it, or the provider lists only recent mail). Nothing is queued; should it be
    #: listed again, it is treated as DELETED_LOCALLY.
    GONE_FROM_SERVER = "gone_from_server"


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


#: The server_uids rows of the messages matching ``where`` (its parameters given twice), found by
#: primary key: server_uids has no index on message_id, and a scan of every UIDL the account ever
#: had costs 12 ms per 100,000 on each move to Trash.
_UIDL_ROWS = ("account_id IN (SELECT account_id FROM messages WHERE {where})"
              " AND uidl IN (SELECT uidl FROM messages WHERE {where})")


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
        # Before any write: a damaged or foreign file is moved aside, a newer one refused untouched.
        # It reads the file outside SQLite only while no connection of this process is open on it.
        check_database(path)
        self.opened: OpenedFiles | None = None
        try:
            # Through connection.connect, never sqlite3 directly: see store/connection.py for why.
            self.db = connect(path, timeout=BUSY_TIMEOUT_SECONDS)
            self.db.execute("PRAGMA foreign_keys = ON")
            # Raw messages are large blobs: 16 KiB pages write them about 1.5x faster than the
            # default 4 KiB (bench measured). Takes effect only on a new, empty database.
            self.db.execute("PRAGMA page_size = 16384")
            # A file system without shared memory (some network ones) keeps the rollback journal.
            journal_mode = str(self.db.execute("PRAGMA journal_mode = WAL").fetchone()[0]).lower()
            # FULL: a committed message survives power loss, so deleting it from the server
            # afterwards is safe (invariant 1). The cost is one fsync per group commit.
            self.db.execute("PRAGMA synchronous = FULL")
            migrate(self.db)
        except sqlite3.Error as error:
            failure = store_failure(error)
            failure.message = f"cannot open the mail store {path}: {failure.message}"
            raise failure from error
        self.opened = OpenedFiles.of(path, write_ahead_log=journal_mode == "wal")
        self._in_transaction = False
        #: Whether message_ids() can read ids as one JSON array (SQLite's JSON functions exist).
        self._json_ids = True

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
        """Make everything written since the last commit durable.

        Raises :class:`~app.core.errors.StoreChanged` when the store's files were removed or
        replaced under this connection, before the commit (nothing is written) or right after it
        (what was written went to a log no one else sees: the caller must not act on it, e.g. DELE).
        """
        if self._in_transaction:
            try:
                self._verify_files()
            except StoreError:
                self.rollback()
                raise
            self._execute("COMMIT")
            self._in_transaction = False
            self._verify_files()

    def _verify_files(self) -> None:
        if self.opened is not None:
            self.opened.verify()

    def rollback(self) -> None:
        if self._in_transaction:
            self._in_transaction = False
            try:
                self.db.execute("ROLLBACK")
            except sqlite3.Error:
                pass

    def _failure(self, error: sqlite3.Error) -> StoreError:
        return store_failure(error, self.opened)

    def query(self, sql: str, parameters: Sequence[Any] = ()) -> sqlite3.Cursor:
        """Run one statement for a module of the store package; SQLite's errors become StoreErrors."""
        return self._execute(sql, parameters)

    def _execute(self, sql: str, parameters: Sequence[Any] = ()) -> sqlite3.Cursor:
        try:
            return self.db.execute(sql, parameters)
        except sqlite3.Error as error:
            raise self._failure(error) from error

    # -- accounts -----------------------------------------------------------------------------

    def add_account(self, account: Account) -> Account:
        try:
            cursor = self.db.execute(
                "INSERT INTO accounts (name, settings, created_at) VALUES (?, ?, ?)",
                (account.name, account_to_json(account), time.time()))
        except sqlite3.IntegrityError as error:
            raise ConfigError(f"an account named {account.name!r} already exists") from error
        except sqlite3.Error as error:
            raise self._failure(error) from error
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
            raise self._failure(error) from error

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
        self._begin()
        try:
            self._execute("DELETE FROM accounts WHERE id = ?", (account.id,))
            self.purge_search_index()  # its messages went by ON DELETE CASCADE
            self.commit()
        except BaseException:
            self.rollback()
            raise

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
        received = time.time() if received_at is None else received_at
        summary = self._insert_message(account.id, account.name, uidl, raw, received, Folder.INBOX)
        self._execute(
            "INSERT INTO server_uids (account_id, uidl, first_seen, state, message_id) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (account_id, uidl) DO UPDATE SET state = excluded.state,"
            " message_id = excluded.message_id",
            (account.id, uidl, received, UidState.STORED.value, summary.id))
        return summary

    def _insert_message(self, account_id: int, account_name: str, uidl: str, raw: bytes, received: float,
                        folder: Folder) -> MessageSummary:
        """Insert the list fields and the raw bytes in the open (or a new) transaction."""
        from app.core.mime import summarize  # the email package is only needed once mail arrives

        parsed = summarize(raw)
        digest = hashlib.sha256(raw).hexdigest()
        self._begin()
        cursor = self._execute(
            "INSERT INTO messages (account_id, uidl, received_at, date, sort_date, sender, recipients,"
            " subject, message_id, size, sha256, has_attachments, parse_error, folder)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (account_id, uidl, received, parsed.date, parsed.date if parsed.date is not None else received,
             parsed.sender, parsed.recipients, parsed.subject, parsed.message_id, len(raw), digest,
             int(parsed.has_attachments), parsed.error, str(folder)))
        message_id = cursor.lastrowid
        assert message_id is not None
        self._execute("INSERT INTO message_raw (message_id, raw) VALUES (?, ?)", (message_id, raw))
        return MessageSummary(
            id=message_id, account=account_name, uidl=uidl, received_at=received, date=parsed.date,
            sender=parsed.sender, recipients=parsed.recipients, subject=parsed.subject,
            message_id=parsed.message_id, size=len(raw), sha256=digest,
            has_attachments=parsed.has_attachments, folder=str(folder))

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
        self._update_uid_states(account_id, uidls, UidState.DELETED_ON_SERVER)

    def forget_gone_local_deletions(self, account_id: int, listed_uidls: Sequence[str]) -> int:
        """Mark DELETED_LOCALLY UIDLs that the server no longer lists GONE_FROM_SERVER.

        Another client (or the provider's expiry) removed them; nothing is left to DELE, so they
        must not count as pending server deletions. Not DELETED_ON_SERVER: a message that comes
        back in a listing must not look like a DELE the server ignored.
        """
        listed = set(listed_uidls)
        gone = [uidl for (uidl,) in self._execute(
            "SELECT uidl FROM server_uids WHERE account_id = ? AND state = ?",
            (account_id, UidState.DELETED_LOCALLY.value)) if uidl not in listed]
        if gone:
            self._update_uid_states(account_id, gone, UidState.GONE_FROM_SERVER)
        return len(gone)

    def _update_uid_states(self, account_id: int, uidls: Sequence[str], state: UidState) -> None:
        """Set the state of these UIDLs in one transaction; a failure rolls back (and releases
        the write lock) and is a StoreError, like every other write."""
        self._begin()
        try:
            try:
                self.db.executemany("UPDATE server_uids SET state = ? WHERE account_id = ? AND uidl = ?",
                                    [(state.value, account_id, uidl) for uidl in uidls])
            except sqlite3.Error as error:
                raise self._failure(error) from error
            self.commit()
        except BaseException:
            self.rollback()
            raise

    def dele_ignored_at(self, account_id: int) -> float | None:
        """When we first saw this account's server keep messages it had confirmed deleting."""
        row = self._execute("SELECT dele_ignored_at FROM accounts WHERE id = ?", (account_id,)).fetchone()
        return None if row is None else row[0]

    def set_dele_ignored_at(self, account_id: int, when: float | None) -> None:
        self._execute("UPDATE accounts SET dele_ignored_at = ? WHERE id = ?", (when, account_id))

    def pending_server_deletions(self, account_id: int | None = None) -> int:
        """How many messages the next session will DELE because they were deleted here.

        Counts UIDLs in state DELETED_LOCALLY of accounts in "delete from the server when I
        delete it here" mode (what the UI announces as "N messages will be deleted from the
        server at the next check"); other modes never DELE because of a local delete.
        """
        mirrored = [account.id for account in self.accounts()
                    if account.policy.leave_mode is LeaveMode.DELETE_WHEN_DELETED_LOCALLY
                    and (account_id is None or account.id == account_id)]
        if not mirrored:
            return 0
        marks = ",".join("?" * len(mirrored))
        return int(self._execute(
            # Named, with the literal state its WHERE needs: without statistics SQLite prefers the
            # primary key, which walks every UIDL of the account (schema 5).
            f"SELECT count(*) FROM server_uids INDEXED BY server_uids_deleted_locally"
            f" WHERE state = 'deleted_locally' AND account_id IN ({marks})",
            mirrored).fetchone()[0])

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

        ``text`` is a full-text search (see :mod:`app.core.store.search`): every word must occur in
        the subject, the addresses or the body; the last word may be unfinished (a prefix).
        Messages the indexer has not reached yet are matched on subject, sender and recipients.
        """
        from app.core.store.search import BROAD_SEARCH_HITS, match_lists_query, parse_query

        query = parse_query(text) if text.strip() else None
        if query is not None and query.match is not None:
            # The matches first, once, in any folder (FTS5 reads 98,000 of them in ~10 ms).
            lists = self._json_row(*match_lists_query(query))
            if lists is not None:
                indexed, forgotten, pending = (json.loads(value) for value in lists)
                if forgotten:
                    dropped = set(forgotten)
                    indexed = [message_id for message_id in indexed if message_id not in dropped]
                matches: list[int] = indexed + pending
                if len(matches) <= BROAD_SEARCH_HITS:
                    # Few: look each one up by id and sort them.
                    sql, parameters = self._lookup_query(account_id, folder, sort, descending)
                    return self._read_ids(sql, [*parameters, json.dumps(matches)])
                # Many (a word in most mail): the folder in display order, filtered here. Testing
                # 95,000 ids against a Python set costs a few ms; SQLite's IN (subquery) builds a
                # b-tree of the matches and probes it, ~15-25 ms more (bench/README.md). The two
                # reads are two snapshots: a message stored in between shows at the next search.
                matched = set(matches)
                listing, parameters = self._message_ids_query(account_id, folder, sort, descending, "")
                return list(filter(matched.__contains__, self._read_ids(listing, parameters)))
        sql, parameters = self._message_ids_query(account_id, folder, sort, descending, text)
        return self._read_ids(sql, parameters)

    def _lookup_query(self, account_id: int | None, folder: str, sort: SortColumn,
                      descending: bool) -> tuple[str, list[Any]]:
        """The ids of a folder among those in a JSON array (the last parameter), in display order.
        The unary "+" keeps SQLite from walking the folder index instead of looking them up."""
        scope, parameters = self._folder_scope(account_id, folder, "+")
        order = _ORDER_BY[sort].format(direction="DESC" if descending else "ASC")
        return (f"SELECT m.id FROM messages m WHERE {scope} AND m.id IN (SELECT value FROM json_each(?))"
                f" ORDER BY {order}", parameters)

    def _read_ids(self, sql: str, parameters: Sequence[Any]) -> list[int]:
        """The first column of ``sql`` (integers), in its order."""
        # One row per id costs ~0.35 us of Python objects each (35 ms for a 95,000-message inbox);
        # SQLite packs them into one JSON array instead and json.loads reads it back (~20 ms).
        # The array keeps the subquery's order: SQLite drops an ORDER BY under an aggregate only
        # for count(), min() and max() (test_search pins the order anyway).
        row = self._json_row(f"SELECT json_group_array(id) FROM ({sql})", parameters)
        if row is not None:
            ids: list[int] = json.loads(row[0])
            return ids
        return [row[0] for row in self._execute(sql, parameters)]

    def _json_row(self, sql: str, parameters: Sequence[Any]) -> tuple[Any, ...] | None:
        """The one row of a query built on SQLite's JSON functions; None when SQLite has none
        (built without them, before 3.38): the caller then takes a way without JSON."""
        if not self._json_ids:
            return None
        try:
            row: tuple[Any, ...] = self.db.execute(sql, parameters).fetchone()
        except sqlite3.OperationalError as error:
            missing = str(error)  # "no such function: json_group_array", "no such table: json_each"
            if not missing.startswith(("no such function: json", "no such table: json")):
                raise self._failure(error) from error
            self._json_ids = False
            return None
        except sqlite3.Error as error:
            raise self._failure(error) from error
        return row

    def _folder_scope(self, account_id: int | None, folder: str, plus: str) -> tuple[str, list[Any]]:
        """The WHERE condition for a folder of one account or all (``plus``: "+" hides the
        columns from the planner, so it uses no index for them)."""
        where = f"{plus}m.folder = ?"
        parameters: list[Any] = [str(folder)]
        if account_id is not None:
            where += f" AND {plus}m.account_id = ?"
            parameters.append(account_id)
        return where, parameters

    def _message_ids_query(self, account_id: int | None, folder: str, sort: SortColumn, descending: bool,
                           text: str) -> tuple[str, list[Any]]:
        """The ids query in SQL alone: the folder listing, and search where SQLite has no JSON
        functions (or nothing searchable was typed)."""
        from app.core.store.search import BROAD_SEARCH_HITS, parse_query, search_condition

        direction = "DESC" if descending else "ASC"
        query = parse_query(text) if text.strip() else None
        # Counting stops at the threshold: a few ms even when nearly every message matches.
        broad = query is not None and (query.match is None or int(self._execute(
            "SELECT count(*) FROM (SELECT rowid FROM message_search WHERE message_search MATCH ? LIMIT ?)",
            (query.match, BROAD_SEARCH_HITS + 1)).fetchone()[0]) > BROAD_SEARCH_HITS)
        # A narrow search is driven by its matches: the unary "+" keeps SQLite from walking the
        # folder index instead (which it prefers on a store without ANALYZE statistics).
        where, parameters = self._folder_scope(account_id, folder, "+" if query is not None and not broad else "")
        if query is not None:
            condition, condition_parameters = search_condition(query, broad=broad)
            where += " AND " + condition
            parameters += condition_parameters
        order = _ORDER_BY[sort].format(direction=direction)
        return f"SELECT m.id FROM messages m WHERE {where} ORDER BY {order}", parameters

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
            for start in range(0, len(ids), 300):  # x3 below: under SQLite's 999
                chunk = list(ids[start:start + 300])
                marks = ",".join("?" * len(chunk))
                self._execute(f"UPDATE messages SET folder = ?, deleted_at = ? WHERE id IN ({marks})",
                              [str(folder), deleted_at, *chunk])
                old: tuple[UidState, ...]
                if folder is Folder.TRASH:
                    old, new = (UidState.STORED,), UidState.DELETED_LOCALLY
                else:
                    old, new = (UidState.DELETED_LOCALLY, UidState.GONE_FROM_SERVER), UidState.STORED
                states = ",".join("?" * len(old))
                self._execute(f"UPDATE server_uids SET state = ? WHERE state IN ({states})"
                              f" AND {_UIDL_ROWS.format(where=f'id IN ({marks})')} AND message_id IN ({marks})",
                              [new.value, *(state.value for state in old), *chunk, *chunk, *chunk])
            self.commit()
        except BaseException:
            self.rollback()
            raise

    def restore(self, ids: Sequence[int]) -> None:
        """Move messages from Trash back to the Inbox; their pending server DELE is cancelled
        (unless the server has deleted them already)."""
        self.move_to_folder(ids, Folder.INBOX)

    def empty_trash(self, account_id: int | None = None) -> int:
        """Delete the messages in Trash for good (rows, raw bytes and search index); return how many.

        Their ``server_uids`` rows stay, so a message still on the server is never downloaded
        again; in mirror mode they stay queued (DELETED_LOCALLY) for DELE at the next session.
        """
        where = "folder = ?"
        parameters: list[Any] = [Folder.TRASH.value]
        if account_id is not None:
            where += " AND account_id = ?"
            parameters.append(account_id)
        return self._delete_in_trash([row[0] for row in self._execute(
            f"SELECT id FROM messages WHERE {where}", parameters)])

    def delete_for_good(self, ids: Sequence[int]) -> int:
        """Delete these messages for good, as :meth:`empty_trash` does; return how many.

        Only messages in Trash are deleted (others are left alone): moving to Trash is what
        queues a server DELE in mirror mode, so nothing skips that step.
        """
        return self._delete_in_trash(ids)

    def _delete_in_trash(self, ids: Sequence[int]) -> int:
        """Delete those of ``ids`` that are in Trash, in transactions of :data:`DELETE_CHUNK`.

        Emptying a Trash of 20,000 messages in one transaction held the write lock for 4 s, and
        every other writer (a click in the window, a fetch of another process) waited that long.
        Each chunk checks the folder again, so a message restored meanwhile stays.
        """
        removed = 0
        for start in range(0, len(ids), DELETE_CHUNK):
            chunk = list(ids[start:start + DELETE_CHUNK])
            removed += self._delete_chunk(f"folder = ? AND id IN ({','.join('?' * len(chunk))})",
                                          [Folder.TRASH.value, *chunk])
        return removed

    def _delete_chunk(self, where: str, parameters: list[Any]) -> int:
        """Delete the messages matching ``where`` in one transaction. Their ``server_uids`` rows
        stay, so a message still on the server is never downloaded again."""
        self._begin()
        try:
            # Message ids may be reused once deleted: the UIDL state must not point at a newcomer.
            self._execute(f"UPDATE server_uids SET message_id = NULL WHERE {_UIDL_ROWS.format(where=where)}"
                          f" AND message_id IN (SELECT id FROM messages WHERE {where})", parameters * 3)
            # message_raw goes by ON DELETE CASCADE; the messages_search_delete trigger notes
            # the index rows, which are forgotten before the commit.
            removed = self._execute(f"DELETE FROM messages WHERE {where}", parameters).rowcount
            self.purge_search_index()
            self.commit()
        except BaseException:
            self.rollback()
            raise
        return int(removed)

    def import_message(self, account_id: int, raw: bytes, folder: Folder = Folder.INBOX) -> int:
        """Store a message from a file (a dropped .eml) byte-exact; return its id.

        It gets no ``server_uids`` row, so no session ever DELEs or re-downloads anything
        because of it. Importing bytes identical to a message the account already holds (in
        any folder) stores no second copy and returns the existing message's id.
        """
        digest = hashlib.sha256(raw).hexdigest()
        row = self._execute("SELECT name FROM accounts WHERE id = ?", (account_id,)).fetchone()
        if row is None:
            raise ConfigError(f"there is no account with id {account_id}")
        name = str(row[0])
        self._begin()
        try:
            existing = self._execute("SELECT id FROM messages WHERE account_id = ? AND sha256 = ? LIMIT 1",
                                     (account_id, digest)).fetchone()
            if existing is not None:
                self.commit()
                return int(existing[0])
            summary = self._insert_message(account_id, name, IMPORTED_UIDL_PREFIX + digest, raw, time.time(),
                                           folder)
            self.commit()
        except BaseException:
            self.rollback()
            raise
        return summary.id

    def write_search_entries(self, entries: Sequence[tuple[int, str, str, str]], *,
                             sha256_of: Mapping[int, str] | None = None) -> int:
        """Write (message id, subject, addresses, body) index rows in one short transaction.

        The text is already prepared by :func:`app.core.store.search.index_text`. Messages
        deleted (or indexed by another thread) since the text was read are skipped, and so is
        an id whose message no longer has the SHA-256 in ``sha256_of`` (another message took
        the id meanwhile). Returns how many rows were written.
        """
        written = 0
        self._begin()
        try:
            # First forget deleted messages: an id SQLite gives again must not meet its old row.
            self.purge_search_index()
            for message_id, subject, addresses, body in entries:
                digest = None if sha256_of is None else sha256_of.get(message_id)
                if digest is None:
                    pending = self._execute("UPDATE messages SET indexed = 1 WHERE id = ? AND indexed = 0",
                                            (message_id,)).rowcount
                else:
                    pending = self._execute("UPDATE messages SET indexed = 1 WHERE id = ? AND indexed = 0"
                                            " AND sha256 = ?", (message_id, digest)).rowcount
                if pending:
                    self._execute("INSERT INTO message_search (rowid, subject, addresses, body)"
                                  " VALUES (?, ?, ?, ?)", (message_id, subject, addresses, body))
                    self._execute("INSERT OR REPLACE INTO message_search_text (message_id, text) VALUES (?, ?)",
                                  (message_id, _pack_search_text(subject, addresses, body)))
                    written += 1
            self.commit()
        except BaseException:
            self.rollback()
            raise
        return written

    def purge_search_index(self) -> int:
        """Forget the index rows of deleted messages (noted by the messages_search_delete
        trigger); return how many. Runs inside the caller's transaction when there is one.

        The index is contentless, so a row is forgotten by handing FTS5 the text it was made
        from again, which message_search_text keeps (compressed) until then.
        """
        rows = self._execute("SELECT d.message_id, t.text FROM message_search_deleted d"
                             " LEFT JOIN message_search_text t ON t.message_id = d.message_id").fetchall()
        for message_id, packed in rows:
            if packed is not None:
                self._execute("INSERT INTO message_search (message_search, rowid, subject, addresses, body)"
                              " VALUES ('delete', ?, ?, ?, ?)", (message_id, *_unpack_search_text(packed)))
                self._execute("DELETE FROM message_search_text WHERE message_id = ?", (message_id,))
            self._execute("DELETE FROM message_search_deleted WHERE message_id = ?", (message_id,))
        return len(rows)

    def pending_search_count(self) -> int:
        """How many messages wait for the search indexer."""
        return int(self._execute("SELECT count(*) FROM messages INDEXED BY messages_pending_search"
                                 " WHERE indexed = 0").fetchone()[0])

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


def _pack_search_text(subject: str, addresses: str, body: str) -> bytes:
    # "surrogatepass": whatever str SQLite accepted must come back identical.
    return zlib.compress(json.dumps([subject, addresses, body], ensure_ascii=False)
                         .encode("utf-8", "surrogatepass"), 1)


def _unpack_search_text(packed: bytes) -> tuple[str, str, str]:
    subject, addresses, body = json.loads(zlib.decompress(packed).decode("utf-8", "surrogatepass"))
    return str(subject), str(addresses), str(body)
