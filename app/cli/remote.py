"""``poplark remote list|fetch|delete``, ``poplark complete ID`` and ``poplark fetch --headers-only``:
the remote mailbox and partial messages, headless (see :mod:`app.core.remote`).

The core modules are imported inside the handler: ``poplark fetch`` from cron loads this module
with every other command's and must not pay for the listing's header decoding.
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from app.cli.accounts import password_for
from app.cli.interrupts import cancel_on_signals
from app.cli.presenter import EXIT_FAILED, EXIT_OK, report_failure
from app.core.cancel import CancelToken
from app.core.errors import Cancelled, ConfigError, PoplarkError
from app.core.model import Account, AuthMethod
from app.core.pop3.auth import Secret
from app.core.store import Profile, Store

T = TypeVar("T")

if TYPE_CHECKING:
    from app.core.remote.execute import ExecutionReport
    from app.core.remote.listing import RemoteListing, RemoteMessage


def add_remote_parser(commands: Any) -> None:
    """The ``remote`` command's grammar, added to the top-level subparsers."""
    remote = commands.add_parser(
        "remote", help="the messages on the server: list them, download or delete chosen ones by UIDL")
    actions = remote.add_subparsers(dest="remote_command", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="list the server's messages without downloading them")
    listing.add_argument("name", metavar="NAME")
    listing.add_argument("--json", action="store_true", help="one JSON object per message and line")
    fetch = actions.add_parser("fetch", help="download these messages (UIDLs from 'poplark remote list')")
    fetch.add_argument("name", metavar="NAME")
    fetch.add_argument("uidls", nargs="+", metavar="UIDL")
    fetch.add_argument("--delete", action="store_true",
                       help="then delete them from the server (only those stored here)")
    delete = actions.add_parser("delete", help="delete these messages from the server, downloaded or not")
    delete.add_argument("name", metavar="NAME")
    delete.add_argument("uidls", nargs="+", metavar="UIDL")
    complete = commands.add_parser(
        "complete", help="download the rest of a message stored with its headers only (fetch --headers-only)")
    complete.add_argument("id", type=int, metavar="ID", help="the message's id (see 'poplark list')")
    for action in (listing, fetch, delete, complete):
        action.add_argument("--password-stdin", action="store_true",
                            help="read the account's password from standard input")
        action.add_argument("--protocol-log", metavar="FILE", type=Path,
                            help="write the POP3 conversation here for a bug report (passwords redacted)")


def _signed_in(account: Account, password_stdin: bool, attempt: Callable[[str | Secret], T]) -> T:
    """``attempt`` with the account's password, or an OAuth2 access token (refreshed and tried once
    more if the server refuses it), as ``poplark fetch`` signs in."""
    if account.auth is AuthMethod.OAUTH2:
        from app.cli.oauth import with_token

        return with_token(account, attempt)
    return attempt(password_for(account, password_stdin))


def command_remote(store: Store, profile: Profile, arguments: argparse.Namespace) -> int:
    account = store.account(arguments.name)
    cancel = CancelToken()
    cancel_on_signals(cancel)
    if arguments.remote_command == "list":
        from app.core.remote.listing import list_remote

        listing = _signed_in(account, arguments.password_stdin, lambda secret: list_remote(
            store, profile.lock_directory, account, secret, cancel=cancel))
        _print_listing(listing, arguments.json)
        return EXIT_OK
    from app.core.remote.execute import Mark, MarkAction, execute_marks

    if arguments.remote_command == "delete":
        action = MarkAction.DELETE
    else:
        action = MarkAction.DOWNLOAD_AND_DELETE if arguments.delete else MarkAction.DOWNLOAD
    marks = [Mark(uidl, action) for uidl in arguments.uidls]
    report = _signed_in(account, arguments.password_stdin, lambda secret: execute_marks(
        store, profile.lock_directory, account, secret, marks, cancel=cancel))
    if report.downloaded:
        from app.cli.catch_up import index_pending_mail

        index_pending_mail(store, cancel)
    return _print_report(report)


def command_complete(store: Store, profile: Profile, arguments: argparse.Namespace) -> int:
    from app.core.remote.partial import complete_message

    partial = store.partial_message(arguments.id)
    if partial is None:
        store.message(arguments.id)  # no such message: its own sentence
        print(f"message {arguments.id} is stored whole already: nothing to download")
        return EXIT_OK
    account = next((account for account in store.accounts() if account.id == partial.account_id), None)
    if account is None:
        raise ConfigError(f"the account of message {arguments.id} was removed")
    cancel = CancelToken()
    cancel_on_signals(cancel)
    whole = _signed_in(account, arguments.password_stdin, lambda secret: complete_message(
        store, profile.lock_directory, account, secret, arguments.id, cancel=cancel))
    from app.cli.catch_up import index_pending_mail

    index_pending_mail(store, cancel)
    print(f"{account.name}: message {whole.id} is complete ({_size(whole.size)})")
    return EXIT_OK


def fetch_headers_only_of(store: Store, profile: Profile, accounts: list[Account],
                          arguments: argparse.Namespace) -> int:
    """``poplark fetch --headers-only``: each account's new messages, headers only, nothing deleted."""
    from app.core.remote.partial import fetch_headers_only

    cancel = CancelToken()
    cancel_on_signals(cancel)
    worst = EXIT_OK
    for account in accounts:
        try:
            report = _signed_in(account, arguments.password_stdin,
                                functools.partial(fetch_headers_only, store, profile.lock_directory, account,
                                                  cancel=cancel))
        except Cancelled:
            raise
        except PoplarkError as error:
            code = report_failure(error, f"{account.name}: ")
            worst = code if worst == EXIT_OK or code == EXIT_FAILED else worst
            continue
        print(f"{account.name}: {report.stored} new message(s), headers only "
              f"({_size(report.left_on_server)} left on the server), {report.on_server} on the server")
        if report.shared_uidl:
            print(f"poplark: {account.name}: warning: {report.shared_uidl} new message(s) share a UIDL with another "
                  "and were left out; 'poplark fetch' downloads them whole", file=sys.stderr)
    if not cancel.cancelled:
        from app.cli.catch_up import index_pending_mail

        index_pending_mail(store, cancel)
    return worst


def _print_listing(listing: RemoteListing, as_json: bool) -> None:
    from app.core.message.headers import format_date
    from app.core.store.uid_state import UidState

    for note in listing.notes:
        print(f"poplark: {listing.account}: {note}", file=sys.stderr)
    if as_json:
        for message in listing.messages:
            print(json.dumps(_message_json(message), ensure_ascii=False))
        return
    if listing.messages:
        print(f"{'#':>6}  {'UIDL':<24} {'SIZE':>9}  {'DATE':<16}  {'HERE':<7}  FROM  SUBJECT")
    for message in listing.messages:
        mark = "stored" if message.stored else "partial" if message.state is UidState.PARTIAL else "-"
        print(f"{message.number:>6}  {message.uidl or '-':<24} {_size(message.size):>9}  "
              f"{format_date(message.date) or '-':<16}  {mark:<7}  {message.sender or '-'}  {message.subject}")
    stored = sum(message.stored for message in listing.messages)
    partial = sum(message.state is UidState.PARTIAL for message in listing.messages)
    print(f"{listing.account}: {len(listing.messages)} message(s) on the server ({_size(listing.total_bytes)}), "
          f"{stored} of them stored here" + (f", {partial} with their headers only" if partial else ""))


def _message_json(message: RemoteMessage) -> dict[str, object]:
    return {"uidl": message.uidl or None, "number": message.number, "size": message.size,
            "date": message.date, "from": message.sender if message.headers_read else None,
            "subject": message.subject if message.headers_read else None, "stored": message.stored,
            "state": message.state.value if message.state else None, "shared_uidl": message.shared_uidl}


def _size(octets: int) -> str:
    if octets < 1024:
        return f"{octets} B"
    if octets < 1048576:
        return f"{octets / 1024:.1f} KB"
    return f"{octets / 1048576:.1f} MB"


def _print_report(report: ExecutionReport) -> int:
    parts = [f"{len(report.downloaded)} downloaded"]
    if report.already_stored:
        parts.append(f"{len(report.already_stored)} already stored here")
    parts.append(f"{len(report.deleted)} deleted from the server")
    print(f"{report.account}: " + ", ".join(parts))
    for uidl, reason in report.refused:
        print(f"poplark: {report.account}: {uidl}: {reason}", file=sys.stderr)
    if report.refused:
        print(f"poplark: {report.account}: run 'poplark remote list {report.account}' to see what is on "
              "the server now", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK
