"""The status bar: the fetch area (progress, Cancel, the last summary) and the count of messages
waiting to be deleted from the server, which follows the store."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Slot
from PySide6.QtWidgets import QLabel, QMainWindow

from app.core.store import Store
from app.ui.store_events import StoreEvents
from app.ui.widgets.fetch_status import FetchStatus
from app.ui.workers.fetch_controller import FetchController


class StatusArea:
    """Fills the window's status bar; not a widget itself."""

    def __init__(self, window: QMainWindow, store: Store, events: StoreEvents, controller: FetchController) -> None:
        self.store = store
        self.controller = controller
        status_bar = window.statusBar()
        # Children of the window, as the status bar reparents them (made as its children they come
        # out a few pixels taller).
        self.fetch_status = FetchStatus(window)
        self.fetch_status.cancel_requested.connect(controller.cancel)
        status_bar.addPermanentWidget(self.fetch_status, 1)
        self.pending_deletions_label = QLabel(window)
        self.pending_deletions_label.setObjectName("pendingDeletionsLabel")
        self.pending_deletions_label.hide()
        status_bar.addPermanentWidget(self.pending_deletions_label)
        self.pending_deletions_count = 0
        events.counts_changed.connect(self.update_pending_deletions)

    def show_status(self, text: str) -> None:
        """A short note. The fetch area fills the whole bar, which would hide a
        QStatusBar.showMessage() text, so the note goes into its label while no fetch runs (a
        fetch's own texts take over, and its summary replaces the note when it ends)."""
        if not self.controller.running():
            self.fetch_status.set_idle(text)

    @Slot()
    def update_pending_deletions(self) -> None:
        count = self.store.pending_server_deletions()
        self.pending_deletions_count = count
        self.pending_deletions_label.setText(QCoreApplication.translate(
            "MainWindow", "{0} message(s) will be deleted from the server at the next check").format(count))
        self.pending_deletions_label.setVisible(count > 0)
