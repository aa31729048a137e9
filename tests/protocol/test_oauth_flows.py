"""Signing in and keeping tokens (issue 17), against the mock authorization server on 127.0.0.1.

The test is the browser: it loads the sign-in URL and follows the redirect to the listener. The
mock checks PKCE, the state and the loopback redirect; tokens expire, refresh tokens are revoked,
and a login through the fake POP3 server refreshes a refused token once.
"""

from __future__ import annotations

import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest

from app.core.errors import AuthError, ConfigError, CredentialsError, NoSecureStorage, SignInAgain, TokenRejected
from app.core.model import Security
from app.core.oauth import flows, tokens
from app.core.oauth.providers import _provider
from app.core.oauth.tokens import CommandTokens, OAuthClient, RefreshingTokens, with_fresh_token_retry
from app.core.pop3.auth import Secret, SecretKind
from tests.conftest import ServerFactory, client_for
from tests.fakes.certs import TestCertificates
from tests.fakes.keyrings import MemoryKeyring
from tests.fakes.oauth_server import CLIENT_ID, MockAuthorizationServer, follow_in_browser
from tests.fakes.pop3_server import crlf
from tests.fakes.waiting import pause, wait_until

DEFAULT_MODE = "tls"
DEFAULT_MESSAGES = [crlf("Subject: hi\n\nbody\n")]
KEY = "poplark-account-7-oauth2-refresh"


@pytest.fixture
def mock() -> Iterator[MockAuthorizationServer]:
    tokens.forget_access_tokens()
    with MockAuthorizationServer() as server:
        yield server
    tokens.forget_access_tokens()


def client_of(mock: MockAuthorizationServer, client_id: str = CLIENT_ID, secret: str = "") -> OAuthClient:
    return OAuthClient(_provider(mock.provider_entry()), client_id, secret)


def test_the_browser_flow_with_pkce(mock: MockAuthorizationServer) -> None:
    grant = flows.sign_in_with_browser(client_of(mock), open_url=follow_in_browser, timeout=20)
    assert grant.access_token.startswith("at-") and grant.refresh_token.startswith("rt-")
    assert mock.check("alice", grant.access_token) is None
    (_, _, authorize), = [request for request in mock.requests if request[1] == "/authorize"]
    assert authorize["code_challenge_method"] == "S256" and authorize["redirect_uri"].startswith("http://127.0.0.1:")
    (_, _, exchange), = [request for request in mock.requests if request[1] == "/token"]
    assert exchange["grant_type"] == "authorization_code" and len(exchange["code_verifier"]) >= 43
    assert exchange["redirect_uri"] == authorize["redirect_uri"]
    assert "access_token" not in repr(grant) and grant.access_token not in repr(grant)


def test_a_code_without_its_verifier_is_refused(mock: MockAuthorizationServer) -> None:
    # The mock really checks PKCE: the same code with another verifier gets invalid_grant.
    pkce = flows.Pkce.new()
    url = flows.authorization_url(client_of(mock), "http://127.0.0.1:9/", "s1", pkce)
    opener = urllib.request.build_opener(NoRedirect())
    with pytest.raises(urllib.error.HTTPError) as redirected:
        opener.open(url, timeout=10)
    code = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(redirected.value.headers["Location"]).query))["code"]
    with pytest.raises(SignInAgain):
        tokens.request_tokens(client_of(mock), {"grant_type": "authorization_code", "code": code,
                                                "redirect_uri": "http://127.0.0.1:9/",
                                                "code_verifier": flows.Pkce.new().verifier})


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def test_access_denied_in_the_browser(mock: MockAuthorizationServer) -> None:
    mock.deny = True
    with pytest.raises(AuthError, match="access was not allowed"):
        flows.sign_in_with_browser(client_of(mock), open_url=follow_in_browser, timeout=20)


def test_a_redirect_with_another_state_is_refused(mock: MockAuthorizationServer) -> None:
    def forged(url: str) -> bool:
        redirect = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))["redirect_uri"]
        return follow_in_browser(redirect + "?code=stolen&state=other")

    with pytest.raises(AuthError, match="another sign-in"):
        flows.sign_in_with_browser(client_of(mock), open_url=forged, timeout=20)
    assert not [request for request in mock.requests if request[1] == "/token"]


def test_an_unknown_client_id_is_a_setting_to_fix(mock: MockAuthorizationServer) -> None:
    with pytest.raises(ConfigError, match="does not accept the client ID"):
        flows.sign_in_with_device_code(client_of(mock, "someone-else"), show=lambda code: None)


def test_the_device_flow_polls_until_approved(mock: MockAuthorizationServer) -> None:
    shown: list[flows.DeviceCode] = []
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        if len(sleeps) == 3:  # the user finishes on the other device after two polls
            mock.approve_device(shown[0].user_code)
        pause(seconds)

    grant = flows.sign_in_with_device_code(client_of(mock), show=shown.append, sleep=sleep)
    assert shown[0].message.endswith(f"enter {shown[0].user_code}.") and shown[0].verification_uri
    assert mock.check("alice", grant.access_token) is None and grant.refresh_token
    assert mock.grants(flows.DEVICE_GRANT) == 3


@pytest.mark.parametrize("error", ["access_denied", "authorization_declined"])  # RFC 8628, Microsoft Entra
def test_a_declined_device_code(mock: MockAuthorizationServer, error: str) -> None:
    with pytest.raises(AuthError, match="access was not allowed"):
        flows.sign_in_with_device_code(client_of(mock), show=lambda code: mock.decline_device(code.user_code, error),
                                       sleep=lambda seconds: None)


def test_a_provider_without_a_device_flow_says_what_to_do(mock: MockAuthorizationServer) -> None:
    client = OAuthClient(_provider(mock.provider_entry(device_authorization_endpoint="")), CLIENT_ID)
    with pytest.raises(ConfigError, match="--oauth2-token-command"):
        flows.sign_in_with_device_code(client, show=lambda code: None)


def test_tokens_refresh_ahead_of_expiry_and_a_revoked_grant_asks_to_sign_in(
        mock: MockAuthorizationServer, memory_keyring: MemoryKeyring) -> None:
    client = client_of(mock)
    now = [time.time()]
    tokens.store_grant(client, KEY, flows.sign_in_with_browser(client, open_url=follow_in_browser, timeout=20))
    source = RefreshingTokens(client, KEY, clock=lambda: now[0])
    first = source.token()
    assert source.token() == first and mock.grants("refresh_token") == 0  # from memory
    now[0] += 3600 - 30  # within the margin before the end: refreshed before use
    second = source.token()
    assert second != first and second.kind is SecretKind.BEARER_TOKEN and mock.grants("refresh_token") == 1
    # The refresh token is in the keyring and nowhere in what the source shows.
    assert memory_keyring.passwords[("Poplark", KEY)].startswith("rt-")
    assert "rt-" not in repr(source.__dict__) and second.value not in repr(second)
    mock.revoke_all()
    with pytest.raises(SignInAgain, match="sign in again"):
        source.token(fresh=True)


def test_rotated_refresh_tokens_are_kept(mock: MockAuthorizationServer, memory_keyring: MemoryKeyring) -> None:
    mock.rotate = True
    client = client_of(mock)
    tokens.store_grant(client, KEY, flows.sign_in_with_browser(client, open_url=follow_in_browser, timeout=20))
    old = memory_keyring.passwords[("Poplark", KEY)]
    RefreshingTokens(client, KEY).token(fresh=True)
    assert memory_keyring.passwords[("Poplark", KEY)] not in ("", old)
    RefreshingTokens(client, KEY).token(fresh=True)  # the new one works


def test_not_signed_in_yet(mock: MockAuthorizationServer, memory_keyring: MemoryKeyring) -> None:
    with pytest.raises(SignInAgain, match="not signed in"):
        RefreshingTokens(client_of(mock), KEY).token()


def test_an_expired_token_at_login_is_refreshed_and_retried_once(
        mock: MockAuthorizationServer, memory_keyring: MemoryKeyring, serve: ServerFactory,
        certificates: TestCertificates) -> None:
    mock.access_lifetime = 2  # tokens that expire after a few seconds
    server = serve(token_checker=mock.check, capabilities=["USER", "SASL XOAUTH2 OAUTHBEARER"])
    client = client_of(mock)
    tokens.store_grant(client, KEY, flows.sign_in_with_browser(client, open_url=follow_in_browser, timeout=20))
    # This process's clock is an hour behind: the token looks alive here, the server has seen it die.
    source = RefreshingTokens(client, KEY, clock=lambda: time.time() - 3600)
    stale = source.token()
    wait_until(lambda: mock.check("alice", stale.value) is not None, 30, "the mock to see the token expire", poll=0.2)
    attempts: list[str] = []

    def login(token: Secret) -> str:
        attempts.append(token.value)
        pop3 = client_for(server, certificates, Security.TLS)
        pop3.connect()
        try:
            return pop3.login("alice", token)
        finally:
            pop3.close()

    assert with_fresh_token_retry(source, login) == "OAUTHBEARER"
    assert attempts[0] == stale.value and len(attempts) == 2 and mock.grants("refresh_token") == 1
    # Once only: a server that refuses every token fails after the second try.
    refusing = serve(token_checker=lambda user, token: "invalid_token", capabilities=["USER", "SASL XOAUTH2"])
    server = refusing
    attempts.clear()
    with pytest.raises(TokenRejected):
        with_fresh_token_retry(source, login)
    assert len(attempts) == 2


def test_the_token_command(tmp_path: object) -> None:
    assert CommandTokens("printf 'tok-from-command\\n'").token() == Secret.bearer_token("tok-from-command")
    with pytest.raises(CredentialsError) as failed:
        CommandTokens("echo tok-LEAK; echo 'no account alice' >&2; exit 3").token()
    assert "status 3" in str(failed.value) and "no account alice" in str(failed.value)
    assert "tok-LEAK" not in str(failed.value)
    with pytest.raises(CredentialsError, match="printed nothing"):
        CommandTokens("true").token()
    python = sys.executable
    # Run afresh for every login: a command that counts gives a new token each time.
    counter = tmp_path / "n"  # type: ignore[operator]
    command = f"{python} -c \"import pathlib; p=pathlib.Path(r'{counter}'); n=int(p.read_text() if p.exists() " \
              f"else 0)+1; p.write_text(str(n)); print('tok-%d' % n)\""
    source = CommandTokens(command)
    assert [source.token().value, source.token(fresh=True).value] == ["tok-1", "tok-2"]


def test_no_keyring_points_to_the_token_command(mock: MockAuthorizationServer) -> None:
    import keyring
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        with pytest.raises(NoSecureStorage, match="--oauth2-token-command"):
            RefreshingTokens(client_of(mock), KEY).token()
    finally:
        keyring.set_keyring(previous)
