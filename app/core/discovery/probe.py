"""The last resort: likely host names (``pop.<domain>``, ``pop3.<domain>``, ``mail.<domain>``) tried
on 995 (implicit TLS) and 110 (STLS, else plain), all at once, each with a short timeout.

A probe only looks: it reads the greeting, asks CAPA on 110, and says QUIT; it sends no user name
or password. So it does not verify the certificate (a guess is confirmed or not by the greeting
alone); the real connection later verifies it as always (invariant 6), and the dialog's "Test
connection" shows it.
"""

from __future__ import annotations

import functools
import socket
import ssl
from collections.abc import Sequence
from typing import BinaryIO

from app.core.cancel import CancelToken
from app.core.discovery import threads
from app.core.discovery.dns_lookup import DnsResolver
from app.core.discovery.result import FoundServer
from app.core.model import Security

HOST_PREFIXES = ("pop", "pop3", "mail")
#: (port, how it is tried): implicit TLS first, as RFC 8314 recommends.
DEFAULT_PORTS: tuple[tuple[int, Security], ...] = ((995, Security.TLS), (110, Security.STARTTLS))
#: A POP3 greeting or CAPA line is short; a server that sends more is not one.
MAX_LINE = 1024


def candidates(domain: str, ports: Sequence[tuple[int, Security]] = DEFAULT_PORTS) -> list[tuple[str, int, Security]]:
    """What is tried, best first."""
    return [(f"{prefix}.{domain}", port, security) for prefix in HOST_PREFIXES for port, security in ports]


def probe(domain: str, resolver: DnsResolver, *, ports: Sequence[tuple[int, Security]] = DEFAULT_PORTS,
          timeout: float = 3.0, cancel: CancelToken | None = None) -> FoundServer | None:
    """The best candidate that answers as a POP3 server, or None."""
    tried = candidates(domain, ports)
    if not tried:
        return None
    cancel = cancel or CancelToken()
    futures = [threads.start(functools.partial(_try, host, port, security, resolver, timeout, cancel), "probe")
               for host, port, security in tried]
    # In order of preference: a worse one that answered first does not beat a better one. Probes
    # still connecting are forgotten once one answers; they end by their own timeout.
    for future in futures:
        found = future.result()
        if found is not None:
            return found
    return None


def _try(host: str, port: int, security: Security, resolver: DnsResolver, timeout: float,
         cancel: CancelToken) -> FoundServer | None:
    if cancel.cancelled:
        return None
    for address in resolver.addresses(host)[:2]:
        try:
            answered = _speaks_pop3(host, address, port, security, timeout)
        except (OSError, ValueError):
            continue
        if answered is not None:
            return FoundServer(host, port, answered)
    return None


def _speaks_pop3(host: str, address: str, port: int, security: Security, timeout: float) -> Security | None:
    """The security the server at ``address`` offers on ``port`` (None: not a POP3 server)."""
    with socket.create_connection((address, port), timeout=timeout) as raw:
        if security is Security.TLS:
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE  # looking only, no secret is sent; see the docstring
            with context.wrap_socket(raw, server_hostname=host) as link, link.makefile("rb") as reader:
                return Security.TLS if _read_line(reader).startswith(b"+OK") else None
        with raw.makefile("rb") as reader:
            if not _read_line(reader).startswith(b"+OK"):
                return None
            raw.sendall(b"CAPA\r\n")
            offered = Security.NONE
            if _read_line(reader).startswith(b"+OK"):
                for _ in range(100):
                    line = _read_line(reader)
                    if line in (b".", b""):
                        break
                    if line.upper().split(b" ")[0] == b"STLS":
                        offered = Security.STARTTLS
            raw.sendall(b"QUIT\r\n")
            return offered


def _read_line(reader: BinaryIO) -> bytes:
    return reader.readline(MAX_LINE).rstrip(b"\r\n")
