"""The first-run page: the logo, one sentence, and the button that adds an account."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from app.ui.icons import application_icon

#: The welcome page's explanation wraps at this width (logical pixels).
WELCOME_TEXT_WIDTH = 520


class WelcomePage(QWidget):
    add_account_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcomePage")
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        logo = QLabel(self)
        logo.setPixmap(application_icon().pixmap(96, 96))
        logo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(logo)
        self.title = title = QLabel(self)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        title.setFont(font)
        layout.addWidget(title)
        self.text = text = QLabel(self)
        text.setObjectName("welcomeText")
        text.setWordWrap(True)
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # A centred label gets its size hint, whose height ignores wrapping at the width it is
        # given: fix the width and ask for the height the wrapped lines need (Chinese wraps into
        # more lines than English at the same width).
        text.setFixedWidth(WELCOME_TEXT_WIDTH)
        layout.addWidget(text, 0, Qt.AlignmentFlag.AlignHCenter)
        self.button = button = QPushButton(self)
        button.setObjectName("welcomeAddAccountButton")
        button.setDefault(True)
        button.clicked.connect(self.add_account_requested)
        layout.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        self.retranslate()

    def retranslate(self) -> None:
        translate = QCoreApplication.translate
        self.title.setText(translate("MainWindow", "Welcome to Poplark"))
        self.text.setText(translate("MainWindow", "Add your mail account to start. Type your address (QQ, 163, "
                                                  "Gmail, your company…) and Poplark fills in the server settings."))
        self.text.setMinimumHeight(self.text.heightForWidth(WELCOME_TEXT_WIDTH))
        self.button.setText(translate("MainWindow", "Add an account…"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
