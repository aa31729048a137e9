"""The store's connection and transactions: the base every table family of the store builds on.

One :class:`StoreBase` (through :class:`~app.core.store.store.Store`) per thread: SQLite connections
are not shared across threads. The database is opened only through
:mod:`app.core.store.connection`; SQLite's errors become the error vocabulary's store kinds through
:mod:`app.core.store.failures`. Writes become durable at :meth:`StoreBase.commit`, which the
fetch engine calls before any DELE (docs/architecture.md, invariant 1).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Self

from app.core.errors import StoreError
from app.core.store.connection import connect
from app.core.store.failures import OpenedFiles, store_failure
from app.core.store.recovery import check_database
from app.core.store.schema import migrate

#: Seconds a writer waits for another connection's lock before giving up with StoreBusy.
BUSY_TIMEOUT_SECONDS = 10.0


class StoreBase:
    """One connection to a profile's mail store, with explicit transactions."""

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

    def close(self) -> None:
        if self._in_transaction:
            self.rollback()
        self.db.close()

    def __enter__(self) -> Self:
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

    def _executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        """One statement for many rows: binds each row in C, without a Python call per row."""
        try:
            self.db.executemany(sql, rows)
        except sqlite3.Error as error:
            raise self._failure(error) from error
