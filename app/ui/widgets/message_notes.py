"""The notes shown above a message's body: remote content was blocked, or the message is damaged.

Both are quiet bars, hidden until they have something to say. :class:`RemoteContentBar` offers the
two ways to let remote content in (this message, or always for this sender); which one applies is
the preview pane's decision. :class:`ProblemNote` gives odd-looking text a reason when the core
found defects in the message, with a link to the source as received.
"""

from __future__ import annotations

import html as html_module

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QStyle, QWidget

from app.ui.widgets.note_bar import NoteBar


class RemoteContentBar(NoteBar):
    """"Remote content was blocked…" with the two ways to let it in."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("remoteContentBar", parent)
        layout = self.row
        self.label.setText(self.tr("Remote content was blocked to protect your privacy."))
        self.load_button = QPushButton(self.tr("Load Remote Content"), self)
        self.load_button.setObjectName("loadRemoteContentButton")
        self.always_button = QPushButton(self.tr("Always for This Sender"), self)
        self.always_button.setObjectName("alwaysRemoteContentButton")
        layout.addWidget(self.load_button)
        layout.addWidget(self.always_button)
        self.hide()


class ProblemNote(QWidget):
    """A quiet line under the headers when the core found defects in the message (broken MIME,
    damaged base64, an unknown charset, an unreadable date), so odd-looking text has a reason;
    the core's own notes are in the tooltip, and a link opens the source as received."""

    # Emitted when the "Show the source" link is clicked.
    source_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("problemNote")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 0, 8, 4)
        layout.setSpacing(6)
        size = self.fontMetrics().height()
        self.icon = QLabel(self)
        self.icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(size, size))
        layout.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        self.label = QLabel(self)
        self.label.setObjectName("problemNoteText")
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                           | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
        self.label.linkActivated.connect(lambda link: self.source_requested.emit())
        font = QFont(self.label.font())
        font.setPointSizeF(font.pointSizeF() * 0.9)
        self.label.setFont(font)
        layout.addWidget(self.label, 1)
        self.problems: tuple[str, ...] = ()
        self.hide()

    def set_problems(self, problems: tuple[str, ...]) -> None:
        self.problems = problems
        if not problems:
            self.label.clear()
            self.setToolTip("")
            self.hide()
            return
        sentence = self.tr("This message is damaged, so parts of it may be missing or look wrong.")
        link = self.tr("Show the source as received")
        self.label.setText(f"{html_module.escape(sentence)} <a href=\"#source\">{html_module.escape(link)}</a>")
        # The core's notes are English and technical: a detail for whoever hovers, one per line.
        self.setToolTip("\n".join(problem[:1].upper() + problem[1:] for problem in problems))
        self.show()
