"""A raw message turned into what the viewer shows: headers, body text or HTML, attachments.

This is the one reading path for the GUI viewer, the CLI ``show`` command and the search index
(through :mod:`app.core.message.text`), so all three agree on what a message says. It never
raises on message content: broken MIME, unknown charsets and bad base64 become notes in
:attr:`MessageView.problems` and the best text that can be recovered.

How the body is chosen (the rules of ``email.message.EmailMessage.get_body``, on our own tree):

- ``multipart/alternative``: the last HTML and the last plain-text alternative are both kept; the
  viewer prefers HTML and offers the plain text as a switch.
- ``multipart/related``: the root part (the ``start`` parameter, else the first part) is the body;
  the other parts are resources, found through :attr:`MessageView.inline_parts` by Content-ID.
- ``multipart/mixed`` and others: the first inline text part (or alternative/related group) is
  the body; every other leaf is an attachment, so nothing in the message is hidden.
- An attached ``message/rfc822`` is one attachment (``is_message``); its own parts are not
  listed. ``parse_message(part_payload(raw, index)[0])`` opens it.
- Images that the HTML references by ``cid:`` are shown in the body and are not listed as
  attachments.

Sizes of attachments are computed from the encoded length (base64) without decoding, so a 25 MB
attachment costs a few byte counts; payloads are decoded only by :func:`part_payload`.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from app.core.filenames import sanitize_filename
from app.core.message.charsets import (
    codec_label,
    decode_bytes,
    decode_text,
    decode_with,
    known_charset,
    normalize_charset,
)
from app.core.message.embedded import embedded_files, strip_uuencoded
from app.core.message.flowed import unflow
from app.core.message.headers import declared_charsets, decode_header_value, format_address_list, parse_date
from app.core.message.html_policy import html_has_remote_content
from app.core.message.tree import Part, Tree, decoded_size, parse_tree, payload


@dataclass(frozen=True)
class Attachment:
    part_index: int          # index of the part in walk() order: the key for part_payload()
    filename: str            # decoded (RFC 2231/2047) and sanitized, safe to use as a file name
    content_type: str        # e.g. "application/pdf"
    size: int                # decoded size in bytes
    content_id: str | None   # without <>
    is_message: bool         # message/rfc822 (openable as a message)


@dataclass(frozen=True)
class MessageView:
    subject: str
    sender: str
    to: str
    cc: str
    reply_to: str
    date: float | None
    message_id: str
    plain_text: str | None   # decoded text/plain body (format=flowed joined), None if no text part
    html: str | None         # decoded text/html body, None if none
    charset: str | None      # the charset used to decode the main body (for a "Text encoding" menu)
    attachments: tuple[Attachment, ...]   # not including inline images the HTML references by cid:
    inline_parts: dict[str, int]          # content-id (no <>) -> part_index, for cid: URLs
    has_remote_content: bool  # the HTML references http(s) or protocol-relative resources
    problems: tuple[str, ...]  # human-readable notes about defects, may be empty
    date_text: str = ""       # the Date header as written (for a malformed date that did not parse)
    #: How :attr:`charset` was chosen: "declared" (the part's label, or its HTML meta), "guessed"
    #: (no usable label, or the label did not fit the bytes), "overridden" (the Text Encoding menu).
    charset_source: str | None = None


# -- the body -----------------------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""(?i)<meta[^>]+charset\s*=\s*['"]?\s*([A-Za-z0-9_.:-]+)""")


@dataclass
class _Body:
    plain: int | None = None
    html: int | None = None
    #: Empty alternatives passed over: neither the body nor attachments.
    blank: set[int] = field(default_factory=set)


def _is_attachment(part: Part) -> bool:
    disposition, _ = part.disposition
    return disposition == "attachment"


def _choose_body(tree: Tree, index: int, body: _Body) -> bool:
    """Fill ``body`` from the subtree at ``index``; True when it held a body."""
    part = tree.parts[index]
    if part.opaque or part.empty:
        return False
    if part.content_type in ("message/rfc822", "message/global") and part.children \
            and not tree.parts[part.children[0]].inside_attached_message:
        return _choose_body(tree, part.children[0], body)  # the whole message is a message/rfc822
    if part.content_type in ("text/plain", "text/html", "text/enriched", "text/richtext") \
            or (part.maintype == "multipart" and not part.children):
        if _is_attachment(part):
            return False
        if part.content_type == "text/html":
            if body.html is None:
                body.html = index
                return True
            return False
        if body.plain is None:
            body.plain = index
            return True
        return False
    if part.maintype != "multipart":
        return False
    if part.content_type == "multipart/alternative":
        found = False
        # The last alternative is the richest (RFC 2046 5.1.4), but an empty one says nothing:
        # it is passed over while another alternative has text.
        children = [child for child in part.children if not _is_blank(tree, tree.parts[child])] \
            or part.children
        body.blank.update(child for child in part.children if child not in children)
        for child in reversed(children):
            if _choose_body(tree, child, body):
                found = True
        return found
    if part.content_type == "multipart/related":
        start = part.parameters.get("start", "").strip().strip("<>")
        root = next((child for child in part.children if start and tree.parts[child].content_id == start),
                    part.children[0])
        return _choose_body(tree, root, body)
    return any(_choose_body(tree, child, body) for child in part.children)  # the first that holds one


_TAG_OR_SPACE = re.compile(rb"(?s)<!--.*?-->|<(?:style|script|head|title)\b.*?</(?:style|script|head|title)\s*>"
                           rb"|<[^>]*>|&nbsp;|&#160;|\s+", re.IGNORECASE)


def _is_blank(tree: Tree, part: Part) -> bool:
    """A text alternative with nothing to read: no bytes, or HTML with no text and no image."""
    if part.maintype == "multipart":
        return part.empty
    if part.maintype != "text":
        return False
    if part.body_end - part.body_start > 16384:
        return False  # too long to be empty in practice; not worth decoding to find out
    data, _ = payload(tree, part)
    if part.content_type == "text/html":
        if re.search(rb"(?i)<(?:img|video|object|embed|svg)\b", data):
            return False
        data = _TAG_OR_SPACE.sub(b"", data)
    return not data.strip()


def _has_filename(part: Part) -> bool:
    return bool(part.disposition[1].get("filename") or part.parameters.get("name"))


def _attachment_filename(tree: Tree, part: Part) -> str:
    _, disposition_parameters = part.disposition
    name = disposition_parameters.get("filename") or part.parameters.get("name") or ""
    if not name and part.content_type in ("message/rfc822", "message/global"):
        inner = tree.parts[part.children[0]] if part.children else None
        subject = decode_header_value(inner.headers.get("subject", b"")) if inner else ""
        name = f"{subject}.eml" if subject else ""
    fallback = "message" if part.content_type.startswith("message/") else f"part-{part.index}"
    return sanitize_filename(name, fallback, part.content_type)


def _body_text(tree: Tree, index: int, override: str | None,
               problems: list[str], *, with_source: bool = True) -> tuple[str, str, str]:
    part = tree.parts[index]
    data, clean = payload(tree, part)
    if not clean:
        problems.append("the body's transfer encoding is damaged; some text may be missing")
    declared = part.charset
    if declared is None and part.content_type == "text/html":
        meta = _META_CHARSET.search(data, 0, 4096)
        declared = meta.group(1).decode("ascii") if meta else None
    if declared and not known_charset(declared):
        problems.append(f"unknown charset {declared[:40]!r}; the text encoding was guessed")
        declared = None
    text, codec = decode_text(data, declared, override)
    # Line ends as people see them: CRLF and bare CR become LF; NUL shows as a replacement mark.
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "\ufffd")
    if part.content_type == "text/plain" and part.parameters.get("format", "").lower() == "flowed":
        text = unflow(text, part.parameters.get("delsp", "").lower() == "yes")
    # How the charset was chosen is for the reader's Text Encoding menu; the index skips it.
    return text, codec, _charset_source(codec, declared, override) if with_source else ""


def _charset_names(label: str) -> set[str]:
    """A label's spellings: as written, its codec, and the superset it is widened to."""
    names = {label.strip().lower()}
    widened = normalize_charset(label)
    if widened:
        names.add(widened)
    try:
        names.add(codecs.lookup(label.strip()).name)
    except LookupError:
        pass
    return {name.replace("_", "-") for name in names}


def _charset_source(codec: str, declared: str | None, override: str | None) -> str:
    """Whether the body's charset was "overridden" (the user's choice), "declared" or "guessed"."""
    used = _charset_names(codec)
    if override and _charset_names(override) & used:
        return "overridden"
    if declared and (_charset_names(declared) & used or "ascii" in used):
        return "declared"
    return "guessed"


def _header(tree: Tree, name: str, override: str | None = None) -> bytes:
    """A header of the message as stored, or, with a Text Encoding choice, its raw 8-bit bytes
    read in that charset (and handed on as UTF-8): the choice re-reads headers with the body.
    RFC 2047 words name their own charset and are left to it."""
    value = tree.parts[0].headers.get(name, b"") if tree.parts else b""
    codec = normalize_charset(override)
    if codec and not value.isascii():
        try:
            return decode_with(value, codec, "replace").encode("utf-8", "surrogatepass")
        except (UnicodeError, LookupError):  # a codec Python knows that is no charset (idna, zlib)
            return value
    if value and not value.isascii() and b"=?" not in value and not _is_utf8(value):
        # Raw 8-bit bytes: read in the charsets the message declares (charsets.decode_text). Words
        # holding 8-bit bytes are left to the header parser, which keeps their bytes.
        return decode_bytes(value, hints=declared_charsets(tree.raw)).encode("utf-8", "surrogatepass")
    return value


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _decoded_bodies(tree: Tree, body: _Body, override: str | None, problems: list[str]
                    ) -> tuple[str | None, str | None, str | None, str | None]:
    """(plain text, HTML, charset label, how the charset was chosen) of the chosen body parts."""
    plain_text = html = None
    charset: str | None = None
    charset_source: str | None = None
    if body.html is not None:
        html, codec, charset_source = _body_text(tree, body.html, override, problems)
        charset = codec_label(codec)
    if body.plain is not None:
        plain_text, codec, source = _body_text(tree, body.plain, override, problems)
        if charset is None:
            charset, charset_source = codec_label(codec), source
    return plain_text, html, charset, charset_source


def body_texts(raw: bytes, *, html_only_without_plain: bool = False) -> tuple[str | None, str | None]:
    """(plain text, HTML) of the body exactly as :func:`build_view` gives them, and nothing else.

    For the search index, which needs neither the headers (the list's columns already hold them)
    nor the attachments: sizing a message's base64 attachments alone costs more than reading its
    text, and decoding its address headers about as much. Raises on a bug, like build_view.
    ``html_only_without_plain``: the HTML is None when there is plain text (the index reads one
    of them, and decoding the other alternative doubled the work for most mail).
    """
    tree = parse_tree(raw, mime_only=True)
    body = _Body()
    _choose_body(tree, 0, body)
    plain_text = html = None
    if body.plain is not None:
        plain_text = _body_text(tree, body.plain, None, [], with_source=False)[0]
    if body.html is not None and (plain_text is None or not html_only_without_plain):
        html = _body_text(tree, body.html, None, [], with_source=False)[0]
    if plain_text is not None and body.plain is not None and _body_has_uuencoded_files(tree, body.plain):
        plain_text = strip_uuencoded(plain_text)
    return plain_text, html


def _body_has_uuencoded_files(tree: Tree, index: int) -> bool:
    """Whether :func:`embedded_files` would list files from this part (so build_view strips them)."""
    return any(file.source == index for file in embedded_files(tree, only_part=index))


def parse_message(raw: bytes, charset_override: str | None = None) -> MessageView:
    """Everything the viewer shows about a raw message. Never raises."""
    try:
        return build_view(raw, charset_override)
    except Exception as error:  # noqa: BLE001 - a bug here must not stop the user from reading mail
        return MessageView("", "", "", "", "", None, "", decode_bytes(raw[:1_000_000]), None, None, (), {},
                           False, (f"the message could not be parsed ({type(error).__name__}); "
                                   "showing the raw text",))


def build_view(raw: bytes, charset_override: str | None = None, *, detect_remote: bool = True) -> MessageView:
    """:func:`parse_message` without its last-resort ``except``: callers that want another
    fallback (the search index wants no text at all) catch errors themselves.

    ``detect_remote=False`` skips the remote-content scan, which the index has no use for.
    """
    tree = parse_tree(raw)
    problems = list(tree.problems)
    body = _Body()
    _choose_body(tree, 0, body)
    plain_text, html, charset, charset_source = _decoded_bodies(tree, body, charset_override, problems)
    inline_parts: dict[str, int] = {}
    for part in tree.parts:
        content_id = part.content_id
        if content_id and not part.inside_attached_message and content_id not in inline_parts:
            inline_parts[content_id] = part.index
    referenced: set[str] = set()
    if html is not None:
        lowered = html.lower()
        referenced = {content_id for content_id in inline_parts if "cid:" + content_id.lower() in lowered}

    attachments: list[Attachment] = []
    used = {body.plain, body.html, *body.blank}
    for part in tree.parts:
        if part.inside_attached_message:
            continue
        if part.index in used and not _has_filename(part):
            continue  # a named text part shown as the body is still offered as a file (a .csv, a log)
        is_message = part.content_type in ("message/rfc822", "message/global")
        if part.maintype == "multipart" and (part.children or part.empty):
            continue
        if part.index == 0 and is_message and part.children \
                and not tree.parts[part.children[0]].inside_attached_message:
            continue  # the message/rfc822 that is the message itself: its parts are listed instead
        if not part.headers and part.body_start == part.body_end:
            continue  # "--b" twice in a row: a delimiter, not a part
        if part.index == 0 and not is_message and part.maintype == "multipart":
            continue
        content_id = part.content_id
        if content_id in referenced and not _is_attachment(part):
            continue
        attachments.append(Attachment(
            part_index=part.index, filename=_attachment_filename(tree, part), content_type=part.content_type,
            size=decoded_size(tree, part), content_id=content_id, is_message=is_message))
    # Files inside parts (uuencode, TNEF) are listed after the MIME parts, numbered on from them;
    # an unpacked winmail.dat gives way to its files, and the uuencoded text leaves the body.
    embedded = embedded_files(tree)
    unpacked = {file.source for file in embedded if file.span is None}
    attachments = [attachment for attachment in attachments if attachment.part_index not in unpacked]
    for number, file in enumerate(embedded):
        attachments.append(Attachment(
            part_index=len(tree.parts) + number, content_type=file.content_type, size=len(file.data),
            filename=sanitize_filename(file.filename, f"part-{len(tree.parts) + number}", file.content_type),
            content_id=None, is_message=False))
    if plain_text is not None and any(file.source == body.plain for file in embedded):
        plain_text = strip_uuencoded(plain_text)

    override = charset_override
    date_text = decode_header_value(_header(tree, "date", override))
    date = parse_date(date_text)
    if date_text and date is None:
        problems.append(f"the date {date_text[:60]!r} could not be read")
    return MessageView(
        subject=decode_header_value(_header(tree, "subject", override)),
        sender=format_address_list(_header(tree, "from", override)),
        to=format_address_list(_header(tree, "to", override)),
        cc=format_address_list(_header(tree, "cc", override)),
        reply_to=format_address_list(_header(tree, "reply-to", override)),
        date=date,
        message_id=decode_header_value(_header(tree, "message-id")).strip(),
        plain_text=plain_text,
        html=html,
        charset=charset,
        attachments=tuple(attachments),
        inline_parts=inline_parts,
        has_remote_content=html_has_remote_content(html) if html is not None and detect_remote else False,
        problems=tuple(dict.fromkeys(problems)),
        date_text=date_text,
        charset_source=charset_source,
    )


def part_payload(raw: bytes, part_index: int) -> tuple[bytes, str]:
    """The decoded bytes and content type of one part. KeyError when there is no such part."""
    tree = parse_tree(raw)
    if part_index >= len(tree.parts):  # a file inside a part (see build_view)
        embedded = embedded_files(tree)
        if part_index - len(tree.parts) < len(embedded):
            file = embedded[part_index - len(tree.parts)]
            return file.data, file.content_type
    if not 0 <= part_index < len(tree.parts):
        raise KeyError(part_index)
    part = tree.parts[part_index]
    data, _ = payload(tree, part)
    return data, part.content_type


def part_payloads(raw: bytes, part_indexes: Iterable[int]) -> dict[int, tuple[bytes, str]]:
    """Several parts at once (the cid: images of one message): the tree is split only once.

    Indexes with no such part are left out rather than raising.
    """
    tree = parse_tree(raw)
    payloads: dict[int, tuple[bytes, str]] = {}
    for index in part_indexes:
        if 0 <= index < len(tree.parts):
            part = tree.parts[index]
            payloads[index] = (payload(tree, part)[0], part.content_type)
    return payloads
