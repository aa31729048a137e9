"""The folder list: every account with its Inbox, Drafts, Sent, Outbox and Trash, unread counts,
and a unified inbox.

A small tree (a few items per account), so it is a :class:`QStandardItemModel` rather than a
hand-written model. :meth:`FolderModel.refresh` updates counts in place when the accounts are
unchanged, so a view keeps its selection and expanded state while mail arrives; it rebuilds the
tree only when an account or a user folder was added, removed, renamed or moved. Junk is a
built-in folder of every account; the user's own folders come from
:mod:`app.ui.models.user_folder_items`.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont, QIcon, QStandardItem, QStandardItemModel

from app.core.model import Account, Folder
from app.core.store import Store
from app.core.store.user_folders import as_folder_key, user_folder_id
from app.ui.models.user_folder_items import (
    LOCAL_ROOT_ROLE,
    USER_FOLDER_ID_ROLE,
    FolderShape,
    add_user_folder_items,
    folder_shape,
    update_user_folder_counts,
    user_folder_index,
)

#: The account id of an item (None for "All Inboxes").
ACCOUNT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
#: The :class:`Folder` value of an item (an account's own item means its Inbox).
FOLDER_ROLE = Qt.ItemDataRole.UserRole + 2
#: The number of unread messages behind an item, for delegates that draw a badge.
UNREAD_COUNT_ROLE = Qt.ItemDataRole.UserRole + 3
#: True on an account's Outbox item: not a folder of messages but the messages waiting to be sent
#: (its FOLDER_ROLE is None, so ``folder_at`` gives None for it; ``outbox_at`` gives the account).
OUTBOX_ROLE = Qt.ItemDataRole.UserRole + 4

_FOLDERS = (Folder.INBOX, Folder.DRAFTS, Folder.SENT, Folder.JUNK, Folder.TRASH)
#: Freedesktop icon names; where the platform has no theme they are simply blank.
_ICON_NAMES = {Folder.INBOX: "mail-folder-inbox", Folder.TRASH: "user-trash", Folder.SENT: "mail-folder-sent",
               Folder.DRAFTS: "folder-documents", Folder.JUNK: "mail-mark-junk"}


class FolderModel(QStandardItemModel):
    """Accounts and their folders, from the store; call :meth:`refresh` when counts may have changed."""

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._shape: tuple[tuple[int, str], ...] | None = None  # the (id, name) pairs built last
        self._folder_shape: FolderShape | None = None  # the user folders built last
        self._folder_names: dict[int, str] = {}
        self._bold = QFont()
        self._bold.setBold(True)
        self._normal = QFont()
        self.refresh()

    def refresh(self) -> None:
        """Re-read the accounts and the unread counts (two small queries)."""
        accounts = [account for account in self._store.accounts() if account.id is not None]
        counts = self._store.unread_counts()
        waiting = self._store.outbox_counts()
        shape = tuple((account.id, account.name) for account in accounts if account.id is not None)
        folders = self._store.user_folders()
        if shape != self._shape or folder_shape(folders) != self._folder_shape:
            self._shape = shape
            self._folder_shape = folder_shape(folders)
            self._folder_names = {folder.id: folder.name for folder in folders}
            self._rebuild(accounts)
            if accounts:  # with none, the window shows its welcome page: no mail, no folders
                add_user_folder_items(self, self._account_items(), folders, self._item)
        self._update_counts(counts, waiting)

    def retranslate(self) -> None:
        """The language changed: the next refresh builds the items again, with their names in it."""
        self._shape = None

    def folder_at(self, index: QModelIndex | QPersistentModelIndex) -> tuple[int | None, str] | None:
        """(account id or None for all accounts, folder key) of an item; None for an invalid index.
        The key of a built-in folder is its :class:`Folder` member, of a user folder "user:<id>"."""
        if not index.isValid() or index.model() is not self:
            return None
        folder = index.data(FOLDER_ROLE)
        if folder is None:
            return None
        return index.data(ACCOUNT_ID_ROLE), as_folder_key(folder)

    def user_folder_at(self, index: QModelIndex | QPersistentModelIndex) -> int | None:
        """The id of the user folder an item shows; None for any other item."""
        if not index.isValid() or index.model() is not self:
            return None
        folder_id = index.data(USER_FOLDER_ID_ROLE)
        return int(folder_id) if folder_id is not None else None

    def is_local_root(self, index: QModelIndex | QPersistentModelIndex) -> bool:
        """Whether an item is "On this computer"."""
        return index.isValid() and index.model() is self and bool(index.data(LOCAL_ROOT_ROLE))

    def index_for(self, account_id: int | None, folder: str) -> QModelIndex:
        """The item showing ``folder`` of ``account_id`` (None: all accounts); invalid if there is none.

        With a single account there is no "All Inboxes" item, so (None, Inbox) is that account's
        Inbox: the same messages. A user folder is found by its key alone.
        """
        if user_folder_id(folder) is not None:
            return user_folder_index(self, folder)
        if account_id is None and folder is Folder.INBOX and self._shape and len(self._shape) == 1:
            account_id = self._shape[0][0]
        for row in range(self.rowCount()):
            top = self.item(row)
            if top is None:
                continue
            if account_id is None and folder is Folder.INBOX and top.data(ACCOUNT_ID_ROLE) is None:
                return top.index()
            for child_row in range(top.rowCount()):
                child = top.child(child_row)
                if child is not None and child.data(FOLDER_ROLE) == str(folder) \
                        and child.data(ACCOUNT_ID_ROLE) == account_id:
                    return child.index()
        return QModelIndex()

    def outbox_at(self, index: QModelIndex | QPersistentModelIndex) -> int | None:
        """The account id of an Outbox item; None for any other item."""
        if not index.isValid() or index.model() is not self or not index.data(OUTBOX_ROLE):
            return None
        account_id = index.data(ACCOUNT_ID_ROLE)
        return int(account_id) if account_id is not None else None

    def outbox_index(self, account_id: int) -> QModelIndex:
        for row in range(self.rowCount()):
            top = self.item(row)
            for child_row in range(top.rowCount() if top is not None else 0):
                child = top.child(child_row) if top is not None else None
                if child is not None and child.data(OUTBOX_ROLE) and child.data(ACCOUNT_ID_ROLE) == account_id:
                    return child.index()
        return QModelIndex()

    def folder_name(self, folder: str) -> str:
        if folder is Folder.JUNK:
            return self.tr("Junk")
        if folder is Folder.TRASH:
            return self.tr("Trash")
        if folder is Folder.SENT:
            return self.tr("Sent")
        if folder is Folder.DRAFTS:
            return self.tr("Drafts")
        return self.tr("Inbox")

    # -- internals ----------------------------------------------------------------------------

    def _rebuild(self, accounts: list[Account]) -> None:
        self.clear()
        root = self.invisibleRootItem()
        if len(accounts) > 1:
            unified = self._item(self.tr("All Inboxes"), None, Folder.INBOX, _ICON_NAMES[Folder.INBOX])
            unified.setToolTip(self.tr("The inboxes of all accounts together"))
            root.appendRow(unified)
        for account in accounts:
            top = self._item(account.name, account.id, Folder.INBOX, "folder")
            address = account.email or account.user
            top.setToolTip(f"{account.display_name} <{address}>" if account.display_name else address)
            for folder in _FOLDERS:
                top.appendRow(self._item(self.folder_name(folder), account.id, folder, _ICON_NAMES[folder]))
                if folder is Folder.SENT:
                    outbox = self._item(self.tr("Outbox"), account.id, None, "mail-folder-outbox")
                    outbox.setData(True, OUTBOX_ROLE)
                    outbox.setToolTip(self.tr("Messages waiting to be sent, and those that could not be sent"))
                    top.appendRow(outbox)
            root.appendRow(top)

    def _account_items(self) -> dict[int, QStandardItem]:
        items: dict[int, QStandardItem] = {}
        for row in range(self.rowCount()):
            top = self.item(row)
            if top is not None and top.data(ACCOUNT_ID_ROLE) is not None:
                items[int(top.data(ACCOUNT_ID_ROLE))] = top
        return items

    def _item(self, text: str, account_id: int | None, folder: str | None, icon_name: str) -> QStandardItem:
        item = QStandardItem(QIcon.fromTheme(icon_name), text)
        item.setEditable(False)
        item.setDragEnabled(False)
        item.setDropEnabled(False)
        item.setData(account_id, ACCOUNT_ID_ROLE)
        item.setData(str(folder) if folder is not None else None, FOLDER_ROLE)
        return item

    def _update_counts(self, counts: dict[tuple[int, str], int], waiting: dict[int, int]) -> None:
        for row in range(self.rowCount()):
            top = self.item(row)
            if top is None or top.data(LOCAL_ROOT_ROLE):
                continue
            if top.data(ACCOUNT_ID_ROLE) is None:
                total = sum(count for (_, folder), count in counts.items() if folder == Folder.INBOX.value)
                self._show_count(top, self.tr("All Inboxes"), total)
                continue
            for child_row in range(top.rowCount()):
                child = top.child(child_row)
                if child is None or child.data(USER_FOLDER_ID_ROLE) is not None:
                    continue
                if child.data(OUTBOX_ROLE):
                    # The number waiting, as mail programs show it (nothing in it is "unread").
                    self._show_count(child, self.tr("Outbox"), waiting.get(child.data(ACCOUNT_ID_ROLE), 0))
                    continue
                folder = Folder(child.data(FOLDER_ROLE))
                unread = counts.get((child.data(ACCOUNT_ID_ROLE), folder.value), 0)
                self._show_count(child, self.folder_name(folder), unread)
        update_user_folder_counts(self, counts, self._show_count, self._folder_names)

    def _show_count(self, item: QStandardItem, name: str, unread: int) -> None:
        # Setting an unchanged value would still emit dataChanged and repaint: compare first.
        text = self.tr("{name} ({count})").format(name=name, count=unread) if unread else name
        if item.text() != text:
            item.setText(text)
        font = self._bold if unread else self._normal
        if item.font() != font:
            item.setFont(font)
        if item.data(UNREAD_COUNT_ROLE) != unread:
            item.setData(unread, UNREAD_COUNT_ROLE)
