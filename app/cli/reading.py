"""``poplark list``, ``search``, ``show`` and ``export``: reading the store from a terminal."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from app.cli.folders import resolve_folder
from app.cli.presenter import EXIT_OK
from app.core.errors import ConfigError
from app.core.model import MessageSummary
from app.core.store import Profile, Store

if TYPE_CHECKING:
    from app.core.message.view import MessageView


def _iso(timestamp: float | None) -> str | None:
    if timestamp is None:
        return None
    return datetime.fromtimestamp(timestamp, tz=UTC).isoformat()


def command_list(store: Store, profile: Profile, arguments: argparse.Namespace) -> int:
    from app.cli.tagging import filtered_messages, quick_filter
    from app.core.message.headers import format_date

    account = store.account(arguments.account) if arguments.account else None  # a clear error for an unknown name
    folder = resolve_folder(store, arguments.account, arguments.folder)
    # A user folder holds mail of any account: --account only says whose tree its path is in.
    scope = account if account is not None and not folder.startswith("user:") else None
    quick = quick_filter(store, arguments)
    messages = (filtered_messages(store, scope.id if scope else None, quick, folder) if quick.active
                else store.iter_messages(scope.name if scope else None, folder=folder))
    for message in messages:
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
    from app.cli.catch_up import index_pending_mail
    from app.core.message.headers import format_date

    account_id = store.account(arguments.account).id if arguments.account else None
    pending = store.pending_search_count()
    if pending > 1000:
        # After an upgrade, a large import, or right after a big fetch whose indexer still works in
        # the background (this helps it from the other end), indexing takes a moment.
        print(f"indexing {pending} new messages for search first…", file=sys.stderr, flush=True)
    index_pending_mail(store)
    ids = store.message_ids(account_id, resolve_folder(store, arguments.account, arguments.folder),
                            text=arguments.query)
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

    raw = store.raw(arguments.id)
    if arguments.raw:
        sys.stdout.flush()
        sys.stdout.buffer.write(raw)
        sys.stdout.buffer.flush()
        return EXIT_OK
    if arguments.json:
        _write_message_json(sys.stdout, arguments.id, raw, arguments.charset)
        return EXIT_OK
    message = store.message(arguments.id)
    view, body = _body(raw, arguments.charset)
    if arguments.charset:  # the chosen charset re-reads raw 8-bit headers too, as in the window
        sender, recipients, subject = view.sender, view.to, view.subject
    else:
        sender, recipients, subject = message.sender, message.recipients, message.subject
    print(f"From:    {sender}")
    print(f"To:      {recipients}")
    print(f"Date:    {format_date(message.date) or '(none)'}")
    print(f"Subject: {subject}")
    if message.has_attachments:
        print("(has attachments)")
    partial = store.partial_message(arguments.id)
    if partial is not None:
        left = partial.missing_octets
        shown = f"{left / 1048576:.1f} MB" if left >= 1048576 else f"{max(left / 1024, 0.1):.1f} KB"
        print(f"(This message was not fully downloaded: {shown} left on the server. Download the rest with "
              f"'poplark complete {arguments.id}')")
    print()
    sys.stdout.write(body)
    return EXIT_OK


def _body(raw: bytes, charset: str | None) -> tuple[MessageView, str]:
    """The one parse the reader uses (core/message/view.py) and its body as plain text."""
    from app.core.message.text import html_to_text
    from app.core.message.view import parse_message

    view = parse_message(raw, charset)
    if view.plain_text is not None:
        return view, view.plain_text
    return view, html_to_text(view.html) if view.html is not None else ""


def _write_message_json(out: TextIO, message_id: int, raw: bytes, charset: str | None) -> None:
    view, body = _body(raw, charset)
    out.write(json.dumps({
        "id": message_id, "message_id": view.message_id, "subject": view.subject,
        "from": view.sender, "to": view.to, "cc": view.cc,
        "date": _iso(view.date) if view.date is not None else (view.date_text or None),
        "charset": view.charset, "charset_source": view.charset_source, "body": body,
        "attachments": [{"filename": attachment.filename, "content_type": attachment.content_type,
                         "size": attachment.size} for attachment in view.attachments],
        "problems": list(view.problems),
    }, ensure_ascii=False) + "\n")


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
