"""The command line's grammar: ``poplark [--profile DIR] COMMAND ...``."""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from app import __version__
from app.core.model import Security

Commands = Any  # argparse._SubParsersAction[argparse.ArgumentParser]

#: Each command's grammar in the order ``poplark --help`` lists them: the commands a function adds,
#: and the function, as "module:name" when it lives beside its handlers. :func:`build_parser` builds
#: only the command being run: all of them cost ~25 ms of argparse and imported every command
#: module, at every start (issue 12: a no-op fetch in 0.15 s, start-up included).
GRAMMAR: tuple[tuple[tuple[str, ...], str], ...] = (
    (("account",), "app.cli.parser:_add_account"),
    (("fetch",), "app.cli.parser:_add_fetch"),
    (("index",), "app.cli.parser:_add_index"),
    (("list",), "app.cli.parser:_add_list"),
    (("tag",), "app.cli.tagging:add_tag_parser"),
    (("search", "show"), "app.cli.parser:_add_search_and_show"),
    (("contacts",), "app.cli.contacts:add_contacts_parser"),
    (("send", "reply", "outbox"), "app.cli.sending:add_send_commands"),
    (("remote", "complete"), "app.cli.remote:add_remote_parser"),
    (("junk",), "app.cli.junk:add_junk_parser"),
    (("rules",), "app.cli.rules:add_rules_parser"),
    (("folder", "move"), "app.cli.folders:add_folder_parser"),
    (("export",), "app.cli.parser:_add_export"),
)


def _add_smtp_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--smtp-host", metavar="HOST",
                        help="SMTP server for sending (default: the provider's, when the address is known)")
    parser.add_argument("--smtp-port", type=int, default=0, metavar="PORT", help="default: 465 for tls, 587 otherwise")
    parser.add_argument("--smtp-security", choices=[s.value for s in Security], default=None)
    parser.add_argument("--smtp-user", metavar="USER", help="default: the POP3 user")
    parser.add_argument("--smtp-password-stdin", action="store_true",
                        help="the SMTP password differs from the POP3 one: read it from a line of standard input")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The grammar of every command, or of ``command`` alone (see :data:`GRAMMAR`)."""
    parser = argparse.ArgumentParser(prog="poplark", description="Poplark POP3 mail client (headless commands).")
    parser.add_argument("--profile", metavar="DIR",
                        help="profile folder (default: $POPLARK_HOME or the user data folder)")
    parser.add_argument("--version", action="version", version=f"poplark {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    if not any(command in names for names, _ in GRAMMAR):
        command = None  # help, a misspelt command: argparse needs them all to answer
    for names, where in GRAMMAR:
        if command is None or command in names:
            _grammar_function(where)(commands)
    return parser


def command_word(argv: Sequence[str]) -> str | None:
    """The command of a command line, when it comes after nothing but ``--profile DIR``."""
    arguments = iter(argv)
    for argument in arguments:
        if argument == "--profile":
            next(arguments, None)
        elif not argument.startswith("--profile="):
            return None if argument.startswith("-") else argument
    return None


def _grammar_function(where: str) -> Callable[[Commands], None]:
    module, name = where.split(":")
    function: Callable[[Commands], None] = getattr(importlib.import_module(module), name)
    return function


def _add_account(commands: Commands) -> None:
    from app.cli.download_options import add_download_options
    from app.cli.oauth import add_authorize_parser, add_oauth2_options

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
    _add_smtp_options(add)
    add_oauth2_options(add)
    add_download_options(add)
    edit = account_commands.add_parser(
        "edit", help="change how an account downloads (headers only, the first part of large messages)")
    edit.add_argument("name")
    add_download_options(edit, editing=True)
    add_authorize_parser(account_commands)
    smtp = account_commands.add_parser(
        "smtp", help="set how an account sends (its SMTP server); without --smtp-host, the provider's")
    smtp.add_argument("name")
    _add_smtp_options(smtp)
    account_commands.add_parser("list", help="list accounts")
    remove = account_commands.add_parser("remove", help="remove an account, its messages and its stored password")
    remove.add_argument("name")
    discover = account_commands.add_parser(
        "discover", help="find the servers of an address's domain (provider table, autoconfig, DNS SRV, probing)")
    discover.add_argument("address")
    discover.add_argument("--json", action="store_true", help="one JSON object")
    test = account_commands.add_parser("test", help="connect and report TLS, capabilities and whether login works")
    test.add_argument("name")
    test.add_argument("--password-stdin", action="store_true")
    test.add_argument("--smtp", action="store_true", help="test the SMTP server (sending) instead of POP3")
    test.add_argument("--protocol-log", metavar="FILE", type=Path,
                      help="write the POP3 conversation here for a bug report (passwords redacted)")


def _add_fetch(commands: Commands) -> None:
    fetch = commands.add_parser("fetch", help="fetch new mail (all accounts when none is named)")
    fetch.add_argument("names", nargs="*", metavar="NAME")
    fetch.add_argument("--password-stdin", action="store_true",
                       help="read the password for the one named account from standard input")
    fetch.add_argument("--quiet", action="store_true", help="no progress bar")
    fetch.add_argument("--headers-only", action="store_true",
                       help="store only the headers of new messages and leave them on the server "
                            "(complete one later with 'poplark complete ID')")
    fetch.add_argument("--protocol-log", metavar="FILE", type=Path,
                       help="write the POP3 conversation here for a bug report (passwords redacted)")


def _add_index(commands: Commands) -> None:
    index = commands.add_parser("index", help="make stored mail searchable now (fetch does this by itself)")
    index.add_argument("--quiet", action="store_true", help="print nothing")
    # Used by fetch to index beside a big download (app.cli.indexing): not for people.
    index.add_argument("--until-input-closes", action="store_true", help=argparse.SUPPRESS)


def _add_list(commands: Commands) -> None:
    from app.cli.tagging import add_list_filters

    listing = commands.add_parser("list", help="list stored messages, newest first")
    listing.add_argument("--account", metavar="NAME")
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    listing.add_argument("--folder", metavar="FOLDER", default="inbox",
                         help="inbox (the default), junk, trash, sent, drafts, or a folder's path such as 财务/2026")
    add_list_filters(listing)


def _add_search_and_show(commands: Commands) -> None:
    search = commands.add_parser("search", help="find messages by words in subject, addresses or text")
    search.add_argument("query", metavar="QUERY", help="words that must all occur (the last may be unfinished)")
    search.add_argument("--account", metavar="NAME")
    search.add_argument("--folder", metavar="FOLDER", default="inbox",
                        help="inbox (the default), junk, trash, sent, drafts, or a folder's path")
    search.add_argument("--json", action="store_true", help="one JSON object per line")

    show = commands.add_parser("show", help="show a stored message")
    show.add_argument("id", type=int)
    show.add_argument("--raw", action="store_true", help="write the stored bytes unchanged")
    show.add_argument("--json", action="store_true",
                      help="one JSON object: decoded headers, the body's charset, its text, the attachments")
    show.add_argument("--charset", metavar="LABEL",
                      help="read the body and raw 8-bit headers in this charset (e.g. big5, euc-kr)")


def _add_export(commands: Commands) -> None:
    export = commands.add_parser("export", help="export stored messages")
    export.add_argument("--account", metavar="NAME")
    export.add_argument("--format", choices=["eml", "mbox"], required=True)
    export.add_argument("out", help="a folder for eml (one file per message), a file for mbox")
