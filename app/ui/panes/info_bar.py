"""A bar above the panes for news that must not be missed but needs no answer (a server that
ignores deletions); it stays until the user closes it."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget


class InfoBar(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("infoBar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(self.backgroundRole(), palette.color(palette.ColorRole.ToolTipBase))
        palette.setColor(self.foregroundRole(), palette.color(palette.ColorRole.ToolTipText))
        self.setPalette(palette)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        self.label = QLabel(self)
        self.label.setObjectName("infoLabel")
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.label, 1)
        self.close_button = close = QToolButton(self)
        close.setObjectName("infoBarCloseButton")
        close.setAutoRaise(True)
        close.setText("\u2715")
        close.clicked.connect(self.close_bar)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self._name_controls()
        self.hide()

    def _name_controls(self) -> None:
        self.close_button.setToolTip(QCoreApplication.translate("MainWindow", "Close"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._name_controls()
        super().changeEvent(event)

    def show_info(self, text: str) -> None:
        """Add a line (each line once) and show the bar."""
        lines = [line for line in self.label.text().split("\n") if line]
        if text not in lines:
            lines.append(text)
        self.label.setText("\n".join(lines))
        self.show()

    def close_bar(self) -> None:
        self.label.clear()
        self.hide()
