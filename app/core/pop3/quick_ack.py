"""After each command, ask the kernel to acknowledge the server's reply at once (TCP_QUICKACK).

Servers that write a reply's status line and its message in two writes, with Nagle's algorithm on
(popa3d 1.0.3, solid-pop3d 0.15 and Courier 1.0.16 from Debian), send the message only once the
status line is acknowledged. Linux delays that acknowledgement by up to 40 ms as soon as the
connection looks interactive ("pingpong" mode), which one command and one reply make it. Without
pipelining (popa3d and solid-pop3d offer no CAPA, so never; Courier with pipelining off or paused)
every RETR waited for that timer: 1,500 messages of 1-50 KB from popa3d on loopback took 67 s (mpop
68 s), 44 ms each; 100 RETRs with a quick ACK asked for after each command took 0.03 s instead of
4.5 s. The option is one system call per write (per batch when pipelining) and is forgotten by the
kernel after a while, hence after every command. Elsewhere than Linux, or on a socket that is not
TCP, nothing is done.
"""

from __future__ import annotations

import socket

_QUICKACK: int | None = getattr(socket, "TCP_QUICKACK", None)


def ask_for_quick_ack(sock: socket.socket) -> None:
    """Have the reply to what was just sent acknowledged without the delayed-ACK wait."""
    if _QUICKACK is None:
        return
    try:
        sock.setsockopt(socket.IPPROTO_TCP, _QUICKACK, 1)
    except OSError:
        pass  # not a TCP socket (a test's socket pair): there is no acknowledgement to hurry
