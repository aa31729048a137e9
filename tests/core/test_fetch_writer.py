"""The fetch's writer thread (app.core.fetch.writer): groups committed in order on its own
connection, at most one held, and a failure raised on the engine's thread with nothing after it
written, so no DELE can follow an unsaved message."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.errors import PoplarkError
from app.core.fetch.writer import GroupWriter
from app.core.model import Account
from app.core.store import Profile, Store


def group(start: int, count: int) -> list[tuple[str, bytes, float]]:
    return [(f"uid-{number}", f"Subject: message {number}\r\n\r\nbody {number}\r\n".encode(), float(number))
            for number in range(start, start + count)]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store.open(Profile(tmp_path / "profile"))


def test_groups_are_committed_in_order_and_reported_once(store: Store) -> None:
    account = store.add_account(Account(name="a", host="h", user="u"))
    writer = GroupWriter(store.path, account)
    try:
        for start in range(0, 50, 10):
            writer.submit(group(start, 10))
        writer.flush()
        reported = [summary.uidl for summaries in writer.stored() for summary in summaries]
        assert reported == [f"uid-{number}" for number in range(50)]
        assert writer.stored() == []  # each group is reported once
    finally:
        writer.close()
    # Committed, and visible to another connection (the engine's).
    assert sorted(summary.uidl for summary in store.messages()) == sorted(f"uid-{number}" for number in range(50))
    assert set(store.known_uids(account.id or 0)) == {f"uid-{number}" for number in range(50)}


def test_a_failed_group_is_raised_on_the_engine_thread_and_nothing_after_it_is_written(store: Store) -> None:
    account = store.add_account(Account(name="a", host="h", user="u"))
    writer = GroupWriter(store.path, account)
    try:
        writer.submit(group(0, 5))
        writer.flush()
        # A group that cannot be stored: messages of an account the store does not have (foreign key).
        writer._account = Account(name="gone", host="h", user="u", id=(account.id or 0) + 12345)
        writer.submit(group(5, 5))
        with pytest.raises(PoplarkError):
            writer.flush()
        writer._account = account
        with pytest.raises(PoplarkError):
            writer.submit(group(10, 5))  # refused: the engine must end the session
        with pytest.raises(PoplarkError):
            writer.flush()
    finally:
        writer.close()
    assert sorted(summary.uidl for summary in store.messages()) == [f"uid-{number}" for number in range(5)]


def test_close_without_any_group_is_harmless(store: Store) -> None:
    account = store.add_account(Account(name="a", host="h", user="u"))
    writer = GroupWriter(store.path, account)
    writer.flush()
    writer.close()
    writer.close()
