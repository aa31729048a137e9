"""The user's own folders in the folder tree: nested under their account, or under "On this
computer", with their unread counts.

:class:`~app.ui.models.folder_model.FolderModel` builds the accounts and their built-in folders
and calls in here for the rest. A user folder's item has FOLDER_ROLE set to its folder key
(``user:<id>``), USER_FOLDER_ID_ROLE to its id and ACCOUNT_ID_ROLE to its account (None on this
computer); "On this computer" itself is no folder (FOLDER_ROLE None): it only holds folders.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from PySide6.QtCore import QCoreApplication, QModelIndex, Qt
from PySide6.QtGui import QIcon, QStandardItem, QStandardItemModel

from app.core.store.user_folders import UserFolder

#: The id of a user folder's item (None on every other item).
USER_FOLDER_ID_ROLE = Qt.ItemDataRole.UserRole + 10
#: True on the "On this computer" item.
LOCAL_ROOT_ROLE = Qt.ItemDataRole.UserRole + 11
#: FolderModel's FOLDER_ROLE (that module imports this one; a test checks the two agree).
_FOLDER_ROLE = Qt.ItemDataRole.UserRole + 2

#: What decides whether the tree must be built again: (id, account, parent, name) of each folder.
FolderShape = tuple[tuple[int, int | None, int | None, str], ...]


def folder_shape(folders: list[UserFolder]) -> FolderShape:
    return tuple((folder.id, folder.account_id, folder.parent_id, folder.name) for folder in folders)


def local_root_name() -> str:
    return QCoreApplication.translate("FolderModel", "On this computer")


def add_user_folder_items(model: QStandardItemModel, account_items: dict[int, QStandardItem],
                          folders: list[UserFolder], make_item: Callable[[str, int | None, str, str], QStandardItem]
                          ) -> None:
    """Add ``folders`` (ordered by name) under their account's item or their parent folder's, and
    the "On this computer" item with the local ones, last in the tree."""
    local = QStandardItem(QIcon.fromTheme("computer"), local_root_name())
    local.setEditable(False)
    local.setDragEnabled(False)
    local.setDropEnabled(False)
    local.setData(True, LOCAL_ROOT_ROLE)
    local.setToolTip(QCoreApplication.translate(
        "FolderModel", "Folders of your own that belong to no account: right-click to make one"))
    items: dict[int, QStandardItem] = {}
    for folder in folders:
        item = make_item(folder.name, folder.account_id, folder.key, "folder")
        item.setData(folder.id, USER_FOLDER_ID_ROLE)
        item.setDragEnabled(True)  # dragged onto another folder to move it there
        items[folder.id] = item
    for folder in folders:
        if folder.parent_id is not None and folder.parent_id in items:
            parent = items[folder.parent_id]
        elif folder.account_id is None:
            parent = local
        elif folder.account_id in account_items:
            parent = account_items[folder.account_id]
        else:
            continue  # its account went away meanwhile: the next refresh drops it
        parent.appendRow(items[folder.id])
    model.invisibleRootItem().appendRow(local)


def descendants(item: QStandardItem) -> Iterator[QStandardItem]:
    """Every item below ``item``, depth first."""
    for row in range(item.rowCount()):
        child = item.child(row)
        if child is not None:
            yield child
            yield from descendants(child)


def user_folder_items(model: QStandardItemModel) -> Iterator[QStandardItem]:
    for item in descendants(model.invisibleRootItem()):
        if item.data(USER_FOLDER_ID_ROLE) is not None:
            yield item


def folder_accounts(model: QStandardItemModel) -> dict[int, int | None]:
    """Each user folder's id and its account (None: on this computer), as the tree shows them."""
    return {int(item.data(USER_FOLDER_ID_ROLE)): item.data(Qt.ItemDataRole.UserRole + 1)  # ACCOUNT_ID_ROLE
            for item in user_folder_items(model)}


def user_folder_index(model: QStandardItemModel, key: str) -> QModelIndex:
    """The item of the user folder with this key; invalid if there is none."""
    for item in user_folder_items(model):
        if item.data(_FOLDER_ROLE) == key:
            return item.index()
    return QModelIndex()


def unread_by_key(counts: dict[tuple[int, str], int]) -> dict[str, int]:
    """Unread messages per user folder key, over every account (a folder holds any account's mail)."""
    totals: dict[str, int] = {}
    for (_, key), count in counts.items():
        if key.startswith("user:"):
            totals[key] = totals.get(key, 0) + count
    return totals


def update_user_folder_counts(model: QStandardItemModel, counts: dict[tuple[int, str], int],
                              show: Callable[[QStandardItem, str, int], None],
                              names: dict[int, str]) -> None:
    """Show each user folder's unread count (``show`` is the model's own way of showing one)."""
    totals = unread_by_key(counts)
    for item in user_folder_items(model):
        key = str(item.data(_FOLDER_ROLE))
        show(item, names.get(int(item.data(USER_FOLDER_ID_ROLE)), ""), totals.get(key, 0))


__all__ = ["LOCAL_ROOT_ROLE", "USER_FOLDER_ID_ROLE", "FolderShape", "add_user_folder_items", "descendants",
           "folder_accounts", "folder_shape", "local_root_name", "unread_by_key", "update_user_folder_counts",
           "user_folder_index", "user_folder_items"]
