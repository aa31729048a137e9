"""New-mail notices under a real notification daemon (issue 14, item 13): a private session bus
with dunst on an Xvfb display, and no tray at all, as on a GNOME desktop. What dunst shows is what
is checked (its rule logs every notice it puts on screen). Missing tools fail the test in CI."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QSystemTrayIcon
from pytestqt.qtbot import QtBot

from app.ui import notifications
from app.ui.main_window import MainWindow
from tests.conftest import skip_or_fail
from tests.fakes.notification_daemon import NotificationDaemon, missing_tools
from tests.fakes.pop3_server import FakePop3Server, crlf

MESSAGES = [crlf(f"From: s{index}@example.com\nSubject: report {index}\n\nbody {index}\n") for index in range(3)]
WAIT_MS = 20_000
#: The real check, kept before tests/ui/conftest.py replaces it for every other test.
REAL_SESSION_BUS_AVAILABLE = notifications.session_bus_available


@pytest.fixture
def daemon(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[NotificationDaemon]:
    missing = missing_tools()
    if missing:
        skip_or_fail(f"needs {', '.join(missing)} for a real notification daemon (make test installs them)")
    with NotificationDaemon(tmp_path) as running:
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", running.address)
        monkeypatch.setattr(notifications, "session_bus_available", REAL_SESSION_BUS_AVAILABLE)
        yield running


def fetch_new_mail(qtbot: QtBot, mailbox_window: Callable[..., MainWindow], server: FakePop3Server) -> MainWindow:
    window = mailbox_window([], server=server)
    with qtbot.waitSignal(window.tray.notifier.delivered, timeout=WAIT_MS):
        window.get_mail("test")
    return window


def test_new_mail_is_shown_by_the_desktop_without_a_tray(qtbot: QtBot, daemon: NotificationDaemon,
                                                         mailbox_window: Callable[..., MainWindow]) -> None:
    assert not QSystemTrayIcon.isSystemTrayAvailable()  # what used to leave people without any notice
    with FakePop3Server(MESSAGES) as server:
        fetch_new_mail(qtbot, mailbox_window, server)
    qtbot.waitUntil(lambda: bool(daemon.seen()), timeout=WAIT_MS)
    assert daemon.seen() == [("Poplark", "New mail", "test: 3 new messages", "NORMAL")]


# Showing the window raises it, which the offscreen platform of the tests cannot do and says so.
@pytest.mark.qt_log_ignore(r"^This plugin does not support raise\(\)$")
def test_a_click_on_the_notice_shows_the_window(qtbot: QtBot, daemon: NotificationDaemon,
                                               mailbox_window: Callable[..., MainWindow]) -> None:
    with FakePop3Server(MESSAGES) as server:
        window = fetch_new_mail(qtbot, mailbox_window, server)
    window.hide()  # closed to the tray, say
    with qtbot.waitSignal(window.tray.show_requested, timeout=WAIT_MS):
        daemon.click_first()
    assert window.isVisible()


def test_one_message_and_chinese(qtbot: QtBot, daemon: NotificationDaemon, chinese_ui: object,
                                 mailbox_window: Callable[..., MainWindow]) -> None:
    with FakePop3Server(MESSAGES[:1]) as server:
        fetch_new_mail(qtbot, mailbox_window, server)
    qtbot.waitUntil(lambda: bool(daemon.seen()), timeout=WAIT_MS)
    assert daemon.seen() == [("Poplark", "新邮件", "test：1 封新邮件", "NORMAL")]


def test_without_a_notification_service_the_tray_is_the_fallback(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        mailbox_window: Callable[..., MainWindow]) -> None:
    # A session bus address where no bus listens: the notice cannot be delivered, and nothing breaks.
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", f"unix:path={tmp_path / 'no-bus'}")
    monkeypatch.setattr(notifications, "session_bus_available", REAL_SESSION_BUS_AVAILABLE)
    with FakePop3Server(MESSAGES) as server:
        window = mailbox_window([], server=server)
        balloons: list[tuple[str, str]] = []
        window.tray.notifier.fallback = lambda title, body: balloons.append((title, body))
        with qtbot.waitSignal(window.tray.notifier.failed, timeout=WAIT_MS):
            window.get_mail("test")
    assert balloons == [("New mail", "test: 3 new messages")]
