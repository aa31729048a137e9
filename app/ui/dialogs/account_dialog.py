"""The account dialog: add or edit one POP3 account, test it, and keep its password in the keyring.

The user types an address and the provider table fills in the server (only fields they have not
typed themselves), with the provider's note, because "QQ needs an authorization code" is the first
thing that goes wrong. Every field is checked as it changes and the OK button stays disabled until
the settings are valid. "Test connection" runs :func:`run_connection_test` off the GUI thread and
says in plain words what works and what does not; an untrusted certificate can be trusted by its
exact SHA-256 fingerprint for this account only (a pin), never by ignoring errors.

Passwords go to the system keyring through :mod:`app.core.credentials` only, never into SQLite.
When no keyring is available, the password is handed back as :attr:`AccountDialog.session_password`
for the caller to keep in memory for this session.
"""

from __future__ import annotations

import contextlib
import dataclasses
import html
import itertools
import re
import ssl
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale, QTimer, Signal, Slot
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.core import credentials
from app.core.cancel import CancelToken
from app.core.connection_test import ConnectionReport, run_connection_test
from app.core.errors import (
    AuthError,
    ConfigError,
    ConnectError,
    CredentialsError,
    MailboxBusy,
    PermanentServerError,
    PoplarkError,
    ProtocolError,
    TemporaryServerError,
    TlsError,
)
from app.core.model import Account, LeaveMode, Security, ServerPolicy
from app.core.pop3.connection import TlsInfo
from app.core.providers import Provider, provider_for_address
from app.core.store import Store
from app.ui.workers.background import BackgroundJob, ProgressCallback

#: lupdate finds ``translate("Context", "literal")`` calls; module functions share the dialog's context.
translate = QCoreApplication.translate

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

HINT_COLOR = "#c62828"
GOOD_COLOR = "#2e7d32"
WARNING_COLOR = "#b26a00"
NOTE_STYLE = "QLabel { background: #fff8e1; border: 1px solid #e6c36a; border-radius: 4px; padding: 6px; }"
NO_POP3_STYLE = "QLabel { background: #fdecea; border: 1px solid #e59a94; border-radius: 4px; padding: 6px; }"

#: Fields that must be right before a connection test makes sense.
CONNECTION_FIELDS = frozenset({"host", "port", "user", "ca_file"})
#: Field names as :func:`auto_values` knows them, in the order the form shows them.
AUTO_FILLED_FIELDS = ("name", "host", "port", "security", "user")

#: Jobs still finishing after their dialog closed (a test cannot be stopped mid-connect). Kept
#: referenced so their QThread is never destroyed while running; the application can wait for
#: them at shutdown through :func:`unfinished_jobs`.
_orphaned_jobs: set[BackgroundJob] = set()


def unfinished_jobs() -> list[BackgroundJob]:
    """Connection tests still running for dialogs that were already closed."""
    return list(_orphaned_jobs)


def ui_language() -> str:
    """The UI language as Qt sees it ("zh_CN", "en_US"); provider notes follow it."""
    return QLocale().name()


def auto_values(address: str) -> dict[str, object]:
    """What typing ``address`` fills in: account and user name, and the provider's server."""
    values: dict[str, object] = {"name": address, "user": address, "host": ""}
    provider = provider_for_address(address)
    if provider is not None and provider.pop3:
        values.update(host=provider.host, port=provider.port, security=provider.security)
    return values


def format_fingerprint(fingerprint: str) -> str:
    """SHA-256 hex as colon-separated pairs in two lines of 16, the way browsers show it."""
    pairs = [fingerprint[index:index + 2].upper() for index in range(0, len(fingerprint), 2)]
    return ":".join(pairs[:16]) + "\n" + ":".join(pairs[16:]) if len(pairs) > 16 else ":".join(pairs)


# -- the test report in plain words -----------------------------------------------------------

_SENTENCE_ENDINGS = (".", "!", "?", ":", "”", "。", "！", "？", "：")


def _sentence(text: str) -> str:
    """Server and error texts often lack a full stop; add one so sentences do not run together."""
    text = text.strip()
    return text if not text or text.endswith(_SENTENCE_ENDINGS) else text + "."


def _paragraph(color: str, heading: str, *sentences: str) -> str:
    body = " ".join(html.escape(_sentence(sentence)) for sentence in sentences if sentence)
    return f"<p><b style='color:{color}'>{html.escape(heading)}</b> {body}</p>"


def _bulleted(color: str, heading: str, items: list[str]) -> str:
    listed = "".join(f"<li>{html.escape(item)}</li>" for item in items)
    return (f"<p style='margin-bottom:0'><b style='color:{color}'>{html.escape(heading)}</b></p>"
            f"<ul style='margin-top:0; margin-left:-20px'>{listed}</ul>")


def _details(error: PoplarkError) -> str:
    return translate("AccountDialog", "Details: {details}").format(details=str(error))


def error_sentence(error: PoplarkError) -> str:
    """What went wrong, said for a user; the error's own text goes in the details."""
    if isinstance(error, AuthError):
        return translate("AccountDialog", "The server rejected the user name or password.")
    if isinstance(error, MailboxBusy):
        return translate("AccountDialog", "The mailbox is in use by another program, or the server wants "
                         "more time between logins. Try again in a few minutes.")
    if isinstance(error, TemporaryServerError):
        return translate("AccountDialog", "The server has a temporary problem. Try again later.")
    if isinstance(error, PermanentServerError):
        return translate("AccountDialog", "The server refused. Your provider may have switched POP3 off "
                         "for this account.")
    if isinstance(error, TlsError):
        return translate("AccountDialog", "The connection could not be secured.")
    if isinstance(error, ConnectError):
        return translate("AccountDialog", "Could not reach the server. Check the server name, the port, "
                         "the security setting and your network.")
    if isinstance(error, ConfigError):
        return translate("AccountDialog", "The settings do not allow this.")
    if isinstance(error, ProtocolError):
        return translate("AccountDialog", "The server's replies did not follow the POP3 protocol.")
    return translate("AccountDialog", "Something went wrong.")


def login_hint(provider: Provider | None, language: str) -> str:
    """Advice after a refused login: the provider's own note, or the common causes."""
    if provider is not None and provider.note:
        return provider.note_for(language)
    return translate("AccountDialog", "Check the user name and password. Some providers (QQ, 163, 126, "
                     "and Gmail with 2-step verification) need an authorization code or app password "
                     "instead of your web password.")


def _certificate_expiry(not_after: str) -> str:
    try:
        return time.strftime("%Y-%m-%d", time.gmtime(ssl.cert_time_to_seconds(not_after)))
    except ValueError:
        return not_after


def short_name(distinguished_name: str) -> str:
    """The part of "commonName=x, organizationName=y" a user recognises: the common name if any."""
    parts = dict(part.split("=", 1) for part in distinguished_name.split(", ") if "=" in part)
    return parts.get("commonName") or parts.get("organizationName") or distinguished_name


def _reachability_section(report: ConnectionReport, account: Account) -> str:
    where = f"{account.host}:{account.effective_port}"
    if not report.reachable:
        assert report.error is not None
        return _paragraph(HINT_COLOR, translate("AccountDialog", "Not reachable."), error_sentence(report.error),
                          _details(report.error))
    greeting = ""
    if report.greeting:
        greeting = translate("AccountDialog", "It said: “{greeting}”").format(greeting=report.greeting)
    return _paragraph(GOOD_COLOR, translate("AccountDialog", "Reachable."),
                      translate("AccountDialog", "{server} answered.").format(server=where), greeting)


def _rejected_certificate_section(report: ConnectionReport, error: TlsError) -> str:
    if not report.rejected_certificate_sha256:
        return _paragraph(HINT_COLOR, translate("AccountDialog", "Secure connection failed."),
                          error_sentence(error), _details(error))
    subject = ""
    if error.subject:
        subject = translate("AccountDialog", "The certificate is for {subject}.").format(
            subject=short_name(error.subject))
    fingerprint = html.escape(format_fingerprint(report.rejected_certificate_sha256)).replace("\n", "<br>")
    advice = translate("AccountDialog", "Compare this fingerprint with the one your provider or "
                       "administrator publishes. Only if they match, press “Trust this certificate”: "
                       "Poplark will then accept this exact certificate for this account only, and "
                       "refuse to connect if it ever changes.")
    return (_paragraph(HINT_COLOR, translate("AccountDialog", "Certificate not trusted."), _details(error),
                       subject, translate("AccountDialog", "Its SHA-256 fingerprint is:"))
            + f"<p><code>{fingerprint}</code></p>"
            + _paragraph(WARNING_COLOR, translate("AccountDialog", "What to do:"), advice))


def _certificate_sentence(tls: TlsInfo) -> str:
    if tls.pinned:
        return translate("AccountDialog", "This is the exact certificate you chose to trust.")
    if not tls.subject:
        return ""
    return translate("AccountDialog", "Certificate for {subject}, issued by {issuer}, valid until {expiry}.").format(
        subject=short_name(tls.subject), issuer=short_name(tls.issuer) or "?",
        expiry=_certificate_expiry(tls.not_after))


def _encryption_section(report: ConnectionReport, account: Account) -> str:
    if isinstance(report.error, TlsError) and report.tls is None:
        return _rejected_certificate_section(report, report.error)
    if report.tls is not None:
        link = translate("AccountDialog", "{version} ({cipher}).").format(
            version=report.tls.version, cipher=report.tls.cipher)
        return _paragraph(GOOD_COLOR, translate("AccountDialog", "Encrypted."), link,
                          _certificate_sentence(report.tls))
    if report.reachable and account.security is Security.NONE:
        return _paragraph(WARNING_COLOR, translate("AccountDialog", "Not encrypted."), translate(
            "AccountDialog", "Everything you receive, and the password if it is sent, crosses the network "
            "readably."))
    return ""


def _yes_no(value: bool) -> str:
    return translate("AccountDialog", "yes") if value else translate("AccountDialog", "no")


def _expire_text(expire_days: int | None) -> str:
    if expire_days is None:
        return translate("AccountDialog", "not stated")
    if expire_days < 0:
        return translate("AccountDialog", "never")
    if expire_days == 0:
        # RFC 2449 section 6.7: EXPIRE 0 means the server deletes whatever was downloaded.
        return translate("AccountDialog", "right after download, whatever you choose here")
    return translate("AccountDialog", "after {days} days").format(days=expire_days)


def _features_section(report: ConnectionReport) -> str:
    if not report.greeting:
        return ""
    capabilities = report.capabilities
    if not capabilities.known:
        return _paragraph(WARNING_COLOR, translate("AccountDialog", "Features:"), translate(
            "AccountDialog", "the server does not list its features (no CAPA); Poplark will try UIDL "
            "and TOP anyway."))
    login_delay = (translate("AccountDialog", "{seconds} seconds").format(seconds=capabilities.login_delay)
                   if capabilities.login_delay is not None else translate("AccountDialog", "none"))
    mechanisms = ", ".join(capabilities.sasl_mechanisms) or translate("AccountDialog", "none listed (USER/PASS)")
    items = (
        (translate("AccountDialog", "Unique message ids (UIDL): {value}"), _yes_no(capabilities.has("UIDL"))),
        (translate("AccountDialog", "Headers only (TOP): {value}"), _yes_no(capabilities.has("TOP"))),
        (translate("AccountDialog", "Pipelining (faster downloads): {value}"), _yes_no(capabilities.pipelining)),
        (translate("AccountDialog", "Sign-in methods (SASL): {value}"), mechanisms),
        (translate("AccountDialog", "Messages expire on the server (EXPIRE): {value}"),
         _expire_text(capabilities.expire_days)),
        (translate("AccountDialog", "Least time between logins (LOGIN-DELAY): {value}"), login_delay),
    )
    return _bulleted(GOOD_COLOR, translate("AccountDialog", "Features:"),
                     [label.format(value=value) for label, value in items])


def _login_section(report: ConnectionReport, provider: Provider | None, language: str) -> str:
    if report.login_ok:
        size = QLocale().formattedDataSize(report.mailbox_bytes or 0)
        return _paragraph(GOOD_COLOR, translate("AccountDialog", "Login works."), translate(
            "AccountDialog", "Signed in with {mechanism}. The mailbox holds {count} message(s), {size}.").format(
                mechanism=report.mechanism, count=report.message_count or 0, size=size))
    if report.login_ok is False and report.error is not None:
        error = report.error
        said = (translate("AccountDialog", "The server said: “{text}”").format(text=error.server_text)
                if error.server_text else _details(error))
        failed = _paragraph(HINT_COLOR, translate("AccountDialog", "Login failed."), error_sentence(error), said)
        if not isinstance(error, AuthError):
            return failed
        return failed + _paragraph(WARNING_COLOR, translate("AccountDialog", "What to do:"),
                                   login_hint(provider, language))
    if report.greeting:
        return _paragraph(WARNING_COLOR, translate("AccountDialog", "Login not tested:"),
                          translate("AccountDialog", "type the password to test it too."))
    return ""


def describe_report(report: ConnectionReport, account: Account, language: str) -> str:
    """The connection test's outcome as short HTML paragraphs, one per question a user has."""
    provider = provider_for_address(account.email or account.user)
    # Whether it works comes before the details of what the server supports.
    sections = (_reachability_section(report, account), _encryption_section(report, account),
                _login_section(report, provider, language), _features_section(report))
    return "".join(section for section in sections if section)


# -- small widget helpers ---------------------------------------------------------------------

def _hint_label(object_name: str) -> QLabel:
    """The red line under a field that says what is wrong with it."""
    label = QLabel()
    label.setObjectName(object_name)
    label.setStyleSheet(f"color: {HINT_COLOR};")
    label.setWordWrap(True)
    label.hide()
    return label


def _stacked(*widgets: QWidget) -> QWidget:
    """A field with its hint below it, as one form cell (a hidden hint takes no room)."""
    container = QWidget()
    layout = QVBoxLayout(container)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    for widget in widgets:
        layout.addWidget(widget)
    return container


def _row(*widgets: QWidget, stretch: bool = True) -> QWidget:
    container = QWidget()
    layout = QHBoxLayout(container)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        layout.addWidget(widget)
    if stretch:
        layout.addStretch(1)
    return container


def _section_heading(text: str) -> QLabel:
    label = QLabel(f"<b>{html.escape(text)}</b>")
    label.setContentsMargins(0, 8, 0, 0)
    return label


def _wrapped_label(object_name: str, style: str = "") -> QLabel:
    label = QLabel()
    label.setObjectName(object_name)
    label.setWordWrap(True)
    if style:
        label.setStyleSheet(style)
    return label


class AccountDialog(QDialog):
    """Add an account (``account`` None) or edit one; after accept, :attr:`account` is saved."""

    #: Emitted on the GUI thread when a test has ended and its report is shown (None: the test crashed).
    connection_tested = Signal(object)

    def __init__(self, store: Store, account: Account | None = None, parent: QWidget | None = None, *,
                 default_check_interval: int = Account.check_interval_minutes) -> None:
        super().__init__(parent)
        self.store = store
        self._default_check_interval = default_check_interval
        self.account: Account | None = None
        self.session_password: str | None = None
        #: Not in :class:`Account` yet; read it here until the model has a field for it.
        self.check_at_startup = True
        self._original = account
        self._other_names = {other.name for other in store.accounts()
                             if account is None or other.id != account.id}
        self._secure_storage = credentials.secure_storage_available()
        self._edited: set[str] = set()  # auto-filled fields the user typed in by hand
        self._touched: set[str] = set()  # fields whose hint may show
        self._show_all_hints = account is not None
        self._filling = False
        self._pinned_sha256: str | None = None
        self._pinned_host = ""
        self._offered_sha256 = ""
        self._test_job: BackgroundJob | None = None
        self._test_cancel: CancelToken | None = None
        self._tested_account: Account | None = None
        self._last_report: ConnectionReport | None = None
        self._test_crash = ""
        self._fit_scheduled = False
        self._hints: dict[str, QLabel] = {}
        self.setWindowTitle(self.tr("Add account") if account is None else self.tr("Account settings"))
        self.setMinimumWidth(580)
        self._build()
        self._connect_signals()
        if account is None:
            self._load_defaults()
        else:
            self._load(account)
        self._validate()

    # -- building -------------------------------------------------------------------------------

    def _build(self) -> None:
        self.tabs = QTabWidget()
        self.tabs.setObjectName("tabs")
        self.tabs.addTab(self._build_account_tab(), self.tr("Account"))
        self.tabs.addTab(self._build_policy_tab(), self.tr("Mail on the server"))
        self.tabs.addTab(self._build_advanced_tab(), self.tr("Advanced"))
        self.save_error = _wrapped_label("saveError", f"color: {HINT_COLOR};")
        self.save_error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.setObjectName("buttons")
        self._ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self._ok_button.setObjectName("okButton")
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(self._build_test_area())
        layout.addWidget(self.save_error)
        layout.addWidget(self.buttons)
        self._set_tab_order()

    def _set_tab_order(self) -> None:
        """Tab follows the form top to bottom (the widgets were made before their containers)."""
        chain: list[QWidget] = [
            self.tabs.tabBar(),
            self.address_edit, self.display_name_edit, self.name_edit, self.host_edit, self.port_spin,
            self.security_combo, self.user_edit, self.password_edit, self.remember_check,
            self.leave_check, self.leave_combo, self.days_spin, self.interval_spin, self.startup_check,
            self.size_check, self.size_spin,
            self.ca_file_edit, self.ca_browse_button, self.forget_pin_button, self.insecure_check, self.apop_check,
            self.pipelining_check, self.timeout_spin,
            self.test_button, self.test_result, self.trust_button,
            *self.buttons.buttons(),
        ]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _build_account_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.address_edit = self._line_edit("addressEdit", "name@example.com")
        self.provider_note = _wrapped_label("providerNote", NOTE_STYLE)
        self.provider_note.hide()
        form.addRow(self.tr("Email address:"), _stacked(self.address_edit, self._hint("address"),
                                                         self.provider_note))
        self.display_name_edit = self._line_edit("displayNameEdit", self.tr("Shown to the people you write to"))
        form.addRow(self.tr("Your name:"), self.display_name_edit)
        self.name_edit = self._line_edit("nameEdit", self.tr("How Poplark lists this account"))
        form.addRow(self.tr("Account name:"), _stacked(self.name_edit, self._hint("name")))
        form.addRow(_section_heading(self.tr("Incoming mail (POP3)")))
        self.host_edit = self._line_edit("hostEdit", "pop.example.com")
        form.addRow(self.tr("Server:"), _stacked(self.host_edit, self._hint("host")))
        self.port_spin = QSpinBox()
        self.port_spin.setObjectName("portSpin")
        self.port_spin.setRange(0, 65535)
        self.security_combo = QComboBox()
        self.security_combo.setObjectName("securityCombo")
        for label, security in ((self.tr("SSL/TLS"), Security.TLS), (self.tr("STARTTLS"), Security.STARTTLS),
                                (self.tr("None (not encrypted)"), Security.NONE)):
            self.security_combo.addItem(label, security.value)
        form.addRow(self.tr("Port:"), _stacked(_row(self.port_spin, QLabel(self.tr("Security:")),
                                                    self.security_combo), self._hint("port")))
        self.security_warning = _wrapped_label("securityWarning", f"color: {WARNING_COLOR};")
        self.security_warning.setText(self.tr(
            "Without encryption anyone on the network can read your mail. Poplark sends no password "
            "over it unless you allow insecure authentication under Advanced."))
        form.addRow(self.security_warning)
        self.user_edit = self._line_edit("userEdit", self.tr("Usually your full address"))
        form.addRow(self.tr("User name:"), _stacked(self.user_edit, self._hint("user")))
        self.password_edit = self._line_edit("passwordEdit", "")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("Password:"), _stacked(self.password_edit, self._hint("password")))
        self.remember_check = QCheckBox(self.tr("Remember password (in the system keyring)"))
        self.remember_check.setObjectName("rememberCheck")
        self.keyring_notice = _wrapped_label("keyringNotice", f"color: {WARNING_COLOR};")
        self.keyring_notice.setText(self.tr(
            "No secure password storage (system keyring) is available, so Poplark will not store the "
            "password: it asks for it once per session."))
        form.addRow("", _stacked(self.remember_check, self.keyring_notice))
        return page

    def _build_policy_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.leave_check = QCheckBox(self.tr("Leave a copy on the server"))
        self.leave_check.setObjectName("leaveCheck")
        self.leave_combo = QComboBox()
        self.leave_combo.setObjectName("leaveCombo")
        for label, mode in ((self.tr("for ever"), LeaveMode.KEEP_FOREVER),
                            (self.tr("delete it after some days"), LeaveMode.DELETE_AFTER_DAYS),
                            (self.tr("delete it when I delete it here"), LeaveMode.DELETE_WHEN_DELETED_LOCALLY)):
            self.leave_combo.addItem(label, mode.value)
        self.days_spin = QSpinBox()
        self.days_spin.setObjectName("daysSpin")
        self.days_spin.setRange(0, MAX_DELETE_AFTER_DAYS)
        self.days_spin.setSuffix(self.tr(" days"))
        form.addRow(_stacked(_row(self.leave_check, self.leave_combo, self.days_spin), self._hint("days")))
        form.addRow(QLabel(self.tr("Without it, each message is deleted from the server once it is "
                                   "safely stored here.")))
        self.interval_spin = QSpinBox()
        self.interval_spin.setObjectName("intervalSpin")
        self.interval_spin.setRange(0, MAX_CHECK_INTERVAL_MINUTES)
        self.interval_spin.setSpecialValueText(self.tr("never"))
        self.interval_spin.setPrefix(self.tr("every "))
        self.interval_spin.setSuffix(self.tr(" minutes"))
        form.addRow(self.tr("Check for new mail:"), _row(self.interval_spin, QLabel(self.tr("(0 = never)"))))
        self.startup_check = QCheckBox(self.tr("Check for new mail when Poplark starts"))
        self.startup_check.setObjectName("startupCheck")
        form.addRow("", self.startup_check)
        self.size_check = QCheckBox(self.tr("Skip messages larger than"))
        self.size_check.setObjectName("sizeCheck")
        self.size_spin = QSpinBox()
        self.size_spin.setObjectName("sizeSpin")
        self.size_spin.setRange(1, MAX_SIZE_CAP_MEGABYTES)
        self.size_spin.setSuffix(self.tr(" MB"))
        form.addRow(_row(self.size_check, self.size_spin))
        return page

    def _build_advanced_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.ca_file_edit = self._line_edit("caFileEdit", self.tr("Only for a private or company server"))
        self.ca_browse_button = QPushButton(self.tr("Browse…"))
        self.ca_browse_button.setObjectName("caBrowseButton")
        form.addRow(self.tr("Extra CA certificate:"),
                    _stacked(_row(self.ca_file_edit, self.ca_browse_button, stretch=False), self._hint("ca_file")))
        self.pin_label = _wrapped_label("pinLabel")
        self.forget_pin_button = QPushButton(self.tr("Stop trusting it"))
        self.forget_pin_button.setObjectName("forgetPinButton")
        form.addRow(self.tr("Trusted certificate:"), _stacked(self.pin_label, _row(self.forget_pin_button)))
        self.insecure_check = QCheckBox(self.tr("Allow sending the password without encryption"))
        self.insecure_check.setObjectName("insecureCheck")
        self.insecure_warning = _wrapped_label("insecureWarning", f"color: {HINT_COLOR};")
        self.insecure_warning.setText(self.tr(
            "Warning: on an unencrypted connection anyone on the network path can read your password. "
            "Use this only for a server on a network you trust."))
        form.addRow(_stacked(self.insecure_check, self.insecure_warning))
        self.apop_check = QCheckBox(self.tr("Use APOP (only if the server requires it)"))
        self.apop_check.setObjectName("apopCheck")
        form.addRow(self.apop_check)
        self.pipelining_check = QCheckBox(self.tr("Use pipelining when the server offers it (faster)"))
        self.pipelining_check.setObjectName("pipeliningCheck")
        form.addRow(self.pipelining_check)
        self.timeout_spin = QSpinBox()
        self.timeout_spin.setObjectName("timeoutSpin")
        self.timeout_spin.setRange(MIN_TIMEOUT_SECONDS, MAX_TIMEOUT_SECONDS)
        self.timeout_spin.setSuffix(self.tr(" seconds"))
        form.addRow(self.tr("Give up when the server is silent for:"), _row(self.timeout_spin))
        return page

    def _build_test_area(self) -> QWidget:
        self.test_button = QPushButton(self.tr("Test connection"))
        self.test_button.setObjectName("testButton")
        self.test_busy = QProgressBar()
        self.test_busy.setObjectName("testBusy")
        self.test_busy.setRange(0, 0)  # no known end: a busy indicator
        self.test_busy.setTextVisible(False)
        self.test_busy.setMaximumWidth(120)
        self.test_busy.hide()
        self.test_result = QTextBrowser()
        self.test_result.setObjectName("testResult")
        self.test_result.setOpenLinks(False)
        self.test_result.setFrameShape(QFrame.Shape.StyledPanel)
        self.test_result.setMinimumHeight(180)
        self.test_result.hide()
        self.trust_button = QPushButton(self.tr("Trust this certificate"))
        self.trust_button.setObjectName("trustButton")
        self.trust_button.hide()
        return _stacked(_row(self.test_button, self.test_busy), self.test_result, _row(self.trust_button))

    def _line_edit(self, object_name: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(object_name)
        edit.setPlaceholderText(placeholder)
        return edit

    def _hint(self, field_name: str) -> QLabel:
        words = [part.capitalize() for part in field_name.split("_")]
        label = _hint_label(words[0].lower() + "".join(words[1:]) + "Hint")
        self._hints[field_name] = label
        return label

    def _connect_signals(self) -> None:
        self.address_edit.textEdited.connect(self._on_address_edited)
        for field_name, edit in (("name", self.name_edit), ("host", self.host_edit), ("user", self.user_edit)):
            edit.textEdited.connect(lambda text, name=field_name: self._on_field_edited(name, bool(text)))
        self.password_edit.textEdited.connect(lambda _text: self._touch("password"))
        self.ca_file_edit.textEdited.connect(lambda _text: self._touch("ca_file"))
        self.port_spin.valueChanged.connect(self._on_port_changed)
        self.security_combo.currentIndexChanged.connect(self._on_security_changed)
        self.host_edit.textChanged.connect(self._on_host_changed)
        self.days_spin.valueChanged.connect(lambda _value: self._touch("days"))
        for signal in (self.display_name_edit.textChanged, self.name_edit.textChanged, self.user_edit.textChanged,
                       self.password_edit.textChanged, self.ca_file_edit.textChanged,
                       self.remember_check.toggled, self.leave_check.toggled, self.leave_combo.currentIndexChanged,
                       self.size_check.toggled, self.insecure_check.toggled):
            signal.connect(self._validate)
        self.ca_browse_button.clicked.connect(self._choose_ca_file)
        self.forget_pin_button.clicked.connect(lambda: self._set_pin(None))
        self.test_button.clicked.connect(self._start_test)
        self.trust_button.clicked.connect(self._trust_offered_certificate)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    # -- loading --------------------------------------------------------------------------------

    def _load_defaults(self) -> None:
        with self._filling_fields():
            self._set_security(Security.TLS)
            self.port_spin.setValue(Security.TLS.default_port)
            self.leave_check.setChecked(True)
            self.days_spin.setValue(DEFAULT_DELETE_AFTER_DAYS)
            self.interval_spin.setValue(self._default_check_interval)
            self.startup_check.setChecked(True)
            self.size_spin.setValue(DEFAULT_SIZE_CAP_MEGABYTES)
            self.pipelining_check.setChecked(True)
            self.timeout_spin.setValue(round(Account.timeout_seconds))
            self.remember_check.setChecked(self._secure_storage)
            self.password_edit.setPlaceholderText(self.tr("Password or authorization code"))
        self._set_pin(None)
        self._apply_keyring_state()
        self._update_dependent_widgets()

    def _load(self, account: Account) -> None:
        with self._filling_fields():
            self.address_edit.setText(account.email)
            self.display_name_edit.setText(account.display_name)
            self.name_edit.setText(account.name)
            self.host_edit.setText(account.host)
            self._set_security(account.security)
            self.port_spin.setValue(account.effective_port)
            self.user_edit.setText(account.user)
            self._load_policy(account.policy)
            self.interval_spin.setValue(account.check_interval_minutes)
            self.check_at_startup = account.check_at_startup
            self.startup_check.setChecked(self.check_at_startup)
            self.ca_file_edit.setText(account.ca_file or "")
            self.insecure_check.setChecked(account.allow_insecure_auth)
            self.apop_check.setChecked(account.use_apop)
            self.pipelining_check.setChecked(account.pipelining)
            self.timeout_spin.setValue(round(account.timeout_seconds))
            self.remember_check.setChecked(account.remember_password and self._secure_storage)
            stored = account.remember_password and self._secure_storage
            self.password_edit.setPlaceholderText(self.tr("Unchanged (kept in the system keyring)") if stored
                                                  else self.tr("Password or authorization code"))
        self._set_pin(account.pinned_cert_sha256)
        # A field that still holds what the address would fill in keeps following the address.
        automatic = auto_values(account.email)
        automatic.setdefault("port", account.security.default_port)
        automatic.setdefault("security", account.security)
        current = {"name": account.name, "host": account.host, "port": account.effective_port,
                   "security": account.security, "user": account.user}
        self._edited = {name for name in AUTO_FILLED_FIELDS if automatic.get(name) != current[name]}
        self._show_provider_note(provider_for_address(account.email))
        self._apply_keyring_state()
        self._update_dependent_widgets()

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

    def _apply_keyring_state(self) -> None:
        # Without a secure keyring there is nowhere safe to keep the password: say so, and make
        # "Remember" impossible rather than silently storing it in plain text (DESIGN.md pitfalls).
        self.keyring_notice.setVisible(not self._secure_storage)
        if not self._secure_storage:
            self.remember_check.setChecked(False)
            self.remember_check.setEnabled(False)

    @contextlib.contextmanager
    def _filling_fields(self) -> Iterator[None]:
        """Changes made inside are the dialog's own, not the user's: they mark nothing as edited."""
        previous, self._filling = self._filling, True
        try:
            yield
        finally:
            self._filling = previous

    # -- reacting to the user -------------------------------------------------------------------

    @Slot(str)
    def _on_address_edited(self, text: str) -> None:
        self._touched.add("address")
        address = text.strip()
        values = auto_values(address)
        with self._filling_fields():
            for field_name in AUTO_FILLED_FIELDS:
                if field_name in values and field_name not in self._edited:
                    self._set_field(field_name, values[field_name])
            if "port" not in values and "port" not in self._edited:
                self.port_spin.setValue(self._security().default_port)
        self._show_provider_note(provider_for_address(address))
        if ADDRESS_PATTERN.match(address):
            # The first step is done: from now on say what else is missing.
            self._show_all_hints = True
        self._validate()

    def _set_field(self, field_name: str, value: object) -> None:
        if field_name == "name":
            self.name_edit.setText(str(value))
        elif field_name == "user":
            self.user_edit.setText(str(value))
        elif field_name == "host":
            self.host_edit.setText(str(value))
        elif field_name == "port":
            self.port_spin.setValue(int(str(value)))
        elif field_name == "security":
            self._set_security(Security(str(value)))

    def _on_field_edited(self, field_name: str, has_text: bool) -> None:
        # Emptying a field by hand hands it back to the address, which can fill it again.
        if has_text:
            self._edited.add(field_name)
        else:
            self._edited.discard(field_name)
        self._touch(field_name)

    def _touch(self, field_name: str) -> None:
        self._touched.add(field_name)
        self._validate()

    @Slot(int)
    def _on_port_changed(self, _value: int) -> None:
        if not self._filling:
            self._edited.add("port")
            self._touched.add("port")
        self._validate()

    @Slot(int)
    def _on_security_changed(self, _index: int) -> None:
        if not self._filling:
            self._edited.add("security")
            if "port" not in self._edited:
                with self._filling_fields():
                    self.port_spin.setValue(self._security().default_port)
        self._update_dependent_widgets()
        self._validate()

    @Slot(str)
    def _on_host_changed(self, host: str) -> None:
        # A trusted certificate belongs to the server it was seen on, not to whatever host follows.
        if self._pinned_sha256 and host.strip() != self._pinned_host:
            self._set_pin(None)

    def _show_provider_note(self, provider: Provider | None) -> None:
        note = provider.note_for(ui_language()) if provider is not None else ""
        self.provider_note.setText(note)
        self.provider_note.setStyleSheet(NOTE_STYLE if provider is None or provider.pop3 else NO_POP3_STYLE)
        self.provider_note.setVisible(bool(note))
        self._schedule_fit()

    def _update_dependent_widgets(self) -> None:
        self.security_warning.setVisible(self._security() is Security.NONE)
        self.days_spin.setEnabled(self.leave_check.isChecked() and self._leave_mode() is LeaveMode.DELETE_AFTER_DAYS)
        self.leave_combo.setEnabled(self.leave_check.isChecked())
        self.size_spin.setEnabled(self.size_check.isChecked())
        self.insecure_warning.setVisible(self.insecure_check.isChecked())

    @Slot()
    def _choose_ca_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, self.tr("Choose a CA certificate"), self.ca_file_edit.text(),
            self.tr("Certificates (*.pem *.crt *.cer);;All files (*)"))
        if path:
            self.ca_file_edit.setText(path)
            self._touch("ca_file")

    def _set_pin(self, fingerprint: str | None) -> None:
        self._pinned_sha256 = fingerprint or None
        self._pinned_host = self.host_edit.text().strip()
        if self._pinned_sha256:
            self.pin_label.setText(self.tr("This account trusts exactly one certificate, SHA-256:\n{fingerprint}")
                                   .format(fingerprint=format_fingerprint(self._pinned_sha256)))
        else:
            self.pin_label.setText(self.tr("None: certificates are checked against the trusted authorities."))
        self.forget_pin_button.setVisible(self._pinned_sha256 is not None)

    # -- reading the fields ---------------------------------------------------------------------

    def _security(self) -> Security:
        return Security(self.security_combo.currentData())

    def _set_security(self, security: Security) -> None:
        self.security_combo.setCurrentIndex(self.security_combo.findData(security.value))

    def _leave_mode(self) -> LeaveMode:
        if not self.leave_check.isChecked():
            return LeaveMode.DELETE_AFTER_DOWNLOAD
        return LeaveMode(self.leave_combo.currentData())

    def _password_required(self) -> bool:
        """A password is needed to remember one, unless one is stored already and is kept."""
        if not self.remember_check.isChecked():
            return False
        return self._original is None or not self._original.remember_password

    def _problems(self) -> dict[str, str]:
        """Field name -> what is wrong with it, for every field that is not acceptable."""
        problems: dict[str, str] = {}
        if not ADDRESS_PATTERN.match(self.address_edit.text().strip()):
            problems["address"] = self.tr("Enter a full email address, such as name@example.com.")
        name = self.name_edit.text().strip()
        if not name:
            problems["name"] = self.tr("Enter a name for this account.")
        elif name in self._other_names:
            problems["name"] = self.tr("Another account already has this name.")
        host = self.host_edit.text().strip()
        if not host:
            problems["host"] = self.tr("Enter the POP3 server, such as pop.example.com.")
        elif any(character.isspace() for character in host):
            problems["host"] = self.tr("A server name has no spaces.")
        if not 1 <= self.port_spin.value() <= 65535:
            problems["port"] = self.tr("Choose a port from 1 to 65535 (usually 995).")
        if not self.user_edit.text():
            problems["user"] = self.tr("Enter the user name (usually your full address).")
        if self._password_required() and not self.password_edit.text():
            problems["password"] = self.tr("Enter the password (or authorization code) to remember it.")
        if self._leave_mode() is LeaveMode.DELETE_AFTER_DAYS and self.days_spin.value() < 1:
            problems["days"] = self.tr("Keep messages on the server for at least 1 day.")
        ca_file = self.ca_file_edit.text().strip()
        if ca_file and not Path(ca_file).is_file():
            problems["ca_file"] = self.tr("There is no file at this path.")
        return problems

    @Slot()
    def _validate(self) -> None:
        self._update_dependent_widgets()
        problems = self._problems()
        for field_name, hint in self._hints.items():
            text = problems.get(field_name, "")
            hint.setText(text)
            hint.setVisible(bool(text) and (self._show_all_hints or field_name in self._touched))
        self._ok_button.setEnabled(not problems)
        # The disabled OK button says why, for a problem whose hint is not shown yet.
        self._ok_button.setToolTip(next(iter(problems.values()), ""))
        self.test_button.setEnabled(self._test_job is None and not CONNECTION_FIELDS & problems.keys())

    def _connection_settings(self) -> dict[str, object]:
        ca_file = self.ca_file_edit.text().strip()
        return {
            "host": self.host_edit.text().strip(),
            "port": self.port_spin.value(),
            "security": self._security(),
            "user": self.user_edit.text(),
            "email": self.address_edit.text().strip(),
            "ca_file": str(Path(ca_file).resolve()) if ca_file else None,
            "pinned_cert_sha256": self._pinned_sha256,
            "allow_insecure_auth": self.insecure_check.isChecked(),
            "use_apop": self.apop_check.isChecked(),
            "timeout_seconds": float(self.timeout_spin.value()),
            "pipelining": self.pipelining_check.isChecked(),
        }

    def _policy(self) -> ServerPolicy:
        mode = self._leave_mode()
        return ServerPolicy(
            leave_mode=mode,
            delete_after_days=self.days_spin.value() if mode is LeaveMode.DELETE_AFTER_DAYS else 0,
            max_message_bytes=self.size_spin.value() * MEBIBYTE if self.size_check.isChecked() else None)

    def account_from_fields(self) -> Account:
        """The account as the fields describe it (not saved). Raises ValueError when invalid."""
        settings = self._connection_settings()
        settings.update(
            name=self.name_edit.text().strip(), display_name=self.display_name_edit.text().strip(),
            policy=self._policy(), check_interval_minutes=self.interval_spin.value(),
            remember_password=self._remember_choice())
        settings["check_at_startup"] = self.startup_check.isChecked()
        if self._original is not None:
            # replace() keeps whatever the dialog does not show, including the id.
            return dataclasses.replace(self._original, **settings)  # type: ignore[arg-type]
        return Account(**settings)  # type: ignore[arg-type]

    def _remember_choice(self) -> bool:
        # Editing while no keyring is reachable (a session without D-Bus, say) keeps the stored
        # choice: the keyring is missing for now, which is not the user asking to forget.
        if not self._secure_storage and self._original is not None:
            return self._original.remember_password
        return self.remember_check.isChecked()

    def _account_for_test(self) -> Account:
        settings = self._connection_settings()
        # The test needs only the connection; a name keeps Account's own checks happy.
        return Account(name=self.name_edit.text().strip() or str(settings["host"]), **settings)  # type: ignore[arg-type]

    # -- connection test ------------------------------------------------------------------------

    @Slot()
    def _start_test(self) -> None:
        if self._test_job is not None:
            return
        try:
            account = self._account_for_test()
        except ValueError as error:
            self._show_test_html(_paragraph(HINT_COLOR, self.tr("Cannot test yet:"), str(error)))
            return
        typed = self.password_edit.text() or None
        stored_key = None
        if typed is None and self._original is not None and self._original.remember_password and self._secure_storage:
            stored_key = self._original.credential_key
        self._tested_account = account
        self._test_cancel = CancelToken()
        job = BackgroundJob(_connection_test_function(account, typed, stored_key, self._test_cancel))
        job.succeeded.connect(self._on_test_succeeded)
        job.failed.connect(self._on_test_failed)
        job.finished.connect(self._on_test_finished)
        self._test_job = job
        self.test_button.setEnabled(False)
        self.trust_button.hide()
        self.test_busy.show()
        self._show_test_html(f"<p>{html.escape(self.tr('Testing {server}…').format(server=account.host))}</p>")
        job.start()

    def _show_test_html(self, text: str) -> None:
        self.test_result.setHtml(text)
        self.test_result.show()
        self._schedule_fit()

    @Slot(object)
    def _on_test_succeeded(self, report: object) -> None:
        assert isinstance(report, ConnectionReport)
        self._last_report = report

    @Slot(object)
    def _on_test_failed(self, error: object) -> None:
        # run_connection_test never raises on purpose, so this is a bug: shown rather than hidden.
        self._last_report = None
        self._test_crash = repr(error)

    @Slot()
    def _on_test_finished(self) -> None:
        """Show the outcome once the thread has ended, so "Test" and "Trust" work at once."""
        self._test_job = None
        self._test_cancel = None
        self.test_busy.hide()
        report, self._last_report = self._last_report, None
        if report is not None and self._tested_account is not None:
            self._offered_sha256 = report.rejected_certificate_sha256
            self._show_test_html(describe_report(report, self._tested_account, ui_language()))
        else:
            self._offered_sha256 = ""
            self._show_test_html(_paragraph(HINT_COLOR, self.tr("The test itself failed:"), self._test_crash))
        self.trust_button.setVisible(bool(self._offered_sha256))
        self._validate()
        self.connection_tested.emit(report)

    @Slot()
    def _trust_offered_certificate(self) -> None:
        if not self._offered_sha256:
            return
        self._set_pin(self._offered_sha256)
        self._offered_sha256 = ""
        self._start_test()

    def _release_test_job(self) -> None:
        """Let a running test finish on its own: cancel it and keep it referenced until it ends."""
        job, self._test_job = self._test_job, None
        if job is None:
            return
        if self._test_cancel is not None:
            self._test_cancel.cancel()
        for signal in (job.succeeded, job.failed, job.finished):
            signal.disconnect()
        _orphaned_jobs.add(job)
        job.finished.connect(lambda: _orphaned_jobs.discard(job))

    # -- saving ---------------------------------------------------------------------------------

    def accept(self) -> None:
        if not self._ok_button.isEnabled():
            return
        try:
            account = self.account_from_fields()
            saved = self._save(account, self.password_edit.text())
        except ValueError as error:
            self._show_save_error(str(error))
            return
        except PoplarkError as error:
            self._show_save_error(self._save_error_text(error))
            return
        self.account = saved
        self.check_at_startup = self.startup_check.isChecked()
        stored = saved.remember_password and self._secure_storage
        self.session_password = None if stored else (self.password_edit.text() or None)
        super().accept()

    def _save(self, account: Account, password: str) -> Account:
        """Write the account and its password; on a keyring failure nothing new stays saved.

        Done on the GUI thread on purpose: the row and its secret are written as one step that a
        closed dialog cannot interrupt halfway, and both are local (SQLite, keyring IPC).
        """
        if self._original is None:
            saved = self.store.add_account(account)
            if saved.remember_password:
                try:
                    credentials.store_password(saved.credential_key, password)
                except PoplarkError:
                    # Keep no account behind whose password was never stored (as the CLI does).
                    self.store.remove_account(saved.name)
                    raise
            return saved
        # Without a keyring nothing can be stored or forgotten now: the password is for this session.
        if self._secure_storage and account.remember_password and password:
            credentials.store_password(account.credential_key, password)
        elif self._secure_storage and not account.remember_password and self._original.remember_password:
            credentials.delete_password(account.credential_key)
        self.store.update_account(account)
        return account

    def _save_error_text(self, error: PoplarkError) -> str:
        if isinstance(error, CredentialsError):
            return self.tr("The password could not be saved in the system keyring, so nothing was "
                           "saved. Unlock the keyring or untick “Remember password”, then try again. "
                           "({details})").format(details=str(error))
        return self.tr("The account could not be saved: {details}").format(details=str(error))

    def _show_save_error(self, text: str) -> None:
        self.save_error.setText(text)
        self.save_error.show()

    def done(self, result: int) -> None:
        self._release_test_job()
        super().done(result)

    # -- size -----------------------------------------------------------------------------------

    def _schedule_fit(self) -> None:
        # After the queued layout requests of this change, when every nested layout knows its size.
        if not self._fit_scheduled:
            self._fit_scheduled = True
            QTimer.singleShot(0, self, self._fit_to_contents)

    @Slot()
    def _fit_to_contents(self) -> None:
        """Grow to the height the word-wrapped notes need at the current width.

        A window's minimum size comes from its layout's minimum sizes, which ignore height for
        width, and a tab page does not pass it on either: without this a long provider note or
        test report is squeezed into lines cut in half.
        """
        self._fit_scheduled = False
        for widget in self.findChildren(QWidget):
            nested = widget.layout()
            if nested is not None:
                nested.invalidate()  # cached heights from before the change
        layout = self.layout()
        if layout is None:
            return
        layout.invalidate()
        needed = layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth() else -1
        if needed <= 0:
            return
        self.setMinimumHeight(needed)
        if self.height() < needed:
            self.resize(self.width(), needed)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._schedule_fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._schedule_fit()


def _connection_test_function(account: Account, typed_password: str | None, stored_key: str | None,
                              cancel: CancelToken) -> Callable[[ProgressCallback], ConnectionReport]:
    """The work of one test, run in the job's thread: read the stored password, then test."""

    def run(_report: ProgressCallback) -> ConnectionReport:
        password = typed_password
        if password is None and stored_key is not None:
            try:
                password = credentials.load_password(stored_key)
            except PoplarkError:
                password = None  # the report then says the login was not tested
        return run_connection_test(account, password, cancel=cancel)

    return run
