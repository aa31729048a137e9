"""The "Sending" tab: the account's SMTP submission server, filled from the provider table or
autodiscovery along with POP3, and its login (by default the POP3 user name and password).

As with the POP3 fields, a field the user has typed in stops following the address; the port
follows the security (465 for SSL/TLS, 587 for STARTTLS) until the user sets one. An empty server
is allowed: the account then receives mail but cannot send it, and the tab says so.
"""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QCheckBox, QFormLayout, QLabel, QLineEdit, QWidget

from app.core.discovery.result import FoundServer
from app.core.model import (
    DEFAULT_SMTP_SUBMISSION_PORT,
    DEFAULT_SMTP_TLS_PORT,
    Account,
    Security,
    SmtpSettings,
)
from app.core.providers import provider_for_address
from app.ui.dialogs.account_dialog.style import (
    NOTE_STYLE,
    WARNING_COLOR,
    hint_label,
    line_edit,
    port_and_security,
    section_heading,
    stacked,
    translate,
    wrapped_label,
)


def default_smtp_port(security: Security) -> int:
    return DEFAULT_SMTP_TLS_PORT if security is Security.TLS else DEFAULT_SMTP_SUBMISSION_PORT


class SmtpSection(QWidget):
    """The SMTP fields, with a hint under each field that can be wrong (in :attr:`hints`)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hints: dict[str, QLabel] = {}
        #: SMTP fields the user typed in by hand: the address no longer fills them.
        self.edited: set[str] = set()
        self._filling = False
        self._oauth2 = False
        form = QFormLayout(self)
        form.addRow(section_heading(translate("AccountDialog", "Outgoing mail (SMTP)")))
        self.smtp_note = wrapped_label("smtpNote", NOTE_STYLE)
        self.smtp_note.setText(translate(
            "AccountDialog", "Without an SMTP server this account can receive mail but not send it. Enter the "
            "server your provider gives for sending (often smtp.<domain>)."))
        form.addRow(self.smtp_note)
        self.smtp_host_edit = line_edit("smtpHostEdit", "smtp.example.com")
        form.addRow(translate("AccountDialog", "Server:"), stacked(self.smtp_host_edit, self._hint("smtp_host")))
        self.smtp_port_spin, self.smtp_security_combo, port_and_choice = port_and_security(
            "smtpPortSpin", "smtpSecurityCombo",
            ((translate("AccountDialog", "SSL/TLS (port 465)"), Security.TLS),
             (translate("AccountDialog", "STARTTLS (port 587)"), Security.STARTTLS),
             (translate("AccountDialog", "None (not encrypted)"), Security.NONE)))
        form.addRow(translate("AccountDialog", "Port:"), stacked(port_and_choice, self._hint("smtp_port")))
        self.smtp_security_warning = wrapped_label("smtpSecurityWarning", f"color: {WARNING_COLOR};")
        self.smtp_security_warning.setText(translate(
            "AccountDialog", "Without encryption anyone on the network can read what you send. Poplark sends no "
            "password over it unless you allow insecure authentication under Advanced."))
        form.addRow(self.smtp_security_warning)
        self.smtp_user_edit = line_edit("smtpUserEdit", translate("AccountDialog", "The same as for incoming mail"))
        form.addRow(translate("AccountDialog", "User name:"), self.smtp_user_edit)
        self.smtp_separate_check = QCheckBox(translate("AccountDialog", "Use a separate password for sending"))
        self.smtp_separate_check.setObjectName("smtpSeparateCheck")
        self.smtp_same_note = wrapped_label("smtpSameNote")
        self.smtp_same_note.setText(translate(
            "AccountDialog", "Otherwise Poplark logs in to the SMTP server with the password (or authorization "
            "code) of incoming mail, from the system keyring."))
        self.smtp_password_edit = line_edit("smtpPasswordEdit", translate("AccountDialog", "Password for sending"))
        self.smtp_password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(translate("AccountDialog", "Password:"), stacked(
            self.smtp_separate_check, self.smtp_same_note, self.smtp_password_edit, self._hint("smtp_password")))
        self.smtp_oauth_note = wrapped_label("smtpOAuthNote")
        self.smtp_oauth_note.setText(translate(
            "AccountDialog", "This account signs in with its provider: sending uses the same sign-in, with no "
            "password."))
        form.addRow(self.smtp_oauth_note)
        self.smtp_host_edit.textEdited.connect(lambda text: self._edited("smtp_host", bool(text)))
        self.smtp_user_edit.textEdited.connect(lambda text: self._edited("smtp_user", bool(text)))
        self.smtp_port_spin.valueChanged.connect(self._port_changed)
        self.smtp_security_combo.currentIndexChanged.connect(self._security_changed)
        self.smtp_separate_check.toggled.connect(self.update_dependent_widgets)
        self.smtp_host_edit.textChanged.connect(self.update_dependent_widgets)
        self._fill_port(DEFAULT_SMTP_TLS_PORT)
        self.update_dependent_widgets()

    def _hint(self, field_name: str) -> QLabel:
        words = [part.capitalize() for part in field_name.split("_")]
        label = hint_label(words[0].lower() + "".join(words[1:]) + "Hint")
        self.hints[field_name] = label
        return label

    def fields_in_tab_order(self) -> list[QWidget]:
        return [self.smtp_host_edit, self.smtp_port_spin, self.smtp_security_combo, self.smtp_user_edit,
                self.smtp_separate_check, self.smtp_password_edit]

    # -- following the address ------------------------------------------------------------------

    def _edited(self, field_name: str, has_text: bool) -> None:
        # Emptying a field by hand hands it back to the address, as on the first tab.
        if has_text:
            self.edited.add(field_name)
        else:
            self.edited.discard(field_name)

    @Slot(int)
    def _port_changed(self, _value: int) -> None:
        if not self._filling:
            self.edited.add("smtp_port")

    @Slot(int)
    def _security_changed(self, _index: int) -> None:
        self.update_dependent_widgets()
        if self._filling:
            return
        self.edited.add("smtp_security")
        if "smtp_port" not in self.edited:
            self._fill_port(default_smtp_port(self.security()))

    def _fill_port(self, port: int) -> None:
        self._filling = True
        try:
            self.smtp_port_spin.setValue(port)
        finally:
            self._filling = False

    def follow_address(self, address: str) -> None:
        """The provider table's SMTP server for ``address``, in the fields the user left alone."""
        provider = provider_for_address(address)
        smtp = provider.smtp_settings() if provider is not None else None
        if smtp is not None:
            self.fill(smtp.host, smtp.effective_port, smtp.security)
        elif "smtp_host" not in self.edited:
            self.smtp_host_edit.clear()

    def follow_discovery(self, found: FoundServer | None) -> None:
        """What autodiscovery found for sending, when the table knew nothing."""
        if found is not None:
            self.fill(found.host, found.port, found.security)

    def fill(self, host: str, port: int, security: Security) -> None:
        self._filling = True
        try:
            if "smtp_host" not in self.edited:
                self.smtp_host_edit.setText(host)
            if "smtp_security" not in self.edited:
                self.set_security(security)
            if "smtp_port" not in self.edited:
                self.smtp_port_spin.setValue(port)
        finally:
            self._filling = False

    # -- loading and reading ----------------------------------------------------------------------

    def load(self, account: Account) -> None:
        self._filling = True
        try:
            smtp = account.smtp
            if smtp is None:
                self.smtp_host_edit.clear()
                return
            self.smtp_host_edit.setText(smtp.host)
            self.set_security(smtp.security)
            self.smtp_port_spin.setValue(smtp.effective_port)
            self.smtp_user_edit.setText(smtp.user)
            self.smtp_separate_check.setChecked(smtp.separate_password)
        finally:
            self._filling = False
        # What the address would fill in keeps following it; anything else was the user's choice.
        provider = provider_for_address(account.email)
        preset = provider.smtp_settings() if provider is not None else None
        if preset is None or preset.host != smtp.host:
            self.edited.add("smtp_host")
        if preset is None or preset.security is not smtp.security:
            self.edited.add("smtp_security")
        if preset is None or preset.effective_port != smtp.effective_port:
            self.edited.add("smtp_port")
        if smtp.user:
            self.edited.add("smtp_user")
        self.update_dependent_widgets()

    def set_security(self, security: Security) -> None:
        self.smtp_security_combo.setCurrentIndex(self.smtp_security_combo.findData(security.value))

    def security(self) -> Security:
        return Security(self.smtp_security_combo.currentData())

    def set_oauth2(self, oauth2: bool) -> None:
        """An OAuth2 account sends with its token: no password to choose here."""
        self._oauth2 = oauth2
        self.update_dependent_widgets()

    @Slot()
    def update_dependent_widgets(self) -> None:
        separate = self.smtp_separate_check.isChecked()
        self.smtp_note.setVisible(not self.smtp_host_edit.text().strip())
        self.smtp_security_warning.setVisible(self.security() is Security.NONE)
        self.smtp_separate_check.setVisible(not self._oauth2)
        self.smtp_same_note.setVisible(not self._oauth2 and not separate)
        self.smtp_password_edit.setVisible(not self._oauth2 and separate)
        self.smtp_oauth_note.setVisible(self._oauth2)

    def separate_password(self) -> bool:
        return not self._oauth2 and bool(self.smtp_host_edit.text().strip()) and self.smtp_separate_check.isChecked()

    def problems(self, password_required: bool) -> dict[str, str]:
        """Field name -> what is wrong; ``password_required``: a separate password must be typed now."""
        problems: dict[str, str] = {}
        host = self.smtp_host_edit.text().strip()
        if any(character.isspace() for character in host):
            problems["smtp_host"] = translate("AccountDialog", "A server name has no spaces.")
        if host and not 1 <= self.smtp_port_spin.value() <= 65535:
            problems["smtp_port"] = translate("AccountDialog", "Choose a port from 1 to 65535 (usually 465 or 587).")
        if self.separate_password() and password_required and not self.smtp_password_edit.text():
            problems["smtp_password"] = translate("AccountDialog", "Enter the password for sending, or untick "
                                                                   "“Use a separate password for sending”.")
        return problems

    def settings(self) -> SmtpSettings | None:
        """The SMTP settings as the fields describe them (None: no server, the account cannot send)."""
        host = self.smtp_host_edit.text().strip()
        if not host or any(character.isspace() for character in host):
            return None
        return SmtpSettings(host=host, port=max(0, self.smtp_port_spin.value()), security=self.security(),
                            user=self.smtp_user_edit.text().strip(), separate_password=self.separate_password())
