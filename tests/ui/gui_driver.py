"""Runs the real ``poplark`` GUI entry point with test hooks that report what happened to a file.

Used by tests that need the desktop app as a separate process (two instances, kill -9). The app
itself is unchanged; the hooks wrap a few methods and append one line each to the file named by
``POPLARK_TEST_MARKER``:

- ``listening`` once the single-instance server listens (the window exists; the start-up fetch
  follows at once), after hiding the window when ``POPLARK_TEST_HIDE=1`` (as if closed to the tray);
- ``activated visible=<0|1>`` each time another instance brought this one to the front;
- ``fetched <account> <new messages>`` when a fetch ends (``POPLARK_TEST_QUIT_AFTER_FETCH=1``
  then quits the app).

``POPLARK_TEST_FIRST_CHECK_MISSES=1`` makes the start-up check for a running instance find none,
as when two starts race and the other one begins listening just after this one looked.

``POPLARK_TEST_COMMANDS=1`` makes the app take commands on standard input, one a line, carried
out on the GUI thread through the window's own actions, as a user's clicks would be (see
:class:`Commands`); with it, these are noted too:

- ``fetch-failed <account> <error>`` when a fetch fails (instead of a dialog);
- ``read-ok <id>`` / ``read-failed <id> <text>`` when the reader shows a message or fails to;
- ``html-shown <id>`` when an HTML message's page has rendered in the reader;
- ``store-failure <text>`` when a mailbox action fails in the store (instead of a dialog).

Usage: ``python -m tests.ui.gui_driver [poplark arguments]``.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# No GPU here; as root the app switches the sandbox off itself (app/ui/webengine_sandbox.py).
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--disable-gpu --disable-software-rasterizer")

MARKER_VARIABLE = "POPLARK_TEST_MARKER"


def _note(line: str) -> None:
    marker = os.environ.get(MARKER_VARIABLE)
    if marker:
        with open(marker, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def _commands_class() -> type:
    """Built on first use: the driver must not import Qt before the app has set up its environment."""
    import threading

    from PySide6.QtCore import QObject, Signal, Slot

    from app.core.model import Folder
    from app.ui.main_window import MainWindow

    class Commands(QObject):
        """Reads commands from standard input on a thread of its own; runs them on the GUI thread.

        ``select N`` shows row N of the list in the reader; ``mark read|unread`` and ``delete`` act
        on the selection through the window's actions and note the stored result (``marked <id>
        seen=<0|1> ms=<time on the GUI thread>``, ``deleted <id> folder=<folder>``); ``fetch NAME`` is Get Mail for one
        account; ``info`` notes what the info bar says; ``quit`` quits. Each command is noted as
        ``done <command>`` once carried out.
        """

        received = Signal(str)

        def __init__(self, window: MainWindow) -> None:
            super().__init__(window)
            self.window = window
            self.received.connect(self.run)
            threading.Thread(target=self._read, name="test-commands", daemon=True).start()

        def _read(self) -> None:
            for line in sys.stdin:
                if line.strip():
                    self.received.emit(line.strip())

        @Slot(str)
        def run(self, line: str) -> None:
            verb, _, argument = line.partition(" ")
            try:
                getattr(self, f"do_{verb}")(argument)
            except Exception as error:  # noqa: BLE001 - reported to the test, which fails on it
                _note(f"command-error {line} {type(error).__name__}: {_one_line(error)}")
            else:
                _note(f"done {line}")

        def _selected_id(self) -> int:
            rows = self.window.selected_rows()
            assert len(rows) == 1, f"{len(rows)} rows selected"
            return self.window.inbox_model.message_id(rows[0])

        def do_select(self, row: str) -> None:
            self.window.message_view.selectRow(int(row))

        def do_mark(self, state: str) -> None:
            message_id = self._selected_id()
            started = time.perf_counter()
            self.window.mark_selected(state == "read")  # on the GUI thread, as a click would
            milliseconds = (time.perf_counter() - started) * 1000
            _note(f"marked {message_id} seen={int(self.window.store.message(message_id).seen)} ms={milliseconds:.1f}")

        def do_delete(self, _: str) -> None:
            message_id = self._selected_id()
            self.window.delete_selected()
            folder = self.window.store.message(message_id).folder
            _note(f"deleted {message_id} folder={Folder(folder).value}")

        def do_fetch(self, account_name: str) -> None:
            self.window.get_mail(account_name)

        def do_info(self, _: str) -> None:
            """Note what the info bar says now (``info <lines joined by |>``; ``info`` alone: nothing)."""
            shown = self.window.info_bar.isVisible() and self.window.info_bar.label.text()
            _note(("info " + " | ".join(shown.split("\n"))) if shown else "info")

        def do_quit(self, _: str) -> None:
            self.window.quit()

    return Commands


def install_hooks() -> None:
    from app.core.model import FetchReport
    from app.ui.fetch_outcomes import FetchOutcomes
    from app.ui.main_window import MainWindow
    from app.ui.single_instance import SingleInstance
    from app.ui.widgets.preview import PreviewPane

    original_listen = SingleInstance.listen
    original_show = MainWindow.show_from_tray
    original_finished = FetchOutcomes.fetch_finished

    def listen(self: SingleInstance) -> bool:
        listening = original_listen(self)
        window = self.parent()
        if os.environ.get("POPLARK_TEST_HIDE") == "1" and isinstance(window, MainWindow):
            window.hide()
        if os.environ.get("POPLARK_TEST_COMMANDS") == "1" and isinstance(window, MainWindow):
            window.setProperty("testCommands", _commands_class()(window))
        _note("listening" if listening else "not-listening")
        return listening

    def show_from_tray(self: MainWindow) -> None:
        original_show(self)
        _note(f"activated visible={int(self.isVisible())}")

    def fetch_finished(self: FetchOutcomes, account_name: str, report: FetchReport) -> None:
        original_finished(self, account_name, report)
        _note(f"fetched {account_name} {report.new_messages}")
        window = self.parent()
        if os.environ.get("POPLARK_TEST_QUIT_AFTER_FETCH") == "1" and isinstance(window, MainWindow):
            window.quit()

    if os.environ.get("POPLARK_TEST_FIRST_CHECK_MISSES") == "1":
        import app.ui.single_instance as single_instance

        real_activate = single_instance.activate_running_instance
        checks: list[str] = []

        def activate_late(name: str) -> bool:
            checks.append(name)
            return False if len(checks) == 1 else real_activate(name)

        single_instance.activate_running_instance = activate_late

    if os.environ.get("POPLARK_TEST_COMMANDS") == "1":
        original_loaded = PreviewPane._on_loaded
        original_failed = PreviewPane._on_failed
        original_rendered = PreviewPane._html_rendered

        def fetch_failed(self: FetchOutcomes, account_name: str, error: Exception) -> None:
            self.scheduler.record_failure(account_name, error)  # as the app does, without the dialog
            _note(f"fetch-failed {account_name} {type(error).__name__}: {_one_line(error)}")

        def loaded(self: PreviewPane, generation: int, message: object) -> None:
            current = generation == self._generation
            original_loaded(self, generation, message)  # type: ignore[arg-type]
            if current:
                _note(f"read-ok {self.message_id}")

        def failed(self: PreviewPane, generation: int, error: object) -> None:
            current = generation == self._generation
            original_failed(self, generation, error)
            if current:
                _note(f"read-failed {self.message_id} {_one_line(error)}")

        def rendered(self: PreviewPane) -> None:
            original_rendered(self)
            _note(f"html-shown {self.message_id}")

        def store_failure(self: MainWindow, error: Exception) -> None:
            _note(f"store-failure {type(error).__name__}: {_one_line(error)}")

        FetchOutcomes.fetch_failed = fetch_failed  # type: ignore[method-assign]
        MainWindow.show_store_failure = store_failure  # type: ignore[method-assign]
        PreviewPane._on_loaded = loaded  # type: ignore[method-assign]
        PreviewPane._on_failed = failed  # type: ignore[method-assign]
        PreviewPane._html_rendered = rendered  # type: ignore[method-assign]

    SingleInstance.listen = listen  # type: ignore[method-assign]
    MainWindow.show_from_tray = show_from_tray  # type: ignore[method-assign]
    FetchOutcomes.fetch_finished = fetch_finished  # type: ignore[method-assign]


def main() -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    install_hooks()
    from app.main import main as poplark_main

    return poplark_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
