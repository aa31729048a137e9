"""``poplark send``, ``poplark reply ID`` and ``poplark outbox list|send|retry|mark-sent|remove``.

``send`` builds the message (or takes an .eml), commits it to the outbox, then sends it at once
unless ``--queue-only``; whatever happens, the message is in the outbox or in Sent. Exit codes as
for fetch (app/cli/presenter.py): 0 sent; 75 it waits in the outbox for a temporary problem; 1 it
needs the user (refused, too large, may have been sent, login, settings).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.cli.accounts import smtp_password_for
from app.cli.presenter import EXIT_FAILED, EXIT_OK, EXIT_TEMPORARY, describe_error, exit_code_for
from app.core.errors import ConfigError, TokenRejected
from app.core.model import Account, AuthMethod, OutboxItem, OutboxState
from app.core.store import Profile, Store

if TYPE_CHECKING:
    from app.core.compose.build import BuiltMessage
    from app.core.compose.draft import DraftAttachment


def add_send_commands(commands: Any) -> None:
    """The ``send`` and ``outbox`` grammar (called by app.cli.parser)."""
    send = commands.add_parser("send", help="send a message through the account's SMTP server (via the outbox)")
    send.add_argument("--account", metavar="NAME", required=True)
    send.add_argument("--to", action="append", default=[], metavar="ADDR")
    send.add_argument("--cc", action="append", default=[], metavar="ADDR")
    send.add_argument("--bcc", action="append", default=[], metavar="ADDR", help="in the envelope only")
    send.add_argument("--subject", default=None)
    send.add_argument("--body-file", metavar="FILE", help="the text, in UTF-8 ('-': standard input)")
    send.add_argument("--attach", action="append", default=[], metavar="FILE", type=Path)
    send.add_argument("--reply-to-id", type=int, metavar="ID",
                      help="a stored message this answers (threading headers; To and subject from it if not given)")
    send.add_argument("--eml", metavar="FILE", type=Path,
                      help="send this ready message as it is (envelope from its To/Cc/Bcc; Bcc removed)")
    send.add_argument("--queue-only", action="store_true", help="put it in the outbox without sending now")
    send.add_argument("--password-stdin", action="store_true", help="read the SMTP password from standard input")

    answer = commands.add_parser("reply", help="reply to a stored message, quoting it (sent via the outbox)")
    answer.add_argument("id", type=int, metavar="ID")
    answer.add_argument("--account", metavar="NAME", required=True, help="the account that sends the reply")
    answer.add_argument("--all", action="store_true", help="reply to every recipient (except your own address)")
    answer.add_argument("--body-file", metavar="FILE", required=True,
                        help="your text, in UTF-8, put above the quote ('-': standard input)")
    answer.add_argument("--attach", action="append", default=[], metavar="FILE", type=Path)
    answer.add_argument("--language", metavar="LANG", default=None,
                        help="of the attribution line: en or zh (default: from $LANG)")
    answer.add_argument("--queue-only", action="store_true", help="put it in the outbox without sending now")
    answer.add_argument("--password-stdin", action="store_true", help="read the SMTP password from standard input")

    outbox = commands.add_parser("outbox", help="list, send, retry or remove messages waiting to be sent")
    actions = outbox.add_subparsers(dest="outbox_command", metavar="ACTION")
    listing = actions.add_parser("list", help="what waits, failed or may have been sent (the default)")
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    outbox.add_argument("--json", action="store_true", help="one JSON object per line")
    flush = actions.add_parser("send", help="send what is due (all accounts when none is named)")
    flush.add_argument("--account", metavar="NAME")
    flush.add_argument("--password-stdin", action="store_true")
    for name, text in (("retry", "send a failed or possibly sent message again"),
                       ("mark-sent", "it did arrive: move it into Sent without sending"),
                       ("remove", "delete it from the outbox without sending")):
        action = actions.add_parser(name, help=text)
        action.add_argument("id", type=int)


def command_send(store: Store, profile: Profile, arguments: argparse.Namespace) -> int:
    account = store.account(arguments.account)
    return _queue_and_send(store, profile, account, _message_from_arguments(store, account, arguments), arguments)


def command_reply(store: Store, profile: Profile, arguments: argparse.Namespace) -> int:
    """``poplark reply ID``: the reader's text of the message quoted under the attribution line,
    the user's text above it, threading headers, Re: once."""
    # Composing is imported by the commands that compose: the CLI's start-up stays light.
    from app.core.compose.build import build_message
    from app.core.compose.respond import reply

    account = store.account(arguments.account)
    language = arguments.language or os.environ.get("LC_ALL") or os.environ.get("LANG") or "en"
    draft = reply(store.raw(arguments.id), [account.email], language, reply_all=arguments.all)
    draft.from_address, draft.from_name = account.email, account.display_name
    draft.text = _body_text(arguments.body_file).rstrip("\n") + "\n\n" + draft.text.lstrip("\n")
    draft.attachments = [_attachment(path) for path in arguments.attach]
    return _queue_and_send(store, profile, account, build_message(draft), arguments)


def _queue_and_send(store: Store, profile: Profile, account: Account, built: BuiltMessage,
                    arguments: argparse.Namespace) -> int:
    assert account.id is not None
    if account.smtp is None and not arguments.queue_only:
        raise ConfigError(f"{account.name} has no SMTP server, so nothing was queued: set one with 'poplark "
                          f"account smtp {account.name}' (the provider's, or --smtp-host), then send again")
    outbox_id = store.queue(account.id, built.raw, built.sender, built.recipients,
                            subject=_subject_of(built.raw), message_id=built.message_id)
    if arguments.queue_only:
        print(f"queued {outbox_id} {built.message_id}")
        return EXIT_OK
    code = _send(store, profile, account, arguments.password_stdin, only=[outbox_id])
    if code == EXIT_OK:
        print(f"sent {built.message_id}")
    return code


def command_outbox(store: Store, profile: Profile, arguments: argparse.Namespace) -> int:
    action = arguments.outbox_command or "list"
    if action == "list":
        _settle_dead_senders(store, profile)
        _list(store.outbox(), arguments.json)
        return EXIT_OK
    if action == "send":
        accounts = [store.account(arguments.account)] if arguments.account else store.accounts()
        waiting = {item.account_id for item in store.outbox()}
        worst = EXIT_OK
        for account in accounts:
            if account.id not in waiting:
                continue
            worst = max(worst, _send(store, profile, account, arguments.password_stdin, only=None), key=_severity)
        return worst
    item = store.outbox_item(arguments.id)
    if item.state is OutboxState.SENDING:
        raise ConfigError(f"message {item.id} is being sent right now; wait until that ends")
    if action == "retry":
        store.requeue(item.id)
        print(f"message {item.id} will be sent again: run 'poplark outbox send'")
    elif action == "mark-sent":
        message_id = store.mark_sent(item.id)
        print(f"message {item.id} moved into Sent (message {message_id}) without sending")
    else:
        store.remove_from_outbox(item.id)
        print(f"message {item.id} removed from the outbox, not sent")
    return EXIT_OK


def _settle_dead_senders(store: Store, profile: Profile) -> None:
    """Rows left in "sending" by a sender that no longer runs are shown as what they are: queued
    again, or "may have been sent". A sender that still runs holds the lock and keeps its rows."""
    from app.core.errors import FetchInProgress
    from app.core.send.outbox import SendLock

    for account_id in {item.account_id for item in store.outbox() if item.state is OutboxState.SENDING}:
        name = store.outbox(account_id)[0].account
        try:
            with SendLock(profile.ensure().lock_directory, account_id, name):
                store.settle_interrupted(account_id)
        except FetchInProgress:
            continue


def _send(store: Store, profile: Profile, account: Account, password_stdin: bool, only: list[int] | None) -> int:
    from app.core.send.outbox import send_queued

    lock_directory = profile.ensure().lock_directory
    if account.auth is AuthMethod.OAUTH2:
        from app.cli.oauth import token_source

        # As for fetch: a token the server refuses is refreshed and the run tried once more; the
        # login failed before anything was sent, and every message is still due.
        source = token_source(account)
        report = send_queued(store, account, source.token(), lock_directory, only=only)
        if isinstance(report.error, TokenRejected):
            report = send_queued(store, account, source.token(fresh=True), lock_directory, only=only)
    else:
        report = send_queued(store, account, smtp_password_for(account, password_stdin), lock_directory, only=only)
    code = EXIT_OK
    for outbox_id, error in report.failed.items():
        print(f"poplark: message {outbox_id}: {describe_error(error)}. It stays in the outbox as failed: "
              f"'poplark outbox retry {outbox_id}' after correcting the cause, or 'poplark outbox remove "
              f"{outbox_id}'", file=sys.stderr)
        code = max(code, EXIT_FAILED, key=_severity)
    for outbox_id in report.unsure:
        print(f"poplark: message {outbox_id} may have been sent: the connection ended after the server had the "
              "whole message and before it confirmed it. It is not sent again by itself: check with a recipient "
              f"or the provider's web mail, then 'poplark outbox mark-sent {outbox_id}' if it arrived or "
              f"'poplark outbox retry {outbox_id}' to send it again", file=sys.stderr)
        code = max(code, EXIT_FAILED, key=_severity)
    if report.error is not None:
        print(f"poplark: {account.name}: {describe_error(report.error)}. The messages wait in the outbox",
              file=sys.stderr)
        code = max(code, exit_code_for(report.error), key=_severity)
    for outbox_id, error in report.retry_later.items():
        if error is not report.error:
            print(f"poplark: message {outbox_id}: {describe_error(error)}. It waits in the outbox and is tried "
                  "again by the next 'poplark outbox send'", file=sys.stderr)
            code = max(code, exit_code_for(error), key=_severity)
    for outbox_id, message_id in report.sent.items():
        if only is None:
            print(f"sent {outbox_id} (in Sent as message {message_id})")
    return code


def _severity(code: int) -> int:
    """Exit codes by how much they ask of the user: failed > temporary > ok."""
    return {EXIT_OK: 0, EXIT_TEMPORARY: 1}.get(code, 2)


def _message_from_arguments(store: Store, account: Account, arguments: argparse.Namespace) -> BuiltMessage:
    from app.core.compose.build import build_message
    from app.core.compose.draft import Draft
    from app.core.compose.ready import prepare_ready_message
    from app.core.compose.respond import reply

    if arguments.eml is not None:
        given = (arguments.to, arguments.cc, arguments.bcc, arguments.subject, arguments.body_file, arguments.attach)
        if any(given):
            raise ConfigError("--eml sends the file as it is: give no --to, --cc, --bcc, --subject, --body-file "
                              "or --attach with it")
        return prepare_ready_message(_read(arguments.eml), account.email)
    draft = Draft(from_address=account.email, from_name=account.display_name, to=list(arguments.to),
                  cc=list(arguments.cc), bcc=list(arguments.bcc), subject=arguments.subject or "")
    if arguments.reply_to_id is not None:
        original = reply(store.raw(arguments.reply_to_id), [account.email])
        draft.in_reply_to, draft.references = original.in_reply_to, original.references
        draft.to = draft.to or original.to
        draft.subject = arguments.subject if arguments.subject is not None else original.subject
    if arguments.body_file is None:
        raise ConfigError("give the text with --body-file FILE (or --body-file - to read standard input)")
    draft.text = _body_text(arguments.body_file)
    draft.attachments = [_attachment(path) for path in arguments.attach]
    return build_message(draft)


def _body_text(body_file: str) -> str:
    data = sys.stdin.buffer.read() if body_file == "-" else _read(Path(body_file))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ConfigError("the body is not UTF-8 text: convert it (iconv -t UTF-8), then send again") from error


def _attachment(path: Path) -> DraftAttachment:
    from app.core.compose.draft import DraftAttachment

    if not path.is_file():
        raise ConfigError(f"cannot attach {path}: there is no such file")
    return DraftAttachment(filename=path.name, data=_read(path))


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise ConfigError(f"cannot read {path}: {error.strerror or error}") from error


def _subject_of(raw: bytes) -> str:
    from app.core.message.summary import summarize

    return summarize(raw).subject


_STATE_WORDS = {OutboxState.QUEUED: "waiting", OutboxState.SENDING: "sending", OutboxState.FAILED: "failed",
                OutboxState.UNSURE: "may have been sent"}


def _list(items: list[OutboxItem], as_json: bool) -> None:
    for item in items:
        if as_json:
            print(json.dumps({"id": item.id, "account": item.account, "state": item.state.value,
                              "from": item.sender, "recipients": list(item.recipients), "subject": item.subject,
                              "message_id": item.message_id, "size": item.size, "queued_at": item.queued_at,
                              "attempts": item.attempts, "next_attempt_at": item.next_attempt_at,
                              "last_error": item.last_error}, ensure_ascii=False))
        else:
            detail = f"\t{item.last_error}" if item.last_error else ""
            print(f"{item.id}\t{item.account}\t{_STATE_WORDS[item.state]}\t{', '.join(item.recipients)}\t"
                  f"{item.subject}{detail}")
