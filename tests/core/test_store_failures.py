"""Each way a real SQLite store fails becomes its own kind of StoreError, with advice that is true.

Every failure is produced for real (a page limit that fills the database, a lock held by another
connection, a read-only connection, a file that is not a database, the store's files deleted
under an open connection), never by constructing SQLite's exception by hand.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

import pytest

from app import cli
from app.core.errors import (
    StoreBusy,
    StoreChanged,
    StoreDamaged,
    StoreError,
    StoreFull,
    StoreIOError,
    StoreReadOnly,
)
from app.core.model import Account
from app.core.store import Profile, Store
from app.core.store.connection import connect, open_connection_count, outside_access
from app.core.store.failures import os_failure, store_failure

MESSAGE = b"Subject: hello\r\n\r\nbody\r\n"


@pytest.fixture
def store(tmp_path: Path) -> Store:
    opened = Store.open(Profile(tmp_path / "profile"))
    opened.add_account(Account(name="work", host="pop.example.com", user="alice"))
    return opened


def test_a_full_database_is_a_full_disk_and_rolls_back(store: Store) -> None:
    account = store.accounts()[0]
    pages = store.db.execute("PRAGMA page_count").fetchone()[0]
    store.db.execute(f"PRAGMA max_page_count = {pages + 2}")  # as if the disk had room for two pages
    with pytest.raises(StoreFull):
        store.add_messages(account, [("big", os.urandom(200_000) + MESSAGE, 0.0)])
    assert store.message_count() == 0
    assert "Free some disk space" in cli.describe_error(StoreFull("the disk is full"))
    store.close()


def test_a_lock_held_too_long_is_busy_and_temporary(store: Store) -> None:
    other = Store(store.path)
    other.db.execute("BEGIN IMMEDIATE")
    try:
        store.db.execute("PRAGMA busy_timeout = 50")
        with pytest.raises(StoreBusy) as caught:
            store.set_seen([1], True)
        assert cli.exit_code_for(caught.value) == cli.EXIT_TEMPORARY  # cron may simply try again
        assert "disk space" not in cli.describe_error(caught.value)
    finally:
        other.db.execute("ROLLBACK")
        other.close()
        store.close()


def test_a_read_only_store_is_read_only(store: Store) -> None:
    reader = connect(store.path, timeout=1, read_only=True)
    try:
        with pytest.raises(sqlite3.Error) as caught:
            reader.execute("UPDATE messages SET seen = 1")
        assert isinstance(store_failure(caught.value), StoreReadOnly)
    finally:
        reader.close()
        store.close()


def test_a_file_that_is_not_a_database_is_damaged(tmp_path: Path) -> None:
    path = tmp_path / "junk.sqlite3"
    path.write_bytes(b"this is not an SQLite database at all\n" * 100)
    connection = connect(path, timeout=1)
    try:
        with pytest.raises(sqlite3.Error) as caught:
            connection.execute("SELECT * FROM sqlite_master").fetchall()
        assert isinstance(store_failure(caught.value), StoreDamaged)
    finally:
        connection.close()


def test_files_deleted_under_an_open_store_stop_the_commit(store: Store) -> None:
    # Another program (a sync tool, a careless script) deletes the log the connection writes to.
    account = store.accounts()[0]
    store.add_messages(account, [("first", MESSAGE, 0.0)])
    os.unlink(f"{store.path}-wal")
    os.unlink(f"{store.path}-shm")
    with pytest.raises(StoreChanged):
        store.add_messages(account, [("second", MESSAGE, 0.0)])
    advice = cli.describe_error(StoreChanged("the mail store's files were removed"))
    assert "restart" in advice and "disk space" not in advice
    store.close()


def test_a_database_replaced_under_an_open_store_stops_the_commit(store: Store, tmp_path: Path) -> None:
    account = store.accounts()[0]
    replacement = tmp_path / "replacement.sqlite3"
    with Store(replacement):
        pass
    os.replace(replacement, store.path)
    with pytest.raises(StoreChanged):
        store.add_messages(account, [("after", MESSAGE, 0.0)])
    store.close()


@pytest.mark.parametrize(("number", "kind"), [(errno.ENOSPC, StoreFull), (errno.EDQUOT, StoreFull),
                                              (errno.EACCES, StoreReadOnly), (errno.EROFS, StoreReadOnly),
                                              (errno.EIO, StoreIOError), (errno.ENAMETOOLONG, StoreError)])
def test_file_system_errors_have_their_kind(number: int, kind: type[StoreError]) -> None:
    failure = os_failure(OSError(number, os.strerror(number)), "creating the profile folder")
    assert type(failure) is kind
    assert ("disk space" in cli.describe_error(failure)) == (kind is StoreFull)


def test_the_file_check_never_runs_beside_an_open_connection(tmp_path: Path) -> None:
    # Reading the database file outside SQLite while a connection is open would drop its locks.
    profile = Profile(tmp_path / "profile")
    with Store.open(profile) as first:
        assert open_connection_count(first.path) == 1
        with outside_access(first.path) as allowed:
            assert not allowed
        with Store.open(profile):  # a second connection of the same process: no file check
            assert open_connection_count(first.path) == 2
        assert open_connection_count(first.path) == 1
    assert open_connection_count(profile.database_path) == 0
    with outside_access(profile.database_path) as allowed:
        assert allowed
