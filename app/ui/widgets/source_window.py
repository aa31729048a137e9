"""View Source: the raw message as stored, read-only, in a monospace window of its own.

The stored octets are shown as UTF-8 when they are valid UTF-8, else as Latin-1 (every byte is
one character, so nothing is lost or refused: 8-bit GBK headers look garbled, which is the truth
about them). Reading and decoding run in a background job; very large messages are cut for
display (:data:`MAX_SOURCE_CHARACTERS`) with a note, since export gives the exact bytes.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize, Qt, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QPlainTextEdit, QVBoxLayout, QWidget

from app.ui.widgets.screen_fit import fit_to_screen
from app.ui.widgets.text_view import break_long_lines, monospace_font
from app.ui.workers.background import BackgroundJob, ProgressCallback

#: Characters shown at most (about 4 MB of message, 0.2 s to lay out): more would freeze the window.
MAX_SOURCE_CHARACTERS = 4_000_000


def source_text(raw: bytes, cut_note: str = "") -> str:
    """The raw message as display text (pure; runs in a job)."""
    shown = raw[:MAX_SOURCE_CHARACTERS]
    try:
        text = shown.decode("utf-8")
    except UnicodeDecodeError as error:
        if len(shown) < len(raw) and error.start >= len(shown) - 3:
            text = shown[:error.start].decode("utf-8")  # the cut fell inside the last character
        else:
            text = shown.decode("latin-1")
    text = break_long_lines(text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "\u2400"))
    if len(raw) > MAX_SOURCE_CHARACTERS:
        text += "\n\n" + cut_note
    return text


class SourceWindow(QWidget):
    """One message's source; closes with Esc or Ctrl+W."""

    loaded = Signal()

    def __init__(self, title: str, source: Callable[[], bytes], parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("sourceWindow")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(self.tr("Source of “{0}”").format(title) if title else self.tr("Message Source"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("sourceText")
        self.text.setReadOnly(True)
        self.text.setFont(monospace_font())
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.text.document().setUndoRedoEnabled(False)
        self.text.setPlainText(self.tr("Loading…"))
        layout.addWidget(self.text)
        for key in (QKeySequence.StandardKey.Close, QKeySequence(Qt.Key.Key_Escape)):
            QShortcut(key, self, self.close)
        fit_to_screen(self, QSize(860, 640))
        cut_note = self.tr("[The message is longer than what is shown here. Export it as .eml to see all of it.]")

        def load(report: ProgressCallback) -> str:
            return source_text(source(), cut_note)

        self._job: BackgroundJob | None = BackgroundJob(load, self)
        self._job.succeeded.connect(self._loaded)
        unreadable = self.tr("The message could not be read: {0}")
        self._job.failed.connect(lambda error: self._loaded(unreadable.format(error)))
        self._job.finished.connect(self._job_done)
        self._job.start()

    @Slot(object)
    def _loaded(self, text: object) -> None:
        self.text.setPlainText(str(text))
        self.loaded.emit()

    @Slot()
    def _job_done(self) -> None:
        self._job = None

    def closeEvent(self, event: object) -> None:
        if self._job is not None:
            self._job.wait(10000)  # the job's thread must not outlive its parent
        super().closeEvent(event)  # type: ignore[arg-type]
