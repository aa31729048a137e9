"""ISO-2022-JP as Windows and Outlook send it (Microsoft's CP50220 family), as a Python codec.

Python's ``iso2022_jp`` knows only JIS X 0208 proper, so mail from Outlook that carries the NEC
special characters (row 13: ①, ㈱, №) or the NEC-selected IBM extensions (rows 89-92: 昀, 髙)
fails strictly. Here every JIS X 0208 pair (``ESC $ B`` or ``ESC $ @``) is turned into its
Shift_JIS pair and decoded as CP932, which holds both extensions; ``ESC ( I`` and SO/SI give
half-width katakana; ``ESC $ ( D`` (JIS X 0212) goes through Python's ``iso2022_jp_2``. The codec
registers as ``cp50220`` (decoding only; encoding is plain ISO-2022-JP). The pure JIS X 0208 part
decodes exactly as Python's own codec does.
"""

from __future__ import annotations

import codecs
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # typing only: collections.abc.Buffer arrives with Python 3.12
    from typing_extensions import Buffer

NAME = "cp50220"

_ASCII, _ROMAN, _JIS0208, _KATAKANA, _JIS0212 = range(5)
_ESCAPES = {b"\x1b(B": _ASCII, b"\x1b(J": _ROMAN, b"\x1b(H": _ROMAN, b"\x1b$B": _JIS0208,
            b"\x1b$@": _JIS0208, b"\x1b$(B": _JIS0208, b"\x1b&@\x1b$B": _JIS0208, b"\x1b(I": _KATAKANA,
            b"\x1b$(D": _JIS0212}
#: The escape sequences that mark undeclared text as ISO-2022-JP beyond doubt.
MARKERS = (b"\x1b$B", b"\x1b$@", b"\x1b(I", b"\x1b$(D", b"\x1b(J")


def _shift_jis_pair(first: int, second: int) -> bytes:
    lead = (first + 1) // 2 + 0x70
    if lead >= 0xA0:
        lead += 0x40
    trail = second + 0x1F + (1 if second >= 0x60 else 0) if first % 2 else second + 0x7E
    return bytes((lead, trail))


def _error(data: bytes, start: int, end: int, errors: str, reason: str) -> str:
    if errors == "strict":
        raise UnicodeDecodeError(NAME, data, start, end, reason)
    if errors == "ignore":
        return ""
    if errors == "surrogateescape":
        return "".join(chr(0xDC00 + byte) for byte in data[start:end])
    return "\ufffd"


def decode(buffer: Buffer, errors: str = "strict", /) -> tuple[str, int]:
    """ISO-2022-JP with the CP50220 extensions; ``errors`` as for :meth:`bytes.decode`."""
    data = bytes(buffer)
    out: list[str] = []
    mode = _ASCII
    position = 0
    length = len(data)
    while position < length:
        byte = data[position]
        if byte == 0x1B:
            for escape, new_mode in _ESCAPES.items():
                if data.startswith(escape, position):
                    mode = new_mode
                    position += len(escape)
                    break
            else:
                out.append(_error(data, position, position + 1, errors, "unknown escape sequence"))
                position += 1
            continue
        if byte == 0x0E:  # SO: half-width katakana until SI
            mode, position = _KATAKANA, position + 1
            continue
        if byte == 0x0F:
            mode, position = _ASCII, position + 1
            continue
        if byte in (0x0A, 0x0D) and mode in (_JIS0208, _JIS0212):
            out.append(chr(byte))  # a line end inside a two-byte run: broken senders; keep it
            position += 1
            continue
        if byte >= 0x80:
            out.append(_error(data, position, position + 1, errors, "8-bit byte"))
            position += 1
            continue
        if mode == _ASCII:
            out.append(chr(byte))
        elif mode == _ROMAN:
            out.append({0x5C: "\u00a5", 0x7E: "\u203e"}.get(byte, chr(byte)))
        elif mode == _KATAKANA:
            if 0x21 <= byte <= 0x5F:
                out.append(bytes((byte + 0x80,)).decode("cp932"))
            else:
                out.append(chr(byte))
        else:
            pair = data[position:position + 2]
            if len(pair) < 2 or not (0x21 <= pair[0] <= 0x7E and 0x21 <= pair[1] <= 0x7E):
                out.append(_error(data, position, position + 1, errors, "incomplete two-byte character"))
                position += 1
                continue
            try:
                if mode == _JIS0208:
                    out.append(_shift_jis_pair(pair[0], pair[1]).decode("cp932"))
                else:
                    out.append((b"\x1b$(D" + pair).decode("iso2022_jp_2"))
            except UnicodeDecodeError:
                out.append(_error(data, position, position + 2, errors, "undefined character"))
            position += 2
            continue
        position += 1
    return "".join(out), length


def _encode(text: str, errors: str = "strict") -> tuple[bytes, int]:
    return codecs.encode(text, "iso2022_jp", errors), len(text)


def _search(name: str) -> codecs.CodecInfo | None:
    if name.replace("-", "_") != NAME:
        return None
    return codecs.CodecInfo(name=NAME, encode=_encode, decode=decode)


def register() -> None:
    """Make ``cp50220`` known to :func:`codecs.lookup` (idempotent)."""
    try:
        codecs.lookup(NAME)
    except LookupError:
        codecs.register(_search)
