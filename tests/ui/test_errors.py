"""Every error of the core's vocabulary becomes a sentence that says what to do next."""

from __future__ import annotations

import pytest

from app.core import credentials
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
    PipelineStalled,
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
from app.ui.errors import Remedy, UserMessage, format_fingerprint, user_message
from tests.conftest import error_vocabulary

FINGERPRINT = "ab" * 32


def auth_error(message: str, *, server_text: str = "", host: str = "", mechanism: str = "") -> AuthError:
    """An AuthError as the client raises it: with the server and the mechanism that was refused."""
    error = AuthError(message, server_text=server_text)
    error.host, error.mechanism = host, mechanism
    return error

#: (error, remedy, quiet, words the text must contain, case-insensitively)
TABLE: list[tuple[Exception, Remedy, bool, tuple[str, ...]]] = [
    (auth_error("the server rejected the user name or password", server_text="[AUTH] Please use authorization code",
                host="pop.qq.com", mechanism="PLAIN"),
     Remedy.ASK_PASSWORD, False, ("Please use authorization code", "QQ", "163", "126", "authorization code",
                                  "Enter the password")),
    (SignInAgain("the provider withdrew the sign-in (invalid_grant)", server_text="invalid_grant"),
     Remedy.SIGN_IN, False, ("Sign in again", "Sign In Again", "invalid_grant")),
    (TokenRejected("the server refused the access token", server_text="invalid_token"),
     Remedy.SIGN_IN, False, ("refused the sign-in", "POP is switched on", "Sign In Again")),
    (auth_error("the server refused the OAuth2 login as malformed", server_text="invalid_request",
                host="outlook.office365.com", mechanism="XOAUTH2"),
     Remedy.EDIT_SETTINGS, False, ("malformed", "invalid_request", "user name is the full address")),
    (MailboxBusy("the mailbox is busy (in-use) during login", server_text="[IN-USE] locked"),
     Remedy.RETRY_LATER, True, ("busy", "try again later")),
    (TemporaryServerError("temporary server problem during UIDL", server_text="[SYS/TEMP] index busy"),
     Remedy.RETRY_LATER, True, ("temporary", "index busy", "try again later")),
    (ConnectError("pop.example.com:995 refused the connection: check the port and security setting"),
     Remedy.RETRY_LATER, True, ("Could not reach", "refused the connection", "try again later")),
    (ServerTimeout("the server stopped responding (no data for 60 s)"),
     Remedy.RETRY_LATER, True, ("stopped responding", "try again later")),
    (PipelineStalled("the server stopped responding (no data for 60 s) with 8 pipelined commands in flight"),
     Remedy.RETRY_LATER, True, ("stopped responding", "try again later")),
    (TlsError("the server's certificate is not trusted: self-signed certificate", fingerprint_sha256=FINGERPRINT),
     Remedy.TRUST_CERTIFICATE, False,
     ("self-signed certificate", format_fingerprint(FINGERPRINT, pairs_per_line=16), "Trust")),
    (StartTlsUnavailable("the server does not offer STARTTLS"),
     Remedy.EDIT_SETTINGS, False, ("does not offer STARTTLS: try SSL/TLS on port 995", "account settings")),
    (NotTlsPort("TLS handshake with pop.example.com:110 failed: the server answered in plain text, not TLS"),
     Remedy.EDIT_SETTINGS, False, ("is this port TLS? Try STARTTLS or port 110/995",)),
    (TlsPortWithoutTls("connected to pop.example.com:995, but the server sent no greeting"),
     Remedy.EDIT_SETTINGS, False, ("connected", "no greeting", "may be a TLS port", "SSL/TLS (usually port 995)")),
    (NoSecureStorage(credentials.NO_KEYRING_ADVICE),
     Remedy.ASK_PASSWORD, False, ("no secure password storage", "this session only", "Enter it now")),
    (CredentialsError("no password is stored for work"),
     Remedy.ASK_PASSWORD, False, ("no password is stored for work", "Enter the password")),
    (ConfigError("refusing to send the password over an unencrypted connection"),
     Remedy.EDIT_SETTINGS, False, ("unencrypted connection", "account settings")),
    (StoreFull("the disk is full (database or disk is full)"),
     Remedy.NONE, False, ("disk is full", "Free some disk space", "Nothing was removed from the server")),
    (StoreBusy("another Poplark process kept the mail store busy for too long (database is locked)"),
     Remedy.RETRY_LATER, True, ("database is locked", "try again in a moment")),
    (StoreReadOnly("the mail store cannot be written (attempt to write a readonly database)"),
     Remedy.NONE, False, ("readonly database", "permissions")),
    (StoreChanged("the mail store's files were removed or replaced by another program (disk I/O error)"),
     Remedy.NONE, False, ("removed or replaced", "start it again", "sync tools")),
    (StoreDamaged("the mail store is damaged (database disk image is malformed)"),
     Remedy.NONE, False, ("malformed", "keep a copy of the profile folder")),
    (StoreIOError("reading or writing the mail store failed (disk I/O error)"),
     Remedy.NONE, False, ("disk I/O error", "disk reported an error")),
    (StoreError("the mail store failed: something new"),
     Remedy.NONE, False, ("something new", "Try again")),
    (ProtocolError("the server sent an unexpected reply: 'HELLO GARBAGE'"),
     Remedy.RETRY_LATER, False, ("HELLO GARBAGE", "Get mail again later")),
    (OutOfStep("the server sent more replies than commands while pipelining"),
     Remedy.RETRY_LATER, False, ("out of order", "Nothing was lost", "get mail again")),
    (PermanentServerError("the server refused login", server_text="[SYS/PERM] account disabled"),
     Remedy.NONE, False, ("account disabled", "provider")),
    (MessageTooLarge("the message is larger than the limit of 1000 bytes"),
     Remedy.EDIT_SETTINGS, True, ("size limit", "account settings")),
    (FetchInProgress("work is already being fetched by another Poplark window or command"),
     Remedy.NONE, True, ("already being checked", "Wait")),
    (Cancelled(), Remedy.NONE, True, ("Stopped", "kept")),
    (PoplarkError("an unexpected error stopped the fetch: KeyError: 'x'"),
     Remedy.NONE, False, ("KeyError", "Try again")),
    (RuntimeError("boom"), Remedy.NONE, False, ("RuntimeError: boom", "Try again")),
]


def test_the_remedies_follow_the_one_error_policy() -> None:
    # The window offers "try later" only for what the policy retries, and asks the user to act
    # only for what the policy pauses for (app/core/error_policy.py).
    from app.core.error_policy import Recovery, recovery_for

    asks = {Remedy.ASK_PASSWORD, Remedy.TRUST_CERTIFICATE, Remedy.EDIT_SETTINGS}
    for error, remedy, *_ in TABLE:
        recovery = recovery_for(error)
        if remedy is Remedy.RETRY_LATER:
            assert recovery is Recovery.RETRY_SOON, type(error).__name__
        if remedy in asks:
            assert recovery is Recovery.ASK_USER, type(error).__name__


def test_only_a_full_disk_is_told_to_free_disk_space() -> None:
    for error, *_ in TABLE:
        text = user_message(error, "work").text
        assert ("disk space" in text) == isinstance(error, StoreFull), (type(error).__name__, text)


def test_the_table_covers_every_error_class() -> None:
    # A new error class in app/core/errors.py must get its own sentence and a row here.
    covered = {type(error) for error, *_ in TABLE}
    assert error_vocabulary() <= covered


@pytest.mark.parametrize(("error", "remedy", "quiet", "words"), TABLE, ids=[type(row[0]).__name__ for row in TABLE])
def test_each_error_has_a_remedy_and_says_what_to_do(error: Exception, remedy: Remedy, quiet: bool,
                                                    words: tuple[str, ...]) -> None:
    message = user_message(error, "work")
    assert isinstance(message, UserMessage)
    assert (message.remedy, message.quiet) == (remedy, quiet)
    assert message.title and message.text.endswith(".")
    assert "work" in message.text  # which account: there may be several
    for word in words:
        assert word.lower() in message.text.lower(), (word, message.text)
    assert "{" not in message.text  # every placeholder was filled


def test_auth_error_without_server_text_has_no_empty_quote() -> None:
    message = user_message(auth_error("the server rejected the user name or password", host="pop.163.com"), "work")
    assert "said" not in message.text and "\u201c\u201d" not in message.text
    assert "authorization code" in message.text


@pytest.mark.parametrize(("host", "mechanism", "hinted"), [
    ("pop.qq.com", "USER", True),
    ("pop.126.com", "LOGIN", True),
    ("pop.qq.com", "APOP", False),  # APOP never takes an authorization code
    ("pop.example.com", "PLAIN", False),
    ("mail.notqq.com", "PLAIN", False),
    ("", "", False),
])
def test_the_authorization_code_hint_is_only_for_qq_163_and_126(host: str, mechanism: str, hinted: bool) -> None:
    from app.cli import describe_error

    error = auth_error("the server rejected the user name or password", host=host, mechanism=mechanism)
    assert ("authorization code" in user_message(error, "work").text) is hinted
    assert ("authorization code" in describe_error(error)) is hinted
    assert "Enter the password again" in user_message(error, "work").text


def test_the_cli_says_the_same_about_tls_settings() -> None:
    from app.cli import describe_error

    assert describe_error(StartTlsUnavailable("the server does not offer STARTTLS")) == (
        "the server does not offer STARTTLS: try SSL/TLS on port 995")
    assert describe_error(NotTlsPort("TLS handshake with h:110 failed: the server answered in plain text, not TLS")
                          ).endswith("is this port TLS? Try STARTTLS or port 110/995")
    assert describe_error(TlsPortWithoutTls("connected to h:995, but the server sent no greeting")).endswith(
        "it may be a TLS port; choose SSL/TLS (usually port 995)")
    for error in (StartTlsUnavailable("x"), NotTlsPort("x"), TlsPortWithoutTls("x")):
        assert "certificate" not in describe_error(error)


def test_unknown_details_are_cut_short() -> None:
    message = user_message(ValueError("x" * 5000), "work")
    assert len(message.text) < 700


def test_fingerprint_is_grouped_like_browsers_show_it() -> None:
    assert format_fingerprint("ab12cd") == "AB:12:CD"


def test_texts_go_through_qt_translation(monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtCore import QCoreApplication

    contexts: list[str] = []

    def fake_translate(context: str, source: str, disambiguation: str | None = None, n: int = -1) -> str:
        contexts.append(context)
        return "[translated] " + source

    monkeypatch.setattr(QCoreApplication, "translate", staticmethod(fake_translate))
    message = user_message(MailboxBusy("busy", server_text="[IN-USE] locked"), "work")
    assert message.title == "[translated] Mailbox busy"
    assert message.text.startswith("[translated] The mailbox of work is busy")
    assert "[translated]  The server said" in message.text
    assert set(contexts) == {"errors"}


def test_a_broken_translation_does_not_break_the_error_path(monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtCore import QCoreApplication

    monkeypatch.setattr(QCoreApplication, "translate",
                        staticmethod(lambda context, source, *rest: "{account} {unknown} {"))
    for error, *_ in TABLE:
        assert user_message(error, "work").text  # no KeyError, no ValueError
