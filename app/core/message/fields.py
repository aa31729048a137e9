"""Header fields: where a header block ends, its fields read as raw bytes, a MIME part's block.

Split from :mod:`app.core.message.headers` (which re-exports these names, so callers keep one
place to import the header parser from): this part finds and splits fields; that one decodes
their values. :func:`parse_fields` is the general reader; :func:`mime_fields` picks the
``Content-*`` fields out of a plain header block in C, for the search index, with the same result.
"""

from __future__ import annotations

import re

#: Where a header block ends: the first empty line. The block handed to :func:`parse_fields`
#: keeps the line end before it, so a CR before that line end stays part of the last value.
_HEADER_END = re.compile(rb"\n\r?\n")
#: A part whose first line is not ``name:`` has no header at all (RFC 2045 defaults apply).
_HEADER_LINE = re.compile(rb"[!-9;-~]+[ \t]*:")


def parse_fields(block: bytes) -> dict[str, bytes]:
    """Lower-case name -> raw value of its first occurrence, folding kept (lines joined by LF).

    A line whose name holds a space or a tab is no field (an mbox ``From `` line, body text) and
    is skipped; an indented line after it is then read as a line of its own. The list read such
    lines differently until the two parsers became this one: it kept a tab inside a name.
    """
    fields: dict[str, bytes] = {}
    name: str | None = None
    value: list[bytes] = []  # a list, not bytes +=: a 200,000-line folded header stays linear
    for line in block.split(b"\n"):
        if line.endswith(b"\r"):
            line = line[:-1]
        if line[:1] in (b" ", b"\t") and name is not None:
            value.append(line)
            continue
        if name is not None and name not in fields:
            fields[name] = b"\n".join(value)
        raw_name, separator, rest = line.partition(b":")
        if not separator or not raw_name or b" " in raw_name.strip() or b"\t" in raw_name.strip():
            name = None
            continue
        name = raw_name.strip().decode("latin-1").lower()
        value = [rest]
    if name is not None and name not in fields:
        fields[name] = b"\n".join(value)
    return fields


def message_headers(raw: bytes) -> dict[str, bytes]:
    """The header fields of a whole message, for the list: everything up to the first empty line.

    More lenient than :func:`split_part` at the very start of a message: a leading empty line or
    an mbox ``From `` line does not hide the fields that follow, so the list keeps showing a
    subject for such mail as it always has (the viewer reads them through the tree, as a body).
    """
    return parse_fields(raw[: header_block_end(raw)])


def header_block_end(raw: bytes) -> int:
    """Where a message's header block ends for the list: after the line end before the first
    empty line (the whole message when it has none)."""
    match = _HEADER_END.search(raw)
    return match.start() + 1 if match else len(raw)


def split_part(raw: bytes, start: int, end: int, *, mime_only: bool = False) -> tuple[dict[str, bytes], int]:
    """Headers of the part at ``raw[start:end]`` and where its body starts.

    ``mime_only``: only the ``Content-*`` fields (:func:`mime_fields`), all the body needs.
    """
    if raw.startswith(b"\r\n", start) or raw.startswith(b"\n", start):
        return {}, start + (2 if raw.startswith(b"\r\n", start) else 1)
    if not _HEADER_LINE.match(raw, start, end):
        # No header at all (a part that starts straight with its text): RFC 2045 defaults apply.
        return {}, start
    match = _HEADER_END.search(raw, start, end)
    block_end, body_start = (end, end) if match is None else (match.start() + 1, match.end())
    if mime_only:
        return mime_fields(raw, start, block_end), body_start
    return parse_fields(raw[start:block_end]), body_start


#: A header block in which every line is a field (a printable name without spaces, then ":") or
#: continues one (starts with a space or a tab): nearly all mail. In such a block
#: :func:`parse_fields` reads exactly one field from each field line and its continuations, so a
#: regular expression can pick out the fields wanted without a Python loop over every line.
PLAIN_HEADER_BLOCK = re.compile(rb"[!-9;-~]+[ \t]*:[^\n]*(?:\n(?:[!-9;-~]+[ \t]*:|[ \t])[^\n]*)*\n?")
_MIME_FIELD = rb"((?i:content-)[!-9;-~]*)[ \t]*:([^\n]*(?:\n[ \t][^\n]*)*)"
_FIRST_MIME_FIELD = re.compile(_MIME_FIELD)
_NEXT_MIME_FIELD = re.compile(rb"\n" + _MIME_FIELD)


def mime_fields(raw: bytes, start: int, end: int) -> dict[str, bytes]:
    """The ``Content-*`` fields of the header block ``raw[start:end]``, exactly as
    :func:`parse_fields` reads them (lower-case name -> first value, folds as LF).

    For the search index, which reads the body of every new message: the Received and DKIM lines
    that make up most of a header block are skipped in C instead of split in Python.
    """
    if PLAIN_HEADER_BLOCK.fullmatch(raw, start, end) is None:
        return {name: value for name, value in parse_fields(raw[start:end]).items() if name.startswith("content-")}
    found: list[tuple[bytes, bytes]] = []
    first = _FIRST_MIME_FIELD.match(raw, start, end)
    if first is not None:
        found.append((first[1], first[2]))
    found += _NEXT_MIME_FIELD.findall(raw, first.end() if first is not None else start, end)
    fields: dict[str, bytes] = {}
    for raw_name, value in found:
        name = raw_name.decode("ascii").lower()
        if name not in fields:
            if b"\n" in value:  # folded: each line loses one CR before its LF, as in parse_fields
                value = value.replace(b"\r\n", b"\n")
            fields[name] = value[:-1] if value.endswith(b"\r") else value
    return fields
