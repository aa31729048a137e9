"""SMTP replies turned into the error vocabulary, each sentence saying what to do next.

The classes here refine classes of :mod:`app.core.errors` (a refused recipient is a
PermanentServerError, say), so the error policy, the CLI and the window treat them as those; they
add what SMTP tells and the user needs: which recipients were refused.
"""

from __future__ import annotations

from app.core.errors import (
    MessageTooLarge,
    NotTlsPort,
    PermanentServerError,
    PoplarkError,
    StartTlsUnavailable,
    TemporaryServerError,
    TlsError,
    TlsPortWithoutTls,
)


class RecipientsRefused(PermanentServerError):
    """The server refused recipients for good (5xx to RCPT TO). Nothing was sent to anyone."""

    def __init__(self, refused: dict[str, str]) -> None:
        addresses = ", ".join(refused)
        said = "; ".join(f"{address}: {text}" for address, text in refused.items())
        super().__init__(f"the server refused the recipient(s) {addresses}, so the message was sent to no one; "
                         "correct or remove the address(es), then send it again", server_text=said)
        self.refused = refused


class RecipientsDeferred(TemporaryServerError):
    """The server refused recipients for now (4xx to RCPT TO); the message waits and is retried."""

    def __init__(self, deferred: dict[str, str]) -> None:
        addresses = ", ".join(deferred)
        said = "; ".join(f"{address}: {text}" for address, text in deferred.items())
        super().__init__(f"the server cannot take the recipient(s) {addresses} right now; the message waits "
                         "in the outbox and is tried again later", server_text=said)
        self.deferred = deferred


class SmtpStartTlsUnavailable(StartTlsUnavailable):
    """STARTTLS was asked for and the SMTP server does not offer it (or refused it): never sent in
    clear text instead; the fix is SSL/TLS on port 465."""

    tls_port = 465


class SmtpCertificateRejected(TlsError):
    """The SMTP server's certificate is not trusted (its fingerprint kept, as for POP3)."""

    test_command = "poplark account test NAME --smtp"


class SmtpNotTlsPort(NotTlsPort):
    """SSL/TLS was chosen and the port answered in plain text: a submission port (587, STARTTLS)."""

    ports = "587 (STARTTLS) or 465 (SSL/TLS)"


class SmtpTlsPortWithoutTls(TlsPortWithoutTls):
    """STARTTLS or no security was chosen and the port waits for a TLS handshake: 465."""

    tls_port = 465


class ServiceClosing(TemporaryServerError):
    """421: the server is closing the connection (shutting down, too many errors); later."""


class DeliveryUnknown(PoplarkError):
    """The link ended after the final "." of DATA and before the server's reply: the message may
    have been delivered. It is never resent by itself; the user decides."""


def reply_error(code: int, text: str, during: str) -> PoplarkError:
    """The error for a negative reply ``code`` to ``during`` ("MAIL FROM", "DATA", ...)."""
    lowered = text.lower()
    if code == 552 or "5.3.4" in text or (code >= 500 and ("too large" in lowered or "too big" in lowered
                                                           or "size" in lowered)):
        return MessageTooLarge(f"the server refused the message as too large ({code} to {during}); remove or "
                               "shrink attachments, or send them as links, then send it again", server_text=text)
    if code == 421:
        return ServiceClosing(f"the server is closing the connection ({code} to {during}); the message waits in "
                              "the outbox and is tried again later", server_text=text)
    if 400 <= code < 500:
        return TemporaryServerError(f"the server cannot take the message right now ({code} to {during}); it "
                                    "waits in the outbox and is tried again later", server_text=text)
    return PermanentServerError(f"the server refused the message ({code} to {during}); read what it said, "
                                "change the message or ask the provider, then send it again from the outbox",
                                server_text=text)
