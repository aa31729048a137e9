"""The URL scheme the HTML message view serves a message from, declared at start-up.

QtWebEngine accepts custom schemes only before the QApplication exists, so
``app.ui.application`` calls :func:`register_url_scheme` first thing; this module imports only
QtWebEngineCore (the view itself, QtWebEngineWidgets, loads with the first HTML message).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWebEngineCore import QWebEngineUrlScheme

from app.core.message.html_policy import SCHEME


def register_url_scheme() -> None:
    """Declare :data:`SCHEME` to QtWebEngine. Call once, before the QApplication is created."""
    if QWebEngineUrlScheme.schemeByName(SCHEME.encode()).name():
        return
    scheme = QWebEngineUrlScheme(SCHEME.encode())
    scheme.setSyntax(QWebEngineUrlScheme.Syntax.Host)
    # Not SecureScheme: http images in a newsletter the user chose to load would count as
    # mixed content and be upgraded or dropped.
    QWebEngineUrlScheme.registerScheme(scheme)
    # QtWebEngine shares GL contexts with the widgets; this too must precede the QApplication.
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
