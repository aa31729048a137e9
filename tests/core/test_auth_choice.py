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
    Plain,
    Secret,
    SecretKind,
    UserPass,
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


@dataclass(frozen=True)
class Case:
    capabilities: Capabilities
    secret: SecretKind = PASSWORD
    encrypted: bool = True
    timestamp: bytes | None = TIMESTAMP
    use_apop: bool = False
    allow_insecure_auth: bool = False


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
    # A token: no mechanism takes one yet (XOAUTH2 and OAUTHBEARER come with issue 17), and the
    # APOP setting, which is about passwords, does not turn it into a digest.
    ("a token with today's mechanisms", Case(SASL_BOTH, secret=TOKEN),
     "the server offers no login mechanism that can use this account's access token"),
    ("a token with apop switched on", Case(SASL_BOTH, secret=TOKEN, use_apop=True),
     "the server offers no login mechanism that can use this account's access token"),
]


@pytest.mark.parametrize("case,expected", [(case, expected) for _, case, expected in TABLE],
                         ids=[name for name, _, _ in TABLE])
def test_the_mechanism_chosen(case: Case, expected: Mechanism | str) -> None:
    def choose() -> Mechanism:
        return choose_mechanism(case.capabilities, case.secret, encrypted=case.encrypted,
                                apop_timestamp=case.timestamp, use_apop=case.use_apop,
                                allow_insecure_auth=case.allow_insecure_auth)

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
    assert [mechanism.name for mechanism in SASL_PREFERENCE] == ["PLAIN", "LOGIN"]


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
