"""The reading pane's headers (issue 13, items 5 and part of 2): From and To decoded as the message
list decodes them, and the Text Encoding choice re-reading raw 8-bit headers with the body."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from app.core.message.charsets import normalize_charset
from app.ui.main_window import MainWindow
from app.ui.widgets.preview import PreviewPane
from tests.ui.conftest import CorpusStore

pytestmark = pytest.mark.usefixtures("release_web_pages")


@pytest.fixture
def pane(qtbot: QtBot, corpus_store: CorpusStore, tmp_path: Path) -> Iterator[PreviewPane]:
    widget = PreviewPane(corpus_store.path, settings=QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(widget)
    widget.resize(800, 600)
    widget.show()
    yield widget
    widget.wait_for_jobs()


def show(qtbot: QtBot, pane: PreviewPane, store: CorpusStore, raw: bytes) -> int:
    message_id = store.add(raw)
    with qtbot.waitSignal(pane.displayed, timeout=20000):
        pane.show_message(store.store.message(message_id))
    return message_id


def test_the_from_and_to_lines_show_what_the_list_shows(qtbot: QtBot, pane: PreviewPane,
                                                       corpus_store: CorpusStore) -> None:
    raw = (b"From: =?UTF-8?Q?Hans_(B=C3=BCro)?= <hans@example.de>\r\n"
           b"To: =?UTF-8?Q?\"J=C3=BCrgen\"?= <j@example.de>, =?UTF-8?Q?M=C3=BCller=2C_J.?= <m@example.de>\r\n"
           b"Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHallo\r\n")
    message_id = show(qtbot, pane, corpus_store, raw)
    summary = corpus_store.store.message(message_id)
    assert pane.sender_label.text() == summary.sender == "Hans (Büro) <hans@example.de>"
    assert pane.recipients_label.text() == "Jürgen <j@example.de>, Müller, J. <m@example.de>"
    assert "=?" not in pane.recipients_label.text() + pane.sender_label.text()
    assert pane.subject_label.text() == "Grüße"


#: KOI8-R headers and body under a Windows-1251 label: both read as Cyrillic letters, so only
#: the user can tell; choosing KOI8-R must fix the subject and the sender with the body.
CYRILLIC_SUBJECT, CYRILLIC_SENDER, CYRILLIC_BODY = "Привет из Москвы", "Иван Петров", "Добрый день"
CYRILLIC_MISLABELLED = (b"From: " + CYRILLIC_SENDER.encode("koi8-r") + b" <ivan@example.ru>\r\nSubject: "
                        + CYRILLIC_SUBJECT.encode("koi8-r") + b"\r\nDate: Mon, 30 Nov 2026 10:00:00 +0300\r\n"
                        b"Content-Type: text/plain; charset=windows-1251\r\n\r\n"
                        + CYRILLIC_BODY.encode("koi8-r") + b"\r\n")


def test_the_text_encoding_menu_lists_thai_hebrew_cyrillic_and_korean(
        mailbox_window: Callable[..., MainWindow]) -> None:
    window = mailbox_window([])
    labels = {action.data(): action.text() for action in window.window_actions.encoding_group.actions()}
    assert {"cp874", "windows-1255", "iso-8859-8", "koi8-r", "windows-1251", "euc-kr"} <= labels.keys()
    assert labels["cp874"] == "Thai (Windows-874)"
    menu = window.window_actions.encoding_menu
    assert {action.data() for action in menu.actions()} >= labels.keys()
    for label in labels:
        if label:
            assert normalize_charset(label) is not None, label  # each choice is a codec the reader has


def test_choosing_an_encoding_re_reads_the_headers_with_the_body(
        qtbot: QtBot, mailbox_window: Callable[..., MainWindow]) -> None:
    window = mailbox_window([CYRILLIC_MISLABELLED])
    with qtbot.waitSignal(window.preview.displayed, timeout=10000):
        window.message_view.selectRow(0)
    assert window.preview.subject_label.text() != CYRILLIC_SUBJECT
    assert CYRILLIC_BODY not in window.preview.body.toPlainText()
    koi8 = next(action for action in window.window_actions.encoding_group.actions() if action.data() == "koi8-r")
    with qtbot.waitSignal(window.preview.displayed, timeout=10000):
        koi8.trigger()
    assert window.preview.subject_label.text() == CYRILLIC_SUBJECT
    assert window.preview.sender_label.text() == f"{CYRILLIC_SENDER} <ivan@example.ru>"
    assert CYRILLIC_BODY in window.preview.body.toPlainText()


def test_the_new_encodings_are_translated(chinese_ui: object, mailbox_window: Callable[..., MainWindow]) -> None:
    window = mailbox_window([])
    labels = {action.data(): action.text() for action in window.window_actions.encoding_group.actions()}
    assert labels["cp874"] == "泰文（Windows-874）"
    assert labels["windows-1255"] == "希伯来文（Windows-1255）"
