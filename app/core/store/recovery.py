"""Checks made before the mail store is opened for writing: damaged, foreign or newer files.

The choice, and why: the database file holds all of a user's mail, so it is never overwritten,
repaired in place or deleted. When it is certainly not a healthy Poplark store (not an SQLite file,
truncated, its schema unreadable, or another application's database), it is renamed aside with a
timestamp (``poplark.sqlite3.damaged-20250101T120000``, its ``-wal`` and ``-shm`` files with it, so
that recovery tools still see the journal) and :class:`StoreMovedAside` tells the user where it went.
The next open starts a new, empty store: a mail client that refuses to start until the user repairs
a database by hand helps nobody, and the bad file stays there for recovery.

A store written by a newer Poplark is a different case: the file is fine, this program is too old.
It is refused with :class:`StoreTooNew` and left byte-for-byte untouched (opened read-only).

The check reads the file's header with a plain ``open()``, which is safe only while this process
has no SQLite connection on the file (closing that descriptor would drop the connection's POSIX
locks: see :mod:`app.core.store.connection`). So it runs inside
:func:`~app.core.store.connection.outside_access`, and only when no connection of this process is
open on the file; once one is, that file was checked when it was opened, and damage found later
surfaces as "the mail store is damaged" from SQLite itself.

Only certain evidence counts as damage: an error that merely might be temporary (locked, busy,
permission denied, an I/O error) is reported as it is and the file stays where it was. The checks
read a few pages (the header, the schema, the root of the small tables), so start-up stays fast on
a store of any size; damage deep inside the mail pages shows up when those pages are read, as
"the mail store is damaged" (see ``store/failures.py``).
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

from app.core.errors import StoreError
from app.core.store.connection import connect, outside_access
from app.core.store.schema import SCHEMA_VERSION

#: The first 16 bytes of every SQLite 3 database (https://www.sqlite.org/fileformat.html §1.3).
SQLITE_MAGIC = b"SQLite format 3\x00"
HEADER_OCTETS = 100
#: Tables every Poplark schema since version 1 has; a database without them belongs to someone else.
OUR_TABLES = frozenset({"accounts", "messages", "message_raw", "server_uids"})
DAMAGED_SUFFIX = ".damaged-"
#: How long the check waits for another program's lock before reporting it (never as damage).
BUSY_TIMEOUT_SECONDS = 10.0
#: SQLite's own words for a file that is not, or no longer, a readable database.
_DAMAGE_WORDS = ("not a database", "malformed", "corrupt", "file is encrypted")


class StoreMovedAside(StoreError):
    """The store file was damaged or foreign and was renamed to :attr:`moved_to`."""

    def __init__(self, message: str, *, original: Path, moved_to: Path, reason: str) -> None:
        super().__init__(message)
        self.original = original
        self.moved_to = moved_to
        self.reason = reason


class StoreTooNew(StoreError):
    """The store was written by a newer Poplark; it was not touched."""

    def __init__(self, message: str, *, version: int) -> None:
        super().__init__(message)
        self.version = version


def check_database(path: Path) -> None:
    """Raise :class:`StoreMovedAside` or :class:`StoreTooNew` when ``path`` must not be opened.

    A missing or empty file is fine (a new store is created there). Does nothing while a
    connection of this process is open on ``path``: it was checked when that one was opened.
    """
    with outside_access(path) as allowed:
        if not allowed:
            return
        reason = damage_reason(path)
        if reason is None:
            return
        moved_to = move_aside(path)
        raise StoreMovedAside(
            f"the mail store {path.name} was damaged ({reason}); it was moved aside, unchanged, "
            f"to {moved_to.name} in {path.parent}", original=path, moved_to=moved_to, reason=reason)


def damage_reason(path: Path) -> str | None:
    """Why ``path`` is certainly not a usable Poplark store, or None when it is (or may be) fine.

    Raises :class:`StoreTooNew` for a newer schema and :class:`StoreError` for problems that are
    not damage (permissions, I/O, a lock held by another program). Returns None without looking
    while a connection of this process is open on ``path`` (reading it would drop its locks).
    """
    with outside_access(path) as allowed:
        return _damage_reason(path) if allowed else None


def _damage_reason(path: Path) -> str | None:
    try:
        with open(path, "rb") as handle:
            header = handle.read(HEADER_OCTETS)
        size = path.stat().st_size
    except FileNotFoundError:
        return None
    except OSError as error:
        raise StoreError(f"cannot read the mail store {path}: {error.strerror}") from error
    if not header:
        return None
    if not header.startswith(SQLITE_MAGIC):
        return "it is not an SQLite database"
    if len(header) < HEADER_OCTETS:
        return "the file is truncated"
    # A size that disagrees with the header is only a suspicion: a checkpoint of another connection
    # may be writing the file right now. SQLite's own check, under its locks, confirms or clears it.
    suspicion = _truncated(path, header, size)
    return _schema_problem(path, suspicion)


def _truncated(path: Path, header: bytes, size: int) -> str | None:
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        return "its header is damaged"
    try:
        wal_size = Path(f"{path}-wal").stat().st_size
    except OSError:  # none, or another process's last connection just checkpointed and removed it
        wal_size = 0
    if wal_size > 0:
        # Pages may live in the write-ahead log until the next checkpoint: sizes prove nothing.
        return None
    if size % page_size:
        return "the file is truncated"
    change_counter = header[24:28]
    version_valid_for = header[92:96]
    page_count = int.from_bytes(header[28:32], "big")
    # The in-header size counts only when these two match (fileformat.html §1.3.7).
    if change_counter == version_valid_for and page_count and size < page_count * page_size:
        return "the file is truncated"
    return None


def _schema_problem(path: Path, suspicion: str | None) -> str | None:
    # Read-only, so that a file this check refuses is never written to.
    try:
        connection = connect(path, timeout=BUSY_TIMEOUT_SECONDS, read_only=True)
    except sqlite3.Error as error:
        return _classify(path, error)
    try:
        version = int(connection.execute("PRAGMA user_version").fetchone()[0])
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if version > SCHEMA_VERSION:
            raise StoreTooNew(f"the mail store {path} was written by a newer Poplark (schema {version}, "
                              f"this one knows {SCHEMA_VERSION}); it was not changed: update Poplark to open it",
                              version=version)
        if not tables:
            return None  # an empty database: the migrations will fill it
        if version == 0 or not tables >= OUR_TABLES:
            return "it is a database of another application"
        # The root pages of the small tables and the newest end of the messages tree: damage to
        # the pages every session reads first shows up here, at the cost of a few page reads.
        connection.execute("SELECT count(*) FROM accounts").fetchone()
        connection.execute("SELECT max(id) FROM messages").fetchone()
        connection.execute("SELECT count(*) FROM server_uids").fetchone()
        if suspicion is not None and connection.execute("PRAGMA quick_check(1)").fetchone()[0] != "ok":
            return suspicion
    except sqlite3.Error as error:
        reason = _classify(path, error)  # raises when the error is not damage
        return suspicion or reason
    finally:
        connection.close()
    return None


def _classify(path: Path, error: sqlite3.Error) -> str | None:
    text = str(error)
    if any(word in text for word in _DAMAGE_WORDS):
        return f"SQLite says: {text}"
    # Locked, busy, read-only, I/O error: maybe temporary, so not a reason to move the file.
    raise StoreError(f"cannot open the mail store {path}: {text}") from error


def move_aside(path: Path, now: float | None = None) -> Path:
    """Rename ``path`` (and its -wal/-shm files) to a new timestamped name; return the new path.

    Call it only inside :func:`~app.core.store.connection.outside_access` that allowed it.
    """
    stamp = time.strftime("%Y%m%dT%H%M%S", time.localtime(time.time() if now is None else now))
    base = f"{path.name}{DAMAGED_SUFFIX}{stamp}"
    target = path.with_name(base)
    number = 1
    while target.exists() or Path(f"{target}-wal").exists():
        number += 1
        target = path.with_name(f"{base}-{number}")
    moved: list[tuple[Path, Path]] = []
    try:
        # The journal first: a WAL left behind would be replayed into the new store at this path.
        for suffix in ("-wal", "-shm"):
            companion = Path(f"{path}{suffix}")
            if companion.exists():
                os.replace(companion, f"{target}{suffix}")
                moved.append((companion, Path(f"{target}{suffix}")))
        os.replace(path, target)
    except OSError as error:
        for original, renamed in moved:  # put the journal back with its database
            try:
                os.replace(renamed, original)
            except OSError:
                pass
        raise StoreError(f"the mail store {path} is damaged and could not be moved aside: "
                         f"{error.strerror}") from error
    return target


__all__ = ["StoreMovedAside", "StoreTooNew", "check_database", "damage_reason", "move_aside"]
