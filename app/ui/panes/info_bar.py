"""A bar above the panes for news that must not be missed (a server that ignores deletions); it
stays until the user closes it. A line may come with one button that does what the line asks
("Sign In Again" for an account whose sign-in ended)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import QPushButton, QToolButton, QWidget

from app.ui.widgets.note_bar import NoteBar


class InfoBar(NoteBar):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("infoBar", parent, right_margin=4)
        layout = self.row
        self.label.setObjectName("infoLabel")
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.action_button = QPushButton(self)
        self.action_button.setObjectName("infoBarActionButton")
        self.action_button.hide()
        self.action_button.clicked.connect(self._act)
        self._action: Callable[[], object] | None = None
        layout.addWidget(self.action_button, 0, Qt.AlignmentFlag.AlignTop)
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

    def show_action(self, text: str, button_text: str, action: Callable[[], object]) -> None:
        """Add a line with a button that runs ``action`` (the latest such line's button wins)."""
        self._action = action
        self.action_button.setText(button_text)
        self.action_button.show()
        self.show_info(text)

    def _act(self) -> None:
        action = self._action
        self.close_bar()
        if action is not None:
            action()

    def close_bar(self) -> None:
        self.label.clear()
        self._action = None
        self.action_button.hide()
        self.hide()
