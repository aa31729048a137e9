"""The message list's fields of a raw message: the fast path run once per fetched message.

The store keeps these fields in its ``messages`` table, so the list never opens the raw bytes.
Headers are read by :mod:`app.core.message.headers`, as in the viewer; the body is not parsed at
all (an attachment is guessed from the raw headers of the parts), which keeps storing each
fetched message cheap. Only the email package's address parser is slow, and only odd address headers
reach it (see :func:`app.core.message.headers.format_addresses`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.core.message.headers import (
    declared_charsets,
    decode_header_value,
    format_addresses,
    message_headers,
    parse_date,
)

#: A part that is an attachment says so in one of its headers; looking for that in the raw bytes
#: costs far less than splitting the MIME tree of every fetched message.
_ATTACHMENT_HINT = re.compile(rb"(?im)^content-disposition:[ \t]*attachment|^content-type:[^\r\n]*\bname\*?=")


@dataclass(frozen=True)
class ParsedSummary:
    """Header fields for the message list. Empty strings where the message had nothing usable."""

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
        headers = message_headers(raw)
        shown = (headers.get("subject", b""), headers.get("from", b""), headers.get("to", b""))
        # Raw 8-bit header bytes are read in the charsets the message declares, as in the viewer.
        hints = declared_charsets(raw) if not all(value.isascii() for value in shown) else ()
        subject = decode_header_value(shown[0], hints)
        sender = format_addresses(decode_header_value(shown[1], hints))
        recipients = format_addresses(decode_header_value(shown[2], hints))
        message_id = decode_header_value(headers.get("message-id", b""))
        date = parse_date(decode_header_value(headers.get("date", b"")))
        content_type = decode_header_value(headers.get("content-type", b"")).lower()
        has_attachments = content_type.startswith("multipart/") and bool(_ATTACHMENT_HINT.search(raw))
        return ParsedSummary(date, sender, recipients, subject, message_id, has_attachments)
    except Exception as error:  # noqa: BLE001 - a broken message must never stop a fetch
        return ParsedSummary(None, "", "", "", "", False, error=f"{type(error).__name__}: {error}")
