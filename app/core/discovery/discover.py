"""Autodiscovery, all steps together: the provider table at once, then the network steps in
parallel (each autoconfig URL, the SRV records, the probes), the most trusted answer winning.

The network steps all start together, so a domain with no answer costs one timeout, not the sum
of them; but the answer is taken in order of trust, so a probe that answers first never beats
the domain's own autoconfig file. A cancel (the user typed another address, closed the dialog)
returns at once; steps still waiting end by their own short timeouts.
"""

from __future__ import annotations

import concurrent.futures
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from app.core.cancel import CancelToken
from app.core.discovery import autoconfig, probe, srv, threads
from app.core.discovery.dns_lookup import DnsResolver
from app.core.discovery.result import Confidence, Discovery, FoundServer, Source
from app.core.model import Security
from app.core.providers import Provider, provider_for_address

#: How often a wait looks at the cancel token (seconds).
CANCEL_POLL_SECONDS = 0.05


@dataclass(frozen=True)
class DiscoveryNetwork:
    """Where discovery looks: the real world by default, loopback servers in tests."""

    resolver: DnsResolver = field(default_factory=DnsResolver)
    autoconfig_urls: Sequence[str] = autoconfig.DEFAULT_URLS
    probe_ports: Sequence[tuple[int, Security]] = probe.DEFAULT_PORTS
    #: Seconds for each step's network wait (an HTTP request, a DNS question, a connection).
    timeout: float = 4.0


def from_provider(provider: Provider) -> Discovery:
    smtp = provider.smtp_settings()
    return Discovery(
        FoundServer(provider.host, provider.port, provider.security) if provider.pop3 else None,
        FoundServer(smtp.host, smtp.effective_port, smtp.security) if smtp is not None else None,
        Source.PROVIDER_TABLE, Confidence.HIGH, provider.name)


def discover(address: str, network: DiscoveryNetwork | None = None, *, cancel: CancelToken | None = None,
             providers: tuple[Provider, ...] | None = None) -> Discovery | None:
    """What is known or can be found about the servers of ``address``'s domain; None: nothing.

    Raises :class:`~app.core.errors.Cancelled` when ``cancel`` is set meanwhile.
    """
    provider = provider_for_address(address, providers)
    if provider is not None:
        return from_provider(provider)
    local, at, domain = address.strip().rpartition("@")
    domain = domain.lower().rstrip(".")
    if not at or not local or "." not in domain:
        return None
    network = network or DiscoveryNetwork()
    cancel = cancel or CancelToken()
    finished = CancelToken()  # set once an answer is taken: probes not yet started need not start
    steps: list[Callable[[], Discovery | None]] = [
        *(lambda template=template: _autoconfig(address, template, network) for template in network.autoconfig_urls),
        lambda: _srv(domain, network),
        lambda: _probe(domain, network, finished),
    ]
    try:
        futures = [threads.start(step, "discovery") for step in steps]
        for future in futures:  # in order of trust
            while True:
                cancel.raise_if_cancelled()
                try:
                    found = future.result(timeout=CANCEL_POLL_SECONDS)
                except concurrent.futures.TimeoutError:
                    continue
                break
            if found is not None:
                return found
        return None
    finally:
        finished.cancel()  # steps still waiting are forgotten (daemon threads: see threads.py)


def _autoconfig(address: str, template: str, network: DiscoveryNetwork) -> Discovery | None:
    answer = autoconfig.lookup(address, template, network.timeout)
    if answer is None:
        return None
    return Discovery(answer.incoming, answer.outgoing, Source.AUTOCONFIG, answer.confidence, answer.url,
                     answer.user if answer.user != address else "")


def _srv(domain: str, network: DiscoveryNetwork) -> Discovery | None:
    answer = srv.lookup(domain, network.resolver)
    if answer is None:
        return None
    # DNS without DNSSEC can be forged on the way; and the target may be another domain's host.
    return Discovery(answer.incoming, answer.outgoing, Source.SRV, Confidence.MEDIUM, ", ".join(answer.names))


def _probe(domain: str, network: DiscoveryNetwork, cancel: CancelToken) -> Discovery | None:
    found = probe.probe(domain, network.resolver, ports=network.probe_ports, timeout=network.timeout, cancel=cancel)
    if found is None:
        return None
    return Discovery(found, None, Source.PROBE, Confidence.LOW, f"{found.host}:{found.port}")
