"""The headless command line: ``poplark <command>``. Never imports Qt (a test enforces it).

One module per family of commands: :mod:`~app.cli.accounts`, :mod:`~app.cli.fetching`,
:mod:`~app.cli.indexing`, :mod:`~app.cli.reading`, :mod:`~app.cli.contacts`, :mod:`~app.cli.sending`,
:mod:`~app.cli.remote`;
the grammar is :mod:`~app.cli.parser`, and every sentence about an error, with the exit codes, is
:mod:`~app.cli.presenter`. A new command is a handler in one of them (or a new one) and a line in
``_HANDLERS``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from app.cli.parser import build_parser, command_word
from app.cli.presenter import (
    EXIT_CANCELLED,
    EXIT_FAILED,
    EXIT_OK,
    EXIT_TEMPORARY,
    EXIT_USAGE,
    describe_error,
    exit_code_for,
)
from app.core import credentials
from app.core.errors import Cancelled, PoplarkError
from app.core.store import Profile, Store

Handler = Callable[[Store, Profile, argparse.Namespace], int]

#: command -> (module, function). Imported when the command runs: ``poplark fetch`` from cron
#: must not pay for composing, sending or the address book (tests/core/test_cli_startup.py).
_HANDLERS: dict[str, tuple[str, str]] = {
    "account": ("app.cli.accounts", "command_account"),
    "fetch": ("app.cli.fetching", "command_fetch"),
    "index": ("app.cli.indexing", "command_index"),
    "list": ("app.cli.reading", "command_list"),
    "show": ("app.cli.reading", "command_show"),
    "export": ("app.cli.reading", "command_export"),
    "search": ("app.cli.reading", "command_search"),
    "contacts": ("app.cli.contacts", "command_contacts"),
    "send": ("app.cli.sending", "command_send"),
    "outbox": ("app.cli.sending", "command_outbox"),
    "reply": ("app.cli.sending", "command_reply"),
    "remote": ("app.cli.remote", "command_remote"),
    "complete": ("app.cli.remote", "command_complete"),
    "junk": ("app.cli.junk", "command_junk"),
    "tag": ("app.cli.tagging", "command_tag"),
    "rules": ("app.cli.rules", "command_rules"),
    "folder": ("app.cli.folders", "command_folder"),
    "move": ("app.cli.folders", "command_move"),
}


def _handler(command: str) -> Handler:
    module, function = _HANDLERS[command]
    handler: Handler = getattr(importlib.import_module(module), function)
    return handler


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(command_word(argv))  # only the command being run: start-up time
    arguments = parser.parse_args(argv)
    if arguments.command is None:
        parser.print_help()
        return EXIT_USAGE
    profile = Profile.locate(arguments.profile)
    # A cron check that reads a password must not pay keyring's search for a backend every run.
    credentials.remember_backend_in(profile.keyring_backend_path)
    try:
        with Store.open(profile) as store:
            handler = _handler(arguments.command)
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


__all__ = ["EXIT_CANCELLED", "EXIT_FAILED", "EXIT_OK", "EXIT_TEMPORARY", "EXIT_USAGE", "build_parser",
           "describe_error", "exit_code_for", "main"]
