"""Fixtures of the protocol tier: fake POP3 servers started on demand, and a client for one.

One ``serve`` for every module (they had three copies). A module names what a server holds when a
test gives no messages (``DEFAULT_MESSAGES``) and how it is reached (``DEFAULT_MODE``: "plain",
"starttls" or "tls"); every server is stopped after the test and must have handled its sessions
without an error of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pytest

from app.core.model import Security
from app.core.pop3.client import Pop3Client
from tests.fakes.certs import TestCertificates
from tests.fakes.pop3_server import FakePop3Server

ServerFactory = Callable[..., FakePop3Server]


@pytest.fixture
def serve(certificates: TestCertificates, request: pytest.FixtureRequest) -> Iterator[ServerFactory]:
    """Start fake servers; TLS modes get the test CA's certificate unless told otherwise."""
    default_messages: Sequence[bytes] = getattr(request.module, "DEFAULT_MESSAGES", ())
    default_mode: str = getattr(request.module, "DEFAULT_MODE", "plain")
    started: list[FakePop3Server] = []

    def start(messages: Sequence[bytes] | None = None, *, mode: str | None = None, certificate: str = "good",
              **options: Any) -> FakePop3Server:
        chosen_mode = default_mode if mode is None else mode
        context = certificates.server_context(certificate) if chosen_mode != "plain" else None  # type: ignore[arg-type]
        server = FakePop3Server(list(default_messages if messages is None else messages),
                                mode=chosen_mode, ssl_context=context, **options)  # type: ignore[arg-type]
        started.append(server.start())
        return server

    yield start
    for server in started:
        server.stop()
    for server in started:
        assert server.handler_errors == []


def client_for(server: FakePop3Server, certificates: TestCertificates, security: Security = Security.NONE, *,
               host: str = "localhost", timeout: float = 5.0, **options: Any) -> Pop3Client:
    """A client for ``server`` that trusts the test CA (not yet connected)."""
    return Pop3Client(host, server.address[1], security, timeout=timeout, ca_file=str(certificates.ca_pem),
                      **options)
