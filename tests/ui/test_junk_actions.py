"""Junk and Not Junk in the window (issue 19): J and Shift+J on the list, the toolbar and context
menu entries, the move to the account's Junk folder and back, what the filter learnt, the status
line, and the Junk Mail page of Preferences (saved in the store, refused when contradictory), in
English and Chinese. POPLARK_SCREENSHOT_DIR keeps the pictures (docs/junk-*.png)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QTabWidget, QToolBar, QWidget
from pytestqt.qtbot import QtBot

from app.core.junk.filter import load_model
from app.core.model import Folder
from app.ui.dialogs.junk_settings import JunkSettingsPage
from app.ui.dialogs.preferences import Preferences, PreferencesDialog
from app.ui.main_window import MainWindow
from tests.ui.mailbox_window import message

MESSAGES = [
    message(1, "Congratulations winner", "Click here to claim your reward. Limited offer, act now!"),
    message(2, "Meeting notes", "Attached are the notes from our meeting."),
    message(3, "代开发票", "本公司常年代开增值税发票，点数优惠。"),
    message(4, "关于下周会议", "下周会议改在周三下午。"),
]


def select(window: MainWindow, *subjects: str) -> list[int]:
    view, model = window.message_view, window.inbox_model
    view.clearSelection()
    for subject in subjects:
        row = next(row for row in range(model.rowCount()) if model.summary(row).subject.startswith(subject))
        view.selectionModel().select(model.index(row, 0), view.selectionModel().SelectionFlag.Select
                                     | view.selectionModel().SelectionFlag.Rows)
    return view.selected_ids()


def folders(window: MainWindow, ids: list[int]) -> list[str]:
    summaries = window.store.summaries(ids)
    return [summaries[message_id].folder for message_id in ids]


def keep_picture(widget: QWidget, name: str) -> None:
    picture = widget.grab()
    assert not picture.isNull()
    keep = os.environ.get("POPLARK_SCREENSHOT_DIR")
    if keep:
        assert picture.save(str(Path(keep) / f"{name}.png"))


def test_j_marks_junk_and_moves_it_and_shift_j_takes_it_back(
        qtbot: QtBot, mailbox_window: Callable[..., MainWindow]) -> None:
    window = mailbox_window(MESSAGES)
    ids = select(window, "Congratulations") + select(window, "代开发票")
    select(window, "Congratulations", "代开发票")
    with qtbot.waitActive(window):  # the shortcuts belong to the window
        window.activateWindow()
    window.message_view.setFocus()
    with qtbot.waitSignal(window.operations.finished):
        qtbot.keyClick(window.message_view, Qt.Key.Key_J)
    assert folders(window, ids) == [str(Folder.JUNK)] * 2
    assert window.fetch_status.label.text() == ("2 messages marked as junk and moved to Junk."
                                                  " Not Junk (Shift+J) takes them back.")
    model = load_model(window.store)
    assert (model.junk_messages, model.ham_messages) == (2, 0)
    assert set(ids).isdisjoint(window.inbox_model.message_id(row) for row in range(window.inbox_model.rowCount()))
    window.resize(1500, 640)  # wide enough for the whole toolbar
    qtbot.waitUntil(lambda: window.fetch_status.label.isVisible())
    window.folder_view.refresh_counts()
    keep_picture(window, "junk-window-en")
    # Shift+J on good mail teaches the filter without moving it.
    good = select(window, "Meeting notes")
    with qtbot.waitSignal(window.operations.finished):
        qtbot.keyClick(window.message_view, Qt.Key.Key_J, Qt.KeyboardModifier.ShiftModifier)
    assert folders(window, good) == [str(Folder.INBOX)]
    assert window.fetch_status.label.text() == "Marked as not junk: the filter learns from it."
    # The user changes their mind about one (Not Junk on it in the Junk folder): back to the Inbox.
    with qtbot.waitSignal(window.operations.finished):
        window.junk.mark([ids[0]], junk=False)
    assert folders(window, ids) == [str(Folder.INBOX), str(Folder.JUNK)]
    model = load_model(window.store)
    assert (model.junk_messages, model.ham_messages) == (1, 2)
    assert window.fetch_status.label.text() == "Marked as not junk and moved back to the Inbox."
    qtbot.waitUntil(lambda: window.inbox_model.rowCount() == 3)


def test_the_actions_are_on_the_toolbar_menu_and_context_menu(
        qtbot: QtBot, mailbox_window: Callable[..., MainWindow]) -> None:
    window = mailbox_window(MESSAGES)
    junk, not_junk = window.junk.junk, window.junk.not_junk
    assert (junk.shortcut().toString(), not_junk.shortcut().toString()) == ("J", "Shift+J")
    toolbar = window.findChild(QToolBar, "mainToolbar")
    assert isinstance(toolbar, QToolBar)
    assert junk in toolbar.actions() and not_junk in toolbar.actions()
    assert junk in window.message_view.actions() and not_junk in window.message_view.actions()
    menus = [action.menu() for action in window.menuBar().actions()]
    assert any(menu is not None and junk in menu.actions() and not_junk in menu.actions() for menu in menus)
    # Typing j in the search box searches; it marks nothing.
    select(window, "Meeting")
    with qtbot.waitActive(window):
        window.activateWindow()
    window.search_box.setFocus()
    qtbot.keyClick(window.search_box, Qt.Key.Key_J)
    assert window.search_box.text() == "j"
    assert load_model(window.store).junk_messages == 0


def test_the_junk_mail_page_saves_to_the_store_and_refuses_contradictions(
        qtbot: QtBot, mailbox_window: Callable[..., MainWindow]) -> None:
    window = mailbox_window(MESSAGES)
    page = JunkSettingsPage(window.store)
    dialog = PreferencesDialog(Preferences(), window, pages=[page])
    qtbot.addWidget(dialog)
    tabs = dialog.findChild(QTabWidget, "preferencesTabs")
    assert isinstance(tabs, QTabWidget) and tabs.count() == 2 and tabs.tabText(1) == "Junk Mail"
    assert "Mark at least 5 of each" in page.training.text()
    page.junk_threshold.setValue(10)  # below the good-mail score: refused, the dialog stays
    seen: list[str] = []

    def close_warning() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(box.text())
            box.accept()

    QTimer.singleShot(0, close_warning)
    dialog.accept()
    assert seen and "must be at least" in seen[0] and dialog.result() == 0
    page.junk_threshold.setValue(95)
    page.trust.setChecked(False)
    page.blocked.setPlainText("Ads@Example.com\n\n*.spam.example\n")
    tabs.setCurrentWidget(page)
    dialog.show()
    keep_picture(dialog, "junk-settings-en")
    dialog.accept()
    settings = load_model(window.store).settings
    assert (settings.junk_threshold, settings.trust_contacts) == (0.95, False)
    assert window.store.junk_blacklist() == ["ads@example.com", "spam.example"]
    # A line that is neither an address nor a domain is named.
    again = JunkSettingsPage(window.store)
    again.blocked.setPlainText("spam.example\nnot an address")
    assert again.problem() == ("“not an address” is neither an address (name@example.com) nor a"
                               " domain (example.com): correct it or remove the line.")
    again.deleteLater()


def test_junk_in_chinese(qtbot: QtBot, mailbox_window: Callable[..., MainWindow], chinese_ui: object) -> None:
    window = mailbox_window(MESSAGES)
    assert (window.junk.junk.text(), window.junk.not_junk.text()) == ("垃圾邮件", "非垃圾邮件")
    select(window, "代开发票")
    with qtbot.waitActive(window):
        window.activateWindow()
    window.message_view.setFocus()
    with qtbot.waitSignal(window.operations.finished):
        qtbot.keyClick(window.message_view, Qt.Key.Key_J)
    assert window.fetch_status.label.text() == "已标记为垃圾邮件并移到“垃圾邮件”。按“非垃圾邮件”(Shift+J) 可以移回。"
    window.resize(1500, 640)
    qtbot.waitUntil(lambda: window.fetch_status.label.isVisible())
    window.folder_view.refresh_counts()
    keep_picture(window, "junk-window-zh_CN")
    page = JunkSettingsPage(window.store)
    dialog = PreferencesDialog(Preferences(), window, pages=[page])
    qtbot.addWidget(dialog)
    tabs = dialog.findChild(QTabWidget, "preferencesTabs")
    assert isinstance(tabs, QTabWidget) and tabs.tabText(1) == "垃圾邮件"
    assert page.training.text().startswith("已从 1 封垃圾邮件和 0 封正常邮件中学习。")
    page.blocked.setPlainText("ads@example.com\nspam.example")
    tabs.setCurrentWidget(page)
    dialog.show()
    keep_picture(dialog, "junk-settings-zh_CN")
    dialog.reject()
