"""Logging in: the secret, one class per login mechanism, and the pure choice between them.

A :class:`Secret` is what the user proves themselves with: a password, or an OAuth2 access token
that XOAUTH2 and OAUTHBEARER (RFC 7628) send. Each :class:`Mechanism` says which kinds of
secret it can send and whether it exposes the secret to anyone who reads the link, and runs its own
exchange over the session's :class:`~app.core.pop3.wire.Wire`. :func:`choose_mechanism` decides,
with no I/O, from what the server offers, the account's settings and the kind of secret.

Adding a SASL mechanism is one :class:`SaslMechanism` subclass (its name, the secrets it takes,
its responses) and one entry in :data:`SASL_PREFERENCE`; the RFC 5034 exchange is shared.
"""

from __future__ import annotations

import base64
import binascii
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from enum import Enum
from hashlib import md5
from typing import ClassVar

from app.core.errors import AuthError, ConfigError, PoplarkError, ProtocolError
from app.core.pop3.capabilities import Capabilities
from app.core.pop3.responses import Status, error_for, parse_status
from app.core.pop3.wire import MAX_COMMAND_OCTETS, Wire

#: APOP's timestamp must be a msg-id, "<" local "@" domain ">" (RFC 1939 section 7); the loose
#: "<.*>" that poplib accepts allows the CVE-2007-1558 attack.
_APOP_TIMESTAMP = re.compile(rb"<[\x21-\x3b\x3d\x3f-\x7e]+@[\x21-\x3b\x3d\x3f-\x7e]+>")


class SecretKind(Enum):
    """What a secret is; the value names it in sentences ("refusing to send the password ...")."""

    PASSWORD = "password"
    #: An OAuth2 access token (RFC 6750), sent by XOAUTH2 or OAUTHBEARER (RFC 7628).
    BEARER_TOKEN = "access token"


@dataclass(frozen=True)
class Secret:
    """A password or a token. Its value is kept out of ``repr``, so out of tracebacks and logs."""

    kind: SecretKind
    value: str = field(repr=False)

    @classmethod
    def password(cls, text: str) -> Secret:
        return cls(SecretKind.PASSWORD, text)

    @classmethod
    def bearer_token(cls, token: str) -> Secret:
        return cls(SecretKind.BEARER_TOKEN, token)


def as_secret(secret: str | Secret) -> Secret:
    """A plain ``str`` is a password: what every caller passed before tokens existed."""
    return Secret.password(secret) if isinstance(secret, str) else secret


class Mechanism(ABC):
    """One way to log in. Instances hold no secret: it is passed to :meth:`exchange` only."""

    #: The name shown to the user and carried by :class:`AuthError` ("PLAIN", "APOP", "USER").
    name: ClassVar[str]
    #: The kinds of secret this mechanism can send.
    secret_kinds: ClassVar[frozenset[SecretKind]]
    #: True when the secret crosses the link in a form anyone reading it could replay: such a
    #: mechanism needs TLS or the account's explicit ``allow_insecure_auth`` (invariant 6).
    exposes_secret: ClassVar[bool] = True

    @abstractmethod
    def exchange(self, wire: Wire, user: str, secret: Secret) -> Status:
        """Run the login conversation; return the server's final status line, +OK or -ERR."""


@dataclass(frozen=True)
class UserPass(Mechanism):
    """USER and PASS (RFC 1939 section 7): the password in clear text on the link."""

    name: ClassVar[str] = "USER"
    secret_kinds: ClassVar[frozenset[SecretKind]] = frozenset({SecretKind.PASSWORD})

    def exchange(self, wire: Wire, user: str, secret: Secret) -> Status:
        status = wire.command(f"USER {user}")
        if not status.ok:
            return status
        return wire.command(f"PASS {secret.value}", secret=True)


@dataclass(frozen=True)
class Apop(Mechanism):
    """APOP (RFC 1939 section 7): MD5 of the greeting's timestamp and the password.

    Weak by today's standards (MD5, and the server must store the password itself), so it is
    used only when the user switched it on; it never sends the password itself.
    """

    name: ClassVar[str] = "APOP"
    secret_kinds: ClassVar[frozenset[SecretKind]] = frozenset({SecretKind.PASSWORD})
    exposes_secret: ClassVar[bool] = False
    #: The msg-id from the greeting, as :func:`apop_timestamp` found it.
    timestamp: bytes

    def exchange(self, wire: Wire, user: str, secret: Secret) -> Status:
        digest = md5(self.timestamp + secret.value.encode("utf-8"), usedforsecurity=False)
        return wire.command(f"APOP {user} {digest.hexdigest()}", secret=True)


class SaslMechanism(Mechanism):
    """A SASL mechanism over POP3's AUTH command (RFC 5034); subclasses give the responses."""

    #: Whether the first response may ride on the AUTH line (RFC 5034 section 4); it still goes
    #: on a continuation line when the AUTH line would pass :data:`MAX_COMMAND_OCTETS`.
    initial_response: ClassVar[bool] = True

    @abstractmethod
    def respond(self, user: str, secret: Secret, step: int, challenge: bytes) -> bytes | None:
        """The client's response number ``step`` (from 0), before base64.

        ``challenge`` is the server's challenge this answers, base64-decoded (empty for an
        initial response, which answers none). None means the mechanism has nothing more to
        say: the exchange is then cancelled with "*".
        """

    def exchange(self, wire: Wire, user: str, secret: Secret) -> Status:
        return sasl_exchange(wire, self, user, secret)

    def sends_initial_response(self) -> bool:
        """Whether the first response goes on the AUTH line (when it fits there)."""
        return self.initial_response

    def failure(self, error: PoplarkError) -> PoplarkError:
        """The error for a failed exchange; ``error`` is what the -ERR line alone says."""
        return error


@dataclass(frozen=True)
class Plain(SaslMechanism):
    """SASL PLAIN (RFC 4616): NUL, user, NUL, password, in one initial response."""

    name: ClassVar[str] = "PLAIN"
    secret_kinds: ClassVar[frozenset[SecretKind]] = frozenset({SecretKind.PASSWORD})

    def respond(self, user: str, secret: Secret, step: int, challenge: bytes) -> bytes | None:
        if step == 0:
            return b"\0" + user.encode("utf-8") + b"\0" + secret.value.encode("utf-8")
        return None


@dataclass(frozen=True)
class Login(SaslMechanism):
    """SASL LOGIN (draft-murchison-sasl-login): the user, then the password, one per challenge.

    The challenges ("Username:", "Password:") are ignored, as every client does: servers word
    them differently.
    """

    name: ClassVar[str] = "LOGIN"
    secret_kinds: ClassVar[frozenset[SecretKind]] = frozenset({SecretKind.PASSWORD})
    initial_response: ClassVar[bool] = False

    def respond(self, user: str, secret: Secret, step: int, challenge: bytes) -> bytes | None:
        if step == 0:
            return user.encode("utf-8")
        if step == 1:
            return secret.value.encode("utf-8")
        return None


@dataclass
class _BearerMechanism(SaslMechanism):
    """An OAuth2 mechanism: the token in one response; an error challenge answered with a dummy
    response and decoded into the error (:mod:`app.core.oauth.sasl`).

    ``two_line``: send "AUTH name", then the response after the server's "+", even when it would
    fit on the AUTH line; Microsoft's POP3 server documents only that form. Instances live for one
    login: the error challenge is kept on them between :meth:`respond` and :meth:`failure`.
    """

    secret_kinds: ClassVar[frozenset[SecretKind]] = frozenset({SecretKind.BEARER_TOKEN})
    #: A bearer token replays like a password for as long as it lives.
    exposes_secret: ClassVar[bool] = True
    #: The answer to the server's error challenge.
    error_ack: ClassVar[bytes]
    two_line: bool = False
    error_challenge: bytes | None = field(default=None, repr=False)

    @abstractmethod
    def message(self, user: str, token: str) -> bytes:
        """The one response that carries the token."""

    def sends_initial_response(self) -> bool:
        return not self.two_line

    def respond(self, user: str, secret: Secret, step: int, challenge: bytes) -> bytes | None:
        if step == 0:
            return self.message(user, secret.value)
        if step == 1:
            # The only challenge after the token is the JSON error; the dummy answer lets the
            # server finish with its -ERR.
            self.error_challenge = challenge
            return self.error_ack
        return None

    def failure(self, error: PoplarkError) -> PoplarkError:
        if self.error_challenge is None and not isinstance(error, AuthError):
            # No JSON, and [SYS/TEMP], [IN-USE] or the like: nothing was said about the token.
            return error
        # The JSON error is definitive, whatever response code (or none) the -ERR carries.
        # Imported here, as the mechanisms' messages: a fetch with a password never needs them.
        from app.core.oauth.sasl import failure_error, parse_failure

        parsed = parse_failure(self.error_challenge) if self.error_challenge is not None else None
        return failure_error(parsed, error.server_text)


@dataclass
class XOAuth2(_BearerMechanism):
    """Google's XOAUTH2, which Microsoft's servers take too."""

    name: ClassVar[str] = "XOAUTH2"
    error_ack: ClassVar[bytes] = b""  # an empty response

    def message(self, user: str, token: str) -> bytes:
        from app.core.oauth.sasl import xoauth2_message

        return xoauth2_message(user, token)


@dataclass
class OAuthBearer(_BearerMechanism):
    """OAUTHBEARER (RFC 7628), the standard one (Dovecot, Gmail)."""

    name: ClassVar[str] = "OAUTHBEARER"
    error_ack: ClassVar[bytes] = b"\x01"  # RFC 7628 section 3.2.3

    def message(self, user: str, token: str) -> bytes:
        from app.core.oauth.sasl import oauthbearer_message

        return oauthbearer_message(user, token)


#: SASL mechanisms, most preferred first: the first that the server offers (CAPA's SASL line)
#: and that can send the secret is used. The token mechanisms come first, and take only tokens,
#: so a password still picks PLAIN; the standard OAUTHBEARER before XOAUTH2.
SASL_PREFERENCE: tuple[type[SaslMechanism], ...] = (OAuthBearer, XOAuth2, Plain, Login)


def choose_mechanism(capabilities: Capabilities, secret_kind: SecretKind, *, encrypted: bool,
                     apop_timestamp: bytes | None, use_apop: bool,
                     allow_insecure_auth: bool, two_line: bool = False) -> Mechanism:
    """The mechanism to log in with. Pure: table-tested in ``tests/core/test_auth_choice.py``.

    Order: APOP when the user switched it on (it takes a password only); then the SASL
    mechanisms of :data:`SASL_PREFERENCE` that the server offers; then USER/PASS, which every
    RFC 1939 server has. Raises :class:`ConfigError` for APOP without a valid timestamp in the
    greeting, for a mechanism that exposes the secret on an unencrypted link unless the account
    allows it, and when no mechanism can send this kind of secret. ``two_line``: a token
    mechanism sends its token after the "+", never on the AUTH line (Microsoft's form).
    """
    chosen: Mechanism | None = None
    if use_apop and secret_kind in Apop.secret_kinds:
        if apop_timestamp is None:
            raise ConfigError("APOP is switched on for this account, but the server's greeting "
                              "offers no valid APOP timestamp: switch APOP off")
        chosen = Apop(apop_timestamp)
    else:
        offered = capabilities.sasl_mechanisms
        kind = next((mechanism for mechanism in SASL_PREFERENCE
                     if mechanism.name in offered and secret_kind in mechanism.secret_kinds), None)
        if kind is not None and issubclass(kind, _BearerMechanism):
            chosen = kind(two_line=two_line)
        elif kind is not None:
            chosen = kind()
        if chosen is None and secret_kind in UserPass.secret_kinds:
            chosen = UserPass()
    if chosen is None:
        raise ConfigError(f"the server offers no login mechanism that can use this account's "
                          f"{secret_kind.value}")
    if chosen.exposes_secret and not encrypted and not allow_insecure_auth:
        raise ConfigError(f"refusing to send the {secret_kind.value} over an unencrypted connection: "
                          "choose SSL/TLS or STARTTLS, or allow insecure authentication "
                          "for this account")
    return chosen


def apop_timestamp(greeting: bytes) -> bytes | None:
    """The APOP timestamp of a greeting line, only when it is a well-formed msg-id."""
    match = _APOP_TIMESTAMP.search(greeting)
    return match.group(0) if match else None


def authenticate(wire: Wire, mechanism: Mechanism, user: str, secret: Secret, *, host: str,
                 auth_resp_code: bool) -> None:
    """Log in with ``mechanism``; a -ERR becomes the vocabulary's error.

    ``auth_resp_code``: the server advertised AUTH-RESP-CODE (RFC 3206 section 4), so only an
    [AUTH] reply means the credentials are wrong.
    """
    status = mechanism.exchange(wire, user, secret)
    if not status.ok:
        error = error_for(status, during="login", auth_phase=True, auth_resp_code=auth_resp_code)
        if isinstance(mechanism, SaslMechanism):
            error = mechanism.failure(error)
        if isinstance(error, AuthError):
            error.host, error.mechanism = host, mechanism.name
        raise error


def sasl_exchange(wire: Wire, mechanism: SaslMechanism, user: str, secret: Secret) -> Status:
    """The AUTH exchange of RFC 5034. Each response is base64'd; "=" stands for an empty one."""
    command = f"AUTH {mechanism.name}"
    step = 0
    # The first response, when it had to wait for the first challenge (too long for the line).
    waiting: str | None = None
    if mechanism.sends_initial_response():
        first = _encoded(mechanism.respond(user, secret, 0, b""), initial=True)
        step = 1
        if first is not None and len(command) + 1 + len(first) + 2 <= MAX_COMMAND_OCTETS:
            wire.send_line(f"{command} {first}", secret=True)
        else:
            waiting = first
            wire.send_line(command)
    else:
        wire.send_line(command)
    wire.pending.append(False)
    cancelled = False
    while True:
        line = wire.read_raw_line()
        if line.startswith(b"+ ") or line.rstrip(b"\r\n") == b"+":
            if cancelled:
                # A server that goes on challenging after "*" would keep us here forever.
                wire.in_step = False
                raise ProtocolError("the server kept asking for more after authentication "
                                    "was cancelled")
            response: str | None
            if waiting is not None:
                response, waiting = waiting, None
            else:
                response = _encoded(mechanism.respond(user, secret, step, _challenge(line)))
                step += 1
            if response is None:
                # The server wants more than we have: cancel the exchange (RFC 5034 section 4).
                wire.send_line("*")
                cancelled = True
                continue
            wire.send_line(response, secret=True)
            continue
        wire.pending.popleft()
        return parse_status(line)


def _encoded(response: bytes | None, *, initial: bool = False) -> str | None:
    # "=" stands for an empty initial response only (RFC 5034 section 4); an empty answer to a
    # challenge is an empty line, as XOAUTH2's error acknowledgement must be.
    if response is None:
        return None
    encoded = base64.b64encode(response).decode("ascii")
    return encoded or ("=" if initial else "")


def _challenge(line: bytes) -> bytes:
    # PLAIN and LOGIN ignore challenges; one that is not base64 is passed on as sent, and a
    # mechanism that reads challenges reports its own error.
    text = line[1:].strip()
    try:
        return base64.b64decode(text, validate=True)
    except binascii.Error:
        return text
