"""The authorization code (授权码) of QQ Mail, 163 and 126: a short guide and a forgiving field.

These providers refuse the web password for POP3 and SMTP; they want a 16-character code made in
their web mail's settings. The guide opens that web mail (the provider table's ``settings_url``)
and the password field takes the code as people copy it: the spaces of "abcd efgh ijkl mnop" (as
the providers show it) are dropped, here only, since other passwords may hold spaces.
"""

from __future__ import annotations

from PySide6.QtCore import QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget

from app.core.providers import Provider, needs_authorization_code, provider_for_address
from app.ui.dialogs.account_dialog.style import GOOD_COLOR, WARNING_COLOR, row, translate, ui_language, wrapped_label

#: How long the codes of QQ, 163 and 126 are.
CODE_LENGTH = 16


def authorization_code(host: str, typed: str) -> str:
    """The secret to send to ``host``: without spaces where an authorization code is expected."""
    return "".join(typed.split()) if needs_authorization_code(host) else typed


class AuthCodeGuide(QWidget):
    """Shown for the providers with a ``settings_url``: where to make the code, and how long it is."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("authCodeGuide")
        self.provider: Provider | None = None
        self.steps = wrapped_label("authCodeSteps")
        self.open_button = QPushButton()
        self.open_button.setObjectName("openSettingsButton")
        self.open_button.clicked.connect(self.open_settings)
        self.length_label = wrapped_label("authCodeLength")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.steps)
        layout.addWidget(row(self.open_button))
        layout.addWidget(self.length_label)
        self.follow("")

    def follow(self, address: str) -> None:
        provider = provider_for_address(address)
        self.provider = provider if provider is not None and provider.settings_url else None
        if self.provider is not None:
            name = self._name()
            self.steps.setText(translate(
                "AccountDialog", "Authorization code (授权码): 1. Open {0} on the web and sign in. 2. In its "
                "settings switch on POP3/SMTP and create an authorization code (as the note above says). "
                "3. Type the 16-character code in Password; spaces do not matter.").format(name))
            self.open_button.setText(translate("AccountDialog", "Open {0}").format(name))
        # Whether it shows is the form's choice (not for an account that signs in with OAuth2).

    def _name(self) -> str:
        assert self.provider is not None
        return self.provider.name_zh if ui_language().lower().startswith("zh") else self.provider.name

    @Slot(str)
    def show_length(self, typed: str) -> None:
        """Say whether what was typed has the length of a code (a hint, not a rule)."""
        length = len("".join(typed.split()))
        if self.provider is None or not length:
            self.length_label.clear()
            self.length_label.hide()
            return
        if length == CODE_LENGTH:
            text, color = translate("AccountDialog", "16 characters: the length of an authorization code."), GOOD_COLOR
        else:
            text = translate("AccountDialog", "{0} characters: an authorization code has 16. Your web mail "
                                              "password will not work here.").format(length)
            color = WARNING_COLOR
        self.length_label.setText(text)
        self.length_label.setStyleSheet(f"color: {color};")
        self.length_label.show()

    @Slot()
    def open_settings(self) -> None:
        if self.provider is not None:
            QDesktopServices.openUrl(QUrl(self.provider.settings_url))

