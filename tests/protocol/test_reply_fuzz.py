"""Property tests (hypothesis) of everything that reads server bytes: nothing but the error
vocabulary may escape, whatever the server sends.

Covered: the status line parser and its error mapping (responses.py), the CAPA parser, the
LIST/UIDL listing parser, the buffered line and multi-line readers (fed through a real socket
pair), and a whole client session against a loopback server that answers with arbitrary bytes.
Where a well-formed input exists, the property is also that it round-trips exactly.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.errors import PoplarkError, ProtocolError
from app.core.model import Security
from app.core.pop3.capabilities import parse_capabilities
from app.core.pop3.client import Pop3Client
from app.core.pop3.connection import Connection
from app.core.pop3.listing import listed_size, listing_sizes, listing_values, parse_listing
from app.core.pop3.responses import error_for, parse_status
from tests.fakes.pop3_server import dot_stuff

#: Bytes that make the parsers take interesting branches, mixed into random data.
POP3_PIECES = [b"+OK", b"-ERR", b" ", b"\t", b"\r\n", b"\r", b"\n", b".", b"..", b"\r\n.\r\n", b"[IN-USE]",
               b"[SYS/TEMP]", b"[AUTH]", b"[", b"]", b"0", b"1", b"-1", b"99999999999999999999", b"octets",
               b"SASL PLAIN LOGIN", b"LOGIN-DELAY", b"EXPIRE NEVER", b"\x00", b"\xff", b"\xc4\xe3", b"+ "]
pop3_bytes = st.lists(st.one_of(st.sampled_from(POP3_PIECES), st.binary(max_size=12)), max_size=40).map(b"".join)
FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(pop3_bytes)
def test_status_parser_raises_only_protocol_error(line: bytes) -> None:
    try:
        status = parse_status(line)
    except ProtocolError:
        return
    assert line.startswith((b"+OK", b"-ERR"))
    error = error_for(status, during="fuzzing", auth_phase=bool(len(line) % 2),
                      auth_resp_code=bool(len(line) % 3))
    assert isinstance(error, PoplarkError)
    assert str(error)  # rendering the error (with the server's text) must not fail either


@FAST
@given(st.lists(pop3_bytes, max_size=12))
def test_capability_parser_never_raises(lines: list[bytes]) -> None:
    capabilities = parse_capabilities(lines)
    assert capabilities.known
    assert all(name == name.upper() for name in capabilities.names)


@FAST
@given(pop3_bytes, st.sampled_from(["LIST", "UIDL"]))
def test_listing_parser_raises_only_protocol_error(body: bytes, verb: str) -> None:
    try:
        entries = parse_listing(body, verb)
    except ProtocolError:
        return
    numbers = [number for number, _ in entries]
    assert all(number >= 1 for number in numbers)
    assert len(set(numbers)) == len(numbers)


uidl_values = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=70)


@FAST
@given(st.dictionaries(st.integers(1, 10**6), uidl_values, max_size=30), st.sampled_from(["\r\n", "\n"]))
def test_well_formed_listings_round_trip(listing: dict[int, str], ending: str) -> None:
    body = "".join(f"{number} {value}{ending}" for number, value in listing.items()).encode("ascii")
    assert parse_listing(body, "UIDL") == list(listing.items())


def general_outcome(body: bytes, verb: str) -> dict[int, str] | dict[int, int] | str:
    """What the general listing parser makes of ``body``: the entries, or its error's words."""
    try:
        entries = parse_listing(body, verb)
        return {n: listed_size(v, verb) for n, v in entries} if verb == "LIST" else dict(entries)
    except ProtocolError as error:
        return str(error)


def fast_outcome(body: bytes, verb: str) -> dict[int, str] | dict[int, int] | str:
    try:
        return listing_sizes(body) if verb == "LIST" else listing_values(body, verb)
    except ProtocolError as error:
        return str(error)


listing_lines = st.lists(st.tuples(st.integers(0, 10**10), st.one_of(uidl_values, st.integers(0, 10**17).map(str)),
                                   st.sampled_from(["\r\n", "\r\n", "\n", "  ", "\t", "\r\n\r\n"])),
                         max_size=20)


@FAST
@given(listing_lines, st.sampled_from(["LIST", "UIDL"]))
def test_fast_listing_parsers_agree_with_the_general_one(lines: list[tuple[int, str, str]], verb: str) -> None:
    """The split-based path for plain listings accepts, parses and rejects exactly what the
    regular expression does: duplicates, number 0, leading zeros, huge sizes, stray blank lines."""
    body = "".join(f"{number} {value}{ending}" for number, value, ending in lines).encode("ascii")
    assert fast_outcome(body, verb) == general_outcome(body, verb)


@FAST
@given(pop3_bytes, st.sampled_from(["LIST", "UIDL"]))
def test_fast_listing_parsers_agree_on_any_bytes(body: bytes, verb: str) -> None:
    assert fast_outcome(body, verb) == general_outcome(body, verb)


def test_fast_listing_parsers_on_a_plain_listing() -> None:
    uidls = b"".join(b"%d %08xab\r\n" % (number, number) for number in range(1, 2001))
    sizes = b"".join(b"%d %d\r\n" % (number, 500 + number) for number in range(1, 2001))
    assert listing_values(uidls, "UIDL") == {number: f"{number:08x}ab" for number in range(1, 2001)}
    assert listing_sizes(sizes) == {number: 500 + number for number in range(1, 2001)}
    with pytest.raises(ProtocolError, match="message 2 twice"):
        listing_values(b"1 a\r\n2 b\r\n2 c\r\n", "UIDL")
    with pytest.raises(ProtocolError, match="malformed LIST"):
        listing_sizes(b"1 10\r\n2 " + b"9" * 17 + b"\r\n")


def read_all(data: bytes, max_bytes: int, drain: bool) -> list[bytes]:
    """Feed ``data`` then end of stream to a Connection; read lines and bodies alternately."""
    server_side, client_side = socket.socketpair()
    try:
        server_side.sendall(data)
        server_side.shutdown(socket.SHUT_WR)
        connection = Connection(client_side, idle_timeout=2.0, cancel=None)
        out: list[bytes] = []
        while True:
            try:
                out.append(connection.read_line())
                out.append(connection.read_body(max_bytes, drain_oversized=drain))
            except PoplarkError:
                return out
    finally:
        server_side.close()
        client_side.close()


@FAST
@given(pop3_bytes, st.integers(0, 64), st.booleans())
def test_readers_raise_only_the_error_vocabulary(data: bytes, max_bytes: int, drain: bool) -> None:
    results = read_all(data, max_bytes, drain)
    # Nothing is invented: what the readers return all came from the stream.
    assert sum(len(item) for item in results) <= len(data)


message_lines = st.lists(st.one_of(st.sampled_from([b"", b".", b"..", b".\r", b"From x", b"\x00\xff"]),
                                   st.binary(max_size=30).map(lambda raw: raw.replace(b"\n", b""))),
                         max_size=20)


@FAST
@given(message_lines)
def test_multiline_reader_is_byte_exact(lines: list[bytes]) -> None:
    # A bare CR at the end of a line would merge with the CRLF: real lines never end so.
    original = b"".join(line.rstrip(b"\r") + b"\r\n" for line in lines)
    results = read_all(b"+OK\r\n" + dot_stuff(original), 1 << 20, True)
    assert results[:2] == [b"+OK\r\n", original]


class OneShotServer:
    """A loopback listener that answers every connection with fixed bytes, then closes."""

    def __init__(self) -> None:
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(8)
        self.listener.settimeout(5.0)
        self.reply = b""
        self.port = self.listener.getsockname()[1]

    def serve_once(self) -> threading.Thread:
        def run() -> None:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            with connection:
                try:
                    connection.sendall(self.reply)
                    connection.shutdown(socket.SHUT_WR)
                    connection.settimeout(2.0)
                    while connection.recv(65536):  # read the client's commands until it closes
                        pass
                except OSError:
                    pass

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        return thread


@pytest.fixture(scope="module")
def one_shot_server() -> Iterator[OneShotServer]:
    server = OneShotServer()
    yield server
    server.listener.close()


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(st.sampled_from([b"+OK\r\n", b"+OK 2 200\r\n", b"1 100\r\n", b"1 uid-1\r\n",
                                           b".\r\n", b"+ \r\n", b"-ERR [IN-USE] busy\r\n",
                                           b"SASL PLAIN\r\n", b"PIPELINING\r\n", b"+OK 100 octets\r\n"]),
                          pop3_bytes), max_size=25).map(b"".join))
def test_a_whole_session_raises_only_the_error_vocabulary(one_shot_server: OneShotServer, script: bytes) -> None:
    one_shot_server.reply = b"+OK hello <1.2@x>\r\n" + script
    thread = one_shot_server.serve_once()
    client = Pop3Client("127.0.0.1", one_shot_server.port, Security.NONE, timeout=2.0)
    try:
        client.connect()
        client.login("alice", "secret", allow_insecure_auth=True)
        sizes = client.list_sizes()
        client.unique_ids()
        for _ in client.retrieve_many([(number, size) for number, size in sizes.items()][:3], pipelined=True):
            pass
        client.delete_many(sorted(sizes)[:3], pipelined=True)
        client.quit()
    except PoplarkError:
        client.abort()
    finally:
        client.close()
        thread.join(5.0)
