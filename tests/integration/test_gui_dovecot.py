"""The desktop app as a person uses it, against a real Dovecot and a real keyring: add an account
in the dialog, test the connection, fetch, read, cancel a fetch, quit, and relaunch."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from app.core.model import Security
from app.core.store import Profile, Store
from app.ui.dialogs.account_dialog import AccountDialog
from app.ui.main_window import MainWindow
from tests.conftest import skip_or_fail
from tests.fakes.certs import TestCertificates
from tests.fakes.dovecot import PrivateDovecot, wire_bytes

pytestmark = pytest.mark.dovecot

FILES = [b"From: =?utf-8?B?5byg5LiJ?= <z@example.cn>\nSubject: =?utf-8?B?5Lya6K6u6YCa55+l?= %d\n\nbody %d\n"
         % (index, index) + b"filler line\n" * (200 * index) for index in range(1, 41)]


@pytest.fixture
def real_keyring(secret_service: dict[str, str]) -> Iterator[None]:
    from keyring.backends import SecretService

    previous = keyring.get_keyring()
    try:
        keyring.set_keyring(SecretService.Keyring())
    except Exception as error:  # noqa: BLE001
        skip_or_fail(f"Secret Service not usable: {error}")
    yield
    keyring.set_keyring(previous)


def open_window(qtbot: QtBot, tmp_path: Path) -> tuple[MainWindow, Store]:
    profile = Profile(tmp_path / "profile").ensure()
    store = Store.open(profile)
    window = MainWindow(store, profile, QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    return window, store


def test_add_fetch_read_cancel_quit_relaunch(qtbot: QtBot, tmp_path: Path, dovecot: PrivateDovecot,
                                             certificates: TestCertificates, real_keyring: None) -> None:
    dovecot.deliver_many("alice", FILES)
    window, store = open_window(qtbot, tmp_path)
    assert window.stack.currentWidget() is window.welcome

    # The account dialog, filled as a user would, with a connection test before OK.
    dialog = AccountDialog(store, None, window)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.address_edit, "alice@example.com")  # typed: name and user follow it
    dialog.host_edit.setText("localhost")
    dialog.security_combo.setCurrentIndex(dialog.security_combo.findData(Security.TLS.value))
    dialog.port_spin.setValue(dovecot.pop3s_port)
    dialog.user_edit.setText("alice")
    dialog.password_edit.setText("secret")
    dialog.ca_file_edit.setText(str(certificates.ca_pem))
    with qtbot.waitSignal(dialog.connection_tested, timeout=30000) as tested:
        dialog.test_button.click()
    assert tested.args[0].login_ok, tested.args[0].error
    ok_button = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok_button.isEnabled(), dialog._problems()
    ok_button.click()
    assert dialog.account is not None and dialog.session_password is None  # kept in the real keyring
    window.reload_accounts()
    assert window.stack.currentIndex() == 1

    # Cancel the first fetch as soon as messages start arriving.
    with qtbot.waitSignal(window.controller.idle, timeout=60000):
        window.get_mail()
        window.controller.cancel()
    stored_after_cancel = store.message_count()
    assert dovecot.message_count_on_server("alice") == len(FILES)  # cancelled: nothing deleted

    # Fetch for real, read the first message.
    with qtbot.waitSignal(window.controller.idle, timeout=60000):
        window.get_mail()
    assert window.inbox_model.rowCount() == len(FILES) >= stored_after_cancel
    with qtbot.waitSignal(window.preview.shown, timeout=10000):
        window.message_view.selectRow(0)
    assert "body" in window.preview.body.toPlainText()
    assert window.inbox_model.summary(0).subject.startswith("会议通知")

    # Quit and relaunch: the mail, the read state and the password are all still there.
    first_id = window.inbox_model.summary(0).id
    window.close_for_good()
    store.close()
    again, store = open_window(qtbot, tmp_path)
    try:
        assert again.inbox_model.rowCount() == len(FILES)
        assert store.message(first_id).seen
        expected = {wire_bytes(file) for file in FILES}
        assert {store.raw(summary.id) for summary in store.messages()} == expected
        with qtbot.waitSignal(again.controller.finished, timeout=60000) as finished:
            again.get_mail()
        assert finished.args[1].new_messages == 0
    finally:
        again.close_for_good()
        store.close()
