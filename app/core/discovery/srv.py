"""RFC 6186 SRV records: ``_pop3s._tcp.<domain>`` (implicit TLS), ``_pop3._tcp.<domain>`` (STLS) and
``_submissions._tcp`` / ``_submission._tcp`` for sending (RFC 8314 prefers implicit TLS)."""

from __future__ import annotations

from dataclasses import dataclass

from app.core.discovery.dns_lookup import DnsResolver
from app.core.discovery.result import FoundServer
from app.core.model import Security

#: (service name, security), in the order RFC 8314 section 5.1 prefers them.
INCOMING_SERVICES = (("_pop3s._tcp", Security.TLS), ("_pop3._tcp", Security.STARTTLS))
OUTGOING_SERVICES = (("_submissions._tcp", Security.TLS), ("_submission._tcp", Security.STARTTLS))


@dataclass(frozen=True)
class SrvAnswer:
    incoming: FoundServer | None
    outgoing: FoundServer | None
    #: The record names that answered, for the dialog ("_pop3s._tcp.example.com").
    names: tuple[str, ...]


def lookup(domain: str, resolver: DnsResolver) -> SrvAnswer | None:
    """The domain's POP3 and submission servers by SRV; None when it publishes no POP3 record."""
    incoming, incoming_name = _first(domain, INCOMING_SERVICES, resolver)
    if incoming is None:
        return None
    outgoing, outgoing_name = _first(domain, OUTGOING_SERVICES, resolver)
    return SrvAnswer(incoming, outgoing, tuple(name for name in (incoming_name, outgoing_name) if name))


def _first(domain: str, services: tuple[tuple[str, Security], ...],
           resolver: DnsResolver) -> tuple[FoundServer | None, str]:
    for service, security in services:
        name = f"{service}.{domain}"
        records = resolver.srv(name)
        # A single record with the target "." says the service is not offered (RFC 6186 section 4).
        usable = [record for record in records if record.target and 0 < record.port < 65536]
        if usable:
            best = usable[0]
            return FoundServer(best.target, best.port, security), name
    return None, ""
