"""The MIME structure of a raw message as a flat list of parts, found without copying bodies.

Why not ``email.message_from_bytes``: it turns every body into a string (a 25 MB attachment costs
seconds and hundreds of MB), recurses once per nesting level, and its header objects raise on
some broken input. Here a message is split on the bytes themselves: each part is its headers plus
the offsets of its body in the raw message, so sizes and payloads are computed only for the parts
that are asked for. Parts are numbered in pre-order (the order of ``email.message.Message.walk``),
and that number is the key the viewer uses to ask for a payload.

Limits keep hostile input bounded: nesting deeper than :data:`MAX_DEPTH` and more than
:data:`MAX_PARTS` parts are not split further (a note goes into ``problems``). No recursion is
used, so 10,000 levels of ``multipart/mixed`` cost nothing but a note.

Each part's headers and parameters are read by :mod:`app.core.message.headers`, the same parser
the message list uses.
"""

from __future__ import annotations

import binascii
from dataclasses import dataclass, field

from app.core.message.headers import decode_header_value, parse_parameters, split_part

#: Deeper structures than this are shown as opaque parts: real mail nests a handful of levels.
MAX_DEPTH = 64
#: A message with more parts than this is not split further (keeps hostile input linear).
MAX_PARTS = 2000

_BASE64_NOISE = bytes(character for character in range(256)
                      if not (chr(character).isascii() and (chr(character).isalnum() or chr(character) in "+/")))


@dataclass
class Part:
    """One node of the tree. ``body_start:body_end`` index the raw message."""

    index: int
    depth: int
    headers: dict[str, bytes]
    body_start: int
    body_end: int
    content_type: str
    parameters: dict[str, str]
    parent: int | None
    #: True for parts inside an attached message/rfc822 (they belong to that message, not this one).
    inside_attached_message: bool = False
    #: Not split because of the depth or part limits: offered as a file, never shown as text.
    opaque: bool = False
    #: A multipart whose boundary was found but that holds no part (``--b--`` alone): nothing to show.
    empty: bool = False
    children: list[int] = field(default_factory=list)

    @property
    def maintype(self) -> str:
        return self.content_type.partition("/")[0]

    @property
    def transfer_encoding(self) -> str:
        return decode_header_value(self.headers.get("content-transfer-encoding", b"")).strip().lower()

    @property
    def disposition(self) -> tuple[str, dict[str, str]]:
        raw = self.headers.get("content-disposition")
        if raw is None:
            return "", {}
        value, parameters = parse_parameters(raw)
        return value, parameters

    @property
    def content_id(self) -> str | None:
        raw = self.headers.get("content-id")
        if raw is None:
            return None
        text = decode_header_value(raw).strip()
        if text.startswith("<") and ">" in text:
            text = text[1:text.index(">")]
        return text.strip() or None

    @property
    def charset(self) -> str | None:
        return self.parameters.get("charset") or None


@dataclass
class Tree:
    raw: bytes
    parts: list[Part]
    problems: list[str]


# -- the tree -----------------------------------------------------------------------------------


def _delimiters(raw: bytes, boundary: bytes, start: int, end: int) -> tuple[list[tuple[int, int]], bool]:
    """(line start, line end) of each ``--boundary`` line in ``raw[start:end]``, and whether it closed.

    A nested multipart that reuses this boundary (some mailers do) owns the delimiters from its
    own opening up to its closing ``--boundary--``: they are left out here, so it becomes one child
    that is split again on its own.
    """
    marker = b"--" + boundary
    found: list[tuple[int, int]] = []
    nested = 0
    position = start
    while True:
        hit = raw.find(marker, position, end)
        if hit < 0:
            return found, False
        after = hit + len(marker)
        at_line_start = hit == start or raw[hit - 1:hit] == b"\n"
        closing = raw.startswith(b"--", after)
        tail = after + 2 if closing else after
        # Transport padding, then the line end (RFC 2046 5.1.1); anything else means this is a
        # longer boundary that merely starts with ours.
        while tail < end and raw[tail:tail + 1] in (b" ", b"\t"):
            tail += 1
        if at_line_start and (tail >= end or raw[tail:tail + 1] in (b"\r", b"\n")):
            line_end = raw.find(b"\n", tail, end)
            line_end = end if line_end < 0 else line_end + 1
            if closing and nested:
                nested -= 1
            else:
                if nested == 0:
                    found.append((hit, line_end))
                if closing:
                    return found, True
                if _reuses_boundary(raw, boundary, line_end, end):
                    nested += 1
            position = line_end
        else:
            position = after


def _reuses_boundary(raw: bytes, boundary: bytes, start: int, end: int) -> bool:
    """Whether the part at ``start`` is a multipart declaring ``boundary`` again."""
    header_end = raw.find(b"\n\r\n", start, end)
    header_end = raw.find(b"\n\n", start, end) if header_end < 0 else header_end
    header_end = end if header_end < 0 else header_end
    if raw.find(boundary, start, header_end) < 0:
        return False  # the usual case, decided without parsing a header
    headers, _ = split_part(raw, start, end)
    content_type, parameters = parse_parameters(headers.get("content-type", b""))
    return content_type.startswith("multipart/") \
        and parameters.get("boundary", "").encode("utf-8", "surrogateescape") == boundary


def _line_end_before(raw: bytes, position: int, floor: int) -> int:
    """The CRLF before a delimiter belongs to the delimiter (RFC 2046 5.1.1)."""
    if position - 2 >= floor and raw[position - 2:position] == b"\r\n":
        return position - 2
    if position - 1 >= floor and raw[position - 1:position] == b"\n":
        return position - 1
    return position


def parse_tree(raw: bytes, *, mime_only: bool = False) -> Tree:
    """Split a raw message into parts, pre-order. Never raises on message content.

    ``mime_only``: each part keeps only its ``Content-*`` fields, all that its body needs (the
    search index reads bodies; the viewer wants every field).
    """
    parts: list[Part] = []
    problems: list[str] = []
    noted: set[str] = set()

    def note(problem: str) -> None:
        if problem not in noted:
            noted.add(problem)
            problems.append(problem)

    # (start, end, depth, parent, default type, inside an attached message)
    pending: list[tuple[int, int, int, int | None, str, bool]] = [(0, len(raw), 0, None, "text/plain", False)]
    while pending:
        start, end, depth, parent, default_type, inside = pending.pop()
        headers, body_start = split_part(raw, start, end, mime_only=mime_only)
        body_start = min(body_start, end)  # an empty part: its blank line belongs to the delimiter
        content_type, parameters = parse_parameters(headers["content-type"]) if "content-type" in headers \
            else (default_type, {})
        if "/" not in content_type or " " in content_type:
            if "content-type" in headers:
                note(f"unreadable Content-Type {content_type[:60]!r}, shown as plain text")
            content_type, parameters = "text/plain", {key: value for key, value in parameters.items()
                                                     if key == "charset"}
        part = Part(len(parts), depth, headers, body_start, end, content_type, parameters, parent, inside)
        parts.append(part)
        if parent is not None:
            parts[parent].children.append(part.index)
        children: list[tuple[int, int, int, int | None, str, bool]] = []
        splittable = depth < MAX_DEPTH and len(parts) < MAX_PARTS
        if part.maintype == "multipart":
            if not splittable:
                note("the message is nested too deeply or has too many parts; the rest is not shown")
                part.opaque = True
                continue
            boundary = parameters.get("boundary", "")
            if not boundary:
                note("a multipart part has no boundary; its content is shown as text")
                continue
            found, closed = _delimiters(raw, boundary.encode("utf-8", "surrogateescape"), body_start, end)
            if not found:
                note("a multipart boundary was never found; its content is shown as text")
                continue
            if not closed:
                note("a multipart part is not closed (missing final boundary)")
            if closed and len(found) == 1:
                part.empty = True
                continue
            child_default = "message/rfc822" if content_type == "multipart/digest" else "text/plain"
            room = MAX_PARTS - len(parts) - len(pending)
            if len(found) - 1 > room:
                note("the message is nested too deeply or has too many parts; the rest is not shown")
                found = found[:max(room, 0) + 1]
                closed = False  # the last kept delimiter opens a part that runs to the end
            for number, (_, line_end) in enumerate(found):
                if number + 1 < len(found):
                    child_end = _line_end_before(raw, found[number + 1][0], line_end)
                elif closed:
                    break
                else:
                    child_end = end
                children.append((line_end, child_end, depth + 1, part.index, child_default, inside))
        elif content_type in ("message/rfc822", "message/global") and splittable \
                and part.transfer_encoding in ("", "7bit", "8bit", "binary"):
            # A message whose top level is message/rfc822 (a forward sent as the message itself)
            # is read as that message: its parts are this message's, not an attachment's.
            children.append((body_start, end, depth + 1, part.index, "text/plain", parent is not None or inside))
        elif content_type in ("message/rfc822", "message/global") and not splittable:
            part.opaque = True
            note("the message is nested too deeply or has too many parts; the rest is not shown")
        pending.extend(reversed(children))
    return Tree(raw, parts, problems)


# -- payloads -----------------------------------------------------------------------------------


def decode_base64(data: bytes) -> tuple[bytes, bool]:
    """Lenient base64: stray characters ignored, bad padding repaired. (bytes, was it clean)."""
    cleaned = data.translate(None, _BASE64_NOISE)
    clean = True
    stripped = data.rstrip(b"\r\n \t=")
    if len(cleaned) != len(stripped) - stripped.count(b"\n") - stripped.count(b"\r") - stripped.count(b" ") \
            - stripped.count(b"\t"):
        clean = False
    remainder = len(cleaned) % 4
    if remainder == 1:  # one leftover character carries no whole byte
        cleaned, clean = cleaned[:-1], False
    elif remainder:
        cleaned += b"=" * (4 - remainder)
    try:
        return binascii.a2b_base64(cleaned), clean
    except binascii.Error:
        return b"", False


def base64_size(raw: bytes, start: int, end: int) -> int:
    """Decoded size of a base64 body without decoding it (whitespace and padding not counted)."""
    length = end - start
    for character in (b"\n", b"\r", b" ", b"\t", b"="):
        length -= raw.count(character, start, end)
    return max(0, length) * 3 // 4


def payload(tree: Tree, part: Part) -> tuple[bytes, bool]:
    """The body of a part with its transfer encoding undone. (bytes, was it clean)."""
    body = tree.raw[part.body_start:part.body_end]
    encoding = part.transfer_encoding
    if encoding == "base64":
        return decode_base64(body)
    if encoding == "quoted-printable":
        try:
            return binascii.a2b_qp(body), True
        except (binascii.Error, ValueError):
            return body, False
    return body, True


def decoded_size(tree: Tree, part: Part) -> int:
    encoding = part.transfer_encoding
    if encoding == "base64":
        return base64_size(tree.raw, part.body_start, part.body_end)
    if encoding == "quoted-printable":
        return len(payload(tree, part)[0])
    return part.body_end - part.body_start

