"""The keyboard between the search box and the list (issue 14, item 4), and opening a message in a
window of its own with Enter or a double click (item 3), with QTest key and mouse clicks."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from app.core.store import Store
from app.ui.dialogs.account_dialog import AccountDialog
from app.ui.main_window import MainWindow
from app.ui.models.message_rows import Column
from app.ui.widgets.message_window import MessageWindow
from app.ui.widgets.screen_fit import FRAME_ALLOWANCE, fitted_geometry
from tests.ui.mailbox_window import MESSAGES, message

pytestmark = pytest.mark.usefixtures("release_web_pages")


def focused(qtbot: QtBot, window: MainWindow, widget: QWidget) -> None:
    window.activateWindow()
    widget.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget, timeout=5000)


def indexed(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: window.store.pending_search_count() == 0, timeout=10000)


@pytest.mark.parametrize("key", [Qt.Key.Key_Down, Qt.Key.Key_Return])
def test_down_or_enter_in_the_search_box_moves_into_the_results(
        qtbot: QtBot, mailbox_window: Callable[..., MainWindow], key: Qt.Key) -> None:
    window = mailbox_window()
    indexed(qtbot, window)
    focused(qtbot, window, window.search_box)
    qtbot.keyClicks(window.search_box, "Report 3")
    qtbot.keyClick(window.search_box, key)
    # At once: the pending search ran without waiting for the pause after typing.
    assert window.inbox_model.search == "Report 3"
    assert window.inbox_model.rowCount() == 1
    assert QApplication.focusWidget() is window.message_view
    assert window.message_view.selected_rows() == [0]
    assert window.inbox_model.summary(0).subject == "Report 3"


def test_esc_clears_the_search_and_only_then_cancels_a_fetch(
        qtbot: QtBot, mailbox_window: Callable[..., MainWindow]) -> None:
    window = mailbox_window()
    indexed(qtbot, window)
    cancels: list[bool] = []
    window.window_actions.cancel.triggered.connect(lambda checked=False: cancels.append(True))
    focused(qtbot, window, window.search_box)
    qtbot.keyClicks(window.search_box, "Report 3")
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    assert window.inbox_model.rowCount() == 1
    focused(qtbot, window, window.search_box)
    qtbot.keyClick(window.search_box, Qt.Key.Key_Escape)
    assert window.search_box.text() == ""
    assert window.inbox_model.search == ""
    assert window.inbox_model.rowCount() == len(MESSAGES)
    assert cancels == []
    qtbot.keyClick(window.search_box, Qt.Key.Key_Escape)  # an empty box: Esc is Cancel Fetch again
    assert cancels == [True]


def test_the_first_down_in_the_list_selects_the_top_row(
        qtbot: QtBot, mailbox_window: Callable[..., MainWindow]) -> None:
    window = mailbox_window()
    view = window.message_view
    view.clearSelection()
    view.setCurrentIndex(window.inbox_model.index(0, Column.SUBJECT))  # where Qt leaves the cursor
    view.clearSelection()
    focused(qtbot, window, view)
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert view.selected_rows() == [0]
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert view.selected_rows() == [1]


def test_the_new_account_dialog_opens_in_email_address(qtbot: QtBot, tmp_path: object,
                                                       memory_keyring: object) -> None:
    from pathlib import Path

    store = Store(Path(str(tmp_path)) / "mail.sqlite3")
    try:
        dialog = AccountDialog(store)
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.activateWindow()
        qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.address_edit, timeout=5000)
        qtbot.keyClicks(QApplication.focusWidget(), "alice@example.com")
        assert dialog.address_edit.text() == "alice@example.com"
        dialog.reject()
    finally:
        store.close()


def test_enter_opens_the_selected_message_in_its_own_window(
        qtbot: QtBot, mailbox_window: Callable[..., MainWindow]) -> None:
    window = mailbox_window()
    view = window.message_view
    view.selectRow(2)
    summary = window.inbox_model.summary(2)
    focused(qtbot, window, view)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert len(window.opener.windows) == 1
    opened = window.opener.windows[0]
    assert isinstance(opened, MessageWindow)
    qtbot.waitUntil(lambda: "body of message" in opened.preview.body.toPlainText(), timeout=10000)
    assert opened.preview.message_id == summary.id
    assert opened.windowTitle() == summary.subject
    assert opened.preview.subject_label.text() == summary.subject
    assert_on_screen(opened)
    opened.close()


@pytest.mark.parametrize("mark_when_shown", [True, False])
def test_a_message_opened_in_its_window_counts_as_read_as_the_preferences_say(
        qtbot: QtBot, mailbox_window: Callable[..., MainWindow], mark_when_shown: bool) -> None:
    window = mailbox_window()
    window.preferences = dataclasses.replace(window.preferences, mark_read_when_shown=mark_when_shown,
                                             mark_read_delay_seconds=30)
    window.message_view.clearSelection()
    message_id = window.inbox_model.message_id(3)
    assert not window.inbox_model.summary(3).seen
    opened = window.opener.open_row(3)
    assert opened is not None
    with qtbot.waitSignal(opened.preview.shown, timeout=10000):
        pass
    assert window.store.message(message_id).seen is mark_when_shown  # at once: it was asked for
    opened.close()


def test_a_double_click_opens_the_message_and_the_star_column_does_not(
        qtbot: QtBot, mailbox_window: Callable[..., MainWindow]) -> None:
    window = mailbox_window()
    view = window.message_view
    subject_cell = view.visualRect(window.inbox_model.index(1, Column.SUBJECT)).center()
    double_click(qtbot, view.viewport(), subject_cell)
    assert [opened.preview.message_id for opened in window.opener.windows] == [window.inbox_model.message_id(1)]
    star_cell = view.visualRect(window.inbox_model.index(1, Column.FLAG)).center()
    double_click(qtbot, view.viewport(), star_cell)
    assert len(window.opener.windows) == 1


def double_click(qtbot: QtBot, widget: QWidget, position: QPoint) -> None:
    # As a mouse sends it: a click, then the second press that Qt reports as a double click
    # (QTest's mouseDClick alone has no first press, which item views need).
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=position)
    qtbot.mouseDClick(widget, Qt.MouseButton.LeftButton, pos=position)


def assert_on_screen(widget: QWidget) -> None:
    screen = widget.screen() or QGuiApplication.primaryScreen()
    available = screen.availableGeometry()
    assert available.contains(widget.geometry()), (widget.geometry(), available)
    assert widget.width() <= available.width() and widget.height() <= available.height()


def test_an_attached_message_window_fits_a_small_screen(qtbot: QtBot) -> None:
    # Offscreen screens are 800x600: smaller than the 880x760 a message window asks for.
    long_body = "\n".join(f"line {number}" for number in range(400))
    opened = MessageWindow(message(7, "Attached", long_body), "Attached")
    qtbot.addWidget(opened)
    opened.show()
    assert_on_screen(opened)
    opened.close()  # waits for its reading job: qtbot holds it weakly, and a running job must not die with it


@pytest.mark.parametrize(("wanted", "available", "near"), [
    (QSize(880, 760), QRect(0, 0, 1366, 728), None),  # a laptop less its panel
    (QSize(880, 760), QRect(0, 32, 800, 568), QRect(500, 300, 600, 400)),  # parent near the corner
    (QSize(400, 300), QRect(1920, 0, 1280, 1024), QRect(1950, 20, 1200, 900)),  # a second screen
])
def test_a_fitted_geometry_stays_inside_the_available_area(wanted: QSize, available: QRect,
                                                          near: QRect | None) -> None:
    geometry = fitted_geometry(wanted, available, near)
    assert geometry.width() <= min(wanted.width(), available.width() - FRAME_ALLOWANCE.width())
    assert geometry.height() <= min(wanted.height(), available.height() - FRAME_ALLOWANCE.height())
    assert available.contains(geometry)
    room = available.size() - FRAME_ALLOWANCE
    assert geometry.size() == wanted.boundedTo(room)  # as large as asked, where there is room


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_the_message_window_in_both_languages(qtbot: QtBot, request: pytest.FixtureRequest,
                                              mailbox_window: Callable[..., MainWindow], language: str) -> None:
    """POPLARK_SCREENSHOT_DIR keeps docs/message-window-en.png and docs/message-window-zh_CN.png."""
    if language == "zh_CN":
        request.getfixturevalue("chinese_ui")
    body = ("各位同事：\n\n下周一上午十点在三楼会议室开项目评审会，请带上各自的进度报告。\n\n谢谢！\n王芳\n"
            if language == "zh_CN" else
            "Hello team,\n\nThe project review is on Monday at 10:00 in room 3.\nPlease bring your progress "
            "reports.\n\nThanks,\nAnna\n")
    subject = "项目评审会通知" if language == "zh_CN" else "Project review on Monday"
    window = mailbox_window([message(1, subject, body)])
    window.message_view.selectRow(0)
    opened = window.opener.open_selected()[0]
    qtbot.waitUntil(lambda: body.splitlines()[0] in opened.preview.body.toPlainText(), timeout=10000)
    label = window.opener.windows[0].preview.form.labelForField(opened.preview.subject_label)
    assert label is not None and label.text() == ("主题：" if language == "zh_CN" else "Subject:")
    assert_on_screen(opened)
    keep = os.environ.get("POPLARK_SCREENSHOT_DIR")
    if keep:
        assert opened.grab().save(str(Path(keep) / f"message-window-{language}.png"))
    opened.close()
