"""Never a crash on a message (issue 14, item 1): when QtWebEngine's render process dies under an
HTML message, the reader shows the message's text version with a note, and the next HTML
message renders again. The render process is really killed (SIGKILL, by its pid)."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from app.ui.widgets.preview import PreviewPane
from tests.ui.conftest import CorpusStore

pytestmark = pytest.mark.usefixtures("release_web_pages")


def html_message(subject: str, text: str) -> bytes:
    return (f"From: News <news@example.com>\r\nTo: me@example.com\r\nSubject: {subject}\r\n"
            f"MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
            f"<html><body><h1>{subject}</h1><p>{text}</p></body></html>\r\n").encode()


@pytest.fixture
def pane(qtbot: QtBot, corpus_store: CorpusStore, tmp_path: Path) -> Iterator[PreviewPane]:
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    widget = PreviewPane(corpus_store.path, settings=settings)
    qtbot.addWidget(widget)
    widget.resize(700, 500)
    widget.show()
    yield widget
    widget.wait_for_jobs()


def test_a_dead_render_process_leaves_the_text_version_then_html_comes_back(
        qtbot: QtBot, pane: PreviewPane, corpus_store: CorpusStore) -> None:
    first = corpus_store.store.message(corpus_store.add(html_message("Weekly digest", "Seven new articles")))
    with qtbot.waitSignal(pane.displayed, timeout=30000):
        pane.show_message(first)
    view = pane.html_view
    assert view is not None and pane.body_stack.currentWidget() is view
    pid = view.page().renderProcessPid()
    assert pid > 0

    with qtbot.waitSignal(view.failed, timeout=30000) as failure:
        os.kill(pid, signal.SIGKILL)
    assert "Killed" in failure.args[0]
    assert pane.body_stack.currentWidget() is pane.body
    shown = pane.body.toPlainText()
    assert "Seven new articles" in shown
    assert "The HTML view stopped" in shown

    second = corpus_store.store.message(corpus_store.add(html_message("Second issue", "Back to normal")))
    with qtbot.waitSignal(pane.displayed, timeout=30000):
        pane.show_message(second)
    assert pane.body_stack.currentWidget() is view
    texts: list[str] = []
    view.page().toPlainText(texts.append)
    qtbot.waitUntil(lambda: bool(texts), timeout=10000)
    assert "Back to normal" in texts[0]
