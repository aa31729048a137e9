"""The SMTP half of the connection test's report, in the same words and colours as the POP3 half.

It follows the POP3 paragraphs under its own heading, because the two servers are often different
machines with different answers: reachable or not, encrypted or not, whether the login works (the
same password as POP3's, unless set apart), and the largest message the server takes. Nothing is
sent: :func:`app.core.send.check.check_smtp` stops after the login.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QLocale

from app.core.errors import AuthError, TlsError
from app.core.model import Account, AuthMethod, Security
from app.core.providers import provider_for_address
from app.core.send.check import SmtpCheck
from app.ui.dialogs.account_dialog.certificates import short_name
from app.ui.dialogs.account_dialog.report import error_sentence, login_hint, paragraph
from app.ui.dialogs.account_dialog.style import GOOD_COLOR, HINT_COLOR, WARNING_COLOR, translate, ui_language


def describe_smtp_check(check: SmtpCheck, account: Account) -> str:
    """HTML paragraphs for the SMTP server's part of the test, after a heading naming it."""
    smtp = account.smtp
    if smtp is None:
        return ""
    where = f"{smtp.host}:{smtp.effective_port}"
    heading = "<p style='margin-top:10px'><b>{}</b></p>".format(html.escape(
        translate("AccountDialog", "Sending mail (SMTP, {server})").format(server=where)))
    error = check.error
    if not check.reachable:
        assert error is not None
        return heading + paragraph(HINT_COLOR, translate("AccountDialog", "Not reachable."), error_sentence(error),
                                   _details(error))
    parts = [heading]
    if isinstance(error, TlsError) and check.tls is None:
        parts.append(paragraph(HINT_COLOR, translate("AccountDialog", "Secure connection failed."),
                               error_sentence(error), _details(error)))
        return "".join(parts)
    if check.tls is not None:
        certificate = ""
        if check.tls.subject:
            certificate = translate("AccountDialog", "Certificate for {subject}.").format(
                subject=short_name(check.tls.subject))
        parts.append(paragraph(GOOD_COLOR, translate("AccountDialog", "Encrypted."), translate(
            "AccountDialog", "{version} ({cipher}).").format(version=check.tls.version, cipher=check.tls.cipher),
            certificate))
    elif smtp.security is Security.NONE:
        parts.append(paragraph(WARNING_COLOR, translate("AccountDialog", "Not encrypted."), translate(
            "AccountDialog", "What you send, and the password if it is sent, crosses the network readably.")))
    parts.append(_login(check, account))
    if check.size_limit:
        parts.append(paragraph(GOOD_COLOR, translate("AccountDialog", "Largest message:"), translate(
            "AccountDialog", "the server takes messages up to {size}.").format(
                size=QLocale().formattedDataSize(check.size_limit))))
    return "".join(parts)


def failed_smtp_warning(check: SmtpCheck | None) -> str | None:
    """The question before saving settings whose SMTP test just failed (None: it passed, or no test)."""
    if check is None or check.error is None:
        return None
    error = check.error
    if not check.reachable:
        first = translate("AccountDialog", "The SMTP server could not be reached.")
    elif check.login_ok is False:
        first = translate("AccountDialog", "The SMTP server did not accept the login.")
    else:
        first = translate("AccountDialog", "The SMTP server test failed.")
    question = translate("AccountDialog", "Save anyway? Poplark will then fail to send mail until the "
                                          "settings or the server are right.")
    return f"{first} {error_sentence(error)} {_details(error)}\n\n{question}"


def _details(error: Exception) -> str:
    return translate("AccountDialog", "Details: {details}").format(details=str(error))


def _login(check: SmtpCheck, account: Account) -> str:
    if check.login_ok:
        return paragraph(GOOD_COLOR, translate("AccountDialog", "Login works."),
                         translate("AccountDialog", "Poplark can send mail through this server."))
    error = check.error
    if check.login_ok is False and error is not None:
        said = (translate("AccountDialog", "The server said: “{text}”").format(text=error.server_text)
                if error.server_text else _details(error))
        failed = paragraph(HINT_COLOR, translate("AccountDialog", "Login failed."), error_sentence(error), said)
        if not isinstance(error, AuthError) or account.auth is AuthMethod.OAUTH2:
            return failed
        advice = login_hint(provider_for_address(account.email or account.user), ui_language())
        if account.smtp is not None and account.smtp.separate_password:
            advice = translate("AccountDialog", "Check the separate password for sending on the Sending tab.")
        return failed + paragraph(WARNING_COLOR, translate("AccountDialog", "What to do:"), advice)
    if account.auth is AuthMethod.OAUTH2:
        return paragraph(WARNING_COLOR, translate("AccountDialog", "Login not tested:"),
                         translate("AccountDialog", "sign in first to test it too."))
    return paragraph(WARNING_COLOR, translate("AccountDialog", "Login not tested:"),
                     translate("AccountDialog", "type the password to test it too."))
