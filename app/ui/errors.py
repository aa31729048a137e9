"""The one place where the core's error vocabulary becomes sentences for people.

The core raises errors sorted by who can fix them (app/core/errors.py); here each becomes a title,
a text that says what happened and what to do next, the remedy the window should offer, and
whether it is quiet (status bar only: the problem usually goes away by itself, so a dialog would
only interrupt). Texts go through ``translate("errors", ...)`` with literal
source strings, so lupdate finds them; placeholders are named so translations may reorder them.

The core's own message (English, technical) is shown as a detail where it is the only precise
explanation, such as why a certificate was rejected; the server's text is quoted as it came,
because that is often the only hint a provider gives (QQ's "please use an authorization code").
"""

from __future__ import annotations

import enum
import errno
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication

from app.core.errors import (
    AuthError,
    Cancelled,
    ConfigError,
    ConnectError,
    CredentialsError,
    FetchInProgress,
    MailboxBusy,
    MessageTooLarge,
    NoSecureStorage,
    NotTlsPort,
    OutOfStep,
    PermanentServerError,
    PoplarkError,
    ProtocolError,
    ServerTimeout,
    SignInAgain,
    StartTlsUnavailable,
    StoreBusy,
    StoreChanged,
    StoreDamaged,
    StoreError,
    StoreFull,
    StoreIOError,
    StoreReadOnly,
    TemporaryServerError,
    TlsError,
    TlsPortWithoutTls,
    TokenRejected,
)
from app.core.fingerprint import format_fingerprint
from app.core.providers import needs_authorization_code

#: Details from unknown exceptions are cut here: a dialog is no place for a page of repr().
MAX_DETAIL_CHARACTERS = 300


class Remedy(enum.Enum):
    """What the window should offer the user next."""

    NONE = "none"
    ASK_PASSWORD = "ask_password"
    RETRY_LATER = "retry_later"
    TRUST_CERTIFICATE = "trust_certificate"
    EDIT_SETTINGS = "edit_settings"
    #: Sign in with the provider again in the browser (an OAuth2 grant that ended), then fetch.
    SIGN_IN = "sign_in"


@dataclass(frozen=True)
class UserMessage:
    title: str
    text: str
    remedy: Remedy
    #: Show in the status bar only, no dialog: the problem is expected to pass by itself.
    quiet: bool


def user_message(error: Exception, account_name: str) -> UserMessage:
    """The sentence for ``error``, which happened while working on the account ``account_name``.

    Subclasses are tested before their bases (OutOfStep before ProtocolError, ServerTimeout
    before ConnectError), so the most precise sentence wins.
    """
    translate = QCoreApplication.translate  # a local name: lupdate finds translate("errors", ...)
    name = account_name
    if isinstance(error, Cancelled):
        return UserMessage(
            translate("errors", "Cancelled"),
            _fill(translate("errors", "Stopped getting mail for {account}. Messages already downloaded are kept; "
                                      "get mail again to download the rest."), account=name),
            Remedy.NONE, quiet=True)
    if isinstance(error, SignInAgain):
        # The window offers the button (app/ui/sign_in_again.py): the browser sign-in, then a fetch.
        return UserMessage(
            translate("errors", "Sign in again"),
            _fill(translate("errors", "The sign-in of {account} has expired or was withdrawn by the provider."
                                      "{server_said} Press “Sign In Again” to sign in in your browser; Poplark then "
                                      "gets the mail."), account=name, server_said=_server_said(error)),
            Remedy.SIGN_IN, quiet=False)
    if isinstance(error, TokenRejected):
        return UserMessage(
            translate("errors", "Sign-in not accepted"),
            _fill(translate("errors", "The server of {account} refused the sign-in, even with a fresh token."
                                      "{server_said} Check that POP is switched on for the account and that the user "
                                      "name is the full address, then press “Sign In Again”."),
                  account=name, server_said=_server_said(error)),
            Remedy.SIGN_IN, quiet=False)
    if isinstance(error, AuthError) and error.mechanism in ("XOAUTH2", "OAUTHBEARER"):
        # An OAuth2 login refused as malformed: no password to ask for; the user name is the suspect.
        return UserMessage(
            translate("errors", "Sign-in not accepted"),
            _fill(translate("errors", "The server of {account} refused the OAuth2 login as malformed.{server_said} "
                                      "In the account settings, check that the user name is the full address."),
                  account=name, server_said=_server_said(error)),
            Remedy.EDIT_SETTINGS, quiet=False)
    if isinstance(error, AuthError):
        text = _fill(translate("errors", "The server of {account} did not accept the user name or password."
                                         "{server_said} Enter the password again."),
                     account=name, server_said=_server_said(error))
        if needs_authorization_code(error.host) and error.mechanism != "APOP":
            # Only where it is true: elsewhere (and with APOP) it sends people hunting for a code.
            text += " " + translate("errors", "QQ Mail, 163 and 126 accept only an authorization code (授权码) "
                                              "here, not the web mail password: create one in the web mail "
                                              "settings, after switching POP3 on.")
        return UserMessage(translate("errors", "Password not accepted"), text, Remedy.ASK_PASSWORD, quiet=False)
    if isinstance(error, CredentialsError):
        return _credentials_message(error, name)
    if isinstance(error, MailboxBusy):
        return UserMessage(
            translate("errors", "Mailbox busy"),
            _fill(translate("errors", "The mailbox of {account} is busy: another mail program may be checking it, or "
                                      "the server wants a longer pause between checks.{server_said} Poplark will try "
                                      "again later by itself."),
                  account=name, server_said=_server_said(error)),
            Remedy.RETRY_LATER, quiet=True)
    if isinstance(error, TemporaryServerError):
        return UserMessage(
            translate("errors", "Server problem"),
            _fill(translate("errors", "The server of {account} has a temporary problem.{server_said} Poplark will try "
                                      "again later by itself."),
                  account=name, server_said=_server_said(error)),
            Remedy.RETRY_LATER, quiet=True)
    if isinstance(error, ServerTimeout):
        return UserMessage(
            translate("errors", "Server stopped responding"),
            _fill(translate("errors", "The server of {account} stopped responding. Mail received so far is kept; "
                                      "Poplark will try again later by itself. If this keeps happening, check your "
                                      "network connection."), account=name),
            Remedy.RETRY_LATER, quiet=True)
    if isinstance(error, ConnectError):
        return UserMessage(
            translate("errors", "Server not reachable"),
            _fill(translate("errors", "Could not reach the server of {account} ({detail}). Poplark will try again "
                                      "later by itself. If this keeps happening, check your network connection and "
                                      "the server name and port in the account settings."),
                  account=name, detail=_detail(error)),
            Remedy.RETRY_LATER, quiet=True)
    if isinstance(error, TlsError):
        return _tls_message(error, name)
    if isinstance(error, ConfigError):
        return UserMessage(
            translate("errors", "Settings need attention"),
            _fill(translate("errors", "The settings of {account} cannot be used as they are: {detail}. Open the "
                                      "account settings and correct them."),
                  account=name, detail=_detail(error)),
            Remedy.EDIT_SETTINGS, quiet=False)
    if isinstance(error, StoreError):
        # A lock held too long by another Poplark passes by itself: the scheduler retries quietly.
        busy = isinstance(error, StoreBusy)
        return UserMessage(translate("errors", "Cannot save mail"), store_fetch_text(error, name),
                           Remedy.RETRY_LATER if busy else Remedy.NONE, quiet=busy)
    if isinstance(error, OutOfStep):
        return UserMessage(
            translate("errors", "Server replies out of order"),
            _fill(translate("errors", "The server of {account} answered out of order, so Poplark stopped before "
                                      "saving anything wrongly. Nothing was lost. The next check sends one command "
                                      "at a time, which this server handles; get mail again or wait for the next "
                                      "check."), account=name),
            Remedy.RETRY_LATER, quiet=False)
    if isinstance(error, ProtocolError):
        return UserMessage(
            translate("errors", "Unexpected server reply"),
            _fill(translate("errors", "The server of {account} sent a reply Poplark could not understand ({detail}). "
                                      "Nothing was lost. Get mail again later; if this keeps happening, tell your "
                                      "mail provider."),
                  account=name, detail=_detail(error)),
            Remedy.RETRY_LATER, quiet=False)
    if isinstance(error, PermanentServerError):
        return UserMessage(
            translate("errors", "Server refused"),
            _fill(translate("errors", "The server of {account} refused to go on: {detail}. This will not pass by "
                                      "itself: check the account in your provider's web mail, or ask your mail "
                                      "provider."),
                  account=name, detail=_detail(error)),
            Remedy.NONE, quiet=False)
    if isinstance(error, MessageTooLarge):
        return UserMessage(
            translate("errors", "Message too large"),
            _fill(translate("errors", "A message for {account} is larger than the size limit and was left on the "
                                      "server. To download it, raise the limit in the account settings."),
                  account=name),
            Remedy.EDIT_SETTINGS, quiet=True)
    if isinstance(error, FetchInProgress):
        return UserMessage(
            translate("errors", "Already getting mail"),
            _fill(translate("errors", "{account} is already being checked by another Poplark window or command. "
                                      "Wait for it to finish; its new mail will appear here."), account=name),
            Remedy.NONE, quiet=True)
    return UserMessage(
        translate("errors", "Something went wrong"),
        _fill(translate("errors", "Something unexpected went wrong with {account} ({detail}). Try again; if it "
                                  "happens again, please report it with Poplark's log."),
              account=name, detail=_unknown_detail(error)),
        Remedy.NONE, quiet=False)


def _credentials_message(error: CredentialsError, name: str) -> UserMessage:
    translate = QCoreApplication.translate  # a local name: lupdate finds translate("errors", ...)
    if isinstance(error, NoSecureStorage):
        text = _fill(translate("errors", "This computer has no secure password storage (system keyring), so Poplark "
                                         "cannot remember the password for {account}. Enter it now: it will be kept "
                                         "for this session only. To have it remembered, install and unlock a keyring "
                                         "such as GNOME Keyring or KWallet."), account=name)
    else:
        text = _fill(translate("errors", "Poplark has no password for {account} ({detail}). Enter the password to "
                                         "get mail."), account=name, detail=_detail(error))
    return UserMessage(translate("errors", "Password needed"), text, Remedy.ASK_PASSWORD, quiet=False)


def _tls_message(error: TlsError, name: str) -> UserMessage:
    translate = QCoreApplication.translate  # a local name: lupdate finds translate("errors", ...)
    if error.fingerprint_sha256:
        return UserMessage(
            translate("errors", "Certificate not trusted"),
            _fill(translate("errors", "The server of {account} presented a certificate that cannot be verified "
                                      "({detail}). Its SHA-256 fingerprint is {fingerprint}. Trust this exact "
                                      "certificate only if your provider or administrator confirms that "
                                      "fingerprint; otherwise do not connect, as someone may be listening in."),
                  account=name, detail=_detail(error),
                  # Two lines of 16 pairs: one 95-character "word" cannot wrap and was cut off.
                  fingerprint=format_fingerprint(error.fingerprint_sha256, pairs_per_line=16)),
            Remedy.TRUST_CERTIFICATE, quiet=False)
    if isinstance(error, StartTlsUnavailable):
        return UserMessage(
            translate("errors", "STARTTLS not offered"),
            _fill(translate("errors", "The server of {account} does not offer STARTTLS: try SSL/TLS on port 995 "
                                      "in the account settings.{server_said}"),
                  account=name, server_said=_server_said(error)),
            Remedy.EDIT_SETTINGS, quiet=False)
    if isinstance(error, TlsPortWithoutTls):
        return UserMessage(
            translate("errors", "No greeting from the server"),
            _fill(translate("errors", "Poplark connected to the server of {account}, but it sent no greeting: it "
                                      "may be a TLS port. Choose SSL/TLS (usually port 995) in the account "
                                      "settings."), account=name),
            Remedy.EDIT_SETTINGS, quiet=False)
    if isinstance(error, NotTlsPort):
        return UserMessage(
            translate("errors", "Secure connection failed"),
            _fill(translate("errors", "The server of {account} answered in plain text, not TLS: is this port TLS? "
                                      "Try STARTTLS or port 110/995 in the account settings."), account=name),
            Remedy.EDIT_SETTINGS, quiet=False)
    return UserMessage(
        translate("errors", "Secure connection failed"),
        _fill(translate("errors", "A secure connection to the server of {account} could not be set up ({detail}). "
                                  "Check the server name, port and security setting in the account settings."),
              account=name, detail=_detail(error)),
        Remedy.EDIT_SETTINGS, quiet=False)


class _KeepMissing(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _fill(template: str, **values: str) -> str:
    """``template.format(**values)`` that cannot fail: a slip in a translation must not turn the
    error path itself into a crash. Unknown placeholders stay as they are; broken braces leave
    the template unfilled."""
    try:
        return template.format_map(_KeepMissing(values))
    except (ValueError, IndexError):
        return template


def _server_said(error: PoplarkError) -> str:
    """' The server said: "..."' or nothing: the provider's own words, often the only real hint."""
    translate = QCoreApplication.translate  # a local name: lupdate finds translate("errors", ...)
    if not error.server_text:
        return ""
    return _fill(translate("errors", " The server said: \u201c{text}\u201d."),
                 text=error.server_text)


def _detail(error: PoplarkError) -> str:
    return str(error).rstrip(".")


def _unknown_detail(error: Exception) -> str:
    text = str(error) if isinstance(error, PoplarkError) else f"{type(error).__name__}: {error}"
    text = text.rstrip(".")
    if len(text) > MAX_DETAIL_CHARACTERS:
        text = text[:MAX_DETAIL_CHARACTERS - 1] + "\u2026"
    return text


# -- the mail store ---------------------------------------------------------------------------

def store_advice(error: StoreError) -> str:
    """The next step for this kind of store failure, as one translated sentence."""
    translate = QCoreApplication.translate  # a local name: lupdate finds translate("store_errors", ...)
    if isinstance(error, StoreFull):
        return translate("store_errors", "The disk is full: free some disk space, then try again. Nothing was lost.")
    if isinstance(error, StoreBusy):
        return translate("store_errors", "Another Poplark window or command kept the mail store busy; try again "
                                         "in a moment. Nothing was lost.")
    if isinstance(error, StoreReadOnly):
        return translate("store_errors", "Poplark may not write to its profile folder: check its permissions and "
                                         "that the disk is not mounted read-only, then try again.")
    if isinstance(error, StoreChanged):
        return translate("store_errors", "Another program moved, replaced or deleted the mail store's files while "
                                         "Poplark was using them. Quit Poplark and start it again; keep backup and "
                                         "sync tools away from the profile folder while Poplark runs.")
    if isinstance(error, StoreDamaged):
        return translate("store_errors", "Part of the mail store is damaged. Quit Poplark and keep a copy of the "
                                         "profile folder before anything else, so that mail can be recovered "
                                         "from it.")
    if isinstance(error, StoreIOError):
        return translate("store_errors", "The disk reported an error. Check that it is still connected and "
                                         "healthy, then start Poplark again.")
    return translate("store_errors", "Try again; if it happens again, quit Poplark and start it again.")


def store_fetch_text(error: StoreError, account: str) -> str:
    """Mail of ``account`` could not be saved: what the fetch left behind, and the next step."""
    translate = QCoreApplication.translate
    what = translate("store_errors", "Poplark could not save mail for {account} on this computer ({detail}). "
                                     "Nothing was removed from the server that is not saved here.")
    return f"{what.replace('{account}', account).replace('{detail}', _detail(error))} {store_advice(error)}"


def store_action_text(error: StoreError) -> str:
    """A mailbox action or a read failed in the window (no account involved)."""
    translate = QCoreApplication.translate
    what = translate("store_errors", "The mail store could not be used ({detail}).")
    return f"{what.replace('{detail}', _detail(error))} {store_advice(error)}"


def store_open_text(error: StoreError) -> str:
    """The store could not be opened at start-up for a reason that is not damage or a newer version."""
    translate = QCoreApplication.translate
    what = translate("store_errors", "Poplark cannot open its mail store ({detail}).")
    return f"{what.replace('{detail}', _detail(error))} {store_advice(error)}"


__all__ = ["Remedy", "UserMessage", "file_error_text", "format_fingerprint", "store_action_text", "store_advice",
           "store_fetch_text", "store_open_text", "user_message"]


def store_open_message(error: StoreError) -> UserMessage:
    """The sentence for a mail store that could not be opened at start-up (no account involved)."""
    from app.core.store.recovery import StoreMovedAside, StoreTooNew

    translate = QCoreApplication.translate
    if isinstance(error, StoreMovedAside):
        return UserMessage(
            translate("errors", "Mail store damaged"),
            _fill(translate("errors", "Poplark's mail store was damaged ({reason}). It was moved aside, unchanged, "
                                      "to {file} in {folder}, so nothing in it is overwritten. Poplark now starts "
                                      "with a new, empty mail store: add your accounts again. Keep the damaged "
                                      "file if you want to try to recover mail from it."),
                  reason=error.reason, file=error.moved_to.name, folder=str(error.moved_to.parent)),
            Remedy.NONE, quiet=False)
    if isinstance(error, StoreTooNew):
        return UserMessage(
            translate("errors", "Mail store from a newer Poplark"),
            _fill(translate("errors", "This mail store was written by a newer version of Poplark, and this version "
                                      "cannot read it. It was not changed. Install the newer Poplark to open it, or "
                                      "start this one with another profile folder (--profile).")),
            Remedy.NONE, quiet=False)
    return UserMessage(translate("errors", "Cannot open the mail store"), store_open_text(error),
                       Remedy.NONE, quiet=False)


def ignored_deletions_text(account_name: str, count: int) -> str:
    """What to tell once when the server of ``account_name`` kept ``count`` messages it had
    confirmed deleting (FetchReport.ignored_deletions): Poplark stops asking, the user can act."""
    translate = QCoreApplication.translate
    return _fill(translate("errors", "{account}: the server kept {count} message(s) it was asked to delete. "
                                     "Poplark will not ask again; delete them in the provider's web mail, or "
                                     "check its POP settings (some providers ignore POP deletions)."),
                 account=account_name, count=str(count))


def file_error_text(error: OSError) -> str:
    """The sentence for a file Poplark could not read or write for the user (export, import):
    which file, and what the user can do; no account, nothing to report as a bug."""
    translate = QCoreApplication.translate
    name = str(error.filename) if error.filename else translate("errors", "the file")
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return _fill(translate("errors", "There is no space left for {file}. Free some disk space, or choose "
                                         "another folder, and try again."), file=name)
    if isinstance(error, PermissionError):
        return _fill(translate("errors", "Poplark is not allowed to use {file}. Choose another folder (one of "
                                         "your own), or change the permissions, and try again."), file=name)
    if isinstance(error, FileNotFoundError):
        return _fill(translate("errors", "{file} was not found: it may have been moved or deleted, or its disk "
                                         "disconnected. Check that it is there, or choose another folder, and "
                                         "try again."), file=name)
    return _fill(translate("errors", "Poplark could not use {file} ({reason}). Choose another folder or file, "
                                     "and try again."), file=name, reason=error.strerror or "")
