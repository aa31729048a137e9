"""The folder pane: accounts with their Inbox and Trash, unread counts that follow the store, and
a context menu on an account's items (edit it, get its mail, remove it)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QModelIndex, Signal, Slot
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QMenu, QTreeView, QWidget

from app.core.model import Folder
from app.core.store import Store
from app.ui.models.folder_model import FolderModel
from app.ui.store_events import StoreEvents

Location = tuple[int | None, Folder]


class FolderPane(QTreeView):
    """A tree over :class:`FolderModel`; says when the user opens another folder."""

    #: (account id or None for all accounts, folder) of the folder the user opened.
    folder_opened = Signal(object)
    #: From the account's context menu, with the account id: edit its settings, get its mail, remove it.
    edit_account_requested = Signal(int)
    get_mail_requested = Signal(int)
    remove_account_requested = Signal(int)
    #: The account id whose remote mailbox window to open (issue 18).
    remote_mailbox_requested = Signal(int)

    def __init__(self, store: Store, events: StoreEvents, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("folderView")
        self.folder_model = FolderModel(store, self)
        self.setModel(self.folder_model)
        self.setHeaderHidden(True)
        self.setMinimumWidth(160)
        #: The folder last announced by folder_opened (the list shows it).
        self.opened: Location | None = None
        self.selectionModel().currentChanged.connect(self._current_changed)
        events.counts_changed.connect(self.refresh_counts)

    def current_folder(self) -> Location | None:
        return self.folder_model.folder_at(self.currentIndex())

    def open_folder(self, account_id: int | None, folder: Folder) -> None:
        index = self.folder_model.index_for(account_id, folder)
        if index is not None and index.isValid():
            self.setCurrentIndex(index)

    def reload(self, has_accounts: bool) -> None:
        """After the accounts changed: rebuild, expand, and open a first Inbox if none is open."""
        self.folder_model.refresh()
        self.expandAll()
        if has_accounts and not self.currentIndex().isValid():
            first = self.folder_model.index(0, 0)
            inbox = self.folder_model.index(0, 0, first) if self.folder_model.rowCount(first) else first
            self.setCurrentIndex(inbox)
        if self.current_folder() != self.opened:
            # The open folder left with its account (the tree was rebuilt under it): the list
            # must follow what the tree now shows.
            self._current_changed()

    @Slot()
    def refresh_counts(self) -> None:
        """Re-read the counts, keeping the open folder selected without re-opening it."""
        current = self.current_folder()
        self.folder_model.refresh()
        self.expandAll()
        if current is not None:
            index = self.folder_model.index_for(*current)
            if index is not None and index.isValid():
                self.selectionModel().blockSignals(True)
                self.setCurrentIndex(index)
                self.selectionModel().blockSignals(False)

    def account_menu(self, index: QModelIndex) -> QMenu | None:
        """The context menu of the account behind ``index`` (its own item, Inbox or Trash); None
        elsewhere ("All Inboxes" belongs to no account)."""
        location = self.folder_model.folder_at(index)
        if location is None or location[0] is None:
            return None
        account_id = location[0]
        translate = QCoreApplication.translate
        menu = QMenu(self)
        menu.setObjectName("accountMenu")
        for name, text, signal in (
                ("editAccount", translate("MainWindow", "Edit Account…"), self.edit_account_requested),
                ("getAccountMail", translate("MainWindow", "Get Mail"), self.get_mail_requested),
                ("remoteMailbox", translate("MainWindow", "Remote Mailbox…"), self.remote_mailbox_requested),
                ("removeAccount", translate("MainWindow", "Remove Account…"), self.remove_account_requested)):
            action = menu.addAction(text)
            action.setObjectName(name)
            action.triggered.connect(lambda checked=False, signal=signal: signal.emit(account_id))
        return menu

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = self.account_menu(self.indexAt(event.pos()))
        if menu is None:
            event.ignore()
            return
        menu.exec(event.globalPos())
        menu.deleteLater()

    @Slot()
    def _current_changed(self) -> None:
        location = self.current_folder()
        if location is not None:
            self.opened = location
            self.folder_opened.emit(location)
