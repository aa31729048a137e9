"""XOAUTH2 and OAUTHBEARER against a real Dovecot (issue 17): its oauth2 passdb asks the mock
authorization server's introspection endpoint whether a token is alive, as a site running its own
authorization server would have it. The client signs in through the mock (the test is the
browser), fetches with the token, and meets an expired and a revoked one.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.errors import TokenRejected
from app.core.model import Security
from app.core.oauth import flows, tokens
from app.core.oauth.providers import _provider
from app.core.oauth.tokens import OAuthClient, RefreshingTokens, with_fresh_token_retry
from app.core.pop3.auth import Secret
from app.core.pop3.client import Pop3Client
from tests.conftest import skip_or_fail
from tests.fakes.certs import TestCertificates
from tests.fakes.dovecot import INSTALL_HINT, PrivateDovecot, dovecot_binary, wire_bytes
from tests.fakes.keyrings import MemoryKeyring
from tests.fakes.oauth_server import CLIENT_ID, MockAuthorizationServer, follow_in_browser
from tests.fakes.waiting import wait_until

pytestmark = pytest.mark.dovecot

KEY = "poplark-account-9-oauth2-refresh"
MESSAGE = b"From: bob@example.org\nSubject: token\n\nsigned in\n"


@pytest.fixture
def mock() -> Iterator[MockAuthorizationServer]:
    tokens.forget_access_tokens()
    with MockAuthorizationServer(access_lifetime=3) as server:
        yield server
    tokens.forget_access_tokens()


@pytest.fixture
def dovecot(tmp_path: Path, certificates: TestCertificates, mock: MockAuthorizationServer) -> Iterator[PrivateDovecot]:
    if dovecot_binary() is None:
        skip_or_fail(f"Dovecot is not installed; run: {INSTALL_HINT}")
    server = PrivateDovecot(tmp_path / "dovecot", cert_chain_pem=certificates.server_cert_chain_pem,
                            key_pem=certificates.server_key_pem, users={"alice": "secret"},
                            oauth2_introspection_url=mock.base + "/introspect")
    server.start()
    try:
        yield server
    finally:
        server.stop(graceful=False)


def client(dovecot: PrivateDovecot, certificates: TestCertificates) -> Pop3Client:
    return Pop3Client("localhost", dovecot.pop3s_port, Security.TLS, timeout=10, ca_file=str(certificates.ca_pem))


@pytest.mark.parametrize("two_line", [False, True])
def test_a_token_logs_in_to_dovecot(dovecot: PrivateDovecot, certificates: TestCertificates,
                                    mock: MockAuthorizationServer, memory_keyring: MemoryKeyring,
                                    two_line: bool) -> None:
    dovecot.deliver("alice", MESSAGE)
    oauth = OAuthClient(_provider(mock.provider_entry()), CLIENT_ID)
    tokens.store_grant(oauth, KEY, flows.sign_in_with_browser(oauth, open_url=follow_in_browser, timeout=20))
    source = RefreshingTokens(oauth, KEY)
    pop3 = client(dovecot, certificates)
    pop3.connect()
    assert {"XOAUTH2", "OAUTHBEARER"} <= set(pop3.capabilities.sasl_mechanisms)
    assert pop3.login("alice", source.token(), two_line_auth=two_line) == "OAUTHBEARER"
    assert pop3.retrieve(1) == wire_bytes(MESSAGE)
    pop3.quit()
    trace = "\n".join(pop3.protocol_log.lines())
    assert "at-" not in trace and "<redacted>" in trace


def test_an_expired_token_is_refreshed_once_and_a_stranger_is_refused(
        dovecot: PrivateDovecot, certificates: TestCertificates, mock: MockAuthorizationServer,
        memory_keyring: MemoryKeyring) -> None:
    oauth = OAuthClient(_provider(mock.provider_entry()), CLIENT_ID)
    tokens.store_grant(oauth, KEY, flows.sign_in_with_browser(oauth, open_url=follow_in_browser, timeout=20))
    # A clock an hour behind keeps the dead token in use here: Dovecot's introspection refuses it.
    source = RefreshingTokens(oauth, KEY, clock=lambda: time.time() - 3600)
    stale = source.token()
    wait_until(lambda: mock.check("alice", stale.value) is not None, 30, "the mock to see the token expire", poll=0.2)

    def login(token: Secret) -> str:
        pop3 = client(dovecot, certificates)
        pop3.connect()
        try:
            return pop3.login("alice", token)
        finally:
            pop3.close()

    # Dovecot delays each failed login by a few seconds (its auth penalty): the fresh token must
    # outlive that wait.
    mock.access_lifetime = 120
    attempts: list[str] = []
    assert with_fresh_token_retry(source, lambda token: attempts.append(token.value) or login(token)) == "OAUTHBEARER"
    assert attempts[0] == stale.value and len(attempts) == 2
    assert mock.grants("refresh_token") == 1
    with pytest.raises(TokenRejected):
        login(Secret.bearer_token("at-never-issued"))
