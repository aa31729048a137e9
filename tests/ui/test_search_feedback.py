"""Search feedback (issue 14, item 5): the number of results beside the search box, a sentence in
an empty list, and the searched words marked in the reader, in plain text and in HTML (where the
marks add no script and run none). POPLARK_SCREENSHOT_DIR keeps the pictures (docs/search-*.png)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWebEngineCore import QWebEngineScript
from pytestqt.qtbot import QtBot

from app.ui.main_window import MainWindow
from tests.fakes.pop3_server import crlf
from tests.ui.mailbox_window import message

pytestmark = pytest.mark.usefixtures("release_web_pages")

HTML_MESSAGE = crlf(
    "From: Newsletter <news@example.com>\nTo: me@example.com\nSubject: 月度简报\n"
    "Date: Tue, 1 Dec 2026 09:00:00 +0800\nMIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\n\n"
    "<html><head><title>Original</title></head><body><p title='会议'>本月的会议安排如下。</p>"
    "<p>下周会议在三楼。</p><script>document.title = 'ran'; document.body.textContent = '会议';</script>"
    "</body></html>\n")
MESSAGES = [
    message(1, "关于下周会议", "各位同事：\n\n下周会议改在周三下午。请准时参加会议。\n"),
    message(2, "Report", "The weekly report is attached."),
    message(3, "会议纪要", "会议纪要见附件。"),
    message(4, "Lunch", "Lunch on Friday?"),
    HTML_MESSAGE,
]


def search(qtbot: QtBot, window: MainWindow, text: str) -> None:
    window.search_box.setText(text)  # setText: keyClicks aborts on non-ASCII (architecture.md, Pitfalls)
    qtbot.waitUntil(lambda: window.inbox_model.search == text)


def count_shown(window: MainWindow) -> bool:
    action = window.message_view._result_count_action
    return action is not None and action.isVisible() and window.message_view.result_count.isVisible()


def keep_picture(window: MainWindow, name: str) -> None:
    picture = window.grab()
    assert not picture.isNull()
    keep = os.environ.get("POPLARK_SCREENSHOT_DIR")
    if keep:
        assert picture.save(str(Path(keep) / f"{name}.png"))


def select_subject(qtbot: QtBot, window: MainWindow, subject: str) -> None:
    model = window.inbox_model
    row = next(row for row in range(model.rowCount()) if model.summary(row).subject.startswith(subject))
    with qtbot.waitSignal(window.preview.displayed, timeout=20000):
        window.message_view.selectRow(row)


def test_results_are_counted_and_their_words_marked(qtbot: QtBot, mailbox_window: Callable[..., MainWindow]) -> None:
    window = mailbox_window(MESSAGES)
    window.resize(1100, 720)
    assert not count_shown(window)
    qtbot.waitUntil(lambda: window.store.pending_search_count() == 0, timeout=20000)  # bodies indexed
    search(qtbot, window, "会议")
    assert window.inbox_model.rowCount() == 3
    assert window.message_view.result_count.text() == "3 messages"
    qtbot.waitUntil(lambda: count_shown(window))  # the toolbar lays its widgets out on the next turn
    assert not window.message_view.empty_state.isVisible()
    select_subject(qtbot, window, "关于下周会议")
    assert window.preview.body.marked_words() == ["会议", "会议"]
    keep_picture(window, "search-results-en")

    search(qtbot, window, "会议纪要")
    assert window.message_view.result_count.text() == "1 message"
    search(qtbot, window, "")
    qtbot.waitUntil(lambda: not count_shown(window))


def test_an_empty_result_says_so_in_the_list(qtbot: QtBot, mailbox_window: Callable[..., MainWindow]) -> None:
    window = mailbox_window(MESSAGES)
    window.resize(1100, 720)
    search(qtbot, window, "季度预算")
    assert window.inbox_model.rowCount() == 0
    empty = window.message_view.empty_state
    qtbot.waitUntil(empty.isVisible)
    assert empty.text() == ("No messages in this folder match “季度预算”. Check the spelling, or search another "
                            "folder.")
    assert window.message_view.result_count.text() == "0 messages"
    assert empty.geometry().intersects(window.message_view.viewport().rect())
    keep_picture(window, "search-empty-en")
    search(qtbot, window, "Lunch")
    assert not empty.isVisible()


def test_chinese_counts_and_empty_state(qtbot: QtBot, chinese_ui: object,
                                        mailbox_window: Callable[..., MainWindow]) -> None:
    window = mailbox_window(MESSAGES)
    window.resize(1100, 720)
    qtbot.waitUntil(lambda: window.store.pending_search_count() == 0, timeout=20000)
    search(qtbot, window, "会议")
    assert window.message_view.result_count.text() == "3 封邮件"
    select_subject(qtbot, window, "关于下周会议")
    assert window.preview.body.marked_words() == ["会议", "会议"]
    keep_picture(window, "search-results-zh_CN")
    search(qtbot, window, "季度预算")
    assert window.message_view.empty_state.text() == ("此文件夹中没有与“季度预算”匹配的邮件。"
                                                      "请检查拼写，或在其他文件夹中搜索。")
    keep_picture(window, "search-empty-zh_CN")


def test_words_are_marked_in_html_and_no_script_runs(qtbot: QtBot,
                                                     mailbox_window: Callable[..., MainWindow]) -> None:
    window = mailbox_window(MESSAGES)
    window.resize(1100, 720)
    qtbot.waitUntil(lambda: window.store.pending_search_count() == 0, timeout=20000)  # found by its body
    search(qtbot, window, "会议")
    select_subject(qtbot, window, "月度简报")
    view = window.preview.html_view
    assert view is not None and window.preview.body_stack.currentWidget() is view
    results: list[object] = []
    # The application's own isolated world: the page's scripts stay off.
    view.page().runJavaScript("JSON.stringify([document.title, Array.from(document.querySelectorAll('mark'))"
                              ".map(mark => mark.textContent).join(','), document.querySelector('p').title])",
                              QWebEngineScript.ScriptWorldId.ApplicationWorld, results.append)
    qtbot.waitUntil(lambda: bool(results), timeout=10000)
    title, marks, attribute = json.loads(str(results[0]))
    assert title == "Original"  # the message's script did not run
    assert marks == "会议,会议"  # the two shown, not the attribute's nor the script's
    assert attribute == "会议"
