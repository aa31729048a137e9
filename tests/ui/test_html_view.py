"""The HTML view itself: nothing leaves the machine, cid: parts are served, scripts do not run,
links do not navigate. A loopback HTTP server counts what would have leaked."""

from __future__ import annotations

import http.server
import re
import threading
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtWebEngineCore import QWebEngineScript
from pytestqt.qtbot import QtBot

from app.core.message.html_policy import new_token, rewrite_cid_urls, wrap_document
from app.ui.widgets.html_view import HtmlMessageView

#: A 1x1 transparent PNG.
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082")

pytestmark = pytest.mark.usefixtures("release_web_pages")


class CountingServer:
    """An HTTP server on 127.0.0.1 that answers everything with a PNG and counts requests."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        counter = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                counter.paths.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(PNG)))
                self.end_headers()
                self.wfile.write(PNG)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> CountingServer:
        self.thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def web_server() -> Iterator[CountingServer]:
    with CountingServer() as server:
        yield server


@pytest.fixture
def view(qtbot: QtBot) -> HtmlMessageView:
    widget = HtmlMessageView()
    qtbot.addWidget(widget)
    widget.resize(600, 400)
    widget.show()
    return widget


def newsletter(base: str) -> str:
    return f"""<html><head>
<link rel="stylesheet" href="{base}/style.css">
<style>body {{ background: url('{base}/background.png'); }} @import url("{base}/import.css");</style>
</head><body>
<h1>News</h1>
<img src="{base}/hero.png" width="200" height="50">
<img srcset="{base}/small.png 1x, {base}/large.png 2x" width="20" height="20">
<picture><source srcset="{base}/picture.png"><img src="{base}/fallback.png"></picture>
<iframe src="{base}/frame.html"></iframe>
<video poster="{base}/poster.png"></video>
<div style="background-image: url({base}/div.png); width: 10px; height: 10px"></div>
<img src="{base}/pixel.gif?u=alice" width="1" height="1">
<form action="{base}/form"><input name="q"></form>
</body></html>"""


def render(qtbot: QtBot, view: HtmlMessageView, html: str, parts: dict[str, tuple[bytes, str]] | None = None, *,
           allow_remote: bool = False) -> None:
    with qtbot.waitSignal(view.rendered, timeout=20000):
        view.show_document(html, parts or {}, allow_remote=allow_remote)


def test_a_newsletter_makes_no_network_request(qtbot: QtBot, view: HtmlMessageView,
                                               web_server: CountingServer) -> None:
    render(qtbot, view, newsletter(web_server.base))
    blocked = view.guard.blocked_urls
    for name in ("style.css", "background.png", "hero.png", "small.png", "picture.png", "pixel.gif", "div.png"):
        assert any(name in url for url in blocked), (name, blocked)
    # The frame is refused before it asks for anything (MailPage.acceptNavigationRequest).
    assert all(url.startswith(("poplark-mail:", "data:")) for url in view.guard.allowed_urls)
    assert web_server.paths == []


def test_load_remote_content_lets_images_through(qtbot: QtBot, view: HtmlMessageView,
                                                 web_server: CountingServer) -> None:
    render(qtbot, view, newsletter(web_server.base))
    assert web_server.paths == []
    with qtbot.waitSignal(view.rendered, timeout=20000):
        view.allow_remote()
    qtbot.waitUntil(lambda: "/hero.png" in web_server.paths, timeout=10000)
    assert "/pixel.gif?u=alice" in web_server.paths
    # Frames and forms stay off even then.
    assert "/frame.html" not in web_server.paths and "/form" not in "".join(web_server.paths)


def test_cid_images_are_served_from_the_message(qtbot: QtBot, view: HtmlMessageView) -> None:
    token = new_token()
    html = rewrite_cid_urls('<p>Logo (a cid: part):</p><img id="logo" src="cid:logo@example.com">'
                            '<img src=\'cid:missing@example.com\'>', token)
    assert html.count("cid:") == 1 and "(a cid: part)" in html  # text is not rewritten, URLs are
    render_with_token(qtbot, view, html, {"logo@example.com": (PNG, "image/png")}, token)
    assert view.document is not None and view.document.served == ["logo@example.com"]
    width = evaluate(qtbot, view, "document.getElementById('logo').naturalWidth")
    assert width == 1  # the PNG's bytes reached the page and decoded
    assert view.guard.blocked_urls == []


def test_another_message_cannot_reach_this_ones_parts(qtbot: QtBot, view: HtmlMessageView) -> None:
    first = new_token()
    render_with_token(qtbot, view, rewrite_cid_urls('<img src="cid:a">', first), {"a": (PNG, "image/png")}, first)
    other = HtmlMessageView()
    qtbot.addWidget(other)
    second = new_token()
    stolen = f'<img id="x" src="poplark-mail://{first}/cid/a">'
    render_with_token(qtbot, view, rewrite_cid_urls('<img src="cid:b">', second), {}, second)
    with qtbot.waitSignal(other.rendered, timeout=20000):
        other.show_document(stolen, {}, allow_remote=False)
    # The first message is no longer registered once its view moved on.
    assert evaluate(qtbot, other, "document.getElementById('x').naturalWidth") == 0


def render_with_token(qtbot: QtBot, view: HtmlMessageView, html: str, parts: dict[str, tuple[bytes, str]],
                      token: str) -> None:
    with qtbot.waitSignal(view.rendered, timeout=20000):
        view.show_document(html, parts, allow_remote=False, token=token)


def evaluate(qtbot: QtBot, view: HtmlMessageView, expression: str) -> object:
    """Run ``expression`` in the application's isolated world (page scripts stay off)."""
    results: list[object] = []
    view.page().runJavaScript(expression, QWebEngineScript.ScriptWorldId.ApplicationWorld, results.append)
    qtbot.waitUntil(lambda: bool(results), timeout=10000)
    return results[0]


def test_javascript_does_not_run(qtbot: QtBot, view: HtmlMessageView) -> None:
    render(qtbot, view, "<html><head><title>Original</title></head><body><p id='p'>static</p>"
                        "<script>document.title = 'hacked'; document.getElementById('p').textContent = 'ran';"
                        "</script><img src='x' onerror=\"document.title='onerror'\"></body></html>")
    assert view.page().title() == "Original"
    assert evaluate(qtbot, view, "document.getElementById('p').textContent") == "static"


def click_element(qtbot: QtBot, view: HtmlMessageView, element_id: str) -> None:
    """A real mouse click in the middle of the element (a user gesture, as for a person)."""
    from PySide6.QtCore import QPoint, Qt

    box = evaluate(qtbot, view, f"var r = document.getElementById('{element_id}').getBoundingClientRect(); "
                                "Math.round(r.left + r.width / 2) + ',' + Math.round(r.top + r.height / 2)")
    x, y = str(box).split(",")
    qtbot.mouseClick(view.focusProxy(), Qt.MouseButton.LeftButton, pos=QPoint(int(x), int(y)))


def test_a_clicked_link_opens_outside_and_the_view_stays(qtbot: QtBot, view: HtmlMessageView) -> None:
    render(qtbot, view, '<p><a id="a" href="https://example.com/real">https://bank.example/</a></p>'
                        '<p><a id="b" target="_blank" href="https://example.org/new">new window</a></p>')
    shown = view.page().url()
    with qtbot.waitSignal(view.link_clicked, timeout=10000) as clicked:
        click_element(qtbot, view, "a")
    assert clicked.args[0] == QUrl("https://example.com/real")
    with qtbot.waitSignal(view.link_clicked, timeout=10000) as clicked:
        click_element(qtbot, view, "b")
    assert clicked.args[0] == QUrl("https://example.org/new")
    assert view.page().url() == shown
    assert evaluate(qtbot, view, "location.href") == shown.toString()


def test_a_meta_refresh_neither_reloads_nor_leaves(qtbot: QtBot, view: HtmlMessageView,
                                                   web_server: CountingServer) -> None:
    for target in ("", f";url={web_server.base}/elsewhere"):
        render(qtbot, view, f'<meta http-equiv="refresh" content="0{target}"><p>stay</p>')
        shown = view.page().url()
        qtbot.waitUntil(lambda: bool(view.mail_page.refused), timeout=10000)
        assert view.page().url() == shown
        view.mail_page.refused.clear()
    assert web_server.paths == []


class ConnectionCounter:
    """A bare TCP listener on 127.0.0.1 that counts connections: a preconnect sends no request."""

    def __init__(self) -> None:
        import socket

        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.2)
        self.connections = 0
        self.running = True
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while self.running:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                continue
            self.connections += 1
            connection.close()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.listener.getsockname()[1]}"

    def close(self) -> None:
        self.running = False
        self.thread.join(5)
        self.listener.close()


@pytest.mark.parametrize("hint", [
    '<link rel="preconnect" href="{base}/">',
    '<LINK REL="dns-prefetch preconnect" href="{base}/">',
    '<link rel="pre&#99;onnect" href="{base}/">',  # a character reference hides the word
    '<p>text first</p><link title="a>b" rel=preconnect href={base}/>',
    # Frames whose document is not in the message's text: they must not load at all.
    '<iframe srcdoc="&lt;link rel=preconnect href={base}/&gt;"></iframe>',
    '<iframe srcdoc="&lt;iframe srcdoc=&quot;&amp;lt;link rel=pre&amp;amp;#99;onnect href={base}/&amp;gt;&quot;&gt;">'
    '</iframe>',
    '<iframe src="data:text/html;base64,{encoded_link}"></iframe>',
])
def test_a_connection_hint_opens_no_connection(qtbot: QtBot, view: HtmlMessageView,
                                               web_server: CountingServer, hint: str) -> None:
    # Chromium opens a socket for <link rel=preconnect> without a request the interceptor sees:
    # a tracker would learn when (and from where) the message was read.
    counter = ConnectionCounter()
    try:
        import base64

        encoded_link = base64.b64encode(f'<link rel="preconnect" href="{counter.base}/">'.encode()).decode()
        hint = hint.format(base=counter.base, encoded_link=encoded_link)
        render(qtbot, view, f"<html><head>{hint}</head><body><p>hi</p></body></html>")
        # A later page that is allowed to load an image: by the time its request has arrived, the
        # hint from the first page would have connected.
        render(qtbot, view, f'<img src="{web_server.base}/marker.png">', allow_remote=True)
        qtbot.waitUntil(lambda: "/marker.png" in web_server.paths, timeout=10000)
    finally:
        counter.close()
    assert counter.connections == 0


def test_connection_hints_still_work_once_remote_content_is_allowed(
        qtbot: QtBot, view: HtmlMessageView) -> None:
    # The control for the test above: the hint does connect when nothing neutralizes it.
    counter = ConnectionCounter()
    try:
        render(qtbot, view, f'<link rel="preconnect" href="{counter.base}/"><p>hi</p>', allow_remote=True)
        qtbot.waitUntil(lambda: counter.connections > 0, timeout=10000)
    finally:
        counter.close()


def test_the_message_cannot_turn_dns_prefetching_on() -> None:
    # <meta http-equiv="x-dns-prefetch-control" content="on"> would make Chromium look up the host
    # of every link (a lookup a tracker sees), whatever QWebEngineSettings says; a first "off"
    # cannot be undone by a later "on". No loopback test can see a DNS lookup, hence this check.
    served = wrap_document('<meta http-equiv="x-dns-prefetch-control" content="on"><a href="http://t.example/">x</a>')
    text = served.decode()
    control = re.search(r'<meta http-equiv="x-dns-prefetch-control" content="(\w+)">', text)
    assert control is not None and control.group(1) == "off"
    assert control.start() < text.index('content="on"')


def test_a_blocked_message_left_while_loading_gets_no_remote_content_from_the_next(
        qtbot: QtBot, view: HtmlMessageView, web_server: CountingServer) -> None:
    # Skimming: the user leaves a long newsletter whose images are blocked, before it has loaded,
    # for a message whose remote content is allowed (a trusted sender). The newsletter's page
    # keeps asking for images until the next one takes over: they must stay blocked.
    long_newsletter = "".join(f"<p>{'lorem ipsum ' * 20}<img src='{web_server.base}/pixel-{index}.gif'></p>"
                              for index in range(3000))
    moved_on: list[bool] = []

    def move_on(progress: int) -> None:
        if progress > 10 and not moved_on:
            moved_on.append(True)
            view.show_document(f'<img src="{web_server.base}/trusted.png">', {}, allow_remote=True)

    view.mail_page.loadProgress.connect(move_on)
    with qtbot.waitSignal(view.rendered, timeout=20000):
        view.show_document(f"<html><body>{long_newsletter}</body></html>", {}, allow_remote=False)
    qtbot.waitUntil(lambda: "/trusted.png" in web_server.paths, timeout=10000)
    assert moved_on
    assert [path for path in web_server.paths if path.startswith("/pixel")] == []
