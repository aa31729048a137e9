"""The reading pane's headers (issue 13, items 5 and part of 2): From and To decoded as the message
list decodes them, and the Text Encoding choice re-reading raw 8-bit headers with the body."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

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
