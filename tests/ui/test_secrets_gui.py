"""Secrets in the GUI (issue 5): a password typed into the account dialog reaches the keyring and the
server, and nothing else: not the profile (SQLite, WAL, SHM), not the QSettings file, not the
protocol log saved from Help > Save Protocol Log..., not the DEBUG log."""

from __future__ import annotations

import logging
import stat
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QFileDialog
from pytestqt.qtbot import QtBot

from app.core import protocol_log
from app.core.store import Profile, Store
from app.ui.dialogs.account_dialog import AccountDialog
from app.ui.main_window import MainWindow
from tests.fakes.certs import TestCertificates
from tests.fakes.keyrings import MemoryKeyring
from tests.fakes.pop3_server import FakePop3Server
from tests.protocol.test_secrets import MESSAGES, SECRET, USER, files_under, find_secret

SIGNAL_TIMEOUT_MS = 20000


def fill_and_accept(server: FakePop3Server, certificates: TestCertificates, qtbot: QtBot) -> None:
    """Answer the modal account dialog as a user would: address, server, password, OK."""
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, AccountDialog)
    qtbot.keyClicks(dialog.address_edit, "alice@example.org")
    dialog.host_edit.clear()
    qtbot.keyClicks(dialog.host_edit, "localhost")
    dialog.port_spin.setValue(server.address[1])
    dialog.user_edit.clear()
    qtbot.keyClicks(dialog.user_edit, USER)
    dialog.password_edit.setText(SECRET)
    dialog.ca_file_edit.setText(str(certificates.ca_pem))
    assert dialog.remember_check.isChecked()
    ok_button = dialog.findChild(type(dialog.test_button), "okButton")
    assert ok_button is not None and ok_button.isEnabled()
    qtbot.mouseClick(ok_button, Qt.MouseButton.LeftButton)


def test_a_gui_session_leaves_the_password_only_in_the_keyring(
        qtbot: QtBot, tmp_path: Path, memory_keyring: MemoryKeyring, certificates: TestCertificates,
        caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    caplog.set_level(logging.DEBUG, logger="poplark")
    protocol_log.forget_all()
    server = FakePop3Server(MESSAGES, password=SECRET, mode="tls",
                            ssl_context=certificates.server_context("good")).start()
    profile = Profile(tmp_path / "profile").ensure()
    store = Store.open(profile)
    settings_path = tmp_path / "ui.ini"
    settings = QSettings(str(settings_path), QSettings.Format.IniFormat)
    window = MainWindow(store, profile, settings)
    qtbot.addWidget(window)
    window.show()
    saved_log = tmp_path / "saved" / "protocol.log"
    saved_log.parent.mkdir()
    try:
        QTimer.singleShot(0, lambda: fill_and_accept(server, certificates, qtbot))
        with qtbot.waitSignal(window.controller.idle, timeout=SIGNAL_TIMEOUT_MS):
            window.new_account()  # the dialog, then the first fetch
        qtbot.waitUntil(lambda: window.inbox_model.rowCount() == len(MESSAGES), timeout=SIGNAL_TIMEOUT_MS)
        with qtbot.waitSignal(window.preview.shown, timeout=SIGNAL_TIMEOUT_MS):
            window.message_view.selectRow(0)  # reading a message is part of the session too

        monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *args, **kwargs: (str(saved_log), "")))
        action = window.findChild(QAction, "saveProtocolLogAction")
        assert action is not None
        action.trigger()
        # While the store is open its WAL and shared-memory files exist: scan them as they are now.
        while_open: dict[str, str | bytes] = {str(path): path.read_bytes() for path in files_under(profile.directory)}
    finally:
        window.close_for_good()
        settings.sync()
        store.close()
        server.stop()

    # The session really ran with this password, and the log has the conversation.
    assert list(memory_keyring.passwords.values()) == [SECRET]
    trace = saved_log.read_text("utf-8")
    assert "RETR 1" in trace and "AUTH PLAIN <redacted>" in trace
    assert stat.S_IMODE(saved_log.stat().st_mode) == 0o600
    # The scanner would see a leak: it finds the keyring's copy (where the password belongs).
    assert find_secret(texts={"keyring": repr(memory_keyring.passwords)}) != []
    scanned = [*files_under(profile.directory), settings_path, saved_log]
    assert any("sqlite" in path.name for path in scanned) and settings_path in scanned
    assert any(name.endswith("-wal") for name in while_open) and any(name.endswith("-shm") for name in while_open)
    assert find_secret(scanned, {"debug log": caplog.text, **while_open}) == []
