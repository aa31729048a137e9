"""Big5, Japanese and Korean mail in the reader, as people send it (issue 13): the headers and the
body read right. POPLARK_SCREENSHOT_DIR keeps the pictures (docs/reading-big5.png,
docs/reading-japanese.png, docs/reading-korean.png)."""

from __future__ import annotations

import base64
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.ui.main_window import MainWindow

pytestmark = pytest.mark.usefixtures("release_web_pages")


def word(text: str, charset: str, label: str | None = None) -> bytes:
    return b"=?" + (label or charset).encode() + b"?B?" + base64.b64encode(text.encode(charset)) + b"?="


def message(sender: bytes, address: str, subject: bytes, date: str, charset: str, body: bytes) -> bytes:
    return (b"From: " + sender + b" <" + address.encode() + b">\r\nTo: me@example.com\r\nSubject: " + subject
            + b"\r\nDate: " + date.encode() + b"\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset="
            + charset.encode() + b"\r\n\r\n" + body)


BIG5 = ("陳大文", "週年晚宴安排", "各位同事：\n\n今年嘅週年晚宴定喺十二月十八號（星期五）晚上七點，"
        "地點係灣仔會展中心。\n請喺下星期三之前回覆出席人數。\n\n陳大文\n")
JAPANESE = ("山田太郎", "来週の打ち合わせについて", "皆様\n\nお疲れ様です。山田です。\n来週の打ち合わせは"
            "十二月八日（火）午後二時から第三会議室で行います。\n資料は前日までにお送りします。\n\nよろしく"
            "お願いいたします。\n")
KOREAN = ("김민준", "다음 주 회의 일정 안내", "안녕하세요,\n\n다음 주 회의는 12월 9일 수요일 오후 3시에"
          " 본사 2층 회의실에서 열립니다.\n참석 여부를 금요일까지 알려 주세요.\n\n감사합니다.\n김민준 드림\n")

MESSAGES = {
    "reading-big5": message(word(BIG5[0], "big5hkscs", "big5"), "chan@example.com.hk",
                            word(BIG5[1], "big5hkscs", "big5"), "Mon, 30 Nov 2026 09:15:00 +0800", "big5",
                            BIG5[2].replace("\n", "\r\n").encode("big5hkscs")),
    "reading-japanese": message(word(JAPANESE[0], "iso-2022-jp"), "yamada@example.co.jp",
                                word(JAPANESE[1], "iso-2022-jp"), "Tue, 01 Dec 2026 10:00:00 +0900",
                                "iso-2022-jp", JAPANESE[2].replace("\n", "\r\n").encode("iso-2022-jp")),
    "reading-korean": message(word(KOREAN[0], "euc-kr", "ks_c_5601-1987"), "minjun@example.co.kr",
                              word(KOREAN[1], "euc-kr", "ks_c_5601-1987"), "Tue, 01 Dec 2026 14:20:00 +0900",
                              "euc-kr", KOREAN[2].replace("\n", "\r\n").encode("euc-kr")),
}
TEXTS = {"reading-big5": BIG5, "reading-japanese": JAPANESE, "reading-korean": KOREAN}


@pytest.mark.parametrize("name", sorted(MESSAGES))
def test_cjk_mail_reads_right_in_the_reader(qtbot: QtBot, mailbox_window: Callable[..., MainWindow],
                                            tmp_path: Path, name: str) -> None:
    sender, subject, body = TEXTS[name]
    window = mailbox_window(list(MESSAGES.values()))
    window.resize(1100, 720)
    row = next(row for row in range(window.inbox_model.rowCount())
               if window.inbox_model.summary(row).subject == subject)
    with qtbot.waitSignal(window.preview.displayed, timeout=20000):
        window.message_view.selectRow(row)
    assert window.preview.subject_label.text() == subject
    assert window.preview.sender_label.text().startswith(sender + " <")
    assert window.preview.body.toPlainText().strip() == body.strip()
    picture = window.grab()
    assert not picture.isNull() and picture.save(str(tmp_path / f"{name}.png"))
    keep = os.environ.get("POPLARK_SCREENSHOT_DIR")
    if keep:
        assert picture.save(str(Path(keep) / f"{name}.png"))
