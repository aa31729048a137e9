"""Logging in with an OAuth2 access token (issue 17): XOAUTH2 and OAUTHBEARER (RFC 7628) between
the real client and the fake server over TLS on loopback.

Both forms of AUTH (the token on the AUTH line, and after the "+" as Microsoft documents), the
failure exchange (JSON error challenge, dummy answer, -ERR) mapped to an expired token or a grant
that must be renewed, and the token kept out of the protocol log and the debug log.
"""

from __future__ import annotations

import logging

import pytest

from app.core.errors import AuthError, SignInAgain, TokenRejected
from app.core.model import Security
from app.core.pop3.auth import Secret
from tests.conftest import ServerFactory, client_for
from tests.fakes.certs import TestCertificates
from tests.fakes.pop3_server import crlf

DEFAULT_MESSAGES = [crlf("From: a@example.com\nSubject: one\n\nbody\n")]
DEFAULT_MODE = "tls"
USER = "alice"
GOOD = "tok-GOOD-4f1e"
# A Microsoft access token is a JWT of well over a thousand characters.
LONG = "eyJ0eXAi." + "x" * 1600 + ".sig"


def checker(verdicts: dict[str, str | None]):  # type: ignore[no-untyped-def]
    """A token checker: the tokens in ``verdicts`` get their verdict, any other "invalid_token"."""
    return lambda user, token: verdicts.get(token, "invalid_token")


def login(server, certificates: TestCertificates, token: str, **options: bool) -> str:  # type: ignore[no-untyped-def]
    client = client_for(server, certificates, Security.TLS)
    client.connect()
    try:
        return client.login(USER, Secret.bearer_token(token), **options)
    finally:
        client.close()


@pytest.mark.parametrize("capabilities,expected", [
    (["USER", "SASL PLAIN XOAUTH2 OAUTHBEARER"], "OAUTHBEARER"),
    (["USER", "SASL PLAIN LOGIN XOAUTH2"], "XOAUTH2"),
])
def test_a_token_logs_in_on_the_auth_line(serve: ServerFactory, certificates: TestCertificates,
                                          capabilities: list[str], expected: str) -> None:
    server = serve(token_checker=checker({GOOD: None}), capabilities=capabilities)
    assert login(server, certificates, GOOD) == expected
    auth = [line for line in server.mailbox.commands[0] if line.startswith("AUTH")]
    assert len(auth) == 1 and auth[0].startswith(f"AUTH {expected} ")  # the initial response


def test_the_two_line_form_microsoft_documents(serve: ServerFactory, certificates: TestCertificates) -> None:
    # This server refuses the token on the AUTH line, as the form Microsoft documents is the only
    # one it is known to take.
    server = serve(token_checker=checker({GOOD: None}), capabilities=["USER", "SASL PLAIN XOAUTH2"],
                   oauth_two_line_only=True)
    with pytest.raises(AuthError):
        login(server, certificates, GOOD)
    assert login(server, certificates, GOOD, two_line_auth=True) == "XOAUTH2"
    commands = server.mailbox.commands[1]
    index = commands.index("AUTH XOAUTH2")
    assert commands[index + 1] != "" and "AUTH" not in commands[index + 1]


def test_a_long_token_goes_after_the_continuation(serve: ServerFactory, certificates: TestCertificates) -> None:
    # The AUTH line may not pass 255 octets (RFC 2449): the fake enforces it, the client must adapt.
    server = serve(token_checker=checker({LONG: None}), capabilities=["USER", "SASL XOAUTH2"])
    assert login(server, certificates, LONG) == "XOAUTH2"
    assert "AUTH XOAUTH2" in server.mailbox.commands[0]


@pytest.mark.parametrize("mechanism,ack", [("XOAUTH2", b""), ("OAUTHBEARER", b"AQ==")])
def test_an_expired_token_is_told_apart(serve: ServerFactory, certificates: TestCertificates,
                                        mechanism: str, ack: bytes) -> None:
    server = serve(token_checker=checker({}), capabilities=["USER", f"SASL PLAIN {mechanism}"])
    with pytest.raises(TokenRejected) as raised:
        login(server, certificates, "tok-expired")
    assert raised.value.mechanism == mechanism and raised.value.host == "localhost"
    # The JSON error was answered with the mechanism's dummy response, so the server could finish.
    assert server.oauth_error_acks == [ack]


@pytest.mark.parametrize("status", ["insufficient_scope", "403"])
def test_a_grant_without_mail_access_asks_to_sign_in_again(serve: ServerFactory, certificates: TestCertificates,
                                                          status: str) -> None:
    server = serve(token_checker=checker({GOOD: status}), capabilities=["USER", "SASL XOAUTH2"],
                   oauth_scope="https://outlook.office.com/POP.AccessAsUser.All")
    with pytest.raises(SignInAgain) as raised:
        login(server, certificates, GOOD)
    assert "sign in again" in str(raised.value)
    assert "POP.AccessAsUser.All" in str(raised.value)


def test_a_bare_refusal_counts_as_an_expired_token(serve: ServerFactory, certificates: TestCertificates) -> None:
    # Microsoft's server ends with "-ERR Authentication failure" and no JSON challenge.
    server = serve(token_checker=checker({}), capabilities=["USER", "SASL XOAUTH2"], oauth_json_errors=False,
                   auth_failure_reply="-ERR Authentication failure: unknown user name or bad password.")
    with pytest.raises(TokenRejected) as raised:
        login(server, certificates, "tok-old", two_line_auth=True)
    assert "Authentication failure" in raised.value.server_text
    assert server.oauth_error_acks == []


def test_the_token_never_reaches_the_logs(serve: ServerFactory, certificates: TestCertificates,
                                          caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="poplark")
    server = serve(token_checker=checker({LONG: None}), capabilities=["USER", "SASL XOAUTH2"])
    client = client_for(server, certificates, Security.TLS)
    client.connect()
    client.login(USER, Secret.bearer_token(LONG))
    client.quit()
    trace = "\n".join(client.protocol_log.lines())
    assert "C: AUTH XOAUTH2" in trace and "<redacted>" in trace
    for text in (trace, caplog.text):
        assert "x" * 100 not in text and "eyJ0eXAi" not in text
    # A failed login's trace too (the token on the AUTH line this time).
    failing = serve(token_checker=checker({}), capabilities=["USER", "SASL OAUTHBEARER"])
    client = client_for(failing, certificates, Security.TLS)
    client.connect()
    with pytest.raises(TokenRejected):
        client.login(USER, Secret.bearer_token(GOOD))
    client.close()
    trace = "\n".join(client.protocol_log.lines())
    assert "AUTH OAUTHBEARER <redacted>" in trace and GOOD not in trace and GOOD not in caplog.text
