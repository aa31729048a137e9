"""A main window over a store that already holds mail (as if fetched): for mailbox-action tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from app.core.model import Account, Folder, LeaveMode, Security, ServerPolicy
from app.core.store import Profile, Store
from app.ui.main_window import MainWindow
from tests.fakes.keyrings import MemoryKeyring
from tests.fakes.pop3_server import FakePop3Server, crlf


def message(index: int, subject: str = "Report", body: str = "") -> bytes:
    return crlf(f"From: Sender {index} <s{index}@example.com>\nTo: me@example.com\nSubject: {subject} {index}\n"
                f"Date: Mon, {index} Nov 2026 10:00:00 +0800\nMessage-ID: <m{index}@example.com>\n\n"
                f"{body or f'body of message {index}'}\n")


MESSAGES = [message(index) for index in range(1, 6)]


@pytest.fixture
def mailbox_window(qtbot: QtBot, tmp_path: Path,
                   memory_keyring: MemoryKeyring) -> Iterator[Callable[..., MainWindow]]:
    """A window over a store holding ``messages`` for the account "test", whose server is
    ``server`` when given (its password "secret" is in the keyring)."""
    windows: list[tuple[MainWindow, Store]] = []

    def make(messages: list[bytes] = MESSAGES, *, mode: LeaveMode = LeaveMode.KEEP_FOREVER,
             server: FakePop3Server | None = None) -> MainWindow:
        profile = Profile(tmp_path / "profile").ensure()
        store = Store.open(profile)
        port = server.address[1] if server is not None else 1
        account = store.add_account(Account(name="test", host="127.0.0.1", port=port, security=Security.NONE,
                                            user="alice", allow_insecure_auth=True, timeout_seconds=5.0,
                                            check_interval_minutes=0, policy=ServerPolicy(mode)))
        memory_keyring.set_password("Poplark", account.credential_key, "secret")
        for number, raw in enumerate(messages):
            store.add_message(account, f"uid-{number}", raw)
        store.commit()
        settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
        window = MainWindow(store, profile, settings)
        qtbot.addWidget(window)
        window.show()
        windows.append((window, store))
        return window

    yield make
    for window, store in windows:
        window.close_for_good()
        store.close()


def ids_in_view(window: MainWindow) -> list[int]:
    return [window.inbox_model.message_id(row) for row in range(window.inbox_model.rowCount())]


def open_folder(window: MainWindow, folder: Folder) -> None:
    index = window.folder_model.index_for(window.accounts["test"].id, folder)
    assert index is not None
    window.folder_view.setCurrentIndex(index)
