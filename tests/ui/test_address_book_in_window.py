"""The address book in the main window: its command (menu, toolbar, shortcut), "Add Sender to
Address Book" beside the reader's From line and in the message list's context menu (then "Edit
Sender's Contact…"), and the To/Cc/Bcc fields completing through the window's worker."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QToolBar, QToolButton
from pytestqt.qtbot import QtBot

from app.core.contacts.harvest import harvest_all
from app.core.model import Folder
from app.ui.contacts.controller import SHORTCUT
from app.ui.contacts.editor import ContactEditor
from app.ui.contacts.recipient_field import RecipientField
from app.ui.contacts.sender import SenderContacts
from app.ui.contacts.worker import shared_worker
from app.ui.main_window import MainWindow
from tests.ui.contacts_fixtures import OFFSCREEN_POPUP_WARNINGS
from tests.ui.mailbox_window import message, open_folder

pytestmark = OFFSCREEN_POPUP_WARNINGS

CHINESE_SENDER = (b"From: =?UTF-8?B?5byg5LiJ?= <zs@example.cn>\r\nTo: me@example.com\r\nSubject: hi\r\n"
                  b"Date: Mon, 9 Nov 2026 10:00:00 +0800\r\nMessage-ID: <zs1@example.cn>\r\n\r\nhello\r\n")


def _show_first(qtbot: QtBot, window: MainWindow) -> SenderContacts:
    open_folder(window, Folder.INBOX)
    sender = window.contacts.sender_contacts
    with qtbot.waitSignal(sender.updated, timeout=10000):
        window.message_view.selectRow(0)
    return sender


def test_the_address_book_command_is_in_the_file_menu_and_the_toolbar(
        qtbot: QtBot, mailbox_window: Callable[..., MainWindow]) -> None:
    window = mailbox_window()
    action = window.contacts.action
    assert action.shortcut().toString() == SHORTCUT
    file_menu = next(menu for menu in window.findChildren(QMenu) if menu.property("sourceText") == "&File")
    assert action in file_menu.actions()
    toolbar = window.findChild(QToolBar, "mainToolbar")
    assert isinstance(toolbar, QToolBar) and action in toolbar.actions()
    button = toolbar.widgetForAction(action)
    assert isinstance(button, QToolButton) and button.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonIconOnly
    assert action.toolTip() == "Address Book"
    shortcuts = [other.shortcut().toString() for other in window.findChildren(QAction) if other is not action]
    assert SHORTCUT not in shortcuts
    action.trigger()
    book = window.contacts.book
    assert book is not None and book.isVisible()
    qtbot.waitUntil(lambda: book.group_list.count() == 1, timeout=10000)
    assert book.group_list.item(0).text() == "All contacts (0)"


def test_add_the_sender_in_one_click_then_edit_it(qtbot: QtBot, mailbox_window: Callable[..., MainWindow],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    window = mailbox_window([CHINESE_SENDER, message(2)])
    sender = _show_first(qtbot, window)
    assert sender.state is not None and (sender.state.name, sender.state.address) == ("张三", "zs@example.cn")
    assert sender.button.isVisibleTo(window) and sender.action.text() == "Add Sender to Address Book"
    assert sender.action in window.message_view.actions()  # the message list's context menu
    with qtbot.waitSignal(sender.updated, timeout=10000):
        sender.button.click()
    assert window.store.contacts_with_address("zs@example.cn")[0].name == "张三"
    assert sender.action.text() == "Edit Sender’s Contact…"
    assert window.fetch_status.label.text() == "Added 张三 to the address book."
    # A second click opens the contact in the editor (here: a note typed and saved); it never adds
    # the same person twice.
    def type_a_note(editor: ContactEditor) -> int:
        assert editor.name_field.text() == "张三"
        editor.note_field.setPlainText("Wrote about the project")
        return 1

    monkeypatch.setattr(ContactEditor, "exec", type_a_note)
    sender.action.trigger()
    qtbot.waitUntil(lambda: window.store.contacts_with_address("zs@example.cn")[0].note == "Wrote about the project",
                    timeout=10000)
    assert window.store.contact_count() == 1


def test_the_compose_window_completes_through_the_windows_worker(
        qtbot: QtBot, mailbox_window: Callable[..., MainWindow]) -> None:
    window = mailbox_window([CHINESE_SENDER])
    harvest_all(window.store)  # 张三 wrote once: an address seen in mail, not a contact
    assert shared_worker() is window.contacts.worker
    compose = window.compose.composer.new_message(None)
    for field in (compose.to_field, compose.cc_field, compose.bcc_field):
        assert isinstance(field, RecipientField) and field.worker is window.contacts.worker
    to_field = compose.to_field
    assert isinstance(to_field, RecipientField)
    compose.show()
    to_field.setFocus()
    qtbot.keyClicks(to_field, "zs")
    qtbot.waitUntil(lambda: to_field.shown_for == "zs", timeout=10000)
    assert to_field.model.item(0).text() == "张三 <zs@example.cn>"
    to_field.choose(to_field._suggestions[0])
    assert to_field.addresses() == ["张三 <zs@example.cn>"]
    compose.close()
    window.close_for_good()
    assert shared_worker() is None
