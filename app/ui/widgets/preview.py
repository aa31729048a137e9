"""The preview pane: the selected message's headers and its body as plain text.

The raw message is read and decoded in a background job (a 25 MB message must not freeze the
window); only the newest request's result is shown. Rich HTML rendering replaces the body view
in a later step.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFormLayout, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from app.core.mime import readable_text
from app.core.model import MessageSummary
from app.core.store import Store
from app.ui.formatting import format_long_timestamp
from app.ui.workers.background import BackgroundJob, ProgressCallback


class PreviewPane(QWidget):
    #: Emitted when the body of ``message_id`` is on screen (tests and "mark read when shown").
    shown = Signal(int)

    def __init__(self, database_path: object, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database_path = database_path
        self._generation = 0
        self._jobs: set[BackgroundJob] = set()
        self.message_id: int | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        header = QWidget(self)
        form = QFormLayout(header)
        form.setContentsMargins(8, 6, 8, 6)
        self.subject_label = self._header_label(header, bold=True)
        self.sender_label = self._header_label(header)
        self.recipients_label = self._header_label(header)
        self.date_label = self._header_label(header)
        form.addRow(self.tr("Subject:"), self.subject_label)
        form.addRow(self.tr("From:"), self.sender_label)
        form.addRow(self.tr("To:"), self.recipients_label)
        form.addRow(self.tr("Date:"), self.date_label)
        layout.addWidget(header)
        self.body = QPlainTextEdit(self)
        self.body.setObjectName("previewBody")
        self.body.setReadOnly(True)
        self.body.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        layout.addWidget(self.body, 1)
        self.clear()

    def _header_label(self, parent: QWidget, *, bold: bool = False) -> QLabel:
        label = QLabel(parent)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setWordWrap(True)
        if bold:
            font = QFont(label.font())
            font.setBold(True)
            font.setPointSizeF(font.pointSizeF() * 1.15)
            label.setFont(font)
        return label

    def clear(self) -> None:
        self._generation += 1
        self.message_id = None
        for label in (self.subject_label, self.sender_label, self.recipients_label, self.date_label):
            label.clear()
        self.body.setPlainText("")

    def show_message(self, summary: MessageSummary) -> None:
        self._generation += 1
        generation = self._generation
        self.message_id = summary.id
        self.subject_label.setText(summary.subject or self.tr("(no subject)"))
        self.sender_label.setText(summary.sender)
        self.recipients_label.setText(summary.recipients)
        self.date_label.setText(format_long_timestamp(
            summary.date if summary.date is not None else summary.received_at))
        self.body.setPlainText(self.tr("Loading…"))
        database_path = self.database_path
        message_id = summary.id

        def load(report: ProgressCallback) -> str:
            # Each thread opens its own connection (SQLite connections are per thread).
            from pathlib import Path

            with Store(Path(str(database_path))) as store:
                return readable_text(store.raw(message_id))

        job = BackgroundJob(load, self)
        job.succeeded.connect(lambda text: self._on_loaded(generation, message_id, text))
        job.failed.connect(lambda error: self._on_loaded(generation, message_id, self.tr(
            "This message could not be read: {0}").format(error)))
        job.finished.connect(lambda: self._jobs.discard(job))
        self._jobs.add(job)
        job.start()

    @Slot()
    def _on_loaded(self, generation: int, message_id: int, text: object) -> None:
        if generation != self._generation:
            return  # the user has moved on to another message
        self.body.setPlainText(str(text))
        self.shown.emit(message_id)

    def wait_for_jobs(self, milliseconds: int = 5000) -> None:
        for job in list(self._jobs):
            job.wait(milliseconds)
