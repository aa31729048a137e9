"""'Test connection': what a user needs to know about a server before trusting it with mail.

One short session: connect, TLS, CAPA, login, STAT, QUIT. Every step's outcome is kept, so the
dialog or the CLI can say "reachable, TLS 1.3, certificate for pop.example.com, login refused"
instead of just "failed".
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from app.core.cancel import CancelToken
from app.core.errors import PoplarkError, TlsError
from app.core.model import Account
from app.core.pop3.auth import Secret
from app.core.pop3.capabilities import Capabilities
from app.core.pop3.client import Pop3Client
from app.core.pop3.connection import TlsInfo


@dataclass
class ConnectionReport:
    reachable: bool = False
    greeting: str = ""
    tls: TlsInfo | None = None
    capabilities: Capabilities = field(default_factory=Capabilities)
    #: None: login not tried (no password, or the connection failed first).
    login_ok: bool | None = None
    mechanism: str = ""
    message_count: int | None = None
    mailbox_bytes: int | None = None
    error: PoplarkError | None = None
    #: For an untrusted certificate: its SHA-256, so the user can choose to trust exactly it.
    rejected_certificate_sha256: str = ""


def run_connection_test(account: Account, password: str | Secret | None, *,
                        cancel: CancelToken | None = None) -> ConnectionReport:
    """Never raises the error vocabulary: failures are in the report."""
    report = ConnectionReport()
    client = Pop3Client(account.host, account.effective_port, account.security,
                        timeout=min(account.timeout_seconds, 30.0), ca_file=account.ca_file,
                        pinned_cert_sha256=account.pinned_cert_sha256, cancel=cancel)
    try:
        client.connect()
    except TlsError as error:
        report.reachable = True  # something answered; the TLS layer is what failed
        report.error = error
        report.rejected_certificate_sha256 = error.fingerprint_sha256
        return report
    except PoplarkError as error:
        report.error = error
        return report
    report.reachable = True
    report.greeting = client.greeting
    report.tls = client.tls
    report.capabilities = client.capabilities
    if password is None:
        client.abort()
        return report
    try:
        client.login(account.user, password, allow_insecure_auth=account.allow_insecure_auth,
                     use_apop=account.use_apop)
        report.login_ok = True
        report.mechanism = client.mechanism
        report.capabilities = _after_login(report.capabilities, client.capabilities)
        report.message_count, report.mailbox_bytes = client.stat()
        client.quit()
    except PoplarkError as error:
        report.login_ok = False if report.login_ok is None else report.login_ok
        report.error = error
        client.abort(error)
    return report


def _after_login(before: Capabilities, after: Capabilities) -> Capabilities:
    """The capabilities to show once logged in.

    RFC 2449 section 6.5/6.7: LOGIN-DELAY and EXPIRE may change per user after login, so those
    come from the second CAPA; but SASL and USER are AUTHORIZATION-state capabilities that many
    servers (Dovecot) no longer list then. Without them the report said "SASL: none" beside
    "Login: OK (PLAIN)".
    """
    if not before.known or not after.known:
        return after if after.known else before
    return replace(after, names=before.names | after.names,
                   sasl_mechanisms=after.sasl_mechanisms or before.sasl_mechanisms,
                   raw_lines=tuple(dict.fromkeys(before.raw_lines + after.raw_lines)))
