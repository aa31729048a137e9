"""The attachment list: safe names, Save asks, Save All never overwrites, Open goes through a
private directory, and a big attachment is written without blocking the window."""

from __future__ import annotations

import base64
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from app.ui.widgets.attachments import AttachmentList
from app.ui.widgets.preview import PreviewPane
from tests.ui.conftest import CORPUS, CorpusStore

HOSTILE = (CORPUS / "hostile-filenames.eml").read_bytes()
SAFE_NAMES = ["passwd", "_CON.txt", "invoicefdp.exe", "badname.txt", "evil.dll", "bashrc", "part-8.pdf", "_lpt1.log"]

pytestmark = pytest.mark.usefixtures("release_web_pages")


@pytest.fixture
def pane(qtbot: QtBot, corpus_store: CorpusStore, tmp_path: Path) -> Iterator[PreviewPane]:
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    widget = PreviewPane(corpus_store.path, settings=settings)
    qtbot.addWidget(widget)
    widget.resize(800, 600)
    widget.show()
    yield widget
    widget.wait_for_jobs()


def show_raw(qtbot: QtBot, pane: PreviewPane, raw: bytes) -> AttachmentList:
    with qtbot.waitSignal(pane.displayed, timeout=20000):
        pane.show_raw(raw, "test")
    return pane.attachments


def names(attachments: AttachmentList) -> list[str]:
    tree = attachments.tree
    return [item.text(0) for item in (tree.topLevelItem(row) for row in range(tree.topLevelItemCount())) if item]


def test_hostile_names_are_listed_safe_with_type_and_size(qtbot: QtBot, pane: PreviewPane) -> None:
    attachments = show_raw(qtbot, pane, HOSTILE)
    assert attachments.isVisible()
    assert names(attachments) == SAFE_NAMES
    first = attachments.tree.topLevelItem(0)
    assert first is not None and first.toolTip(1) == "text/plain" and first.text(1) and first.text(2)


def test_save_all_stays_in_the_folder_and_never_overwrites(qtbot: QtBot, pane: PreviewPane, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    attachments = show_raw(qtbot, pane, HOSTILE)
    target = tmp_path / "downloads"
    target.mkdir()
    (target / "passwd").write_bytes(b"mine, keep me")
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *args, **kwargs: str(target)))
    with qtbot.waitSignal(attachments.saved, timeout=10000) as saved:
        attachments.save_all()
    written = saved.args[0]
    assert len(written) == len(SAFE_NAMES)
    assert all(Path(path).parent == target for path in written)
    assert (target / "passwd").read_bytes() == b"mine, keep me"
    assert (target / "passwd (2)").read_bytes() == b"root:x:0:0"
    assert (target / "_CON.txt").read_bytes() == b"con"
    assert sorted(os.listdir(target)) == sorted([*SAFE_NAMES, "passwd (2)"])
    assert not (tmp_path / "etc").exists()


def test_save_writes_the_chosen_file_and_proposes_the_safe_name(qtbot: QtBot, pane: PreviewPane, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    attachments = show_raw(qtbot, pane, HOSTILE)
    proposed: list[str] = []
    chosen = tmp_path / "invoice.bin"

    def ask(parent: object, caption: str, directory: str, *args: object, **kwargs: object) -> tuple[str, str]:
        proposed.append(directory)
        return str(chosen), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(ask))
    attachments.tree.setCurrentItem(attachments.tree.topLevelItem(2))
    with qtbot.waitSignal(attachments.saved, timeout=10000):
        attachments.save_selected()
    assert Path(proposed[0]).name == "invoicefdp.exe"
    assert chosen.read_bytes() == b"MZ"


def test_cancelling_the_dialog_writes_nothing(qtbot: QtBot, pane: PreviewPane, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    attachments = show_raw(qtbot, pane, HOSTILE)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *args, **kwargs: ("", "")))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *args, **kwargs: ""))
    attachments.save_selected()
    attachments.save_all()
    assert not attachments._jobs


def test_open_goes_through_a_private_directory(qtbot: QtBot, pane: PreviewPane,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(QUrl(url)) or True))
    attachments = show_raw(qtbot, pane, HOSTILE)
    attachments.tree.setCurrentItem(attachments.tree.topLevelItem(6))
    with qtbot.waitSignal(attachments.saved, timeout=10000):
        attachments.open_selected()
    assert len(opened) == 1
    path = Path(opened[0].toLocalFile())
    assert path.name == "part-8.pdf" and path.read_bytes() == b"%PDF"
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_a_25_mb_attachment_is_listed_and_saved_in_the_background(qtbot: QtBot, pane: PreviewPane, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    payload = os.urandom(25 * 1024 * 1024)
    encoded = base64.encodebytes(payload).replace(b"\n", b"\r\n")
    raw = (b"From: a@example.com\r\nSubject: Big\r\nMIME-Version: 1.0\r\n"
           b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nbig file\r\n"
           b"--b\r\nContent-Type: application/octet-stream\r\n"
           b"Content-Disposition: attachment; filename=big.bin\r\nContent-Transfer-Encoding: base64\r\n\r\n"
           + encoded + b"--b--\r\n")
    attachments = show_raw(qtbot, pane, raw)
    assert names(attachments) == ["big.bin"]
    assert "big file" in pane.body.toPlainText()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *args, **kwargs: str(tmp_path)))
    with qtbot.waitSignal(attachments.saved, timeout=60000):
        attachments.save_all()
    assert (tmp_path / "big.bin").read_bytes() == payload


def test_a_failed_save_says_which_file_in_plain_words(qtbot: QtBot, pane: PreviewPane, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    attachments = show_raw(qtbot, pane, HOSTILE)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    target = blocker / "passwd"
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(
        lambda parent, title, text, *args: warnings.append(text) or QMessageBox.StandardButton.Ok))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *args, **kwargs: (str(target), "")))
    attachments.save_selected()
    qtbot.waitUntil(lambda: bool(warnings), timeout=10000)
    assert str(target) in warnings[0] and "another folder" in warnings[0]
    assert "Errno" not in warnings[0]  # not Python's own message


def test_replacing_a_file_keeps_the_old_one_whole_when_the_write_fails(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from app.ui.widgets import attachments

    target = tmp_path / "report.pdf"
    target.write_bytes(b"the old report")
    target.chmod(0o640)
    attachments.replace_file(target, b"the new report")
    assert target.read_bytes() == b"the new report"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640

    def disk_full(source: object, destination: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(attachments.os, "replace", disk_full)
    with pytest.raises(OSError):
        attachments.replace_file(target, b"a newer report that never fits")
    assert target.read_bytes() == b"the new report"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["report.pdf"]  # no .part left behind


def test_a_new_file_that_fails_part_way_is_not_left_truncated(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from app.ui.widgets import attachments

    class FillsUp(io.FileIO):
        """A file on a disk that fills up after half of what is written."""

        def write(self, data: object) -> int:
            view = memoryview(data)  # type: ignore[arg-type]
            super().write(view[: len(view) // 2])
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(attachments, "open", lambda path, mode: FillsUp(path, "x"), raising=False)
    target = tmp_path / "big.bin"
    with pytest.raises(OSError):
        attachments.write_new_file(target, b"x" * 4096)
    assert not target.exists()


@pytest.mark.parametrize("case", ["uuencode_two_files_trailing_spaces_stripped", "tnef_two_files"])
def test_files_inside_parts_are_listed_and_saved_byte_exact_from_the_window(
        qtbot: QtBot, pane: PreviewPane, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str) -> None:
    # uuencoded blocks in a text body and the files inside winmail.dat: listed and saved like any
    # other attachment (issue 13), through the same Save All the user clicks.
    from tests.core.test_world_structure import EMBEDDED_CASES

    raw, files = next((entry[1], entry[3]) for entry in EMBEDDED_CASES if entry[0] == case)
    attachments = show_raw(qtbot, pane, raw)
    assert names(attachments) == [name for name, _ in files]
    target = tmp_path / "saved"
    target.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *args, **kwargs: str(target)))
    with qtbot.waitSignal(attachments.saved, timeout=10000):
        attachments.save_all()
    assert {path.name: path.read_bytes() for path in target.iterdir()} == dict(files)
