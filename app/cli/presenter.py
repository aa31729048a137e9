"""The command line's sentences: what went wrong and what to do next, and the exit codes.

Every sentence a ``poplark`` command prints about an error comes from here (the window has its own
presenter in app/ui/errors.py); the exit codes follow the one error policy
(app/core/error_policy.py). Exit codes: 0 success; 1 a failure the user must fix (password,
certificate, settings, disk); 2 a bad command line; 75 (EX_TEMPFAIL) a temporary problem worth
retrying later (server busy or unreachable, the store busy); 130 cancelled with Ctrl-C.
"""

from __future__ import annotations

import sys

from app.core.errors import (
    AuthError,
    ConnectError,
    FetchInProgress,
    MailboxBusy,
    NotTlsPort,
    OutOfStep,
    PoplarkError,
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

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_TEMPORARY = 75  # sysexits.h EX_TEMPFAIL: cron wrappers retry these quietly
EXIT_CANCELLED = 130


def describe_error(error: PoplarkError) -> str:
    """One line: what happened and what to do next."""
    text = str(error)
    if isinstance(error, SignInAgain):
        return f"login failed: {text}. Sign in again with 'poplark account authorize NAME'"
    if isinstance(error, TokenRejected):
        return (f"login failed: {text}. A fresh token was refused too: check the user name (the full "
                "address) and that POP is switched on for the account, then sign in again with "
                "'poplark account authorize NAME'")
    if isinstance(error, AuthError):
        from app.core.providers import needs_authorization_code  # the table: not part of every start-up

        if needs_authorization_code(error.host) and error.mechanism != "APOP":
            return (f"login failed: {text}. Check the user name and password; QQ, 163 and 126 need an "
                    "authorization code from the web mail settings instead of the web password")
        return f"login failed: {text}. Check the user name and password"
    if isinstance(error, MailboxBusy):
        return f"{text}. Another client is using the mailbox; try again in a few minutes"
    if isinstance(error, TemporaryServerError):
        return f"{text}. Try again later"
    if isinstance(error, StartTlsUnavailable):
        return f"{text}: try SSL/TLS on port {error.tls_port}"
    if isinstance(error, NotTlsPort):
        return f"{text}: is this port TLS? Try STARTTLS or port {error.ports}"
    if isinstance(error, TlsPortWithoutTls):
        return f"{text}: it may be a TLS port; choose SSL/TLS (usually port {error.tls_port})"
    if isinstance(error, TlsError):
        if not error.fingerprint_sha256:
            return f"{text}. Check the port and security setting"
        return (f"{text}. If you trust this server, check its certificate with "
                f"'{error.test_command}' and ask your provider")
    if isinstance(error, ServerTimeout):
        return (f"{text}. Mail received so far is kept and nothing unsaved was deleted; run the fetch "
                "again later, and if this keeps happening, check the network connection")
    if isinstance(error, ConnectError):
        return f"{text}. Check the network and the server settings, then try again"
    if isinstance(error, OutOfStep):
        return (f"{text}. Poplark stopped before saving anything wrongly and nothing was lost; the next "
                "fetch sends one command at a time, so run it again")
    if isinstance(error, FetchInProgress):
        return f"{text}. Nothing was fetched twice; try again when that fetch has finished"
    if isinstance(error, StoreError):
        return _describe_store_error(error, text)
    return text


def _describe_store_error(error: StoreError, text: str) -> str:
    from app.core.store.recovery import StoreMovedAside, StoreTooNew

    if isinstance(error, StoreMovedAside):
        return (f"{text}. The next command starts a new, empty mail store: add your accounts again with "
                "'poplark account add'. Keep the damaged file if you want to try to recover mail from it")
    if isinstance(error, StoreTooNew):
        return f"{text}, or use another profile folder with --profile"
    return f"{text}. {_STORE_ADVICE.get(type(error), 'Run the command again; if it fails again, report it')}"


#: The next step for each kind of store failure: only what is true of that kind.
_STORE_ADVICE: dict[type[StoreError], str] = {
    StoreFull: "Free some disk space, then run the command again; nothing was lost",
    StoreBusy: "Another Poplark window or command kept the mail store busy; run the command again in a moment",
    StoreReadOnly: "Check the permissions of the profile folder and that its disk is not mounted read-only",
    StoreChanged: ("Another program moved, replaced or deleted the mail store's files while they were in use; "
                   "restart any open Poplark window and keep backup and sync tools away from the profile folder"),
    StoreDamaged: "Keep a copy of the profile folder before anything else, so that mail can be recovered from it",
    StoreIOError: "Check that the disk is connected and healthy, then run the command again",
}


def exit_code_for(error: PoplarkError) -> int:
    """The exit code for ``error``, from the one error policy (app/core/error_policy.py)."""
    from app.core.error_policy import Recovery, recovery_for

    return {Recovery.SILENT: EXIT_CANCELLED, Recovery.RETRY_SOON: EXIT_TEMPORARY}.get(recovery_for(error), EXIT_FAILED)


def report_failure(error: PoplarkError, prefix: str = "") -> int:
    """Print ``error`` on stderr (after what stdout has so far); return its exit code."""
    sys.stdout.flush()
    print(f"poplark: {prefix}{describe_error(error)}", file=sys.stderr)
    return exit_code_for(error)


__all__ = ["EXIT_CANCELLED", "EXIT_FAILED", "EXIT_OK", "EXIT_TEMPORARY", "EXIT_USAGE", "describe_error",
           "exit_code_for", "format_fingerprint", "report_failure"]
