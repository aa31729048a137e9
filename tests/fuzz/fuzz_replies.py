"""Coverage-guided fuzzing (atheris) of the parsers that read server bytes. Not part of the suite.

The hypothesis properties in tests/protocol/test_reply_fuzz.py run in every test run; this
harness is for longer hunts. The same property: only the error vocabulary may escape.

Run (atheris is optional, ``pip install atheris``)::

    python -m tests.fuzz.fuzz_replies -runs=200000
    python -m tests.fuzz.fuzz_replies -max_total_time=300

Any other exception is a crash: atheris prints it and writes the input to ``crash-*``.
"""

from __future__ import annotations

import socket
import sys

import atheris

with atheris.instrument_imports():
    from app.core.errors import PoplarkError
    from app.core.pop3.capabilities import parse_capabilities
    from app.core.pop3.connection import Connection
    from app.core.pop3.listing import parse_listing
    from app.core.pop3.responses import error_for, parse_status


def read_stream(data: bytes, max_bytes: int) -> None:
    """Feed ``data`` through a real socket pair to the line and multi-line readers."""
    server_side, client_side = socket.socketpair()
    try:
        server_side.sendall(data[:100_000])  # below the socket buffer: no writer thread needed
        server_side.shutdown(socket.SHUT_WR)
        connection = Connection(client_side, idle_timeout=1.0, cancel=None)
        while True:
            connection.read_line()
            connection.read_body(max_bytes, drain_oversized=bool(max_bytes % 2))
    except PoplarkError:
        pass
    finally:
        server_side.close()
        client_side.close()


def test_one_input(data: bytes) -> None:
    provider = atheris.FuzzedDataProvider(data)
    choice = provider.ConsumeIntInRange(0, 3)
    payload = provider.ConsumeBytes(provider.remaining_bytes())
    if choice == 0:
        try:
            status = parse_status(payload)
        except PoplarkError:
            return
        str(error_for(status, during="fuzzing", auth_phase=bool(len(payload) % 2)))
    elif choice == 1:
        parse_capabilities(payload.split(b"\r\n"))
    elif choice == 2:
        try:
            parse_listing(payload, "UIDL")
        except PoplarkError:
            pass
    else:
        read_stream(payload, len(payload) // 2)


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
