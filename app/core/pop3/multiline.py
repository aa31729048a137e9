"""Where a multi-line reply ends and which of its lines were dot-stuffed, found in one scan.

RFC 1939 section 3: a multi-line reply ends with CRLF "." CRLF, and every line of it that begins
with "." was sent with one more "." in front. Both are a CRLF followed by ".", so one search for
that finds the terminator and every stuffed line together. Searching for the terminator and then
for the stuffed lines (``bytes.replace``) were two passes over every byte of every message, the
costliest part of reading a large mailbox after the socket itself.

The result is exactly what the two passes gave: the first terminator ends the body; before it, each
CRLF ".." loses one "." (these never overlap), and so does a ".." that begins the body.
"""

from __future__ import annotations

#: A line that begins with ".": the terminator's or a stuffed line's start.
DOT_LINE = b"\r\n."


class BodyScan:
    """The state of the scan of one reply, kept while more of it arrives."""

    __slots__ = ("resume", "stuffed")

    def __init__(self) -> None:
        #: Where the next search starts.
        self.resume = 0
        #: Where each stuffed line's CRLF ".." is, in order.
        self.stuffed: list[int] = []

    def find_end(self, buffer: bytearray) -> int:
        """Where the terminator begins, or -1 when it has not arrived yet (scan again after more)."""
        index = buffer.find(DOT_LINE, self.resume)
        while index >= 0:
            follows = buffer[index + 3:index + 5]
            if follows == b"\r\n":
                return index
            if follows == b"" or follows == b"\r":
                self.resume = index  # cannot tell yet: the terminator, or a line such as ".\rx"
                return -1
            if follows[0] == 0x2E:  # "."
                self.stuffed.append(index)
            index = buffer.find(DOT_LINE, index + 3)
        # The next search starts where a CRLF "." cut by the chunk's end could begin.
        self.resume = max(self.resume, len(buffer) - 2)
        return -1

    def body(self, buffer: bytearray, end: int) -> bytes:
        """The body before the terminator at ``end`` (its CRLF kept), dot-unstuffed, copied once."""
        start = 1 if buffer.startswith(b"..") else 0
        with memoryview(buffer) as view:
            if not self.stuffed:
                return bytes(view[start:end + 2])
            pieces = []
            for at in self.stuffed:
                pieces.append(view[start:at + 3])  # up to the first "." of the "..": the second goes
                start = at + 4
            pieces.append(view[start:end + 2])
            try:
                return b"".join(pieces)
            finally:
                for piece in pieces:  # the buffer cannot shrink while a slice of it is held
                    piece.release()
