"""One table decides what happens after each error of the vocabulary: retry soon, ask the user, or
keep the normal schedule.

The scheduler of the window, the CLI's exit codes and the window's remedies all read
:func:`recovery_for`, so that a kind of failure cannot be "temporary" in one place and "needs the
user" in another (docs/architecture.md, Errors). A new error class gets its row here, and
``tests/core/test_error_policy.py`` fails until it has one.
"""

from __future__ import annotations

import enum

from app.core.errors import (
    AuthError,
    Cancelled,
    ConfigError,
    ConnectError,
    CredentialsError,
    FetchInProgress,
    MailboxBusy,
    MessageTooLarge,
    PermanentServerError,
    PoplarkError,
    ProtocolError,
    StoreBusy,
    StoreError,
    TemporaryServerError,
    TlsError,
)


class Recovery(enum.Enum):
    """What to do after a failed session, by who (or what) can fix the cause."""

    #: Time fixes it (a busy or unreachable server, another Poplark holding a lock): back off and
    #: try again quietly. The CLI exits 75 (EX_TEMPFAIL), so cron wrappers stay quiet.
    RETRY_SOON = "retry_soon"
    #: Only the user can fix it, in Poplark or with the provider (password, certificate,
    #: settings, an account the provider disabled): stop automatic checks until they act, since
    #: repeating a failed login every interval can get an account locked. The CLI exits 1.
    ASK_USER = "ask_user"
    #: Fixed outside Poplark, or unforeseen (a full disk, a damaged store, a bug): keep the normal
    #: schedule, neither hurrying nor stopping. The CLI exits 1.
    KEEP_SCHEDULE = "keep_schedule"
    #: The user cancelled: nothing to report. The CLI exits 130.
    SILENT = "silent"


#: Most specific first: the first class the error is an instance of decides. Subclasses that
#: need another answer than their base (OutOfStep is a ProtocolError, ServerTimeout a
#: ConnectError, NoSecureStorage a CredentialsError) inherit it on purpose.
POLICY: tuple[tuple[type[BaseException], Recovery], ...] = (
    (Cancelled, Recovery.SILENT),
    # TokenRejected is retried once with a refreshed token before it gets here; SignInAgain needs
    # the browser. Both are AuthErrors on purpose: only the user can fix them.
    (AuthError, Recovery.ASK_USER),
    (CredentialsError, Recovery.ASK_USER),
    (TlsError, Recovery.ASK_USER),
    (ConfigError, Recovery.ASK_USER),
    (PermanentServerError, Recovery.ASK_USER),
    (MessageTooLarge, Recovery.ASK_USER),
    (MailboxBusy, Recovery.RETRY_SOON),
    (TemporaryServerError, Recovery.RETRY_SOON),
    (ConnectError, Recovery.RETRY_SOON),
    # A server that broke the protocol (out of step, garbage) usually works on the next session;
    # the window still tells the user, so one that keeps failing does not go unnoticed.
    (ProtocolError, Recovery.RETRY_SOON),
    (FetchInProgress, Recovery.RETRY_SOON),
    (StoreBusy, Recovery.RETRY_SOON),
    (StoreError, Recovery.KEEP_SCHEDULE),
    (PoplarkError, Recovery.KEEP_SCHEDULE),
)


def recovery_for(error: BaseException) -> Recovery:
    """What to do after ``error``; anything outside the vocabulary keeps the normal schedule."""
    for kind, recovery in POLICY:
        if isinstance(error, kind):
            return recovery
    return Recovery.KEEP_SCHEDULE


__all__ = ["POLICY", "Recovery", "recovery_for"]
