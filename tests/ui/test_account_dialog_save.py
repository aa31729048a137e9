"""Saving an account whose connection test just failed asks first, with the real reason (issue 14,
item 7); a test that passed, or settings changed since the failure, save without asking."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from app.core.model import Security
from app.core.store import Store
from app.ui.dialogs.account_dialog import AccountDialog
from tests.conftest import ServerFactory
from tests.fakes.certs import TestCertificates
from tests.fakes.keyrings import MemoryKeyring
from tests.ui.test_account_dialog import fill_for_server, open_dialog, run_test

#: What serve() (tests/conftest.py) delivers, over implicit TLS.
DEFAULT_MESSAGES = [b"Subject: one\r\n\r\nbody\r\n"]
DEFAULT_MODE = "tls"


@pytest.fixture(autouse=True)
def english(memory_keyring: MemoryKeyring) -> Iterator[None]:
    """English sentences, and a secure in-memory keyring for the password."""
    previous = QLocale()
    QLocale.setDefault(QLocale("en_US"))
    yield
    QLocale.setDefault(previous)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store(tmp_path / "poplark.sqlite3")
    yield opened
    opened.close()


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fill_unreachable(qtbot: QtBot, dialog: AccountDialog) -> None:
    qtbot.keyClicks(dialog.address_edit, "alice@example.org")
    dialog.host_edit.clear()
    qtbot.keyClicks(dialog.host_edit, "127.0.0.1")
    dialog.security_combo.setCurrentIndex(dialog.security_combo.findData(Security.NONE))
    dialog.port_spin.setValue(closed_port())
    dialog.user_edit.clear()
    qtbot.keyClicks(dialog.user_edit, "alice")
    dialog.password_edit.setText("secret")


def press_ok_and_answer(qtbot: QtBot, dialog: AccountDialog, button: str | None) -> list[str]:
    """Click OK; when a question shows, click its ``button`` ("saveAnywayButton", or None for the
    other one). Returns the texts of the questions shown."""
    seen: list[str] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            if dialog.isVisible() and not seen:
                QTimer.singleShot(10, answer)
            return
        seen.append(box.text())
        target = box.findChild(QPushButton, button) if button else box.escapeButton()
        assert target is not None
        target.click()

    QTimer.singleShot(0, answer)
    qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Ok), Qt.MouseButton.LeftButton)
    return seen


def test_an_unreachable_server_is_named_before_saving(qtbot: QtBot, store: Store) -> None:
    dialog = open_dialog(qtbot, store)
    fill_unreachable(qtbot, dialog)
    assert "Not reachable." in run_test(qtbot, dialog)

    seen = press_ok_and_answer(qtbot, dialog, None)  # "Back to the Settings"
    assert len(seen) == 1
    assert seen[0].startswith("The server could not be reached.")
    assert "Could not reach the server." in seen[0]
    assert "Details:" in seen[0] and "refused" in seen[0].lower()  # the real reason
    assert "Save anyway?" in seen[0]
    assert dialog.isVisible() and dialog.account is None
    assert store.accounts() == []

    seen = press_ok_and_answer(qtbot, dialog, "saveAnywayButton")
    assert len(seen) == 1
    assert dialog.account is not None
    assert [account.name for account in store.accounts()] == [dialog.account.name]


def test_settings_changed_after_the_failure_save_without_asking(qtbot: QtBot, store: Store) -> None:
    dialog = open_dialog(qtbot, store)
    fill_unreachable(qtbot, dialog)
    run_test(qtbot, dialog)
    dialog.port_spin.setValue(dialog.port_spin.value() + 1)  # not what was tested
    assert press_ok_and_answer(qtbot, dialog, None) == []
    assert dialog.account is not None


def test_a_refused_login_is_named_before_saving(qtbot: QtBot, store: Store, serve: ServerFactory,
                                               certificates: TestCertificates) -> None:
    server = serve()
    dialog = open_dialog(qtbot, store)
    fill_for_server(qtbot, dialog, server, certificates, password="wrong")
    assert "Login failed." in run_test(qtbot, dialog)
    seen = press_ok_and_answer(qtbot, dialog, "saveAnywayButton")
    assert len(seen) == 1
    assert seen[0].startswith("The server did not accept the login.")
    assert "Invalid credentials" in seen[0]  # the server's own words
    assert dialog.account is not None


def test_a_test_that_passed_saves_without_asking(qtbot: QtBot, store: Store, serve: ServerFactory,
                                                certificates: TestCertificates) -> None:
    server = serve()
    dialog = open_dialog(qtbot, store)
    fill_for_server(qtbot, dialog, server, certificates)
    assert "Login works." in run_test(qtbot, dialog)
    assert press_ok_and_answer(qtbot, dialog, None) == []
    assert dialog.account is not None
