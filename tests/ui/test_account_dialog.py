"""The account dialog and the password prompt: validation, provider presets, keyring, connection test.

Connection tests run against the fake POP3 server over real TLS with the test CA; every wait is on a
GUI-thread signal (the dialog's ``connection_tested``, re-emitted after the BackgroundJob ended).
"""

from __future__ import annotations

import hashlib
import os
import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import TypeVar

import keyring
import keyring.errors
import pytest
from keyring.backends import fail
from PySide6.QtCore import QLocale, Qt, QTimer
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from app.core import credentials
from app.core.model import Account, LeaveMode, Security
from app.core.store import Store
from app.ui.dialogs.account_dialog import AccountDialog, format_fingerprint, unfinished_jobs
from app.ui.dialogs.password_dialog import PasswordDialog, ask_password
from tests.conftest import ServerFactory, skip_or_fail
from tests.fakes.certs import TestCertificates
from tests.fakes.keyrings import MemoryKeyring
from tests.fakes.pop3_server import FakePop3Server, Faults, crlf

SERVICE = credentials.SERVICE_NAME
PASSWORD = "Sekret-密码-42"  # non-ASCII on purpose: it must survive the keyring round trip
SIGNAL_TIMEOUT_MS = 20_000
MESSAGES = [crlf(f"Subject: message {index}\n\nbody {index}\n") for index in range(3)]
#: What serve() (tests/conftest.py) delivers, over implicit TLS.
DEFAULT_MESSAGES = MESSAGES
DEFAULT_MODE = "tls"

WidgetType = TypeVar("WidgetType", bound=QWidget)


# -- fixtures and helpers ---------------------------------------------------------------------

@pytest.fixture(autouse=True)
def secure_keyring(memory_keyring: MemoryKeyring) -> MemoryKeyring:
    """Every test starts with a secure in-memory keyring; tests that need another set their own."""
    return memory_keyring


@pytest.fixture(autouse=True)
def english_locale() -> Iterator[None]:
    previous = QLocale()
    QLocale.setDefault(QLocale("en_US"))
    yield
    QLocale.setDefault(previous)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store(tmp_path / "poplark.sqlite3")
    yield opened
    opened.close()


def open_dialog(qtbot: QtBot, store: Store, account: Account | None = None) -> AccountDialog:
    dialog = AccountDialog(store, account)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def child(dialog: QDialog, kind: type[WidgetType], name: str) -> WidgetType:
    widget = dialog.findChild(kind, name)
    assert widget is not None, f"no {kind.__name__} named {name}"
    return widget


def hint(dialog: QDialog, name: str) -> QLabel:
    return child(dialog, QLabel, name)


def ok_button(dialog: QDialog) -> QPushButton:
    return child(dialog, QPushButton, "okButton")


def fill_new_account(qtbot: QtBot, dialog: AccountDialog, *, address: str = "alice@example.org",
                     host: str = "pop.example.org", password: str = PASSWORD) -> None:
    qtbot.keyClicks(dialog.address_edit, address)
    if host:
        dialog.host_edit.clear()
        qtbot.keyClicks(dialog.host_edit, host)
    # setText, not keyClicks: QTest can only type ASCII, and the password is not.
    dialog.password_edit.setText(password)


def fill_for_server(qtbot: QtBot, dialog: AccountDialog, server: FakePop3Server, certificates: TestCertificates,
                    *, password: str = "secret", address: str = "alice@example.org") -> None:
    """Point the dialog at the fake server: user alice, the test CA as the extra CA file."""
    qtbot.keyClicks(dialog.address_edit, address)
    dialog.host_edit.clear()
    qtbot.keyClicks(dialog.host_edit, "localhost")
    dialog.port_spin.setValue(server.address[1])
    dialog.user_edit.clear()
    qtbot.keyClicks(dialog.user_edit, "alice")
    qtbot.keyClicks(dialog.password_edit, password)
    dialog.ca_file_edit.setText(str(certificates.ca_pem))


def run_test(qtbot: QtBot, dialog: AccountDialog, button: QPushButton | None = None) -> str:
    """Click "Test connection" (or ``button``), wait for the report, return it as plain text."""
    with qtbot.waitSignal(dialog.connection_tested, timeout=SIGNAL_TIMEOUT_MS):
        qtbot.mouseClick(button or dialog.test_button, Qt.MouseButton.LeftButton)
        # The work is in the job's thread: the button is off and the busy bar on meanwhile.
        assert not dialog.test_button.isEnabled()
        assert dialog.test_busy.isVisible()
    assert dialog.test_button.isEnabled()
    assert not dialog.test_busy.isVisible()
    return dialog.test_result.toPlainText()


def leaf_fingerprint(chain_pem: Path) -> str:
    first = chain_pem.read_text("ascii").split("-----END CERTIFICATE-----")[0] + "-----END CERTIFICATE-----\n"
    return hashlib.sha256(ssl.PEM_cert_to_DER_cert(first)).hexdigest()


def database_bytes(directory: Path) -> bytes:
    """Every byte SQLite wrote: the database, its WAL and shared-memory files."""
    return b"".join(path.read_bytes() for path in sorted(directory.glob("poplark.sqlite3*")))


# -- validation -------------------------------------------------------------------------------

def test_ok_stays_disabled_until_every_field_is_valid(qtbot: QtBot, store: Store) -> None:
    dialog = open_dialog(qtbot, store)
    assert not ok_button(dialog).isEnabled()
    assert not hint(dialog, "hostHint").isVisible()  # nothing nags before the user starts

    qtbot.keyClicks(dialog.address_edit, "alice@")
    assert hint(dialog, "addressHint").isVisible()
    assert "email address" in hint(dialog, "addressHint").text()

    qtbot.keyClicks(dialog.address_edit, "example.org")  # valid, but no provider knows the domain
    assert not hint(dialog, "addressHint").isVisible()
    assert hint(dialog, "hostHint").isVisible()
    assert hint(dialog, "passwordHint").isVisible()
    assert not ok_button(dialog).isEnabled()

    qtbot.keyClicks(dialog.host_edit, "pop.example.org")
    assert not hint(dialog, "hostHint").isVisible()
    qtbot.keyClicks(dialog.password_edit, "pw")
    assert not hint(dialog, "passwordHint").isVisible()
    assert ok_button(dialog).isEnabled()

    dialog.port_spin.setValue(0)
    assert hint(dialog, "portHint").isVisible() and not ok_button(dialog).isEnabled()
    dialog.port_spin.setValue(995)
    assert ok_button(dialog).isEnabled()

    dialog.user_edit.clear()
    qtbot.keyClicks(dialog.user_edit, "x")
    qtbot.keyClick(dialog.user_edit, Qt.Key.Key_Backspace)
    assert hint(dialog, "userHint").isVisible() and not ok_button(dialog).isEnabled()
    qtbot.keyClicks(dialog.user_edit, "alice")
    assert ok_button(dialog).isEnabled()


def test_delete_after_days_must_be_at_least_one(qtbot: QtBot, store: Store) -> None:
    dialog = open_dialog(qtbot, store)
    fill_new_account(qtbot, dialog)
    dialog.tabs.setCurrentIndex(next(index for index in range(dialog.tabs.count())
                                     if dialog.tabs.widget(index).isAncestorOf(dialog.leave_check)))
    dialog.leave_check.setChecked(True)
    dialog.leave_combo.setCurrentIndex(dialog.leave_combo.findData(LeaveMode.DELETE_AFTER_DAYS.value))
    dialog.days_spin.setValue(0)
    assert hint(dialog, "daysHint").isVisible()
    assert not ok_button(dialog).isEnabled()
    dialog.days_spin.setValue(3)
    assert ok_button(dialog).isEnabled()
    qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.account is not None
    assert dialog.account.policy.leave_mode is LeaveMode.DELETE_AFTER_DAYS
    assert dialog.account.policy.delete_after_days == 3


def test_password_is_optional_when_not_remembered(qtbot: QtBot, store: Store) -> None:
    dialog = open_dialog(qtbot, store)
    fill_new_account(qtbot, dialog, password="")
    assert not ok_button(dialog).isEnabled()
    dialog.remember_check.setChecked(False)
    assert ok_button(dialog).isEnabled()


def test_an_account_name_in_use_is_refused(qtbot: QtBot, store: Store) -> None:
    store.add_account(Account(name="alice@example.org", host="pop.example.org", user="alice"))
    dialog = open_dialog(qtbot, store)
    fill_new_account(qtbot, dialog)
    assert "already" in hint(dialog, "nameHint").text()
    assert not ok_button(dialog).isEnabled()
    dialog.name_edit.clear()
    qtbot.keyClicks(dialog.name_edit, "second")
    assert ok_button(dialog).isEnabled()


# -- provider presets -------------------------------------------------------------------------

@pytest.mark.parametrize(("address", "host", "english", "chinese"), [
    ("xiaoming@qq.com", "pop.qq.com", "authorization code", "授权码"),
    ("wang@163.com", "pop.163.com", "authorization code", "授权码"),
    ("someone@gmail.com", "pop.gmail.com", "app password", "应用专用密码"),
])
def test_the_address_fills_the_server_and_shows_the_note(qtbot: QtBot, store: Store, address: str, host: str,
                                                          english: str, chinese: str) -> None:
    dialog = open_dialog(qtbot, store)
    qtbot.keyClicks(dialog.address_edit, address)
    assert dialog.host_edit.text() == host
    assert dialog.port_spin.value() == 995
    assert dialog.security_combo.currentData() == Security.TLS.value
    assert dialog.user_edit.text() == address
    assert dialog.name_edit.text() == address
    note = child(dialog, QLabel, "providerNote")
    assert note.isVisible() and english in note.text()

    QLocale.setDefault(QLocale("zh_CN"))  # restored by the english_locale fixture
    chinese_dialog = open_dialog(qtbot, store)
    qtbot.keyClicks(chinese_dialog.address_edit, address)
    assert chinese in child(chinese_dialog, QLabel, "providerNote").text()


def test_a_provider_without_pop3_says_so(qtbot: QtBot, store: Store) -> None:
    dialog = open_dialog(qtbot, store)
    qtbot.keyClicks(dialog.address_edit, "steve@icloud.com")
    assert "does not offer POP3" in child(dialog, QLabel, "providerNote").text()
    assert dialog.host_edit.text() == ""
    assert not ok_button(dialog).isEnabled()


def test_fields_edited_by_hand_are_not_overwritten(qtbot: QtBot, store: Store) -> None:
    dialog = open_dialog(qtbot, store)
    qtbot.keyClicks(dialog.host_edit, "mail.mine.example")
    dialog.port_spin.setValue(1995)
    qtbot.keyClicks(dialog.user_edit, "xiaoming")
    qtbot.keyClicks(dialog.address_edit, "xiaoming@qq.com")
    assert dialog.host_edit.text() == "mail.mine.example"
    assert dialog.port_spin.value() == 1995
    assert dialog.user_edit.text() == "xiaoming"
    assert dialog.name_edit.text() == "xiaoming@qq.com"  # never touched: it follows the address
    assert child(dialog, QLabel, "providerNote").isVisible()

    # Emptying a field by hand hands it back to the address.
    dialog.host_edit.selectAll()
    qtbot.keyClick(dialog.host_edit, Qt.Key.Key_Delete)
    qtbot.keyClick(dialog.address_edit, Qt.Key.Key_End)
    qtbot.keyClicks(dialog.address_edit, " ")
    qtbot.keyClick(dialog.address_edit, Qt.Key.Key_Backspace)
    assert dialog.host_edit.text() == "pop.qq.com"


def test_security_choice_moves_the_default_port(qtbot: QtBot, store: Store) -> None:
    dialog = open_dialog(qtbot, store)
    dialog.security_combo.setCurrentIndex(dialog.security_combo.findData(Security.STARTTLS.value))
    assert dialog.port_spin.value() == 110
    dialog.security_combo.setCurrentIndex(dialog.security_combo.findData(Security.NONE.value))
    assert child(dialog, QLabel, "securityWarning").isVisible()


# -- passwords and the keyring ----------------------------------------------------------------

def test_the_password_goes_to_the_keyring_and_never_to_sqlite(qtbot: QtBot, store: Store, tmp_path: Path,
                                                              secure_keyring: MemoryKeyring) -> None:
    dialog = open_dialog(qtbot, store)
    assert not child(dialog, QLabel, "keyringNotice").isVisible()
    fill_new_account(qtbot, dialog)
    qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    account = dialog.account
    assert account is not None and account.id is not None and account.remember_password
    assert dialog.session_password is None
    assert secure_keyring.passwords == {(SERVICE, account.credential_key): PASSWORD}
    assert credentials.load_password(account.credential_key) == PASSWORD
    assert store.accounts() == [account]
    assert PASSWORD.encode() not in database_bytes(tmp_path)
    assert "Sekret" not in store.db.execute("SELECT settings FROM accounts").fetchone()[0]


def test_without_a_keyring_the_password_is_kept_for_the_session(qtbot: QtBot, store: Store, tmp_path: Path,
                                                                 secure_keyring: MemoryKeyring) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        dialog = open_dialog(qtbot, store)
        assert child(dialog, QLabel, "keyringNotice").isVisible()
        assert "once per session" in child(dialog, QLabel, "keyringNotice").text()
        assert not dialog.remember_check.isChecked() and not dialog.remember_check.isEnabled()
        fill_new_account(qtbot, dialog)
        qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)
    finally:
        keyring.set_keyring(previous)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.account is not None and not dialog.account.remember_password
    assert dialog.session_password == PASSWORD
    assert secure_keyring.passwords == {}
    assert PASSWORD.encode() not in database_bytes(tmp_path)


def test_editing_without_retyping_keeps_the_stored_password(qtbot: QtBot, store: Store) -> None:
    saved = store.add_account(Account(name="work", host="pop.example.org", user="alice@example.org",
                                      email="alice@example.org"))
    credentials.store_password(saved.credential_key, "old password")
    dialog = open_dialog(qtbot, store, saved)
    assert dialog.address_edit.text() == "alice@example.org"
    assert "Unchanged" in dialog.password_edit.placeholderText()
    assert ok_button(dialog).isEnabled()
    qtbot.keyClicks(dialog.display_name_edit, "Alice Liddell")
    qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.account is not None and dialog.account.id == saved.id
    assert store.accounts()[0].display_name == "Alice Liddell"
    assert credentials.load_password(saved.credential_key) == "old password"

    retyped = open_dialog(qtbot, store, store.accounts()[0])
    qtbot.keyClicks(retyped.password_edit, "new password")
    qtbot.mouseClick(ok_button(retyped), Qt.MouseButton.LeftButton)
    assert credentials.load_password(saved.credential_key) == "new password"


def test_editing_to_forget_the_password_removes_it_from_the_keyring(qtbot: QtBot, store: Store) -> None:
    saved = store.add_account(Account(name="work", host="pop.example.org", user="alice", email="alice@example.org"))
    credentials.store_password(saved.credential_key, "old password")
    dialog = open_dialog(qtbot, store, saved)
    dialog.remember_check.setChecked(False)
    qtbot.keyClicks(dialog.password_edit, "typed now")
    qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)
    assert dialog.session_password == "typed now"
    assert credentials.load_password(saved.credential_key) is None
    assert not store.accounts()[0].remember_password


def test_editing_without_a_keyring_keeps_the_remember_choice(qtbot: QtBot, store: Store,
                                                             secure_keyring: MemoryKeyring) -> None:
    saved = store.add_account(Account(name="work", host="pop.example.org", user="alice", email="alice@example.org"))
    credentials.store_password(saved.credential_key, "old password")
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        dialog = open_dialog(qtbot, store, saved)
        assert not dialog.remember_check.isEnabled()
        qtbot.keyClicks(dialog.password_edit, "for now")
        qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)
    finally:
        keyring.set_keyring(previous)
    assert dialog.session_password == "for now"
    assert store.accounts()[0].remember_password  # a missing keyring is not a wish to forget
    assert secure_keyring.passwords == {(SERVICE, saved.credential_key): "old password"}


def test_a_keyring_failure_keeps_the_dialog_open_and_saves_nothing(qtbot: QtBot, store: Store) -> None:
    class LockedKeyring(MemoryKeyring):
        def set_password(self, service: str, username: str, password: str) -> None:
            raise keyring.errors.KeyringLocked("the collection is locked")

    previous = keyring.get_keyring()
    keyring.set_keyring(LockedKeyring())
    try:
        dialog = open_dialog(qtbot, store)
        fill_new_account(qtbot, dialog)
        qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)
    finally:
        keyring.set_keyring(previous)
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    message = child(dialog, QLabel, "saveError")
    assert message.isVisible() and "keyring" in message.text()
    assert dialog.account is None
    assert store.accounts() == []  # no account left behind whose password was never stored


def test_the_real_secret_service_receives_the_password(qtbot: QtBot, store: Store,
                                                        secret_service: dict[str, str]) -> None:
    from keyring.backends import SecretService

    previous = keyring.get_keyring()
    try:
        keyring.set_keyring(SecretService.Keyring())
    except Exception as error:  # noqa: BLE001 - any failure here means "not usable on this machine"
        skip_or_fail(f"Secret Service not usable here: {error}")
    try:
        dialog = open_dialog(qtbot, store)
        assert dialog.remember_check.isEnabled()
        fill_new_account(qtbot, dialog)
        qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)
        assert dialog.account is not None
        key = dialog.account.credential_key
        assert SecretService.Keyring().get_password(SERVICE, key) == PASSWORD
        assert credentials.load_password(key) == PASSWORD
        credentials.delete_password(key)
    finally:
        keyring.set_keyring(previous)


# -- test connection --------------------------------------------------------------------------

def test_connection_test_reports_tls_features_and_login(qtbot: QtBot, store: Store, serve: ServerFactory,
                                                         certificates: TestCertificates) -> None:
    server = serve(faults=Faults(expire="NEVER", login_delay=300))
    dialog = open_dialog(qtbot, store)
    fill_for_server(qtbot, dialog, server, certificates)
    text = run_test(qtbot, dialog)
    assert "Reachable." in text
    assert "Encrypted. TLSv1." in text and "valid until" in text
    assert "(UIDL): yes" in text and "(TOP): yes" in text and "(faster downloads): yes" in text
    assert "PLAIN, LOGIN" in text
    assert "(EXPIRE): never" in text and "(LOGIN-DELAY): 300 seconds" in text
    assert "Login works." in text and "3 message(s)" in text
    assert not dialog.trust_button.isVisible()


def test_connection_test_with_a_wrong_password_explains_the_failure(qtbot: QtBot, store: Store,
                                                                     serve: ServerFactory,
                                                                     certificates: TestCertificates) -> None:
    server = serve()
    dialog = open_dialog(qtbot, store)
    # A QQ address with the server pointed elsewhere by hand: the QQ hint must still come.
    fill_for_server(qtbot, dialog, server, certificates, password="wrong", address="xiaoming@qq.com")
    text = run_test(qtbot, dialog)
    assert "Login failed." in text
    assert "rejected the user name or password" in text
    assert "Invalid credentials" in text  # the server's own words
    assert "authorization code" in text


def test_an_untrusted_certificate_can_be_trusted_by_its_fingerprint(qtbot: QtBot, store: Store,
                                                                     serve: ServerFactory,
                                                                     certificates: TestCertificates) -> None:
    server = serve(certificate="untrusted")
    expected = leaf_fingerprint(certificates.untrusted_cert_chain_pem)
    dialog = open_dialog(qtbot, store)
    fill_for_server(qtbot, dialog, server, certificates)
    text = run_test(qtbot, dialog)
    assert "Certificate not trusted." in text
    assert format_fingerprint(expected) in text
    assert "Login" not in text.split("What to do:")[0]  # no password was sent to that server
    assert dialog.trust_button.isVisible()

    text = run_test(qtbot, dialog, dialog.trust_button)
    assert "exact certificate you chose to trust" in text
    assert "Login works." in text
    assert not dialog.trust_button.isVisible()
    qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)
    assert dialog.account is not None and dialog.account.pinned_cert_sha256 == expected
    assert store.accounts()[0].pinned_cert_sha256 == expected


def test_editing_the_host_forgets_a_trusted_certificate(qtbot: QtBot, store: Store) -> None:
    saved = store.add_account(Account(name="work", host="pop.example.org", user="alice",
                                      email="alice@example.org", pinned_cert_sha256="ab" * 32))
    credentials.store_password(saved.credential_key, "pw")
    dialog = open_dialog(qtbot, store, saved)
    assert "AB:AB:AB" in child(dialog, QLabel, "pinFingerprint").text()
    assert not dialog.forget_pin_button.isHidden()  # on the Advanced tab, so not visible yet
    qtbot.keyClicks(dialog.host_edit, "x")
    qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)
    assert dialog.account is not None and dialog.account.pinned_cert_sha256 is None


def test_closing_during_a_test_cancels_it_quietly(qtbot: QtBot, store: Store, serve: ServerFactory,
                                                  certificates: TestCertificates) -> None:
    server = serve(faults=Faults(stall_verbs={"CAPA"}))
    dialog = open_dialog(qtbot, store)
    fill_for_server(qtbot, dialog, server, certificates)
    reports: list[object] = []
    dialog.connection_tested.connect(reports.append)
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    dialog.reject()
    assert len(unfinished_jobs()) == 1
    qtbot.waitUntil(lambda: not unfinished_jobs(), timeout=SIGNAL_TIMEOUT_MS)
    assert reports == []


# -- the password prompt ----------------------------------------------------------------------

QQ_ACCOUNT = Account(name="qq", host="pop.qq.com", user="xiaoming@qq.com", email="xiaoming@qq.com")


def test_password_dialog_shows_the_reason_and_the_provider_note(qtbot: QtBot) -> None:
    dialog = PasswordDialog(QQ_ACCOUNT, "The server rejected the password.", can_remember=True)
    qtbot.addWidget(dialog)
    dialog.show()
    assert child(dialog, QLabel, "reasonLabel").text() == "The server rejected the password."
    assert "authorization code" in child(dialog, QLabel, "providerNote").text()
    assert not ok_button(dialog).isEnabled()
    qtbot.keyClicks(dialog.password_edit, "code")
    assert ok_button(dialog).isEnabled()
    assert dialog.remember() and not dialog.keyring_notice.isVisible()

    no_keyring = PasswordDialog(QQ_ACCOUNT, "No password is stored.", can_remember=False)
    qtbot.addWidget(no_keyring)
    no_keyring.show()
    assert not no_keyring.remember_check.isEnabled() and not no_keyring.remember()
    assert no_keyring.keyring_notice.isVisible()


def _answer_password_dialog(password: str | None) -> None:
    """Fill and close the prompt that ask_password is showing (from inside its event loop)."""
    dialogs = [widget for widget in QApplication.topLevelWidgets()
               if isinstance(widget, PasswordDialog) and widget.isVisible()]
    if not dialogs:
        QTimer.singleShot(10, lambda: _answer_password_dialog(password))
        return
    dialog = dialogs[0]
    if password is None:
        dialog.reject()
    else:
        dialog.password_edit.setText(password)
        dialog.accept()


@pytest.mark.parametrize(("typed", "expected"), [("p4ss", ("p4ss", True)), (None, None)])
def test_ask_password_returns_the_answer_or_none(qtbot: QtBot, typed: str | None,
                                                 expected: tuple[str, bool] | None) -> None:
    QTimer.singleShot(0, lambda: _answer_password_dialog(typed))
    assert ask_password(None, QQ_ACCOUNT, "Login failed.", can_remember=True) == expected


# -- screenshot -------------------------------------------------------------------------------

def test_screenshot_of_a_qq_account(qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    """Renders the dialog for a QQ address in Chinese; POPLARK_SCREENSHOT_DIR keeps the picture."""
    QLocale.setDefault(QLocale("zh_CN"))
    dialog = open_dialog(qtbot, store)
    qtbot.keyClicks(dialog.address_edit, "xiaoming@qq.com")
    dialog.display_name_edit.setText("王小明")
    qtbot.keyClicks(dialog.password_edit, "abcdefghijklmnop")
    note = child(dialog, QLabel, "providerNote")
    assert "授权码" in note.text()
    # The dialog grows once its layouts settle, so the wrapped note gets all its lines.
    qtbot.waitUntil(lambda: note.height() >= note.heightForWidth(note.width()), timeout=5000)
    picture = dialog.grab()
    assert not picture.isNull()
    assert picture.save(str(tmp_path / "account-dialog.png"))
    keep = os.environ.get("POPLARK_SCREENSHOT_DIR")
    if keep:
        assert picture.save(str(Path(keep) / "account-dialog.png"))


def _qq_account_picture(qtbot: QtBot, store: Store) -> tuple[AccountDialog, QPixmap]:
    dialog = open_dialog(qtbot, store)
    qtbot.keyClicks(dialog.address_edit, "xiaoming@qq.com")
    dialog.display_name_edit.setText("王小明")
    qtbot.keyClicks(dialog.password_edit, "abcdefghijklmnop")
    note = child(dialog, QLabel, "providerNote")
    qtbot.waitUntil(lambda: note.height() >= note.heightForWidth(note.width()), timeout=5000)
    # No label is cut: each gets at least the width its text needs (wrapped ones their height).
    for label in dialog.findChildren(QLabel):
        if label.isVisible() and label.text() and not label.wordWrap():
            assert label.width() >= label.sizeHint().width(), label.text()
    return dialog, dialog.grab()


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_screenshot_of_a_qq_account_in_each_language(qtbot: QtBot, store: Store, tmp_path: Path,
                                                     request: pytest.FixtureRequest, language: str) -> None:
    """docs/account-dialog-zh_CN.png and docs/account-dialog-en.png when POPLARK_SCREENSHOT_DIR is set."""
    if language == "zh_CN":
        request.getfixturevalue("chinese_ui")
    dialog, picture = _qq_account_picture(qtbot, store)
    if language == "zh_CN":
        assert dialog.windowTitle() == "添加账户"  # as the welcome page says it (添加账户…)
        assert "授权码" in child(dialog, QLabel, "providerNote").text()
    else:
        assert dialog.windowTitle() == "Add account"
    assert not picture.isNull() and picture.save(str(tmp_path / f"account-dialog-{language}.png"))
    keep = os.environ.get("POPLARK_SCREENSHOT_DIR")
    if keep:
        assert picture.save(str(Path(keep) / f"account-dialog-{language}.png"))
