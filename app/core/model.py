"""Plain data shared by every layer: accounts, policies, summaries, progress and reports.

No behaviour lives here beyond validation of values, so the CLI, the GUI and the tests can build
these freely.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

#: Implicit TLS on 995 is preferred over STLS (RFC 8314 section 3.3).
DEFAULT_TLS_PORT = 995
#: Plain POP3, used with STLS or, when the account allows it, with no encryption.
DEFAULT_PLAIN_PORT = 110


class Security(enum.StrEnum):
    """How the link to the server is protected."""

    TLS = "tls"  # implicit TLS from the first byte (RFC 8314)
    STARTTLS = "starttls"  # plain connect, then STLS (RFC 2595); never falls back
    NONE = "none"  # cleartext; password auth needs allow_insecure_auth

    @property
    def default_port(self) -> int:
        return DEFAULT_TLS_PORT if self is Security.TLS else DEFAULT_PLAIN_PORT


class AuthMethod(enum.StrEnum):
    """How an account proves itself to its servers."""

    PASSWORD = "password"  # a password or an authorization code, in the keyring
    #: An OAuth2 access token (issue 17): from the refresh token in the keyring, or printed by the
    #: account's token command.
    OAUTH2 = "oauth2"


class LeaveMode(enum.StrEnum):
    """What happens to a message on the server once it is safely stored here."""

    DELETE_AFTER_DOWNLOAD = "delete"
    KEEP_FOREVER = "keep"
    DELETE_AFTER_DAYS = "days"  # counted from when Poplark first saw the message
    DELETE_WHEN_DELETED_LOCALLY = "mirror"


@dataclass(frozen=True)
class ServerPolicy:
    """The account's leave-on-server rules and size cap."""

    leave_mode: LeaveMode = LeaveMode.KEEP_FOREVER
    delete_after_days: int = 0
    #: Messages whose LIST size exceeds this are not downloaded (None: no cap).
    max_message_bytes: int | None = None

    def __post_init__(self) -> None:
        if self.leave_mode is LeaveMode.DELETE_AFTER_DAYS and self.delete_after_days < 1:
            raise ValueError("delete_after_days must be at least 1 day")
        if self.max_message_bytes is not None and self.max_message_bytes < 1:
            raise ValueError("max_message_bytes must be positive")


#: SMTP ports: implicit TLS (RFC 8314 submissions), STARTTLS submission (RFC 6409), plain relay.
DEFAULT_SMTP_TLS_PORT = 465
DEFAULT_SMTP_SUBMISSION_PORT = 587


@dataclass(frozen=True)
class SmtpSettings:
    """How an account sends: its SMTP submission server. Holds no secret either.

    The password is the account's own (its POP3 keyring entry) unless ``separate_password``:
    then it has its own entry (:attr:`Account.smtp_credential_key`). ``ca_file``, the pin and
    ``allow_insecure_auth`` are the account's, as for POP3.
    """

    host: str
    port: int = 0  # 0 means the default port for ``security``
    security: Security = Security.TLS
    #: Empty: the account's POP3 user name.
    user: str = ""
    separate_password: bool = False

    def __post_init__(self) -> None:
        if not self.host.strip():
            raise ValueError("SMTP server host is empty")
        if not 0 <= self.port <= 65535:
            raise ValueError(f"SMTP port {self.port} is out of range 1-65535")

    @property
    def effective_port(self) -> int:
        if self.port:
            return self.port
        return DEFAULT_SMTP_TLS_PORT if self.security is Security.TLS else DEFAULT_SMTP_SUBMISSION_PORT


@dataclass(frozen=True)
class Account:
    """One POP3 mailbox. Holds no secret: the password lives in the keyring."""

    name: str
    host: str
    user: str
    security: Security = Security.TLS
    port: int = 0  # 0 means the default port for ``security``
    email: str = ""
    display_name: str = ""
    policy: ServerPolicy = field(default_factory=ServerPolicy)
    ca_file: str | None = None
    #: SHA-256 of one exact certificate the user chose to trust (hex, lower case).
    pinned_cert_sha256: str | None = None
    allow_insecure_auth: bool = False
    use_apop: bool = False
    check_interval_minutes: int = 15
    #: Check this account as soon as Poplark starts (besides every check_interval_minutes).
    check_at_startup: bool = True
    timeout_seconds: float = 60.0
    #: A user (or an earlier session that caught a broken server) can switch pipelining off.
    pipelining: bool = True
    #: False when the user chose not to store the password; it is asked for each session.
    remember_password: bool = True
    #: None: the account cannot send yet (profiles from before sending existed load so).
    smtp: SmtpSettings | None = None
    auth: AuthMethod = AuthMethod.PASSWORD
    #: OAuth2 only: the provider table's id (app/core/oauth/providers.py), the client ID when the
    #: table has none, and a command that prints an access token (then the two others are unused).
    #: None of them is a secret; a refresh token or client secret lives in the keyring.
    oauth2_provider: str = ""
    oauth2_client_id: str = ""
    oauth2_token_command: str = ""
    #: Download limits (issue 18): store only the header block of each new message, or only about
    #: the first ``partial_first_bytes`` of messages whose LIST size exceeds ``partial_over_bytes``
    #: (None: off). Such messages are stored as partial; the rest stays on the server.
    headers_only: bool = False
    partial_over_bytes: int | None = None
    partial_first_bytes: int = 100 * 1024
    id: int | None = None

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValueError("account name is empty")
        if not self.host.strip():
            raise ValueError("server host is empty")
        if not self.user:
            raise ValueError("user name is empty")
        if not 0 <= self.port <= 65535:
            raise ValueError(f"port {self.port} is out of range 1-65535")
        if self.timeout_seconds <= 0:
            raise ValueError("timeout must be positive")
        if self.partial_over_bytes is not None and self.partial_over_bytes < 1:
            raise ValueError("the size above which messages are downloaded in part must be positive")
        if self.partial_first_bytes < 0:
            raise ValueError("the part of a large message to download cannot be negative")
        if self.auth is AuthMethod.OAUTH2 and not (self.oauth2_provider or self.oauth2_token_command):
            raise ValueError("OAuth2 needs a provider (--oauth2-provider) or a token command "
                             "(--oauth2-token-command)")

    @property
    def effective_port(self) -> int:
        return self.port or self.security.default_port

    @property
    def limits_downloads(self) -> bool:
        """Whether a fetch stores some new messages as partial (headers only, or the first part)."""
        return self.headers_only or self.partial_over_bytes is not None

    @property
    def credential_key(self) -> str:
        """The keyring entry's user name, one per account.

        Keyed by the account's id, which never changes and is never reused (AUTOINCREMENT), so
        renaming the account or editing its server keeps the password, and two accounts for
        the same mailbox never share, overwrite or delete each other's entry. Each store starts
        its ids at a random point (schema migration 4), so two profiles do not collide either.
        """
        if self.id is None:
            raise ValueError("the account must be saved before its password")
        return f"poplark-account-{self.id}"

    @property
    def smtp_credential_key(self) -> str:
        """The keyring entry of the SMTP password: its own only when set apart, else the account's."""
        if self.smtp is not None and self.smtp.separate_password:
            return self.credential_key + "-smtp"
        return self.credential_key

    @property
    def smtp_user(self) -> str:
        return (self.smtp.user if self.smtp is not None else "") or self.user


@dataclass(frozen=True)
class MessageSummary:
    """What the message list shows for one stored message."""

    id: int
    account: str
    uidl: str
    received_at: float
    date: float | None
    sender: str
    recipients: str
    subject: str
    message_id: str
    size: int
    sha256: str
    has_attachments: bool
    seen: bool = False
    folder: str = "inbox"
    flagged: bool = False


class Folder(enum.StrEnum):
    """The local folders every account has."""

    INBOX = "inbox"
    TRASH = "trash"
    #: Messages sent through the outbox, byte-exact as the SMTP server received them.
    SENT = "sent"
    #: Messages being written (Bcc kept): saved as MIME, reopened to continue.
    DRAFTS = "drafts"
    #: Mail the junk filter (or the user) judged unwanted; one per account, like Trash.
    JUNK = "junk"


class SortColumn(enum.StrEnum):
    """What the message list can be sorted by (each maps to an SQL expression in the store)."""

    DATE = "date"
    SENDER = "sender"
    SUBJECT = "subject"
    SIZE = "size"
    SEEN = "seen"
    FLAGGED = "flagged"
    ATTACHMENTS = "attachments"


class FetchPhase(enum.StrEnum):
    CONNECTING = "connecting"
    LISTING = "listing"
    DOWNLOADING = "downloading"
    DELETING = "deleting"
    DONE = "done"


@dataclass(frozen=True)
class FetchProgress:
    """Where a fetch stands; sent to the observer after every step worth showing."""

    account: str
    phase: FetchPhase
    messages_done: int = 0
    messages_total: int = 0
    bytes_done: int = 0
    bytes_total: int = 0


@dataclass
class FetchReport:
    """The outcome of one session with one account."""

    account: str
    new_messages: int = 0
    new_bytes: int = 0
    deleted_on_server: int = 0
    skipped_too_large: int = 0
    failed_messages: int = 0
    on_server: int = 0
    pipelined: bool = False
    #: The server's LOGIN-DELAY in seconds (RFC 2449), so schedulers can respect it.
    login_delay_seconds: int | None = None
    #: Non-fatal problems worth telling the user (one sentence each, server text kept).
    warnings: list[str] = field(default_factory=list)
    #: Messages the server confirmed deleting in an earlier session yet lists again: it ignores
    #: DELE (QQ can be set to). Non-zero only in the first session that notices, per account;
    #: Poplark never sends DELE for them again.
    ignored_deletions: int = 0
    #: Messages deleted here whose DELE is still queued for a later session (mirror mode).
    pending_server_deletions: int = 0
    #: New messages stored in part (the account's download limits); counted in new_messages too.
    partial_messages: int = 0


class OutboxState(enum.StrEnum):
    """Where a message waiting to be sent stands (docs/architecture.md, "Sending mail").

    queued -> sending -> (moved into Sent). A row in ``sending`` whose sender died is settled by the
    next sender: without a recorded final dot it is queued again (the server dropped the DATA that
    never ended), with one it becomes ``unsure``. ``failed`` and ``unsure`` wait for the user.
    """

    QUEUED = "queued"
    SENDING = "sending"
    #: The server refused it for good (its words in ``last_error``): fix, then retry or remove.
    FAILED = "failed"
    #: The link ended between the final dot and the server's reply: it may have been delivered.
    UNSURE = "unsure"


@dataclass(frozen=True)
class OutboxItem:
    """One message in the outbox (its bytes are read separately: they can be large)."""

    id: int
    account_id: int
    account: str
    state: OutboxState
    sender: str
    recipients: tuple[str, ...]
    subject: str
    message_id: str
    size: int
    queued_at: float
    attempts: int
    next_attempt_at: float | None
    last_error: str
