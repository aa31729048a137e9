"""The message viewer on the difficult corpus: headers decoded, HTML safe, cid images, plain-text
switch, text encoding override, links, the 150 KB line, View Source."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from pytestqt.qtbot import QtBot

from app.core.model import MessageSummary
from app.ui.dialogs.preferences import RemoteContent
from app.ui.widgets.preview import REMOTE_SENDERS_KEY, PreviewPane
from tests.ui.conftest import CORPUS, CorpusStore
from tests.ui.test_html_view import ConnectionCounter, CountingServer, evaluate

pytestmark = pytest.mark.usefixtures("release_web_pages")


@pytest.fixture
def opened_urls(monkeypatch: pytest.MonkeyPatch) -> list[QUrl]:
    """QDesktopServices.openUrl is the one thing that cannot run here: record instead."""
    opened: list[QUrl] = []

    def record(url: QUrl) -> bool:
        opened.append(QUrl(url))
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(record))
    return opened


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def pane(qtbot: QtBot, corpus_store: CorpusStore, settings: QSettings) -> Iterator[PreviewPane]:
    widget = PreviewPane(corpus_store.path, settings=settings)
    qtbot.addWidget(widget)
    widget.resize(800, 600)
    widget.show()
    yield widget
    widget.wait_for_jobs()


def show(qtbot: QtBot, pane: PreviewPane, store: CorpusStore, message_id: int) -> MessageSummary:
    summary = store.store.message(message_id)
    with qtbot.waitSignal(pane.displayed, timeout=20000):
        pane.show_message(summary)
    return summary


@pytest.fixture
def web_server() -> Iterator[CountingServer]:
    with CountingServer() as server:
        yield server


def loopback_newsletter(base: str) -> bytes:
    """The corpus newsletter with every remote host pointed at our loopback server."""
    raw = (CORPUS / "html-newsletter.eml").read_bytes()
    return re.sub(rb"(?:https?:)?//[a-z.]+\.example\.net", base.encode(), raw)


def test_a_gbk_subject_and_body_read_as_chinese(qtbot: QtBot, pane: PreviewPane, corpus_store: CorpusStore) -> None:
    show(qtbot, pane, corpus_store, corpus_store.add_corpus("gbk-subject.eml"))
    assert pane.subject_label.text() == "关于下周会议的通知"
    assert pane.sender_label.text() == "张三 <zhang.san@example.cn>"
    assert "请准时参加下周一的会议" in pane.body.toPlainText()
    assert pane.html_view is None  # plain-text mail never starts QtWebEngine


def test_the_newsletter_loads_nothing_until_asked(qtbot: QtBot, pane: PreviewPane, corpus_store: CorpusStore,
                                                  web_server: CountingServer) -> None:
    show(qtbot, pane, corpus_store, corpus_store.add(loopback_newsletter(web_server.base)))
    view = pane.html_view
    assert view is not None and pane.body_stack.currentWidget() is view
    assert any("/open.gif?id=123" in url for url in view.guard.blocked_urls)
    assert any("/bg.png" in url for url in view.guard.blocked_urls)
    assert any("/newsletter.css" in url for url in view.guard.blocked_urls)
    assert web_server.paths == []
    assert pane.remote_bar.isVisible()
    assert not pane.remote_bar.always_button.isVisible()  # the default policy is "Never"
    # The message's <script>document.write('tracking')</script> did nothing.
    assert "tracking" not in str(evaluate(qtbot, view, "document.body.innerText"))

    with qtbot.waitSignal(view.rendered, timeout=20000):
        pane.remote_bar.load_button.click()
    qtbot.waitUntil(lambda: any(path.startswith("/open.gif") for path in web_server.paths), timeout=10000)
    assert not pane.remote_bar.isVisible()
    assert "/frame" not in web_server.paths  # frames stay off even then


def test_always_for_this_sender_is_remembered(qtbot: QtBot, corpus_store: CorpusStore, settings: QSettings,
                                              web_server: CountingServer) -> None:
    pane = PreviewPane(corpus_store.path, settings=settings, remote_content=RemoteContent.ASK)
    qtbot.addWidget(pane)
    pane.show()
    message_id = corpus_store.add(loopback_newsletter(web_server.base))
    show(qtbot, pane, corpus_store, message_id)
    assert pane.remote_bar.always_button.isVisible()
    assert web_server.paths == []
    pane.remote_bar.always_button.click()
    assert settings.value(REMOTE_SENDERS_KEY) == ["news@shop.example.net"]
    qtbot.waitUntil(lambda: bool(web_server.paths), timeout=10000)
    web_server.paths.clear()
    show(qtbot, pane, corpus_store, message_id)  # shown again: loads without asking
    qtbot.waitUntil(lambda: bool(web_server.paths), timeout=10000)
    assert not pane.remote_bar.isVisible()
    pane.wait_for_jobs()


def test_the_inline_cid_image_is_served_and_not_listed(qtbot: QtBot, pane: PreviewPane,
                                                       corpus_store: CorpusStore) -> None:
    show(qtbot, pane, corpus_store, corpus_store.add_corpus("related-cid-image.eml"))
    view = pane.html_view
    assert view is not None and view.document is not None
    assert view.document.served == ["logo@example.com"]
    assert evaluate(qtbot, view, "document.images[0].naturalWidth") == 2  # the 2x2 PNG decoded
    assert view.guard.blocked_urls == []
    assert not pane.attachments.isVisible()
    assert not pane.remote_bar.isVisible()


def test_alternative_switches_to_plain_text_and_back(qtbot: QtBot, pane: PreviewPane, corpus_store: CorpusStore,
                                                     web_server: CountingServer) -> None:
    show(qtbot, pane, corpus_store, corpus_store.add(loopback_newsletter(web_server.base)))
    with qtbot.waitSignal(pane.displayed, timeout=10000):
        pane.set_prefer_plain_text(True)
    assert pane.body_stack.currentWidget() is pane.body
    assert "Weekly News (plain version)" in pane.body.toPlainText()
    assert not pane.remote_bar.isVisible()
    with qtbot.waitSignal(pane.displayed, timeout=20000):
        pane.set_prefer_plain_text(False)
    assert pane.body_stack.currentWidget() is pane.html_view
    assert web_server.paths == []


def test_a_text_encoding_override_re_renders(qtbot: QtBot, pane: PreviewPane, corpus_store: CorpusStore) -> None:
    text = "Совещание перенесли на среду, три часа дня."
    raw = (b"From: a@example.com\r\nSubject: Mislabelled\r\nContent-Type: text/plain; charset=windows-1251\r\n"
           b"\r\n") + text.encode("koi8-r") + b"\r\n"
    show(qtbot, pane, corpus_store, corpus_store.add(raw))
    assert text not in pane.body.toPlainText()  # KOI8-R read as Windows-1251 is Cyrillic too: only a person can tell
    with qtbot.waitSignal(pane.displayed, timeout=10000):
        pane.set_charset_override("koi8-r")
    assert text in pane.body.toPlainText()
    with qtbot.waitSignal(pane.displayed, timeout=10000):
        pane.set_charset_override(None)
    assert text not in pane.body.toPlainText()


def test_a_150_kb_line_shows_without_freezing(qtbot: QtBot, pane: PreviewPane, corpus_store: CorpusStore) -> None:
    message_id = corpus_store.add_corpus("long-line.eml")
    ticks: list[int] = []
    from PySide6.QtCore import QTimer

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start()
    show(qtbot, pane, corpus_store, message_id)
    timer.stop()
    shown = pane.body.toPlainText()
    assert "start lorem ipsum" in shown and "finish" in shown
    assert len(shown) > 150_000
    assert ticks  # the event loop kept turning while the message was parsed
    pane.resize(500, 600)  # re-wrapping must stay cheap too
    qtbot.waitUntil(lambda: pane.body.width() < 520, timeout=5000)


def test_a_plain_text_link_opens_in_the_browser(qtbot: QtBot, pane: PreviewPane, corpus_store: CorpusStore,
                                                opened_urls: list[QUrl]) -> None:
    raw = b"From: a@example.com\r\nSubject: Link\r\n\r\nSee https://example.com/page. Thanks\r\n"
    show(qtbot, pane, corpus_store, corpus_store.add(raw))
    document = pane.body.document()
    start = document.toPlainText().index("https://")
    cursor = pane.body.textCursor()
    cursor.setPosition(start + 4)
    point = pane.body.cursorRect(cursor).center()
    assert pane.body.anchorAt(point) == "https://example.com/page"
    qtbot.mouseClick(pane.body.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert opened_urls == [QUrl("https://example.com/page")]
    qtbot.mouseClick(pane.body.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(2, 200))
    assert len(opened_urls) == 1


def test_an_html_link_shows_its_target_and_opens_outside(qtbot: QtBot, pane: PreviewPane,
                                                         corpus_store: CorpusStore, opened_urls: list[QUrl]) -> None:
    from tests.ui.test_html_view import click_element

    raw = (b"From: a@example.com\r\nSubject: Link\r\nContent-Type: text/html\r\n\r\n"
           b"<p><a id='a' href='https://evil.example/login'>https://bank.example/</a></p>\r\n")
    show(qtbot, pane, corpus_store, corpus_store.add(raw))
    view = pane.html_view
    assert view is not None
    shown = view.page().url()
    click_element(qtbot, view, "a")
    qtbot.waitUntil(lambda: bool(opened_urls), timeout=10000)
    assert opened_urls == [QUrl("https://evil.example/login")]
    assert view.page().url() == shown
    view.link_hovered.emit("https://evil.example/login")
    assert pane.link_label.text() == "https://evil.example/login" and pane.link_label.isVisible()


def test_javascript_urls_and_files_are_never_handed_to_the_system(opened_urls: list[QUrl]) -> None:
    from app.ui.widgets.text_view import open_in_browser

    assert not open_in_browser(QUrl("javascript:alert(1)"))
    assert not open_in_browser(QUrl("file:///etc/passwd"))
    assert opened_urls == []


def test_view_source_shows_the_raw_message(qtbot: QtBot, pane: PreviewPane, corpus_store: CorpusStore) -> None:
    from app.ui.widgets.source_window import SourceWindow

    show(qtbot, pane, corpus_store, corpus_store.add_corpus("gbk-subject.eml"))
    window = pane.view_source()
    assert isinstance(window, SourceWindow)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: "Message-ID:" in window.text.toPlainText(), timeout=10000)
    assert window.text.isReadOnly()
    assert "=?" in window.text.toPlainText()  # the encoded words as sent, not decoded
    window.close()


def test_an_attached_message_opens_in_its_own_window(qtbot: QtBot, pane: PreviewPane,
                                                     corpus_store: CorpusStore) -> None:
    from app.ui.widgets.message_window import MessageWindow

    show(qtbot, pane, corpus_store, corpus_store.add_corpus("message-rfc822-attached.eml"))
    opened: list[MessageWindow] = []
    pane.open_message.connect(lambda raw, title: opened.append(MessageWindow(raw, title)))
    pane.attachments.tree.setCurrentItem(pane.attachments.tree.topLevelItem(0))
    pane.attachments.open_selected()
    qtbot.waitUntil(lambda: bool(opened), timeout=10000)
    window = opened[0]
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: "转发的正文" in window.preview.body.toPlainText(), timeout=10000)
    assert window.preview.subject_label.text() == "原始邮件 Original message"
    assert window.preview.message_id is None


@pytest.mark.parametrize("name", sorted(path.name for path in CORPUS.glob("*.eml")))
def test_every_corpus_message_opens_and_loads_nothing(qtbot: QtBot, pane: PreviewPane, corpus_store: CorpusStore,
                                                      name: str) -> None:
    show(qtbot, pane, corpus_store, corpus_store.add_corpus(name))
    assert pane.loaded is not None
    if pane.html_view is not None and pane.body_stack.currentWidget() is pane.html_view:
        guard = pane.html_view.guard
        assert all(url.startswith(("poplark-mail:", "data:")) for url in guard.allowed_urls), guard.allowed_urls
    else:
        assert pane.body.toPlainText() or not (pane.loaded.view.plain_text or pane.loaded.view.html)
    # The header stays a header: even 10,000 recipients leave room for the body.
    assert pane.body_stack.height() > pane.height() // 3


def test_ten_thousand_recipients_are_counted_not_listed(qtbot: QtBot, pane: PreviewPane,
                                                        corpus_store: CorpusStore) -> None:
    show(qtbot, pane, corpus_store, corpus_store.add_corpus("ten-thousand-recipients.eml"))
    shown = pane.recipients_label.text()
    assert shown.startswith("u00000@example.org, u00001@example.org")
    assert shown.endswith("and 9985 more") and len(shown) < 400
    assert pane.recipients_label.toolTip().startswith("u00000@example.org")


def test_an_unbroken_run_gets_break_opportunities_but_words_and_chinese_do_not() -> None:
    from app.ui.widgets.text_view import prepare_text

    assert prepare_text("word " * 1000).text == "word " * 1000
    assert prepare_text("会议" * 2000).text == "会议" * 2000
    garbage = prepare_text("x" * 5000).text
    assert garbage.replace("\u200b", "") == "x" * 5000 and garbage.count("\u200b") == 4
    link = "https://example.com/" + "a" * 2000
    assert prepare_text(f"see {link} now").segments[1] == (link, link)


def test_space_pages_through_a_long_html_message(qtbot: QtBot, pane: PreviewPane, corpus_store: CorpusStore) -> None:
    raw = (b"From: a@example.com\r\nSubject: Long\r\nContent-Type: text/html\r\n\r\n"
           + b"".join(b"<p>paragraph %d</p>\r\n" % number for number in range(300)))
    show(qtbot, pane, corpus_store, corpus_store.add(raw))
    view = pane.html_view
    assert view is not None
    qtbot.waitUntil(lambda: view.page().contentsSize().height() > view.height(), timeout=10000)
    assert pane.scroll_page()
    qtbot.waitUntil(lambda: view.page().scrollPosition().y() > 0, timeout=10000)


def test_space_in_plain_text_scrolls_then_reports_the_end(qtbot: QtBot, pane: PreviewPane,
                                                          corpus_store: CorpusStore) -> None:
    raw = b"From: a@example.com\r\nSubject: Long\r\n\r\n" + b"".join(b"line %d\r\n" % number for number in range(300))
    show(qtbot, pane, corpus_store, corpus_store.add(raw))
    bar = pane.body.verticalScrollBar()
    assert pane.scroll_page() and bar.value() > 0
    bar.setValue(bar.maximum())
    assert not pane.scroll_page()


def test_a_preconnect_hint_in_a_message_opens_no_connection(
        qtbot: QtBot, pane: PreviewPane, corpus_store: CorpusStore, web_server: CountingServer) -> None:
    # The viewer prepares the guarded HTML in its background job; the page must get that one.
    counter = ConnectionCounter()
    try:
        hinted = (b"From: shop@example.com\r\nSubject: Sale\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
                  b'<html><head><link rel="preconnect" href="' + counter.base.encode() + b'/"></head>'
                  b"<body><p>Sale</p></body></html>\r\n")
        show(qtbot, pane, corpus_store, corpus_store.add(hinted))
        assert pane.html_view is not None and pane.body_stack.currentWidget() is pane.html_view
        marker = (b"From: other@example.com\r\nSubject: Marker\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
                  b'<img src="' + web_server.base.encode() + b'/marker.png">\r\n')
        show(qtbot, pane, corpus_store, corpus_store.add(marker))
        pane.load_remote_content()
        qtbot.waitUntil(lambda: "/marker.png" in web_server.paths, timeout=10000)
    finally:
        counter.close()
    assert counter.connections == 0


SHOW_PLAIN_THEN_HTML = """
import sys
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer

from app.ui.application import create_application
from app.ui.widgets.preview import PreviewPane
from tests.ui.conftest import CorpusStore

application = create_application()
corpus = CorpusStore(Path(sys.argv[1]))
pane = PreviewPane(corpus.path)


def show(name: str) -> None:
    loop = QEventLoop()
    pane.displayed.connect(loop.quit)
    QTimer.singleShot(20000, loop.quit)
    pane.show_message(corpus.store.message(corpus.add_corpus(name)))
    loop.exec()
    pane.displayed.disconnect(loop.quit)


show("gbk-subject.eml")
print("after plain text:", "PySide6.QtWebEngineWidgets" in sys.modules, flush=True)
show("html-newsletter.eml")
print("after HTML:", "PySide6.QtWebEngineWidgets" in sys.modules, flush=True)
pane.wait_for_jobs()
"""


def test_the_web_view_loads_with_the_first_html_message_not_before(tmp_path: Path) -> None:
    """docs/architecture.md, "Reading mail": QtWebEngine's widgets load on the first HTML message; plain-text mail (and
    start-up) never pays for them, not even from the worker that parses."""
    import subprocess
    import sys

    from tests.conftest import REPOSITORY

    result = subprocess.run([sys.executable, "-c", SHOW_PLAIN_THEN_HTML, str(tmp_path / "mail.sqlite3")],
                            cwd=REPOSITORY, capture_output=True, text=True, timeout=120, check=False,
                            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert "after plain text: False" in result.stdout, result.stdout + result.stderr
    assert "after HTML: True" in result.stdout, result.stdout + result.stderr
