"""``poplark fetch``: every account (or the named ones), a progress line, and search indexing
(beside a big download and after it in the background, see :mod:`app.cli.indexing`, else
before returning)."""

from __future__ import annotations

import argparse
import sys
import time
from typing import TextIO

from app.cli.accounts import password_for
from app.cli.catch_up import index_pending_mail
from app.cli.indexing import OverlappedIndexer
from app.cli.interrupts import cancel_on_signals
from app.cli.presenter import EXIT_FAILED, EXIT_OK, describe_error, exit_code_for
from app.core.cancel import CancelToken
from app.core.errors import Cancelled, ConfigError, PoplarkError
from app.core.fetch.engine import FetchObserver, fetch_account
from app.core.model import Account, AuthMethod, FetchPhase, FetchProgress, FetchReport
from app.core.pop3.auth import Secret
from app.core.rules.new_mail import NewMailOutcome, NewMailSorter
from app.core.store import Profile, Store


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
    if arguments.headers_only:
        from app.cli.remote import fetch_headers_only_of

        return fetch_headers_only_of(store, profile, accounts, arguments)
    cancel = CancelToken()
    cancel_on_signals(cancel)
    indexer = OverlappedIndexer(profile)
    # Junk and the user's rules run on each committed group in a thread of their own: the
    # download never waits for them (app.core.rules.new_mail); copies they make get indexed below.
    sorter = NewMailSorter(store.path)
    indexing_goes_on = False
    try:
        worst = _fetch_accounts(store, profile, accounts, arguments, cancel, indexer, sorter)
    finally:
        sorted_mail = sorter.finish()
        indexing_goes_on = indexer.finish(cancelled=cancel.cancelled)
    _print_sorted(sorted_mail)
    if not cancel.cancelled and not indexing_goes_on:
        index_pending_mail(store, cancel)  # a small fetch, or what a failed indexer child left
    return worst


def _fetch_one(store: Store, profile: Profile, account: Account, password_stdin: bool,
               observer: FetchObserver, cancel: CancelToken) -> FetchReport:
    def fetch(secret: str | Secret) -> FetchReport:
        return fetch_account(store, profile.lock_directory, account, secret, observer=observer, cancel=cancel)

    if account.auth is AuthMethod.OAUTH2:
        from app.cli.oauth import with_token

        # A token the server refuses is refreshed and the fetch tried once more: the login failed
        # before anything was read, so nothing happens twice.
        return with_token(account, fetch)
    return fetch(password_for(account, password_stdin))


def _fetch_accounts(store: Store, profile: Profile, accounts: list[Account], arguments: argparse.Namespace,
                    cancel: CancelToken, indexer: OverlappedIndexer, sorter: NewMailSorter) -> int:
    show_progress = not arguments.quiet and sys.stderr.isatty()
    worst = EXIT_OK
    for account in accounts:
        shown = TerminalProgress(sys.stderr) if show_progress else FetchObserver()
        observer = sorter.observing(indexer.observing(shown))
        try:
            report = _fetch_one(store, profile, account, arguments.password_stdin, observer, cancel)
        except Cancelled:
            raise
        except PoplarkError as error:
            if isinstance(shown, TerminalProgress):
                shown.finish()
            print(f"poplark: {account.name}: {describe_error(error)}", file=sys.stderr)
            code = exit_code_for(error)
            worst = code if worst == EXIT_OK or code == EXIT_FAILED else worst
            continue
        finally:
            if isinstance(shown, TerminalProgress):
                shown.finish()
        summary = f"{account.name}: {report.new_messages} new message(s)"
        if report.new_messages:
            summary += f" ({report.new_bytes / 1048576:.1f} MB)"
        if report.partial_messages:
            summary += (f", {report.partial_messages} of them downloaded in part (the rest with "
                        "'poplark complete ID')")
        if report.deleted_on_server:
            # on_server is the listing at the start: after deleting, say what is left there.
            summary += (f", {report.deleted_on_server} deleted from the server,"
                        f" {max(0, report.on_server - report.deleted_on_server)} left there")
        else:
            summary += f", {report.on_server} on the server"
        print(summary)
        for warning in report.warnings:
            print(f"poplark: {account.name}: warning: {warning}", file=sys.stderr)
        if report.ignored_deletions:
            print(f"poplark: {account.name}: warning: the server kept {report.ignored_deletions} message(s) "
                  "it had agreed to delete, so it ignores deletions; Poplark will not ask again. To have "
                  "mail removed, allow clients to delete mail in the provider's web settings",
                  file=sys.stderr)
    return worst


def _print_sorted(outcome: NewMailOutcome) -> None:
    """One line for what the junk filter and the rules did to the new mail, when they did anything."""
    rules = outcome.rules
    if outcome.junk:
        print(f"junk filter: {len(outcome.junk)} new message(s) moved to Junk")
    if rules.decisions:
        print(f"rules: {len(rules.decisions)} new message(s) sorted ({rules.moved} moved, {rules.copied} copied, "
              f"{rules.tagged} tagged, {rules.forwarded} forward(s) queued)")
    for problem in rules.problems:
        print(f"poplark: rules: {problem}", file=sys.stderr)
