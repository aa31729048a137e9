"""The window starts, shows stored mail, and the Qt build is one that does not corrupt refcounts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pytestqt.qtbot import QtBot

from app.core.model import Account
from app.core.store import Profile, Store

REPOSITORY = Path(__file__).resolve().parents[2]


def test_emit_does_not_corrupt_refcounts(qtbot: QtBot) -> None:
    # PySide6 6.12.0 on Python 3.11 drops a reference to True on every emit (docs/architecture.md, Pitfalls).
    from PySide6.QtCore import QObject, Signal

    class Emitter(QObject):
        fired = Signal(int)

    emitter = Emitter()
    received: list[int] = []
    emitter.fired.connect(received.append)
    before = sys.getrefcount(True)
    for index in range(2000):
        emitter.fired.emit(index)
    assert len(received) == 2000
    assert abs(sys.getrefcount(True) - before) < 50


def test_main_window_lists_stored_messages(qtbot: QtBot, tmp_path: Path) -> None:
    from PySide6.QtCore import QSettings

    from app.ui.main_window import MainWindow

    profile = Profile(tmp_path).ensure()
    store = Store.open(profile)
    account = store.add_account(Account(name="work", host="pop.example.com", user="u", check_interval_minutes=0))
    store.add_message(account, "u1", "Subject: 会议通知\r\nFrom: 张三 <z@example.cn>\r\n\r\nhi\r\n".encode())
    store.commit()
    window = MainWindow(store, profile, QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    assert window.inbox_model.rowCount() == 1
    assert window.inbox_model.summary(0).subject == "会议通知"
    window.close_for_good()
    store.close()


def test_poplark_without_a_command_opens_the_window(tmp_path: Path) -> None:
    environment = dict(os.environ, POPLARK_QUIT_AFTER_SHOW="1", QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([sys.executable, "-m", "app", "--profile", str(tmp_path)], env=environment,
                            cwd=REPOSITORY, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "poplark.sqlite3").exists()
