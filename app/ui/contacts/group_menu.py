"""Groups in the address book window: the group list's right-click menu (Rename Group…, Remove
Group) and the contact list's (Edit…, Add to Group…, Delete). The changes are the core's
(:mod:`app.core.contacts.group_changes`), run in the address book's thread."""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QObject, QPoint, Qt
from PySide6.QtWidgets import QInputDialog, QLabel, QListWidget, QMenu, QMessageBox, QPushButton, QTreeView, QWidget

from app.core.contacts.group_changes import add_to_group, remove_group, rename_group
from app.ui.contacts.worker import ContactsWorker, StoreTask


class BookWindow(Protocol):
    """What the menus use of the address book window (named, not imported: the window imports this)."""

    worker: ContactsWorker
    group_list: QListWidget
    contact_list: QTreeView
    group_names: list[str]
    status_label: QLabel
    edit_button: QPushButton
    delete_button: QPushButton

    def selected_ids(self) -> list[int]: ...
    def edit_selected(self) -> None: ...
    def delete_selected(self) -> None: ...
    def reload(self) -> None: ...
    def failed(self, error: Exception) -> None: ...


class GroupMenus(QObject):
    """The two context menus of ``window`` and the group changes behind them."""

    def __init__(self, window: BookWindow, widget: QWidget) -> None:
        super().__init__(widget)
        self.window = window
        self.widget = widget  # the same window, as the parent of the menus and questions
        for view, show in ((window.group_list, self._group_menu), (window.contact_list, self._contact_menu)):
            view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            view.customContextMenuRequested.connect(show)

    # -- menus (they only ask; the methods below change) -------------------------------------------

    def _group_menu(self, position: QPoint) -> None:
        item = self.window.group_list.itemAt(position)
        group = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if not isinstance(group, str):
            return  # "All contacts" is no group
        menu = QMenu(self.widget)
        menu.addAction(self.tr("Rename Group…"), lambda: self.ask_rename(group))
        menu.addAction(self.tr("Remove Group…"), lambda: self.ask_remove(group))
        menu.exec(self.window.group_list.viewport().mapToGlobal(position))

    def _contact_menu(self, position: QPoint) -> None:
        ids = self.window.selected_ids()
        if not ids:
            return
        menu = QMenu(self.widget)
        menu.addAction(self.window.edit_button.text(), self.window.edit_selected)
        menu.addAction(self.tr("Add to Group…"), lambda: self.ask_add_to_group(ids))
        menu.addSeparator()
        menu.addAction(self.window.delete_button.text(), self.window.delete_selected)
        menu.exec(self.window.contact_list.viewport().mapToGlobal(position))

    def ask_rename(self, group: str) -> None:
        name, ok = QInputDialog.getText(self.widget, self.tr("Rename Group"),
                                        self.tr("New name for the group {0}:").format(group), text=group)
        if ok and name.strip() and name.strip() != group:
            self.rename(group, name.strip())

    def ask_remove(self, group: str) -> None:
        answer = QMessageBox.question(
            self.widget, self.tr("Remove Group"),
            self.tr("Remove the group {0}? Its contacts stay in the address book.").format(group))
        if answer == QMessageBox.StandardButton.Yes:
            self.remove(group)

    def ask_add_to_group(self, ids: list[int]) -> None:
        name, ok = QInputDialog.getItem(self.widget, self.tr("Add to Group"),
                                        self.tr("Group (choose one, or type a new name):"),
                                        self.window.group_names, 0, True)
        if ok and name.strip():
            self.add(ids, name.strip())

    # -- changes ----------------------------------------------------------------------------------

    def rename(self, group: str, name: str) -> None:
        self._run(lambda store: rename_group(store, group, name),
                  self.tr("Group {0} renamed to {1}.").format(group, name))

    def remove(self, group: str) -> None:
        self._run(lambda store: remove_group(store, group), self.tr("Group {0} removed.").format(group))

    def add(self, ids: list[int], group: str) -> None:
        self._run(lambda store: add_to_group(store, ids, group), self.tr("Added to {0}.").format(group))

    def _run(self, change: StoreTask, done: str) -> None:
        window = self.window

        def finished(count: object) -> None:
            window.status_label.setText(done)
            window.reload()

        window.worker.submit(change, finished, window.failed)
