"""``poplark remote list|fetch|delete``: the remote mailbox, headless (see :mod:`app.core.remote`).

The core modules are imported inside the handler: ``poplark fetch`` from cron loads this module
with every other command's and must not pay for the listing's header decoding.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.cli.accounts import password_for
from app.cli.interrupts import cancel_on_signals
from app.cli.presenter import EXIT_FAILED, EXIT_OK
from app.core.cancel import CancelToken
from app.core.store import Profile, Store

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
    for action in (listing, fetch, delete):
        action.add_argument("--password-stdin", action="store_true",
                            help="read the account's password from standard input")
        action.add_argument("--protocol-log", metavar="FILE", type=Path,
                            help="write the POP3 conversation here for a bug report (passwords redacted)")


def command_remote(store: Store, profile: Profile, arguments: argparse.Namespace) -> int:
    account = store.account(arguments.name)
    password = password_for(account, arguments.password_stdin)
    cancel = CancelToken()
    cancel_on_signals(cancel)
    if arguments.remote_command == "list":
        from app.core.remote.listing import list_remote

        listing = list_remote(store, profile.lock_directory, account, password, cancel=cancel)
        _print_listing(listing, arguments.json)
        return EXIT_OK
    from app.core.remote.execute import Mark, MarkAction, execute_marks

    if arguments.remote_command == "delete":
        action = MarkAction.DELETE
    else:
        action = MarkAction.DOWNLOAD_AND_DELETE if arguments.delete else MarkAction.DOWNLOAD
    report = execute_marks(store, profile.lock_directory, account, password,
                           [Mark(uidl, action) for uidl in arguments.uidls], cancel=cancel)
    if report.downloaded:
        from app.cli.indexing import index_pending_mail

        index_pending_mail(store, cancel)
    return _print_report(report)


def _print_listing(listing: RemoteListing, as_json: bool) -> None:
    from app.core.message.headers import format_date

    for note in listing.notes:
        print(f"poplark: {listing.account}: {note}", file=sys.stderr)
    if as_json:
        for message in listing.messages:
            print(json.dumps(_message_json(message), ensure_ascii=False))
        return
    for message in listing.messages:
        mark = "stored" if message.stored else "-"
        print(f"{message.number:>6}  {message.uidl or '-':<24} {_size(message.size):>9}  "
              f"{format_date(message.date) or '-':<16}  {mark:<6}  {message.sender or '-'}  {message.subject}")
    stored = sum(message.stored for message in listing.messages)
    print(f"{listing.account}: {len(listing.messages)} message(s) on the server "
          f"({listing.total_bytes / 1048576:.1f} MB), {stored} of them stored here")


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
