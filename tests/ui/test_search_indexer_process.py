"""The window's search indexer works in a second process (``poplark index``), so the GUI thread
never waits on it; when that process cannot do the work, the indexer's thread does it."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QObject
from pytestqt.qtbot import QtBot

from app.core.model import Account
from app.core.store import Profile, Store
from app.ui.workers import search_indexer
from app.ui.workers.search_indexer import SearchIndexer


@pytest.fixture
def store(tmp_path: Path) -> Store:
    opened = Store.open(Profile(tmp_path / "profile"))
    account = opened.add_account(Account(name="a", host="h", user="u"))
    for number in range(30):
        opened.add_message(account, str(number), f"From: Sender {number} <s{number}@example.com>\r\n"
                           f"Subject: note {number}\r\n\r\nbody word w{number}q 会议\r\n".encode())
    opened.commit()
    return opened


def run_indexer(qtbot: QtBot, store: Store) -> int:
    parent = QObject()
    indexer = SearchIndexer(store.path, parent)
    with qtbot.waitSignal(indexer.finished, timeout=60000) as finished:
        indexer.request()
    qtbot.waitUntil(lambda: not indexer.is_running(), timeout=5000)
    indexer.stop()
    return int(finished.args[0]) if finished.args else -1


def test_the_index_is_built_by_a_second_process(qtbot: QtBot, store: Store,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    def not_in_the_window(*arguments: object) -> None:
        raise AssertionError("the window's thread indexed: the second process did not")

    monkeypatch.setattr(search_indexer, "_index_here", not_in_the_window)
    assert run_indexer(qtbot, store) == 30
    assert store.pending_search_count() == 0 and store.pending_address_count() == 0
    assert store.message_ids(None, text="w29q") and len(store.message_ids(None, text="会议")) == 30


def test_when_the_process_fails_the_window_indexes_itself(qtbot: QtBot, store: Store,
                                                          monkeypatch: pytest.MonkeyPatch,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(search_indexer, "index_command",
                        lambda directory, *options: [sys.executable, "-c", "raise SystemExit(3)"])
    with caplog.at_level(logging.WARNING, logger="poplark.index"):
        assert run_indexer(qtbot, store) == 30
    assert "ended with status 3" in caplog.text
    assert store.pending_search_count() == 0 and store.pending_address_count() == 0
    assert store.message_ids(None, text="w0q")
