"""The quiet bar the window uses for a note with buttons: in the tooltip's colours, a line that
wraps on the left and room for buttons on the right. The reader's notes (remote content blocked, a
message stored in part) and the window's info bar are each one of these, with their own words and
buttons."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget


class NoteBar(QFrame):
    """``label`` (word-wrapped, stretching) first in ``row``; subclasses add their buttons to ``row``."""

    def __init__(self, object_name: str, parent: QWidget | None = None, *, right_margin: int = 8) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(self.backgroundRole(), palette.color(palette.ColorRole.ToolTipBase))
        palette.setColor(self.foregroundRole(), palette.color(palette.ColorRole.ToolTipText))
        self.setPalette(palette)
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(8, 4, right_margin, 4)
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.row.addWidget(self.label, 1)


__all__ = ["NoteBar"]
