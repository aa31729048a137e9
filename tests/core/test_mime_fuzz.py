"""Hypothesis fuzzing of the reading path: no input may raise, and safety rules always hold.

The strategies build messages the way senders break them (random headers with encoded words and
raw 8-bit, MIME trees with random types, boundaries, transfer encodings and charsets), besides
plain random bytes. ``parse_message`` and ``summarize`` have a last-resort ``except``; the tests
check that it was not needed (no "could not be parsed" note, no ``error``), so a bug cannot hide
behind it.
"""

from __future__ import annotations

import base64
import binascii
import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.filenames import MAX_FILENAME_BYTES, sanitize_filename
from app.core.message.headers import decode_header_value
from app.core.message.summary import summarize
from app.core.message.text import readable_text, searchable_text
from app.core.message.view import MessageView, body_texts, build_view, parse_message, part_payload

FUZZ = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

CHARSETS = st.sampled_from(["utf-8", "gbk", "gb2312", "gb18030", "big5", "iso-8859-1", "us-ascii", "utf-7",
                            "x-unknown", "", "utf-8*en", "shift_jis", "iso-2022-jp", "koi8-r"])
TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40)
ATOMS = st.sampled_from([b"=?", b"?=", b"?B?", b"?Q?", b"=?utf-8?B?", b"=?gbk?Q?", b'"', b"\\", b"<", b">",
                         b",", b";", b"\r\n ", b"\r\n", b"\r", b"\x00", b"=", b"%", b"'", b"*0*=", b"*=", b" "])


def encoded_word(charset: str, text: str, encoding: str, damage: int) -> bytes:
    try:
        data = text.encode(charset or "utf-8")
    except (LookupError, UnicodeEncodeError):
        data = text.encode("utf-8")
    payload = base64.b64encode(data) if encoding == "B" else binascii.b2a_qp(data, header=True)
    payload = payload[: max(0, len(payload) - damage)]
    return b"=?" + charset.encode() + b"?" + encoding.encode() + b"?" + payload + b"?="


WORDS = st.builds(encoded_word, CHARSETS, TEXT, st.sampled_from(["B", "Q", "b", "q"]), st.integers(0, 3))
RAW_TEXT = st.builds(lambda text, codec: text.encode(codec, "ignore"), TEXT,
                     st.sampled_from(["utf-8", "gb18030", "big5hkscs", "latin-1"]))
HEADER_VALUE = st.lists(st.one_of(WORDS, RAW_TEXT, ATOMS, st.binary(max_size=12)), max_size=8).map(b" ".join)
HEADER_NAME = st.sampled_from([b"Subject", b"From", b"To", b"Cc", b"Reply-To", b"Date", b"Message-ID",
                               b"Content-Type", b"Content-Disposition", b"Content-Transfer-Encoding",
                               b"Content-ID", b"X-Junk", b"subject", b"FROM"])
HEADERS = st.lists(st.tuples(HEADER_NAME, HEADER_VALUE), max_size=8)

CONTENT_TYPES = st.sampled_from(["text/plain", "text/html", "image/png", "application/pdf", "message/rfc822",
                                 "text/plain; format=flowed; delsp=yes", "application/octet-stream", "bogus",
                                 ""])
ENCODINGS = st.sampled_from(["", "7bit", "8bit", "base64", "quoted-printable", "x-uuencode", "BASE64"])
FILENAMES = st.one_of(TEXT, st.sampled_from(["../../etc/passwd", "CON.txt", "invoice\u202efdp.exe", "..", "",
                                             "a\\b\\c.dll", "会议纪要.docx", " .hidden. "]))


def leaf(content_type: str, encoding: str, charset: str, filename: str, body: bytes, mode: int) -> bytes:
    lines = []
    if content_type:
        parameter = f"; charset={charset}" if charset and content_type.startswith("text") else ""
        lines.append(f"Content-Type: {content_type}{parameter}".encode())
    if encoding:
        lines.append(f"Content-Transfer-Encoding: {encoding}".encode())
    if filename or mode:
        quoted = filename.replace("\\", "\\\\").replace('"', '\\"').encode("utf-8", "surrogatepass")
        if mode % 3 == 0:
            lines.append(b'Content-Disposition: attachment; filename="' + quoted + b'"')
        elif mode % 3 == 1:
            percent = "".join(f"%{byte:02X}" for byte in filename.encode("utf-8", "surrogatepass"))
            lines.append(b"Content-Disposition: inline; filename*0*=utf-8''" + percent[:9].encode()
                         + b"; filename*1*=" + percent[9:].encode())
        else:
            lines.append(b"Content-ID: <" + quoted + b">")
    if encoding.lower() == "base64" and mode != 4:
        body = base64.encodebytes(body)
    elif encoding == "quoted-printable":
        body = binascii.b2a_qp(body)
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


LEAVES = st.builds(leaf, CONTENT_TYPES, ENCODINGS, CHARSETS, FILENAMES, st.one_of(RAW_TEXT, st.binary(max_size=60)),
                   st.integers(0, 5))


def container(parts: list[bytes], kind: str, boundary: str, close: bool, preamble: bytes) -> bytes:
    body = preamble + b"".join(b"\r\n--" + boundary.encode() + b"\r\n" + part for part in parts)
    if close:
        body += b"\r\n--" + boundary.encode() + b"--\r\n"
    return f'Content-Type: multipart/{kind}; boundary="{boundary}"'.encode() + b"\r\n\r\n" + body


TREES = st.recursive(
    LEAVES,
    lambda children: st.builds(container, st.lists(children, max_size=4),
                               st.sampled_from(["mixed", "alternative", "related", "digest", "report"]),
                               st.sampled_from(["b", "bb", "b'(),+_", "=_x", "a b"]), st.booleans(),
                               st.sampled_from([b"", b"preamble", b"--b", b"--b--"])),
    max_leaves=12)


def build_message(headers: list[tuple[bytes, bytes]], tree: bytes) -> bytes:
    return b"".join(name + b": " + value + b"\r\n" for name, value in headers) + tree


def check(raw: bytes) -> MessageView:
    view = parse_message(raw)
    assert not any("could not be parsed" in problem for problem in view.problems), view.problems
    for attachment in view.attachments:
        data, content_type = part_payload(raw, attachment.part_index)
        assert content_type == attachment.content_type
        assert isinstance(data, bytes)
        assert_safe(attachment.filename)
    for index in view.inline_parts.values():
        part_payload(raw, index)
    assert isinstance(searchable_text(raw), str)
    assert isinstance(readable_text(raw), str)
    # The index's shortcut reads the body exactly as the viewer does (what is found is what is shown).
    full = build_view(raw)
    assert body_texts(raw) == (full.plain_text, full.html)
    assert body_texts(raw, html_only_without_plain=True) == (
        full.plain_text, full.html if full.plain_text is None else None)
    assert summarize(raw).error is None
    return view


@FUZZ
@given(HEADERS, TREES)
def test_structured_messages_never_raise(headers: list[tuple[bytes, bytes]], tree: bytes) -> None:
    check(build_message(headers, tree))


@FUZZ
@given(HEADERS, TREES, st.integers(0, 400), st.integers(0, 400), st.binary(max_size=8))
def test_damaged_messages_never_raise(headers: list[tuple[bytes, bytes]], tree: bytes, cut: int, at: int,
                                      splice: bytes) -> None:
    raw = build_message(headers, tree)
    # Truncated downloads, bit rot and stray bytes: cut and splice anywhere.
    raw = raw[: len(raw) - cut] if cut < len(raw) else raw
    position = at % (len(raw) + 1)
    check(raw[:position] + splice + raw[position:])


@FUZZ
@given(st.binary(max_size=3000))
def test_random_bytes_never_raise(raw: bytes) -> None:
    check(raw)


@FUZZ
@given(HEADER_VALUE)
def test_header_values_decode_to_one_clean_line(value: bytes) -> None:
    text = decode_header_value(value)
    assert isinstance(text, str)
    assert "\r" not in text and "\n" not in text and "\x00" not in text


RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{number}" for number in range(10)),
            *(f"LPT{number}" for number in range(10))}


def assert_safe(name: str) -> None:
    assert name
    assert "/" not in name and "\\" not in name
    assert not name.startswith(".") and name not in (".", "..")
    assert not name.endswith((".", " "))
    assert len(name.encode("utf-8")) <= MAX_FILENAME_BYTES
    assert name.split(".")[0].strip().upper() not in RESERVED
    for character in name:
        assert unicodedata.category(character) not in ("Cc", "Cf", "Cs", "Zl", "Zp"), repr(name)
        assert not ("\u202a" <= character <= "\u202e" or "\u2066" <= character <= "\u2069"), repr(name)
        assert character not in '<>:"|?*'


NAME_PIECES = st.sampled_from(["..", ".", "/", "\\", "CON", "con", "LPT1", "COM9", "NUL", "\u202e", "\u2066",
                               "\u200f", "\x00", "\x1b", "\r\n", " ", "exe", "pdf", "会议", "\ufeff", ":", "~",
                               "a" * 120, "长" * 80])


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=300), st.lists(NAME_PIECES, max_size=12).map("".join)),
       st.sampled_from(["attachment", "", "..", "CON", "part-3"]),
       st.sampled_from([None, "image/png", "application/pdf", "bogus", ""]))
def test_sanitized_names_are_always_safe(name: str, fallback: str, content_type: str | None) -> None:
    safe = sanitize_filename(name, fallback, content_type)
    assert_safe(safe)
    assert sanitize_filename(safe) == safe  # sanitizing is idempotent


# -- differential: messages written by Python's email package read back exactly ----------------

BODY_TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=80)
# The email package refuses line breaks (including \x1c-\x1e, which str.splitlines treats as such).
ATTACHMENT_NAMES = st.text(alphabet=st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=30)


@settings(max_examples=60, deadline=None)
@given(BODY_TEXT, st.one_of(st.none(), BODY_TEXT), st.sampled_from(["utf-8", "gb18030", "big5hkscs", "iso-8859-1"]),
       st.lists(st.tuples(ATTACHMENT_NAMES, st.binary(max_size=300)), max_size=3), BODY_TEXT)
def test_messages_written_by_the_email_package_read_back(plain: str, html: str | None, charset: str,
                                                         files: list[tuple[str, bytes]], subject: str) -> None:
    from email.message import EmailMessage
    from email.policy import SMTP

    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = "Sender <sender@example.com>"
    try:
        plain.encode(charset)
    except UnicodeEncodeError:
        charset = "utf-8"
    message.set_content(plain, charset=charset)
    if html is not None:
        message.add_alternative(f"<p>{html}</p>", subtype="html")
    for name, data in files:
        message.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    raw = message.as_bytes(policy=SMTP)

    view = check(raw)
    assert " ".join(view.subject.split()) == " ".join(subject.split())  # folding may change whitespace
    assert view.sender == "Sender <sender@example.com>"
    assert view.plain_text is not None
    assert view.plain_text.rstrip("\n") == plain.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n")
    if html is not None:
        assert view.html is not None and html.replace("\r\n", "\n").replace("\r", "\n") in view.html
    assert len(view.attachments) == len(files)
    for attachment, (name, data) in zip(view.attachments, files, strict=True):
        assert attachment.filename == sanitize_filename(name, f"part-{attachment.part_index}",
                                                        "application/octet-stream")
        assert part_payload(raw, attachment.part_index)[0] == data
        assert attachment.size == len(data)
