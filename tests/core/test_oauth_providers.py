"""The OAuth2 provider table (issue 17): what ships, and what a user's own table may add."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.core.errors import ConfigError
from app.core.oauth import providers
from app.core.oauth.providers import oauth_provider, oauth_providers, provider_for_host
from app.core.pop3.client import _two_line_host


def test_the_shipped_table() -> None:
    table = oauth_providers()
    assert {"google", "microsoft", "microsoft-work"} <= table.keys()
    for provider in table.values():
        # No other application's client ID is shipped; endpoints are HTTPS; mail scopes are asked.
        assert provider.client_id == ""
        assert provider.authorization_endpoint.startswith("https://")
        assert provider.token_endpoint.startswith("https://")
        assert provider.scopes and provider.pop3_hosts and provider.registration_url.startswith("https://")
    assert oauth_provider("google").scopes == ("https://mail.google.com/",)
    assert oauth_provider("google").device_authorization_endpoint == ""  # no mail scope there
    microsoft = oauth_provider("microsoft")
    assert "offline_access" in microsoft.scopes and microsoft.device_authorization_endpoint
    assert "https://outlook.office.com/POP.AccessAsUser.All" in microsoft.scopes


def test_hosts_find_their_provider_and_its_login_form() -> None:
    assert provider_for_host("Outlook.Office365.com.").id == "microsoft"  # type: ignore[union-attr]
    assert provider_for_host("pop.gmail.com").id == "google"  # type: ignore[union-attr]
    assert provider_for_host("pop.qq.com") is None
    assert _two_line_host("outlook.office365.com") and not _two_line_host("pop.gmail.com")
    assert not _two_line_host("mail.example.org")


def test_an_extra_table_adds_and_replaces(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    extra = tmp_path / "mine.json"
    extra.write_text(json.dumps({"providers": [
        {"id": "contoso", "authorization_endpoint": "https://login.example/authorize",
         "token_endpoint": "https://login.example/token", "scopes": ["mail"], "client_id": "abc",
         "pop3_hosts": ["pop.contoso.example"]}]}))
    monkeypatch.setenv(providers.EXTRA_TABLE_VARIABLE, str(extra))
    assert oauth_provider("contoso").client_id == "abc" and "google" in oauth_providers()
    assert provider_for_host("pop.contoso.example").id == "contoso"  # type: ignore[union-attr]
    extra.write_text("{not json")
    monkeypatch.setenv(providers.EXTRA_TABLE_VARIABLE, str(tmp_path / "other.json"))
    with pytest.raises(ConfigError, match="cannot be read"):
        oauth_providers()
    monkeypatch.delenv(providers.EXTRA_TABLE_VARIABLE)
    with pytest.raises(ConfigError, match="google, microsoft"):
        oauth_provider("yahoo")
