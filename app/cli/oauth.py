"""OAuth2 on the command line (issue 17): the options of ``account add``, ``account authorize NAME
[--device]``, and the access token a fetch logs in with.

Start-up stays light: the token, flow and HTTP modules are imported by the handlers that use them.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from app.cli.presenter import EXIT_OK
from app.core import credentials
from app.core.errors import ConfigError, NoSecureStorage
from app.core.model import Account, AuthMethod

if TYPE_CHECKING:
    from app.core.oauth.flows import DeviceCode
    from app.core.oauth.tokens import OAuthClient, TokenSource
    from app.core.pop3.auth import Secret
    from app.core.store import Store

T = TypeVar("T")

CLIENT_ID_ADVICE = ("give your own with --oauth2-client-id (the guide in docs/oauth2.md says how to register "
                    "one), or use --oauth2-token-command")


def add_oauth2_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--auth", choices=[method.value for method in AuthMethod], default=AuthMethod.PASSWORD.value,
                        help="password (or authorization code), or oauth2 (sign in with Google or Microsoft)")
    parser.add_argument("--oauth2-provider", metavar="ID",
                        help="google, microsoft or microsoft-work (default: the one the POP3 host belongs to)")
    parser.add_argument("--oauth2-client-id", metavar="ID", help="your OAuth2 client ID (docs/oauth2.md)")
    parser.add_argument("--oauth2-client-secret-stdin", action="store_true",
                        help="read the client secret (Google's desktop clients have one) from standard input")
    parser.add_argument("--oauth2-token-command", metavar="CMD",
                        help="a command that prints an access token (as mpop's passwordeval, or oama)")


def add_authorize_parser(account_commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    authorize = account_commands.add_parser(
        "authorize", help="sign in to an OAuth2 account in the browser (or with a code on another device)")
    authorize.add_argument("name")
    authorize.add_argument("--device", action="store_true",
                           help="no browser here: show a code to enter on another device (Microsoft)")


def oauth2_settings(arguments: argparse.Namespace) -> dict[str, object]:
    """The Account fields of the OAuth2 options (none for a password account)."""
    if arguments.auth != AuthMethod.OAUTH2.value:
        if arguments.oauth2_provider or arguments.oauth2_client_id or arguments.oauth2_token_command:
            raise ConfigError("the --oauth2-* options need --auth oauth2")
        return {}
    provider = arguments.oauth2_provider or ""
    if not provider and not arguments.oauth2_token_command:
        from app.core.oauth.providers import provider_for_host

        found = provider_for_host(arguments.host)
        if found is None:
            raise ConfigError(f"no OAuth2 provider is known for {arguments.host}: give --oauth2-provider, "
                              "or --oauth2-token-command")
        provider = found.id
    if provider:
        from app.core.oauth.providers import oauth_provider

        known = oauth_provider(provider)  # a ConfigError naming the known ones
        if not (arguments.oauth2_client_id or known.client_id or arguments.oauth2_token_command):
            raise ConfigError(f"Poplark has no client ID of its own for {known.name} yet: {CLIENT_ID_ADVICE}")
    return {"auth": AuthMethod.OAUTH2, "oauth2_provider": provider,
            "oauth2_client_id": arguments.oauth2_client_id or "",
            "oauth2_token_command": arguments.oauth2_token_command or ""}


def keep_client_secret(account: Account, arguments: argparse.Namespace) -> None:
    """After ``account add``: the client secret, read from stdin, into the keyring."""
    if not getattr(arguments, "oauth2_client_secret_stdin", False):
        return
    from app.core.oauth.tokens import client_secret_key

    secret = sys.stdin.readline().rstrip("\r\n")
    if not secret:
        raise ConfigError("the client secret is empty: nothing was saved")
    credentials.store_password(client_secret_key(account.credential_key), secret)


def describe_auth(account: Account) -> str:
    if account.auth is not AuthMethod.OAUTH2:
        return ""
    if account.oauth2_token_command:
        return "; signs in with an access token from its token command"
    return f"; signs in with OAuth2 ({account.oauth2_provider}): run 'poplark account authorize {account.name}'"


def oauth_client(account: Account) -> OAuthClient:
    from app.core.oauth.account_tokens import oauth_client as account_client

    return account_client(account, CLIENT_ID_ADVICE)


def token_source(account: Account) -> TokenSource:
    from app.core.oauth.account_tokens import token_source as account_source

    return account_source(account, CLIENT_ID_ADVICE)


def with_token(account: Account, attempt: Callable[[Secret], T]) -> T:
    """``attempt`` with an access token; once more with a fresh one if the server refuses it."""
    from app.core.oauth.account_tokens import with_account_token

    return with_account_token(account, attempt, CLIENT_ID_ADVICE)


def command_authorize(store: Store, arguments: argparse.Namespace) -> int:
    """``account authorize NAME [--device]``: sign in; the refresh token goes to the keyring."""
    from app.core.cancel import CancelToken
    from app.core.oauth import flows
    from app.core.oauth.tokens import refresh_token_key, store_grant

    account = store.account(arguments.name)
    if account.auth is not AuthMethod.OAUTH2:
        raise ConfigError(f"{account.name} signs in with a password, not OAuth2")
    if account.oauth2_token_command:
        raise ConfigError(f"{account.name} gets its tokens from its token command: there is nothing to sign in to")
    if not credentials.secure_storage_available():
        raise NoSecureStorage("no secure storage (system keyring) is available to keep the sign-in. Install and "
                              "unlock one (on Debian/Ubuntu: sudo apt install gnome-keyring, then log in to a "
                              "desktop session; KWallet works too), or use --oauth2-token-command")
    client = oauth_client(account)
    cancel = CancelToken()
    from app.cli.interrupts import cancel_on_signals

    cancel_on_signals(cancel)
    if arguments.device:
        grant = flows.sign_in_with_device_code(client, show=_show_device_code, cancel=cancel)
    else:
        grant = flows.sign_in_with_browser(client, open_url=_open_in_browser, login_hint=account.email or account.user,
                                           cancel=cancel)
    store_grant(client, refresh_token_key(account.credential_key), grant)
    print(f"signed in: {account.name} now fetches with {client.provider.name}'s tokens")
    return EXIT_OK


def _open_in_browser(url: str) -> None:
    import webbrowser

    print("Opening the sign-in page in your browser. If it does not open, open this address:\n" + url,
          file=sys.stderr, flush=True)
    webbrowser.open(url)


def _show_device_code(code: DeviceCode) -> None:
    text = code.message or f"To sign in, open {code.verification_uri} and enter the code {code.user_code}."
    print(text, file=sys.stderr, flush=True)
