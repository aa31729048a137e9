"""Ask the kernel to acknowledge the server at once (TCP_QUICKACK), after each write and each read.

Servers that write a reply in pieces with Nagle's algorithm on (popa3d 1.0.3, solid-pop3d 0.15,
Courier 1.0.16 and Cyrus 3.6.1 from Debian: the status line, then the message, or the message in
chunks) send the next piece only once the previous one is acknowledged. Linux delays that
acknowledgement by up to 40 ms as soon as the connection looks interactive ("pingpong" mode),
which one command and one reply make it. Without pipelining (popa3d and solid-pop3d offer no CAPA,
so always; Courier and Cyrus with pipelining off or paused) RETRs waited for that timer: 1,500
messages of 1-50 KB from popa3d on loopback took 67 s (mpop 68 s), 44 ms each. Asking after each
command alone was not enough for Courier and Cyrus (300 RETRs: 4.6 and 9.3 s); after each read too,
0.1 and 0.15 s. The kernel forgets the request after a while, hence each time: one system call
(about 0.5 us) per write and per read. Elsewhere than Linux, or on a socket that is not TCP,
nothing is done.

The handshake of a TLS connection asks as well: a TLS 1.3 server sends session tickets after it,
then its first reply, which Nagle holds until the tickets are acknowledged; OpenSSL reads the
tickets inside our next recv(), so no read of ours asked in time. The greeting on the TLS port of
Cyrus 3.6.1 took 44 ms; now 2-3 ms.

Our own writes go out at once (TCP_NODELAY, :func:`send_without_delay`, once a connection): each
is a whole command or a whole pipelined batch, so Nagle's algorithm only ever held one back until
the server had acknowledged the write before, which servers delay as Linux does. The CAPA after
STLS waited 44 ms for that with Courier 1.0.16 and Cyrus 3.6.1; now 0-3 ms.
"""

from __future__ import annotations

import socket

_QUICKACK: int | None = getattr(socket, "TCP_QUICKACK", None)


def ask_for_quick_ack(sock: socket.socket) -> None:
    """Have what the server sends next acknowledged without the delayed-ACK wait."""
    if _QUICKACK is None:
        return
    try:
        sock.setsockopt(socket.IPPROTO_TCP, _QUICKACK, 1)
    except OSError:
        pass  # not a TCP socket (a test's socket pair): there is no acknowledgement to hurry


def send_without_delay(sock: socket.socket) -> None:
    """Turn Nagle's algorithm off: a small write never waits for the server's ACK of the one before."""
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    except OSError:
        pass  # not a TCP socket: nothing is held back there
