"""Choosing a folder to move or copy messages to: the folder tree in a dialog, with a filter box
(typing "2026" narrows a long tree down to the folders whose path contains it).

An account's Inbox, Junk and Trash are offered only when every chosen message belongs to that
account (they are that account's folders); user folders take mail of any account.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.model import Folder
from app.core.store import Store
from app.core.store.user_folders import UserFolder

#: The folder key of an item (None on account and "On this computer" items, which only group).
KEY_ROLE = Qt.ItemDataRole.UserRole + 1
_BUILT_IN = (Folder.INBOX, Folder.JUNK, Folder.TRASH)


class FolderChooser(QDialog):
    """Pick one folder; :meth:`chosen_key` after ``exec()`` returned Accepted."""

    def __init__(self, store: Store, accounts_of_selection: set[int], *, copy: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("folderChooser")
        self.setWindowTitle(self.tr("Copy to Folder") if copy else self.tr("Move to Folder"))
        self.setMinimumSize(360, 420)
        layout = QVBoxLayout(self)
        label = QLabel(self.tr("Copy the selected messages to:") if copy else self.tr("Move the selected messages to:"),
                       self)
        layout.addWidget(label)
        self.filter_box = QLineEdit(self)
        self.filter_box.setObjectName("folderFilter")
        self.filter_box.setPlaceholderText(self.tr("Type to find a folder"))
        self.filter_box.setClearButtonEnabled(True)
        layout.addWidget(self.filter_box)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("folderChoices")
        self.tree.setHeaderHidden(True)
        layout.addWidget(self.tree, 1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(self.tr("Copy") if copy else self.tr("Move"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._fill(store, accounts_of_selection)
        self.tree.expandAll()
        self.tree.currentItemChanged.connect(self._update_ok)
        self.tree.itemDoubleClicked.connect(self._double_clicked)
        self.filter_box.textChanged.connect(self.apply_filter)
        self._update_ok()

    def chosen_key(self) -> str | None:
        item = self.tree.currentItem()
        key = item.data(0, KEY_ROLE) if item is not None else None
        return str(key) if key is not None else None

    def choose(self, key: str) -> bool:
        """Make the item of ``key`` current (for tests and for remembering the last choice)."""
        for item in self._all_items():
            if item.data(0, KEY_ROLE) == key:
                self.tree.setCurrentItem(item)
                return True
        return False

    @Slot(str)
    def apply_filter(self, text: str) -> None:
        """Show the folders whose path contains ``text`` (ignoring case), with what holds them."""
        wanted = text.strip().casefold()
        matches: list[QTreeWidgetItem] = []
        for top in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(top)
            if item is not None:
                self._filter(item, wanted, "", matches)
        current = self.tree.currentItem()
        if wanted and matches and current not in matches:
            self.tree.setCurrentItem(matches[0])  # Enter then takes the first folder that matches

    # -- internals ----------------------------------------------------------------------------

    def _fill(self, store: Store, accounts_of_selection: set[int]) -> None:
        folders = store.user_folders()
        children: dict[int | None, list[UserFolder]] = {}
        for folder in folders:
            children.setdefault(folder.parent_id, []).append(folder)
        for account in store.accounts():
            top = QTreeWidgetItem(self.tree, [account.name])
            top.setFlags(Qt.ItemFlag.ItemIsEnabled)
            if accounts_of_selection == {account.id}:
                for built_in in _BUILT_IN:
                    self._choice(top, self._built_in_name(built_in), built_in.value)
            self._add_folders(top, [each for each in children.get(None, []) if each.account_id == account.id],
                              children)
        local = QTreeWidgetItem(self.tree, [self.tr("On this computer")])
        local.setFlags(Qt.ItemFlag.ItemIsEnabled)
        self._add_folders(local, [each for each in children.get(None, []) if each.account_id is None], children)

    def _add_folders(self, parent: QTreeWidgetItem, folders: list[UserFolder],
                     children: dict[int | None, list[UserFolder]]) -> None:
        for folder in folders:
            item = self._choice(parent, folder.name, folder.key)
            self._add_folders(item, children.get(folder.id, []), children)

    @staticmethod
    def _choice(parent: QTreeWidgetItem, name: str, key: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem(parent, [name])
        item.setData(0, KEY_ROLE, key)
        return item

    def _built_in_name(self, folder: Folder) -> str:
        return {Folder.INBOX: self.tr("Inbox"), Folder.JUNK: self.tr("Junk"), Folder.TRASH: self.tr("Trash")}[folder]

    def _filter(self, item: QTreeWidgetItem, wanted: str, path: str, matches: list[QTreeWidgetItem]) -> bool:
        here = f"{path}/{item.text(0)}".casefold()
        matched = bool(wanted) and item.data(0, KEY_ROLE) is not None and wanted in item.text(0).casefold()
        if matched:
            matches.append(item)
        shown_child = False
        for row in range(item.childCount()):
            child = item.child(row)
            if child is not None:
                shown_child = self._filter(child, wanted, here, matches) or shown_child
        shown = not wanted or shown_child or (item.data(0, KEY_ROLE) is not None and wanted in here)
        item.setHidden(not shown)
        return shown

    def _all_items(self) -> list[QTreeWidgetItem]:
        found: list[QTreeWidgetItem] = []
        pending = [self.tree.topLevelItem(row) for row in range(self.tree.topLevelItemCount())]
        while pending:
            item = pending.pop(0)
            if item is None:
                continue
            found.append(item)
            pending.extend(item.child(row) for row in range(item.childCount()))
        return found

    @Slot()
    def _update_ok(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(self.chosen_key() is not None)

    @Slot(QTreeWidgetItem, int)
    def _double_clicked(self, item: QTreeWidgetItem, column: int) -> None:
        if item.data(0, KEY_ROLE) is not None:
            self.accept()


__all__ = ["KEY_ROLE", "FolderChooser"]
