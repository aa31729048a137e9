"""The OAuth2 authorization servers Poplark knows, from ``resources/oauth2_providers.json``.

Each entry names the endpoints (from the provider's OpenID discovery document), the scopes POP3
and SMTP need, the mail hosts that take its tokens, and how its POP3 server wants the token (on
the AUTH line, or after the "+" as Microsoft documents). ``client_id`` is empty in the table:
Poplark ships no other application's client ID, the user gives their own (docs/oauth2.md); a
Poplark client ID, once registered, is one edit of the table.

``POPLARK_OAUTH2_PROVIDERS`` may name another JSON file of the same shape whose entries are added
to the table (or replace one of the same id): for a self-hosted authorization server, and for the
tests' mock server.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from app.core.errors import ConfigError

EXTRA_TABLE_VARIABLE = "POPLARK_OAUTH2_PROVIDERS"


@dataclass(frozen=True)
class OAuthProvider:
    id: str
    name: str
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    scopes: tuple[str, ...]
    #: "" when the provider has no device flow for mail (Google's excludes the mail scope).
    device_authorization_endpoint: str = ""
    revocation_endpoint: str = ""
    #: Added to the authorization request: Google gives a refresh token only with
    #: access_type=offline, and again on a second sign-in only with prompt=consent.
    authorization_parameters: Mapping[str, str] = field(default_factory=dict)
    #: The redirect URI's host. The listener always binds 127.0.0.1; Microsoft Entra's portal
    #: registers "http://localhost" (any port), Google's desktop clients take the loopback IP.
    redirect_host: str = "127.0.0.1"
    domains: tuple[str, ...] = ()
    pop3_hosts: tuple[str, ...] = ()
    smtp_hosts: tuple[str, ...] = ()
    #: Send the token after the server's "+", never on the AUTH line.
    pop3_two_line_auth: bool = False
    #: Poplark's own client ID, when one is registered ("" until then: the user gives theirs).
    client_id: str = ""
    #: Where a user registers a client ID (docs/oauth2.md explains what to create there).
    registration_url: str = ""


def _provider(entry: Mapping[str, Any]) -> OAuthProvider:
    return OAuthProvider(
        id=str(entry["id"]), name=str(entry.get("name", entry["id"])), issuer=str(entry.get("issuer", "")),
        authorization_endpoint=str(entry["authorization_endpoint"]),
        token_endpoint=str(entry["token_endpoint"]),
        scopes=tuple(str(scope) for scope in entry.get("scopes", ())),
        device_authorization_endpoint=str(entry.get("device_authorization_endpoint", "")),
        revocation_endpoint=str(entry.get("revocation_endpoint", "")),
        authorization_parameters={str(key): str(value)
                                  for key, value in entry.get("authorization_parameters", {}).items()},
        redirect_host=str(entry.get("redirect_host", "127.0.0.1")),
        domains=tuple(str(domain).lower() for domain in entry.get("domains", ())),
        pop3_hosts=tuple(str(host).lower() for host in entry.get("pop3_hosts", ())),
        smtp_hosts=tuple(str(host).lower() for host in entry.get("smtp_hosts", ())),
        pop3_two_line_auth=bool(entry.get("pop3_two_line_auth", False)),
        client_id=str(entry.get("client_id", "")),
        registration_url=str(entry.get("registration_url", "")))


def _read(path: Path) -> list[OAuthProvider]:
    import json

    data = json.loads(path.read_text("utf-8"))
    return [_provider(entry) for entry in data["providers"]]


@cache
def _load(extra: str) -> dict[str, OAuthProvider]:
    from app.core.providers import resources_directory

    table = {provider.id: provider for provider in _read(resources_directory() / "oauth2_providers.json")}
    if extra:
        try:
            table.update((provider.id, provider) for provider in _read(Path(extra)))
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
            raise ConfigError(f"the OAuth2 provider table {extra} ({EXTRA_TABLE_VARIABLE}) cannot be read: "
                              f"{error}. Fix or unset it") from error
    return table


def oauth_providers() -> dict[str, OAuthProvider]:
    """Every provider by id: the shipped table, then the one ``POPLARK_OAUTH2_PROVIDERS`` names."""
    return _load(os.environ.get(EXTRA_TABLE_VARIABLE, ""))


def oauth_provider(provider_id: str) -> OAuthProvider:
    """The provider ``provider_id``; a ConfigError that lists the known ones otherwise."""
    table = oauth_providers()
    try:
        return table[provider_id]
    except KeyError:
        raise ConfigError(f"unknown OAuth2 provider {provider_id!r}: choose one of "
                          f"{', '.join(sorted(table))}") from None


def provider_for_host(host: str) -> OAuthProvider | None:
    """The provider whose tokens the POP3 or SMTP server ``host`` takes, or None."""
    name = host.strip().lower().rstrip(".")
    return next((provider for provider in oauth_providers().values()
                 if name in provider.pop3_hosts or name in provider.smtp_hosts), None)
