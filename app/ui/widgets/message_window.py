"""A message in a window of its own: an attached message (message/rfc822) opened from the list.

It is the same viewer as the main window's preview pane, fed with the attachment's bytes
instead of a stored message; an attachment inside it opens yet another window.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QVBoxLayout, QWidget

from app.ui.dialogs.preferences import RemoteContent
from app.ui.widgets.preview import PreviewPane


class MessageWindow(QWidget):
    def __init__(self, raw: bytes, title: str, parent: QWidget | None = None, *,
                 settings: QSettings | None = None,
                 remote_content: RemoteContent = RemoteContent.NEVER) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("messageWindow")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(title or self.tr("Attached Message"))
        self.resize(820, 640)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.preview = PreviewPane(None, self, settings=settings, remote_content=remote_content)
        self.preview.open_message.connect(self.open_attached)
        layout.addWidget(self.preview)
        QShortcut(QKeySequence("Ctrl+U"), self, self.preview.view_source)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Close), self, self.close)
        self.settings = settings
        self.remote_content = remote_content
        self.preview.show_raw(raw, title)

    def open_attached(self, raw: bytes, title: str) -> MessageWindow:
        window = MessageWindow(raw, title, self.window(), settings=self.settings, remote_content=self.remote_content)
        window.show()
        return window

    def closeEvent(self, event: object) -> None:
        self.preview.wait_for_jobs()
        super().closeEvent(event)  # type: ignore[arg-type]
