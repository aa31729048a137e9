"""The status bar (issue 14, item 6): a failed fetch is one short sentence that fits, with a
Details link to the whole text; the progress figures keep one line and are never clipped."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication, QPainter
from PySide6.QtWidgets import QPlainTextEdit
from pytestqt.qtbot import QtBot

from app.core.errors import ConnectError
from app.core.model import FetchPhase, FetchProgress
from app.ui.dialogs.details_dialog import DetailsDialog
from app.ui.errors import user_message
from app.ui.main_window import MainWindow
from app.ui.widgets.elided_label import ElidedLabel


def fits(label: ElidedLabel) -> bool:
    """The whole text is painted inside the label, on one line."""
    metrics = label.fontMetrics()
    return (label.shown_text() == label.text()
            and metrics.horizontalAdvance(label.text()) <= label.contentsRect().width()
            and label.height() >= metrics.height())


@pytest.mark.parametrize("width", [1400, 800])
def test_a_failed_fetch_is_one_short_sentence_with_its_details(
        qtbot: QtBot, mailbox_window: Callable[..., MainWindow], width: int) -> None:
    window = mailbox_window()  # its server is 127.0.0.1 port 1: nothing listens there
    window.resize(width, 700)
    with qtbot.waitSignal(window.controller.idle, timeout=20000):
        window.get_mail("test")
    status = window.fetch_status
    qtbot.waitUntil(lambda: status.label.isVisible() and status.details_link.isVisible())
    assert status.label.text() == "test: Server not reachable"
    assert fits(status.label)
    # The details are the whole sentence the error presenter writes, with what to do next.
    full = status.details
    assert full.startswith("Could not reach the server of test (")
    assert "check your network connection" in full
    assert full == user_message(ConnectError(full[full.index("(") + 1:full.index(")")]), "test").text

    status.details_link.linkActivated.emit("details")
    dialog = status.details_dialog
    assert isinstance(dialog, DetailsDialog)
    qtbot.waitExposed(dialog)
    text_view = dialog.findChild(QPlainTextEdit, "detailsText")
    assert text_view.toPlainText() == full
    assert text_view.isReadOnly()
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == full
    if width == 1400:
        keep_picture(window, dialog, "status-bar-error-details-en")
    dialog.reject()


def test_the_error_and_its_details_in_chinese(qtbot: QtBot, chinese_ui: object,
                                             mailbox_window: Callable[..., MainWindow]) -> None:
    window = mailbox_window()
    window.resize(1100, 700)
    with qtbot.waitSignal(window.controller.idle, timeout=20000):
        window.get_mail("test")
    status = window.fetch_status
    qtbot.waitUntil(lambda: status.details_link.isVisible())
    assert status.label.text() == "test：无法连接服务器"
    assert fits(status.label)
    assert "详细信息" in status.details_link.text()
    status.show_details()
    dialog = status.details_dialog
    assert isinstance(dialog, DetailsDialog)
    qtbot.waitExposed(dialog)
    assert dialog.text_view.toPlainText() == status.details and "test" in status.details
    keep_picture(window, dialog, "status-bar-error-details-zh_CN")
    dialog.reject()


def keep_picture(window: MainWindow, dialog: DetailsDialog, name: str) -> None:
    """The window with its status bar, and the Details dialog drawn over its lower part."""
    picture = window.grab()
    painter = QPainter(picture)
    details = dialog.grab()
    painter.drawPixmap(picture.width() - details.width() - 40, picture.height() - details.height() - 60, details)
    painter.end()
    keep = os.environ.get("POPLARK_SCREENSHOT_DIR")
    if keep:
        assert picture.save(str(Path(keep) / f"{name}.png"))


def test_a_sentence_wider_than_the_bar_is_elided_not_wrapped(
        qtbot: QtBot, mailbox_window: Callable[..., MainWindow]) -> None:
    window = mailbox_window()
    window.resize(700, 600)
    long_text = "test:" + " a very long summary" * 30
    window.fetch_status.set_idle(long_text, long_text + "\nand more")
    label = window.fetch_status.label
    qtbot.waitUntil(label.isVisible)
    shown = label.shown_text()
    assert shown.endswith("…") and len(shown) < len(long_text)
    assert label.fontMetrics().horizontalAdvance(shown) <= label.contentsRect().width()
    assert label.toolTip() == long_text  # the whole sentence on hover too
    assert window.fetch_status.details_link.isVisible()


@pytest.mark.parametrize("width", [1400, 900])
def test_progress_figures_keep_one_line_and_fit(qtbot: QtBot, mailbox_window: Callable[..., MainWindow],
                                                width: int) -> None:
    window = mailbox_window()
    window.resize(width, 600)
    status = window.fetch_status
    megabytes = int(28.2 * 1024 * 1024)
    for done in (1, 150, 310):
        status.show_progress(FetchProgress("work@example.com", FetchPhase.DOWNLOADING, done, 310,
                                           megabytes * done // 310, megabytes))
        qtbot.waitUntil(status.progress_text.isVisible)
        assert status.progress_text.text() == status.figures(done, 310, megabytes * done // 310, megabytes)
        assert fits(status.progress_text)
        assert status.progress_text.height() < 2 * status.progress_text.fontMetrics().height()
    assert status.progress_text.text() == "310/310 · 28.2 MB of 28.2 MB"
    assert not status.progress_bar.isTextVisible()  # the bar's own text wrapped and was clipped
