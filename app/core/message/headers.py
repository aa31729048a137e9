"""The one header parser: fields of a message or part, RFC 2047 words, parameters, addresses, dates.

The message list (:mod:`.summary`), the MIME tree (:mod:`.tree`) and the viewer (:mod:`.view`)
all read headers through this module, so a subject, a file name or a sender is decoded the same
way wherever it is shown. Real mail is messy: RFC 2047 words split mid-character, GB2312 that is
really GBK, raw 8-bit headers, unescaped backslashes in quoted file names. Nothing here raises on
message content: what cannot be decoded is shown as written.

- Fields (:mod:`.fields`, re-exported here): :func:`parse_fields` splits a header block (first
  occurrence of a name wins, folding kept); :func:`message_headers` finds a message's block for
  the list, :func:`split_part` a MIME part's block for the tree.
- Values: :func:`decode_header_value` (raw 8-bit bytes as RFC 6532 UTF-8, else in the charsets
  the message declares, :func:`declared_charsets`, else by detection; RFC 2047 words joined as
  bytes before decoding, 8-bit bytes inside them kept); :func:`parse_parameters` (RFC 2045
  ``name=value``, RFC 2231 continuations and ``charset'lang'%XX``, RFC 2047 inside quoted values).
- Addresses: :func:`format_addresses` for the one-line list column, :func:`format_address_list`
  for the viewer (names decoded after the list is split, long lists counted), :func:`address_pairs`
  for the address book.
- Dates: :func:`parse_date` and :func:`format_date`.
"""

from __future__ import annotations

import binascii
import email.utils
import functools
import re
import urllib.parse
from datetime import datetime

from app.core.message.charsets import decode_bytes, normalize_charset
from app.core.message.dates import plain_timestamp

# Re-exported ("x as x"): callers keep one place to import the header parser from.
from app.core.message.fields import PLAIN_HEADER_BLOCK as PLAIN_HEADER_BLOCK
from app.core.message.fields import header_block_end as header_block_end
from app.core.message.fields import message_headers as message_headers
from app.core.message.fields import mime_fields as mime_fields
from app.core.message.fields import parse_fields as parse_fields
from app.core.message.fields import split_part as split_part

# -- values ---------------------------------------------------------------------------------------

#: A line end followed by white space: a folded header line goes on (RFC 5322 section 2.2.3).
_FOLD = re.compile(rb"\r?\n[ \t]")


def _unfold(raw: bytes) -> bytes:
    """One line of a folded header value, the fold's white space kept as one space."""
    return _FOLD.sub(b" ", raw)


#: One RFC 2047 encoded word: charset (RFC 2231 allows a *language suffix), B or Q, text.
_ENCODED_WORD = re.compile(r"=\?([^?\s*]+)(?:\*[^?\s]*)?\?([bBqQ])\?([^?\s]*)\?=")
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
#: Only whitespace between two encoded words is dropped (RFC 2047 section 6.2).
_BETWEEN_WORDS = re.compile(r"[ \t\r\n]*")


def _decode_word_bytes(encoding: str, text: str) -> bytes | None:
    """The bytes of one encoded word, or None when they cannot be recovered."""
    data = text.encode("utf-8", "surrogateescape")  # 8-bit bytes in a word are kept, not lost
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


def _decode_encoded_words(text: str, hints: tuple[str, ...] = ()) -> str:
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
                    output.append(decode_bytes(data, hints=hints))
            else:
                # A word that fails in its charset goes through the superset and the evidence
                # (charsets.decode_text), never to escape text.
                output.append(decode_bytes(data, charset, hints))
        run.clear()

    for match in _ENCODED_WORD.finditer(text):
        between = text[position:match.start()]
        adjacent = bool(run) and _BETWEEN_WORDS.fullmatch(between) is not None
        if not adjacent:
            flush()
            output.append(_raw_text(between, hints))
        data = _decode_word_bytes(match.group(2), match.group(3))
        if data is None:
            flush()
            output.append(_raw_text(match.group(0), hints))
            position = run_end = match.end()
            continue
        run.append((match.group(1).lower(), data))
        position = run_end = match.end()
    flush()
    output.append(_raw_text(text[run_end:] if run_end else text[position:], hints))
    return "".join(output)


def _raw_text(text: str, hints: tuple[str, ...]) -> str:
    """Text read as ASCII with its 8-bit bytes as surrogate escapes, those bytes decoded."""
    if not _ESCAPED_BYTE.search(text):
        return text
    return decode_bytes(text.encode("utf-8", "surrogateescape"), hints=hints)


#: An 8-bit byte kept as a surrogate escape until its charset is known.
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")
#: charset parameters anywhere in a message: the evidence for its raw 8-bit headers.
_DECLARED_CHARSET = re.compile(rb'(?i)charset\s*=\s*"?([A-Za-z0-9_.:+-]{2,40})')
_CHARSET_SCAN_BYTES = 64 * 1024


def declared_charsets(raw: bytes) -> tuple[str, ...]:
    """The charsets a message declares for its parts, first first, no duplicates, ASCII left out:
    what its sender's software wrote in, so the best evidence for raw 8-bit headers."""
    found: dict[str, None] = {}
    for match in _DECLARED_CHARSET.finditer(raw, 0, _CHARSET_SCAN_BYTES):
        label = match.group(1).decode("ascii").lower()
        if label not in ("us-ascii", "ascii", "utf-8", "utf8"):
            found.setdefault(label)
    return tuple(found)


#: A value of one line of printable ASCII: nothing to unfold, decode or replace.
_PLAIN_VALUE = re.compile(rb"[\t -~]*")
#: One line that is one UTF-8 base64 word, maybe followed by plain ASCII (an address) with no
#: other word: :func:`_utf8_word_text` reads it as :func:`_decode_encoded_words` does.
_UTF8_WORD = re.compile(rb"[ \t]*=\?(?i:utf-8)\?[bB]\?([A-Za-z0-9+/=]*)\?=((?:[\t -<>-~]|=(?!\?))*)")


def _utf8_word_text(payload: bytes) -> str | None:
    """The text of a UTF-8 base64 word's payload when it is valid UTF-8 without ESC; else None
    (the general path decides: a broken word shows as written, other bytes go to the evidence)."""
    data = payload.replace(b"=", b"")  # as _decode_word_bytes: padding repaired, a dangling character dropped
    if len(data) % 4 == 1:
        data = data[:-1]
    if not data:
        return None
    try:
        decoded = binascii.a2b_base64(data + b"=" * (-len(data) % 4))
        return None if b"\x1b" in decoded else decoded.decode("utf-8")
    except (binascii.Error, ValueError):
        return None


def decode_header_value(raw: bytes, hints: tuple[str, ...] = ()) -> str:
    """Unfold and decode one header value: RFC 2047 words, and raw 8-bit bytes (RFC 6532 UTF-8,
    else the message's declared charsets ``hints``, see :func:`declared_charsets`, else detection).

    8-bit bytes stay bytes (surrogate escapes) until the words are found, so a word holding raw
    8-bit bytes loses none of them.
    """
    if b"=?" not in raw and _PLAIN_VALUE.fullmatch(raw):
        return raw.decode("ascii").strip()  # most values: what the steps below would make of them
    word = _UTF8_WORD.fullmatch(raw)
    if word is not None:  # the usual encoded subject or name: as the steps below would read it
        text = _utf8_word_text(word.group(1))
        if text is not None:
            return _CONTROL_CHARACTERS.sub(" ", text + word.group(2).decode("ascii")).strip()
    unfolded = _unfold(raw)
    text = (decode_bytes(unfolded) if unfolded.isascii() else unfolded.decode("ascii", "surrogateescape")).strip()
    try:
        text = _decode_encoded_words(text, hints) if "=?" in text else _raw_text(text, hints)
    except Exception:  # noqa: BLE001 - a header must never stop a message from showing
        text = _ESCAPED_BYTE.sub("\ufffd", text)
    # A header is one line to a reader: bare CR, NUL, ESC and friends become spaces.
    return _CONTROL_CHARACTERS.sub(" ", text).strip()


# -- parameters -----------------------------------------------------------------------------------

_PARAMETER = re.compile(r';\s*([^\s=;"]+)\s*=\s*("(?:[^"\\]|\\.)*"?|[^;]*)', re.DOTALL)
_SECTION = re.compile(r"^(.*?)\*(\d+)(\*?)$|^(.*?)(\*)$")


def _unquote(value: str) -> str:
    value = value.strip()
    if value.startswith('"'):
        value = value[1:-1] if value.endswith('"') and len(value) > 1 else value[1:]
        # Only \" and \\ are unescaped: Windows senders put unescaped backslashes in paths.
        value = re.sub(r'\\(["\\])', r"\1", value)
    return value


#: Header values up to this long are remembered by :func:`parse_parameters` (a hostile message
#: with thousands of long, distinct values must not fill memory with them).
_REMEMBERED_VALUE_BYTES = 200


def parse_parameters(raw_value: bytes) -> tuple[str, dict[str, str]]:
    """The main value (lower case) and decoded parameters of a Content-Type-like header.

    Raw 8-bit bytes are kept as bytes (surrogate escapes) until each value is complete, so that
    RFC 2231 pieces are joined as octets and each value is decoded once, as a whole.
    """
    # Mail repeats a handful of values ('text/plain; charset="utf-8"') in nearly every part:
    # remembered, one costs a dictionary copy instead of 10-15 us of parsing, which was a twentieth
    # of indexing small messages. A copy, because callers keep the parameters in their parts.
    if len(raw_value) > _REMEMBERED_VALUE_BYTES:
        return _parse_parameters(raw_value)
    main_value, parameters = _remembered_parameters(raw_value)
    return main_value, dict(parameters)


@functools.lru_cache(maxsize=256)
def _remembered_parameters(raw_value: bytes) -> tuple[str, dict[str, str]]:
    return _parse_parameters(raw_value)


def _parse_parameters(raw_value: bytes) -> tuple[str, dict[str, str]]:
    text = _unfold(raw_value).decode("utf-8", "surrogateescape")
    head, _, _ = text.partition(";")
    main_value = _decode_raw_value(head.strip().strip('"')).lower()
    plain: dict[str, str] = {}
    sections: dict[str, list[tuple[int, bool, str]]] = {}
    for match in _PARAMETER.finditer(text, len(head)):
        name = match.group(1).lower()
        value = _unquote(match.group(2))
        section = _SECTION.match(name)
        if section is None:
            plain.setdefault(name, value)
        elif section.group(1) is not None:
            sections.setdefault(section.group(1), []).append(
                (int(section.group(2)[:6]), bool(section.group(3)), value))
        else:
            sections.setdefault(section.group(4), []).append((0, True, value))
    parameters = {name: _decode_raw_value(value) for name, value in plain.items()}
    for name, pieces in sections.items():
        decoded = _join_rfc2231(pieces)
        if decoded:
            parameters[name] = decoded  # RFC 2231 wins over a plain value given for old readers
    for name, value in parameters.items():
        if "=?" in value:
            parameters[name] = decode_header_value(value.encode("utf-8", "surrogatepass"))
    return main_value, parameters


#: A byte above ASCII with ASCII on both sides: how Latin-1 letters sit in a name ("J\xfcrgen"),
#: and how no double-byte (GBK, Big5, Shift_JIS) text looks.
_LONE_HIGH_BYTE = re.compile(rb"(?:^|[\x00-\x7f])[\x80-\xff](?=[\x00-\x7f]|$)")
_HIGH_BYTES = re.compile(rb"[\x80-\xff]+")


def _decode_raw_value(value: str) -> str:
    """A parameter value as read from the wire (8-bit bytes as surrogate escapes) made text."""
    if value.isascii():
        if "\x1b" in value:  # ISO-2022-JP written raw into a parameter (old Japanese mailers)
            try:
                return value.encode("ascii").decode("iso2022_jp_ext")
            except UnicodeError:
                return value
        return value
    data = value.encode("utf-8", "surrogateescape")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    runs = _HIGH_BYTES.findall(data)
    if runs and all(len(run) == 1 for run in runs) and len(_LONE_HIGH_BYTE.findall(data)) == len(runs):
        return data.decode("cp1252", "replace")  # isolated accented letters: a Western name
    return decode_bytes(data)


def _join_rfc2231(pieces: list[tuple[int, bool, str]]) -> str:
    """RFC 2231 sections 3-4: the pieces joined in order as octets, then %XX undone, then decoded
    in the charset of the first piece (``charset'language'``).

    Joining before undoing %XX keeps a character split between pieces whole, even where a sender
    split inside a ``%XX`` or left the ``*`` off a later piece.
    """
    pieces.sort(key=lambda piece: piece[0])
    charset: str | None = None
    chunks: list[str] = []
    encoded_anywhere = any(encoded for _, encoded, _ in pieces)
    for position, (_, encoded, value) in enumerate(pieces):
        if position == 0 and encoded and value.count("'") >= 2:
            charset, _, value = value.split("'", 2)
        chunks.append(value)
    data = "".join(chunks).encode("utf-8", "surrogateescape")
    if encoded_anywhere:
        data = urllib.parse.unquote_to_bytes(data)
    if charset and charset.strip().lower() in ("iso-2022-jp", "iso2022jp", "csiso2022jp"):
        charset = "iso2022_jp_ext"
    codec = normalize_charset(charset)
    if codec:
        try:
            return data.decode(codec)
        except (UnicodeError, LookupError):
            pass
        try:
            text = data.decode(codec, "replace")
        except (UnicodeError, LookupError):
            text = "\ufffd\ufffd"
        if text.count("\ufffd") <= 1:
            return text  # one bad byte: the label stands, with a replacement mark
        # Otherwise the label is wrong: the bytes themselves decide.
    return _decode_raw_value(data.decode("utf-8", "surrogateescape"))


# -- addresses ------------------------------------------------------------------------------------

# Two renderings of one parse, not two parsers: the list's column is one line made fast for a
# fetch of thousands of messages (decode, then split only when the simple pattern fails), and it
# is stored, so changing it would make old and new rows of one mailbox read differently; the
# viewer splits before decoding, so an encoded name holding a comma stays one name.

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
#: The viewer shows this many recipients and a count of the rest: a 10,000-address header would
#: make an unreadable label and cost seconds to parse.
MAX_SHOWN_RECIPIENTS = 200
#: Headers longer than this are cut before address parsing (the email address parser is slow).
_MAX_ADDRESS_HEADER_CHARACTERS = 20_000
#: RFC 2047 words stand in as these marks while an address list is split: a word may hold what the
#: address parser reads as structure ("(", a quote, "<", "@"), which would cut it and leave it raw
#: in the reader while the list showed it decoded (issue 13, item 5).
_WORD_MARK = re.compile("\ue000(\\d+)\ue001")


def _mark_words(text: str) -> tuple[str, list[str]]:
    words: list[str] = []
    if "\ue000" in text:  # the header has the mark itself: split it as written
        return text, words

    def mark(match: re.Match[str]) -> str:
        words.append(match.group(0))
        return f"\ue000{len(words) - 1}\ue001"

    return _ENCODED_WORD.sub(mark, text), words


def _unmark(text: str, words: list[str]) -> str:
    return _WORD_MARK.sub(lambda match: words[int(match.group(1))] if int(match.group(1)) < len(words)
                          else match.group(0), text)


def _decoded_pairs(text: str, hints: tuple[str, ...]) -> list[tuple[str, str]] | None:
    """(name, address) of each mailbox of an unfolded header, names decoded after the split;
    None when the address parser gives up."""
    marked, words = _mark_words(text)
    try:
        pairs = email.utils.getaddresses([marked])
    except (ValueError, IndexError, TypeError):
        return None
    decoded: list[tuple[str, str]] = []
    for name, address in pairs:
        if "\ue000" in address:  # an encoded word is no address: "=?..?= <a@b>" all in one word
            name, address = f"{name} {address}", ""
        name = decode_header_value(_unmark(name, words).encode("utf-8", "surrogateescape"), hints)
        name = name.strip().strip('"').strip()
        address = _raw_text(address, hints)  # raw 8-bit bytes in an address: decoded, never kept as escapes
        decoded.append((name, address))
    return decoded


def address_pairs(raw_value: bytes, hints: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(decoded name, address) of every mailbox with an address in a From/To/Cc value, for the
    address book; a header longer than the parser's limit is read up to it."""
    unfolded = _unfold(raw_value)
    text = (decode_bytes(unfolded) if unfolded.isascii() else unfolded.decode("ascii", "surrogateescape")).strip()
    if len(text) > _MAX_ADDRESS_HEADER_CHARACTERS:
        text = text[:_MAX_ADDRESS_HEADER_CHARACTERS].rsplit(",", 1)[0]
    return [(name, address) for name, address in _decoded_pairs(text, hints) or () if address]


def format_address_list(raw_value: bytes, hints: tuple[str, ...] = ()) -> str:
    """'Name <a@b>, c@d' as a person reads it: names decoded after the list is split, so an
    encoded name containing a comma stays one name; long lists end with a count of the rest.
    ``hints``: the message's declared charsets, for raw 8-bit names."""
    unfolded = _unfold(raw_value)
    text = (decode_bytes(unfolded) if unfolded.isascii() else unfolded.decode("ascii", "surrogateescape")).strip()
    if not text:
        return ""
    hidden = 0
    if len(text) > _MAX_ADDRESS_HEADER_CHARACTERS:
        total = text.count("@")
        text = text[:_MAX_ADDRESS_HEADER_CHARACTERS].rsplit(",", 1)[0]
        hidden = max(0, total - text.count("@"))
    pairs = _decoded_pairs(text, hints)
    if pairs is None:
        return decode_header_value(text.encode("utf-8", "surrogateescape"), hints)
    shown: list[str] = []
    for name, address in pairs:
        if name and address and name != address:
            shown.append(f"{name} <{address}>")
        elif address or name:
            shown.append(address or name)
    if not shown:
        return decode_header_value(text.encode("utf-8", "surrogateescape"), hints)
    if len(shown) > MAX_SHOWN_RECIPIENTS:
        hidden += len(shown) - MAX_SHOWN_RECIPIENTS
        shown = shown[:MAX_SHOWN_RECIPIENTS]
    result = ", ".join(shown)
    if hidden:
        result += f", … (+{hidden})"
    return result


# -- dates ----------------------------------------------------------------------------------------


def parse_date(value: str) -> float | None:
    if not value:
        return None
    try:
        stamp = plain_timestamp(value)  # the usual form, without the email package's cost
        if stamp is not None:
            return stamp
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


def format_date(timestamp: float | None) -> str:
    if timestamp is None:
        return ""
    return datetime.fromtimestamp(timestamp).strftime("%Y-%m-%d %H:%M")
