"""What a mail client is expected to do around reading, in the window against a real store: Delete
inside Trash deletes for good after asking (in the background, like Empty Trash), the Flag button
on the toolbar, a note on messages the parser found damaged, and the one-time news that a server
keeps messages it was asked to delete (through the fake POP3 server's ``ignore_dele`` fault)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QMessageBox, QToolBar, QToolButton, QWidget
from pytestqt.qtbot import QtBot

from app.core.model import Folder, LeaveMode
from app.core.store import UidState
from app.ui.main_window import MainWindow
from tests.fakes.pop3_server import FakePop3Server, Faults, crlf
from tests.ui.conftest import CORPUS
from tests.ui.mailbox_window import MESSAGES, ids_in_view, message, open_folder

pytestmark = pytest.mark.usefixtures("release_web_pages")


class Answers:
    """QMessageBox.question patched: records each question and gives the next scripted answer."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, *answers: QMessageBox.StandardButton) -> None:
        self.answers = list(answers)
        self.questions: list[tuple[str, str]] = []
        monkeypatch.setattr(QMessageBox, "question", staticmethod(self))

    def __call__(self, parent: QWidget, title: str, text: str, *args: object) -> QMessageBox.StandardButton:
        self.questions.append((title, text))
        return self.answers.pop(0)


def trash_first(window: MainWindow, count: int) -> list[int]:
    """Move the first ``count`` messages of the Inbox to Trash and open Trash."""
    doomed = ids_in_view(window)[:count]
    window.store.move_to_folder(doomed, Folder.TRASH)
    open_folder(window, Folder.TRASH)
    assert sorted(ids_in_view(window)) == sorted(doomed)
    return doomed


def wait_for_mailbox_jobs(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.operations.jobs, timeout=10000)


# -- Delete inside Trash ------------------------------------------------------------------------------


def test_delete_in_trash_asks_then_deletes_for_good(qtbot: QtBot, mailbox_window: Callable[..., MainWindow],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    window = mailbox_window()
    doomed = trash_first(window, 3)
    assert window.window_actions.delete.isEnabled()
    answers = Answers(monkeypatch, QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Yes)
    window.message_view.selectRow(0)
    selection = window.message_view.selectionModel()
    selection.select(window.inbox_model.index(1, 0), selection.SelectionFlag.Select | selection.SelectionFlag.Rows)
    chosen = window.selected_ids()
    assert len(chosen) == 2

    window.window_actions.delete.trigger()  # cancelled: nothing changes
    assert answers.questions[0][1] == "Delete 2 message(s) for good? This cannot be undone."
    assert "server" not in answers.questions[0][1]  # this account keeps mail on the server
    assert not window.operations.jobs
    assert {summary.folder for summary in window.store.summaries(doomed).values()} == {Folder.TRASH}

    window.window_actions.delete.trigger()
    assert sorted(ids_in_view(window)) == sorted(set(doomed) - set(chosen))  # off the list at once
    wait_for_mailbox_jobs(qtbot, window)
    assert window.store.summaries(chosen) == {}
    assert set(window.store.summaries(doomed)) == set(doomed) - set(chosen)
    for message_id in chosen:
        row = window.store.db.execute("SELECT count(*) FROM message_raw WHERE message_id = ?", (message_id,))
        assert row.fetchone()[0] == 0
    # Their UIDLs are remembered, so the next check does not download them again.
    states = [uid.state for uid in window.store.known_uids(window.accounts["test"].id or 0).values()]
    assert states.count(UidState.DELETED_LOCALLY) == 3
    assert window.fetch_status.label.text() == "2 message(s) deleted for good"
    assert window.fetch_status.label.isVisible()
    assert window.selected_rows() == [0]  # the next message in Trash is selected


def test_delete_in_the_inbox_still_moves_to_trash_without_asking(
        mailbox_window: Callable[..., MainWindow], monkeypatch: pytest.MonkeyPatch) -> None:
    window = mailbox_window()
    answers = Answers(monkeypatch)
    window.message_view.selectRow(0)
    first = window.selected_ids()[0]
    window.window_actions.delete.trigger()
    assert window.store.message(first).folder == Folder.TRASH
    assert answers.questions == []


def test_delete_for_good_in_mirror_mode_says_the_server_copy_goes_too(
        qtbot: QtBot, mailbox_window: Callable[..., MainWindow], monkeypatch: pytest.MonkeyPatch) -> None:
    window = mailbox_window(mode=LeaveMode.DELETE_WHEN_DELETED_LOCALLY)
    doomed = trash_first(window, 1)
    answers = Answers(monkeypatch, QMessageBox.StandardButton.Yes)
    window.message_view.selectRow(0)
    window.window_actions.delete.trigger()
    title, text = answers.questions[0]
    assert title == "Delete Messages"
    assert text.startswith("Delete 1 message(s) for good?")
    assert "will be deleted from the server at the next check" in text
    wait_for_mailbox_jobs(qtbot, window)
    assert window.store.summaries(doomed) == {}
    assert window.store.pending_server_deletions() == 1  # the DELE stays queued
    assert window.pending_deletions_label.text().startswith("1 message")


def test_empty_trash_runs_in_the_background_and_counts_what_a_search_hides(
        qtbot: QtBot, mailbox_window: Callable[..., MainWindow], monkeypatch: pytest.MonkeyPatch) -> None:
    window = mailbox_window()
    doomed = trash_first(window, 4)
    window.inbox_model.set_search("s5@example.com")  # the list shows one of the four
    assert window.inbox_model.rowCount() == 1
    answers = Answers(monkeypatch, QMessageBox.StandardButton.Yes)
    window.window_actions.empty_trash.trigger()
    assert answers.questions[0][1].startswith("Delete the 4 message(s) in Trash for good?")
    assert window.operations.jobs  # the work is off the GUI thread
    assert window.inbox_model.rowCount() == 0
    wait_for_mailbox_jobs(qtbot, window)
    assert window.store.summaries(doomed) == {}
    assert len(window.store.message_ids(window.accounts["test"].id, Folder.INBOX)) == len(MESSAGES) - 4


# -- the Flag button ----------------------------------------------------------------------------------


def test_flag_is_on_the_toolbar_and_shows_the_state_of_the_selection(mailbox_window: Callable[..., MainWindow]) -> None:
    window = mailbox_window()
    toolbar = window.findChild(QToolBar, "mainToolbar")
    assert toolbar is not None and window.window_actions.flag in toolbar.actions()
    assert not window.window_actions.flag.icon().isNull()
    window.message_view.selectRow(0)
    first = window.selected_ids()[0]
    assert not window.window_actions.flag.isChecked()
    window.window_actions.flag.trigger()
    assert window.store.message(first).flagged and window.window_actions.flag.isChecked()
    window.message_view.selectRow(1)
    assert not window.window_actions.flag.isChecked()  # follows the selection
    window.message_view.selectRow(0)
    assert window.window_actions.flag.isChecked()
    window.window_actions.flag.trigger()
    assert not window.store.message(first).flagged and not window.window_actions.flag.isChecked()


def test_toolbar_icons_read_on_light_and_dark_backgrounds(mailbox_window: Callable[..., MainWindow]) -> None:
    """Every toolbar icon is drawn in mid tones: its ink differs clearly from white and from black."""
    window = mailbox_window()
    toolbar = window.findChild(QToolBar, "mainToolbar")
    assert toolbar is not None
    actions = [action for action in toolbar.actions() if not action.icon().isNull()]
    actions.append(window.window_actions.get_mail)
    assert window.window_actions.flag in actions
    for action in actions:
        image = action.icon().pixmap(44, 44).toImage()
        ink = [QColor(image.pixel(x, y)) for x in range(image.width()) for y in range(image.height())
               if QColor.fromRgba(image.pixel(x, y)).alpha() > 200]
        assert len(ink) > 40, action.objectName()
        lightness = sorted(color.lightnessF() for color in ink)
        median = lightness[len(lightness) // 2]
        assert 0.25 < median < 0.8, (action.objectName(), median)


# -- a note on damaged messages -----------------------------------------------------------------------


def test_a_damaged_message_gets_a_note_with_the_details(qtbot: QtBot, mailbox_window: Callable[..., MainWindow],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    damaged = (CORPUS / "broken-base64.eml").read_bytes()
    window = mailbox_window([damaged, message(2)])
    note = window.preview.problem_note
    row = next(row for row in range(window.inbox_model.rowCount())
               if window.store.raw(window.inbox_model.message_id(row)) == damaged)
    with qtbot.waitSignal(window.preview.displayed, timeout=10000):
        window.message_view.selectRow(row)
    assert note.isVisible()
    assert "This message is damaged" in note.label.text()
    assert "transfer encoding is damaged" in note.toolTip()
    assert note.toolTip()[0].isupper()
    shown: list[QWidget] = []

    def view_source() -> QWidget:
        shown.append(QWidget())
        return shown[-1]

    monkeypatch.setattr(window.preview, "view_source", view_source)
    note.label.linkActivated.emit("#source")
    assert len(shown) == 1  # the link opens the source as received

    with qtbot.waitSignal(window.preview.displayed, timeout=10000):
        window.message_view.selectRow(1 - row)
    assert not note.isVisible() and note.toolTip() == ""


def test_several_problems_are_listed_one_per_line(qtbot: QtBot, mailbox_window: Callable[..., MainWindow]) -> None:
    raw = crlf("From: a@example.com\nSubject: two defects\nDate: Blursday, 45 Smarch\n"
               "Content-Type: text/plain; charset=x-klingon\n\nhello\n")
    window = mailbox_window([raw])
    with qtbot.waitSignal(window.preview.displayed, timeout=10000):
        window.message_view.selectRow(0)
    lines = window.preview.problem_note.toolTip().split("\n")
    assert len(lines) == 2
    assert any("x-klingon" in line for line in lines) and any("could not be read" in line for line in lines)
    assert "hello" in window.preview.body.toPlainText()


def test_the_note_reads_chinese_with_the_translation(qtbot: QtBot, chinese_ui: object,
                                                     mailbox_window: Callable[..., MainWindow]) -> None:
    window = mailbox_window([(CORPUS / "unknown-charset.eml").read_bytes()])
    with qtbot.waitSignal(window.preview.displayed, timeout=10000):
        window.message_view.selectRow(0)
    text = window.preview.problem_note.label.text()
    assert "邮件" in text and "damaged" not in text


# -- a server that ignores DELE -----------------------------------------------------------------------


def test_a_server_that_keeps_deleted_mail_is_reported_once(qtbot: QtBot,
                                                           mailbox_window: Callable[..., MainWindow]) -> None:
    server = FakePop3Server(MESSAGES[:3], faults=Faults(ignore_dele=True)).start()
    try:
        window = mailbox_window([], mode=LeaveMode.DELETE_AFTER_DOWNLOAD, server=server)

        def fetch() -> None:
            with qtbot.waitSignal(window.controller.idle, timeout=20000):
                window.window_actions.get_mail.trigger()

        fetch()  # downloads and DELEs three messages; the server says OK and keeps them
        assert window.inbox_model.rowCount() == 3
        assert not window.info_bar.isVisible()
        fetch()  # they are listed again: the server ignored the DELE
        assert window.info_bar.isVisible()
        assert window.info_label.text() == (
            "test: the server kept 3 message(s) it was asked to delete. Poplark will not ask again; delete them "
            "in the provider's web mail, or check its POP settings (some providers ignore POP deletions).")
        assert window.inbox_model.rowCount() == 3  # nothing downloaded twice
        close = window.findChild(QToolButton, "infoBarCloseButton")
        assert close is not None
        close.click()
        assert not window.info_bar.isVisible()
        fetch()
        assert not window.info_bar.isVisible()  # said once, not at every check
    finally:
        server.stop()
