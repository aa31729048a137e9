"""DNS for autodiscovery, through dnspython: SRV records, and the addresses of a host to probe.

dnspython (ISC licence, maintained since 2003, in Debian as python3-dnspython) is the usual DNS
library for Python: the standard library can resolve a host name but cannot ask for SRV records.
A :class:`DnsResolver` asks the system's name servers, or the one it is given (tests run a DNS
responder on 127.0.0.1), with a short timeout for the whole question.
"""

from __future__ import annotations

import logging
import socket
from dataclasses import dataclass

import dns.exception
import dns.nameserver
import dns.rdatatype
import dns.resolver

log = logging.getLogger(__name__)


@dataclass(frozen=True, order=True)
class SrvRecord:
    priority: int
    weight: int
    port: int
    target: str  # without the final dot; "" for "." (RFC 2782: the service is not offered here)


class DnsResolver:
    """Asks ``nameserver`` ((address, port)) or, without one, the system's resolvers."""

    def __init__(self, nameserver: tuple[str, int] | None = None, timeout: float = 3.0) -> None:
        self.nameserver = nameserver
        self.timeout = timeout

    def _resolver(self) -> dns.resolver.Resolver:
        if self.nameserver is None:
            resolver = dns.resolver.Resolver()  # /etc/resolv.conf, or the Windows registry
        else:
            resolver = dns.resolver.Resolver(configure=False)
            resolver.nameservers = [dns.nameserver.Do53Nameserver(*self.nameserver)]
        resolver.lifetime = self.timeout
        resolver.timeout = self.timeout
        return resolver

    def srv(self, name: str) -> list[SrvRecord]:
        """The SRV records of ``name``, best first (lowest priority, then highest weight)."""
        try:
            answer = self._resolver().resolve(name, dns.rdatatype.SRV, raise_on_no_answer=False)
        except (dns.exception.DNSException, OSError) as error:  # NXDOMAIN, timeouts, refused
            log.debug("SRV %s: %s", name, error)
            return []
        records = [SrvRecord(int(record.priority), int(record.weight), int(record.port),
                             record.target.to_text(omit_final_dot=True).lower().rstrip("."))
                   for record in answer]
        return sorted(records, key=lambda record: (record.priority, -record.weight, record.target))

    def addresses(self, host: str) -> list[str]:
        """The IPv4 and IPv6 addresses of ``host`` (none when it has no name)."""
        if self.nameserver is None:
            try:
                return sorted({str(info[4][0]) for info in socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)})
            except OSError:
                return []
        found: list[str] = []
        for kind in (dns.rdatatype.A, dns.rdatatype.AAAA):
            try:
                answer = self._resolver().resolve(host, kind, raise_on_no_answer=False)
            except (dns.exception.DNSException, OSError):
                continue
            found += [record.to_text() for record in answer]
        return found
