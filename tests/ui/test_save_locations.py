"""Save dialogs start in Downloads (home without one), then in the last folder used, whichever
dialog it was (issue 14, item 9). The dialogs are replaced by recorders of the folder they were
offered; the files are then really written."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from app.ui.main_window import MainWindow
from app.ui.save_locations import default_directory, start_directory
from tests.fakes.pop3_server import crlf


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A home folder of the test's own, with no XDG user-dirs file (so Downloads is ~/Downloads)."""
    folder = tmp_path / "home"
    folder.mkdir()
    monkeypatch.setenv("HOME", str(folder))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder / ".config"))
    yield folder


class Dialogs:
    """Stands in for QFileDialog: notes the folder each dialog starts in and answers ``answer``."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.started_in: list[Path] = []
        self.answer = ""

        def directory(parent: object, caption: str, start: str, *args: object) -> str:
            self.started_in.append(Path(start))
            return self.answer

        def save_file(parent: object, caption: str, start: str, *args: object) -> tuple[str, str]:
            self.started_in.append(Path(start).parent)  # the suggested name is in that folder
            return self.answer, ""

        monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(directory))
        monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_file))


def test_downloads_when_it_exists_else_home(home: Path, tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    assert default_directory() == home
    assert start_directory(settings) == home
    (home / "Downloads").mkdir()
    assert default_directory() == home / "Downloads"
    assert start_directory(settings) == home / "Downloads"
    settings.setValue("files/lastDirectory", str(tmp_path / "gone"))  # a folder deleted since
    assert start_directory(settings) == home / "Downloads"


def test_every_save_dialog_starts_in_downloads_then_where_the_last_save_went(
        qtbot: QtBot, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        mailbox_window: Callable[..., MainWindow]) -> None:
    (home / "Downloads").mkdir()
    attached = crlf("From: a@example.com\nSubject: files\nMIME-Version: 1.0\n"
                    "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nhi\n"
                    "--b\nContent-Type: application/octet-stream\nContent-Disposition: attachment; "
                    "filename=notes.bin\n\nabc\n--b--\n")
    window = mailbox_window([attached])
    dialogs = Dialogs(monkeypatch)

    # Export Selected Messages: the first dialog ever opens in Downloads.
    chosen = tmp_path / "mail-archive"
    chosen.mkdir()
    dialogs.answer = str(chosen)
    window.message_view.selectRow(0)
    jobs_before = set(window.operations.jobs)
    window.window_actions.export_eml.trigger()
    with qtbot.waitSignal(next(iter(window.operations.jobs - jobs_before)).finished, timeout=10000):
        pass
    assert dialogs.started_in == [home / "Downloads"]
    assert len(list(chosen.glob("*.eml"))) == 1

    # Export Folder as mbox: where the export went, and the file lands where chosen.
    dialogs.answer = str(tmp_path / "elsewhere" / "inbox.mbox")
    (tmp_path / "elsewhere").mkdir()
    jobs_before = set(window.operations.jobs)
    window.window_actions.export_mbox.trigger()
    with qtbot.waitSignal(next(iter(window.operations.jobs - jobs_before)).finished, timeout=10000):
        pass
    assert dialogs.started_in[-1] == chosen
    assert (tmp_path / "elsewhere" / "inbox.mbox").is_file()

    # The attachment list's Save All: the last folder, whichever dialog chose it.
    # The message has been in the reader since it was selected for the export.
    qtbot.waitUntil(lambda: len(window.preview.attachments.attachments) == 1, timeout=10000)
    dialogs.answer = ""  # cancelled: nothing remembered
    window.preview.attachments.save_all()
    assert dialogs.started_in[-1] == tmp_path / "elsewhere"

    # Help > Save Protocol Log: the same remembered folder.
    dialogs.answer = ""
    window.save_protocol_log()
    assert dialogs.started_in[-1] == tmp_path / "elsewhere"
    assert Path(str(window.settings.value("files/lastDirectory"))) == tmp_path / "elsewhere"
