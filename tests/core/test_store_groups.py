"""A fetched group is stored with one statement per table: the same rows, ids and summaries as
storing its messages one at a time, and nothing of it when any part fails."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.core.errors import StoreError
from app.core.model import Account, Folder, Security
from app.core.store import Store

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def open_store(path: Path) -> tuple[Store, Account]:
    store = Store(path)
    return store, store.add_account(Account(name="work", host="pop.example.com", user="me",
                                            security=Security.TLS))


def group(start: int) -> list[tuple[str, bytes, float]]:
    corpus = [path.read_bytes() for path in sorted(CORPUS.glob("*.eml"))]
    return [(f"uid-{start + index}", raw, 1_700_000_000.0 + start + index) for index, raw in enumerate(corpus)]


def table(store: Store, sql: str) -> list[tuple[object, ...]]:
    return [tuple(row) for row in store.db.execute(sql).fetchall()]


def columns(store: Store, name: str) -> str:
    """Every column but the account's id (each store numbers its accounts its own way)."""
    return ", ".join(row[1] for row in store.db.execute(f"PRAGMA table_info({name})") if row[1] != "account_id")


def contents(store: Store) -> list[list[tuple[object, ...]]]:
    return [table(store, f"SELECT {columns(store, 'messages')} FROM messages ORDER BY id"),
            table(store, "SELECT message_id, raw FROM message_raw ORDER BY message_id"),
            table(store, f"SELECT {columns(store, 'server_uids')} FROM server_uids ORDER BY uidl")]


def one_at_a_time(store: Store, account: Account, items: list[tuple[str, bytes, float]]) -> list[object]:
    stored = [store.add_message(account, uidl, raw, received_at=received) for uidl, raw, received in items]
    store.commit()
    return list(stored)


def test_a_group_is_stored_as_its_messages_one_at_a_time(tmp_path: Path) -> None:
    grouped, account = open_store(tmp_path / "grouped.sqlite3")
    single, single_account = open_store(tmp_path / "single.sqlite3")
    first, second = group(0), group(100)
    assert grouped.add_messages(account, first) == one_at_a_time(single, single_account, first)
    # The largest id deleted, and a UIDL known from before: SQLite gives the freed id again and
    # the UIDL's state row is updated, not doubled, in both ways of storing.
    for store in (grouped, single):
        store.move_to_folder([max(store.message_ids(None))], Folder.TRASH)
        store.empty_trash()
    again = [(first[0][0], b"Subject: again\r\n\r\nbody\r\n", 1.0), *second]
    assert grouped.add_messages(account, again) == one_at_a_time(single, single_account, again)
    assert contents(grouped) == contents(single)
    assert len(contents(grouped)[0]) == 2 * len(first)


def test_a_group_that_fails_part_way_stores_none_of_it(tmp_path: Path) -> None:
    store, account = open_store(tmp_path / "poplark.sqlite3")
    store.add_messages(account, group(0)[:1])
    before = contents(store)
    store.db.execute("CREATE TEMP TRIGGER fail_one BEFORE INSERT ON server_uids WHEN new.uidl = 'uid-12'"
                     " BEGIN SELECT RAISE(ABORT, 'simulated write failure'); END")
    with pytest.raises(StoreError):
        store.add_messages(account, group(10))
    assert contents(store) == before
    other = sqlite3.connect(store.path, timeout=0.1, isolation_level=None)  # the write lock is free
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
    finally:
        other.close()
