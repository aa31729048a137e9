"""The window's sentences for what goes wrong when sending: the SMTP side of app/ui/errors.py.

Each says what happened, in the server's own words where it gave any, where the message is now
(it is always in the Outbox or in Sent) and what to do next. Refused recipients are named; a 4xx
waits and is retried by itself, a 5xx waits for the user; nothing about TLS ever falls back to
clear text, and the sentence says so. Other kinds fall back to :func:`app.ui.errors.user_message`.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from app.core.errors import (
    AuthError,
    ConfigError,
    ConnectError,
    CredentialsError,
    FetchInProgress,
    MessageTooLarge,
    PermanentServerError,
    PoplarkError,
    StartTlsUnavailable,
    TemporaryServerError,
    TlsError,
)
from app.core.fingerprint import format_fingerprint
from app.core.send.replies import RecipientsDeferred, RecipientsRefused
from app.ui.errors import user_message

# lupdate finds the literal translate("errors", "...") calls.
translate = QCoreApplication.translate


def _fill(template: str, **values: str) -> str:
    for key, value in values.items():
        template = template.replace("{" + key + "}", value)
    return template


def _server_said(error: PoplarkError) -> str:
    if not error.server_text:
        return ""
    return _fill(translate("errors", " The server said: \u201c{text}\u201d."), text=error.server_text)


def send_error_text(error: Exception, account: str, subject: str | None = None) -> str:
    """The sentence for ``error`` while sending from ``account``. With ``subject``, the message of
    that subject failed for good and waits in the Outbox for the user; without, it (or the whole
    run: connection, login) waits to be retried, the messages still queued."""
    text = _sentence(error, account)
    if subject is not None:
        text = _fill(translate("errors", "\u201c{subject}\u201d was not sent."), subject=subject) + " " + text + " " + \
            translate("errors",
                "It waits in the Outbox as failed: correct the cause, then choose Send Again or Edit there, "
                "or Delete.")
    return text


def _sentence(error: Exception, account: str) -> str:
    if not isinstance(error, PoplarkError):
        return user_message(error, account).text
    said = _server_said(error)
    if isinstance(error, RecipientsRefused):
        return _fill(translate("errors",
            "The outgoing server of {account} refused the recipient(s) {addresses}, so the "
            "message was sent to no one.{server_said} Check the address(es)."),
                     account=account, addresses=", ".join(error.refused), server_said=said)
    if isinstance(error, RecipientsDeferred):
        return _fill(translate("errors",
            "The outgoing server of {account} cannot take the recipient(s) {addresses} right "
            "now.{server_said} The message waits in the Outbox and is tried again later by "
            "itself."), account=account, addresses=", ".join(error.deferred), server_said=said)
    if isinstance(error, MessageTooLarge):
        return _fill(translate("errors",
            "The outgoing server of {account} refused the message as too large.{server_said} "
            "Remove or shrink attachments, or send them as links."),
                     account=account, server_said=said)
    if isinstance(error, AuthError):
        return _fill(translate("errors",
            "The outgoing (SMTP) server of {account} did not accept the user name or password."
            "{server_said} Correct them in the account settings; the messages wait in the "
            "Outbox and go once the login works."), account=account, server_said=said)
    if isinstance(error, CredentialsError):
        return _fill(translate("errors",
            "Poplark has no password for the outgoing server of {account}. Enter it in the "
            "account settings; the messages wait in the Outbox."), account=account)
    if isinstance(error, TemporaryServerError):
        return _fill(translate("errors",
            "The outgoing server of {account} cannot take mail right now.{server_said} The "
            "messages wait in the Outbox and are tried again later by themselves."),
                     account=account, server_said=said)
    if isinstance(error, PermanentServerError):
        return _fill(translate("errors",
            "The outgoing server of {account} refused the message.{server_said} Read what it "
            "said; change the message or ask your provider."), account=account, server_said=said)
    if isinstance(error, StartTlsUnavailable):
        return _fill(translate("errors",
            "The outgoing server of {account} does not offer a secure connection (STARTTLS), "
            "so nothing was sent: Poplark never sends in clear text instead. Choose SSL/TLS on "
            "port 465 in the account settings."), account=account)
    if isinstance(error, TlsError):
        detail = str(error).rstrip(".")
        if error.fingerprint_sha256:
            detail += " (SHA-256 " + format_fingerprint(error.fingerprint_sha256, pairs_per_line=16) + ")"
        return _fill(translate("errors", "A secure connection to the outgoing server of {account} could not be set up "
                                "({detail}), so nothing was sent. Check the SMTP server name, port and security "
                                "in the account settings; the messages wait in the Outbox."),
                     account=account, detail=detail)
    if isinstance(error, ConnectError):
        return _fill(translate("errors",
            "Could not reach the outgoing server of {account} ({detail}). The messages wait in "
            "the Outbox and are tried again later by themselves."),
                     account=account, detail=str(error).rstrip("."))
    if isinstance(error, FetchInProgress):
        return _fill(translate("errors", "{account} is already sending from another Poplark window or command; the "
                                "messages go from there."), account=account)
    if isinstance(error, ConfigError):
        return _fill(translate("errors", "Sending from {account} needs attention: {detail}. The messages wait in the "
                                "Outbox."), account=account, detail=str(error).rstrip("."))
    return user_message(error, account).text


__all__ = ["send_error_text"]
