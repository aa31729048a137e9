"""An account's OAuth2 client and access tokens, for the command line and the window alike.

The account names its provider and (until Poplark has one of its own in the table) the user's
client ID; a client secret, when the provider gave one, is in the keyring beside the refresh token.
The token command, when set, replaces all of it. ``advice`` is how the caller tells the user to give
a client ID: an option on the command line, a field in the account dialog.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from app.core import credentials
from app.core.errors import ConfigError
from app.core.model import Account
from app.core.oauth.providers import oauth_provider
from app.core.oauth.tokens import (
    CommandTokens,
    OAuthClient,
    RefreshingTokens,
    TokenSource,
    client_secret_key,
    refresh_token_key,
    with_fresh_token_retry,
)
from app.core.pop3.auth import Secret

T = TypeVar("T")

#: What to do without a client ID, said for the account dialog (the CLI names its options).
DEFAULT_CLIENT_ID_ADVICE = "enter your own client ID in the account settings (docs/oauth2.md says how to register one)"


def oauth_client(account: Account, advice: str = DEFAULT_CLIENT_ID_ADVICE) -> OAuthClient:
    """The client that signs ``account`` in: its provider, client ID and (stored) client secret."""
    provider = oauth_provider(account.oauth2_provider)
    client_id = account.oauth2_client_id or provider.client_id
    if not client_id:
        raise ConfigError(f"{account.name} has no OAuth2 client ID: {advice}")
    # An account not saved yet has no keyring entries, so no client secret either.
    secret = credentials.load_password(client_secret_key(account.credential_key)) if account.id is not None else None
    return OAuthClient(provider, client_id, secret or "")


def token_source(account: Account, advice: str = DEFAULT_CLIENT_ID_ADVICE) -> TokenSource:
    """Where ``account``'s access tokens come from: its token command, or its refresh token."""
    if account.oauth2_token_command:
        return CommandTokens(account.oauth2_token_command)
    return RefreshingTokens(oauth_client(account, advice), refresh_token_key(account.credential_key))


def with_account_token(account: Account, attempt: Callable[[Secret], T],
                       advice: str = DEFAULT_CLIENT_ID_ADVICE) -> T:
    """``attempt`` with an access token; once more with a fresh one if the server refuses it."""
    return with_fresh_token_retry(token_source(account, advice), attempt)
