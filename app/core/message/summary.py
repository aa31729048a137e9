"""The message list's fields of a raw message: the fast path run once per fetched message.

The store keeps these fields in its ``messages`` table, so the list never opens the raw bytes.
Headers are read by :mod:`app.core.message.headers`, as in the viewer; the body is not parsed at
all (an attachment is guessed from the raw headers of the parts), which keeps storing each
fetched message cheap. Only the email package's address parser is slow, and only odd address headers
reach it (see :func:`app.core.message.headers.format_addresses`).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from app.core.message.headers import (
    declared_charsets,
    decode_header_value,
    format_addresses,
    header_block_end,
    message_headers,
    parse_date,
)

#: A part that is an attachment says so in one of its headers; looking for that in the raw bytes
#: costs far less than splitting the MIME tree of every fetched message.
_ATTACHMENT_HINT = re.compile(rb"(?im)^content-disposition:[ \t]*attachment|^content-type:[^\r\n]*\bname\*?=")
#: A header block in which every line is a field (a printable name without spaces, then ":") or
#: continues one (starts with a space or a tab): nearly all mail. In such a block the general
#: reader (:func:`~app.core.message.headers.parse_fields`) reads exactly one field from each
#: field line and its continuations, so :data:`_LIST_FIELD` can pick out the few the list needs.
_PLAIN_BLOCK = re.compile(rb"[!-9;-~]+[ \t]*:[^\n]*(?:\n(?:[!-9;-~]+[ \t]*:|[ \t])[^\n]*)*\n?")
#: The fields :func:`summarize` reads, each with its continuation lines: at the start of the
#: block, and after a line end (a literal first character lets the scan skip to each line end).
_FIELD = rb"((?i:subject|from|to|date|message-id|content-type))[ \t]*:([^\n]*(?:\n[ \t][^\n]*)*)"
_FIRST_LIST_FIELD = re.compile(_FIELD)
_LIST_FIELD = re.compile(rb"\n" + _FIELD)


class ParsedSummary(NamedTuple):
    """Header fields for the message list. Empty strings where the message had nothing usable.

    A named tuple, not a dataclass: one is made for every fetched message."""

    date: float | None
    sender: str
    recipients: str
    subject: str
    message_id: str
    has_attachments: bool
    error: str | None = None


def summarize(raw: bytes) -> ParsedSummary:
    """The list fields of a message. Any failure gives empty fields and the reason, not an error."""
    try:
        headers = list_fields(raw)
        shown_subject, shown_from, shown_to = (headers.get("subject", b""), headers.get("from", b""),
                                               headers.get("to", b""))
        # Raw 8-bit header bytes are read in the charsets the message declares, as in the viewer.
        plain = shown_subject.isascii() and shown_from.isascii() and shown_to.isascii()
        hints = () if plain else declared_charsets(raw)
        subject = decode_header_value(shown_subject, hints)
        sender = format_addresses(decode_header_value(shown_from, hints))
        recipients = format_addresses(decode_header_value(shown_to, hints))
        message_id = decode_header_value(headers.get("message-id", b""))
        date = parse_date(decode_header_value(headers.get("date", b"")))
        content_type = decode_header_value(headers.get("content-type", b"")).lower()
        has_attachments = content_type.startswith("multipart/") and bool(_ATTACHMENT_HINT.search(raw))
        return ParsedSummary(date, sender, recipients, subject, message_id, has_attachments)
    except Exception as error:  # noqa: BLE001 - a broken message must never stop a fetch
        return ParsedSummary(None, "", "", "", "", False, error=f"{type(error).__name__}: {error}")


def list_fields(raw: bytes) -> dict[str, bytes]:
    """The fields of :func:`summarize`, as :func:`~app.core.message.headers.message_headers` reads
    them (lower-case name -> raw value of its first occurrence, folds as LF); others may be left out.

    Run for every fetched message: one scan of the header block in C instead of a Python loop
    over each of its lines (Received and DKIM lines are most of them). A block with any other
    kind of line (an mbox ``From `` line, a stray line without a colon) goes to the general reader.
    """
    end = header_block_end(raw)
    if _PLAIN_BLOCK.fullmatch(raw, 0, end) is None:
        return message_headers(raw)
    first = _FIRST_LIST_FIELD.match(raw, 0, end)
    found = _LIST_FIELD.findall(raw, 0, end)
    fields: dict[str, bytes] = {}
    for name, value in [first.groups(), *found] if first is not None else found:
        key = name.lower().decode("ascii")
        if key not in fields:
            if b"\n" in value:  # folded: each line loses one CR before its LF, as in parse_fields
                value = value.replace(b"\r\n", b"\n")
            fields[key] = value[:-1] if value.endswith(b"\r") else value
    return fields
