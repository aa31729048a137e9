"""The self-test's optional last check: the HTML message view renders a message.

``poplark --self-test`` only imports QtWebEngine, because a page starts Chromium, which takes
seconds. With ``POPLARK_SELF_TEST_HTML=1`` it also renders a small HTML message in the real
:class:`~app.ui.widgets.html_view.HtmlMessageView` and reads the text back from the page. The
package tests set it: the bundle leaves out Qt modules (packaging/poplark.spec), and only a page
that renders proves that QtWebEngine still finds everything it loads at run time (its helper
process, its resources and locales), which a library check cannot see.
"""

from __future__ import annotations

import os

#: Set to 1 to make ``--self-test`` render an HTML message too.
ENVIRONMENT_VARIABLE = "POPLARK_SELF_TEST_HTML"
#: How long Chromium may take to start and render, on a slow machine under load.
RENDER_SECONDS = 60
MARKER = "Poplark self-test 邮件"


class HtmlRenderFailure(Exception):
    """The page did not render; the message says what was seen."""


def wanted() -> bool:
    return os.environ.get(ENVIRONMENT_VARIABLE, "").strip() not in ("", "0")


def render_check() -> str:
    """Render a message with a Chinese word in it; the self-test's line, or HtmlRenderFailure."""
    from PySide6.QtCore import QEventLoop, QTimer

    from app.ui.widgets.html_view import HtmlMessageView

    view = HtmlMessageView()
    loop = QEventLoop()
    texts: list[str] = []

    def read_text() -> None:
        def keep(text: str) -> None:
            texts.append(text)
            loop.quit()

        view.page().toPlainText(keep)

    try:
        view.resize(480, 240)
        view.show()
        view.rendered.connect(read_text)
        QTimer.singleShot(RENDER_SECONDS * 1000, loop.quit)
        view.show_document(f"<html><body><p>{MARKER}</p></body></html>", {}, allow_remote=False)
        loop.exec()
    finally:
        view.clear_document()
        view.hide()
        view.deleteLater()
    if not texts:
        raise HtmlRenderFailure(f"no HTML message rendered within {RENDER_SECONDS} s")
    if MARKER not in texts[0]:
        raise HtmlRenderFailure(f"the rendered page reads {texts[0][:80]!r}")
    return "html: a message rendered in the HTML view"
