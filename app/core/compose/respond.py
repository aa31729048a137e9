"""Drafts made from a stored message: Reply, Reply All, Forward (inline or as an attachment), Edit as
New, and reopening a saved draft.

The original is read through the viewer's path (:mod:`app.core.message.view`), so the quote shows
its text as the reader showed it, charset decoded right. Address lists are read from the raw
headers in full (the viewer's display strings are shortened for long lists).
"""

from __future__ import annotations

import email.utils
import re
from collections.abc import Iterable

from app.core.compose.draft import Draft, DraftAttachment
from app.core.compose.quoting import attribution, forward_header, quote
from app.core.compose.subjects import forward_subject, reply_subject, strip_prefixes
from app.core.filenames import sanitize_filename
from app.core.message.headers import declared_charsets, decode_header_value, message_headers
from app.core.message.text import html_to_text
from app.core.message.view import MessageView, parse_message, part_payloads

#: References keeps the thread's first id and the most recent ones (RFC 5322 section 3.6.4 lets
#: a client shorten it; Thunderbird keeps about as many).
MAX_REFERENCES = 20
_MESSAGE_ID = re.compile(r"<[^<>\s]+>")


def reply(raw: bytes, own_addresses: Iterable[str], language: str = "en", *, reply_all: bool = False) -> Draft:
    """A reply to the sender (Reply-To when set); with ``reply_all`` also to every other recipient
    except the user's own addresses. Replying to one's own message goes to its recipients."""
    view = parse_message(raw)
    headers = _Headers(raw)
    own = {address.lower() for address in own_addresses}
    sender = headers.pairs("from")
    targets = headers.pairs("reply-to") or sender
    if sender and sender[0][1].lower() in own:
        targets = headers.pairs("to")  # my own message: answer its recipients again
    to = [pair for pair in targets if pair[1].lower() not in own] or targets[:1]
    cc: list[tuple[str, str]] = []
    if reply_all:
        taken = {address.lower() for _, address in to} | own
        for pair in headers.pairs("to") + headers.pairs("cc"):
            if pair[1].lower() not in taken:
                taken.add(pair[1].lower())
                cc.append(pair)
    name = (sender[0][0] or sender[0][1]) if sender else view.sender
    body = f"\n\n{attribution(view.date, name, language)}\n{quote(_text(view))}\n"
    return Draft(to=[_format(pair) for pair in to], cc=[_format(pair) for pair in cc],
                 subject=reply_subject(view.subject, language), text=body,
                 in_reply_to=_first_id(view.message_id), references=_references(headers, view))


def forward_inline(raw: bytes, language: str = "en") -> Draft:
    """The original's text below a forwarded-message header, with its attachments."""
    view = parse_message(raw)
    header = forward_header(view.sender, view.date, view.date_text, view.subject, view.to, view.cc, language)
    return Draft(subject=forward_subject(view.subject, language), text=f"\n\n{header}\n\n{_text(view)}\n",
                 attachments=attachments_of(raw, view))


def forward_as_attachment(raw: bytes, language: str = "en") -> Draft:
    """The stored bytes attached unchanged as message/rfc822."""
    view = parse_message(raw)
    name = sanitize_filename(strip_prefixes(view.subject) or "message") + ".eml"
    return Draft(subject=forward_subject(view.subject, language), forwarded=raw, forwarded_name=name)


def edit_as_new(raw: bytes) -> Draft:
    """A new message with the original's recipients, subject, text and attachments."""
    return _reopen(raw, keep_thread=False)


def reopen_draft(raw: bytes) -> Draft:
    """A saved draft as it was: with its Bcc and the thread it replies to."""
    return _reopen(raw, keep_thread=True)


def _reopen(raw: bytes, *, keep_thread: bool) -> Draft:
    view = parse_message(raw)
    headers = _Headers(raw)
    sender = headers.pairs("from")
    draft = Draft(
        from_address=sender[0][1] if sender else "", from_name=sender[0][0] if sender else "",
        to=[_format(pair) for pair in headers.pairs("to")], cc=[_format(pair) for pair in headers.pairs("cc")],
        bcc=[_format(pair) for pair in headers.pairs("bcc")] if keep_thread else [],
        subject=view.subject, text=view.plain_text if view.plain_text is not None else _text(view),
        html=view.html, attachments=attachments_of(raw, view) + _inline_images(raw, view))
    if keep_thread:
        draft.in_reply_to = _first_id(headers.text("in-reply-to"))
        draft.references = _MESSAGE_ID.findall(headers.text("references"))
    return draft


def attachments_of(raw: bytes, view: MessageView | None = None) -> list[DraftAttachment]:
    """The message's attachments, decoded, for a forward or a new message."""
    view = view or parse_message(raw)
    payloads = part_payloads(raw, [attachment.part_index for attachment in view.attachments])
    found: list[DraftAttachment] = []
    for attachment in view.attachments:
        data, _ = payloads.get(attachment.part_index, (b"", ""))
        content_type = "application/octet-stream" if attachment.is_message else attachment.content_type
        found.append(DraftAttachment(filename=attachment.filename, data=data, content_type=content_type))
    return found


def _inline_images(raw: bytes, view: MessageView) -> list[DraftAttachment]:
    """The parts the HTML shows by cid: (pasted images), kept with their Content-ID."""
    if view.html is None or not view.inline_parts:
        return []
    listed = {attachment.part_index for attachment in view.attachments}
    wanted = {content_id: index for content_id, index in view.inline_parts.items() if index not in listed}
    payloads = part_payloads(raw, list(wanted.values()))
    found: list[DraftAttachment] = []
    for content_id, index in wanted.items():
        data, content_type = payloads.get(index, (b"", ""))
        found.append(DraftAttachment(filename=f"{content_id.split('@')[0] or 'image'}", data=data,
                                     content_type=content_type, content_id=content_id))
    return found


def _text(view: MessageView) -> str:
    if view.plain_text is not None:
        return view.plain_text
    if view.html is not None:
        return html_to_text(view.html)
    return ""


def _first_id(value: str) -> str:
    found = _MESSAGE_ID.search(value)
    return found.group(0) if found else ""


def _references(headers: _Headers, view: MessageView) -> list[str]:
    ids = _MESSAGE_ID.findall(headers.text("references"))
    if not ids:
        ids = _MESSAGE_ID.findall(headers.text("in-reply-to"))[:1]
    own = _first_id(view.message_id)
    if own and own not in ids:
        ids.append(own)
    if len(ids) > MAX_REFERENCES:
        ids = ids[:1] + ids[-(MAX_REFERENCES - 1):]
    return ids


def _format(pair: tuple[str, str]) -> str:
    """"Name <a@b>" as a person reads it (names stay Unicode; the builder encodes them)."""
    name, address = pair
    if not name or name == address:
        return address
    if re.search(r'[,;:<>@"()\\\[\]]', name):
        name = '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"{name} <{address}>"


class _Headers:
    """The raw header fields of a message, decoded in its declared charsets."""

    def __init__(self, raw: bytes) -> None:
        self.fields = message_headers(raw)
        self.hints = declared_charsets(raw)

    def text(self, name: str) -> str:
        return decode_header_value(self.fields.get(name, b""), self.hints)

    def pairs(self, name: str) -> list[tuple[str, str]]:
        """(name, address) of every mailbox in the field; names decoded (RFC 2047 or raw 8-bit)."""
        value = self.fields.get(name, b"")
        if not value:
            return []
        unfolded = re.sub(rb"\r?\n[ \t]", b" ", value).decode("utf-8", "surrogateescape")
        result: list[tuple[str, str]] = []
        for display, address in email.utils.getaddresses([unfolded]):
            if "@" not in address:
                continue
            decoded = decode_header_value(display.encode("utf-8", "surrogateescape"), self.hints).strip()
            result.append((decoded, address.strip()))
        return result
