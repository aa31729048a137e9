"""The main window (placeholder until the desktop-app issue): the stored messages, newest first."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QMainWindow, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from app.core.mime import format_date
from app.core.store import Store

#: The placeholder shows this many newest messages; the real window pages lazily.
SHOWN_MESSAGES = 500


class MainWindow(QMainWindow):
    def __init__(self, store: Store) -> None:
        super().__init__()
        self.setWindowTitle("Poplark")
        self.resize(900, 560)
        central = QWidget(self)
        layout = QVBoxLayout(central)
        count = store.message_count()
        accounts = store.accounts()
        if accounts:
            heading = f"{count} message(s) in {len(accounts)} account(s). Fetch with: poplark fetch"
        else:
            heading = "No account yet. Add one with: poplark account add NAME --host HOST --user USER"
        self.heading = QLabel(heading, central)
        layout.addWidget(self.heading)
        self.messages = QTreeWidget(central)
        self.messages.setHeaderLabels(["From", "Subject", "Date", "Size"])
        self.messages.setRootIsDecorated(False)
        for message in store.messages(limit=SHOWN_MESSAGES):
            when = format_date(message.date if message.date is not None else message.received_at)
            item = QTreeWidgetItem([message.sender, message.subject, when, f"{message.size / 1024:.0f} KB"])
            self.messages.addTopLevelItem(item)
        self.messages.setColumnWidth(0, 220)
        self.messages.setColumnWidth(1, 420)
        layout.addWidget(self.messages)
        self.setCentralWidget(central)
