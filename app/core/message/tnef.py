"""The files inside a TNEF stream (``winmail.dat``, ``application/ms-tnef``), per [MS-OXTNEF].

Only what a reader needs: each attachment's name and bytes. A stream is a signature, a key, then
attributes, each ``level (1 byte) | id and type (uint32) | length (uint32) | data | checksum
(uint16)``, little-endian. Attachment attributes (level 2) come in groups that each open with
``attAttachRendData``; ``attAttachTitle`` is the 8.3-era name, ``attAttachData`` the bytes, and
``attAttachment`` holds MAPI properties, among them the long file name.

Why not the ``tnefparse`` package: it is LGPL-3.0 (this project is MIT and ships a frozen bundle)
and has had no release since 2021; the part of the format needed here is this small.

Never raises: a damaged stream yields ``None`` and the caller keeps ``winmail.dat`` as it is.
"""

from __future__ import annotations

import struct

SIGNATURE = 0x223E9F78
LEVEL_MESSAGE, LEVEL_ATTACHMENT = 1, 2
ATT_OEM_CODEPAGE = 0x00069007
ATT_ATTACH_REND_DATA = 0x00069002
ATT_ATTACH_TITLE = 0x00018010
ATT_ATTACH_DATA = 0x0006800F
ATT_ATTACHMENT = 0x00069005
PR_ATTACH_LONG_FILENAME = 0x3707
PT_STRING8, PT_UNICODE, PT_BINARY, PT_OBJECT = 0x001E, 0x001F, 0x0102, 0x000D
_MULTIPLE = 0x1000
#: Fixed sizes of the MAPI property types (each value padded to 4 bytes).
_FIXED_SIZES = {0x0001: 4, 0x0002: 4, 0x0003: 4, 0x0004: 4, 0x0005: 8, 0x0006: 8, 0x0007: 8, 0x000A: 4,
                0x000B: 4, 0x0014: 8, 0x0040: 8, 0x0048: 16}
#: A stream with more attachments than this is not unpacked further (bounded work).
MAX_ATTACHMENTS = 1000


def _text(data: bytes, codec: str) -> str:
    data = data.split(b"\x00", 1)[0]
    try:
        return data.decode(codec)
    except (UnicodeError, LookupError):
        return data.decode("cp1252", "replace")


def _long_filename(data: bytes, codec: str) -> str | None:
    """PR_ATTACH_LONG_FILENAME from an ``attAttachment`` property list, if it is there."""
    (count,) = struct.unpack_from("<I", data, 0)
    offset = 4
    for _ in range(min(count, 10_000)):
        kind, identifier = struct.unpack_from("<HH", data, offset)
        offset += 4
        if identifier >= 0x8000:  # a named property: GUID, then a number or a name
            (name_kind,) = struct.unpack_from("<I", data, offset + 16)
            offset += 20
            if name_kind == 0:
                offset += 4
            else:
                (length,) = struct.unpack_from("<I", data, offset)
                offset += 4 + (length + 3) // 4 * 4
        base = kind & ~_MULTIPLE
        if base in (PT_STRING8, PT_UNICODE, PT_BINARY, PT_OBJECT):
            (values,) = struct.unpack_from("<I", data, offset)
            offset += 4
            found: bytes | None = None
            for _ in range(min(values, 10_000)):
                (length,) = struct.unpack_from("<I", data, offset)
                offset += 4
                if found is None:
                    found = data[offset:offset + length]
                offset += (length + 3) // 4 * 4
            if identifier == PR_ATTACH_LONG_FILENAME and found is not None and base in (PT_STRING8, PT_UNICODE):
                name = _text(found, codec) if base == PT_STRING8 else \
                    found.decode("utf-16-le", "replace").split("\x00", 1)[0]
                return name or None
        elif base in _FIXED_SIZES:
            values = 1
            if kind & _MULTIPLE:
                (values,) = struct.unpack_from("<I", data, offset)
                offset += 4
            offset += (_FIXED_SIZES[base] + 3) // 4 * 4 * min(values, 10_000)
        else:
            return None  # a type this reader does not know: the rest cannot be walked
        if offset > len(data):
            return None
    return None


def tnef_attachments(stream: bytes) -> list[tuple[str, bytes]] | None:
    """(file name, bytes) of each attachment in a TNEF stream; None when it is not one or is damaged."""
    try:
        return _attachments(stream)
    except (struct.error, ValueError, IndexError):
        return None


def _attachments(stream: bytes) -> list[tuple[str, bytes]] | None:
    if len(stream) < 6 or struct.unpack_from("<I", stream, 0)[0] != SIGNATURE:
        return None
    codec = "cp1252"
    offset = 6
    found: list[dict[str, object]] = []
    while offset < len(stream):
        if len(stream) - offset < 9:
            return None
        level, attribute, length = struct.unpack_from("<BII", stream, offset)
        offset += 9
        data = stream[offset:offset + length]
        if len(data) != length or offset + length + 2 > len(stream):
            return None
        offset += length + 2  # the checksum: not checked, senders get it wrong and the data is fine
        if level == LEVEL_MESSAGE and attribute == ATT_OEM_CODEPAGE and length >= 4:
            codec = f"cp{struct.unpack_from('<I', data, 0)[0]}"
        elif level == LEVEL_ATTACHMENT:
            if attribute == ATT_ATTACH_REND_DATA or not found:
                if len(found) >= MAX_ATTACHMENTS:
                    break
                found.append({})
            current = found[-1]
            if attribute == ATT_ATTACH_TITLE:
                current["title"] = _text(data, codec)
            elif attribute == ATT_ATTACH_DATA:
                current["data"] = data
            elif attribute == ATT_ATTACHMENT:
                current["long"] = _long_filename(data, codec)
    files: list[tuple[str, bytes]] = []
    for number, attachment in enumerate(found, 1):
        content = attachment.get("data")
        if not isinstance(content, bytes):
            return None  # an attached message or OLE object: not unpacked, so the original stays listed
        name = attachment.get("long") or attachment.get("title") or f"attachment-{number}"
        files.append((str(name), content))
    return files or None  # nothing but a body (RTF): winmail.dat stays listed as it is
