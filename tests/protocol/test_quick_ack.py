"""Sending a command or reading a reply leaves the socket acknowledging the server at once
(app/core/pop3/quick_ack.py).

popa3d, solid-pop3d, Courier and Cyrus write a reply in pieces with Nagle's algorithm on: each
piece waits until the one before is acknowledged, and Linux delays that acknowledgement up to
40 ms once a session looks interactive. So RETRs without pipelining cost up to 44 ms each on
loopback until the client asked for quick ACKs. The kernel's mode is read back here instead of
timing a fetch.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from app.core.pop3.connection import Connection, handshake, open_tcp
from tests.conftest import ServerFactory
from tests.fakes.certs import TestCertificates

pytestmark = pytest.mark.skipif(not hasattr(socket, "TCP_QUICKACK"), reason="TCP_QUICKACK exists on Linux only")


def acks_at_once(sock: socket.socket) -> bool:
    return sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK) == 1


def make_interactive(client: socket.socket, server: socket.socket) -> None:
    """Replies and commands one by one, as without pipelining, until the kernel delays its ACKs
    (a command sent soon after a reply arrived makes it judge the session interactive)."""
    for number in range(50):
        if not acks_at_once(client):
            return
        server.sendall(b"+OK\r\n")
        client.recv(100)
        client.sendall(f"NOOP {number}\r\n".encode())
        server.recv(100)
    pytest.fail("the kernel never delayed its ACKs: the precondition is not met")


@pytest.fixture
def tcp_pair() -> Iterator[tuple[socket.socket, socket.socket]]:
    with socket.create_server(("127.0.0.1", 0)) as listener:
        client = socket.create_connection(listener.getsockname(), timeout=5)
        server, _ = listener.accept()
        server.settimeout(5)
        with client, server:
            yield client, server


def test_a_command_sent_asks_for_quick_acks(tcp_pair: tuple[socket.socket, socket.socket]) -> None:
    client, server = tcp_pair
    connection = Connection(client, idle_timeout=5, cancel=None)
    make_interactive(client, server)
    connection.send(b"RETR 1\r\n")
    assert acks_at_once(client)
    assert server.recv(100) == b"RETR 1\r\n"


def test_a_reply_read_asks_for_quick_acks(tcp_pair: tuple[socket.socket, socket.socket]) -> None:
    client, server = tcp_pair
    connection = Connection(client, idle_timeout=5, cancel=None)
    make_interactive(client, server)
    server.sendall(b"+OK 120 octets\r\n")
    assert connection.read_line() == b"+OK 120 octets\r\n"
    assert acks_at_once(client)


def test_a_tls_handshake_leaves_the_socket_asking_for_quick_acks(serve: ServerFactory,
                                                                 certificates: TestCertificates) -> None:
    # After the handshake a TLS 1.3 server sends its session tickets, then (Cyrus 3.6.1) its
    # greeting, which Nagle holds until the tickets are acknowledged. Reading them is OpenSSL's
    # business inside the next recv(), so no read of ours asks for a quick ACK before they come:
    # the greeting on Cyrus's TLS port took 44 ms until the handshake asked.
    server = serve(mode="tls")
    raw = open_tcp("localhost", server.address[1], timeout=5)
    with handshake(raw, "localhost", server.address[1], certificates.client_context(), 5, None) as secured:
        assert acks_at_once(secured)
        assert secured.recv(100).startswith(b"+OK")


def test_a_socket_that_is_not_tcp_sends_and_reads_as_before() -> None:
    server_side, client_side = socket.socketpair()
    with server_side, client_side:
        connection = Connection(client_side, idle_timeout=5, cancel=None)
        connection.send(b"STAT\r\n")
        assert server_side.recv(100) == b"STAT\r\n"
        server_side.sendall(b"+OK 1 2\r\n")
        assert connection.read_line() == b"+OK 1 2\r\n"
