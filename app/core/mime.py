"""Parsing stored messages for display and for the message list; never raises on bad input.

The list needs a few header fields decoded as a person would read them. Real mail is messy: RFC
2047 words split mid-character, GB2312 that is really GBK, raw 8-bit headers. This module only
reads; the raw bytes in the store are the truth and are never changed.
"""

from __future__ import annotations

import codecs
import email.header
import email.utils
import re
from dataclasses import dataclass
from datetime import datetime

#: Charset labels that are subsets of GB18030 in practice: mail labelled GB2312 is usually GBK.
_CHARSET_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030",
                    "ks_c_5601-1987": "cp949", "big5": "big5hkscs", "unicode-1-1-utf-7": "utf-7"}
_HEADER_END = re.compile(rb"\r?\n\r?\n")
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


def normalize_charset(label: str | None) -> str | None:
    """A Python codec name for a MIME charset label, or None if Python knows no such codec."""
    if not label:
        return None
    name = label.strip().strip('"').lower()
    name = _CHARSET_ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_bytes(data: bytes, charset: str | None = None) -> str:
    """Decode with the declared charset, else UTF-8 when valid, else GB18030; never raises."""
    codec = normalize_charset(charset)
    if codec:
        try:
            return data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", "replace")


def decode_header_value(raw: bytes) -> str:
    """Unfold and decode one header value: raw 8-bit (RFC 6532 UTF-8, else GB18030) and RFC 2047."""
    text = decode_bytes(re.sub(rb"\r?\n[ \t]", b" ", raw)).strip()
    if "=?" not in text:
        return text
    try:
        parts = email.header.decode_header(text)
    except (ValueError, AssertionError, LookupError):
        return text
    # Join adjacent words of the same charset before decoding: one character may be split
    # across two encoded words (RFC 2047 forbids it; senders do it anyway).
    merged: list[tuple[bytes, str | None]] = []
    for chunk, charset in parts:
        data: bytes = chunk if isinstance(chunk, bytes) else chunk.encode("utf-8", "surrogateescape")
        if merged and merged[-1][1] == charset:
            merged[-1] = (merged[-1][0] + data, charset)
        else:
            merged.append((data, charset))
    return "".join(decode_bytes(data, charset) for data, charset in merged).strip()


def split_headers(raw: bytes) -> dict[str, bytes]:
    """Lower-case header name -> raw value of its first occurrence (folding kept)."""
    match = _HEADER_END.search(raw)
    block = raw[: match.start()] if match else raw
    headers: dict[str, bytes] = {}
    name: str | None = None
    value = b""
    for line in re.split(rb"\r?\n", block):
        if line[:1] in (b" ", b"\t") and name is not None:
            value += b"\n" + line
            continue
        if name is not None and name not in headers:
            headers[name] = value
        raw_name, separator, rest = line.partition(b":")
        if not separator or not raw_name or b" " in raw_name.strip():
            name = None
            continue
        name = raw_name.strip().decode("latin-1").lower()
        value = rest
    if name is not None and name not in headers:
        headers[name] = value
    return headers


#: "Name <address>" or a bare address: most From headers. Parsed without the email package,
#: whose address parser is the slowest part of indexing a message (bench profile).
_SIMPLE_ADDRESS = re.compile(r'^\s*(?:"([^"\\]*)"|([^"<>,;@\\]*?))\s*<([^<>\s,;"]+@[^<>\s,;"]+)>\s*$'
                             r'|^\s*<?([^<>\s,;"]+@[^<>\s,;"]+)>?\s*$')
#: The list shows a line of recipients, not ten thousand: longer headers are cut here.
MAX_RECIPIENTS_TEXT = 2000


def format_addresses(value: str) -> str:
    """'Name <a@b>, c@d' cleaned: decoded names, no stray quotes."""
    simple = _SIMPLE_ADDRESS.match(value)
    if simple:
        quoted, plain, address, bare = simple.groups()
        if bare:
            return bare
        name = (quoted if quoted is not None else plain or "").strip()
        return f"{name} <{address}>" if name else address
    if len(value) > MAX_RECIPIENTS_TEXT:
        value = value[:MAX_RECIPIENTS_TEXT].rsplit(",", 1)[0] + ", …"
    try:
        pairs = email.utils.getaddresses([value])
    except (ValueError, IndexError):
        return value
    shown = []
    for name, address in pairs:
        if name and address:
            shown.append(f"{name} <{address}>")
        elif address or name:
            shown.append(address or name)
    return ", ".join(shown) if shown else value


def parse_date(value: str) -> float | None:
    if not value:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (ValueError, TypeError, IndexError, OverflowError):
        return None
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.astimezone()
    try:
        return parsed.timestamp()
    except (OverflowError, OSError, ValueError):
        return None


def summarize(raw: bytes) -> ParsedSummary:
    """The list fields of a message. Any failure gives empty fields and the reason, not an error."""
    try:
        headers = split_headers(raw)
        subject = decode_header_value(headers.get("subject", b""))
        sender = format_addresses(decode_header_value(headers.get("from", b"")))
        recipients = format_addresses(decode_header_value(headers.get("to", b"")))
        message_id = decode_header_value(headers.get("message-id", b""))
        date = parse_date(decode_header_value(headers.get("date", b"")))
        content_type = decode_header_value(headers.get("content-type", b"")).lower()
        has_attachments = content_type.startswith("multipart/") and bool(_ATTACHMENT_HINT.search(raw))
        return ParsedSummary(date, sender, recipients, subject, message_id, has_attachments)
    except Exception as error:  # noqa: BLE001 - a broken message must never stop a fetch
        return ParsedSummary(None, "", "", "", "", False, error=f"{type(error).__name__}: {error}")


def format_date(timestamp: float | None) -> str:
    if timestamp is None:
        return ""
    return datetime.fromtimestamp(timestamp).strftime("%Y-%m-%d %H:%M")


def readable_text(raw: bytes) -> str:
    """The message body as plain text for a terminal: the text/plain part, else HTML stripped."""
    import email
    import email.policy
    from email.message import EmailMessage

    try:
        message = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        part = message.get_body(preferencelist=("plain", "html"))
        if part is None:
            return ""
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            return str(part.get_payload())
        text = decode_bytes(payload, part.get_content_charset())
        if part.get_content_type() == "text/html":
            text = html_to_text(text)
        return text.replace("\r\n", "\n")
    except Exception as error:  # noqa: BLE001 - show something rather than fail on broken MIME
        return f"[this message could not be decoded ({type(error).__name__}); use --raw to see it]"


def html_to_text(html: str) -> str:
    """A rough text rendering of HTML for terminals: tags dropped, breaks kept."""
    import html as html_module

    text = re.sub(r"(?is)<(script|style|head)\b.*?</\1\s*>", "", html)
    text = re.sub(r"(?i)<br\s*/?>|</p\s*>|</div\s*>|</tr\s*>|</h[1-6]\s*>", "\n", text)
    text = re.sub(r"(?s)<[^>]*>", "", text)
    text = html_module.unescape(text)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
