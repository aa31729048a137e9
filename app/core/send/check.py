"""'Test connection' for sending: reach the account's SMTP server, secure the link, read what it
announces (its size limit, its login mechanisms), and try the login, without sending anything.

Every step's outcome is kept, as for POP3 (:mod:`app.core.connection_test`), so the account dialog
and ``poplark account test NAME --smtp`` can say "reachable, TLS 1.3, login refused" instead of
just "failed".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.core.cancel import CancelToken
from app.core.errors import ConfigError, PoplarkError, TlsError
from app.core.model import Account
from app.core.pop3.auth import Secret
from app.core.pop3.connection import TlsInfo
from app.core.send.smtp import SmtpSession


@dataclass
class SmtpCheck:
    reachable: bool = False
    greeting: str = ""
    tls: TlsInfo | None = None
    #: The largest message the server takes (its SIZE), None when it does not say.
    size_limit: int | None = None
    #: What the server offers after EHLO (on the secured link), upper case.
    extensions: list[str] = field(default_factory=list)
    #: None: login not tried (no password, or the connection failed first).
    login_ok: bool | None = None
    error: PoplarkError | None = None
    rejected_certificate_sha256: str = ""


def check_smtp(account: Account, password: str | Secret | None, *,
               cancel: CancelToken | None = None) -> SmtpCheck:
    """Never raises the error vocabulary: failures are in the report."""
    report = SmtpCheck()
    if account.smtp is None:
        report.error = ConfigError(f"{account.name} has no SMTP server: set one in the account settings")
        return report
    smtp = account.smtp
    session = SmtpSession(smtp.host, smtp.effective_port, smtp.security, timeout=min(account.timeout_seconds, 30.0),
                          ca_file=account.ca_file, pinned_cert_sha256=account.pinned_cert_sha256, cancel=cancel)
    try:
        session.connect()
    except TlsError as error:
        report.reachable = True  # something answered; the TLS layer is what failed
        report.error = error
        report.rejected_certificate_sha256 = error.fingerprint_sha256
        return report
    except PoplarkError as error:
        report.error = error
        return report
    report.reachable = True
    report.greeting, report.tls = session.greeting, session.tls
    report.size_limit, report.extensions = session.size_limit, session.extensions
    if password is None:
        session.close()
        return report
    try:
        session.login(account.smtp_user, password, allow_insecure_auth=account.allow_insecure_auth)
        report.login_ok = True
        session.quit()
    except PoplarkError as error:
        report.login_ok = False
        report.error = error
        session.close()
    return report
