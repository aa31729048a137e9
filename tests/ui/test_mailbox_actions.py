"""Mailbox actions in the window, against a real store: flag, delete, restore, empty Trash (with
its warning in mirror mode), pending server deletions, export, import by drag and drop, the
search box, the search indexer, keyboard reading."""

from __future__ import annotations

import mailbox
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, QSettings, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from app.core.model import Account, Folder, LeaveMode, Security
from app.core.store import Profile, Store
from app.ui.main_window import MainWindow
from tests.fakes.keyrings import MemoryKeyring
from tests.fakes.pop3_server import crlf
from tests.ui.mailbox_window import MESSAGES, ids_in_view, message, open_folder

pytestmark = pytest.mark.usefixtures("release_web_pages")


def test_flag_toggles_the_selection(qtbot: QtBot, mailbox_window: Callable[..., MainWindow]) -> None:
    window = mailbox_window()
    window.message_view.selectRow(0)
    first = window.inbox_model.message_id(0)
    window.window_actions.flag.trigger()
    assert window.store.message(first).flagged
    window.window_actions.flag.trigger()
    assert not window.store.message(first).flagged
    from app.ui.models.inbox_model import Column

    star = window.message_view.visualRect(window.inbox_model.index(1, Column.FLAG)).center()
    qtbot.mouseClick(window.message_view.viewport(), Qt.MouseButton.LeftButton, pos=star)
    second = window.inbox_model.message_id(1)
    assert window.store.message(second).flagged  # a click on the star column flags that row


def test_delete_restore_and_empty_trash(qtbot: QtBot, mailbox_window: Callable[..., MainWindow],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    window = mailbox_window()
    window.message_view.selectRow(0)
    selection = window.message_view.selectionModel()
    selection.select(window.inbox_model.index(1, 0), selection.SelectionFlag.Select | selection.SelectionFlag.Rows)
    doomed = window.selected_ids()
    assert len(doomed) == 2  # multi-select
    window.window_actions.delete.trigger()
    assert all(window.store.message(message_id).folder == Folder.TRASH for message_id in doomed)
    open_folder(window, Folder.TRASH)
    assert sorted(ids_in_view(window)) == sorted(doomed)
    assert window.window_actions.restore.isEnabled() and window.window_actions.delete.isEnabled()  # Delete: for good
    window.message_view.selectRow(0)
    restored = window.selected_ids()[0]
    window.window_actions.restore.trigger()
    assert window.store.message(restored).folder == Folder.INBOX
    remaining = [message_id for message_id in doomed if message_id != restored]
    assert ids_in_view(window) == remaining

    questions: list[str] = []

    def answer(parent: object, title: str, text: str, *args: object) -> QMessageBox.StandardButton:
        questions.append(text)
        return QMessageBox.StandardButton.Cancel if len(questions) == 1 else QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", staticmethod(answer))
    window.window_actions.empty_trash.trigger()  # cancelled
    assert window.store.summaries(remaining)
    window.window_actions.empty_trash.trigger()  # in a background job
    qtbot.waitUntil(lambda: window.store.summaries(remaining) == {} and not window.operations.jobs, timeout=10000)
    assert window.inbox_model.rowCount() == 0
    assert "server" not in questions[0]  # this account keeps mail on the server


def test_mirror_mode_announces_server_deletions(qtbot: QtBot, mailbox_window: Callable[..., MainWindow],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    window = mailbox_window(mode=LeaveMode.DELETE_WHEN_DELETED_LOCALLY)
    assert not window.pending_deletions_label.isVisible()
    window.message_view.selectRow(0)
    window.window_actions.delete.trigger()
    assert window.store.pending_server_deletions() == 1
    assert window.pending_deletions_label.isVisible()
    assert window.pending_deletions_label.text().startswith("1 message")
    open_folder(window, Folder.TRASH)
    questions: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", staticmethod(
        lambda parent, title, text, *args: questions.append(text) or QMessageBox.StandardButton.Yes))
    window.window_actions.empty_trash.trigger()
    assert "deleted from the server at the next check" in questions[0]


def test_export_selected_as_eml_and_folder_as_mbox(qtbot: QtBot, mailbox_window: Callable[..., MainWindow],
                                                    tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    window = mailbox_window()
    target = tmp_path / "exported"
    target.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *args, **kwargs: str(target)))
    window.message_view.selectAll()
    jobs_before = set(window.operations.jobs)
    window.window_actions.export_eml.trigger()
    job = next(iter(window.operations.jobs - jobs_before))
    with qtbot.waitSignal(job.finished, timeout=10000):
        pass
    files = sorted(target.glob("*.eml"))
    assert len(files) == len(MESSAGES)
    assert sorted(path.read_bytes() for path in files) == sorted(MESSAGES)  # byte-exact

    mbox_path = tmp_path / "inbox.mbox"
    mbox_path.write_bytes(b"an older export, replaced after the dialog asked")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *args, **kwargs: (str(mbox_path), "")))
    jobs_before = set(window.operations.jobs)
    window.window_actions.export_mbox.trigger()
    job = next(iter(window.operations.jobs - jobs_before))
    with qtbot.waitSignal(job.finished, timeout=10000):
        pass
    assert len(mailbox.mbox(str(mbox_path))) == len(MESSAGES)
    assert not list(tmp_path.glob(".*.part"))


def test_dropping_eml_files_imports_them(qtbot: QtBot, mailbox_window: Callable[..., MainWindow],
                                         tmp_path: Path) -> None:
    window = mailbox_window()
    dropped = tmp_path / "dropped.eml"
    dropped.write_bytes(message(42, "Dropped"))
    ignored = tmp_path / "notes.txt"
    ignored.write_text("not mail")
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(dropped)), QUrl.fromLocalFile(str(ignored))])
    # As a drag from a file manager arrives: enter, then drop, on the message list (the widget
    # under the cursor); the event travels up to the window, which accepts .eml files.
    viewport = window.message_view.viewport()
    enter = QDragEnterEvent(QPoint(10, 10), Qt.DropAction.CopyAction, data, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(viewport, enter)
    assert enter.isAccepted()
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, data, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    before = window.inbox_model.rowCount()
    QApplication.sendEvent(viewport, event)
    assert event.isAccepted()
    qtbot.waitUntil(lambda: window.inbox_model.rowCount() == before + 1, timeout=10000)
    new_id = max(ids_in_view(window))
    assert window.store.raw(new_id) == dropped.read_bytes()
    assert window.store.message(new_id).subject == "Dropped 42"


def test_search_follows_typing_and_finds_bodies(qtbot: QtBot, mailbox_window: Callable[..., MainWindow]) -> None:
    window = mailbox_window([*MESSAGES, message(9, "Notice", "the quarterly 会议 is on Friday")])
    # Start-up indexes what a fetch left unindexed, in the background.
    qtbot.waitUntil(lambda: window.store.pending_search_count() == 0, timeout=20000)
    window.search_box.setText("quarterly")
    assert window.inbox_model.rowCount() == len(MESSAGES) + 1  # debounced: nothing yet
    qtbot.waitUntil(lambda: window.inbox_model.rowCount() == 1, timeout=5000)
    assert window.inbox_model.summary(0).subject == "Notice 9"
    window.search_box.setText("会议")
    qtbot.waitUntil(lambda: window.inbox_model.search == "会议", timeout=5000)
    assert window.inbox_model.rowCount() == 1
    window.search_box.setText("")
    qtbot.waitUntil(lambda: window.inbox_model.rowCount() == len(MESSAGES) + 1, timeout=5000)


def test_keyboard_reading(qtbot: QtBot, mailbox_window: Callable[..., MainWindow]) -> None:
    window = mailbox_window()
    window.message_view.setFocus()
    with qtbot.waitSignal(window.preview.displayed, timeout=10000):
        window.message_view.selectRow(0)
    first = window.inbox_model.message_id(0)
    with qtbot.waitSignal(window.preview.displayed, timeout=10000):
        qtbot.keyClick(window.message_view, Qt.Key.Key_Space)  # a short message: on to the next
    assert window.selected_rows() == [1]
    with qtbot.waitSignal(window.preview.displayed, timeout=10000):
        qtbot.keyClick(window.message_view, Qt.Key.Key_Up)
    assert window.selected_ids() == [first]
    window.activateWindow()
    qtbot.keyClick(window.message_view, Qt.Key.Key_Delete)
    assert window.store.message(first).folder == Folder.TRASH


def test_the_text_encoding_menu_re_renders_and_resets(qtbot: QtBot, mailbox_window: Callable[..., MainWindow]) -> None:
    text = "Совещание перенесли на среду, три часа дня."  # KOI8-R under a Windows-1251 label
    raw = (b"From: a@example.com\r\nSubject: Mislabelled\r\nDate: Mon, 30 Nov 2026 10:00:00 +0800\r\n"
           b"Content-Type: text/plain; charset=windows-1251\r\n\r\n") + text.encode("koi8-r") + b"\r\n"
    window = mailbox_window([raw, *MESSAGES])
    with qtbot.waitSignal(window.preview.displayed, timeout=10000):
        window.message_view.selectRow(0)
    assert text not in window.preview.body.toPlainText()
    koi8 = next(action for action in window.window_actions.encoding_group.actions() if action.data() == "koi8-r")
    with qtbot.waitSignal(window.preview.displayed, timeout=10000):
        koi8.trigger()
    assert text in window.preview.body.toPlainText()
    with qtbot.waitSignal(window.preview.displayed, timeout=10000):
        window.message_view.selectRow(1)
    assert window.window_actions.encoding_group.checkedAction() is window.window_actions.encoding_group.actions()[0]
    assert window.preview.charset_override is None


def test_a_drag_without_mail_files_is_refused(mailbox_window: Callable[..., MainWindow], tmp_path: Path) -> None:
    window = mailbox_window()
    text_file = tmp_path / "notes.txt"
    text_file.write_text("not mail")
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(text_file))])
    enter = QDragEnterEvent(QPoint(10, 10), Qt.DropAction.CopyAction, data, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window.message_view.viewport(), enter)
    assert not enter.isAccepted()


def test_bodies_are_indexed_after_a_fetch(qtbot: QtBot, tmp_path: Path, memory_keyring: MemoryKeyring) -> None:
    from tests.fakes.pop3_server import FakePop3Server

    server = FakePop3Server([message(7, "Fetched", "a body word: xylophone")]).start()
    try:
        profile = Profile(tmp_path / "profile").ensure()
        store = Store.open(profile)
        account = store.add_account(Account(
            name="test", host="127.0.0.1", port=server.address[1], security=Security.NONE, user="alice",
            allow_insecure_auth=True, timeout_seconds=5.0, check_interval_minutes=0))
        memory_keyring.set_password("Poplark", account.credential_key, "secret")
        window = MainWindow(store, profile, QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
        qtbot.addWidget(window)
        with qtbot.waitSignal(window.search_indexer.finished, timeout=20000):
            window.window_actions.get_mail.trigger()
        assert store.pending_search_count() == 0
        window.search_box.setText("xylophone")
        qtbot.waitUntil(lambda: window.inbox_model.rowCount() == 1, timeout=5000)
        window.close_for_good()
        store.close()
    finally:
        server.stop()


# -- screenshots (docs/reading-*.png when POPLARK_SCREENSHOT_DIR is set) -------------------------------


def showcase_newsletter(base: str) -> bytes:
    html = f"""<html><head><style>
body {{ font-family: sans-serif; background: #f4f1ea; margin: 0; }}
.card {{ max-width: 560px; margin: 16px auto; background: white; border-radius: 6px; overflow: hidden; }}
.hero {{ background: #2f6f5e url('{base}/hero-background.jpg'); color: white; padding: 18px 24px; }}
.hero h1 {{ margin: 0; font-size: 22px; }} td {{ padding: 8px 24px; vertical-align: top; }}
a.button {{ background: #e07a2f; color: white; padding: 8px 14px; border-radius: 4px; text-decoration: none; }}
</style><link rel="stylesheet" href="{base}/fonts.css"></head><body>
<div class="card"><div class="hero"><h1>Autumn reading list</h1><p>Ten books for long evenings</p></div>
<table><tr><td><img src="{base}/cover-1.jpg" width="90" height="120" alt="Book cover"></td>
<td><b>The Quiet Harbour</b><br>A slow novel about a lighthouse keeper and the letters she never sent.</td></tr>
<tr><td><img src="{base}/cover-2.jpg" width="90" height="120" alt="Book cover"></td>
<td><b>Paper Birds</b><br>Short stories from twelve cities, translated for the first time.</td></tr>
<tr><td colspan="2"><a class="button" href="https://books.example.org/autumn">See all ten</a></td></tr></table>
<img src="{base}/open.gif?subscriber=8812" width="1" height="1"></div></body></html>"""
    return crlf("From: Riverside Books <news@books.example.org>\nTo: me@example.com\n"
                "Subject: Autumn reading list\nDate: Fri, 20 Nov 2026 07:30:00 +0000\nMIME-Version: 1.0\n"
                "Content-Type: multipart/alternative; boundary=alt\n\n--alt\nContent-Type: text/plain\n\n"
                "Autumn reading list (plain version)\n--alt\nContent-Type: text/html; charset=utf-8\n\n"
                + html + "\n--alt--\n")


def showcase_inline_image() -> bytes:
    import base64

    from app.core.providers import resources_directory

    logo = base64.encodebytes((resources_directory() / "icons" / "poplark-128.png").read_bytes()).decode()
    return crlf("From: 王芳 <wang.fang@example.cn>\nTo: me@example.com\nSubject: 新标志定稿 / The new logo\n"
                "Date: Thu, 19 Nov 2026 16:05:00 +0800\nMIME-Version: 1.0\n"
                "Content-Type: multipart/related; boundary=rel; type=\"text/html\"\n\n--rel\n"
                "Content-Type: text/html; charset=utf-8\n\n"
                "<div style='font-family: sans-serif'><p>大家好，</p><p>新标志已经定稿，见下图：</p>"
                "<p><img src='cid:logo@example.cn' width='128' height='128' alt='logo'></p>"
                "<p>The image above is part of this message (a <code>cid:</code> part), "
                "so it shows without loading anything from the internet.</p><p>王芳</p></div>\n"
                "--rel\nContent-Type: image/png\nContent-Transfer-Encoding: base64\n"
                "Content-ID: <logo@example.cn>\nContent-Disposition: inline; filename=logo.png\n\n"
                + logo + "--rel--\n")


def painted(widget: QWidget) -> bool:
    """Whether the widget shows more than its background: several colours on a coarse grid."""
    image = widget.grab().toImage()
    colours = {image.pixel(x, y) for x in range(0, image.width(), 16) for y in range(0, image.height(), 16)}
    return len(colours) > 2


@pytest.mark.parametrize(("name", "subject"), [
    ("reading-gbk-subject", "关于下周会议的通知"),
    ("reading-newsletter-blocked", "Autumn reading list"),
    ("reading-inline-image", "新标志定稿 / The new logo"),
    ("reading-attachments", "Minutes attached"),
])
def test_screenshot_of_reading(qtbot: QtBot, mailbox_window: Callable[..., MainWindow], tmp_path: Path,
                               name: str, subject: str) -> None:
    import os

    from tests.ui.conftest import CORPUS
    from tests.ui.test_html_view import CountingServer

    with CountingServer() as server:
        messages = [(CORPUS / "gbk-subject.eml").read_bytes(), showcase_newsletter(server.base),
                    showcase_inline_image(), (CORPUS / "rfc2231-chinese-filename.eml").read_bytes(), *MESSAGES[:3]]
        window = mailbox_window(messages)
        window.resize(1100, 720)
        from app.ui.dialogs.preferences import RemoteContent

        window.preview.remote_content = RemoteContent.ASK  # the bar with both of its buttons
        row = next(row for row in range(window.inbox_model.rowCount())
                   if window.inbox_model.summary(row).subject == subject)
        with qtbot.waitSignal(window.preview.displayed, timeout=20000):
            window.message_view.selectRow(row)
        view = window.preview.html_view
        if view is not None and window.preview.body_stack.currentWidget() is view:
            # The compositor paints the page a frame or more after loadFinished: wait for colours.
            qtbot.waitUntil(lambda: painted(view), timeout=10000)
        picture = window.grab()
        assert not picture.isNull() and picture.save(str(tmp_path / f"{name}.png"))
        keep = os.environ.get("POPLARK_SCREENSHOT_DIR")
        if keep:
            assert picture.save(str(Path(keep) / f"{name}.png"))
        assert server.paths == []
        if name == "reading-newsletter-blocked":
            assert window.preview.remote_bar.isVisible()
        if name == "reading-attachments":
            assert window.preview.attachments.isVisible()


def test_a_failed_export_or_import_says_which_file_and_what_to_do(
        qtbot: QtBot, mailbox_window: Callable[..., MainWindow], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    window = mailbox_window()
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the export folder should be")
    target = blocker / "exported"
    warnings: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(
        lambda parent, title, text, *args: warnings.append((title, text)) or QMessageBox.StandardButton.Ok))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *args, **kwargs: str(target)))
    window.message_view.selectAll()
    jobs_before = set(window.operations.jobs)
    window.window_actions.export_eml.trigger()
    job = next(iter(window.operations.jobs - jobs_before))
    with qtbot.waitSignal(job.finished, timeout=10000):
        pass
    window.import_files([tmp_path / "vanished.eml"])  # dropped, then deleted before the import ran
    qtbot.waitUntil(lambda: len(warnings) == 2, timeout=10000)
    (export_title, export_text), (import_title, import_text) = warnings
    assert export_title == "Export failed" and import_title == "Import failed"
    # Not an account problem and not a bug to report: the file, and what the user can do.
    for text in (export_text, import_text):
        assert "with  (" not in text and "report" not in text, text
        assert "Error" not in text, text  # no Python exception names
    assert str(target) in export_text and "another folder" in export_text
    assert str(tmp_path / "vanished.eml") in import_text
