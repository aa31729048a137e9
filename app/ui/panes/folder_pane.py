"""The folder pane: accounts with their Inbox and Trash, unread counts that follow the store."""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QTreeView, QWidget

from app.core.model import Folder
from app.core.store import Store
from app.ui.models.folder_model import FolderModel
from app.ui.store_events import StoreEvents

Location = tuple[int | None, Folder]


class FolderPane(QTreeView):
    """A tree over :class:`FolderModel`; says when the user opens another folder."""

    #: (account id or None for all accounts, folder) of the folder the user opened.
    folder_opened = Signal(object)

    def __init__(self, store: Store, events: StoreEvents, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("folderView")
        self.folder_model = FolderModel(store, self)
        self.setModel(self.folder_model)
        self.setHeaderHidden(True)
        self.setMinimumWidth(160)
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

    @Slot()
    def _current_changed(self) -> None:
        location = self.current_folder()
        if location is not None:
            self.folder_opened.emit(location)
