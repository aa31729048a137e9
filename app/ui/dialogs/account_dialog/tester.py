"""The "Test connection" part of the account dialog: run the test off the GUI thread, show its report.

:func:`app.core.connection_test.run_connection_test` connects, logs in and asks the server what it
supports; here it runs in a :class:`BackgroundJob` so the dialog never waits on the network
(docs/architecture.md, invariant 7), with a busy bar meanwhile. The report is shown once the job's thread has
ended, so "Test" and "Trust this certificate" work at once. A test cannot be stopped mid-connect:
when the dialog closes, a running test is cancelled and left to finish on its own, still
referenced (:func:`unfinished_jobs`) so its thread is never destroyed while running.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QFrame, QProgressBar, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from app.core import credentials
from app.core.cancel import CancelToken
from app.core.connection_test import ConnectionReport, run_connection_test
from app.core.errors import PoplarkError
from app.core.model import Account, AuthMethod
from app.core.oauth.account_tokens import token_source
from app.core.pop3.auth import Secret
from app.core.send.check import SmtpCheck, check_smtp
from app.ui.dialogs.account_dialog.report import describe_report, paragraph
from app.ui.dialogs.account_dialog.smtp_report import describe_smtp_check
from app.ui.dialogs.account_dialog.style import HINT_COLOR, row, translate, ui_language
from app.ui.workers.background import BackgroundJob, ProgressCallback

#: Jobs still finishing after their dialog closed. Kept referenced so their QThread is never
#: destroyed while running; the application can wait for them at shutdown.
_orphaned_jobs: set[BackgroundJob] = set()


def unfinished_jobs() -> list[BackgroundJob]:
    """Connection tests still running for dialogs that were already closed."""
    return list(_orphaned_jobs)


@dataclass(frozen=True)
class TestSecrets:
    """What a test logs in with: typed now, or read in the job's thread (the keyring may block)."""

    #: A typed password (or authorization code), or the access token of a sign-in made just now.
    typed: str | Secret | None = field(default=None, repr=False)
    #: The keyring entry of the saved password, when none was typed.
    stored_key: str | None = None
    #: The SMTP password typed apart, and the entry of the saved one.
    smtp_typed: str | None = field(default=None, repr=False)
    smtp_stored_key: str | None = None
    #: A saved OAuth2 account: its access token comes from its refresh token in the keyring.
    signed_in: Account | None = None


@dataclass
class TestOutcome:
    """The POP3 report and, when the account has an SMTP server, the SMTP check."""

    report: ConnectionReport
    smtp: SmtpCheck | None = None


class ConnectionTestPanel(QWidget):
    """The test button with its busy bar, the report, and the button that trusts an offered certificate."""

    #: The test has ended and its report is shown (None: the test itself crashed).
    test_ended = Signal(object)
    #: The user chose to trust the certificate with this SHA-256 fingerprint.
    trust_requested = Signal(str)
    #: The report changed, so the dialog's height may have to follow.
    report_shown = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._job: BackgroundJob | None = None
        self._cancel: CancelToken | None = None
        self._tested_account: Account | None = None
        self._last_report: ConnectionReport | None = None
        #: The SMTP half of the last test (None: the account has no SMTP server, or no test yet).
        self.last_smtp: SmtpCheck | None = None
        self._crash = ""
        self._offered_sha256 = ""
        self.test_button = QPushButton(translate("AccountDialog", "Test connection"))
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
        self.trust_button = QPushButton(translate("AccountDialog", "Trust this certificate"))
        self.trust_button.setObjectName("trustButton")
        self.trust_button.hide()
        self.trust_button.clicked.connect(self._trust_offered_certificate)
        # The same spacing as the dialog's field cells (style.stacked).
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(row(self.test_button, self.test_busy))
        layout.addWidget(self.test_result)
        layout.addWidget(row(self.trust_button))

    @property
    def running(self) -> bool:
        return self._job is not None

    def start(self, account: Account, secrets: TestSecrets) -> None:
        """Test ``account``'s POP3 server, then its SMTP server if it has one, with ``secrets``."""
        if self._job is not None:
            return
        self._tested_account = account
        self._cancel = CancelToken()
        job = BackgroundJob(_connection_test_function(account, secrets, self._cancel))
        job.succeeded.connect(self._on_succeeded)
        job.failed.connect(self._on_failed)
        job.finished.connect(self._on_finished)
        self._job = job
        self.test_button.setEnabled(False)
        self.trust_button.hide()
        self.test_busy.show()
        servers = account.host if account.smtp is None else f"{account.host}, {account.smtp.host}"
        testing = translate("AccountDialog", "Testing {server}…").format(server=servers)
        self.show_html(f"<p>{html.escape(testing)}</p>")
        job.start()

    def show_problem(self, heading: str, text: str) -> None:
        self.show_html(paragraph(HINT_COLOR, heading, text))

    def show_html(self, text: str) -> None:
        self.test_result.setHtml(text)
        self.test_result.show()
        self.report_shown.emit()

    @Slot(object)
    def _on_succeeded(self, outcome: object) -> None:
        assert isinstance(outcome, TestOutcome)
        self._last_report, self.last_smtp = outcome.report, outcome.smtp

    @Slot(object)
    def _on_failed(self, error: object) -> None:
        # run_connection_test never raises on purpose, so this is a bug: shown rather than hidden.
        self._last_report, self.last_smtp = None, None
        self._crash = repr(error)

    @Slot()
    def _on_finished(self) -> None:
        self._job = None
        self._cancel = None
        self.test_busy.hide()
        report, self._last_report = self._last_report, None
        if report is not None and self._tested_account is not None:
            self._offered_sha256 = report.rejected_certificate_sha256
            smtp = describe_smtp_check(self.last_smtp, self._tested_account) if self.last_smtp else ""
            self.show_html(describe_report(report, self._tested_account, ui_language()) + smtp)
        else:
            self._offered_sha256 = ""
            self.show_problem(translate("AccountDialog", "The test itself failed:"), self._crash)
        self.trust_button.setVisible(bool(self._offered_sha256))
        self.test_ended.emit(report)

    @Slot()
    def _trust_offered_certificate(self) -> None:
        if self._offered_sha256:
            fingerprint, self._offered_sha256 = self._offered_sha256, ""
            self.trust_requested.emit(fingerprint)

    def release(self) -> None:
        """Let a running test finish on its own: cancel it and keep it referenced until it ends."""
        job, self._job = self._job, None
        if job is None:
            return
        if self._cancel is not None:
            self._cancel.cancel()
        for signal in (job.succeeded, job.failed, job.finished):
            signal.disconnect()
        _orphaned_jobs.add(job)
        job.finished.connect(lambda: _orphaned_jobs.discard(job))


def _connection_test_function(account: Account, secrets: TestSecrets,
                              cancel: CancelToken) -> Callable[[ProgressCallback], TestOutcome]:
    """The work of one test, run in the job's thread: read the stored secrets, then test both servers."""

    def run(_report: ProgressCallback) -> TestOutcome:
        secret = _pop3_secret(account, secrets)
        outcome = TestOutcome(run_connection_test(account, secret, cancel=cancel))
        if account.smtp is not None and not cancel.cancelled:
            smtp_secret = secret
            if account.smtp.separate_password:
                smtp_secret = secrets.smtp_typed or _stored(secrets.smtp_stored_key)
            outcome.smtp = check_smtp(account, smtp_secret, cancel=cancel)
        return outcome

    return run


def _stored(key: str | None) -> str | None:
    if key is None:
        return None
    try:
        return credentials.load_password(key)
    except PoplarkError:
        return None  # the report then says the login was not tested


def _pop3_secret(account: Account, secrets: TestSecrets) -> str | Secret | None:
    if secrets.typed is not None:
        return secrets.typed
    if account.auth is AuthMethod.OAUTH2:
        if secrets.signed_in is None:
            return None
        try:
            return token_source(secrets.signed_in).token()
        except PoplarkError:
            return None  # not signed in (any more): the login is not tested, the dialog says why
    return _stored(secrets.stored_key)
