"""Runs the real ``poplark`` GUI entry point with test hooks that report what happened to a file.

Used by tests that need the desktop app as a separate process (two instances, kill -9). The app
itself is unchanged; the hooks wrap three methods and append one line each to the file named by
``POPLARK_TEST_MARKER``:

- ``listening`` once the single-instance server listens (the window exists; the start-up fetch
  follows at once), after hiding the window when ``POPLARK_TEST_HIDE=1`` (as if closed to the tray);
- ``activated visible=<0|1>`` each time another instance brought this one to the front;
- ``fetched <account> <new messages>`` when a fetch ends (``POPLARK_TEST_QUIT_AFTER_FETCH=1``
  then quits the app).

``POPLARK_TEST_FIRST_CHECK_MISSES=1`` makes the start-up check for a running instance find none,
as when two starts race and the other one begins listening just after this one looked.

Usage: ``python -m tests.ui.gui_driver [poplark arguments]``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Tests only (run as root, no GPU): see tests/ui/conftest.py. The shipped app keeps the sandbox.
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--disable-gpu --disable-software-rasterizer")

MARKER_VARIABLE = "POPLARK_TEST_MARKER"


def _note(line: str) -> None:
    marker = os.environ.get(MARKER_VARIABLE)
    if marker:
        with open(marker, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")


def install_hooks() -> None:
    from app.core.model import FetchReport
    from app.ui.main_window import MainWindow
    from app.ui.single_instance import SingleInstance

    original_listen = SingleInstance.listen
    original_show = MainWindow.show_from_tray
    original_finished = MainWindow._fetch_finished

    def listen(self: SingleInstance) -> bool:
        listening = original_listen(self)
        window = self.parent()
        if os.environ.get("POPLARK_TEST_HIDE") == "1" and isinstance(window, MainWindow):
            window.hide()
        _note("listening" if listening else "not-listening")
        return listening

    def show_from_tray(self: MainWindow) -> None:
        original_show(self)
        _note(f"activated visible={int(self.isVisible())}")

    def fetch_finished(self: MainWindow, account_name: str, report: FetchReport) -> None:
        original_finished(self, account_name, report)
        _note(f"fetched {account_name} {report.new_messages}")
        if os.environ.get("POPLARK_TEST_QUIT_AFTER_FETCH") == "1":
            self.quit()

    if os.environ.get("POPLARK_TEST_FIRST_CHECK_MISSES") == "1":
        import app.ui.single_instance as single_instance

        real_activate = single_instance.activate_running_instance
        checks: list[str] = []

        def activate_late(name: str) -> bool:
            checks.append(name)
            return False if len(checks) == 1 else real_activate(name)

        single_instance.activate_running_instance = activate_late

    SingleInstance.listen = listen  # type: ignore[method-assign]
    MainWindow.show_from_tray = show_from_tray  # type: ignore[method-assign]
    MainWindow._fetch_finished = fetch_finished  # type: ignore[method-assign]


def main() -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    install_hooks()
    from app.main import main as poplark_main

    return poplark_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
