"""Screenshots of the remote mailbox window and the "not fully downloaded" bar (issue 18), in English
and Chinese, checked for their translated words; saved into POPLARK_SCREENSHOT_DIR when it is set
(docs/remote-mailbox-*.png, docs/partial-bar-*.png)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, QSettings, Qt
from PySide6.QtGui import QPixmap
from pytestqt.qtbot import QtBot

from app.core.model import Account, Folder, LeaveMode, Security, ServerPolicy
from app.core.remote.execute import MarkAction
from app.core.remote.partial import fetch_headers_only
from app.core.store import Profile, Store
from app.ui.main_window import MainWindow
from app.ui.remote.remote_model import Column
from app.ui.store_events import Change, MessageChange
from tests.fakes.keyrings import MemoryKeyring
from tests.fakes.pop3_server import FakePop3Server, crlf

MB = 1024 * 1024
SERVER = [
    ("=?utf-8?B?5byg5LiJ?= <zhangsan@example.cn>", "=?utf-8?B?5Lya6K6u6YCa55+l?=", "3 Nov 2026 09:12", 2_000),
    ("Bob Example <bob@example.com>", "Lunch on Friday", "4 Nov 2026 12:40", 1_500),
    ("Holiday Deals <promo@deals.example>", "You have WON a prize!!!", "5 Nov 2026 03:05", 40_000),
    ("=?utf-8?B?5p2O5Zub?= <lisi@example.cn>", "=?utf-8?B?5YGH5pyf6KeG6aKR77yI5aSn6ZmE5Lu277yJ?=",
     "6 Nov 2026 18:30", 19 * MB),
    ("Carol <carol@example.org>", "Slides for Monday", "7 Nov 2026 08:01", 6 * MB),
    ("Newsletter <news@example.net>", "November news", "8 Nov 2026 07:00", 60_000),
]


def server_message(sender: str, subject: str, date: str, size: int) -> bytes:
    head = f"From: {sender}\nTo: me@example.com\nSubject: {subject}\nDate: Mon, {date}:00 +0800\n\n"
    return crlf(head + ("x" * 76 + "\n") * (size // 78))


@pytest.fixture
def english() -> Iterator[None]:
    previous = QLocale()
    QLocale.setDefault(QLocale("en_US"))
    yield
    QLocale.setDefault(previous)


@pytest.fixture
def setting(qtbot: QtBot, tmp_path: Path, memory_keyring: MemoryKeyring) -> Iterator[tuple[MainWindow, FakePop3Server,
                                                                                         Account]]:
    server = FakePop3Server([server_message(*item) for item in SERVER]).start()
    profile = Profile(tmp_path / "profile").ensure()
    store = Store.open(profile)
    account = store.add_account(Account(
        name="work", host="127.0.0.1", port=server.address[1], security=Security.NONE, user="alice",
        allow_insecure_auth=True, timeout_seconds=10.0, check_interval_minutes=0, check_at_startup=False,
        policy=ServerPolicy(LeaveMode.KEEP_FOREVER, max_message_bytes=10 * MB)))
    memory_keyring.set_password("Poplark", account.credential_key, "secret")
    store.add_message(account, "uid-2", server_message(*SERVER[1]))
    store.commit()
    window = MainWindow(store, profile, QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.resize(1100, 640)
    window.show()
    yield window, server, account
    window.close_for_good()
    store.close()
    server.stop()


def keep(picture: QPixmap, name: str, tmp_path: Path) -> None:
    assert not picture.isNull() and picture.save(str(tmp_path / name))
    folder = os.environ.get("POPLARK_SCREENSHOT_DIR")
    if folder:
        assert picture.save(str(Path(folder) / name))


def remote_window_picture(qtbot: QtBot, window: MainWindow, server: FakePop3Server, account: Account) -> QPixmap:
    remote = window.remote_mailbox.open(account)
    qtbot.waitExposed(remote)
    qtbot.waitUntil(lambda: remote.job is None, timeout=30_000)
    assert remote.listing is not None, remote.status_label.text()
    server.wait_until_idle()
    for subject, action in (("You have WON a prize!!!", MarkAction.DELETE), ("Slides for Monday", MarkAction.DOWNLOAD),
                            ("November news", MarkAction.DOWNLOAD_AND_DELETE)):
        row = next(row for row in range(remote.proxy.rowCount())
                   if remote.proxy.index(row, Column.SUBJECT).data() == subject)
        remote.table.selectRow(row)
        remote.mark_actions[action].trigger()
    remote.table.selectRow(0)
    return remote.grab()


def partial_bar_picture(qtbot: QtBot, window: MainWindow, server: FakePop3Server, account: Account) -> QPixmap:
    with Store.open(window.profile) as store:
        assert fetch_headers_only(store, window.profile.lock_directory, account, "secret").stored == 5
    server.wait_until_idle()
    window.events.announce(MessageChange(Change.ADDED, None, Folder.INBOX))
    window.events.settle()
    qtbot.waitUntil(lambda: window.inbox_model.rowCount() == 6, timeout=5000)
    row = next(row for row in range(window.inbox_model.rowCount()) if "lisi" in window.inbox_model.summary(row).sender)
    window.message_view.selectRow(row)
    qtbot.waitUntil(lambda: window.preview.partial_bar.isVisible() and window.preview.loaded is not None,
                    timeout=5000)
    return window.grab()


def test_screenshots_in_english(qtbot: QtBot, english: None, tmp_path: Path,
                                setting: tuple[MainWindow, FakePop3Server, Account]) -> None:
    window, server, account = setting
    keep(remote_window_picture(qtbot, window, server, account), "remote-mailbox-en.png", tmp_path)
    remote = window.remote_mailbox.windows[account.id or 0]
    assert remote.windowTitle() == "Remote Mailbox: work"
    assert [message.size for message in remote.model.left_for_size()] == [len(server_message(*SERVER[3]))]
    remote.close()
    keep(partial_bar_picture(qtbot, window, server, account), "partial-bar-en.png", tmp_path)
    assert window.preview.partial_bar.label.text() == (
        "This message was not fully downloaded: 19.0 MB left on the server.")


def test_screenshots_in_chinese(qtbot: QtBot, chinese_ui: object, tmp_path: Path,
                                setting: tuple[MainWindow, FakePop3Server, Account]) -> None:
    window, server, account = setting
    keep(remote_window_picture(qtbot, window, server, account), "remote-mailbox-zh_CN.png", tmp_path)
    remote = window.remote_mailbox.windows[account.id or 0]
    assert remote.windowTitle() == "远程邮箱管理：work"
    assert remote.model.headerData(Column.MARK, Qt.Orientation.Horizontal) == "标记"
    assert remote.mark_actions[MarkAction.DOWNLOAD_AND_DELETE].text() == "下载并删除"
    remote.close()
    keep(partial_bar_picture(qtbot, window, server, account), "partial-bar-zh_CN.png", tmp_path)
    assert window.preview.partial_bar.label.text().startswith("此邮件没有完整下载")
    assert window.preview.partial_bar.download_button.text() == "立即下载"
