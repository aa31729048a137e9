"""Choosing the login mechanism: a table of what the server offers, the account's settings and the
secret, against the mechanism chosen or the ConfigError raised. Pure: no socket.

The exchanges themselves run against the fake server in ``tests/protocol/test_client.py`` and
``test_secrets.py``; here are only the decision and the responses each SASL mechanism gives.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from app.core.errors import ConfigError
from app.core.pop3.auth import (
    SASL_PREFERENCE,
    Apop,
    Login,
    Mechanism,
    OAuthBearer,
    Plain,
    Secret,
    SecretKind,
    UserPass,
    XOAuth2,
    choose_mechanism,
)
from app.core.pop3.capabilities import Capabilities, parse_capabilities

TIMESTAMP = b"<1896.697170952@dbc.mtview.ca.us>"  # RFC 1939 section 7's example
PASSWORD = SecretKind.PASSWORD
TOKEN = SecretKind.BEARER_TOKEN


def offering(*lines: str) -> Capabilities:
    return parse_capabilities([line.encode("ascii") for line in lines])


NO_CAPA = Capabilities()  # CAPA failed: an RFC 1939-only server
USER_ONLY = offering("USER", "UIDL")
SASL_BOTH = offering("USER", "SASL LOGIN PLAIN")
SASL_LOGIN = offering("SASL LOGIN")
SASL_UNKNOWN = offering("USER", "SASL CRAM-MD5 GSSAPI")
SASL_OAUTH = offering("USER", "SASL PLAIN XOAUTH2 OAUTHBEARER")
SASL_XOAUTH2 = offering("USER", "SASL PLAIN LOGIN XOAUTH2")  # Outlook and Gmail


@dataclass(frozen=True)
class Case:
    capabilities: Capabilities
    secret: SecretKind = PASSWORD
    encrypted: bool = True
    timestamp: bytes | None = TIMESTAMP
    use_apop: bool = False
    allow_insecure_auth: bool = False
    two_line: bool = False


#: (what the server and the account say, the mechanism chosen or the start of the ConfigError).
TABLE: list[tuple[str, Case, Mechanism | str]] = [
    # Today's order: APOP when switched on; else PLAIN; LOGIN; USER/PASS.
    ("apop when switched on, even with sasl", Case(SASL_BOTH, use_apop=True), Apop(TIMESTAMP)),
    ("plain before login, whatever the capa order", Case(SASL_BOTH), Plain()),
    ("login when plain is not offered", Case(SASL_LOGIN), Login()),
    ("user/pass when no sasl is offered", Case(USER_ONLY), UserPass()),
    ("user/pass when only unknown sasl is offered", Case(SASL_UNKNOWN), UserPass()),
    ("user/pass when capa failed", Case(NO_CAPA), UserPass()),
    ("apop ignores the greeting's timestamp when off", Case(USER_ONLY, timestamp=None), UserPass()),
    # APOP needs a well-formed timestamp; it never sends the password, so needs no TLS.
    ("apop without a timestamp", Case(SASL_BOTH, timestamp=None, use_apop=True),
     "APOP is switched on for this account, but the server's greeting offers no valid APOP"),
    ("apop over a plain link", Case(USER_ONLY, encrypted=False, use_apop=True), Apop(TIMESTAMP)),
    # The password in clear on an unencrypted link only when the account allows it.
    ("plain over a plain link", Case(SASL_BOTH, encrypted=False),
     "refusing to send the password over an unencrypted connection"),
    ("user/pass over a plain link", Case(NO_CAPA, encrypted=False),
     "refusing to send the password over an unencrypted connection"),
    ("plain over a plain link, allowed", Case(SASL_BOTH, encrypted=False, allow_insecure_auth=True), Plain()),
    ("user/pass over a plain link, allowed", Case(USER_ONLY, encrypted=False, allow_insecure_auth=True),
     UserPass()),
    # A token goes only by XOAUTH2 or OAUTHBEARER (the standard one first); the APOP setting,
    # which is about passwords, does not turn it into a digest.
    ("a token without a token mechanism", Case(SASL_BOTH, secret=TOKEN),
     "the server offers no login mechanism that can use this account's access token"),
    ("a token with apop switched on", Case(SASL_BOTH, secret=TOKEN, use_apop=True),
     "the server offers no login mechanism that can use this account's access token"),
    ("a token where user/pass is all there is", Case(NO_CAPA, secret=TOKEN),
     "the server offers no login mechanism that can use this account's access token"),
    ("oauthbearer before xoauth2", Case(SASL_OAUTH, secret=TOKEN), OAuthBearer()),
    ("xoauth2 when oauthbearer is not offered", Case(SASL_XOAUTH2, secret=TOKEN), XOAuth2()),
    ("xoauth2 in two lines for microsoft", Case(SASL_XOAUTH2, secret=TOKEN, two_line=True),
     XOAuth2(two_line=True)),
    ("a token with apop switched on still picks xoauth2", Case(SASL_XOAUTH2, secret=TOKEN, use_apop=True),
     XOAuth2()),
    ("a password never picks a token mechanism", Case(SASL_OAUTH), Plain()),
    ("a token over a plain link", Case(SASL_OAUTH, secret=TOKEN, encrypted=False),
     "refusing to send the access token over an unencrypted connection"),
]


@pytest.mark.parametrize("case,expected", [(case, expected) for _, case, expected in TABLE],
                         ids=[name for name, _, _ in TABLE])
def test_the_mechanism_chosen(case: Case, expected: Mechanism | str) -> None:
    def choose() -> Mechanism:
        return choose_mechanism(case.capabilities, case.secret, encrypted=case.encrypted,
                                apop_timestamp=case.timestamp, use_apop=case.use_apop,
                                allow_insecure_auth=case.allow_insecure_auth, two_line=case.two_line)

    if isinstance(expected, str):
        with pytest.raises(ConfigError) as raised:
            choose()
        assert str(raised.value).startswith(expected)
    else:
        assert choose() == expected


def test_every_mechanism_declares_its_secrets_and_a_unique_name() -> None:
    mechanisms: list[type[Mechanism]] = [Apop, UserPass, *SASL_PREFERENCE]
    assert len({mechanism.name for mechanism in mechanisms}) == len(mechanisms)
    assert all(mechanism.secret_kinds for mechanism in mechanisms)
    assert [mechanism.name for mechanism in SASL_PREFERENCE] == ["OAUTHBEARER", "XOAUTH2", "PLAIN", "LOGIN"]


def test_the_responses_of_plain_and_login() -> None:
    secret = Secret.password("pässwörd")
    # RFC 4616: one initial response, authorization identity empty; nothing after it.
    assert Plain().respond("alice", secret, 0, b"") == b"\0alice\0p\xc3\xa4ssw\xc3\xb6rd"
    assert Plain().respond("alice", secret, 1, b"") is None
    # LOGIN: no initial response; the user, then the password, whatever the challenges say.
    assert not Login.initial_response and Plain.initial_response
    assert Login().respond("alice", secret, 0, b"Username:") == b"alice"
    assert Login().respond("alice", secret, 1, b"Password:") == "pässwörd".encode()
    assert Login().respond("alice", secret, 2, b"More?") is None


def test_a_secret_keeps_its_value_out_of_repr() -> None:
    secret = Secret.password("hunter2")
    assert "hunter2" not in repr(secret) and "PASSWORD" in repr(secret)
    assert Secret.password("hunter2") == Secret(SecretKind.PASSWORD, "hunter2")


def test_the_responses_of_the_token_mechanisms() -> None:
    token = Secret.bearer_token("ya29.token")
    # Google's XOAUTH2 format; the error challenge is answered with an empty response.
    xoauth2 = XOAuth2()
    assert xoauth2.respond("a@example.com", token, 0, b"") == b"user=a@example.com\x01auth=Bearer ya29.token\x01\x01"
    assert xoauth2.respond("a@example.com", token, 1, b'{"status":"401"}') == b""
    assert xoauth2.error_challenge == b'{"status":"401"}'
    assert xoauth2.respond("a@example.com", token, 2, b"") is None
    # RFC 7628: a GS2 header with the user escaped (RFC 5801), the token; 0x01 acknowledges an error.
    bearer = OAuthBearer()
    assert bearer.respond("a,b=c@example.com", token, 0, b"") == (
        b"n,a=a=2Cb=3Dc@example.com,\x01auth=Bearer ya29.token\x01\x01")
    assert bearer.respond("a@example.com", token, 1, b"{}") == b"\x01"
    assert XOAuth2().sends_initial_response() and not XOAuth2(two_line=True).sends_initial_response()
    assert "ya29" not in repr(xoauth2)
