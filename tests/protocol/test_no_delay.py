"""Our writes go out at once: a connection to a POP3 server has Nagle's algorithm off
(app/core/pop3/quick_ack.py, send_without_delay).

With it on, the CAPA after STLS waited for the server's delayed ACK of our handshake's last write:
44 ms at the start of every STLS session with Courier 1.0.16 and Cyrus 3.6.1 (Debian 12). The
kernel's setting is read back here instead of timing a session.
"""

from __future__ import annotations

import socket

from app.core.pop3.connection import handshake, open_tcp
from tests.conftest import ServerFactory
from tests.fakes.certs import TestCertificates


def sends_at_once(sock: socket.socket) -> bool:
    return sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0


def test_a_plain_connection_sends_at_once(serve: ServerFactory) -> None:
    server = serve(mode="plain")
    with open_tcp("127.0.0.1", server.address[1], timeout=5) as sock:
        assert sends_at_once(sock)
        assert sock.recv(100).startswith(b"+OK")  # a real POP3 session: the greeting arrives


def test_a_tls_connection_sends_at_once(serve: ServerFactory, certificates: TestCertificates) -> None:
    server = serve(mode="tls")
    raw = open_tcp("localhost", server.address[1], timeout=5)
    context = certificates.client_context()
    with handshake(raw, "localhost", server.address[1], context, 5, None) as secured:
        assert sends_at_once(secured)
        assert secured.recv(100).startswith(b"+OK")
