"""A ready-made message (an .eml file) prepared for sending: the envelope from its own headers,
Bcc taken out of the bytes, CRLF line ends, and a Date and Message-ID when it has none.

Everything else stays byte for byte as written, so what is sent, and stored in Sent, is the file.
"""

from __future__ import annotations

import email.utils
import re
from datetime import datetime

from app.core.compose.build import BuiltMessage, make_message_id
from app.core.errors import ConfigError
from app.core.message.headers import message_headers

_HEADER_END = re.compile(rb"\r\n\r\n")
#: One header field with its continuation lines.
_FIELD = re.compile(rb"(?ms)^([!-9;-~]+)[ \t]*:.*?\r\n(?![ \t])")


def prepare_ready_message(raw: bytes, fallback_sender: str) -> BuiltMessage:
    """The envelope and the bytes to send for ``raw``; ConfigError if it names no recipient."""
    raw = re.sub(rb"\r?\n", b"\r\n", raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n"))
    if not raw.endswith(b"\r\n"):
        raw += b"\r\n"
    end = _HEADER_END.search(raw)
    head, body = (raw[: end.start() + 2], raw[end.start() + 2:]) if end else (raw, b"")
    fields = message_headers(raw)
    recipients: list[str] = []
    for name in ("to", "cc", "bcc"):
        value = fields.get(name, b"").decode("utf-8", "replace")
        for _, address in email.utils.getaddresses([value]) if value else []:
            if "@" in address and address.lower() not in {known.lower() for known in recipients}:
                recipients.append(address)
    if not recipients:
        raise ConfigError("the message names no recipient in To, Cc or Bcc: add one, then send it again")
    senders = email.utils.getaddresses([fields.get("from", b"").decode("utf-8", "replace")])
    sender = next((address for _, address in senders if "@" in address), "") or fallback_sender
    # Bcc leaves the header (all its lines); nothing else of the file changes.
    matches = list(_FIELD.finditer(head))
    if b"".join(match.group(0) for match in matches) == head:
        head = b"".join(match.group(0) for match in matches if match.group(1).lower() != b"bcc")
    elif "bcc" in fields:
        raise ConfigError("the message's header has lines that are not header fields, so its Bcc cannot be taken "
                          "out safely: correct the file (or remove Bcc and give --bcc), then send it again")
    extra = b""
    if "date" not in fields:
        extra += b"Date: " + email.utils.format_datetime(datetime.now().astimezone()).encode("ascii") + b"\r\n"
    message_id = fields.get("message-id", b"").decode("ascii", "replace").strip()
    if not message_id:
        message_id = make_message_id(sender.rpartition("@")[2])
        extra += b"Message-ID: " + message_id.encode("ascii") + b"\r\n"
    return BuiltMessage(raw=extra + head + body, message_id=message_id, sender=sender, recipients=recipients)
