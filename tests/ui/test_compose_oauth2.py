"""Sending from the window with an OAuth2 account (issues 16 and 17): the compose window's Send
logs in to SMTP with XOAUTH2 and the access token of the account's sign-in, never a password.

Real parts: the mock authorization server on 127.0.0.1 (the test is the browser), the fake SMTP
server over TLS with the test CA, a real SQLite file, the in-memory keyring holding only the refresh
token."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from app.core.model import Account, AuthMethod, Folder, Security, SmtpSettings
from app.core.oauth import flows, tokens
from app.core.oauth.providers import oauth_providers
from app.core.oauth.tokens import OAuthClient
from app.core.store import Profile, Store
from app.ui.main_window import MainWindow
from tests.fakes.certs import TestCertificates
from tests.fakes.keyrings import MemoryKeyring
from tests.fakes.oauth_server import CLIENT_ID, MockAuthorizationServer, follow_in_browser
from tests.fakes.smtp_server import FakeSmtpServer
from tests.ui.test_account_dialog_signin import mock
from tests.ui.test_compose import ME, open_with
from tests.ui.test_compose_sending import send, write

__all__ = ["mock"]  # the fixture, imported for pytest


@pytest.fixture
def smtp(certificates: TestCertificates) -> Iterator[FakeSmtpServer]:
    server = FakeSmtpServer("tls", certificates, user=ME).start()
    yield server
    server.stop()


def test_the_window_sends_with_the_accounts_access_token(
        qtbot: QtBot, tmp_path: Path, memory_keyring: MemoryKeyring, certificates: TestCertificates,
        mock: MockAuthorizationServer, smtp: FakeSmtpServer) -> None:
    profile = Profile(tmp_path / "profile").ensure()
    store = Store.open(profile)
    account = store.add_account(Account(
        name="work", host="127.0.0.1", port=1, user=ME, email=ME, display_name="Alice", security=Security.NONE,
        check_interval_minutes=0, ca_file=str(certificates.ca_pem), timeout_seconds=5, auth=AuthMethod.OAUTH2,
        oauth2_provider="mock", oauth2_client_id=CLIENT_ID,
        smtp=SmtpSettings(host="localhost", port=smtp.port, security=Security.TLS, user=ME)))
    client = OAuthClient(oauth_providers()["mock"], CLIENT_ID)
    grant = flows.sign_in_with_browser(client, open_url=follow_in_browser, timeout=20)
    tokens.store_grant(client, tokens.refresh_token_key(account.credential_key), grant)
    smtp.token = grant.access_token
    window = MainWindow(store, profile, QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    try:
        compose = open_with(qtbot, window, "new_message", closed_by_test=False)
        write(compose, "bob@example.com", "Token")
        send(qtbot, window, compose)
        [received] = smtp.received
        assert smtp.refused_tokens == [] and b"Subject: Token" in received.data
        [sent] = store.messages("work", folder=Folder.SENT.value)
        assert store.raw(sent.id) == received.data and store.outbox() == []
        # Only the refresh token is kept, under the account's OAuth2 key: no password was asked for.
        assert list(memory_keyring.passwords) == [("Poplark", tokens.refresh_token_key(account.credential_key))]
    finally:
        window.close_for_good()
        store.close()
