"""Screenshots of the compose window (issue 16), rendered offscreen: an English reply, and a Chinese
reply with a long Chinese attachment name in the Chinese interface; the Outbox with a message the
server refused, in both languages. Each test checks what the
picture shows; with POPLARK_SCREENSHOT_DIR set, the pictures are kept there (docs/compose-*.png)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.ui.compose.window import ComposeWindow
from app.ui.main_window import MainWindow
from tests.fakes.smtp_server import FakeSmtpServer
from tests.ui.test_compose import (
    chinese_message,
    compose_window,
    english_message,
    open_with,
    select_first_message,
    smtp_server,
)

__all__ = ["compose_window", "smtp_server"]  # the fixtures, imported for pytest


def keep(picture_owner: ComposeWindow | MainWindow, name: str, tmp_path: Path) -> None:
    for _ in range(3):  # the layout a resize or a new text asks for happens in posted events
        QApplication.processEvents()
    picture = picture_owner.grab()
    assert not picture.isNull() and picture.save(str(tmp_path / f"{name}.png"))
    directory = os.environ.get("POPLARK_SCREENSHOT_DIR")
    if directory:
        assert picture.save(str(Path(directory) / f"{name}.png"))


def test_an_english_reply(qtbot: QtBot, compose_window: Callable[..., MainWindow], tmp_path: Path) -> None:
    window = compose_window([english_message()])
    select_first_message(window)
    compose = open_with(qtbot, window, "reply")
    attachment = tmp_path / "Lunch menu, December.pdf"
    attachment.write_bytes(b"%PDF-1.4\n" * 3000)
    compose.attachments.add_files([attachment])
    compose.body.moveCursor(compose.body.textCursor().MoveOperation.Start)
    compose.body.insertPlainText("Noon is fine. The menu is attached.\n\nAlice")
    compose.resize(780, 560)
    assert compose.windowTitle() == "Re: Lunch plans"
    keep(compose, "compose-en", tmp_path)


def test_a_chinese_reply_in_the_chinese_interface(qtbot: QtBot, compose_window: Callable[..., MainWindow],
                                                  chinese_ui: object, tmp_path: Path) -> None:
    window = compose_window([chinese_message()])
    select_first_message(window)
    compose = open_with(qtbot, window, "reply")
    attachment = tmp_path / "二〇二六年第四季度财务报告（最终版本）.pdf"
    attachment.write_bytes(b"%PDF-1.4\n" * 20000)
    compose.attachments.add_files([attachment])
    compose.cc_field.setText("王五 <wangwu@example.cn>")
    compose.body.moveCursor(compose.body.textCursor().MoveOperation.Start)
    compose.body.insertPlainText("张三，你好：\n\n报告已收到，附件是我的修改意见。\n\n李四")
    compose.resize(780, 560)
    assert compose.send_action.text() == "发送" and compose.windowTitle() == "回复：请教"
    assert compose.attachments.item(0).text().startswith("二〇二六年第四季度财务报告（最终版本）.pdf")
    keep(compose, "compose-zh_CN", tmp_path)


def outbox_with_a_refused_message(qtbot: QtBot, window: MainWindow, subject: str) -> None:
    compose = open_with(qtbot, window, "new_message", closed_by_test=False)
    compose.to_field.setText("nobody@example.com")
    compose.subject_field.setText(subject)
    with qtbot.waitSignal(window.compose.sender_.finished, timeout=20000):
        compose.send_action.trigger()
    account_id = window.accounts["work"].id
    assert account_id is not None
    window.folder_view.setCurrentIndex(window.folder_model.outbox_index(account_id))
    window.compose.outbox_view.table.selectRow(0)
    window.resize(1100, 600)


def test_the_outbox_in_english(qtbot: QtBot, compose_window: Callable[..., MainWindow],
                               smtp_server: Callable[..., FakeSmtpServer], tmp_path: Path) -> None:
    window = compose_window([english_message()], smtp_server(rcpt_replies={
        "nobody@example.com": "550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown"}))
    outbox_with_a_refused_message(qtbot, window, "Quarterly report")
    assert "User unknown" in window.info_bar.label.text()
    assert window.compose.outbox_view.table.item(0, 0).text() == "Failed"
    keep(window, "outbox-en", tmp_path)


def test_the_outbox_in_chinese(qtbot: QtBot, compose_window: Callable[..., MainWindow], chinese_ui: object,
                               smtp_server: Callable[..., FakeSmtpServer], tmp_path: Path) -> None:
    window = compose_window([chinese_message()], smtp_server(rcpt_replies={
        "nobody@example.com": "550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown"}))
    outbox_with_a_refused_message(qtbot, window, "第四季度报告")
    assert "拒绝了收件人 nobody@example.com" in window.info_bar.label.text()
    assert window.compose.outbox_view.table.item(0, 0).text() == "发送失败"
    assert window.compose.outbox_view.table.item(0, 4).text().startswith("被服务器拒绝：nobody@example.com: 550 5.1.1")
    keep(window, "outbox-zh_CN", tmp_path)
