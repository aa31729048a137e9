"""The reader's bar for a message stored in part (issue 18): it says how much is left on the server,
Download Now puts the byte-exact whole in place (read and flag state kept) and shows it, and a
message gone from the server is said as such, its headers kept."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from app.core.model import Account, LeaveMode, Security, ServerPolicy
from app.core.remote.partial import fetch_headers_only
from app.core.store import Profile, Store
from app.ui.main_window import MainWindow
from tests.fakes.keyrings import MemoryKeyring
from tests.fakes.pop3_server import FakePop3Server, crlf

BIG = crlf("From: Zhang <zhang@example.cn>\nSubject: holiday videos\nMessage-ID: <big@x>\n\n"
           "the first line of the body\n" + ("v" * 76 + "\n") * 40_000)


@pytest.fixture
def partial_window(qtbot: QtBot, tmp_path: Path, memory_keyring: MemoryKeyring
                   ) -> Iterator[Callable[[], tuple[MainWindow, FakePop3Server, int]]]:
    made: list[tuple[MainWindow, Store, FakePop3Server]] = []

    def make() -> tuple[MainWindow, FakePop3Server, int]:
        server = FakePop3Server([BIG]).start()
        profile = Profile(tmp_path / "profile").ensure()
        store = Store.open(profile)
        account = store.add_account(Account(
            name="test", host="127.0.0.1", port=server.address[1], security=Security.NONE, user="alice",
            allow_insecure_auth=True, timeout_seconds=5.0, check_interval_minutes=0, check_at_startup=False,
            policy=ServerPolicy(LeaveMode.KEEP_FOREVER)))
        memory_keyring.set_password("Poplark", account.credential_key, "secret")
        assert fetch_headers_only(store, profile.lock_directory, account, "secret").stored == 1
        server.wait_until_idle()
        window = MainWindow(store, profile, QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
        qtbot.addWidget(window)
        window.show()
        made.append((window, store, server))
        message_id = store.messages(limit=-1)[0].id
        store.set_flagged([message_id], True)
        return window, server, message_id

    yield make
    for window, store, server in made:
        window.close_for_good()
        store.close()
        server.stop()
        assert server.handler_errors == []


def show_first(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: window.inbox_model.rowCount() == 1, timeout=5000)
    window.message_view.selectRow(0)
    qtbot.waitUntil(lambda: window.preview.partial_bar.isVisible(), timeout=5000)


def test_the_bar_says_what_is_left_and_download_now_puts_the_whole_in_place(
        qtbot: QtBot, partial_window: Callable[[], tuple[MainWindow, FakePop3Server, int]]) -> None:
    window, server, message_id = partial_window()
    show_first(qtbot, window)
    bar = window.preview.partial_bar
    stored: list[bool] = []
    window.remote_mailbox.stored = lambda: stored.append(True)  # the search index is asked to catch up
    assert "This message was not fully downloaded:" in bar.label.text() and "MB left on the server" in bar.label.text()
    with qtbot.waitSignal(window.remote_mailbox.completer.completed, timeout=10_000):
        qtbot.mouseClick(bar.download_button, Qt.MouseButton.LeftButton)
    server.wait_until_idle()
    assert window.store.raw(message_id) == BIG and window.store.partial_message(message_id) is None
    whole = window.store.message(message_id)
    assert (whole.id, whole.flagged, whole.folder) == (message_id, True, "inbox")
    qtbot.waitUntil(lambda: window.preview.loaded is not None and not bar.isVisible(), timeout=5000)
    assert window.preview.message_id == message_id and stored == [True]


def test_a_message_gone_from_the_server_is_said_and_its_headers_stay(
        qtbot: QtBot, partial_window: Callable[[], tuple[MainWindow, FakePop3Server, int]]) -> None:
    window, server, message_id = partial_window()
    server.mailbox.remove(["uid-1"])
    show_first(qtbot, window)
    bar = window.preview.partial_bar
    with qtbot.waitSignal(window.remote_mailbox.completer.failed, timeout=10_000):
        qtbot.mouseClick(bar.download_button, Qt.MouseButton.LeftButton)
    server.wait_until_idle()
    assert "no longer on the server" in bar.label.text() and "headers stay here" in bar.label.text()
    assert bar.isVisible() and bar.download_button.isEnabled()
    assert window.store.partial_message(message_id) is not None


def test_a_message_window_says_where_to_download_the_rest(
        qtbot: QtBot, partial_window: Callable[[], tuple[MainWindow, FakePop3Server, int]]) -> None:
    window, _server, message_id = partial_window()
    qtbot.waitUntil(lambda: window.inbox_model.rowCount() == 1, timeout=5000)
    opened = window.opener.open_row(0)
    assert opened is not None and opened.preview.message_id == message_id
    bar = opened.preview.partial_bar
    qtbot.waitUntil(lambda: bar.isVisible(), timeout=5000)
    assert "Select it in the main window to download the rest." in bar.label.text()
    assert not bar.download_button.isVisible()
    opened.close()
