"""Files carried inside another part: uuencoded blocks in a text body, and TNEF (``winmail.dat``).

Neither is MIME, so the tree does not see them; the viewer offers them as attachments of their
own. Each is found again from the raw message alone, in the same order every time, so a file is
named by a number (see :func:`embedded_files`) the way a MIME part is, and saving needs no state.

A block that does not decode cleanly is not offered: the part that holds it stays as it is (the
text shows the block; ``winmail.dat`` stays listed), so nothing in the message is ever lost.
"""

from __future__ import annotations

import binascii
import mimetypes
import re
from dataclasses import dataclass

from app.core.message.tnef import tnef_attachments
from app.core.message.tree import Part, Tree, payload

#: "begin 644 name" ... "end" (the POSIX uuencode format; the mode is 3 or 4 octal digits).
_BEGIN = re.compile(rb"(?m)^begin[ \t]+[0-7]{3,4}[ \t]+([^\r\n]+?)[ \t]*\r?$")
_END = re.compile(rb"(?m)^end[ \t]*\r?$")
_UU_LINE = re.compile(rb"[ -`]+")
#: Bodies longer than this are not scanned for uuencoded blocks (bounded work per message).
_MAX_SCANNED_BYTES = 32 * 1024 * 1024
TNEF_TYPES = frozenset({"application/ms-tnef", "application/vnd.ms-tnef"})


@dataclass(frozen=True)
class Embedded:
    source: int          # index of the part that carries the file
    filename: str        # as the sender wrote it (not yet sanitized)
    content_type: str    # guessed from the file name
    data: bytes
    span: tuple[int, int] | None = None   # where a uuencoded block sits in the source's payload


def _guess_type(filename: str) -> str:
    return mimetypes.guess_type(filename, strict=False)[0] or "application/octet-stream"


def _uudecode_line(line: bytes) -> bytes:
    """One uuencoded line; lenient about trailing spaces and the missing-padding habit."""
    line = line.rstrip(b"\r\n")
    if not line:
        return b""
    length = (line[0] - 32) & 63
    needed = (length * 4 + 2) // 3 + 1
    if len(line) > needed + 2 or not _UU_LINE.fullmatch(line):  # room for a checksum character
        raise ValueError("not a uuencoded line")
    body = line[:needed].ljust(needed, b" ")  # some encoders drop trailing spaces (zeros)
    return binascii.a2b_uu(body)


def uudecode_blocks(text: bytes) -> list[tuple[str, bytes, tuple[int, int]]]:
    """(file name, bytes, span of the whole block) for each well-formed block in ``text``."""
    found: list[tuple[str, bytes, tuple[int, int]]] = []
    if b"begin" not in text:
        return found
    position = 0
    while True:
        begin = _BEGIN.search(text, position)
        if begin is None:
            return found
        end = _END.search(text, begin.end())
        if end is None:
            return found
        block = text[begin.end():end.start()]
        try:
            data = b"".join(_uudecode_line(line) for line in block.split(b"\n") if line.strip(b"\r"))
        except (binascii.Error, ValueError):
            position = begin.end()
            continue
        name = begin.group(1).decode("utf-8", "replace").strip()
        line_end = text.find(b"\n", end.start())
        found.append((name, data, (begin.start(), len(text) if line_end < 0 else line_end + 1)))
        position = end.end()


_TEXT_BLOCK = re.compile(r"(?ms)^begin[ \t]+[0-7]{3,4}[ \t]+([^\n]+?)[ \t]*\n.*?^end[ \t]*(?:\n|\Z)")


def strip_uuencoded(text: str) -> str:
    """The body text with each uuencoded block replaced by a one-line mention of its file."""
    return _TEXT_BLOCK.sub(lambda match: f"[{match.group(1)}]\n", text)


def _carries_uuencode(tree: Tree, part: Part) -> bool:
    if part.content_type != "text/plain" or part.children or part.opaque \
            or part.body_end - part.body_start > _MAX_SCANNED_BYTES:
        return False
    # "begin" survives 7bit, 8bit and quoted-printable as it is: most bodies are ruled out
    # without decoding them.
    return part.transfer_encoding == "base64" or tree.raw.find(b"begin", part.body_start, part.body_end) >= 0


def _is_tnef(part: Part) -> bool:
    if part.content_type in TNEF_TYPES:
        return True
    name = part.disposition[1].get("filename") or part.parameters.get("name") or ""
    return part.content_type == "application/octet-stream" and name.strip().lower() == "winmail.dat"


def embedded_files(tree: Tree, *, only_part: int | None = None) -> list[Embedded]:
    """Every file found inside a part of this message (not inside an attached message), in order.

    File ``n`` of this list is offered under part index ``len(tree.parts) + n``. ``only_part``
    limits the search to that part (the numbering then means nothing).
    """
    files: list[Embedded] = []
    for part in tree.parts:
        if part.inside_attached_message or (only_part is not None and part.index != only_part):
            continue
        if _carries_uuencode(tree, part):
            data, _ = payload(tree, part)
            for name, content, span in uudecode_blocks(data):
                files.append(Embedded(part.index, name, _guess_type(name), content, span))
        elif _is_tnef(part) and not part.children:
            for name, content in tnef_attachments(payload(tree, part)[0]) or []:
                files.append(Embedded(part.index, name, _guess_type(name), content))
    return files
