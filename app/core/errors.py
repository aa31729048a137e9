"""The error vocabulary, sorted by who can fix the problem.

The core raises only these; the GUI and the CLI turn them into sentences in the user's language.
Every error keeps the server's own text (``server_text``) when there is one, because that text is
often the only explanation a provider gives (QQ's "please use an authorization code", for example).
Secrets never appear in any message built here.
"""

from __future__ import annotations


class PoplarkError(Exception):
    """Base of every error the engine raises on purpose."""

    def __init__(self, message: str, *, server_text: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.server_text = server_text

    def __str__(self) -> str:
        if self.server_text and self.server_text not in self.message:
            return f"{self.message} (server said: {self.server_text})"
        return self.message


class AuthError(PoplarkError):
    """The server rejected the credentials: the user must give another password.

    ``host`` and ``mechanism`` (set by the client) let the advice fit: an authorization code is
    what QQ, 163 and 126 want, and only over USER/PASS or SASL, never with APOP.
    """

    host: str = ""
    mechanism: str = ""


class TokenRejected(AuthError):
    """The server refused an OAuth2 access token (RFC 7628 "invalid_token", Google's "401"): it
    expired or is not valid. A fresh token from the refresh token is tried once before the user
    is asked for anything (``app/core/oauth/tokens.py``)."""


class SignInAgain(AuthError):
    """The OAuth2 grant is gone: the provider revoked the refresh token, it expired, or it does not
    cover mail (RFC 7628 "insufficient_scope"). Only a new sign-in in the browser fixes it, so the
    account waits in a "sign in again" state (``poplark account authorize NAME``)."""


class MailboxBusy(PoplarkError):
    """[IN-USE] or [LOGIN-DELAY]: another client holds the mailbox, or we checked too soon.

    Back off quietly; never ask for the password again.
    """


class TemporaryServerError(PoplarkError):
    """[SYS/TEMP] or a like condition: retry later with backoff."""


class PermanentServerError(PoplarkError):
    """[SYS/PERM]: the server refuses for a reason the user must take up with the provider."""


class TlsError(PoplarkError):
    """The TLS handshake failed or the certificate cannot be trusted (reason in the message).

    ``fingerprint_sha256`` is the SHA-256 of the rejected certificate when it could be read, so
    the user can compare it and choose to trust that exact certificate (a pin).
    """

    #: The command that shows the certificate (the SMTP kinds add --smtp).
    test_command: str = "poplark account test NAME"

    def __init__(self, message: str, *, server_text: str = "", fingerprint_sha256: str = "",
                 subject: str = "") -> None:
        super().__init__(message, server_text=server_text)
        self.fingerprint_sha256 = fingerprint_sha256
        self.subject = subject


class StartTlsUnavailable(TlsError):
    """STARTTLS was asked for, but the server does not offer STLS or refused it (no certificate
    is involved: the fix is SSL/TLS on port 995, or 465 for SMTP: :attr:`tls_port`)."""

    tls_port: int = 995


class NotTlsPort(TlsError):
    """The TLS handshake was answered with something that is not TLS: a plain POP3 port (or, for
    SMTP, a submission port: :attr:`ports` names the usual ones)."""

    ports: str = "110/995"


class TlsPortWithoutTls(TlsError):
    """Connected without TLS to a port that expects TLS from the start (995, or 465 for SMTP:
    :attr:`tls_port`): no greeting came, and a TLS handshake on that port works."""

    tls_port: int = 995


class ConnectError(PoplarkError):
    """The server could not be reached: DNS, refused, unreachable, or timed out."""


class ProtocolError(PoplarkError):
    """The server broke the POP3 protocol (garbage, out-of-step replies, truncated data)."""


class OutOfStep(ProtocolError):
    """Pipelined replies did not match the commands sent: the next session must not pipeline."""


class ServerTimeout(ConnectError):
    """The server stopped responding in the middle of a session."""


class PipelineStalled(ServerTimeout):
    """The server went silent, between two replies, with pipelined commands in flight.

    Two causes look the same: a link that stalled (flaky networks do, the soak test sees it in
    about 1 session in 100) and a server that silently drops pipelined commands. For the user it
    is a timeout; the engine only pauses pipelining briefly, so a lying server costs one failed
    session a day while a flaky link keeps its speed.
    """


class StoreError(PoplarkError):
    """The local store failed. The subclasses below say why, so that advice is only what is true;
    a plain StoreError is a failure none of them describes."""


class StoreFull(StoreError):
    """The disk (or the user's quota) is full: the write was rolled back, nothing was lost."""


class StoreBusy(StoreError):
    """Another connection held the store's write lock for longer than the busy timeout."""


class StoreReadOnly(StoreError):
    """The store's files or folder cannot be written: permissions, or a read-only file system."""


class StoreChanged(StoreError):
    """The store's files were moved, replaced or deleted while this process had them open.

    Poplark's own processes no longer do this to each other (see ``store/connection.py``); what
    remains is another program (a sync or backup tool, a user's file manager). Only a fresh
    start of the process opens the files that are there now.
    """


class StoreDamaged(StoreError):
    """SQLite found the database file damaged (corrupt pages, not a database)."""


class StoreIOError(StoreError):
    """The operating system reported a read or write error on the store's files."""


class ConfigError(PoplarkError):
    """The account or the command line is wrong: unknown account, bad option, missing setting."""


class CredentialsError(PoplarkError):
    """No password is available: no keyring backend, or nothing stored for this account."""


class NoSecureStorage(CredentialsError):
    """No keyring that keeps secrets safe is available: passwords can be kept per session only."""


class MessageTooLarge(PoplarkError):
    """A message exceeded the configured size cap while it was being received."""


class Cancelled(PoplarkError):
    """The user cancelled. Shown silently."""

    def __init__(self, message: str = "cancelled") -> None:
        super().__init__(message)


class FetchInProgress(PoplarkError):
    """Another process or thread is already fetching this account."""
