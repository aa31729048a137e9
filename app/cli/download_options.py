"""The account's download limits on the command line (issue 18): ``poplark account add`` options and
``poplark account edit NAME``, which changes them on an existing account.

``--headers-only`` stores only the header block of each new message; ``--partial-over-mb M`` stores
only about the first ``--partial-first-kb N`` KB of messages larger than M MB. The rest stays on the
server; ``poplark complete ID`` (or the reader's Download now) downloads it.
"""

from __future__ import annotations

import argparse
import dataclasses

from app.cli.presenter import EXIT_OK
from app.core.accounts import save_account
from app.core.errors import ConfigError
from app.core.model import Account
from app.core.store import Store

KB = 1024
MB = 1024 * 1024


def add_download_options(parser: argparse.ArgumentParser, *, editing: bool = False) -> None:
    """The options of ``account add``; ``editing`` adds the ones that switch a limit off again."""
    headers = parser.add_mutually_exclusive_group() if editing else parser
    headers.add_argument("--headers-only", action="store_true", default=None,
                         help="store only the headers of new messages; download the rest with 'poplark complete ID'")
    if editing:
        headers.add_argument("--whole-messages", dest="headers_only", action="store_false",
                             help="download new messages whole again (the size limit below still applies)")
    partial = parser.add_mutually_exclusive_group() if editing else parser
    partial.add_argument("--partial-over-mb", type=float, metavar="MB",
                         help="download only the first part of messages larger than this")
    if editing:
        partial.add_argument("--no-partial", action="store_true", help="download large messages whole again")
    parser.add_argument("--partial-first-kb", type=int, metavar="KB",
                        help="how much of a large message to download (default: 100 KB; 0: its headers)")


def download_settings(arguments: argparse.Namespace) -> dict[str, object]:
    """The Account fields the options set (only those given)."""
    settings: dict[str, object] = {}
    if arguments.headers_only is not None:
        settings["headers_only"] = arguments.headers_only
    if getattr(arguments, "no_partial", False):
        settings["partial_over_bytes"] = None
    elif arguments.partial_over_mb is not None:
        if arguments.partial_over_mb <= 0:
            raise ConfigError("--partial-over-mb must be more than 0")
        settings["partial_over_bytes"] = int(arguments.partial_over_mb * MB)
    if arguments.partial_first_kb is not None:
        if arguments.partial_first_kb < 0:
            raise ConfigError("--partial-first-kb cannot be negative")
        settings["partial_first_bytes"] = arguments.partial_first_kb * KB
    return settings


def describe_download(account: Account) -> str:
    """How the account downloads, for ``account add`` and ``account list``."""
    if account.headers_only:
        return "headers only"
    if account.partial_over_bytes is not None:
        first = f"the first {account.partial_first_bytes // KB} KB" if account.partial_first_bytes else "the headers"
        return f"{first} of messages over {account.partial_over_bytes / MB:g} MB"
    return "whole messages"


def command_edit(store: Store, arguments: argparse.Namespace) -> int:
    """``poplark account edit NAME``: change how an existing account downloads."""
    account = store.account(arguments.name)
    settings = download_settings(arguments)
    if not settings:
        raise ConfigError("nothing to change: give --headers-only, --whole-messages, --partial-over-mb, "
                          "--no-partial or --partial-first-kb")
    try:
        updated = dataclasses.replace(account, **settings)  # type: ignore[arg-type]
    except ValueError as error:
        raise ConfigError(str(error)) from error
    save_account(store, updated, None, previous=account)
    print(f"{account.name} downloads {describe_download(updated)}")
    return EXIT_OK
