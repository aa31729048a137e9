"""What autodiscovery found: the servers, where the answer came from and how sure it is."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from app.core.model import Security


class Source(enum.StrEnum):
    """Where an answer came from, most trusted first."""

    PROVIDER_TABLE = "provider-table"  # Poplark's own table of providers
    AUTOCONFIG = "autoconfig"  # the domain's config-v1.1.xml (autoconfig.<domain> or .well-known)
    SRV = "srv"  # the domain's RFC 6186 DNS records
    PROBE = "probe"  # a likely host name that answered as a POP3 server


class Confidence(enum.StrEnum):
    """How sure the answer is, for the dialog to say."""

    HIGH = "high"  # the provider, or the domain itself over HTTPS, said so
    MEDIUM = "medium"  # the domain said so over an unauthenticated channel (DNS, plain HTTP)
    LOW = "low"  # a guess that a server confirmed only by answering


@dataclass(frozen=True)
class FoundServer:
    host: str
    port: int
    security: Security


@dataclass(frozen=True)
class Discovery:
    """The answer: the POP3 server (None when the domain has none), the SMTP submission server
    when known, the user name the domain asks for ("" for the address), and its provenance."""

    incoming: FoundServer | None
    outgoing: FoundServer | None
    source: Source
    confidence: Confidence
    #: Where exactly (a URL, an SRV name, "pop.example.com:995"), for the dialog and the log.
    detail: str = ""
    user: str = ""
