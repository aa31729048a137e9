"""A message in a window of its own: a stored message opened from the list (Enter, double-click),
or an attached message (message/rfc822) opened from the attachment list.

It is the same viewer as the main window's preview pane, fed with a stored message or the
attachment's bytes; an attachment inside it opens yet another window. Each window is sized to
the screen it opens on (app/ui/widgets/screen_fit.py).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QSettings, QSize, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QVBoxLayout, QWidget

from app.core.model import MessageSummary
from app.ui.dialogs.preferences import RemoteContent
from app.ui.widgets.preview import PreviewPane
from app.ui.widgets.screen_fit import fit_to_screen

#: The size a message window asks for; the screen may give less.
WANTED_SIZE = QSize(880, 760)


class MessageWindow(QWidget):
    """``raw``: an attached message's bytes; or ``summary`` with ``database_path``: a stored message."""

    def __init__(self, raw: bytes | None, title: str, parent: QWidget | None = None, *,
                 settings: QSettings | None = None,
                 remote_content: RemoteContent = RemoteContent.NEVER,
                 database_path: object = None, summary: MessageSummary | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("messageWindow")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if summary is not None:
            title = summary.subject or QCoreApplication.translate("PreviewPane", "(no subject)")
        self.setWindowTitle(title or self.tr("Attached Message"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.preview = PreviewPane(database_path, self, settings=settings, remote_content=remote_content)
        self.preview.open_message.connect(self.open_attached)
        layout.addWidget(self.preview)
        QShortcut(QKeySequence("Ctrl+U"), self, self.preview.view_source)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Close), self, self.close)
        self.settings = settings
        self.remote_content = remote_content
        if summary is not None:
            self.preview.show_message(summary)
        else:
            self.preview.show_raw(raw or b"", title)
        fit_to_screen(self, WANTED_SIZE)

    def open_attached(self, raw: bytes, title: str) -> MessageWindow:
        window = MessageWindow(raw, title, self.window(), settings=self.settings, remote_content=self.remote_content)
        window.show()
        return window

    def closeEvent(self, event: object) -> None:
        self.preview.wait_for_jobs()
        super().closeEvent(event)  # type: ignore[arg-type]
