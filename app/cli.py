"""The headless command line: ``poplark <command>``. Never imports Qt (a test enforces it).

Exit codes: 0 success; 1 an account failed for a reason the user must fix (password, certificate,
settings); 2 bad command line; 75 (EX_TEMPFAIL) a temporary problem worth retrying later (server
busy or unreachable); 130 cancelled with Ctrl-C.
"""

from __future__ import annotations

import argparse
import getpass
import json
import signal
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import TextIO

from app import __version__
from app.core import credentials
from app.core.accounts import save_account
from app.core.cancel import CancelToken
from app.core.errors import (
    AuthError,
    Cancelled,
    ConfigError,
    ConnectError,
    CredentialsError,
    FetchInProgress,
    MailboxBusy,
    NotTlsPort,
    OutOfStep,
    PoplarkError,
    ServerTimeout,
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
)
from app.core.fetch.engine import FetchObserver, fetch_account
from app.core.model import Account, FetchPhase, FetchProgress, Folder, LeaveMode, MessageSummary, Security, ServerPolicy
from app.core.pop3.capabilities import Capabilities
from app.core.providers import needs_authorization_code
from app.core.store import Profile, Store

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_TEMPORARY = 75  # sysexits.h EX_TEMPFAIL: cron wrappers retry these quietly
EXIT_CANCELLED = 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="poplark", description="Poplark POP3 mail client (headless commands).")
    parser.add_argument("--profile", metavar="DIR",
                        help="profile folder (default: $POPLARK_HOME or the user data folder)")
    parser.add_argument("--version", action="version", version=f"poplark {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    account = commands.add_parser("account", help="add, list, remove or test accounts")
    account_commands = account.add_subparsers(dest="account_command", metavar="ACTION", required=True)
    add = account_commands.add_parser("add", help="add a POP3 account (the password goes to the system keyring)")
    add.add_argument("name")
    add.add_argument("--host", required=True)
    add.add_argument("--port", type=int, default=0, help="default: 995 for tls, 110 otherwise")
    add.add_argument("--security", choices=[s.value for s in Security], default=Security.TLS.value)
    add.add_argument("--user", required=True)
    add.add_argument("--email", default="")
    add.add_argument("--password-stdin", action="store_true", help="read the password from one line of standard input")
    add.add_argument("--no-store-password", action="store_true",
                     help="do not keep the password; give it at each fetch with --password-stdin")
    keep = add.add_mutually_exclusive_group()
    keep.add_argument("--leave-on-server", action="store_true",
                      help="keep messages on the server (default: delete after download)")
    keep.add_argument("--delete-after-days", type=int, metavar="N", help="keep messages on the server for N days")
    keep.add_argument("--delete-when-deleted-locally", action="store_true",
                      help="keep messages on the server until you delete them in Poplark")
    add.add_argument("--max-message-mb", type=float, metavar="MB", help="leave larger messages on the server")
    add.add_argument("--ca-file", metavar="PEM", help="also trust the CA certificates in this file")
    add.add_argument("--allow-insecure-auth", action="store_true",
                     help="allow sending the password over an unencrypted connection")
    add.add_argument("--apop", action="store_true", help="log in with APOP (only if the server requires it)")
    add.add_argument("--no-pipelining", action="store_true", help="never pipeline commands with this server")
    add.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS",
                     help="give up on a silent server after this long")
    account_commands.add_parser("list", help="list accounts")
    remove = account_commands.add_parser("remove", help="remove an account, its messages and its stored password")
    remove.add_argument("name")
    test = account_commands.add_parser("test", help="connect and report TLS, capabilities and whether login works")
    test.add_argument("name")
    test.add_argument("--password-stdin", action="store_true")
    test.add_argument("--protocol-log", metavar="FILE", type=Path,
                      help="write the POP3 conversation here for a bug report (passwords redacted)")

    fetch = commands.add_parser("fetch", help="fetch new mail (all accounts when none is named)")
    fetch.add_argument("names", nargs="*", metavar="NAME")
    fetch.add_argument("--password-stdin", action="store_true",
                       help="read the password for the one named account from standard input")
    fetch.add_argument("--quiet", action="store_true", help="no progress bar")
    fetch.add_argument("--protocol-log", metavar="FILE", type=Path,
                       help="write the POP3 conversation here for a bug report (passwords redacted)")

    listing = commands.add_parser("list", help="list stored messages, newest first")
    listing.add_argument("--account", metavar="NAME")
    listing.add_argument("--json", action="store_true", help="one JSON object per line")

    search = commands.add_parser("search", help="find messages by words in subject, addresses or text")
    search.add_argument("query", metavar="QUERY", help="words that must all occur (the last may be unfinished)")
    search.add_argument("--account", metavar="NAME")
    search.add_argument("--folder", choices=["inbox", "trash"], default="inbox")
    search.add_argument("--json", action="store_true", help="one JSON object per line")

    show = commands.add_parser("show", help="show a stored message")
    show.add_argument("id", type=int)
    show.add_argument("--raw", action="store_true", help="write the stored bytes unchanged")

    export = commands.add_parser("export", help="export stored messages")
    export.add_argument("--account", metavar="NAME")
    export.add_argument("--format", choices=["eml", "mbox"], required=True)
    export.add_argument("out", help="a folder for eml (one file per message), a file for mbox")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    arguments = parser.parse_args(argv)
    if arguments.command is None:
        parser.print_help()
        return EXIT_USAGE
    profile = Profile.locate(arguments.profile)
    try:
        with Store.open(profile) as store:
            handler = _HANDLERS[arguments.command]
            try:
                return handler(store, profile, arguments)
            finally:
                _write_protocol_log(getattr(arguments, "protocol_log", None))
    except Cancelled:
        print("poplark: cancelled", file=sys.stderr)
        return EXIT_CANCELLED
    except PoplarkError as error:
        print(f"poplark: {describe_error(error)}", file=sys.stderr)
        return exit_code_for(error)
    except BrokenPipeError:
        # `poplark list | head`: the reader left; that is not an error.
        sys.stderr.close()
        return EXIT_OK


def _write_protocol_log(path: Path | None) -> None:
    """--protocol-log: write this run's POP3 sessions (secrets redacted), also after a failure."""
    if path is None:
        return
    from app.core import protocol_log

    try:
        protocol_log.write_private(path, protocol_log.render())
    except OSError as error:
        print(f"poplark: cannot write the protocol log to {path}: {error.strerror or error}; "
              "choose another file", file=sys.stderr)


# -- accounts ---------------------------------------------------------------------------------

def _read_password(from_stdin: bool, prompt: str) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        # The trailing newline ends the line; it is not part of the password.
        password = line[:-1] if line.endswith("\n") else line
    elif not sys.stdin.isatty():
        raise ConfigError("no terminal to ask for the password: use --password-stdin")
    else:
        password = getpass.getpass(prompt)
    if not password:
        raise ConfigError("the password is empty: nothing was saved")
    return password


def _account_from_arguments(arguments: argparse.Namespace) -> Account:
    if arguments.leave_on_server:
        policy = ServerPolicy(LeaveMode.KEEP_FOREVER)
    elif arguments.delete_after_days is not None:
        policy = ServerPolicy(LeaveMode.DELETE_AFTER_DAYS, delete_after_days=arguments.delete_after_days)
    elif arguments.delete_when_deleted_locally:
        policy = ServerPolicy(LeaveMode.DELETE_WHEN_DELETED_LOCALLY)
    else:
        policy = ServerPolicy(LeaveMode.DELETE_AFTER_DOWNLOAD)
    if arguments.max_message_mb is not None:
        policy = ServerPolicy(policy.leave_mode, policy.delete_after_days,
                              max_message_bytes=int(arguments.max_message_mb * 1024 * 1024))
    ca_file = str(Path(arguments.ca_file).resolve()) if arguments.ca_file else None
    return Account(
        name=arguments.name, host=arguments.host, port=arguments.port,
        security=Security(arguments.security), user=arguments.user, email=arguments.email,
        policy=policy, ca_file=ca_file, allow_insecure_auth=arguments.allow_insecure_auth,
        use_apop=arguments.apop, pipelining=not arguments.no_pipelining,
        timeout_seconds=arguments.timeout, remember_password=not arguments.no_store_password)


def command_account(store: Store, profile: Profile, arguments: argparse.Namespace) -> int:
    action = arguments.account_command
    if action == "add":
        try:
            account = _account_from_arguments(arguments)
        except ValueError as error:
            raise ConfigError(str(error)) from error
        if account.remember_password:
            # Check the keyring before asking: a password typed for nothing is a poor welcome.
            if not credentials.secure_storage_available():
                raise CredentialsError(credentials.NO_KEYRING_ADVICE.replace(
                    "pass it for this run with --password-stdin",
                    "add the account with --no-store-password and give the password at each fetch "
                    "with --password-stdin"))
            password: str | None = _read_password(arguments.password_stdin,
                                                  f"Password for {account.user}@{account.host}: ")
        else:
            password = None  # given with --password-stdin at each fetch instead
        saved = save_account(store, account, password)
        print(f"added account {saved.name} ({saved.user} at {saved.host}:{saved.effective_port}, "
              f"{saved.security.value}, {_describe_policy(saved.policy)})")
        return EXIT_OK
    if action == "list":
        for account in store.accounts():
            print(f"{account.name}\t{account.user}@{account.host}:{account.effective_port}\t"
                  f"{account.security.value}\t{_describe_policy(account.policy)}")
        return EXIT_OK
    if action == "remove":
        account = store.account(arguments.name)
        store.remove_account(account.name)
        credentials.delete_password(account.credential_key)
        print(f"removed account {account.name} and its messages")
        return EXIT_OK
    if action == "test":
        return _test_account(store, store.account(arguments.name), arguments.password_stdin)
    raise ConfigError(f"unknown account action {action!r}")


def _describe_policy(policy: ServerPolicy) -> str:
    text = {
        LeaveMode.DELETE_AFTER_DOWNLOAD: "delete from server after download",
        LeaveMode.KEEP_FOREVER: "leave on server",
        LeaveMode.DELETE_AFTER_DAYS: f"leave on server for {policy.delete_after_days} days",
        LeaveMode.DELETE_WHEN_DELETED_LOCALLY: "leave on server until deleted here",
    }[policy.leave_mode]
    if policy.max_message_bytes:
        text += f", skip messages over {policy.max_message_bytes / 1048576:.1f} MB"
    return text


def _password_for(account: Account, from_stdin: bool) -> str:
    if from_stdin:
        return _read_password(True, "")
    if not account.remember_password:
        return _read_password(False, f"Password for {account.user}@{account.host}: ")
    password = credentials.load_password(account.credential_key)
    if password is None:
        raise CredentialsError(f"no password is stored for {account.name}: remove and add the account "
                               "again, or give it for this run with --password-stdin")
    return password


def _test_account(store: Store, account: Account, password_from_stdin: bool) -> int:
    from app.core.connection_test import run_connection_test

    password = _password_for(account, password_from_stdin)
    report = run_connection_test(account, password)
    print(f"Server: {account.host}:{account.effective_port} ({account.security.value})")
    if report.error is not None and not report.reachable:
        print("Reachable: no")
        return _failed(report.error)
    print("Reachable: yes")
    if isinstance(report.error, TlsPortWithoutTls):
        print("Greeting: none")  # it connected; the server waits for a TLS handshake
        return _failed(report.error)
    if isinstance(report.error, TlsError):
        print(f"TLS: FAILED: {report.error}")
        if report.rejected_certificate_sha256:
            print(f"     certificate SHA-256 fingerprint: {report.rejected_certificate_sha256}")
        return _failed(report.error)
    print(f"Greeting: {report.greeting}")
    if report.tls is not None:
        pinned = " (trusted by pin)" if report.tls.pinned else ""
        print(f"TLS: {report.tls.version}, {report.tls.cipher}{pinned}")
        print(f"Certificate: {report.tls.subject}; issued by {report.tls.issuer}; expires {report.tls.not_after}")
        print(f"Certificate SHA-256: {report.tls.fingerprint_sha256}")
    else:
        print("TLS: none (the connection is not encrypted)")
    _print_capabilities(report.capabilities)
    if report.login_ok:
        print(f"Login: OK ({report.mechanism})")
        print(f"Mailbox: {report.message_count} message(s), {report.mailbox_bytes} bytes")
        return EXIT_OK
    assert report.error is not None
    print(f"Login: FAILED: {describe_error(report.error)}")
    return exit_code_for(report.error)


def _failed(error: PoplarkError) -> int:
    sys.stdout.flush()
    print(f"poplark: {describe_error(error)}", file=sys.stderr)
    return exit_code_for(error)


def _print_capabilities(capabilities: Capabilities) -> None:
    if not capabilities.known:
        print("Capabilities: not reported (the server does not support CAPA)")
        return
    print("Capabilities: " + ", ".join(sorted(capabilities.names)))
    print(f"  UIDL: {'yes' if capabilities.has('UIDL') else 'no'}; TOP: {'yes' if capabilities.has('TOP') else 'no'};"
          f" PIPELINING: {'yes' if capabilities.pipelining else 'no'}")
    print(f"  SASL: {' '.join(capabilities.sasl_mechanisms) or 'none'}")
    if capabilities.login_delay is not None:
        print(f"  LOGIN-DELAY: {capabilities.login_delay} s (checks will not be more frequent)")
    if capabilities.expire_days is not None:
        expire = "never" if capabilities.expire_days < 0 else f"{capabilities.expire_days} day(s)"
        print(f"  EXPIRE: {expire}")
    if capabilities.implementation:
        print(f"  Implementation: {capabilities.implementation}")


# -- fetch --------------------------------------------------------------------------------------

class TerminalProgress(FetchObserver):
    """A one-line progress bar on stderr, redrawn at most ten times a second."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.last_draw = 0.0
        self.drawn = False

    def progress(self, progress: FetchProgress) -> None:
        now = time.monotonic()
        final = progress.phase is not FetchPhase.DOWNLOADING or progress.messages_done == progress.messages_total
        if not final and now - self.last_draw < 0.1:
            return
        self.last_draw = now
        if progress.phase is FetchPhase.DOWNLOADING and progress.messages_total:
            fraction = progress.messages_done / progress.messages_total
            bar = "#" * int(fraction * 30)
            text = (f"{progress.account}: [{bar:<30}] {progress.messages_done}/{progress.messages_total}"
                    f" {progress.bytes_done / 1048576:.1f}/{progress.bytes_total / 1048576:.1f} MB")
        else:
            text = f"{progress.account}: {progress.phase.value}"
        self.stream.write("\r\033[K" + text)
        self.stream.flush()
        self.drawn = True

    def finish(self) -> None:
        if self.drawn:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.drawn = False


def command_fetch(store: Store, profile: Profile, arguments: argparse.Namespace) -> int:
    accounts = [store.account(name) for name in arguments.names] if arguments.names else store.accounts()
    if not accounts:
        raise ConfigError("no accounts yet: add one with 'poplark account add'")
    if arguments.password_stdin and len(accounts) != 1:
        raise ConfigError("--password-stdin needs exactly one account name")
    cancel = CancelToken()
    _cancel_on_signals(cancel)
    show_progress = not arguments.quiet and sys.stderr.isatty()
    worst = EXIT_OK
    for account in accounts:
        observer = TerminalProgress(sys.stderr) if show_progress else FetchObserver()
        try:
            password = _password_for(account, arguments.password_stdin)
            report = fetch_account(store, profile.lock_directory, account, password,
                                   observer=observer, cancel=cancel)
        except Cancelled:
            raise
        except PoplarkError as error:
            if isinstance(observer, TerminalProgress):
                observer.finish()
            print(f"poplark: {account.name}: {describe_error(error)}", file=sys.stderr)
            code = exit_code_for(error)
            worst = code if worst == EXIT_OK or code == EXIT_FAILED else worst
            continue
        finally:
            if isinstance(observer, TerminalProgress):
                observer.finish()
        summary = f"{account.name}: {report.new_messages} new message(s)"
        if report.new_messages:
            summary += f" ({report.new_bytes / 1048576:.1f} MB)"
        if report.deleted_on_server:
            summary += f", {report.deleted_on_server} deleted from the server"
        summary += f", {report.on_server} on the server"
        print(summary)
        for warning in report.warnings:
            print(f"poplark: {account.name}: warning: {warning}", file=sys.stderr)
        if report.ignored_deletions:
            print(f"poplark: {account.name}: warning: the server kept {report.ignored_deletions} message(s) "
                  "it had agreed to delete, so it ignores deletions; Poplark will not ask again. To have "
                  "mail removed, allow clients to delete mail in the provider's web settings",
                  file=sys.stderr)
    _index_for_search(store, cancel)
    return worst


def _index_for_search(store: Store, cancel: CancelToken) -> None:
    """Index new mail for search once the sessions are over, so fetching never waits for it."""
    from app.core.store.search import index_pending

    while not cancel.cancelled and index_pending(store):
        pass


def _cancel_on_signals(cancel: CancelToken) -> None:
    def handler(signal_number: int, frame: FrameType | None) -> None:
        cancel.cancel()

    signal.signal(signal.SIGINT, handler)
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, handler)


# -- reading ------------------------------------------------------------------------------------

def _iso(timestamp: float | None) -> str | None:
    if timestamp is None:
        return None
    return datetime.fromtimestamp(timestamp, tz=UTC).isoformat()


def command_list(store: Store, profile: Profile, arguments: argparse.Namespace) -> int:
    from app.core.message.headers import format_date

    if arguments.account:
        store.account(arguments.account)  # a clear error for an unknown name
    for message in store.iter_messages(arguments.account):
        _write_message_line(sys.stdout, message, arguments.json, format_date)
    return EXIT_OK


def _write_message_line(out: TextIO, message: MessageSummary, as_json: bool,
                        format_date: Callable[[float | None], str]) -> None:
    if as_json:
        out.write(json.dumps({
            "id": message.id, "account": message.account, "uidl": message.uidl,
            "date": _iso(message.date), "received_at": _iso(message.received_at),
            "from": message.sender, "to": message.recipients, "subject": message.subject,
            "message_id": message.message_id, "size": message.size, "sha256": message.sha256,
            "has_attachments": message.has_attachments, "seen": message.seen,
        }, ensure_ascii=False) + "\n")
    else:
        when = format_date(message.date if message.date is not None else message.received_at)
        clip = "@" if message.has_attachments else " "
        sender, subject = _clip(message.sender, 28), _clip(message.subject, 60)
        out.write(f"{message.id:>6} {when:16} {clip} {sender:28}  {subject}\n")


def command_search(store: Store, profile: Profile, arguments: argparse.Namespace) -> int:
    """Like ``list``, for the messages that match; indexes mail not indexed yet first."""
    from app.core.message.headers import format_date
    from app.core.store.search import index_all

    account_id = store.account(arguments.account).id if arguments.account else None
    pending = store.pending_search_count()
    if pending > 1000:
        # After an upgrade, or a large import, indexing takes a while (about 1,000 messages a second).
        print(f"indexing {pending} messages for search first (this happens once)…", file=sys.stderr, flush=True)
    index_all(store)
    ids = store.message_ids(account_id, Folder(arguments.folder), text=arguments.query)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        summaries = store.summaries(chunk)
        for message_id in chunk:
            if message_id in summaries:
                _write_message_line(sys.stdout, summaries[message_id], arguments.json, format_date)
    return EXIT_OK


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def command_show(store: Store, profile: Profile, arguments: argparse.Namespace) -> int:
    from app.core.message.headers import format_date
    from app.core.message.text import readable_text

    raw = store.raw(arguments.id)
    if arguments.raw:
        sys.stdout.flush()
        sys.stdout.buffer.write(raw)
        sys.stdout.buffer.flush()
        return EXIT_OK
    message = store.message(arguments.id)
    print(f"From:    {message.sender}")
    print(f"To:      {message.recipients}")
    print(f"Date:    {format_date(message.date) or '(none)'}")
    print(f"Subject: {message.subject}")
    if message.has_attachments:
        print("(has attachments)")
    print()
    sys.stdout.write(readable_text(raw))
    return EXIT_OK


def command_export(store: Store, profile: Profile, arguments: argparse.Namespace) -> int:
    from app.core.mailbox import export_eml, export_mbox

    if arguments.account:
        store.account(arguments.account)
    out = Path(arguments.out)
    ids = [message.id for message in store.iter_messages(arguments.account)]
    try:
        if arguments.format == "eml":
            # Exactly the stored bytes (invariant 4); a rerun into the same folder stops at the first
            # name already there instead of writing numbered copies next to the user's files.
            count = len(export_eml(store, ids, out, rename_existing=False))
        else:
            # Unix line endings, as mail tools reading an mbox expect; nothing else changes.
            count = export_mbox(store, ids, out, unix_line_endings=True)
    except FileExistsError as error:
        raise ConfigError(f"{error.filename} already exists; choose another place (nothing was overwritten)") from error
    except OSError as error:
        raise ConfigError(f"cannot write {error.filename or out}: {error.strerror}") from error
    print(f"exported {count} message(s) to {out}")
    return EXIT_OK


# -- errors -------------------------------------------------------------------------------------

def describe_error(error: PoplarkError) -> str:
    """One line: what happened and what to do next."""
    text = str(error)
    if isinstance(error, AuthError):
        if needs_authorization_code(error.host) and error.mechanism != "APOP":
            return (f"login failed: {text}. Check the user name and password; QQ, 163 and 126 need an "
                    "authorization code from the web mail settings instead of the web password")
        return f"login failed: {text}. Check the user name and password"
    if isinstance(error, MailboxBusy):
        return f"{text}. Another client is using the mailbox; try again in a few minutes"
    if isinstance(error, TemporaryServerError):
        return f"{text}. Try again later"
    if isinstance(error, StartTlsUnavailable):
        return f"{text}: try SSL/TLS on port 995"
    if isinstance(error, NotTlsPort):
        return f"{text}: is this port TLS? Try STARTTLS or port 110/995"
    if isinstance(error, TlsPortWithoutTls):
        return f"{text}: it may be a TLS port; choose SSL/TLS (usually port 995)"
    if isinstance(error, TlsError):
        if not error.fingerprint_sha256:
            return f"{text}. Check the port and security setting"
        return (f"{text}. If you trust this server, check its certificate with "
                "'poplark account test NAME' and ask your provider")
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


_HANDLERS = {
    "account": command_account,
    "fetch": command_fetch,
    "list": command_list,
    "show": command_show,
    "export": command_export,
    "search": command_search,
}

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

