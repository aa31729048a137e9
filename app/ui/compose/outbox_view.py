"""The Outbox of an account (or of all): what waits to be sent, what failed and what may have been
sent, with the server's words, and the user's decisions: Send Again, It Arrived, Edit, Delete.

A message being sent right now cannot be changed (the core refuses, and the buttons are off).
"""

from __future__ import annotations

import re
import time

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.model import OutboxItem, OutboxState
from app.core.store import Store
from app.ui.formatting import format_timestamp, human_size

#: Each state's words (translated when shown).
_STATE_TEXTS = {
    OutboxState.QUEUED: QT_TRANSLATE_NOOP("ComposeWindow", "Waiting"),
    OutboxState.SENDING: QT_TRANSLATE_NOOP("ComposeWindow", "Sending"),
    OutboxState.FAILED: QT_TRANSLATE_NOOP("ComposeWindow", "Failed"),
    OutboxState.UNSURE: QT_TRANSLATE_NOOP("ComposeWindow", "May have been sent"),
}

ID_ROLE = Qt.ItemDataRole.UserRole + 1


# lupdate finds the literal translate("ComposeWindow", "...") calls.
translate = QCoreApplication.translate


#: How the core writes a server's reply into an error (app/core/errors.py, PoplarkError.__str__).
_SERVER_SAID = re.compile(r"\(server said: (.*)\)$", re.S)


def what_happened(item: OutboxItem) -> str:
    """The row's story in the window's language: the state's meaning and the server's own words."""
    found = _SERVER_SAID.search(item.last_error)
    said = found.group(1) if found else ""
    if item.state is OutboxState.UNSURE:
        return translate("ComposeWindow", "The connection ended after the server had the whole message and before it "
                                          "answered: it may have been delivered.")
    if item.state is OutboxState.FAILED:
        if said:
            return translate("ComposeWindow", "Refused by the server: {said}").replace("{said}", said)
        return item.last_error
    if item.state is OutboxState.QUEUED and item.last_error:
        text = translate("ComposeWindow", "Not sent yet: {reason}").replace("{reason}", said or item.last_error)
        if item.next_attempt_at and item.next_attempt_at > time.time():
            text = text.rstrip(".。") + (". " if text.isascii() else "。") + translate(
                "ComposeWindow", "Tried again at {time}.").replace("{time}", format_timestamp(item.next_attempt_at))
        return text
    return ""


class OutboxView(QWidget):
    """The outbox rows of one account (None: all). Its buttons ask the :class:`Sender` to act."""

    retry_requested = Signal(int)
    arrived_requested = Signal(int)
    edit_requested = Signal(int)
    remove_requested = Signal(int)

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("outboxView")
        self.store = store
        self.account_id: int | None = None
        self.items: list[OutboxItem] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.heading = QLabel(self)
        self.heading.setObjectName("outboxHeading")
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)
        self.table = QTableWidget(0, 5, self)
        self.table.setObjectName("outboxTable")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(True)
        self.table.itemSelectionChanged.connect(self._enable)
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.retry_button = QPushButton(self)
        self.arrived_button = QPushButton(self)
        self.edit_button = QPushButton(self)
        self.remove_button = QPushButton(self)
        for button, name in ((self.retry_button, "outboxRetry"), (self.arrived_button, "outboxArrived"),
                             (self.edit_button, "outboxEdit"), (self.remove_button, "outboxRemove")):
            button.setObjectName(name)
            button.clicked.connect(lambda checked=False, name=name: self._act(name))
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self._name_controls()
        self._enable()

    def _name_controls(self) -> None:
        self.table.setHorizontalHeaderLabels([
            translate("ComposeWindow", "State"), translate("ComposeWindow", "To"),
            translate("ComposeWindow", "Subject"), translate("ComposeWindow", "Queued"),
            translate("ComposeWindow", "What happened")])
        self.retry_button.setText(translate("ComposeWindow", "Send Again"))
        self.retry_button.setToolTip(translate("ComposeWindow", "Send the selected message now"))
        self.arrived_button.setText(translate("ComposeWindow", "It Arrived"))
        self.arrived_button.setToolTip(translate("ComposeWindow",
            "It did reach its recipients: move it into Sent without "
            "sending it again"))
        self.edit_button.setText(translate("ComposeWindow", "Edit"))
        self.edit_button.setToolTip(translate("ComposeWindow", "Take it out of the Outbox and open it to correct it"))
        self.remove_button.setText(translate("ComposeWindow", "Delete"))
        self.remove_button.setToolTip(translate("ComposeWindow", "Delete it without sending"))
        self._show()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._name_controls()
        super().changeEvent(event)

    def show_account(self, account_id: int | None) -> None:
        self.account_id = account_id
        self.refresh()

    def refresh(self) -> None:
        self.items = self.store.outbox(self.account_id)
        self._show()

    def selected(self) -> OutboxItem | None:
        rows = {index.row() for index in self.table.selectionModel().selectedRows()}
        if len(rows) != 1:
            return None
        row = rows.pop()
        return self.items[row] if row < len(self.items) else None

    def _show(self) -> None:
        selected = self.selected()
        self.table.setRowCount(len(self.items))
        for row, item in enumerate(self.items):
            when = format_timestamp(item.queued_at)
            problem = what_happened(item)
            cells = (translate("ComposeWindow", str(_STATE_TEXTS[item.state])), ", ".join(item.recipients),
                     f"{item.subject} ({human_size(item.size)})", when, problem)
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                # The core's whole sentence (English, technical) stays one hover away.
                cell.setToolTip(item.last_error if column == len(cells) - 1 and item.last_error else text)
                cell.setData(ID_ROLE, item.id)
                self.table.setItem(row, column, cell)
            if selected is not None and selected.id == item.id:
                self.table.selectRow(row)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        count = len(self.items)
        self.heading.setText(translate("ComposeWindow", "Nothing waits to be sent.") if not count else
                             translate("ComposeWindow",
                                 "{count} message(s) in the Outbox. Failed ones and those that may have "
                                 "been sent wait for you: select one to send it again, edit or delete it.")
                             .replace("{count}", str(count)))
        self._enable()

    def _enable(self) -> None:
        item = self.selected()
        movable = item is not None and item.state is not OutboxState.SENDING
        # Queued without a retry time goes soon by itself; everything else may be sent again now.
        self.retry_button.setEnabled(movable and item is not None and not (
            item.state is OutboxState.QUEUED and item.next_attempt_at is None))
        self.arrived_button.setEnabled(item is not None and item.state is OutboxState.UNSURE)
        self.edit_button.setEnabled(movable)
        self.remove_button.setEnabled(movable)

    def _act(self, button: str) -> None:
        item = self.selected()
        if item is None:
            return
        if button == "outboxRemove":
            answer = QMessageBox.question(self, translate("ComposeWindow", "Delete"),
                                          translate("ComposeWindow",
                                              "Delete \u201c{subject}\u201d from the Outbox without "
                                              "sending it?").replace("{subject}", item.subject))
            if answer != QMessageBox.StandardButton.Yes:
                return
        {"outboxRetry": self.retry_requested, "outboxArrived": self.arrived_requested,
         "outboxEdit": self.edit_requested, "outboxRemove": self.remove_requested}[button].emit(item.id)


__all__ = ["OutboxView"]
