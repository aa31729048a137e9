"""Turns an SQLite or file-system failure of the mail store into the error vocabulary's kind.

Why a module of its own: the advice a user gets depends on telling "the disk is full" from
"another process held the lock too long" from "the store's files changed under us" from "the disk
failed", and SQLite's English texts overlap ("database or disk is full" is SQLITE_FULL, "disk I/O
error" is SQLITE_IOERR, which is also what a deleted ``-wal`` file produces). The primary result
code (``sqlite_errorcode``, Python 3.11+) decides; the text is a fallback for errors raised
without one. https://www.sqlite.org/rescode.html
"""

from __future__ import annotations

import errno
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from app.core.errors import (
    StoreBusy,
    StoreChanged,
    StoreDamaged,
    StoreError,
    StoreFull,
    StoreIOError,
    StoreReadOnly,
)

# Primary result codes (the low 8 bits of an extended code).
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14
SQLITE_NOTADB = 26
#: SQLITE_READONLY_DBMOVED: the database file was renamed or unlinked while open.
SQLITE_READONLY_DBMOVED = SQLITE_READONLY | (4 << 8)


@dataclass(frozen=True)
class OpenedFiles:
    """The store's files as a connection opened them, to tell later whether they are still there.

    While any connection is open in WAL mode, SQLite keeps ``-wal`` and ``-shm`` beside the
    database; their absence, or another file (device, inode) at the database's path, means that
    something removed or replaced them under the connection. Its writes then go to a log that no
    other process sees and that vanishes when the process ends: not durable, so never a reason to
    delete mail from the server.
    """

    path: Path
    identity: tuple[int, int] | None
    write_ahead_log: bool

    @classmethod
    def of(cls, path: Path, *, write_ahead_log: bool) -> OpenedFiles:
        return cls(path, _identity(path), write_ahead_log)

    def changed(self) -> bool:
        if self.identity is not None and _identity(self.path) != self.identity:
            return True
        if not self.write_ahead_log:
            return False
        return not (Path(f"{self.path}-wal").exists() and Path(f"{self.path}-shm").exists())

    def verify(self) -> None:
        """Raise :class:`StoreChanged` when the files are no longer the ones opened."""
        if self.changed():
            raise StoreChanged(f"the mail store's files in {self.path.parent} were removed or replaced by another "
                               "program while Poplark had them open")


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        status = os.stat(path)  # stat opens no descriptor: safe beside SQLite's locks
    except OSError:
        return None
    return status.st_dev, status.st_ino


def store_failure(error: sqlite3.Error, opened: OpenedFiles | None = None) -> StoreError:
    """The StoreError for an SQLite error on the store whose files are ``opened`` (when known)."""
    text = str(error)
    code = getattr(error, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    if code == SQLITE_READONLY_DBMOVED:
        return StoreChanged(f"the mail store's files were moved or replaced while Poplark had them open ({text})")
    if primary == SQLITE_FULL or "disk is full" in text:
        return StoreFull(f"the disk is full ({text})")
    if primary in (SQLITE_BUSY, SQLITE_LOCKED) or (primary is None and ("locked" in text or "busy" in text)):
        return StoreBusy(f"another Poplark process kept the mail store busy for too long ({text})")
    if primary == SQLITE_READONLY or (primary is None and ("readonly" in text or "read-only" in text)):
        return StoreReadOnly(f"the mail store cannot be written ({text})")
    if primary in (SQLITE_CORRUPT, SQLITE_NOTADB) or (primary is None and "malformed" in text):
        return StoreDamaged(f"the mail store is damaged ({text})")
    if primary in (SQLITE_IOERR, SQLITE_CANTOPEN) or "I/O error" in text:
        if opened is not None and opened.changed():
            return StoreChanged(f"the mail store's files were removed or replaced by another program while "
                                f"Poplark had them open ({text})")
        if primary == SQLITE_CANTOPEN:
            return StoreIOError(f"the mail store's files cannot be opened ({text})")
        return StoreIOError(f"reading or writing the mail store failed ({text})")
    return StoreError(f"the mail store failed: {text}")


def os_failure(error: OSError, what: str) -> StoreError:
    """The StoreError for a file-system error while ``what`` (e.g. "creating the profile folder")."""
    reason = error.strerror or str(error)
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return StoreFull(f"the disk is full ({what}: {reason})")
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return StoreReadOnly(f"{what} is not allowed: {reason}")
    if error.errno == errno.EIO:
        return StoreIOError(f"{what} failed: {reason}")
    return StoreError(f"{what} failed: {reason}")


__all__ = ["OpenedFiles", "os_failure", "store_failure"]
