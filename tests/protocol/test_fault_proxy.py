"""The fault proxy itself: it forwards bytes exactly, and each fault happens where it was asked to.

Against a tiny loopback echo server (bytes in both directions) and against the fake POP3 server
with the real client (what the soak tests rely on: a stall ends in ServerTimeout, a cut in
ConnectError).
"""

from __future__ import annotations

import random
import socket
import socketserver
import threading
from collections.abc import Iterator

import pytest

from app.core.errors import ConnectError, ServerTimeout
from app.core.model import Security
from app.core.pop3.client import Pop3Client
from tests.fakes.fault_proxy import TO_SERVER, ConnectionFaults, FaultProxy
from tests.fakes.pop3_server import FakePop3Server, crlf

#: Bounds every read in these tests: a proxy bug fails a test instead of hanging it.
CLIENT_TIMEOUT_SECONDS = 10.0


class _EchoHandler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        self.request.settimeout(CLIENT_TIMEOUT_SECONDS)
        try:
            while chunk := self.request.recv(65536):
                self.request.sendall(chunk)
        except OSError:
            pass


class _EchoServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    block_on_close = False


@pytest.fixture
def echo_port() -> Iterator[int]:
    server = _EchoServer(("127.0.0.1", 0), _EchoHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield int(server.server_address[1])
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture
def proxy(echo_port: int) -> Iterator[FaultProxy]:
    with FaultProxy(echo_port) as started:
        yield started
    assert not [thread for thread in threading.enumerate()
                if thread.name.startswith(f"fault-proxy-{started.port}") and thread.is_alive()]


def connect(proxy: FaultProxy) -> socket.socket:
    client = socket.create_connection(("127.0.0.1", proxy.port), timeout=CLIENT_TIMEOUT_SECONDS)
    return client


def receive_until_closed(client: socket.socket, limit: int) -> bytes:
    """Everything until EOF (or a reset), at most ``limit`` bytes."""
    received = bytearray()
    while len(received) < limit:
        try:
            chunk = client.recv(65536)
        except ConnectionResetError:
            break
        if not chunk:
            break
        received += chunk
    return bytes(received)


def receive_exactly(client: socket.socket, count: int) -> bytes:
    received = bytearray()
    while len(received) < count:
        chunk = client.recv(min(65536, count - len(received)))
        assert chunk, f"closed after {len(received)} of {count} bytes"
        received += chunk
    return bytes(received)


def test_a_clean_connection_forwards_every_byte_both_ways(proxy: FaultProxy) -> None:
    payload = random.Random(1).randbytes(1_000_000)
    with connect(proxy) as client:
        sender = threading.Thread(target=client.sendall, args=(payload,))
        sender.start()
        echoed = receive_exactly(client, len(payload))
        sender.join(CLIENT_TIMEOUT_SECONDS)
    assert echoed == payload
    assert proxy.wait_until_idle()
    counters = proxy.counters()
    assert (counters.connections, counters.cuts, counters.stalls) == (1, 0, 0)
    assert counters.bytes_to_server == counters.bytes_to_client == len(payload)


def test_latency_and_bandwidth_limit_keep_the_bytes_exact(proxy: FaultProxy) -> None:
    proxy.set_faults(ConnectionFaults(latency_seconds=0.005, bytes_per_second=2_000_000))
    payload = random.Random(2).randbytes(100_000)
    with connect(proxy) as client:
        client.sendall(payload)
        assert receive_exactly(client, len(payload)) == payload


def test_a_cut_towards_the_client_delivers_exactly_that_many_bytes(proxy: FaultProxy) -> None:
    proxy.set_faults(ConnectionFaults(cut_after_bytes=12_345))
    with connect(proxy) as client:
        client.sendall(bytes(50_000))
        received = receive_until_closed(client, 100_000)
    assert len(received) == 12_345
    assert proxy.counters().cuts == 1


def test_a_cut_towards_the_server_with_a_reset(proxy: FaultProxy) -> None:
    proxy.set_faults(ConnectionFaults(cut_after_bytes=300, cut_direction=TO_SERVER, cut_with_reset=True))
    with connect(proxy) as client:
        try:
            client.sendall(bytes(1000))
        except OSError:
            pass  # the reset may arrive while sending
        received = receive_until_closed(client, 10_000)
    assert len(received) <= 300
    counters = proxy.counters()
    assert counters.cuts == 1 and counters.bytes_to_server == 300


def test_a_cut_that_is_never_reached_is_not_counted(proxy: FaultProxy) -> None:
    proxy.set_faults(ConnectionFaults(cut_after_bytes=10_000))
    with connect(proxy) as client:
        client.sendall(b"hello")
        assert receive_exactly(client, 5) == b"hello"
    assert proxy.wait_until_idle()
    assert proxy.counters().cuts == 0


def test_a_stall_stops_forwarding_longer_than_the_reader_waits(proxy: FaultProxy) -> None:
    proxy.set_faults(ConnectionFaults(stall_after_bytes=10, stall_seconds=30.0))
    with connect(proxy) as client:
        client.sendall(b"0123456789abcdef")
        assert receive_exactly(client, 10) == b"0123456789"
        client.settimeout(0.3)
        with pytest.raises(TimeoutError):
            client.recv(100)
        assert proxy.counters().stalls == 1
    # The client gave up and closed: the proxy closes the server side too, long before 30 s.
    assert proxy.wait_until_idle(5.0)


def test_after_a_short_stall_forwarding_resumes_with_nothing_lost(proxy: FaultProxy) -> None:
    proxy.set_faults(ConnectionFaults(stall_after_bytes=1000, stall_seconds=0.2))
    payload = random.Random(3).randbytes(20_000)
    with connect(proxy) as client:
        client.sendall(payload)
        assert receive_exactly(client, len(payload)) == payload
    assert proxy.counters().stalls == 1


def test_faults_follow_the_plan_per_connection(echo_port: int) -> None:
    plans = {1: ConnectionFaults(cut_after_bytes=3), 2: ConnectionFaults()}
    with FaultProxy(echo_port, plan=lambda number: plans[number]) as proxy:
        with connect(proxy) as first:
            first.sendall(b"abcdef")
            assert receive_until_closed(first, 100) == b"abc"
        with connect(proxy) as second:
            second.sendall(b"abcdef")
            assert receive_exactly(second, 6) == b"abcdef"
        assert proxy.history == plans
        assert proxy.counters().connections == 2


def test_connections_beyond_the_bound_are_closed_at_once(echo_port: int) -> None:
    with FaultProxy(echo_port, max_connections=1) as proxy:
        with connect(proxy) as first:
            first.sendall(b"x")
            assert receive_exactly(first, 1) == b"x"
            with connect(proxy) as second:
                assert receive_until_closed(second, 10) == b""
        assert proxy.counters().refused == 1


def test_stop_closes_open_connections_and_ends_every_thread(echo_port: int) -> None:
    proxy = FaultProxy(echo_port).start()
    client = connect(proxy)
    client.sendall(b"x")
    assert receive_exactly(client, 1) == b"x"
    proxy.stop()
    try:
        assert receive_until_closed(client, 10) == b""
    finally:
        client.close()
    assert not [thread for thread in threading.enumerate() if thread.name.startswith(f"fault-proxy-{proxy.port}")]


def test_only_loopback_targets_are_accepted() -> None:
    with pytest.raises(ValueError):
        FaultProxy(110, target_host="192.0.2.1")


# -- with the real client -------------------------------------------------------------------------

MESSAGES = [crlf("Subject: big\n\n" + "a line of text\n" * 20_000)]


@pytest.fixture
def pop3_server() -> Iterator[FakePop3Server]:
    with FakePop3Server(MESSAGES) as server:
        yield server


def client_through(proxy: FaultProxy) -> Pop3Client:
    client = Pop3Client("127.0.0.1", proxy.port, Security.NONE, timeout=0.5)
    client.connect()
    client.login("alice", "secret", allow_insecure_auth=True)
    return client


def test_the_client_sees_a_stall_mid_retr_as_server_timeout(pop3_server: FakePop3Server) -> None:
    with FaultProxy(pop3_server.address[1]) as proxy:
        proxy.set_faults(ConnectionFaults(stall_after_bytes=100_000, stall_seconds=30.0))
        client = client_through(proxy)
        try:
            with pytest.raises(ServerTimeout, match="stopped responding"):
                client.retrieve(1, max_bytes=10_000_000)
        finally:
            client.abort()
        assert proxy.counters().stalls == 1
        assert proxy.wait_until_idle(5.0)


def test_the_client_sees_a_cut_mid_retr_as_connect_error(pop3_server: FakePop3Server) -> None:
    with FaultProxy(pop3_server.address[1]) as proxy:
        proxy.set_faults(ConnectionFaults(cut_after_bytes=100_000))
        client = client_through(proxy)
        try:
            with pytest.raises(ConnectError) as raised:
                client.retrieve(1, max_bytes=10_000_000)
        finally:
            client.abort()
        assert not isinstance(raised.value, ServerTimeout)
        assert proxy.counters().cuts == 1
