"""The connection test's report in plain words: one short paragraph per question a user has.

Whether the server can be reached, whether the link is encrypted (and with which certificate),
whether the login works, and what the server supports, in that order: whether it works comes
before the details. When something fails, the report says what to do, in the user's language;
the error's own text and the server's words follow as details, because they are often the only
explanation a provider gives. The result is HTML for the dialog's report browser.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QLocale

from app.core.connection_test import ConnectionReport
from app.core.errors import (
    AuthError,
    ConfigError,
    ConnectError,
    MailboxBusy,
    PermanentServerError,
    PoplarkError,
    ProtocolError,
    SignInAgain,
    TemporaryServerError,
    TlsError,
    TokenRejected,
)
from app.core.model import Account, AuthMethod, Security
from app.core.pop3.connection import TlsInfo
from app.core.providers import Provider, provider_for_address
from app.ui.dialogs.account_dialog.certificates import certificate_expiry, format_fingerprint, short_name
from app.ui.dialogs.account_dialog.style import GOOD_COLOR, HINT_COLOR, WARNING_COLOR, translate

_SENTENCE_ENDINGS = (".", "!", "?", ":", "”", "。", "！", "？", "：")


def _sentence(text: str) -> str:
    """Server and error texts often lack a full stop; add one so sentences do not run together."""
    text = text.strip()
    return text if not text or text.endswith(_SENTENCE_ENDINGS) else text + "."


def paragraph(color: str, heading: str, *sentences: str) -> str:
    """A coloured heading followed by sentences, each ended with a full stop; all text escaped."""
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
    if isinstance(error, SignInAgain | TokenRejected):
        return translate("AccountDialog", "The server did not accept the sign-in. Sign in again; if that does "
                         "not help, check that POP (or SMTP) is switched on for the account.")
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


def failed_test_warning(report: ConnectionReport | None) -> str | None:
    """The question before saving settings whose connection test just failed (None: it passed).

    ``report`` None means the test itself crashed: that says nothing about the server.
    """
    if report is None or report.error is None:
        return None
    error = report.error
    if not report.reachable:
        first = translate("AccountDialog", "The server could not be reached.")
    elif report.login_ok is False:
        first = translate("AccountDialog", "The server did not accept the login.")
    else:
        first = translate("AccountDialog", "The connection test failed.")
    reason = " ".join(_sentence(part) for part in (error_sentence(error), _details(error)))
    question = translate("AccountDialog", "Save anyway? Poplark will then fail to get mail until the "
                                          "settings or the server are right.")
    return f"{first} {reason}\n\n{question}"


def login_hint(provider: Provider | None, language: str) -> str:
    """Advice after a refused login: the provider's own note, or the common causes."""
    if provider is not None and provider.note:
        return provider.note_for(language)
    return translate("AccountDialog", "Check the user name and password. Some providers (QQ, 163, 126, "
                     "and Gmail with 2-step verification) need an authorization code or app password "
                     "instead of your web password.")

def _reachability_section(report: ConnectionReport, account: Account) -> str:
    where = f"{account.host}:{account.effective_port}"
    if not report.reachable:
        assert report.error is not None
        return paragraph(HINT_COLOR, translate("AccountDialog", "Not reachable."), error_sentence(report.error),
                          _details(report.error))
    greeting = ""
    if report.greeting:
        greeting = translate("AccountDialog", "It said: “{greeting}”").format(greeting=report.greeting)
    return paragraph(GOOD_COLOR, translate("AccountDialog", "Reachable."),
                      translate("AccountDialog", "{server} answered.").format(server=where), greeting)


def _rejected_certificate_section(report: ConnectionReport, error: TlsError) -> str:
    if not report.rejected_certificate_sha256:
        return paragraph(HINT_COLOR, translate("AccountDialog", "Secure connection failed."),
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
    return (paragraph(HINT_COLOR, translate("AccountDialog", "Certificate not trusted."), _details(error),
                       subject, translate("AccountDialog", "Its SHA-256 fingerprint is:"))
            + f"<p><code>{fingerprint}</code></p>"
            + paragraph(WARNING_COLOR, translate("AccountDialog", "What to do:"), advice))


def _certificate_sentence(tls: TlsInfo) -> str:
    if tls.pinned:
        return translate("AccountDialog", "This is the exact certificate you chose to trust.")
    if not tls.subject:
        return ""
    return translate("AccountDialog", "Certificate for {subject}, issued by {issuer}, valid until {expiry}.").format(
        subject=short_name(tls.subject), issuer=short_name(tls.issuer) or "?",
        expiry=certificate_expiry(tls.not_after))


def _encryption_section(report: ConnectionReport, account: Account) -> str:
    if isinstance(report.error, TlsError) and report.tls is None:
        return _rejected_certificate_section(report, report.error)
    if report.tls is not None:
        link = translate("AccountDialog", "{version} ({cipher}).").format(
            version=report.tls.version, cipher=report.tls.cipher)
        return paragraph(GOOD_COLOR, translate("AccountDialog", "Encrypted."), link,
                          _certificate_sentence(report.tls))
    if report.reachable and account.security is Security.NONE:
        return paragraph(WARNING_COLOR, translate("AccountDialog", "Not encrypted."), translate(
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
        return paragraph(WARNING_COLOR, translate("AccountDialog", "Features:"), translate(
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


def _login_section(report: ConnectionReport, provider: Provider | None, language: str, oauth2: bool) -> str:
    if report.login_ok:
        size = QLocale().formattedDataSize(report.mailbox_bytes or 0)
        return paragraph(GOOD_COLOR, translate("AccountDialog", "Login works."), translate(
            "AccountDialog", "Signed in with {mechanism}. The mailbox holds {count} message(s), {size}.").format(
                mechanism=report.mechanism, count=report.message_count or 0, size=size))
    if report.login_ok is False and report.error is not None:
        error = report.error
        said = (translate("AccountDialog", "The server said: “{text}”").format(text=error.server_text)
                if error.server_text else _details(error))
        failed = paragraph(HINT_COLOR, translate("AccountDialog", "Login failed."), error_sentence(error), said)
        if not isinstance(error, AuthError) or oauth2:
            return failed
        return failed + paragraph(WARNING_COLOR, translate("AccountDialog", "What to do:"),
                                   login_hint(provider, language))
    if report.greeting and oauth2:
        return paragraph(WARNING_COLOR, translate("AccountDialog", "Login not tested:"),
                         translate("AccountDialog", "sign in first to test it too."))
    if report.greeting:
        return paragraph(WARNING_COLOR, translate("AccountDialog", "Login not tested:"),
                          translate("AccountDialog", "type the password to test it too."))
    return ""


def describe_report(report: ConnectionReport, account: Account, language: str) -> str:
    """The connection test's outcome as short HTML paragraphs, one per question a user has."""
    provider = provider_for_address(account.email or account.user)
    # Whether it works comes before the details of what the server supports.
    sections = (_reachability_section(report, account), _encryption_section(report, account),
                _login_section(report, provider, language, account.auth is AuthMethod.OAUTH2),
                _features_section(report))
    return "".join(section for section in sections if section)
