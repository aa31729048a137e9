"""The account dialog's SMTP settings (issue 16), OAuth2 sign-in and authorization codes (issue 17),
and the window's "Sign In Again" button.

Real parts: the fake POP3 and SMTP servers over TLS with the test CA, the mock authorization server
on 127.0.0.1 (it checks PKCE, issues, refreshes and revokes tokens), and a real SQLite file. The test
is the browser: it loads the sign-in URL and follows the redirect to the dialog's listener.
"""

from __future__ import annotations

import json
import logging
import socket
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from app.core import credentials
from app.core.errors import Cancelled, SignInAgain
from app.core.model import Account, AuthMethod, Security, SmtpSettings
from app.core.oauth import flows, tokens
from app.core.oauth.providers import EXTRA_TABLE_VARIABLE, oauth_providers
from app.core.oauth.tokens import OAuthClient
from app.core.store import Profile, Store
from app.ui.dialogs.account_dialog import AccountDialog
from app.ui.dialogs.account_dialog.sign_in_flow import unfinished_sign_ins
from app.ui.dialogs.sign_in_dialog import SignInDialog
from app.ui.errors import Remedy, user_message
from app.ui.panes.info_bar import InfoBar
from app.ui.sign_in_again import SignInAgainOffer
from app.ui.workers.fetch_controller import FetchController
from tests.conftest import ServerFactory
from tests.fakes.certs import TestCertificates
from tests.fakes.keyrings import MemoryKeyring
from tests.fakes.oauth_server import CLIENT_ID, MockAuthorizationServer, follow_in_browser
from tests.fakes.pop3_server import crlf
from tests.fakes.smtp_server import FakeSmtpServer
from tests.ui.test_account_dialog import fill_for_server, open_dialog, run_test
from tests.ui.test_account_dialog_save import english, press_ok_and_answer, store

__all__ = ["english", "store"]  # the fixtures, imported for pytest (English, a keyring, a store)

DEFAULT_MESSAGES = [crlf("Subject: one\n\nbody\n")]
DEFAULT_MODE = "tls"
SIGNAL_TIMEOUT_MS = 20_000


@pytest.fixture
def mock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[MockAuthorizationServer]:
    """The mock authorization server, in the provider table as the provider of example.org and of
    the fake servers' host (localhost)."""
    tokens.forget_access_tokens()
    with MockAuthorizationServer(user="alice") as server:
        table = tmp_path / "oauth2-providers.json"
        table.write_text(json.dumps({"providers": [server.provider_entry(
            "mock", domains=["example.org"], pop3_hosts=["localhost"], smtp_hosts=["localhost"])]}), "utf-8")
        monkeypatch.setenv(EXTRA_TABLE_VARIABLE, str(table))
        yield server
    tokens.forget_access_tokens()


@pytest.fixture
def smtp_server(certificates: TestCertificates) -> Iterator[FakeSmtpServer]:
    server = FakeSmtpServer("tls", certificates, user="alice", password="secret").start()
    yield server
    server.stop()


def sending_tab(dialog: AccountDialog) -> None:
    dialog.tabs.setCurrentWidget(dialog.smtp)


def point_smtp_at(qtbot: QtBot, dialog: AccountDialog, server: FakeSmtpServer) -> None:
    sending_tab(dialog)
    dialog.smtp.smtp_host_edit.clear()
    qtbot.keyClicks(dialog.smtp.smtp_host_edit, "localhost")
    dialog.smtp.set_security(Security.TLS)
    dialog.smtp.smtp_port_spin.setValue(server.port)


def sign_in(qtbot: QtBot, dialog: AccountDialog) -> None:
    """Press "Sign in with ..." and be the browser; wait until the dialog holds the sign-in."""
    dialog.sign_in.flow.open_url = follow_in_browser
    with qtbot.waitSignal(dialog.sign_in.flow.signed_in, timeout=SIGNAL_TIMEOUT_MS):
        qtbot.mouseClick(dialog.sign_in.sign_in_button, Qt.MouseButton.LeftButton)


# -- SMTP -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("address", "host", "port", "security"), [
    ("someone@qq.com", "smtp.qq.com", 465, Security.TLS),
    ("someone@outlook.com", "smtp-mail.outlook.com", 587, Security.STARTTLS),
])
def test_the_address_fills_the_smtp_server(qtbot: QtBot, store: Store, address: str, host: str, port: int,
                                           security: Security) -> None:
    dialog = open_dialog(qtbot, store)
    qtbot.keyClicks(dialog.address_edit, address)
    assert dialog.smtp.smtp_host_edit.text() == host
    assert dialog.smtp.smtp_port_spin.value() == port
    assert dialog.smtp.security() is security


def test_a_smtp_field_typed_by_hand_stays_and_the_port_follows_security(qtbot: QtBot, store: Store) -> None:
    dialog = open_dialog(qtbot, store)
    sending_tab(dialog)
    qtbot.keyClicks(dialog.smtp.smtp_host_edit, "mail.example.net")
    dialog.smtp.set_security(Security.STARTTLS)
    assert dialog.smtp.smtp_port_spin.value() == 587  # the port follows until set by hand
    qtbot.keyClicks(dialog.address_edit, "someone@qq.com")
    assert dialog.smtp.smtp_host_edit.text() == "mail.example.net"
    assert dialog.smtp.security() is Security.STARTTLS


def test_the_connection_test_covers_smtp_with_the_same_password(qtbot: QtBot, store: Store, serve: ServerFactory,
                                                                 certificates: TestCertificates,
                                                                 smtp_server: FakeSmtpServer) -> None:
    pop3 = serve()
    dialog = open_dialog(qtbot, store)
    fill_for_server(qtbot, dialog, pop3, certificates)
    point_smtp_at(qtbot, dialog, smtp_server)
    report = run_test(qtbot, dialog)
    pop3_part, _, smtp_part = report.partition(f"Sending mail (SMTP, localhost:{smtp_server.port})")
    assert "Login works." in pop3_part
    assert "Encrypted." in smtp_part and "Login works." in smtp_part
    assert "Poplark can send mail through this server." in smtp_part
    assert smtp_server.logins  # it really logged in, with the POP3 password


def test_a_wrong_separate_smtp_password_is_reported_for_smtp_only(qtbot: QtBot, store: Store, serve: ServerFactory,
                                                                   certificates: TestCertificates,
                                                                   smtp_server: FakeSmtpServer) -> None:
    pop3 = serve()
    dialog = open_dialog(qtbot, store)
    fill_for_server(qtbot, dialog, pop3, certificates)
    point_smtp_at(qtbot, dialog, smtp_server)
    dialog.smtp.smtp_separate_check.setChecked(True)
    assert dialog.smtp.smtp_password_edit.isVisible()
    dialog.smtp.smtp_password_edit.setText("wrong")
    report = run_test(qtbot, dialog)
    pop3_part, _, smtp_part = report.partition("Sending mail (SMTP")
    assert "Login works." in pop3_part
    assert "Login failed." in smtp_part
    assert "separate password for sending" in smtp_part
    assert not smtp_server.logins
    # Saving asks first, and says it is the sending that fails.
    questions = press_ok_and_answer(qtbot, dialog, None)
    assert len(questions) == 1 and questions[0].startswith("The SMTP server did not accept the login.")
    assert "fail to send mail" in questions[0]
    assert dialog.account is None  # "Back to the Settings"


def test_smtp_settings_and_a_separate_password_are_saved_apart(qtbot: QtBot, store: Store, tmp_path: Path,
                                                               memory_keyring: MemoryKeyring) -> None:
    dialog = open_dialog(qtbot, store)
    qtbot.keyClicks(dialog.address_edit, "someone@qq.com")
    dialog.password_edit.setText("abcdefghijklmnop")
    sending_tab(dialog)
    dialog.smtp.smtp_separate_check.setChecked(True)
    assert not dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()  # the SMTP password is missing
    dialog.smtp.smtp_password_edit.setText("smtp-only-Secret")
    dialog.accept()
    saved = dialog.account
    assert saved is not None
    assert saved.smtp == SmtpSettings(host="smtp.qq.com", port=465, security=Security.TLS, separate_password=True)
    assert store.account(saved.name).smtp == saved.smtp
    assert credentials.load_password(saved.smtp_credential_key) == "smtp-only-Secret"
    assert credentials.load_password(saved.credential_key) == "abcdefghijklmnop"
    assert b"smtp-only-Secret" not in (tmp_path / "poplark.sqlite3").read_bytes()


# -- authorization codes ----------------------------------------------------------------------------

@pytest.mark.parametrize(("address", "page"), [("someone@qq.com", "https://mail.qq.com/"),
                                               ("someone@163.com", "https://mail.163.com/"),
                                               ("someone@126.com", "https://mail.126.com/")])
def test_the_authorization_code_guide_opens_the_web_mail(qtbot: QtBot, store: Store, address: str, page: str,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr("app.ui.dialogs.account_dialog.auth_code.QDesktopServices.openUrl",
                        lambda url: opened.append(url.toString()) or True)
    dialog = open_dialog(qtbot, store)
    qtbot.keyClicks(dialog.address_edit, address)
    assert dialog.auth_code_guide.isVisible()
    assert "16-character code" in dialog.auth_code_guide.steps.text()
    qtbot.mouseClick(dialog.auth_code_guide.open_button, Qt.MouseButton.LeftButton)
    assert opened == [page]


def test_an_authorization_code_is_saved_without_its_spaces(qtbot: QtBot, store: Store) -> None:
    dialog = open_dialog(qtbot, store)
    qtbot.keyClicks(dialog.address_edit, "someone@qq.com")
    dialog.password_edit.setText("abcd efgh ijkl mnop")
    length = dialog.auth_code_guide.length_label
    assert length.isVisible() and "16 characters" in length.text()
    dialog.accept()
    assert dialog.account is not None
    assert credentials.load_password(dialog.account.credential_key) == "abcdefghijklmnop"


def test_a_short_code_is_pointed_out_and_elsewhere_spaces_are_kept(qtbot: QtBot, store: Store) -> None:
    dialog = open_dialog(qtbot, store)
    qtbot.keyClicks(dialog.address_edit, "someone@163.com")
    dialog.password_edit.setText("my web password")
    assert "an authorization code has 16" in dialog.auth_code_guide.length_label.text()
    other = open_dialog(qtbot, store)
    qtbot.keyClicks(other.address_edit, "someone@example.net")
    other.host_edit.clear()
    qtbot.keyClicks(other.host_edit, "pop.example.net")
    other.password_edit.setText("pass phrase with spaces")
    assert not other.auth_code_guide.isVisible()
    other.accept()
    assert other.account is not None
    assert credentials.load_password(other.account.credential_key) == "pass phrase with spaces"


# -- OAuth2 -----------------------------------------------------------------------------------------

def test_gmail_offers_google_sign_in_and_explains_the_app_password(qtbot: QtBot, store: Store) -> None:
    dialog = open_dialog(qtbot, store)
    qtbot.keyClicks(dialog.address_edit, "someone@gmail.com")
    assert dialog.sign_in.isVisible()
    assert "app password" in dialog.sign_in.gmail_note.text() and dialog.sign_in.gmail_note.isVisible()
    assert dialog.sign_in.method_combo.currentData() == AuthMethod.PASSWORD.value  # the app password is as good
    dialog.sign_in.method_combo.setCurrentIndex(dialog.sign_in.method_combo.findData(AuthMethod.OAUTH2.value))
    assert dialog.sign_in.sign_in_button.text() == "Sign in with Google…"
    assert dialog.sign_in.client_secret_edit.isVisible()
    assert not dialog.password_edit.isVisible()
    assert "client ID" in dialog.buttons.button(dialog.buttons.StandardButton.Ok).toolTip()


def test_outlook_offers_microsoft_sign_in_first(qtbot: QtBot, store: Store) -> None:
    dialog = open_dialog(qtbot, store)
    qtbot.keyClicks(dialog.address_edit, "someone@outlook.com")
    assert dialog.sign_in.oauth2()
    assert dialog.sign_in.sign_in_button.text() == "Sign in with Microsoft…"
    assert not dialog.sign_in.sign_in_button.isEnabled()  # no client ID yet: Poplark ships none
    assert not dialog.password_edit.isVisible() and not dialog.sign_in.gmail_note.isVisible()
    qtbot.keyClicks(dialog.sign_in.client_id_edit, "my-own-client")
    assert dialog.sign_in.sign_in_button.isEnabled()


def test_sign_in_in_the_browser_then_test_and_save(qtbot: QtBot, store: Store, tmp_path: Path,
                                                   mock: MockAuthorizationServer, serve: ServerFactory,
                                                   certificates: TestCertificates,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    pop3 = serve(token_checker=mock.check)
    dialog = open_dialog(qtbot, store)
    fill_for_server(qtbot, dialog, pop3, certificates, password="")
    assert dialog.sign_in.oauth2()  # localhost is the mock provider's POP3 host
    qtbot.keyClicks(dialog.sign_in.client_id_edit, CLIENT_ID)
    assert not dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()  # not signed in yet
    sign_in(qtbot, dialog)
    assert "Signed in." in dialog.sign_in.status_label.text()
    assert dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()
    report = run_test(qtbot, dialog)
    assert "Login works." in report
    dialog.accept()
    saved = dialog.account
    assert saved is not None and saved.auth is AuthMethod.OAUTH2 and saved.oauth2_provider == "mock"
    assert saved.oauth2_client_id == CLIENT_ID
    refresh = credentials.load_password(tokens.refresh_token_key(saved.credential_key))
    assert refresh is not None and refresh in mock.refresh_tokens
    # The secrets scan: no refresh or access token in the profile, the settings or the log.
    issued = [*mock.refresh_tokens, *mock.access]
    assert issued
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    settings.sync()
    stored = b"".join(path.read_bytes() for path in tmp_path.rglob("*") if path.is_file())
    for token in issued:
        assert token.encode() not in stored
        assert token not in caplog.text
        assert token not in report


def test_a_sign_in_can_be_cancelled(qtbot: QtBot, store: Store, mock: MockAuthorizationServer) -> None:
    dialog = open_dialog(qtbot, store)
    qtbot.keyClicks(dialog.address_edit, "alice@example.org")
    qtbot.keyClicks(dialog.sign_in.client_id_edit, CLIENT_ID)
    dialog.sign_in.flow.open_url = lambda _url: None  # a browser where nobody signs in
    with qtbot.waitSignal(dialog.sign_in.flow.browser_opened, timeout=SIGNAL_TIMEOUT_MS):
        qtbot.mouseClick(dialog.sign_in.sign_in_button, Qt.MouseButton.LeftButton)
    assert dialog.sign_in.cancel_button.isVisible()
    assert "Waiting for you to sign in" in dialog.sign_in.status_label.text()
    with qtbot.waitSignal(dialog.sign_in.flow.failed, timeout=SIGNAL_TIMEOUT_MS) as failed:
        qtbot.mouseClick(dialog.sign_in.cancel_button, Qt.MouseButton.LeftButton)
    assert isinstance(failed.args[0], Cancelled)
    assert "cancelled" in dialog.sign_in.status_label.text()
    assert dialog.sign_in.sign_in_button.isEnabled() and dialog.sign_in.grant is None


# -- the window: Sign In Again ----------------------------------------------------------------------

def test_a_withdrawn_sign_in_gets_a_button_that_signs_in_and_fetches(qtbot: QtBot, store: Store,
                                                                     mock: MockAuthorizationServer) -> None:
    account = store.add_account(Account(name="work", host="localhost", user="alice", email="alice@example.org",
                                        auth=AuthMethod.OAUTH2, oauth2_provider="mock", oauth2_client_id=CLIENT_ID))
    message = user_message(SignInAgain("the provider withdrew the sign-in", server_text="invalid_grant"), "work")
    assert message.remedy is Remedy.SIGN_IN and "poplark account authorize" not in message.text
    window = QWidget()
    qtbot.addWidget(window)
    bar = InfoBar(window)
    window.show()
    fetched: list[str] = []
    offer = SignInAgainOffer(bar, lambda signed_in: fetched.append(signed_in.name), window)
    offer.open_url = follow_in_browser
    offer.offer(account, message.text)
    assert bar.isVisible() and "Sign In Again" in bar.label.text()
    assert bar.action_button.isVisible() and bar.action_button.text() == "Sign In Again"
    assert offer.waiting == {"work"}

    def press_sign_in() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, SignInDialog):
            QTimer.singleShot(20, press_sign_in)
            return
        assert "Mock" in dialog.findChild(QLabel, "signInText").text()
        button = dialog.findChild(QPushButton, "signInDialogButton")
        assert button is not None
        button.click()

    QTimer.singleShot(0, press_sign_in)
    qtbot.mouseClick(bar.action_button, Qt.MouseButton.LeftButton)
    assert fetched == ["work"]
    assert offer.waiting == set() and not bar.isVisible()
    refresh = credentials.load_password(tokens.refresh_token_key(account.credential_key))
    assert refresh in mock.refresh_tokens


def test_the_sign_in_dialog_says_what_is_missing_without_a_client_id(qtbot: QtBot, store: Store,
                                                                     mock: MockAuthorizationServer) -> None:
    account = store.add_account(Account(name="work", host="localhost", user="alice", auth=AuthMethod.OAUTH2,
                                        oauth2_provider="mock"))
    dialog = SignInDialog(account)
    qtbot.addWidget(dialog)
    assert "enter your client ID in the account settings" in dialog.text.text()
    assert not dialog.sign_in_button.isEnabled()


def test_the_window_fetches_with_the_token_and_a_revoked_grant_asks_to_sign_in(
        qtbot: QtBot, tmp_path: Path, mock: MockAuthorizationServer, serve: ServerFactory) -> None:
    pop3 = serve(mode="plain", token_checker=mock.check)
    profile = Profile(tmp_path / "profile").ensure()
    store = Store.open(profile)
    try:
        account = store.add_account(Account(
            name="work", host="127.0.0.1", port=pop3.address[1], security=Security.NONE, allow_insecure_auth=True,
            user="alice", auth=AuthMethod.OAUTH2, oauth2_provider="mock", oauth2_client_id=CLIENT_ID,
            timeout_seconds=5.0))
        client = OAuthClient(oauth_providers()["mock"], CLIENT_ID)
        grant = flows.sign_in_with_browser(client, open_url=follow_in_browser, timeout=20)
        tokens.store_grant(client, tokens.refresh_token_key(account.credential_key), grant)
        tokens.forget_access_tokens()  # the fetch gets its access token from the refresh token
        controller = FetchController(profile)
        with qtbot.waitSignal(controller.finished, timeout=SIGNAL_TIMEOUT_MS) as finished:
            controller.start(account)
        assert finished.args[1].new_messages == 1
        mock.revoke_all()
        tokens.forget_access_tokens()
        with qtbot.waitSignal(controller.failed, timeout=SIGNAL_TIMEOUT_MS) as failed:
            controller.start(account)
        assert isinstance(failed.args[1], SignInAgain)
        assert user_message(failed.args[1], "work").remedy is Remedy.SIGN_IN
    finally:
        store.close()


def test_editing_keeps_the_sign_in_and_the_smtp_settings(qtbot: QtBot, store: Store,
                                                         mock: MockAuthorizationServer) -> None:
    smtp = SmtpSettings(host="mail.example.org", port=2525, security=Security.STARTTLS, user="alice-send")
    account = store.add_account(Account(name="work", host="localhost", user="alice", email="alice@example.org",
                                        auth=AuthMethod.OAUTH2, oauth2_provider="mock", oauth2_client_id=CLIENT_ID,
                                        smtp=smtp))
    dialog = open_dialog(qtbot, store, account)
    assert dialog.sign_in.oauth2() and dialog.sign_in.client_id_edit.text() == CLIENT_ID
    assert "Signed in earlier" in dialog.sign_in.status_label.text()
    assert not dialog.password_edit.isVisible()
    sending_tab(dialog)
    assert dialog.smtp.smtp_oauth_note.isVisible() and not dialog.smtp.smtp_separate_check.isVisible()
    assert dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()  # no new sign-in needed
    dialog.accept()
    saved = dialog.account
    assert saved is not None and saved.smtp == smtp  # the user name for sending kept too
    assert (saved.auth, saved.oauth2_provider, saved.oauth2_client_id) == (AuthMethod.OAUTH2, "mock", CLIENT_ID)
    # The address typed again does not overwrite an SMTP server chosen by hand.
    again = open_dialog(qtbot, store, account)
    again.address_edit.clear()
    qtbot.keyClicks(again.address_edit, "alice@qq.com")
    assert again.smtp.smtp_host_edit.text() == "mail.example.org" and again.smtp.smtp_port_spin.value() == 2525


def test_an_account_with_a_token_command_is_tested_with_its_token_and_kept(
        qtbot: QtBot, store: Store, serve: ServerFactory, certificates: TestCertificates) -> None:
    pop3 = serve(token_checker=lambda user, token: None if (user, token) == ("alice", "tok-from-command")
                 else "invalid_token")
    account = store.add_account(Account(
        name="scripted", host="localhost", port=pop3.address[1], user="alice", email="alice@example.net",
        ca_file=str(certificates.ca_pem), auth=AuthMethod.OAUTH2, oauth2_token_command="echo tok-from-command"))
    dialog = open_dialog(qtbot, store, account)
    assert dialog.sign_in.isVisible() and "echo tok-from-command" in dialog.sign_in.command_note.text()
    assert not dialog.sign_in.method_combo.isVisible() and not dialog.password_edit.isVisible()
    assert "Login works." in run_test(qtbot, dialog)
    dialog.accept()
    assert dialog.account is not None and dialog.account.oauth2_token_command == "echo tok-from-command"
    assert dialog.account.auth is AuthMethod.OAUTH2


def test_closing_the_dialog_while_waiting_for_the_browser_ends_the_sign_in(
        qtbot: QtBot, store: Store, mock: MockAuthorizationServer) -> None:
    dialog = open_dialog(qtbot, store)
    qtbot.keyClicks(dialog.address_edit, "alice@example.org")
    qtbot.keyClicks(dialog.sign_in.client_id_edit, CLIENT_ID)
    dialog.sign_in.flow.open_url = lambda _url: None
    with qtbot.waitSignal(dialog.sign_in.flow.browser_opened, timeout=SIGNAL_TIMEOUT_MS) as opened:
        qtbot.mouseClick(dialog.sign_in.sign_in_button, Qt.MouseButton.LeftButton)
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(opened.args[0]).query))
    listener = urllib.parse.urlsplit(query["redirect_uri"])
    assert listener.hostname == "127.0.0.1" and unfinished_sign_ins()
    dialog.reject()
    # Cancelled: the thread ends by itself (still referenced till then) and the listener is closed.
    qtbot.waitUntil(lambda: not unfinished_sign_ins(), timeout=SIGNAL_TIMEOUT_MS)
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", listener.port or 0), timeout=5).close()
    assert dialog.account is None and mock.grants("authorization_code") == 0


def test_without_a_keyring_the_sign_in_says_why_it_cannot_be_kept(qtbot: QtBot, store: Store) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        dialog = open_dialog(qtbot, store)
        qtbot.keyClicks(dialog.address_edit, "someone@outlook.com")
        qtbot.keyClicks(dialog.sign_in.client_id_edit, "my-own-client")
        assert not dialog.sign_in.sign_in_button.isEnabled()
        assert "No system keyring is available" in dialog.sign_in.status_label.text()
        ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
        assert not ok.isEnabled() and "choose “Password”" in ok.toolTip()
    finally:
        keyring.set_keyring(previous)
