"""The window's background indexer also reads the addresses of new mail for completion, off the
GUI thread and after the search index (app.core.contacts.harvest)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject
from pytestqt.qtbot import QtBot

from app.core.contacts.completion import complete
from app.core.model import Account
from app.core.store import Profile, Store
from app.ui.workers.search_indexer import SearchIndexer


def test_the_search_indexer_gathers_the_addresses_of_stored_mail(qtbot: QtBot, tmp_path: Path) -> None:
    store = Store.open(Profile(tmp_path / "profile"))
    account = store.add_account(Account(name="a", host="h", user="u"))
    store.add_message(account, "1", "From: 张三 <zs@example.cn>\r\nTo: me@example.com\r\n\r\nhi\r\n".encode())
    store.commit()
    assert complete(store, "zs") == []  # the fetch itself reads no addresses
    parent = QObject()
    indexer = SearchIndexer(store.path, parent)
    with qtbot.waitSignal(indexer.finished, timeout=20000):
        indexer.request()
    qtbot.waitUntil(lambda: not indexer.is_running(), timeout=5000)
    assert store.pending_address_count() == 0
    assert [suggestion.text for suggestion in complete(store, "zs")] == ["张三 <zs@example.cn>"]
    indexer.stop()
    store.close()
