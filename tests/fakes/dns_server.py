"""A small DNS responder on 127.0.0.1 (UDP, and TCP for answers too long for UDP) for the
autodiscovery tests: it answers from a table of records built with dnspython, NXDOMAIN for names
it does not know, and remembers every question. Nothing leaves loopback."""

from __future__ import annotations

import socket
import struct
import threading
from types import TracebackType

import dns.flags
import dns.message
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset

Records = dict[tuple[str, str], list[str]]


class FakeDnsServer:
    """``records`` maps (name, type) to rdata texts: ``("_pop3s._tcp.example.test", "SRV"):
    ["0 1 995 mail.example.test."]``, ``("mail.example.test", "A"): ["127.0.0.1"]``."""

    def __init__(self, records: Records | None = None) -> None:
        self.records: Records = {(name.lower().rstrip(".") + ".", kind.upper()): values
                                 for (name, kind), values in (records or {}).items()}
        self.questions: list[tuple[str, str]] = []
        self._udp, self._tcp = self._bind_one_port()
        self._udp.settimeout(0.2)
        self._tcp.listen(8)
        self._tcp.settimeout(0.2)
        self._stopping = threading.Event()
        self._threads = [threading.Thread(target=self._serve_udp, daemon=True),
                         threading.Thread(target=self._serve_tcp, daemon=True)]

    @staticmethod
    def _bind_one_port() -> tuple[socket.socket, socket.socket]:
        """A UDP and a TCP socket on the same free port: the port the system gives UDP may be
        taken for TCP (by another test's server), so a few ports are tried."""
        for _attempt in range(20):
            udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            udp.bind(("127.0.0.1", 0))
            tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            try:
                tcp.bind(("127.0.0.1", udp.getsockname()[1]))
            except OSError:
                udp.close()
                tcp.close()
                continue
            return udp, tcp
        raise OSError("no port free for both UDP and TCP on 127.0.0.1 after 20 tries")

    @property
    def address(self) -> tuple[str, int]:
        host, port = self._udp.getsockname()[:2]
        return str(host), int(port)

    def add(self, name: str, kind: str, *values: str) -> None:
        self.records[(name.lower().rstrip(".") + ".", kind.upper())] = list(values)

    def start(self) -> FakeDnsServer:
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        for thread in self._threads:
            thread.join(5)
        self._udp.close()
        self._tcp.close()

    def __enter__(self) -> FakeDnsServer:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.stop()

    def answer(self, wire: bytes) -> bytes:
        query = dns.message.from_wire(wire)
        response = dns.message.make_response(query)
        response.flags |= dns.flags.AA
        for question in query.question:
            name = question.name.to_text().lower()
            kind = dns.rdatatype.to_text(question.rdtype)
            self.questions.append((name.rstrip("."), kind))
            values = self.records.get((name, kind))
            if values:
                response.answer.append(dns.rrset.from_text(name, 60, dns.rdataclass.IN, kind, *values))
            elif not any(known == name for known, _ in self.records):
                response.set_rcode(dns.rcode.NXDOMAIN)
        return response.to_wire()

    def _serve_udp(self) -> None:
        while not self._stopping.is_set():
            try:
                wire, peer = self._udp.recvfrom(4096)
            except (TimeoutError, OSError):
                continue
            try:
                self._udp.sendto(self.answer(wire), peer)
            except Exception:  # noqa: BLE001 - a malformed question gets no answer, as from a real server
                continue

    def _serve_tcp(self) -> None:
        while not self._stopping.is_set():
            try:
                connection, _ = self._tcp.accept()
            except (TimeoutError, OSError):
                continue
            with connection:
                connection.settimeout(2)
                try:
                    length = struct.unpack("!H", connection.recv(2))[0]
                    reply = self.answer(connection.recv(length))
                    connection.sendall(struct.pack("!H", len(reply)) + reply)
                except (OSError, struct.error):
                    continue
