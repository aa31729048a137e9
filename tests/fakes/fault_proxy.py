"""A fault-injecting TCP proxy on loopback, for soak tests and benchmarks of flaky networks.

It listens on 127.0.0.1 (a port the kernel picks) and forwards every connection to a loopback
port, and it can make each connection misbehave as networks do (see :class:`ConnectionFaults`):

- added latency: each chunk is held this long before it is forwarded;
- a bandwidth limit, per direction;
- a cut: after exactly N bytes in one direction both sockets are closed (optionally with a TCP
  reset), so the client sees the stream end in the middle of whatever it was reading;
- a stall: after N bytes in one direction nothing more is forwarded for a while, longer than the
  client's read timeout; the connection stays open, exactly like a server or a router that went
  silent. Whatever arrives meanwhile is held and forwarded when the stall ends (the client has
  usually given up by then).

Typical use::

    with FaultProxy(target_port) as proxy:
        proxy.set_faults(ConnectionFaults(cut_after_bytes=5000))
        ...  # connect to proxy.port
        counters = proxy.counters()   # connections, cuts, stalls, bytes: what was injected

Faults are chosen per connection: the default set with :meth:`set_faults`, or a ``plan`` function
that gets the 1-based connection number. A fault counts only once it happened: a cut planned after
50,000 bytes on a connection that carried 10,000 is not counted.

Bounded: at most ``max_connections`` connections at once (more are closed at once and counted as
refused), two threads per connection, every wait is short and checks for shutdown, and
:meth:`stop` closes every socket and joins every thread. Loopback only: the target must be a
loopback address. Sleeping is fine here (this is a fake); tests themselves never sleep.
"""

from __future__ import annotations

import ipaddress
import selectors
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from types import TracebackType
from typing import Literal

Direction = Literal["to_client", "to_server"]
TO_CLIENT: Direction = "to_client"
TO_SERVER: Direction = "to_server"

#: One read from a socket; large enough for speed, small enough that cuts land anywhere in a reply.
CHUNK_BYTES = 64 * 1024
#: How often a waiting thread looks at the shutdown flag.
POLL_SECONDS = 0.05
#: Connect to the target within this long, or drop the client.
CONNECT_TIMEOUT_SECONDS = 5.0
#: stop() waits this long for each thread.
JOIN_SECONDS = 5.0
DEFAULT_MAX_CONNECTIONS = 32
#: With a bandwidth limit, send in slices of about this many seconds' worth, so the rate is smooth.
BANDWIDTH_SLICE_SECONDS = 0.02


@dataclass(frozen=True)
class ConnectionFaults:
    """What one connection suffers. All off by default (a transparent proxy)."""

    #: Hold each chunk this long before forwarding it (both directions).
    latency_seconds: float = 0.0
    #: At most this many bytes per second in each direction (None: unlimited).
    bytes_per_second: float | None = None
    #: Close both sides once this many bytes went through in ``cut_direction``.
    cut_after_bytes: int | None = None
    cut_direction: Direction = TO_CLIENT
    #: Close with a TCP reset (RST) instead of an orderly FIN.
    cut_with_reset: bool = False
    #: Stop forwarding for ``stall_seconds`` once this many bytes went through in ``stall_direction``.
    stall_after_bytes: int | None = None
    stall_direction: Direction = TO_CLIENT
    stall_seconds: float = 0.0

    def describe(self) -> str:
        """A short, stable description for logs and failure messages."""
        parts: list[str] = []
        if self.latency_seconds:
            parts.append(f"latency {self.latency_seconds * 1000:.0f} ms")
        if self.bytes_per_second:
            parts.append(f"{self.bytes_per_second / 1000:.0f} kB/s")
        if self.cut_after_bytes is not None:
            kind = "reset" if self.cut_with_reset else "cut"
            parts.append(f"{kind} {self.cut_direction} after {self.cut_after_bytes} B")
        if self.stall_after_bytes is not None:
            parts.append(f"stall {self.stall_direction} after {self.stall_after_bytes} B "
                         f"for {self.stall_seconds:.1f} s")
        return ", ".join(parts) or "clean"


@dataclass(frozen=True)
class ProxyCounters:
    """What the proxy did so far (a snapshot)."""

    connections: int = 0
    refused: int = 0
    cuts: int = 0
    stalls: int = 0
    bytes_to_server: int = 0
    bytes_to_client: int = 0


class _Link:
    """One proxied connection: two pump threads, one per direction, and a shared close."""

    def __init__(self, proxy: FaultProxy, number: int, client: socket.socket, server: socket.socket,
                 faults: ConnectionFaults) -> None:
        self.proxy = proxy
        self.number = number
        self.client = client
        self.server = server
        self.faults = faults
        self.closed = threading.Event()
        self._close_lock = threading.Lock()
        self.threads = [
            threading.Thread(target=self._pump, args=(TO_SERVER, client, server), daemon=True,
                             name=f"fault-proxy-{proxy.port}-{number}-up"),
            threading.Thread(target=self._pump, args=(TO_CLIENT, server, client), daemon=True,
                             name=f"fault-proxy-{proxy.port}-{number}-down"),
        ]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def close(self, *, reset: bool = False) -> None:
        """Close both sockets once; shutdown() first wakes a thread blocked in send or recv."""
        with self._close_lock:
            if self.closed.is_set():
                return
            self.closed.set()
        for sock in (self.client, self.server):
            if reset:
                # SO_LINGER with a zero timeout makes close() send RST instead of FIN.
                try:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                except OSError:
                    pass
            else:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            try:
                sock.close()
            except OSError:
                pass
        self.proxy._link_closed(self)

    # -- one direction ------------------------------------------------------------------------

    def _pump(self, direction: Direction, source: socket.socket, target: socket.socket) -> None:
        faults = self.faults
        cut_at = faults.cut_after_bytes if faults.cut_direction == direction else None
        stall_at = faults.stall_after_bytes if faults.stall_direction == direction else None
        forwarded = 0
        selector = selectors.DefaultSelector()
        try:
            selector.register(source, selectors.EVENT_READ)
            while not self.closed.is_set():
                if not selector.select(POLL_SECONDS):
                    continue
                chunk = source.recv(CHUNK_BYTES)
                if not chunk:
                    break
                if cut_at is not None and forwarded + len(chunk) >= cut_at:
                    self._forward(direction, target, chunk[: cut_at - forwarded])
                    self.proxy._count(cuts=1)
                    self.close(reset=faults.cut_with_reset)
                    return
                if stall_at is not None and forwarded + len(chunk) >= stall_at:
                    head, held = chunk[: stall_at - forwarded], chunk[stall_at - forwarded:]
                    self._forward(direction, target, head)
                    forwarded += len(head)
                    stall_at = None
                    self.proxy._count(stalls=1)
                    resumed = self._stall(selector, source, held)
                    if resumed is None:
                        break
                    chunk = resumed
                self._forward(direction, target, chunk)
                forwarded += len(chunk)
        except (OSError, ValueError):
            pass  # a socket closed under us (by the other pump, a peer, or stop())
        finally:
            selector.close()
            self.close()

    def _stall(self, selector: selectors.BaseSelector, source: socket.socket, held: bytes) -> bytes | None:
        """Forward nothing for ``stall_seconds``; keep what arrives. None when the source closed."""
        deadline = time.monotonic() + self.faults.stall_seconds
        buffered = bytearray(held)
        while not self.closed.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return bytes(buffered)
            if selector.select(min(POLL_SECONDS, remaining)):
                chunk = source.recv(CHUNK_BYTES)
                if not chunk:
                    return None
                buffered += chunk
        return None

    def _forward(self, direction: Direction, target: socket.socket, data: bytes) -> None:
        if not data:
            return
        faults = self.faults
        if faults.latency_seconds and self.closed.wait(faults.latency_seconds):
            return
        if faults.bytes_per_second:
            step = max(1, int(faults.bytes_per_second * BANDWIDTH_SLICE_SECONDS))
            for start in range(0, len(data), step):
                piece = data[start:start + step]
                target.sendall(piece)
                self._count_bytes(direction, len(piece))
                if self.closed.wait(len(piece) / faults.bytes_per_second):
                    return
            return
        target.sendall(data)
        self._count_bytes(direction, len(data))

    def _count_bytes(self, direction: Direction, count: int) -> None:
        if direction == TO_CLIENT:
            self.proxy._count(bytes_to_client=count)
        else:
            self.proxy._count(bytes_to_server=count)


class FaultProxy:
    """Listens on 127.0.0.1:0 and forwards to ``target_host:target_port`` with injected faults."""

    def __init__(self, target_port: int, *, target_host: str = "127.0.0.1",
                 plan: Callable[[int], ConnectionFaults] | None = None,
                 max_connections: int = DEFAULT_MAX_CONNECTIONS) -> None:
        if not ipaddress.ip_address(target_host).is_loopback:
            raise ValueError("the fault proxy forwards to loopback addresses only")
        self.target = (target_host, target_port)
        self.plan = plan
        self.max_connections = max_connections
        self._faults = ConnectionFaults()
        self._lock = threading.Lock()
        self._counters = ProxyCounters()
        self._links: set[_Link] = set()
        self._all_threads: list[threading.Thread] = []
        self._idle = threading.Condition(self._lock)
        self._stopping = threading.Event()
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(16)
        self._listener.settimeout(POLL_SECONDS)
        self.port: int = self._listener.getsockname()[1]
        self._accept_thread: threading.Thread | None = None
        #: The faults of every connection so far, by number (1-based), for failure messages.
        self.history: dict[int, ConnectionFaults] = {}

    # -- control ------------------------------------------------------------------------------

    def set_faults(self, faults: ConnectionFaults) -> None:
        """Faults for connections accepted from now on (when there is no ``plan``)."""
        with self._lock:
            self._faults = faults

    def counters(self) -> ProxyCounters:
        with self._lock:
            return self._counters

    def live_connections(self) -> int:
        with self._lock:
            return len(self._links)

    def wait_until_idle(self, timeout: float = 5.0) -> bool:
        """Wait until no connection is open (both sides closed)."""
        with self._idle:
            return self._idle.wait_for(lambda: not self._links, timeout)

    def start(self) -> FaultProxy:
        if self._accept_thread is None:
            self._accept_thread = threading.Thread(target=self._accept_loop, daemon=True,
                                                   name=f"fault-proxy-{self.port}")
            self._accept_thread.start()
        return self

    def stop(self) -> None:
        """Stop accepting, close every connection, join every thread (each for a bounded time)."""
        self._stopping.set()
        if self._accept_thread is not None:
            self._accept_thread.join(JOIN_SECONDS)
            self._accept_thread = None
        try:
            self._listener.close()
        except OSError:
            pass
        with self._lock:
            links = list(self._links)
        for link in links:
            link.close()
        with self._lock:
            threads = list(self._all_threads)
            self._all_threads.clear()
        for thread in threads:
            thread.join(JOIN_SECONDS)

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.stop()

    # -- internals ----------------------------------------------------------------------------

    def _accept_loop(self) -> None:
        number = 0
        while not self._stopping.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            number += 1
            self._open_link(number, client)

    def _open_link(self, number: int, client: socket.socket) -> None:
        client.settimeout(None)
        with self._lock:
            faults = self.plan(number) if self.plan is not None else self._faults
            self.history[number] = faults
            too_many = len(self._links) >= self.max_connections
        if too_many:
            self._count(refused=1)
            client.close()
            return
        try:
            server = socket.create_connection(self.target, timeout=CONNECT_TIMEOUT_SECONDS)
        except OSError:
            client.close()
            return
        server.settimeout(None)
        for sock in (client, server):
            # Small POP3 commands and replies must not wait for Nagle's algorithm.
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        link = _Link(self, number, client, server, faults)
        with self._lock:
            self._links.add(link)
            self._counters = replace(self._counters, connections=self._counters.connections + 1)
            # Forget threads that have ended, so a long soak keeps a bounded list.
            self._all_threads = [thread for thread in self._all_threads if thread.is_alive()]
            self._all_threads.extend(link.threads)
        link.start()

    def _link_closed(self, link: _Link) -> None:
        with self._idle:
            self._links.discard(link)
            self._idle.notify_all()

    def _count(self, *, cuts: int = 0, stalls: int = 0, refused: int = 0, bytes_to_client: int = 0,
               bytes_to_server: int = 0) -> None:
        with self._lock:
            counters = self._counters
            self._counters = replace(
                counters, cuts=counters.cuts + cuts, stalls=counters.stalls + stalls,
                refused=counters.refused + refused, bytes_to_client=counters.bytes_to_client + bytes_to_client,
                bytes_to_server=counters.bytes_to_server + bytes_to_server)


__all__ = ["TO_CLIENT", "TO_SERVER", "ConnectionFaults", "FaultProxy", "ProxyCounters"]
