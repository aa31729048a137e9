"""A server that stops answering, or a link cut mid-stream, as the client and the CLI meet them.

The CLI (a real ``python -m app fetch`` subprocess) must not hang on a server that goes silent in
the middle of RETR: it exits with the temporary-failure code and one sentence that says the
server stopped responding and what to do next, deletes nothing it has not saved, and the next
fetch, with the fault gone, stores everything exactly once. The silence comes either from the
fake server's scripted stall or from the fault proxy (the network going quiet).

Also here: how the client names what it sees. A stall that leaves half a reply line is a
ServerTimeout, not out-of-step pipelining; a cut in the middle of the TLS handshake is a lost
connection (retry later), not a TLS settings problem.
"""

from __future__ import annotations

import hashlib
import json
import socket
import threading
from collections.abc import Callable, Iterator

import pytest

from app.core.errors import ConnectError, PipelineStalled, ServerTimeout, TlsError
from app.core.model import Security
from app.core.pop3.client import Pop3Client
from tests.conftest import run_cli
from tests.fakes.certs import TestCertificates
from tests.fakes.fault_proxy import ConnectionFaults, FaultProxy
from tests.fakes.pop3_server import DEFAULT_PASSWORD, FakePop3Server, Faults, crlf

EXIT_OK, EXIT_TEMPORARY = 0, 75
#: The account's read timeout in these tests; every stall lasts longer.
READ_TIMEOUT_SECONDS = 1
#: A hung CLI fails the test instead of the run.
CLI_TIMEOUT_SECONDS = 60.0

MESSAGES = [
    crlf("From: a@example.com\nSubject: first\n\nsmall one\n.dot line\n"),
    crlf("From: b@example.com\nSubject: big\n\n" + "a line of text in a big message\n" * 10_000),
    crlf("From: c@example.com\nSubject: =?utf-8?B?5Lya6K6u6YCa55+l?=\n\n会议在周五\n"),
]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def tls_server(certificates: TestCertificates) -> Iterator[Callable[[Faults], FakePop3Server]]:
    started: list[FakePop3Server] = []

    def start(faults: Faults) -> FakePop3Server:
        server = FakePop3Server(MESSAGES, mode="tls", ssl_context=certificates.server_context("good"),
                                faults=faults)
        started.append(server)
        return server.start()

    yield start
    for server in started:
        server.stop()
        assert server.handler_errors == []


def add_account(environment: dict[str, str], certificates: TestCertificates, port: int) -> None:
    result = run_cli(environment, "account", "add", "work", "--host", "127.0.0.1", "--port", str(port),
                     "--security", "tls", "--user", "alice", "--ca-file", str(certificates.ca_pem),
                     "--timeout", str(READ_TIMEOUT_SECONDS), "--password-stdin",
                     input_text=DEFAULT_PASSWORD + "\n", timeout=CLI_TIMEOUT_SECONDS)
    assert result.returncode == EXIT_OK, result.stderr


def stored_digests(environment: dict[str, str]) -> list[str]:
    listing = run_cli(environment, "list", "--json", timeout=CLI_TIMEOUT_SECONDS)
    assert listing.returncode == EXIT_OK, listing.stderr
    return sorted(json.loads(line)["sha256"] for line in listing.stdout.splitlines())


def assert_stall_then_recovery(environment: dict[str, str], server: FakePop3Server) -> None:
    stalled = run_cli(environment, "fetch", "work", timeout=CLI_TIMEOUT_SECONDS)

    assert stalled.returncode == EXIT_TEMPORARY, stalled.stderr
    lines = [line for line in stalled.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert "stopped responding" in lines[0]
    assert "run the fetch again later" in lines[0]  # what to do next
    assert stalled.stdout == ""
    assert server.wait_until_idle(10)
    assert len(server.mailbox.current_uidls()) == len(MESSAGES)  # delete mode, yet nothing deleted
    kept = stored_digests(environment)
    assert len(kept) < len(MESSAGES)

    again = run_cli(environment, "fetch", "work", timeout=CLI_TIMEOUT_SECONDS)

    assert again.returncode == EXIT_OK, again.stderr
    assert f"{len(MESSAGES) - len(kept)} new message(s)" in again.stdout
    assert stored_digests(environment) == sorted(map(sha256, MESSAGES))  # each exactly once
    assert server.wait_until_idle(10)
    assert server.mailbox.current_uidls() == []


def test_cli_exits_with_temporary_failure_when_the_server_stalls_mid_retr_then_recovers(
        cli_environment: dict[str, str], certificates: TestCertificates,
        tls_server: Callable[[Faults], FakePop3Server]) -> None:
    server = tls_server(Faults(sessions={1}, stall_mid_retr=2))
    add_account(cli_environment, certificates, server.address[1])
    assert_stall_then_recovery(cli_environment, server)


def test_cli_exits_with_temporary_failure_when_the_network_goes_quiet_mid_retr_then_recovers(
        cli_environment: dict[str, str], certificates: TestCertificates,
        tls_server: Callable[[Faults], FakePop3Server]) -> None:
    server = tls_server(Faults())
    # The big message is about 330 KB on the wire: 150,000 bytes in, the first session is inside it.
    stall = ConnectionFaults(stall_after_bytes=150_000, stall_seconds=60.0)
    with FaultProxy(server.address[1], plan=lambda number: stall if number == 1 else ConnectionFaults()) as proxy:
        add_account(cli_environment, certificates, proxy.port)
        assert_stall_then_recovery(cli_environment, server)
        assert proxy.counters().stalls == 1


# -- how the client names what it sees -----------------------------------------------------------

class ScriptedServer:
    """Greets, offers PIPELINING, accepts USER/PASS, answers the first RETR batch with ``reply``,
    then says nothing more until the client leaves."""

    def __init__(self, reply: bytes) -> None:
        self.reply = reply
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(10)
        self.port = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        connection, _ = self.listener.accept()
        with connection:
            connection.settimeout(10)
            connection.sendall(b"+OK ready\r\n")
            buffered = b""
            answered_retr = False
            while True:
                try:
                    data = connection.recv(4096)
                except OSError:
                    return
                if not data:
                    return
                buffered += data
                while b"\r\n" in buffered:
                    line, buffered = buffered.split(b"\r\n", 1)
                    verb = line.split(b" ", 1)[0].upper()
                    if verb == b"CAPA":
                        connection.sendall(b"+OK\r\nUSER\r\nPIPELINING\r\n.\r\n")
                    elif verb in (b"USER", b"PASS"):
                        connection.sendall(b"+OK\r\n")
                    elif verb == b"RETR" and not answered_retr:
                        answered_retr = True
                        connection.sendall(self.reply)

    def close(self) -> None:
        self.listener.close()
        self.thread.join(15)


# The reply to RETR 1 and to the LIST 1 sentinel the client pipelines after it.
FIRST_REPLY = b"+OK 5 octets\r\nabc\r\n.\r\n+OK 1 5\r\n"


@pytest.mark.parametrize(("reply", "expected"), [
    (FIRST_REPLY + b"+OK 5 oct", ServerTimeout),  # silent in the middle of a reply line: a stall
    (FIRST_REPLY, PipelineStalled),  # silent exactly after one whole reply: maybe dropped commands
], ids=["mid-line", "at-reply-boundary"])
def test_a_stall_while_pipelining_is_a_timeout_unless_it_ends_on_a_reply_boundary(
        reply: bytes, expected: type[Exception]) -> None:
    server = ScriptedServer(reply)
    client = Pop3Client("127.0.0.1", server.port, Security.NONE, timeout=0.5)
    received: list[bytes | None] = []
    try:
        client.connect()
        client.login("alice", "secret", allow_insecure_auth=True)
        with pytest.raises(ServerTimeout) as raised:
            for item in client.retrieve_many([(1, 5), (2, 5), (3, 5)], pipelined=True, max_bytes=1000):
                received.append(item.data)
    finally:
        client.abort()
        server.close()
    assert type(raised.value) is expected
    assert "stopped responding" in str(raised.value)
    assert received == [b"abc\r\n"]


def test_a_cut_during_the_tls_handshake_is_a_lost_connection_not_a_tls_problem(
        certificates: TestCertificates, tls_server: Callable[[Faults], FakePop3Server]) -> None:
    server = tls_server(Faults())
    with FaultProxy(server.address[1]) as proxy:
        # A few hundred bytes into the server's handshake flight: the certificate never arrives whole.
        proxy.set_faults(ConnectionFaults(cut_after_bytes=300))
        client = Pop3Client("127.0.0.1", proxy.port, Security.TLS, timeout=5, ca_file=str(certificates.ca_pem))
        with pytest.raises(ConnectError) as raised:
            client.connect()
        assert not isinstance(raised.value, TlsError)
        assert proxy.counters().cuts == 1


def test_a_stalled_tls_handshake_times_out_and_really_closes_the_connection(
        certificates: TestCertificates, tls_server: Callable[[Faults], FakePop3Server]) -> None:
    server = tls_server(Faults())
    with FaultProxy(server.address[1]) as proxy:
        proxy.set_faults(ConnectionFaults(stall_after_bytes=300, stall_seconds=60.0))
        client = Pop3Client("127.0.0.1", proxy.port, Security.TLS, timeout=0.5, ca_file=str(certificates.ca_pem))
        with pytest.raises(ConnectError, match="timed out") as raised:
            client.connect()
        # The error (and its traceback, which a dialog or a log may keep) is still alive here, yet
        # the connection must be closed now, not whenever the garbage collector gets to it.
        assert raised.value.__traceback__ is not None
        assert proxy.wait_until_idle(5.0), "the client left the TLS connection open"
