"""The only way Poplark opens its SQLite database, and the record of which files this process has open.

Why it exists: SQLite's locks on a database file are POSIX advisory locks, and POSIX ties them to
the process, not to the file descriptor. Closing ANY descriptor on the database file, even one
opened with a plain ``open()`` to read 100 header bytes, silently drops every lock the process
holds on it. Another process (``poplark fetch`` from cron beside the window) then believes it is
the last user, and when it closes it checkpoints and deletes the ``-wal`` and ``-shm`` files this
process is still writing through: "disk I/O error" for every read, and two processes writing
through different logs, which is how SQLite databases get corrupted (SQLite's "How To Corrupt An
SQLite Database File", section 2.2). SQLite itself avoids the trap for its own connections: it
shares one lock record per file among them and defers closing a descriptor while locks are held.

So the rule, enforced here: the database files are touched outside SQLite only inside
:func:`outside_access`, which holds the process-wide lock that :func:`connect` also takes, and
says whether a connection of this process is open on that file. When one is, nothing may open the
files; when none is, nothing can open a connection until the outside access ends.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

# Re-entrant: the damage check, run inside outside_access(), opens a read-only SQLite connection
# of its own through connect().
_registry_lock = threading.RLock()
_open_connections: Counter[str] = Counter()


def _key(path: Path) -> str:
    # realpath: a relative path, a symlinked profile folder and the absolute path are one file.
    return os.path.realpath(path)


class _TrackedConnection(sqlite3.Connection):
    """A connection that leaves the registry when it is closed (once, however often close is called).

    A connection that is never closed stays counted: the safe direction, since it may still hold
    locks until the process ends.
    """

    _registry_key: str | None = None

    def close(self) -> None:
        try:
            super().close()
        finally:
            with _registry_lock:
                key, self._registry_key = self._registry_key, None
                if key is not None:
                    _open_connections[key] -= 1
                    if _open_connections[key] <= 0:
                        del _open_connections[key]


def connect(path: Path, *, timeout: float, read_only: bool = False) -> sqlite3.Connection:
    """Open ``path`` with SQLite (autocommit mode: transactions are explicit) and count it open.

    ``read_only`` opens it through a ``mode=ro`` URI, so that nothing is ever written to it.
    """
    options: dict[str, Any] = {"isolation_level": None, "timeout": timeout, "factory": _TrackedConnection}
    key = _key(path)
    with _registry_lock:
        if read_only:
            connection = sqlite3.connect(Path(key).as_uri() + "?mode=ro", uri=True, **options)
        else:
            connection = sqlite3.connect(key, **options)
        assert isinstance(connection, _TrackedConnection)
        connection._registry_key = key
        _open_connections[key] += 1
    return connection


def open_connection_count(path: Path) -> int:
    """How many connections of this process are open on ``path`` (for tests and diagnostics)."""
    with _registry_lock:
        return _open_connections[_key(path)]


@contextmanager
def outside_access(path: Path) -> Iterator[bool]:
    """Hold while reading, renaming or copying the database files other than through SQLite.

    Yields True when no connection of this process is open on ``path``: the files may then be
    touched, and no connection can be opened by another thread of this process until the block
    ends. Yields False when one is: the caller must not open, copy or rename the files at all.
    """
    with _registry_lock:
        yield _open_connections[_key(path)] == 0


__all__ = ["connect", "open_connection_count", "outside_access"]
