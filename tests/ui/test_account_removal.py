"""Removing an account in the window: the context menu of its items in the folder tree, the File
menu entry, the question that says what happens to its mail and password, and the removal off the
GUI thread (a real store file and the tests' keyring backend)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from app.core.model import Account, Folder, Security
from app.ui.account_actions import removal_question
from app.ui.main_window import MainWindow
from tests.fakes.keyrings import MemoryKeyring
from tests.ui.mailbox_window import MESSAGES, message


def with_second_account(window: MainWindow, keyring: MemoryKeyring) -> Account:
    other = window.store.add_account(Account(name="other", host="127.0.0.1", port=1, security=Security.NONE,
                                             user="bob", check_interval_minutes=0))
    keyring.set_password("Poplark", other.credential_key, "other-secret")
    for number in range(2):
        window.store.add_message(other, f"other-{number}", message(100 + number))
    window.store.commit()
    window.events.announce_accounts()
    return other


def answer_question(button: str, seen: list[str]) -> None:
    """When the next modal box shows, note its text and click ``button`` (an object name, or "cancel")."""
    def act() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, act)
            return
        seen.append(box.text())
        target = box.button(QMessageBox.StandardButton.Cancel) if button == "cancel" \
            else box.findChild(QPushButton, button)
        assert target is not None
        target.click()

    QTimer.singleShot(0, act)


def menu_texts(window: MainWindow, account_id: int | None, folder: Folder) -> list[str] | None:
    menu = window.folder_view.account_menu(window.folder_model.index_for(account_id, folder))
    return None if menu is None else [action.objectName() for action in menu.actions()]


def test_every_item_of_an_account_has_its_context_menu(mailbox_window: Callable[..., MainWindow],
                                                       memory_keyring: MemoryKeyring) -> None:
    window = mailbox_window()
    with_second_account(window, memory_keyring)
    test_id = window.accounts["test"].id
    for folder in (Folder.INBOX, Folder.TRASH):
        assert menu_texts(window, test_id, folder) == [
            "editAccount", "getAccountMail", "remoteMailbox", "removeAccount"]
    top = window.folder_model.index_for(test_id, Folder.INBOX).parent()
    assert window.folder_view.account_menu(top) is not None
    # "All Inboxes" belongs to no account.
    assert menu_texts(window, None, Folder.INBOX) is None


def test_the_context_menu_edits_and_gets_mail_for_its_own_account(
        mailbox_window: Callable[..., MainWindow], memory_keyring: MemoryKeyring,
        monkeypatch: pytest.MonkeyPatch) -> None:
    window = mailbox_window()
    other = with_second_account(window, memory_keyring)
    edited: list[str] = []
    fetched: list[str | None] = []
    monkeypatch.setattr(window, "edit_account", lambda account: edited.append(account.name))
    monkeypatch.setattr(window.fetching, "get_mail", lambda name=None: fetched.append(name))
    window.folder_view.open_folder(window.accounts["test"].id, Folder.INBOX)  # the current one is not "other"
    menu = window.folder_view.account_menu(window.folder_model.index_for(other.id, Folder.TRASH))
    assert menu is not None
    actions = {action.objectName(): action for action in menu.actions()}
    actions["editAccount"].trigger()
    actions["getAccountMail"].trigger()
    assert edited == ["other"]
    assert fetched == ["other"]


def test_removing_asks_what_happens_then_deletes_mail_and_password_in_the_background(
        qtbot: QtBot, mailbox_window: Callable[..., MainWindow], memory_keyring: MemoryKeyring) -> None:
    window = mailbox_window()
    other = with_second_account(window, memory_keyring)
    removed = window.accounts["test"]
    menu = window.folder_view.account_menu(window.folder_model.index_for(removed.id, Folder.INBOX))
    assert menu is not None
    seen: list[str] = []
    answer_question("removeAccountButton", seen)
    with qtbot.waitSignal(window.account_actions.removed, timeout=10000) as blocker:
        next(action for action in menu.actions() if action.objectName() == "removeAccount").trigger()
        # The question has been answered; the deletion itself is a background job.
        assert window.operations.running()
    assert blocker.args == ["test"]
    assert len(seen) == 1
    question = seen[0]
    assert f"Its {len(MESSAGES)} message(s) on this computer" in question
    assert "Mail on the server is not touched" in question
    assert "password will be deleted from the system keyring" in question

    assert [account.name for account in window.store.accounts()] == ["other"]
    assert window.store.message_count("other") == 2
    assert window.store.message_count() == 2  # the removed account's mail is gone, the other's stays
    assert ("Poplark", removed.credential_key) not in memory_keyring.passwords
    assert memory_keyring.passwords[("Poplark", other.credential_key)] == "other-secret"
    # The window follows: the tree, the Get Mail drop-down, the list.
    assert list(window.accounts) == ["other"]
    assert window.folder_model.index_for(removed.id, Folder.INBOX).isValid() is False
    assert [action.text() for action in window.window_actions.get_mail_menu.actions()] == ["other"]
    assert window.inbox_model.rowCount() == 2


def test_cancel_keeps_the_account_its_mail_and_its_password(
        qtbot: QtBot, mailbox_window: Callable[..., MainWindow], memory_keyring: MemoryKeyring) -> None:
    window = mailbox_window()
    account = window.accounts["test"]
    seen: list[str] = []
    answer_question("cancel", seen)
    window.window_actions.remove_account.trigger()  # File > Remove Account…: the current account
    assert len(seen) == 1
    assert not window.operations.running()
    assert [stored.name for stored in window.store.accounts()] == ["test"]
    assert window.store.message_count("test") == len(MESSAGES)
    assert memory_keyring.passwords[("Poplark", account.credential_key)] == "secret"


def test_the_last_account_removed_leads_back_to_the_welcome_page(
        qtbot: QtBot, mailbox_window: Callable[..., MainWindow], memory_keyring: MemoryKeyring) -> None:
    window = mailbox_window()
    answer_question("removeAccountButton", [])
    with qtbot.waitSignal(window.account_actions.removed, timeout=10000):
        window.window_actions.remove_account.trigger()
    assert window.store.accounts() == []
    assert window.store.message_count() == 0
    assert memory_keyring.passwords == {}
    assert window.stack.currentWidget() is window.welcome
    assert not window.window_actions.remove_account.isEnabled()


def test_an_account_being_fetched_is_not_removed(
        mailbox_window: Callable[..., MainWindow], monkeypatch: pytest.MonkeyPatch) -> None:
    window = mailbox_window()
    monkeypatch.setattr(window.account_actions, "running_fetches", lambda: ["test"])
    seen: list[str] = []
    monkeypatch.setattr(QMessageBox, "information",
                        lambda parent, title, text: seen.append(text) or QMessageBox.StandardButton.Ok)
    window.window_actions.remove_account.trigger()
    assert seen and "Cancel the fetch (Esc) or wait for it to end" in seen[0]
    assert not window.operations.running()
    assert [stored.name for stored in window.store.accounts()] == ["test"]


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_the_menu_and_the_question_in_both_languages(
        qtbot: QtBot, request: pytest.FixtureRequest, mailbox_window: Callable[..., MainWindow],
        memory_keyring: MemoryKeyring, language: str) -> None:
    """What a person sees (POPLARK_SCREENSHOT_DIR keeps docs/account-menu-*.png and docs/remove-account-*.png)."""
    if language == "zh_CN":
        request.getfixturevalue("chinese_ui")
    window = mailbox_window()
    with_second_account(window, memory_keyring)
    window.resize(1000, 560)
    account = window.accounts["test"]
    index = window.folder_model.index_for(account.id, Folder.INBOX).parent()
    menu = window.folder_view.account_menu(index)
    assert menu is not None
    expected = {"en": ["Edit Account…", "Get Mail", "Remote Mailbox…", "Remove Account…"],
                "zh_CN": ["编辑账户…", "收取邮件", "远程邮箱管理…", "删除账户…"]}[language]
    assert [action.text() for action in menu.actions()] == expected
    box = removal_question(window, account, window.store.message_count("test"))
    box.show()
    qtbot.waitExposed(box)
    if language == "zh_CN":
        assert "服务器上的邮件不受影响" in box.text() and "密钥环" in box.text()
    assert box.findChild(QPushButton, "removeAccountButton").text() == expected[3].rstrip("…")
    keep = os.environ.get("POPLARK_SCREENSHOT_DIR")
    if keep:
        suffix = "en" if language == "en" else "zh_CN"
        picture = window.grab()
        rectangle = window.folder_view.visualRect(index)
        corner = window.folder_view.viewport().mapTo(window, rectangle.center())
        menu.adjustSize()
        painter = QPainter(picture)
        painter.drawPixmap(corner, menu.grab())
        painter.end()
        assert picture.save(str(Path(keep) / f"account-menu-{suffix}.png"))
        assert box.grab().save(str(Path(keep) / f"remove-account-{suffix}.png"))
    box.close()
    box.deleteLater()


def test_an_smtp_password_kept_apart_is_removed_too() -> None:
    from app.core.model import SmtpSettings
    from app.ui.operations.accounts import credential_keys

    apart = Account(name="work", host="pop.example.com", user="alice", id=5,
                    smtp=SmtpSettings(host="smtp.example.com", separate_password=True))
    assert credential_keys(apart) == ["poplark-account-5", "poplark-account-5-smtp"]
    shared = Account(name="work", host="pop.example.com", user="alice", id=5,
                     smtp=SmtpSettings(host="smtp.example.com"))
    assert credential_keys(shared) == ["poplark-account-5"]


def test_unsent_mail_in_the_outbox_is_named_and_goes_with_the_account(
        qtbot: QtBot, mailbox_window: Callable[..., MainWindow]) -> None:
    window = mailbox_window()
    account = window.accounts["test"]
    assert account.id is not None
    window.store.queue(account.id, b"From: me@example.com\r\nTo: you@example.com\r\nSubject: later\r\n\r\nhi\r\n",
                       "me@example.com", ["you@example.com"], subject="later")
    seen: list[str] = []
    answer_question("removeAccountButton", seen)
    with qtbot.waitSignal(window.account_actions.removed, timeout=10000):
        window.window_actions.remove_account.trigger()
    assert "1 message(s) in its outbox, not sent yet, will be deleted too." in seen[0]
    assert window.store.outbox() == []
