"""The fake POP3 server as a process, for shell scripts: ``python -m tests.fakes.serve_pop3 DIR``.

Used by ``packaging/wheel_test.sh``, which checks an installed wheel from outside the source tree
and so cannot start the server in-process. The server listens on 127.0.0.1 with TLS from the first
byte (so the fetch exercises the installed ``ssl`` too), holds one message, and writes into DIR:

- ``ca.pem``: the test CA, for ``poplark account add --ca-file``;
- ``port``: the port, written last, so a script waits for this file and then connects.

It serves until it is sent SIGTERM or ``--seconds`` pass (it always ends by itself).
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from tests.fakes.certs import make_test_certificates
from tests.fakes.pop3_server import DEFAULT_PASSWORD, DEFAULT_USER, FakePop3Server, crlf

#: The one message served; a script checks that ``poplark list`` shows this subject.
SUBJECT = "Wheel test: a message from the fake server"
MESSAGE = crlf(
    "From: Fake Server <fake@example.test>\n"
    "To: alice@example.test\n"
    f"Subject: {SUBJECT}\n"
    "Date: Tue, 01 Dec 2026 12:00:00 +0000\n"
    "Message-ID: <wheel-test@example.test>\n"
    "\n"
    "Fetched by an installed poplark.\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("directory", type=Path, help="where ca.pem and port are written")
    parser.add_argument("--seconds", type=float, default=600.0, help="stop after this long at the latest")
    arguments = parser.parse_args(argv)
    directory: Path = arguments.directory
    certificates = make_test_certificates(directory / "certificates")
    (directory / "ca.pem").write_bytes(certificates.ca_pem.read_bytes())
    server = FakePop3Server(messages=[MESSAGE], mode="tls", ssl_context=certificates.server_context())
    with server:
        _, port = server.address
        (directory / "port.tmp").write_text(str(port), "ascii")
        (directory / "port.tmp").replace(directory / "port")  # whole or absent, never half-written
        print(f"fake POP3 server on 127.0.0.1:{port} as {DEFAULT_USER}/{DEFAULT_PASSWORD}", flush=True)
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda _number, _frame: stop.set())
        stop.wait(arguments.seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
