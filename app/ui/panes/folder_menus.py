"""The folder tree's context menus for folders: new folder (on an account or "On this computer"),
new subfolder, rename and delete (on a user folder). Each entry only says what was asked for,
through the folder pane's signals; :mod:`app.ui.folder_actions` asks the user and does it."""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QCoreApplication, QModelIndex, SignalInstance
from PySide6.QtWidgets import QMenu, QWidget

from app.ui.models.folder_model import FolderModel


class FolderRequests(Protocol):
    """The folder pane's signals these menus emit."""

    new_folder_requested: SignalInstance  # (account id or None, parent folder id or None)
    rename_folder_requested: SignalInstance  # (folder id)
    delete_folder_requested: SignalInstance  # (folder id)


def add_new_folder_entry(menu: QMenu, asks: FolderRequests, account_id: int | None) -> None:
    """"New Folder…" at the top level of an account (or of "On this computer" for None)."""
    action = menu.addAction(QCoreApplication.translate("FolderPane", "New Folder…"))
    action.setObjectName("newFolder")
    action.triggered.connect(lambda checked=False: asks.new_folder_requested.emit(account_id, None))


def folder_menu(parent: QWidget, model: FolderModel, index: QModelIndex, asks: FolderRequests) -> QMenu | None:
    """The menu of a user folder or of "On this computer"; None for other items."""
    menu = QMenu(parent)
    menu.setObjectName("folderMenu")
    if model.is_local_root(index):
        add_new_folder_entry(menu, asks, None)
        return menu
    folder_id = model.user_folder_at(index)
    if folder_id is None:
        menu.deleteLater()
        return None
    account_id = model.folder_at(index)
    translate = QCoreApplication.translate  # a local name: lupdate finds translate("FolderPane", ...)
    for name, text, emit in (
            ("newSubfolder", translate("FolderPane", "New Subfolder…"),
             lambda: asks.new_folder_requested.emit(account_id[0] if account_id else None, folder_id)),
            ("renameFolder", translate("FolderPane", "Rename Folder…"),
             lambda: asks.rename_folder_requested.emit(folder_id)),
            ("deleteFolder", translate("FolderPane", "Delete Folder…"),
             lambda: asks.delete_folder_requested.emit(folder_id))):
        action = menu.addAction(text)
        action.setObjectName(name)
        action.triggered.connect(lambda checked=False, emit=emit: emit())
    return menu


__all__ = ["FolderRequests", "add_new_folder_entry", "folder_menu"]
