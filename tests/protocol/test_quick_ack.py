"""A command sent leaves the socket acknowledging the server at once (app/core/pop3/quick_ack.py).

popa3d, solid-pop3d and Courier write a reply's status line and its message separately with
Nagle's algorithm on: the message waits until the status line is acknowledged, and Linux delays
that acknowledgement up to 40 ms once a session looks interactive. So each RETR without
pipelining cost 44 ms on loopback until the client asked for a quick ACK after every command.
The kernel's mode is read back here instead of timing a fetch.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from app.core.pop3.connection import Connection

pytestmark = pytest.mark.skipif(not hasattr(socket, "TCP_QUICKACK"), reason="TCP_QUICKACK exists on Linux only")


def acks_at_once(sock: socket.socket) -> bool:
    return sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK) == 1


@pytest.fixture
def tcp_pair() -> Iterator[tuple[socket.socket, socket.socket]]:
    with socket.create_server(("127.0.0.1", 0)) as listener:
        client = socket.create_connection(listener.getsockname(), timeout=5)
        server, _ = listener.accept()
        server.settimeout(5)
        with client, server:
            yield client, server


def test_each_command_sent_asks_for_quick_acks_in_an_interactive_session(
        tcp_pair: tuple[socket.socket, socket.socket]) -> None:
    client, server = tcp_pair
    connection = Connection(client, idle_timeout=5, cancel=None)
    # Replies and commands one by one, as without pipelining, until the kernel delays its ACKs
    # (a command sent soon after a reply arrived is what makes it judge the session interactive).
    exchanges = 0
    while acks_at_once(client) and exchanges < 50:
        exchanges += 1
        server.sendall(b"+OK\r\n")
        assert connection.read_line() == b"+OK\r\n"
        client.sendall(f"NOOP {exchanges}\r\n".encode())
        server.recv(100)
    assert not acks_at_once(client), "the kernel never delayed its ACKs: the precondition is not met"

    for number in (1, 2):
        server.sendall(b"+OK\r\n")
        connection.read_line()
        connection.send(f"RETR {number}\r\n".encode())
        assert acks_at_once(client)
        assert server.recv(100) == f"RETR {number}\r\n".encode()


def test_a_socket_that_is_not_tcp_sends_as_before() -> None:
    server_side, client_side = socket.socketpair()
    with server_side, client_side:
        Connection(client_side, idle_timeout=5, cancel=None).send(b"STAT\r\n")
        assert server_side.recv(100) == b"STAT\r\n"
