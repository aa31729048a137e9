"""Parsing stored messages for display and for the message list; never raises on bad input.

The list needs a few header fields decoded as a person would read them. Real mail is messy: RFC
2047 words split mid-character, GB2312 that is really GBK, raw 8-bit headers. This module only
reads; the raw bytes in the store are the truth and are never changed.

The pieces, each its own module:

- here: header decoding shared by everything (:func:`decode_header_value`: raw 8-bit as UTF-8 else
  GB18030, RFC 2047 words joined as bytes before decoding, unknown charsets and broken words shown
  rather than raised) and :func:`summarize`, the fast path run once per fetched message;
- :mod:`app.core.mime_tree`: the MIME structure as offsets into the raw bytes (no body copies,
  no recursion, depth and part-count caps);
- :mod:`app.core.charsets`: which charset a body really is in;
- :mod:`app.core.flowed`: RFC 3676 format=flowed;
- :mod:`app.core.filenames`: attachment names made safe;
- :mod:`app.core.message_view`: the viewer's, CLI's and search index's one reading path.
"""

from __future__ import annotations

import binascii
import codecs
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


#: A UTF-16 surrogate on its own. SQLite and every encoder refuse it ("surrogates not allowed"),
#: so one in a subject or body would stop the message from being stored and indexed.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
#: The codecs that decode to lone surrogates (every codec Python ships was tried): only their
#: text is scanned, which would otherwise double the cost of decoding a large body.
_SURROGATE_CODECS = frozenset({"utf-7", "unicode-escape", "raw-unicode-escape", "punycode", "idna"})


def decode_with(data: bytes, codec: str, errors: str = "strict") -> str:
    """``data.decode(codec, errors)`` with any lone surrogate replaced by U+FFFD."""
    text = data.decode(codec, errors)
    return _LONE_SURROGATE.sub("\ufffd", text) if codec in _SURROGATE_CODECS else text


def decode_bytes(data: bytes, charset: str | None = None) -> str:
    """Decode with the declared charset, else UTF-8 when valid, else GB18030; never raises."""
    codec = normalize_charset(charset)
    if codec:
        try:
            return decode_with(data, codec)
        except (UnicodeError, LookupError):  # UnicodeError: idna and punycode raise it bare
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", "replace")


#: One RFC 2047 encoded word: charset (RFC 2231 allows a *language suffix), B or Q, text.
_ENCODED_WORD = re.compile(r"=\?([^?\s*]+)(?:\*[^?\s]*)?\?([bBqQ])\?([^?\s]*)\?=")
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
#: Only whitespace between two encoded words is dropped (RFC 2047 section 6.2).
_BETWEEN_WORDS = re.compile(r"[ \t\r\n]*")


def _decode_word_bytes(encoding: str, text: str) -> bytes | None:
    """The bytes of one encoded word, or None when they cannot be recovered."""
    data = text.encode("ascii", "replace")
    try:
        if encoding in "qQ":
            return binascii.a2b_qp(data, header=True)
        # Lenient like mail readers: padding repaired, a dangling last character dropped; a word
        # with nothing decodable in it is shown as written.
        data = re.sub(rb"[^A-Za-z0-9+/]", b"", data)
        if len(data) % 4 == 1:
            data = data[:-1]
        if not data and text:
            return None
        return binascii.a2b_base64(data + b"=" * (-len(data) % 4))
    except (binascii.Error, ValueError):
        return None


def _decode_encoded_words(text: str) -> str:
    """RFC 2047 words decoded in place; adjacent words of one charset are joined as bytes first.

    One character may be split across two words (RFC 2047 forbids it; senders do it anyway), so
    the bytes are joined before decoding. A word with an unknown charset shows decoded as UTF-8
    when it is valid UTF-8, and a word whose base64 is broken shows as written: never an error.
    """
    output: list[str] = []
    position = 0
    run: list[tuple[str, bytes]] = []  # (charset, bytes) of the current run of adjacent words
    run_end = 0

    def flush() -> None:
        merged: list[tuple[str, bytes]] = []
        for charset, data in run:
            if merged and merged[-1][0] == charset:
                merged[-1] = (charset, merged[-1][1] + data)
            else:
                merged.append((charset, data))
        for charset, data in merged:
            if normalize_charset(charset) is None:
                try:
                    output.append(data.decode("utf-8"))
                except UnicodeDecodeError:
                    output.append(decode_bytes(data))
            else:
                output.append(decode_bytes(data, charset))
        run.clear()

    for match in _ENCODED_WORD.finditer(text):
        between = text[position:match.start()]
        adjacent = bool(run) and _BETWEEN_WORDS.fullmatch(between) is not None
        if not adjacent:
            flush()
            output.append(between)
        data = _decode_word_bytes(match.group(2), match.group(3))
        if data is None:
            flush()
            output.append(match.group(0))
            position = run_end = match.end()
            continue
        run.append((match.group(1).lower(), data))
        position = run_end = match.end()
    flush()
    output.append(text[run_end:] if run_end else text[position:])
    return "".join(output)


def decode_header_value(raw: bytes) -> str:
    """Unfold and decode one header value: raw 8-bit (RFC 6532 UTF-8, else GB18030) and RFC 2047."""
    text = decode_bytes(re.sub(rb"\r?\n[ \t]", b" ", raw)).strip()
    if "=?" in text:
        try:
            text = _decode_encoded_words(text)
        except Exception:  # noqa: BLE001 - a header must never stop a message from showing
            pass
    # A header is one line to a reader: bare CR, NUL, ESC and friends become spaces.
    return _CONTROL_CHARACTERS.sub(" ", text).strip()


def split_headers(raw: bytes) -> dict[str, bytes]:
    """Lower-case header name -> raw value of its first occurrence (folding kept)."""
    match = _HEADER_END.search(raw)
    block = raw[: match.start()] if match else raw
    headers: dict[str, bytes] = {}
    name: str | None = None
    value: list[bytes] = []  # a list, not bytes +=: a 200,000-line folded header stays linear
    for line in re.split(rb"\r?\n", block):
        if line[:1] in (b" ", b"\t") and name is not None:
            value.append(line)
            continue
        if name is not None and name not in headers:
            headers[name] = b"\n".join(value)
        raw_name, separator, rest = line.partition(b":")
        if not separator or not raw_name or b" " in raw_name.strip():
            name = None
            continue
        name = raw_name.strip().decode("latin-1").lower()
        value = [rest]
    if name is not None and name not in headers:
        headers[name] = b"\n".join(value)
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
    """The message body as plain text for a terminal: the text/plain part, else HTML stripped.

    Uses the viewer's reading path (:mod:`app.core.message_view`) so the CLI and the GUI agree.
    """
    from app.core.message_view import parse_message

    view = parse_message(raw)
    if view.plain_text is not None:
        return view.plain_text
    if view.html is not None:
        return html_to_text(view.html)
    return ""


#: Elements whose content is not text a person reads.
_HIDDEN_ELEMENTS = ("script", "style", "head", "title")
#: Elements that end a line when they close (or, for br, when they appear).
_LINE_BREAK_TAG = re.compile(r"(?i)^(?:br\b|/p\b|/div\b|/tr\b|/h[1-6]\b|/li\b|/table\b)")
_TAG_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*")


def html_to_text(html: str) -> str:
    """A rough text rendering of HTML for terminals and the search index: tags dropped, breaks kept.

    A hand-written scan with ``str.find`` rather than regular expressions: hostile HTML (thousands
    of ``<`` or ``<script>`` never closed) would make backtracking patterns quadratic. An unclosed
    tag or hidden element swallows the rest, as in a browser.
    """
    import html as html_module

    pieces: list[str] = []
    position = 0
    while True:
        start = html.find("<", position)
        if start < 0:
            pieces.append(html[position:])
            break
        pieces.append(html[position:start])
        end = html.find(">", start)
        if end < 0:
            break
        tag = html[start + 1:end].strip()
        if _LINE_BREAK_TAG.match(tag):
            pieces.append("\n")
        position = end + 1
        name = _TAG_NAME.match(tag)
        if name and name.group(0).lower() in _HIDDEN_ELEMENTS and not tag.endswith("/"):
            # Case-blind in the HTML itself: a lower-cased copy can be longer ("İ" becomes two
            # characters), and its positions would then skip text of the original.
            found = re.compile("</" + re.escape(name.group(0)), re.IGNORECASE).search(html, position)
            if found is None:
                break
            position = found.start()
    text = html_module.unescape("".join(pieces))
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
