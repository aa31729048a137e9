"""A multi-line reply's end and its dot-stuffing, found in one scan while the reply arrives in pieces.

The reference is the reading that came before it (find CRLF "." CRLF, then undo the stuffing with
``bytes.replace``): for any bytes and any way the socket cuts them, the body, and what is left for
the next reply, must be the same.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.pop3.connection import TERMINATOR, Connection


class ChunkedSocket:
    """Hands out the stream in the given piece sizes, one recv() each."""

    def __init__(self, stream: bytes, sizes: list[int]) -> None:
        self.pieces: list[bytes] = []
        position = 0
        for size in sizes:
            if position < len(stream):
                self.pieces.append(stream[position:position + size])
                position += size
        if position < len(stream):
            self.pieces.append(stream[position:])
        self.pieces.reverse()

    def recv(self, _: int) -> bytes:
        return self.pieces.pop() if self.pieces else b""

    def settimeout(self, _: float) -> None:
        pass

    def setsockopt(self, *_: int) -> None:
        pass  # the quick-ACK request after each read (app/core/pop3/quick_ack.py)

    def close(self) -> None:
        pass


def reference(stream: bytes) -> tuple[bytes, bytes]:
    """(body, rest) as the two-pass reader had them."""
    if stream.startswith(b".\r\n"):
        return b"", stream[3:]
    index = stream.find(TERMINATOR)
    body = stream[:index + 2]
    if body.startswith(b".."):
        body = body[1:]
    return body.replace(b"\r\n..", b"\r\n."), stream[index + len(TERMINATOR):]


def read(stream: bytes, sizes: list[int]) -> tuple[bytes, bytes]:
    connection = Connection(ChunkedSocket(stream, sizes), idle_timeout=5, cancel=None)  # type: ignore[arg-type]
    body = connection.read_body(1 << 20)
    return body, bytes(connection.buffer) + b"".join(reversed(connection.sock.pieces))  # type: ignore[attr-defined]


SIZES = st.lists(st.integers(1, 12), max_size=40)
TEXT = st.lists(st.sampled_from([b".", b"..", b"\r", b"\n", b"\r\n", b"x", b" ", b"\r\n.", b"\r\n..", b".\r"]),
                max_size=40).map(b"".join)


@settings(max_examples=1500, deadline=None)
@given(TEXT, SIZES)
def test_any_bytes_before_a_terminator_read_as_the_two_pass_reader_read_them(text: bytes, sizes: list[int]) -> None:
    stream = text + TERMINATOR + b"+OK next\r\n"
    assert read(stream, sizes) == reference(stream)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from([b"", b".", b"..", b".x", b"x.", b". .", b"...", b"\r"]), min_size=1, max_size=20),
       SIZES)
def test_a_stuffed_message_comes_back_as_sent(lines: list[bytes], sizes: list[int]) -> None:
    message = b"".join(line + b"\r\n" for line in lines)
    stuffed = b"".join((b"." + line if line.startswith(b".") else line) + b"\r\n" for line in lines)
    body, rest = read(stuffed + b".\r\n+OK 2 10\r\n", sizes)
    assert body == message
    assert rest == b"+OK 2 10\r\n"


def test_a_long_stuffed_body_split_everywhere() -> None:
    message = b"".join(b"..%d\r\nline %d\r\n.\r\n" % (number, number) for number in range(2000))
    stuffed = message.replace(b"\r\n.", b"\r\n..")
    stuffed = b"." + stuffed if stuffed.startswith(b".") else stuffed
    for size in (1, 2, 3, 4, 5, 7, 4096):
        assert read(stuffed + TERMINATOR[2:] + b"+OK\r\n", [size] * (len(stuffed) // size + 10)) == (
            message, b"+OK\r\n")
