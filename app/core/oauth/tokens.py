"""Access tokens for a login: from the refresh token in the keyring, or from the user's command.

The refresh token lives in the system keyring only (``app/core/credentials.py``), never in the
profile database, settings or logs. Access tokens live in this process's memory only, and are
refreshed :data:`REFRESH_MARGIN_SECONDS` before they expire, so a login rarely meets an expired
one; when a server refuses one anyway (revoked early, a clock off), :func:`with_fresh_token_retry`
gets a new one and logs in once more. A refresh the authorization server refuses with
``invalid_grant`` (revoked, expired, password changed) is :class:`SignInAgain`.
"""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from app.core import credentials
from app.core.errors import (
    AuthError,
    ConfigError,
    CredentialsError,
    NoSecureStorage,
    SignInAgain,
    TokenRejected,
)
from app.core.oauth.http import OAuthHttpError, post_form
from app.core.oauth.providers import OAuthProvider
from app.core.pop3.auth import Secret

#: Refresh this long before the access token's end: a fetch must not start with a token that
#: dies during the login.
REFRESH_MARGIN_SECONDS = 60.0
#: When the server gives no expires_in: an hour, the usual life of an access token.
DEFAULT_LIFETIME_SECONDS = 3600.0
#: A token command that takes longer is stuck (waiting for a password prompt nobody sees).
COMMAND_TIMEOUT_SECONDS = 120.0

T = TypeVar("T")


def refresh_token_key(credential_key: str) -> str:
    """The keyring entry of an account's refresh token (beside its password entry)."""
    return credential_key + "-oauth2-refresh"


def client_secret_key(credential_key: str) -> str:
    """The keyring entry of a client secret: Google's desktop clients have one (not really secret,
    Google says, but it stays out of the profile all the same)."""
    return credential_key + "-oauth2-client-secret"


@dataclass(frozen=True)
class OAuthClient:
    """Who asks: the provider and the client ID (the user's own, or Poplark's from the table)."""

    provider: OAuthProvider
    client_id: str
    client_secret: str = field(default="", repr=False)

    def identify(self) -> dict[str, str]:
        fields = {"client_id": self.client_id}
        if self.client_secret:
            fields["client_secret"] = self.client_secret
        return fields


@dataclass(frozen=True)
class Grant:
    """What a token endpoint gave: an access token, its end, and maybe a (new) refresh token."""

    access_token: str = field(repr=False)
    expires_at: float
    refresh_token: str = field(default="", repr=False)


def request_tokens(client: OAuthClient, fields: dict[str, str], *,
                   clock: Callable[[], float] = time.time) -> Grant:
    """POST to the token endpoint (any grant type); the error vocabulary for a refusal."""
    started = clock()
    try:
        reply = post_form(client.provider.token_endpoint, {**fields, **client.identify()})
    except OAuthHttpError as error:
        raise token_error(error, client) from None
    return grant_from(reply, started)


def grant_from(reply: dict[str, Any], started: float) -> Grant:
    token = reply.get("access_token")
    if not isinstance(token, str) or not token:
        raise AuthError("the sign-in server answered without an access token: sign in again")
    try:
        lifetime = float(reply.get("expires_in", DEFAULT_LIFETIME_SECONDS))
    except (TypeError, ValueError):
        lifetime = DEFAULT_LIFETIME_SECONDS
    refresh = reply.get("refresh_token")
    return Grant(token, started + lifetime, refresh if isinstance(refresh, str) else "")


def token_error(error: OAuthHttpError, client: OAuthClient) -> Exception:
    """RFC 6749 section 5.2 errors in the vocabulary: a dead grant asks for a new sign-in, a client
    ID the provider does not know is a setting to fix."""
    said = error.description or error.error
    if error.error == "invalid_grant":
        return SignInAgain(f"{client.provider.name} no longer accepts this sign-in (it was revoked or "
                           "has expired): sign in again", server_text=said)
    if error.error in ("invalid_client", "unauthorized_client", "unsupported_grant_type"):
        return ConfigError(f"{client.provider.name} does not accept the client ID {client.client_id}: "
                           "check it (and the client secret, if the provider gave one)", server_text=said)
    return AuthError(f"{client.provider.name} refused the sign-in ({error.error})", server_text=said)


class TokenSource(Protocol):
    def token(self, *, fresh: bool = False) -> Secret:
        """An access token to log in with; ``fresh``: the last one was refused, get another."""


@dataclass
class _Cached:
    value: str = field(repr=False)
    expires_at: float


#: Access tokens by refresh-token key, for this process only: the GUI's fetches every few minutes
#: reuse one for its hour instead of asking the provider each time.
_memory: dict[str, _Cached] = {}
_memory_lock = threading.Lock()


def forget_access_tokens() -> None:
    """Drop every access token held in memory (tests; an account removed or signed out)."""
    with _memory_lock:
        _memory.clear()


class RefreshingTokens:
    """Access tokens from the refresh token stored under ``key`` (:func:`refresh_token_key`)."""

    def __init__(self, client: OAuthClient, key: str, *, clock: Callable[[], float] = time.time) -> None:
        self.client = client
        self.key = key
        self.clock = clock

    def token(self, *, fresh: bool = False) -> Secret:
        with _memory_lock:
            cached = _memory.get(self.key)
            if not fresh and cached is not None and cached.expires_at - REFRESH_MARGIN_SECONDS > self.clock():
                return Secret.bearer_token(cached.value)
        try:
            refresh = credentials.load_password(self.key)
        except NoSecureStorage:
            raise NoSecureStorage("no secure storage (system keyring) is available, and the sign-in is kept "
                                  "there: install and unlock one (on Debian/Ubuntu: gnome-keyring, or KWallet), "
                                  "or give the account a token command (--oauth2-token-command)") from None
        if not refresh:
            raise SignInAgain(f"this account is not signed in to {self.client.provider.name} yet: sign in")
        grant = request_tokens(self.client, {"grant_type": "refresh_token", "refresh_token": refresh},
                               clock=self.clock)
        if grant.refresh_token and grant.refresh_token != refresh:
            # Microsoft rotates refresh tokens: the old one keeps working for a while, the new
            # one for longer.
            credentials.store_password(self.key, grant.refresh_token)
        with _memory_lock:
            _memory[self.key] = _Cached(grant.access_token, grant.expires_at)
        return Secret.bearer_token(grant.access_token)


def store_grant(client: OAuthClient, key: str, grant: Grant) -> None:
    """Keep what a sign-in gave: the refresh token in the keyring, the access token in memory."""
    if not grant.refresh_token:
        raise SignInAgain(f"{client.provider.name} gave no refresh token, so Poplark could not stay "
                          "signed in: sign in again (and allow offline access if asked)")
    credentials.store_password(key, grant.refresh_token)
    with _memory_lock:
        _memory[key] = _Cached(grant.access_token, grant.expires_at)


class CommandTokens:
    """Access tokens printed by the user's command (as mpop's passwordeval; oama, for example).

    Run afresh for every login: the command keeps its own cache and knows when to refresh.
    """

    def __init__(self, command: str) -> None:
        self.command = command

    def token(self, *, fresh: bool = False) -> Secret:
        try:
            # Through the shell, as mpop's passwordeval: pipes and quoting work as the user wrote them.
            done = subprocess.run(self.command, shell=True, capture_output=True, text=True,
                                  timeout=COMMAND_TIMEOUT_SECONDS, check=False, stdin=subprocess.DEVNULL)
        except OSError as error:
            raise CredentialsError(f"the token command cannot be run: {error}. Check "
                                   "--oauth2-token-command") from None
        except subprocess.TimeoutExpired:
            raise CredentialsError(f"the token command did not finish within {COMMAND_TIMEOUT_SECONDS:.0f} "
                                   "seconds: run it by hand to see what it waits for") from None
        # Only the last line of stderr, and never stdout: stdout is the token.
        said = (done.stderr.strip().splitlines() or [""])[-1][:200]
        token = done.stdout.strip()
        if done.returncode != 0 or not token:
            reason = f"exited with status {done.returncode}" if done.returncode else "printed nothing"
            # Its own words, not a server's: in the message, not in server_text.
            reason += f" ({said})" if said else ""
            raise CredentialsError(f"the token command {reason}: run it by hand to see why")
        return Secret.bearer_token(token.splitlines()[0].strip())


def with_fresh_token_retry(source: TokenSource, attempt: Callable[[Secret], T]) -> T:
    """``attempt(token)``; when the server refuses the token, once more with a fresh one."""
    try:
        return attempt(source.token())
    except TokenRejected:
        return attempt(source.token(fresh=True))
