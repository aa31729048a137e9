"""Pictures of the account dialog's SMTP tab, Microsoft sign-in and QQ authorization-code guide, in
English and Chinese (docs/account-*-en.png, docs/account-*-zh_CN.png when POPLARK_SCREENSHOT_DIR is
set). Each also checks what the picture must show, in the language shown."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from app.core.store import Store
from app.ui.dialogs.account_dialog import AccountDialog
from tests.fakes.keyrings import MemoryKeyring
from tests.ui.test_account_dialog import open_dialog


@pytest.fixture
def store(tmp_path: Path, memory_keyring: MemoryKeyring) -> Iterator[Store]:
    opened = Store(tmp_path / "poplark.sqlite3")
    yield opened
    opened.close()


@pytest.fixture(params=["en", "zh_CN"])
def language(request: pytest.FixtureRequest) -> Iterator[str]:
    previous = QLocale()
    if request.param == "zh_CN":
        request.getfixturevalue("chinese_ui")
    else:
        QLocale.setDefault(QLocale("en_US"))
    yield request.param
    QLocale.setDefault(previous)


def settle_and_save(qtbot: QtBot, dialog: AccountDialog, name: str, tmp_path: Path) -> None:
    note = dialog.findChild(QLabel, "providerNote")
    assert note is not None
    if note.isVisible():  # on the first tab
        qtbot.waitUntil(lambda: note.height() >= note.heightForWidth(note.width()), timeout=5000)
    qtbot.wait(50)  # the queued fit to the wrapped notes' height
    picture = dialog.grab()
    assert not picture.isNull() and picture.save(str(tmp_path / name))
    keep = os.environ.get("POPLARK_SCREENSHOT_DIR")
    if keep:
        assert picture.save(str(Path(keep) / name))


def test_screenshot_of_the_smtp_tab(qtbot: QtBot, store: Store, tmp_path: Path, language: str) -> None:
    dialog = open_dialog(qtbot, store)
    qtbot.keyClicks(dialog.address_edit, "xiaoming@163.com")
    dialog.tabs.setCurrentWidget(dialog.smtp)
    assert dialog.smtp.smtp_host_edit.text() == "smtp.163.com"
    assert dialog.tabs.tabText(dialog.tabs.currentIndex()) == ("发送" if language == "zh_CN" else "Sending")
    settle_and_save(qtbot, dialog, f"account-smtp-{language}.png", tmp_path)


def test_screenshot_of_the_microsoft_sign_in(qtbot: QtBot, store: Store, tmp_path: Path, language: str) -> None:
    dialog = open_dialog(qtbot, store)
    qtbot.keyClicks(dialog.address_edit, "alex@outlook.com")
    qtbot.keyClicks(dialog.sign_in.client_id_edit, "00000000-0000-0000-0000-000000000000")
    expected = "使用Microsoft登录…" if language == "zh_CN" else "Sign in with Microsoft…"
    assert dialog.sign_in.sign_in_button.text() == expected and dialog.sign_in.sign_in_button.isEnabled()
    settle_and_save(qtbot, dialog, f"account-microsoft-{language}.png", tmp_path)


def test_screenshot_of_the_qq_authorization_code_guide(qtbot: QtBot, store: Store, tmp_path: Path,
                                                       language: str) -> None:
    dialog = open_dialog(qtbot, store)
    qtbot.keyClicks(dialog.address_edit, "xiaoming@qq.com")
    dialog.display_name_edit.setText("王小明")
    dialog.password_edit.setText("abcd efgh ijkl mnop")
    guide = dialog.auth_code_guide
    assert guide.isVisible() and ("授权码" in guide.steps.text())
    assert guide.open_button.text() == ("打开QQ邮箱" if language == "zh_CN" else "Open QQ Mail")
    settle_and_save(qtbot, dialog, f"account-qq-code-{language}.png", tmp_path)
