"""The same thing said the same way (issue 14, item 10): the Get Mail drop-down names accounts as
the tree does, the account dialog is "Add account"/"添加账户", and no certificate fingerprint loses
its last character, in the account dialog or in the question after a fetch."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel, QMessageBox
from pytestqt.qtbot import QtBot

from app.core.errors import TlsError
from app.core.model import Account, Folder, Security
from app.core.store import Store
from app.ui.dialogs.account_dialog import AccountDialog
from app.ui.errors import user_message
from app.ui.main_window import MainWindow
from tests.fakes.keyrings import MemoryKeyring

FINGERPRINT = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"


@pytest.fixture
def store(tmp_path: Path, memory_keyring: MemoryKeyring) -> Iterator[Store]:
    opened = Store(tmp_path / "poplark.sqlite3")
    yield opened
    opened.close()


def widest_line(label: QLabel, text: str) -> int:
    metrics = label.fontMetrics()
    return max(metrics.horizontalAdvance(word) for line in text.splitlines() for word in line.split())


def test_the_get_mail_drop_down_names_accounts_as_the_tree(mailbox_window: Callable[..., MainWindow]) -> None:
    window = mailbox_window()
    account = window.accounts["test"]
    window.store.update_account(Account(**{**account.__dict__, "display_name": "Alice Liddell"}))
    window.events.announce_accounts()
    tree_name = window.folder_model.index_for(account.id, Folder.INBOX).parent().data()
    assert [action.text() for action in window.window_actions.get_mail_menu.actions()] == [tree_name] == ["test"]


@pytest.mark.parametrize(("language", "title"), [("en", "Add account"), ("zh_CN", "添加账户")])
def test_the_add_account_title_in_both_languages(qtbot: QtBot, store: Store, request: pytest.FixtureRequest,
                                                language: str, title: str) -> None:
    if language == "zh_CN":
        request.getfixturevalue("chinese_ui")
    dialog = AccountDialog(store)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == title
    if language == "zh_CN":
        from PySide6.QtCore import QCoreApplication

        # The welcome page's button says the same words.
        assert QCoreApplication.translate("MainWindow", "Add an account…") == title + "…"


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_the_trusted_fingerprint_is_shown_whole(qtbot: QtBot, store: Store, request: pytest.FixtureRequest,
                                               language: str) -> None:
    if language == "zh_CN":
        request.getfixturevalue("chinese_ui")
    account = store.add_account(Account(name="pinned", host="pop.example.org", port=995, security=Security.TLS,
                                        user="alice", remember_password=False, pinned_cert_sha256=FINGERPRINT))
    dialog = AccountDialog(store, account)
    qtbot.addWidget(dialog)
    dialog.show()
    label = dialog.form.certificate_pin.fingerprint_label
    tabs = dialog.tabs
    tabs.setCurrentIndex(next(index for index in range(tabs.count()) if tabs.widget(index).isAncestorOf(label)))
    qtbot.waitUntil(label.isVisible, timeout=5000)
    text = label.text()
    assert text.replace("\n", ":").replace(":", "").lower() == FINGERPRINT  # every pair, in order
    assert label.contentsRect().width() >= widest_line(label, text)
    assert label.wordWrap() is False


def test_the_fingerprint_in_the_question_after_a_fetch_is_shown_whole(qtbot: QtBot) -> None:
    error = TlsError("the server's certificate is not trusted: self-signed certificate",
                     fingerprint_sha256=FINGERPRINT)
    message = user_message(error, "work")
    box = QMessageBox(QMessageBox.Icon.Warning, message.title, message.text)
    qtbot.addWidget(box)
    box.show()
    qtbot.waitExposed(box)
    label = box.findChild(QLabel, "qt_msgbox_label")
    assert label is not None
    assert label.contentsRect().width() >= widest_line(label, message.text)
    # No run the box cannot wrap is longer than a line of 16 pairs: it fits a narrow screen too.
    assert max(len(word) for word in message.text.split()) <= len(":".join(["AB"] * 16)) + 1
