"""The account form: three tabs of fields, filled from an account and read back into one.

"Account" holds who and where (address, names, server, login), "Mail on the server" what happens
to mail after download and how often to check, "Advanced" the rarely needed connection settings
(extra CA, trusted certificate, insecure login, APOP, pipelining, timeout). The form knows what
each field means and what makes it wrong (:meth:`AccountForm.problems`); when to show a problem,
and saving, are the dialog's.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QWidget,
)

from app.core.model import Account, LeaveMode, Security, ServerPolicy
from app.ui.dialogs.account_dialog.auth_code import AuthCodeGuide
from app.ui.dialogs.account_dialog.certificates import CertificatePin
from app.ui.dialogs.account_dialog.download_section import DownloadSection
from app.ui.dialogs.account_dialog.sign_in import SignInSection
from app.ui.dialogs.account_dialog.smtp_section import SmtpSection
from app.ui.dialogs.account_dialog.style import (
    HINT_COLOR,
    NOTE_STYLE,
    WARNING_COLOR,
    hint_label,
    line_edit,
    port_and_security,
    row,
    section_heading,
    stacked,
    translate,
    wrapped_label,
)

#: Loose on purpose: it catches typos ("alice@qq", "alice qq.com"); the server has the last word.
ADDRESS_PATTERN = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")
MEBIBYTE = 1024 * 1024
DEFAULT_DELETE_AFTER_DAYS = 14
DEFAULT_SIZE_CAP_MEGABYTES = 20
MAX_CHECK_INTERVAL_MINUTES = 24 * 60
MAX_DELETE_AFTER_DAYS = 3650
MAX_SIZE_CAP_MEGABYTES = 10240
MIN_TIMEOUT_SECONDS = 5
MAX_TIMEOUT_SECONDS = 600


class AccountForm(QTabWidget):
    """The fields of one account on three tabs, with a hint label under each field that can be wrong."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tabs")
        #: Field name -> the red line under it that says what is wrong.
        self.hints: dict[str, QLabel] = {}
        self.addTab(self._build_account_tab(), translate("AccountDialog", "Account"))
        self.smtp = SmtpSection()
        self.addTab(self.smtp, translate("AccountDialog", "Sending"))
        self.addTab(self._build_policy_tab(), translate("AccountDialog", "Mail on the server"))
        self.addTab(self._build_advanced_tab(), translate("AccountDialog", "Advanced"))
        # A trusted certificate belongs to the server it was seen on, not to whatever host follows.
        self.host_edit.textChanged.connect(lambda host: self.certificate_pin.follow_host(host.strip()))

    # -- building -------------------------------------------------------------------------------

    def _build_account_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.address_edit = line_edit("addressEdit", "name@example.com")
        self.provider_note = wrapped_label("providerNote", NOTE_STYLE)
        self.provider_note.hide()
        form.addRow(translate("AccountDialog", "Email address:"),
                    stacked(self.address_edit, self._hint("address"), self.provider_note))
        self.display_name_edit = line_edit(
            "displayNameEdit", translate("AccountDialog", "Shown to the people you write to"))
        form.addRow(translate("AccountDialog", "Your name:"), self.display_name_edit)
        self.name_edit = line_edit("nameEdit", translate("AccountDialog", "How Poplark lists this account"))
        form.addRow(translate("AccountDialog", "Account name:"), stacked(self.name_edit, self._hint("name")))
        form.addRow(section_heading(translate("AccountDialog", "Incoming mail (POP3)")))
        self.host_edit = line_edit("hostEdit", "pop.example.com")
        form.addRow(translate("AccountDialog", "Server:"), stacked(self.host_edit, self._hint("host")))
        self.port_spin, self.security_combo, port_and_choice = port_and_security(
            "portSpin", "securityCombo",
            ((translate("AccountDialog", "SSL/TLS"), Security.TLS),
             (translate("AccountDialog", "STARTTLS"), Security.STARTTLS),
             (translate("AccountDialog", "None (not encrypted)"), Security.NONE)))
        form.addRow(translate("AccountDialog", "Port:"), stacked(port_and_choice, self._hint("port")))
        self.security_warning = wrapped_label("securityWarning", f"color: {WARNING_COLOR};")
        self.security_warning.setText(translate(
            "AccountDialog", "Without encryption anyone on the network can read your mail. Poplark sends no "
            "password over it unless you allow insecure authentication under Advanced."))
        form.addRow(self.security_warning)
        self.user_edit = line_edit("userEdit", translate("AccountDialog", "Usually your full address"))
        form.addRow(translate("AccountDialog", "User name:"), stacked(self.user_edit, self._hint("user")))
        self.sign_in = SignInSection()  # shown for the providers of the OAuth2 table
        form.addRow(self.sign_in)
        self.password_edit = line_edit("passwordEdit", "")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self._password_cell = stacked(self.password_edit, self._hint("password"))
        form.addRow(translate("AccountDialog", "Password:"), self._password_cell)
        self.auth_code_guide = AuthCodeGuide()  # QQ, 163, 126: the authorization code
        form.addRow("", self.auth_code_guide)
        self.password_edit.textChanged.connect(self.auth_code_guide.show_length)
        self.remember_check = QCheckBox(translate("AccountDialog", "Remember password (in the system keyring)"))
        self.remember_check.setObjectName("rememberCheck")
        self.keyring_notice = wrapped_label("keyringNotice", f"color: {WARNING_COLOR};")
        self.keyring_notice.setText(translate(
            "AccountDialog", "No secure password storage (system keyring) is available, so Poplark will not "
            "store the password: it asks for it once per session."))
        self._remember_cell = stacked(self.remember_check, self.keyring_notice)
        form.addRow("", self._remember_cell)
        self._account_layout = form
        return page

    def _build_policy_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.leave_check = QCheckBox(translate("AccountDialog", "Leave a copy on the server"))
        self.leave_check.setObjectName("leaveCheck")
        self.leave_combo = QComboBox()
        self.leave_combo.setObjectName("leaveCombo")
        for label, mode in ((translate("AccountDialog", "for ever"), LeaveMode.KEEP_FOREVER),
                            (translate("AccountDialog", "delete it after some days"), LeaveMode.DELETE_AFTER_DAYS),
                            (translate("AccountDialog", "delete it when I delete it here"),
                             LeaveMode.DELETE_WHEN_DELETED_LOCALLY)):
            self.leave_combo.addItem(label, mode.value)
        self.days_spin = QSpinBox()
        self.days_spin.setObjectName("daysSpin")
        self.days_spin.setRange(0, MAX_DELETE_AFTER_DAYS)
        self.days_spin.setSuffix(translate("AccountDialog", " days"))
        form.addRow(stacked(row(self.leave_check, self.leave_combo, self.days_spin), self._hint("days")))
        form.addRow(QLabel(translate("AccountDialog", "Without it, each message is deleted from the server once "
                                     "it is safely stored here.")))
        self.interval_spin = QSpinBox()
        self.interval_spin.setObjectName("intervalSpin")
        self.interval_spin.setRange(0, MAX_CHECK_INTERVAL_MINUTES)
        self.interval_spin.setSpecialValueText(translate("AccountDialog", "never"))
        self.interval_spin.setPrefix(translate("AccountDialog", "every "))
        self.interval_spin.setSuffix(translate("AccountDialog", " minutes"))
        form.addRow(translate("AccountDialog", "Check for new mail:"),
                    row(self.interval_spin, QLabel(translate("AccountDialog", "(0 = never)"))))
        self.startup_check = QCheckBox(translate("AccountDialog", "Check for new mail when Poplark starts"))
        self.startup_check.setObjectName("startupCheck")
        form.addRow("", self.startup_check)
        self.size_check = QCheckBox(translate("AccountDialog", "Skip messages larger than"))
        self.size_check.setObjectName("sizeCheck")
        self.size_spin = QSpinBox()
        self.size_spin.setObjectName("sizeSpin")
        self.size_spin.setRange(1, MAX_SIZE_CAP_MEGABYTES)
        self.size_spin.setSuffix(translate("AccountDialog", " MB"))
        form.addRow(row(self.size_check, self.size_spin))
        self.download = DownloadSection()  # headers only, the first part of large messages (issue 18)
        form.addRow(self.download)
        return page

    def _build_advanced_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.ca_file_edit = line_edit("caFileEdit", translate("AccountDialog", "Only for a private or company server"))
        self.ca_browse_button = QPushButton(translate("AccountDialog", "Browse…"))
        self.ca_browse_button.setObjectName("caBrowseButton")
        form.addRow(translate("AccountDialog", "Extra CA certificate:"),
                    stacked(row(self.ca_file_edit, self.ca_browse_button, stretch=False), self._hint("ca_file")))
        self.certificate_pin = CertificatePin()
        self.forget_pin_button = self.certificate_pin.forget_pin_button
        form.addRow(translate("AccountDialog", "Trusted certificate:"), self.certificate_pin)
        self.insecure_check = QCheckBox(translate("AccountDialog", "Allow sending the password without encryption"))
        self.insecure_check.setObjectName("insecureCheck")
        self.insecure_warning = wrapped_label("insecureWarning", f"color: {HINT_COLOR};")
        self.insecure_warning.setText(translate(
            "AccountDialog", "Warning: on an unencrypted connection anyone on the network path can read your "
            "password. Use this only for a server on a network you trust."))
        form.addRow(stacked(self.insecure_check, self.insecure_warning))
        self.apop_check = QCheckBox(translate("AccountDialog", "Use APOP (only if the server requires it)"))
        self.apop_check.setObjectName("apopCheck")
        form.addRow(self.apop_check)
        self.pipelining_check = QCheckBox(translate("AccountDialog", "Use pipelining when the server offers it "
                                                    "(faster)"))
        self.pipelining_check.setObjectName("pipeliningCheck")
        form.addRow(self.pipelining_check)
        self.timeout_spin = QSpinBox()
        self.timeout_spin.setObjectName("timeoutSpin")
        self.timeout_spin.setRange(MIN_TIMEOUT_SECONDS, MAX_TIMEOUT_SECONDS)
        self.timeout_spin.setSuffix(translate("AccountDialog", " seconds"))
        form.addRow(translate("AccountDialog", "Give up when the server is silent for:"), row(self.timeout_spin))
        return page

    def _hint(self, field_name: str) -> QLabel:
        # "ca_file" -> "caFileHint": object names are how tests and style sheets find a hint.
        words = [part.capitalize() for part in field_name.split("_")]
        label = hint_label(words[0].lower() + "".join(words[1:]) + "Hint")
        self.hints[field_name] = label
        return label

    def fields_in_tab_order(self) -> list[QWidget]:
        """Every field, top to bottom as the tabs show them."""
        return [self.address_edit, self.display_name_edit, self.name_edit, self.host_edit, self.port_spin,
                self.security_combo, self.user_edit, self.sign_in.method_combo, self.sign_in.client_id_edit,
                self.sign_in.client_secret_edit, self.sign_in.sign_in_button, self.password_edit,
                self.auth_code_guide.open_button, self.remember_check, *self.smtp.fields_in_tab_order(),
                self.leave_check, self.leave_combo, self.days_spin, self.interval_spin, self.startup_check,
                self.size_check, self.size_spin,
                self.ca_file_edit, self.ca_browse_button, self.forget_pin_button, self.insecure_check,
                self.apop_check, self.pipelining_check, self.timeout_spin]

    # -- filling the fields ---------------------------------------------------------------------

    def load_defaults(self, check_interval_minutes: int) -> None:
        """What a new account starts with: implicit TLS, a copy left for two weeks, pipelining."""
        self.set_security(Security.TLS)
        self.port_spin.setValue(Security.TLS.default_port)
        self.leave_check.setChecked(True)
        self.days_spin.setValue(DEFAULT_DELETE_AFTER_DAYS)
        self.interval_spin.setValue(check_interval_minutes)
        self.startup_check.setChecked(True)
        self.size_spin.setValue(DEFAULT_SIZE_CAP_MEGABYTES)
        self.pipelining_check.setChecked(True)
        self.timeout_spin.setValue(round(Account.timeout_seconds))
        self.certificate_pin.set_pin(None, "")

    def load(self, account: Account) -> None:
        """Show ``account``'s settings (its password is the keyring's business, not the form's)."""
        self.address_edit.setText(account.email)
        self.display_name_edit.setText(account.display_name)
        self.name_edit.setText(account.name)
        self.host_edit.setText(account.host)
        self.set_security(account.security)
        self.port_spin.setValue(account.effective_port)
        self.user_edit.setText(account.user)
        self._load_policy(account.policy)
        self.download.load(account)
        self.interval_spin.setValue(account.check_interval_minutes)
        self.startup_check.setChecked(account.check_at_startup)
        self.ca_file_edit.setText(account.ca_file or "")
        self.insecure_check.setChecked(account.allow_insecure_auth)
        self.apop_check.setChecked(account.use_apop)
        self.pipelining_check.setChecked(account.pipelining)
        self.timeout_spin.setValue(round(account.timeout_seconds))
        self.certificate_pin.set_pin(account.pinned_cert_sha256, account.host.strip())
        self.smtp.load(account)
        self.sign_in.load(account)
        self.auth_code_guide.follow(account.email)

    def _load_policy(self, policy: ServerPolicy) -> None:
        leave = policy.leave_mode is not LeaveMode.DELETE_AFTER_DOWNLOAD
        self.leave_check.setChecked(leave)
        if leave:
            self.leave_combo.setCurrentIndex(self.leave_combo.findData(policy.leave_mode.value))
        self.days_spin.setValue(policy.delete_after_days or DEFAULT_DELETE_AFTER_DAYS)
        capped = policy.max_message_bytes is not None
        self.size_check.setChecked(capped)
        megabytes = -(-(policy.max_message_bytes or 0) // MEBIBYTE)  # round up: never cap lower than asked
        self.size_spin.setValue(megabytes if capped else DEFAULT_SIZE_CAP_MEGABYTES)

    def set_security(self, security: Security) -> None:
        self.security_combo.setCurrentIndex(self.security_combo.findData(security.value))

    def trust_certificate(self, fingerprint: str) -> None:
        """Trust exactly this certificate on the server now in the form."""
        self.certificate_pin.set_pin(fingerprint, self.host_edit.text().strip())

    def update_dependent_widgets(self) -> None:
        """Enable and show what depends on other fields (days only with "delete after days"...)."""
        self.security_warning.setVisible(self.security() is Security.NONE)
        self.days_spin.setEnabled(self.leave_check.isChecked() and self.leave_mode() is LeaveMode.DELETE_AFTER_DAYS)
        self.leave_combo.setEnabled(self.leave_check.isChecked())
        self.size_spin.setEnabled(self.size_check.isChecked())
        self.insecure_warning.setVisible(self.insecure_check.isChecked())
        # Signing in with the provider needs no password here, for receiving or for sending.
        oauth2 = self.sign_in.oauth2()
        self._account_layout.setRowVisible(self._password_cell, not oauth2)
        self._account_layout.setRowVisible(self._remember_cell, not oauth2)
        guided = not oauth2 and self.auth_code_guide.provider is not None
        self._account_layout.setRowVisible(self.auth_code_guide, guided)
        self.smtp.set_oauth2(oauth2)

    # -- reading the fields ---------------------------------------------------------------------

    def security(self) -> Security:
        return Security(self.security_combo.currentData())

    def leave_mode(self) -> LeaveMode:
        if not self.leave_check.isChecked():
            return LeaveMode.DELETE_AFTER_DOWNLOAD
        return LeaveMode(self.leave_combo.currentData())

    def problems(self, other_names: set[str], password_required: bool) -> dict[str, str]:
        """Field name -> what is wrong with it, for every field that is not acceptable."""
        problems: dict[str, str] = {}
        if not ADDRESS_PATTERN.match(self.address_edit.text().strip()):
            problems["address"] = translate("AccountDialog", "Enter a full email address, such as name@example.com.")
        name = self.name_edit.text().strip()
        if not name:
            problems["name"] = translate("AccountDialog", "Enter a name for this account.")
        elif name in other_names:
            problems["name"] = translate("AccountDialog", "Another account already has this name.")
        host = self.host_edit.text().strip()
        if not host:
            problems["host"] = translate("AccountDialog", "Enter the POP3 server, such as pop.example.com.")
        elif any(character.isspace() for character in host):
            problems["host"] = translate("AccountDialog", "A server name has no spaces.")
        if not 1 <= self.port_spin.value() <= 65535:
            problems["port"] = translate("AccountDialog", "Choose a port from 1 to 65535 (usually 995).")
        if not self.user_edit.text():
            problems["user"] = translate("AccountDialog", "Enter the user name (usually your full address).")
        if password_required and not self.password_edit.text():
            problems["password"] = translate("AccountDialog",
                                             "Enter the password (or authorization code) to remember it.")
        if self.leave_mode() is LeaveMode.DELETE_AFTER_DAYS and self.days_spin.value() < 1:
            problems["days"] = translate("AccountDialog", "Keep messages on the server for at least 1 day.")
        ca_file = self.ca_file_edit.text().strip()
        if ca_file and not Path(ca_file).is_file():
            problems["ca_file"] = translate("AccountDialog", "There is no file at this path.")
        return problems

    def connection_settings(self) -> dict[str, object]:
        """The :class:`Account` fields that decide how to connect and log in."""
        ca_file = self.ca_file_edit.text().strip()
        return {
            "host": self.host_edit.text().strip(),
            "port": self.port_spin.value(),
            "security": self.security(),
            "user": self.user_edit.text(),
            "email": self.address_edit.text().strip(),
            "ca_file": str(Path(ca_file).resolve()) if ca_file else None,
            "pinned_cert_sha256": self.certificate_pin.pinned_sha256,
            "allow_insecure_auth": self.insecure_check.isChecked(),
            "use_apop": self.apop_check.isChecked(),
            "timeout_seconds": float(self.timeout_spin.value()),
            "pipelining": self.pipelining_check.isChecked(),
            "smtp": self.smtp.settings(),
            **self.sign_in.settings(),
        }

    def settings(self) -> dict[str, object]:
        """Every :class:`Account` field the form shows, except whether the password is remembered."""
        settings = self.connection_settings()
        settings.update(
            name=self.name_edit.text().strip(), display_name=self.display_name_edit.text().strip(),
            policy=self._policy(), check_interval_minutes=self.interval_spin.value(),
            check_at_startup=self.startup_check.isChecked(), **self.download.settings())
        return settings

    def _policy(self) -> ServerPolicy:
        mode = self.leave_mode()
        return ServerPolicy(
            leave_mode=mode,
            delete_after_days=self.days_spin.value() if mode is LeaveMode.DELETE_AFTER_DAYS else 0,
            max_message_bytes=self.size_spin.value() * MEBIBYTE if self.size_check.isChecked() else None)
