"""Search indexing on the command line: beside a big ``poplark fetch`` in a second process, and
``poplark index``. Real processes, a real store file and the fake server on 127.0.0.1.

What a user relies on: when ``poplark fetch`` returns, every new message is stored, and a search
right after it finds every one, however the indexer beside the fetch ended (still working in the
background, finished, killed, never started).
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest

from app.cli.catch_up import TAIL_BATCH, TAIL_LAST_BATCH, index_pending_mail
from app.cli.indexing import OVERLAP_FROM_MESSAGES, OverlappedIndexer
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


CHILD_TIMEOUT_SECONDS = 120


def test_the_indexer_beside_a_fetch_indexes_each_commit_and_the_rest_after_the_fetch_returns(
        store: tuple[Profile, Store, Account]) -> None:
    profile, opened, account = store
    indexer = OverlappedIndexer(profile)
    indexer.start()
    child = indexer.child
    assert child is not None
    for start in range(0, 300, 100):  # three group commits, as a fetch makes them
        store_numbered(opened, account, range(start, start + 100))
    # Held here as another writer would, the child cannot finish yet: finish() must not wait for it.
    blocker = sqlite3.connect(profile.database_path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        assert indexer.finish(cancelled=False) is True  # as command_fetch calls it: the child goes on
        assert indexer.background is child and child.poll() is None
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert child.wait(timeout=CHILD_TIMEOUT_SECONDS) == 0
    assert pending_and_rows(profile.database_path) == (0, 300)
    assert opened.message_ids(None, "inbox", text="q299x")  # the last commit, made just before the end
    assert opened.message_ids(None, "inbox", text="q0x")


def test_a_killed_indexer_leaves_its_work_to_the_fetch(store: tuple[Profile, Store, Account],
                                                      caplog: pytest.LogCaptureFixture) -> None:
    profile, opened, account = store
    indexer = OverlappedIndexer(profile)
    indexer.start()
    assert indexer.child is not None
    indexer.child.kill()
    indexer.child.wait(timeout=CHILD_TIMEOUT_SECONDS)
    store_numbered(opened, account, range(50))
    with caplog.at_level(logging.WARNING, logger="poplark.index"):
        assert indexer.finish(cancelled=False) is False  # nothing goes on: the fetch indexes
    assert "indexing the rest here" in caplog.text
    assert index_pending_mail(opened) == 50  # what command_fetch does after finish()
    assert opened.pending_search_count() == 0


def pending_ids(database: Path) -> list[int]:
    with sqlite3.connect(database) as db:
        return [row[0] for row in db.execute("SELECT id FROM messages WHERE indexed = 0 ORDER BY id")]


def test_a_backlog_is_indexed_from_either_end(store: tuple[Profile, Store, Account]) -> None:
    profile, opened, account = store
    store_numbered(opened, account, range(10))
    ids = pending_ids(profile.database_path)
    assert index_pending(opened, 3) == 3  # the indexer beside a fetch: oldest first
    assert index_pending(opened, 3, newest_first=True) == 3  # whoever helps it: newest first
    assert pending_ids(profile.database_path) == ids[3:7]
    assert index_pending(opened, 500, newest_first=True) == 4
    assert pending_and_rows(profile.database_path) == (0, 10)


def fts_segments(database: Path) -> int:
    """Segments of the full-text index (FTS5 keeps one row per segment and leaf in its _idx table)."""
    with sqlite3.connect(database) as db:
        return int(db.execute("SELECT count(DISTINCT segid) FROM message_search_idx").fetchone()[0])


def test_a_batch_read_newest_first_is_written_as_one_segment(store: tuple[Profile, Store, Account]) -> None:
    # FTS5 starts a new segment whenever a rowid is lower than the one before: written in the
    # order read, a newest-first batch made one segment per message, twice the indexing time.
    profile, opened, account = store
    store_numbered(opened, account, range(40))
    assert index_pending(opened, 40, newest_first=True) == 40
    assert fts_segments(profile.database_path) == 1
    assert opened.message_ids(None, "inbox", text="q0x") and opened.message_ids(None, "inbox", text="q39x")


def test_a_batch_of_several_mib_of_text_is_written_as_one_segment(store: tuple[Profile, Store, Account]) -> None:
    # FTS5 writes its gathered terms out as a segment whenever they pass its 'hashsize' (1 MiB
    # unless the schema raises it); each segment is merged again later.
    profile, opened, account = store
    sentence = "the quarterly report lists every invoice and payment of the customer team this week\n"
    opened.add_messages(account, [(f"uid-{number}", crlf(
        f"Subject: long {number}\nMessage-ID: <long-{number}@example.com>\n\nmarker{number}\n{sentence * 1200}"),
        0.0) for number in range(80)])  # 8 MB of text: more terms and positions than FTS5 keeps by default
    assert index_pending(opened, 80) == 80
    assert fts_segments(profile.database_path) == 1
    assert opened.message_ids(None, "inbox", text="marker79")


def test_catching_up_goes_newest_first_in_batches_that_shrink_towards_the_end(
        store: tuple[Profile, Store, Account], monkeypatch: pytest.MonkeyPatch) -> None:
    _, opened, account = store
    store_numbered(opened, account, range(1500))
    calls: list[tuple[int, bool]] = []
    real_index_pending = search_module.index_pending

    def recorded(store: Store, batch: int = 500, *, newest_first: bool = False) -> int:
        calls.append((batch, newest_first))
        return real_index_pending(store, batch, newest_first=newest_first)

    monkeypatch.setattr(search_module, "index_pending", recorded)
    assert index_pending_mail(opened) == 1500
    batches = [batch for batch, _ in calls]
    # Large batches while much is left (FTS5 works less per message), then half of what is left,
    # so where it meets an indexer working from the oldest end little is extracted twice.
    assert batches[0] == TAIL_BATCH and batches == sorted(batches, reverse=True)
    assert TAIL_LAST_BATCH in batches and min(batches) == TAIL_LAST_BATCH
    assert all(newest_first for _, newest_first in calls)
    assert opened.pending_search_count() == 0


def test_a_search_right_after_helps_the_indexer_left_in_the_background(store: tuple[Profile, Store, Account]) -> None:
    profile, opened, account = store
    store_numbered(opened, account, range(OVERLAP_FROM_MESSAGES + 300))
    indexer = OverlappedIndexer(profile)
    indexer.start()
    assert indexer.finish(cancelled=False) is True
    index_pending_mail(opened)  # what poplark search does first, while the child works from the other end
    assert opened.pending_search_count() == 0  # the search sees everything: nothing is left to the child
    assert indexer.background is not None and indexer.background.wait(timeout=CHILD_TIMEOUT_SECONDS) == 0
    assert pending_and_rows(profile.database_path) == (0, OVERLAP_FROM_MESSAGES + 300)


def test_a_cancelled_fetch_stops_its_indexer(store: tuple[Profile, Store, Account]) -> None:
    profile, opened, account = store
    store_numbered(opened, account, range(20))
    indexer = OverlappedIndexer(profile)
    indexer.start()
    child = indexer.child
    assert child is not None
    assert indexer.finish(cancelled=True) is False
    assert child.returncode is not None  # waited for: no indexer outlives a cancelled fetch
    assert indexer.background is None


def test_a_big_fetch_is_searchable_by_the_first_search_after_it(poplark: Poplark, serve: ServerFactory) -> None:
    count = OVERLAP_FROM_MESSAGES + 50
    server = serve([numbered_message(number) for number in range(count)])
    poplark.add_account_ok(server.address[1], "--leave-on-server")
    assert f"{count} new message(s)" in poplark.fetch_ok()
    # The indexer may still be working in the background: the first search helps it and waits.
    for word in ("q0x", f"q{count - 1}x", "会议"):
        found = poplark.run("search", word, "--json")
        assert found.returncode == 0, found.stderr
        assert found.stdout.strip(), word
    assert len(poplark.run("search", "会议", "--json").stdout.splitlines()) == len(range(0, count, 5))
    assert pending_and_rows(poplark.profile / "poplark.sqlite3") == (0, count)
    # Addresses for completion are left to poplark index, the window and contacts complete: a cron
    # fetch does not load pypinyin's dictionaries.
    pending, seen = addresses_pending_and_seen(poplark.profile / "poplark.sqlite3")
    assert pending == count and seen == set()


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
