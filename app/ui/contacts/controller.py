"""The address book's part of the main window: the Address Book command (File menu, toolbar,
Ctrl+Shift+C), "Add Sender to Address Book" beside the reader's From line and in the message
list's context menu, and the one worker thread they and every To/Cc/Bcc field share.

The main window only creates this and shuts it down; everything else is wired here.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QObject, QSettings, Qt
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QToolBar, QToolButton

from app.core.contacts.model import Contact
from app.core.model import MessageSummary
from app.core.store import Store
from app.ui.actions import SOURCE_TEXT, WindowActions
from app.ui.contacts.editor import ContactEditor
from app.ui.contacts.sender import ICON, SenderContacts
from app.ui.contacts.window import AddressBookWindow
from app.ui.contacts.worker import ContactsWorker, set_shared_worker
from app.ui.panes.message_list import MessageList
from app.ui.panes.status_bar import StatusArea
from app.ui.widgets.preview import PreviewPane

#: Thunderbird's Ctrl+Shift+B is Restore to Inbox here; C for contacts.
SHORTCUT = "Ctrl+Shift+C"
_TEXT = QT_TRANSLATE_NOOP("MainWindow", "Address Book")


class WindowParts(Protocol):
    """What the controller uses of the main window (named so, not imported: the window imports this)."""

    store: Store
    settings: QSettings
    window_actions: WindowActions
    message_view: MessageList
    preview: PreviewPane
    status: StatusArea


class ContactsController(QObject):
    """Owns the address book's worker and window; wires its commands into the main window."""

    def __init__(self, window: QMainWindow, parts: WindowParts) -> None:
        super().__init__(window)
        self.window = window
        self.settings = parts.settings
        actions, message_list, preview = parts.window_actions, parts.message_view, parts.preview
        self.worker = ContactsWorker(parts.store.path, self)
        set_shared_worker(self.worker)  # the compose window's fields complete through it
        self.book: AddressBookWindow | None = None
        self.action = QAction(window)
        self.action.setObjectName("addressBookAction")
        self.action.setProperty(SOURCE_TEXT, _TEXT)
        self.action.setText(QCoreApplication.translate("MainWindow", str(_TEXT)))
        self.action.setShortcut(QKeySequence(SHORTCUT))
        self.action.setIcon(QIcon(str(ICON)))
        self.action.triggered.connect(lambda checked=False: self.open_address_book())
        self._place(actions)
        self.sender_contacts = SenderContacts(self.worker, preview)
        self.sender_contacts.status.connect(parts.status.show_status)
        self.sender_contacts.edit_requested.connect(self.edit_contact)
        preview.sender_row.addWidget(self.sender_contacts.button)
        separator = QAction(message_list)
        separator.setSeparator(True)
        message_list.addAction(separator)
        message_list.addAction(self.sender_contacts.action)
        message_list.message_selected.connect(self._selected)

    def _place(self, actions: WindowActions) -> None:
        """In the File menu above the accounts, and on the toolbar before New Account."""
        file_menu = next((menu for menu in self.window.findChildren(QMenu)
                          if menu.property(SOURCE_TEXT) == "&File"), None)
        if file_menu is not None:
            file_menu.insertAction(actions.new_account, self.action)
            file_menu.insertSeparator(actions.new_account)
        toolbar = self.window.findChild(QToolBar, "mainToolbar")
        if isinstance(toolbar, QToolBar):
            toolbar.insertAction(actions.new_account, self.action)
            # An icon (its name in the tooltip), as the compose buttons: the search box keeps its room.
            button = toolbar.widgetForAction(self.action)
            if isinstance(button, QToolButton):
                button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)

    def _selected(self, summary: MessageSummary | None) -> None:
        self.sender_contacts.show_message(summary.id if summary is not None else None)

    def open_address_book(self) -> AddressBookWindow:
        if self.book is None:
            self.book = AddressBookWindow(self.worker, self.settings, self.window)
        self.book.show()
        self.book.raise_()
        self.book.activateWindow()
        return self.book

    def edit_contact(self, contact: Contact) -> None:
        """The sender's contact, from the reader: edit it and save it through the worker."""
        group_names = self.book.group_names if self.book is not None else []
        editor = ContactEditor(contact, group_names, self.window)
        if editor.exec():
            edited = editor.contact()  # read here: widgets belong to the GUI thread
            self.worker.submit(lambda store: store.save_contact(edited), lambda saved: self._saved(), None)
        editor.deleteLater()

    def _saved(self) -> None:
        self.sender_contacts.refresh()
        if self.book is not None:
            self.book.reload()

    def shut_down(self) -> None:
        if self.book is not None:
            self.book.close()
        self.worker.stop()
