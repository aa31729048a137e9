"""tests/fakes/serve_pop3.py, the fake server packaging/wheel_test.sh fetches from: it starts, says where,
serves TLS that its CA verifies, and ends on SIGTERM."""

from __future__ import annotations

import signal
import socket
import ssl
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPOSITORY
from tests.fakes.serve_pop3 import SUBJECT
from tests.fakes.waiting import wait_until

START_SECONDS = 30.0


def test_the_server_process_serves_tls_on_loopback_and_stops_on_sigterm(tmp_path: Path) -> None:
    process = subprocess.Popen([sys.executable, "-m", "tests.fakes.serve_pop3", str(tmp_path), "--seconds", "120"],
                               cwd=REPOSITORY, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        def port_written() -> bool:
            assert process.poll() is None, process.stdout.read() if process.stdout else ""
            return (tmp_path / "port").exists()

        wait_until(port_written, START_SECONDS, "the server to write its port")
        port = int((tmp_path / "port").read_text("ascii"))
        context = ssl.create_default_context(cafile=str(tmp_path / "ca.pem"))
        with socket.create_connection(("127.0.0.1", port), timeout=10) as raw, \
                context.wrap_socket(raw, server_hostname="127.0.0.1") as connection:
            connection.settimeout(10)
            assert connection.recv(512).startswith(b"+OK")
            connection.sendall(b"USER alice\r\n")
            assert connection.recv(512).startswith(b"+OK")
            connection.sendall(b"PASS secret\r\n")
            assert connection.recv(512).startswith(b"+OK")
            connection.sendall(b"TOP 1 0\r\n")
            reply = b""
            while not reply.endswith(b"\r\n.\r\n"):
                reply += connection.recv(4096)
            assert f"Subject: {SUBJECT}".encode() in reply
            connection.sendall(b"QUIT\r\n")
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=15)
        if process.stdout is not None:
            process.stdout.close()
