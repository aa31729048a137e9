"""The folder pane: accounts with their Inbox, Drafts, Sent, Outbox and Trash, unread counts that
follow the store, and a context menu on an account's items (edit it, get its mail, remove it).
The user's own folders sit under their account and under "On this computer": their menus are
app/ui/panes/folder_menus.py, and dragging messages or folders onto them app/ui/panes/folder_drops.py."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QModelIndex, Qt, Signal, Slot
from PySide6.QtGui import QContextMenuEvent, QDragEnterEvent, QDragMoveEvent, QDropEvent, QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QMenu, QTreeView, QWidget

from app.core.model import Folder
from app.core.store import Store
from app.ui.models.folder_model import FolderModel
from app.ui.models.user_folder_items import folder_accounts
from app.ui.panes.folder_drops import FolderDrop, MessageDrop, drop_copies, drop_target, folder_mime, start_drag
from app.ui.panes.folder_menus import add_new_folder_entry, folder_menu
from app.ui.store_events import StoreEvents

#: (account id or None, folder key): a :class:`Folder` member, or "user:<id>" for a user folder.
Location = tuple[int | None, str]


class FolderPane(QTreeView):
    """A tree over :class:`FolderModel`; says when the user opens another folder."""

    #: (account id or None for all accounts, folder) of the folder the user opened.
    folder_opened = Signal(object)
    #: The account id of the Outbox the user opened (not a folder of messages: app/ui/compose/outbox_view.py).
    outbox_opened = Signal(int)
    #: From the account's context menu, with the account id: edit its settings, get its mail, remove it.
    edit_account_requested = Signal(int)
    get_mail_requested = Signal(int)
    remove_account_requested = Signal(int)
    #: The account id whose remote mailbox window to open (issue 18).
    remote_mailbox_requested = Signal(int)
    #: From the folder menus: (account id or None, parent folder id or None), a folder id.
    new_folder_requested = Signal(object, object)
    rename_folder_requested = Signal(int)
    delete_folder_requested = Signal(int)
    #: A user folder dropped on another: (folder id, new parent id or None for the top level).
    folder_dropped = Signal(int, object)
    #: Messages dropped on a folder: (ids, folder key, copy instead of move).
    messages_dropped = Signal(object, str, bool)

    def __init__(self, store: Store, events: StoreEvents, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("folderView")
        self.folder_model = FolderModel(store, self)
        self.setModel(self.folder_model)
        self.setHeaderHidden(True)
        self.setMinimumWidth(160)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        #: The folder last announced by folder_opened (the list shows it).
        self.opened: Location | None = None
        self.selectionModel().currentChanged.connect(self._current_changed)
        events.counts_changed.connect(self.refresh_counts)

    def current_folder(self) -> Location | None:
        return self.folder_model.folder_at(self.currentIndex())

    def open_folder(self, account_id: int | None, folder: str) -> None:
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
        outbox = self.folder_model.outbox_at(self.currentIndex())
        self.folder_model.refresh()
        self.expandAll()
        index = self.folder_model.index_for(*current) if current is not None else \
            self.folder_model.outbox_index(outbox) if outbox is not None else None
        if index is not None and index.isValid():
            self.selectionModel().blockSignals(True)
            self.setCurrentIndex(index)
            self.selectionModel().blockSignals(False)
        elif current is not None:
            # The open folder is gone (deleted, here or by another window): open its account's Inbox.
            self.setCurrentIndex(self.folder_model.index_for(current[0], Folder.INBOX))
            self.reload(True)

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

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # F2 renames a folder of the user's, as in Thunderbird and file managers.
        folder_id = self.folder_model.user_folder_at(self.currentIndex())
        if event.key() == Qt.Key.Key_F2 and folder_id is not None:
            self.rename_folder_requested.emit(folder_id)
            return
        super().keyPressEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        index = self.indexAt(event.pos())
        menu = folder_menu(self, self.folder_model, index, self)
        if menu is None:
            menu = self.account_menu(index)
            location = self.folder_model.folder_at(index)
            if menu is not None and location is not None:
                menu.addSeparator()
                add_new_folder_entry(menu, self, location[0])
        if menu is None:
            event.ignore()
            return
        menu.exec(event.globalPos())
        menu.deleteLater()

    @Slot()
    def _current_changed(self) -> None:
        outbox = self.folder_model.outbox_at(self.currentIndex())
        if outbox is not None:
            self.opened = None
            self.outbox_opened.emit(outbox)
            return
        location = self.current_folder()
        if location is not None:
            self.opened = location
            self.folder_opened.emit(location)

    # -- drag and drop ------------------------------------------------------------------------

    def startDrag(self, supportedActions: Qt.DropAction) -> None:
        folder_id = self.folder_model.user_folder_at(self.currentIndex())
        if folder_id is not None:
            start_drag(self, folder_mime(folder_id), Qt.DropAction.MoveAction)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        self._judge(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        self._judge(event)

    def _judge(self, event: QDragMoveEvent) -> None:
        mime = event.mimeData()
        if drop_target(self.folder_model, self.indexAt(event.position().toPoint()), mime,
                       folder_accounts(self.folder_model)) is not None:
            event.acceptProposedAction()
        elif isinstance(event, QDragEnterEvent) and mime.formats() and not mime.hasUrls():
            event.accept()  # the drag may reach a folder that takes it further on
        else:
            event.ignore()  # files: the window imports them

    def dropEvent(self, event: QDropEvent) -> None:
        target = drop_target(self.folder_model, self.indexAt(event.position().toPoint()), event.mimeData(),
                             folder_accounts(self.folder_model))
        if isinstance(target, MessageDrop):
            copy = drop_copies(event.modifiers())
            event.setDropAction(Qt.DropAction.CopyAction if copy else Qt.DropAction.MoveAction)
            event.accept()
            self.messages_dropped.emit(target.ids, target.folder_key, copy)
        elif isinstance(target, FolderDrop):
            event.setDropAction(Qt.DropAction.MoveAction)
            event.accept()
            self.folder_dropped.emit(target.folder_id, target.parent_id)
        else:
            event.ignore()
