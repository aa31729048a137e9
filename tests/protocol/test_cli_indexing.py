"""Search indexing on the command line: beside a big ``poplark fetch`` in a second process, and
``poplark index``. Real processes, a real store file and the fake server on 127.0.0.1.

What a user relies on: when ``poplark fetch`` returns, every new message is searchable, however
the indexer beside it ended (finished, killed, never started).
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest

from app.cli.indexing import (
    OVERLAP_FROM_MESSAGES,
    TAIL_LAST_BATCH,
    OverlappedIndexer,
    index_pending_mail,
    index_share,
)
from app.core.model import Account
from app.core.store import Profile, Store
from app.core.store import search as search_module
from app.core.store.search import index_pending
from tests.conftest import ServerFactory
from tests.fakes.certs import TestCertificates
from tests.fakes.pop3_server import crlf
from tests.protocol.test_cli import Poplark, one_line

DEFAULT_MODE = "tls"  # what tests.protocol.test_cli.Poplark.add_account sets up


def numbered_message(number: int) -> bytes:
    # A word only this message has, in the body, and Chinese text every fifth message.
    chinese = "关于下周会议的通知\n" if number % 5 == 0 else ""
    return crlf(f"From: Sender {number} <sender{number}@example.com>\n"
                "To: alice@example.com\n"
                f"Subject: Report {number}\n"
                f"Message-ID: <report-{number}@example.com>\n"
                "Content-Type: text/plain; charset=utf-8\n"
                "\n"
                f"Numbers for quarter q{number}x.\n{chinese}")


def pending_and_rows(database: Path) -> tuple[int, int]:
    with sqlite3.connect(database) as db:
        pending = db.execute("SELECT count(*) FROM messages WHERE indexed = 0").fetchone()[0]
        rows = db.execute("SELECT count(*) FROM message_search_text").fetchone()[0]
    return int(pending), int(rows)


def addresses_pending_and_seen(database: Path) -> tuple[int, set[str]]:
    """Messages whose addresses are not gathered yet, and the addresses gathered (for completion)."""
    with sqlite3.connect(database) as db:
        pending = db.execute("SELECT count(*) FROM messages WHERE addresses_seen = 0").fetchone()[0]
        seen = {address for (address,) in db.execute("SELECT address FROM seen_addresses")}
    return int(pending), seen


@pytest.fixture
def poplark(cli_environment: dict[str, str], certificates: TestCertificates) -> Poplark:
    return Poplark(cli_environment, certificates)


@pytest.fixture
def store(tmp_path: Path) -> tuple[Profile, Store, Account]:
    profile = Profile(tmp_path / "profile").ensure()
    opened = Store.open(profile)
    account = opened.add_account(Account(name="work", host="127.0.0.1", user="alice"))
    return profile, opened, account


def store_numbered(store: Store, account: Account, numbers: range) -> None:
    store.add_messages(account, [(f"uid-{number}", numbered_message(number), 0.0) for number in numbers])


def test_the_indexer_beside_a_fetch_indexes_each_commit_and_the_rest_when_told(
        store: tuple[Profile, Store, Account]) -> None:
    profile, opened, account = store
    indexer = OverlappedIndexer(profile)
    indexer.start()
    child = indexer.child
    assert child is not None
    for start in range(0, 300, 100):  # three group commits, as a fetch makes them
        store_numbered(opened, account, range(start, start + 100))
    indexer.finish(cancelled=False, store=opened)  # as command_fetch calls it
    # Indexed by the child, and at the end by the two processes together; the child ended cleanly.
    assert child.returncode == 0
    assert opened.pending_search_count() == 0
    assert pending_and_rows(profile.database_path) == (0, 300)
    assert opened.message_ids(None, "inbox", text="q299x")  # the last commit, made just before the end
    assert opened.message_ids(None, "inbox", text="q298x")  # both shares of it


def test_a_killed_indexer_leaves_its_work_to_the_fetch(store: tuple[Profile, Store, Account],
                                                      caplog: pytest.LogCaptureFixture) -> None:
    profile, opened, account = store
    indexer = OverlappedIndexer(profile)
    indexer.start()
    assert indexer.child is not None
    indexer.child.kill()
    store_numbered(opened, account, range(50))
    with caplog.at_level(logging.WARNING, logger="poplark.index"):
        indexer.finish(cancelled=False)
    assert "indexing the rest here" in caplog.text
    assert index_pending_mail(opened) == 50  # what command_fetch does after finish()
    assert opened.pending_search_count() == 0


def pending_ids(database: Path) -> list[int]:
    with sqlite3.connect(database) as db:
        return [row[0] for row in db.execute("SELECT id FROM messages WHERE indexed = 0 ORDER BY id")]


def test_a_share_of_the_backlog_is_every_nth_message(store: tuple[Profile, Store, Account]) -> None:
    profile, opened, account = store
    store_numbered(opened, account, range(10))
    assert index_pending(opened, 500, share=(1, 2)) == 5
    left = pending_ids(profile.database_path)
    assert len(left) == 5 and all(message_id % 2 == 0 for message_id in left)
    assert index_pending(opened, 500, share=(1, 2)) == 0  # its share is done; the rest is not its own
    assert index_pending(opened, 500, share=(0, 2)) == 5
    assert pending_and_rows(profile.database_path) == (0, 10)


def test_a_share_is_indexed_in_batches_that_shrink_towards_its_end_then_the_other_from_its_top(
        store: tuple[Profile, Store, Account], monkeypatch: pytest.MonkeyPatch) -> None:
    _, opened, account = store
    store_numbered(opened, account, range(1200))
    assert opened.pending_search_count(share=(1, 2)) == 600
    calls: list[tuple[int, tuple[int, int] | None, bool]] = []
    real_index_pending = search_module.index_pending

    def recorded(store: Store, batch: int = 500, *, share: tuple[int, int] | None = None,
                 newest_first: bool = False) -> int:
        calls.append((batch, share, newest_first))
        return real_index_pending(store, batch, share=share, newest_first=newest_first)

    monkeypatch.setattr(search_module, "index_pending", recorded)
    assert index_share(opened, (1, 2)) == 1200  # nobody else works on the other share here
    own = [batch for batch, share, newest_first in calls if share == (1, 2)]
    helping = [(batch, newest_first) for batch, share, newest_first in calls if share == (0, 2)]
    # Half of what is left each time, so the other process never waits long for the last one;
    # then the other share, from its newest end, in the smallest batches.
    assert own[0] == 300 and own == sorted(own, reverse=True) and own[-1] == TAIL_LAST_BATCH
    assert helping and all(item == (TAIL_LAST_BATCH, True) for item in helping)
    shares_in_order = [share for _, share, _ in calls]
    assert shares_in_order == sorted(shares_in_order, key=lambda share: share != (1, 2))  # its own first
    assert opened.pending_search_count() == 0


def test_after_the_download_the_fetch_indexes_its_share_of_what_is_left(
        store: tuple[Profile, Store, Account]) -> None:
    profile, opened, account = store
    indexer = OverlappedIndexer(profile)
    indexer.start()
    assert indexer.child is not None
    indexer.child.kill()  # its share (the even ids) is left undone, so this process's part shows
    store_numbered(opened, account, range(40))
    indexer.finish(cancelled=False, store=opened)
    # Its own share, then the dead child's from the newest end: nothing is left for afterwards.
    assert pending_ids(profile.database_path) == []
    assert index_pending_mail(opened) == 0  # what command_fetch does after finish()
    assert pending_and_rows(profile.database_path) == (0, 40)


def test_a_cancelled_fetch_stops_its_indexer(store: tuple[Profile, Store, Account]) -> None:
    profile, opened, account = store
    store_numbered(opened, account, range(20))
    indexer = OverlappedIndexer(profile)
    indexer.start()
    child = indexer.child
    assert child is not None
    indexer.finish(cancelled=True)
    assert child.returncode is not None  # waited for: no indexer outlives a cancelled fetch


def test_a_big_fetch_returns_with_every_message_searchable(poplark: Poplark, serve: ServerFactory) -> None:
    count = OVERLAP_FROM_MESSAGES + 50
    server = serve([numbered_message(number) for number in range(count)])
    poplark.add_account_ok(server.address[1], "--leave-on-server")
    assert f"{count} new message(s)" in poplark.fetch_ok()
    assert pending_and_rows(poplark.profile / "poplark.sqlite3") == (0, count)
    # Addresses for completion are left to poplark index, the window and contacts complete: a cron
    # fetch does not load pypinyin's dictionaries.
    pending, seen = addresses_pending_and_seen(poplark.profile / "poplark.sqlite3")
    assert pending == count and seen == set()
    for word in ("q0x", f"q{count - 1}x", "会议"):
        found = poplark.run("search", word, "--json")
        assert found.returncode == 0, found.stderr
        assert found.stdout.strip(), word
    assert len(poplark.run("search", "会议", "--json").stdout.splitlines()) == len(range(0, count, 5))


def test_a_small_fetch_indexes_in_process_and_poplark_index_catches_up(poplark: Poplark, serve: ServerFactory) -> None:
    server = serve([numbered_message(number) for number in range(3)])
    poplark.add_account_ok(server.address[1], "--leave-on-server")
    assert "3 new message(s)" in poplark.fetch_ok()
    database = poplark.profile / "poplark.sqlite3"
    assert pending_and_rows(database) == (0, 3)
    with sqlite3.connect(database) as db:  # as after an import, or a fetch cancelled before indexing
        db.execute("INSERT INTO message_search (message_search) VALUES ('delete-all')")
        db.execute("DELETE FROM message_search_text")
        db.execute("UPDATE messages SET indexed = 0")
    result = poplark.run("index")
    assert result.returncode == 0, result.stderr
    assert one_line(result.stdout) == "3 message(s) indexed for search"
    assert pending_and_rows(database)[0] == 0
    pending, seen = addresses_pending_and_seen(database)  # and their senders complete
    assert pending == 0 and {"sender0@example.com", "sender2@example.com"} <= seen
