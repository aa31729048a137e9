"""The HTML message view: QtWebEngine, locked down for hostile mail (docs/architecture.md, invariant 8).

This is the plumbing; what is allowed, blocked or remote is decided in
:mod:`app.core.message.html_policy`, without Qt.

- One off-the-record profile for all mail views (:func:`mail_profile`): no disk cache, no
  cookies, JavaScript, plugins and local file access off.
- The message is served, with its ``cid:`` parts, by our own URL scheme (:data:`SCHEME`) from
  memory: ``poplark-mail://<token>/body`` and ``poplark-mail://<token>/cid/<content id>``. The
  token is random per rendered message, so a page reaches only its own message's parts.
  Serving the body through the scheme rather than ``setHtml`` also avoids setHtml's 2 MB limit.
- A request interceptor per page blocks every request whose scheme is not ours (or ``data:``)
  and records it; remote http(s) content passes only after the user allowed it for the message.
- No navigation inside the view: a clicked link is handed to :attr:`HtmlMessageView.link_clicked`
  (the pane opens it in the system browser); new windows, forms and plugins go nowhere.

:func:`app.ui.widgets.mail_scheme.register_url_scheme` must run before the QApplication exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QObject, QPoint, Qt, QUrl, Signal, Slot
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWebEngineCore import (
    QWebEnginePage,
    QWebEngineProfile,
    QWebEngineSettings,
    QWebEngineUrlRequestInfo,
    QWebEngineUrlRequestInterceptor,
    QWebEngineUrlRequestJob,
    QWebEngineUrlSchemeHandler,
)
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QMenu, QWidget

from app.core.message.html_policy import (
    SCHEME,
    Navigation,
    is_own_url,
    navigation_decision,
    neutralize_network_hints,
    new_token,
    normalize_content_id,
    request_allowed,
    wrap_document,
)


@dataclass
class MailDocument:
    """One rendered message as the scheme handler serves it."""

    html: str
    #: Normalized content id -> (bytes, content type) of the parts the body may show.
    parts: dict[str, tuple[bytes, str]]
    allow_remote: bool = False
    #: Content ids the view asked for, in order (tests assert on it).
    served: list[str] = field(default_factory=list)
    #: ``neutralize_network_hints(html)``, served while remote content is blocked; the viewer
    #: prepares it in its background job (it costs about 0.5 s for 10 MB of HTML).
    guarded_html: str | None = None

    def served_html(self) -> str:
        if self.allow_remote:
            return self.html
        if self.guarded_html is None:
            self.guarded_html = neutralize_network_hints(self.html)
        return self.guarded_html


class MailSchemeHandler(QWebEngineUrlSchemeHandler):
    """Serves ``poplark-mail://<token>/...`` from the documents the views registered."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.documents: dict[str, MailDocument] = {}

    def requestStarted(self, job: QWebEngineUrlRequestJob) -> None:
        url = job.requestUrl()
        document = self.documents.get(url.host())
        path = url.path()
        if document is None or job.requestMethod() != b"GET":
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        if path == "/body":
            self._reply(job, wrap_document(document.served_html()), "text/html;charset=utf-8")
            return
        if path.startswith("/cid/"):
            content_id = normalize_content_id(path[len("/cid/"):])
            part = document.parts.get(content_id)
            if part is not None:
                document.served.append(content_id)
                self._reply(job, part[0], part[1])
                return
        job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)

    @staticmethod
    def _reply(job: QWebEngineUrlRequestJob, data: bytes, content_type: str) -> None:
        buffer = QBuffer(job)  # lives as long as the job, which reads it after we return
        buffer.setData(QByteArray(data))
        buffer.open(QBuffer.OpenModeFlag.ReadOnly)
        job.reply(content_type.encode("ascii", "replace"), buffer)


_profile: QWebEngineProfile | None = None
_handler: MailSchemeHandler | None = None


def mail_profile() -> tuple[QWebEngineProfile, MailSchemeHandler]:
    """The one off-the-record profile every mail view uses, created on first use."""
    global _profile, _handler
    if _profile is None or _handler is None:
        application = QCoreApplication.instance()
        profile = QWebEngineProfile(application)  # no storage name: off the record
        profile.setHttpCacheType(QWebEngineProfile.HttpCacheType.NoCache)
        profile.setPersistentCookiesPolicy(QWebEngineProfile.PersistentCookiesPolicy.NoPersistentCookies)
        profile.setSpellCheckEnabled(False)
        profile.cookieStore().setCookieFilter(lambda request: False)  # a pixel may not set a cookie
        handler = MailSchemeHandler(profile)
        profile.installUrlSchemeHandler(SCHEME.encode(), handler)
        configure_settings(profile.settings())
        _profile, _handler = profile, handler
    return _profile, _handler


def configure_settings(settings: QWebEngineSettings) -> None:
    attribute = QWebEngineSettings.WebAttribute
    for name, value in (
            (attribute.JavascriptEnabled, False),
            (attribute.JavascriptCanOpenWindows, False),
            (attribute.JavascriptCanAccessClipboard, False),
            (attribute.JavascriptCanPaste, False),
            (attribute.PluginsEnabled, False),
            (attribute.PdfViewerEnabled, False),
            (attribute.LocalContentCanAccessFileUrls, False),
            (attribute.LocalContentCanAccessRemoteUrls, False),
            (attribute.LocalStorageEnabled, False),
            (attribute.HyperlinkAuditingEnabled, False),  # <a ping>
            (attribute.DnsPrefetchEnabled, False),
            (attribute.AutoLoadIconsForPage, False),
            (attribute.TouchIconsEnabled, False),
            (attribute.NavigateOnDropEnabled, False),
            (attribute.WebGLEnabled, False),
            (attribute.ErrorPageEnabled, False),
            (attribute.FullScreenSupportEnabled, False),
            (attribute.ScreenCaptureEnabled, False),
            (attribute.AllowRunningInsecureContent, False),
            (attribute.AllowGeolocationOnInsecureOrigins, False),
            (attribute.WebRTCPublicInterfacesOnly, True),
    ):
        settings.setAttribute(name, value)


class RequestGuard(QWebEngineUrlRequestInterceptor):
    """Blocks what the message may not load, and remembers it."""

    #: A request was blocked (its URL); the pane shows the remote-content bar.
    blocked = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.allow_remote = False
        #: The rendered message that ``allow_remote`` is for: the page of the previous message
        #: goes on asking for its images until the next one replaces it, and must not get them.
        self.token = ""
        self.blocked_urls: list[str] = []
        self.allowed_urls: list[str] = []

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:
        url = info.requestUrl()
        main_frame = info.resourceType() == QWebEngineUrlRequestInfo.ResourceType.ResourceTypeMainFrame
        for_allowed_message = bool(self.token) and info.initiator().host() == self.token
        if request_allowed(url.scheme(), remote_allowed=self.allow_remote and for_allowed_message,
                           main_frame=main_frame):
            self.allowed_urls.append(url.toString())
            return
        info.block(True)
        text = url.toString()
        self.blocked_urls.append(text)
        self.blocked.emit(text)


class MailPage(QWebEnginePage):
    """A page that shows exactly the document we load and navigates nowhere else."""

    link_clicked = Signal(QUrl)

    def __init__(self, profile: QWebEngineProfile, parent: QObject | None = None) -> None:
        super().__init__(profile, parent)
        self.token = ""
        #: Set by :meth:`HtmlMessageView.show_document` for the one load it starts.
        self.expecting_load = False
        #: Navigations refused (URL strings), for tests and debugging.
        self.refused: list[str] = []

    def acceptNavigationRequest(self, url: QUrl | str, navigation_type: QWebEnginePage.NavigationType,
                                is_main_frame: bool) -> bool:
        url = QUrl(url)
        clicked = navigation_type == QWebEnginePage.NavigationType.NavigationTypeLinkClicked
        decision = navigation_decision(
            own_url=is_own_url(url.scheme(), url.host(), self.token), clicked=clicked,
            body_anchor=url.hasFragment() and url.path() == "/body", main_frame=is_main_frame,
            expected_load=self.expecting_load)
        if decision is Navigation.OPEN_OUTSIDE:
            self.link_clicked.emit(url)
            return False
        if decision is Navigation.FOLLOW:
            if not clicked:  # the one load we started: any later one is refused
                self.expecting_load = False
            return True
        self.refused.append(url.toString())
        return False

    def createWindow(self, window_type: QWebEnginePage.WebWindowType) -> QWebEnginePage:
        # A target="_blank" link asks for a new window first: give it a page that only reports
        # where the link pointed, then goes away.
        return _LinkCatcher(self)

    def javaScriptConsoleMessage(self, level: QWebEnginePage.JavaScriptConsoleMessageLevel,
                                 message: str, line: int, source: str) -> None:
        pass  # blocked requests and CSP reports from hostile mail are expected: not our log's business


class _LinkCatcher(QWebEnginePage):
    def __init__(self, opener: MailPage) -> None:
        super().__init__(opener.profile(), opener)
        self.opener = opener

    def acceptNavigationRequest(self, url: QUrl | str, navigation_type: QWebEnginePage.NavigationType,
                                is_main_frame: bool) -> bool:
        self.opener.link_clicked.emit(QUrl(url))
        self.deleteLater()
        return False


class HtmlMessageView(QWebEngineView):
    """Shows one HTML message at a time; see the module docstring for what it refuses."""

    #: A link the user clicked (never followed here).
    link_clicked = Signal(QUrl)
    #: The link under the mouse ("" when none): the pane shows the real target.
    link_hovered = Signal(str)
    #: The current message finished loading (its images, allowed or blocked, are settled).
    rendered = Signal()
    #: Something was blocked (its URL).
    blocked = Signal(str)
    #: The page's render process ended abnormally (crashed, killed, out of memory): the reason.
    failed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("htmlBody")
        profile, self._handler = mail_profile()
        self.guard = RequestGuard(self)
        self.mail_page = MailPage(profile, self)
        configure_settings(self.mail_page.settings())
        self.mail_page.setUrlRequestInterceptor(self.guard)
        self.setPage(self.mail_page)
        self.setAcceptDrops(False)  # drops go to the window (import .eml), never into the page
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)
        self.mail_page.link_clicked.connect(self.link_clicked)
        self.mail_page.linkHovered.connect(self.link_hovered)
        self.mail_page.loadFinished.connect(self._load_finished)
        self.mail_page.renderProcessTerminated.connect(self._render_process_ended)
        self.guard.blocked.connect(self.blocked)
        self.document: MailDocument | None = None
        self._loading_token = ""

    @property
    def token(self) -> str:
        return self.mail_page.token

    def show_document(self, html: str, parts: dict[str, tuple[bytes, str]], *, allow_remote: bool,
                      token: str | None = None, guarded_html: str | None = None) -> None:
        """Render ``html`` (its ``cid:`` already rewritten with ``token``) with its inline parts;
        ``guarded_html``: ``neutralize_network_hints(html)`` when the caller has it ready."""
        self._forget()
        token = token or new_token()
        self.document = MailDocument(html, parts, allow_remote, guarded_html=guarded_html)
        self._handler.documents[token] = self.document
        self.mail_page.token = token
        self.guard.allow_remote = allow_remote
        self.guard.token = token
        self.guard.blocked_urls.clear()
        self.guard.allowed_urls.clear()
        self._loading_token = token
        self.mail_page.expecting_load = True
        self.mail_page.load(QUrl(f"{SCHEME}://{token}/body"))

    def allow_remote(self) -> None:
        """Reload the current message with remote content let through."""
        if self.document is not None:
            self.show_document(self.document.html, self.document.parts, allow_remote=True, token=self.token,
                               guarded_html=self.document.guarded_html)

    def clear_document(self) -> None:
        """Forget the message (its parts are no longer served); the pane hides the view."""
        self._forget()
        self.mail_page.token = ""

    def _forget(self) -> None:
        if self.mail_page.token:
            self._handler.documents.pop(self.mail_page.token, None)
        self.document = None

    @Slot(bool)
    def _load_finished(self, ok: bool) -> None:
        if self._loading_token and self.mail_page.url().host() == self._loading_token:
            self.rendered.emit()

    def _render_process_ended(self, status: QWebEnginePage.RenderProcessTerminationStatus, exit_code: int) -> None:
        # Chromium starts a new render process with the next page; this message is lost to it.
        if status != QWebEnginePage.RenderProcessTerminationStatus.NormalTerminationStatus:
            self.failed.emit(f"{status.name}, exit code {exit_code}")

    @Slot(QPoint)
    def _context_menu(self, position: QPoint) -> None:
        menu = QMenu(self)
        copy = menu.addAction(self.tr("Copy"))
        copy.triggered.connect(lambda: self.mail_page.triggerAction(QWebEnginePage.WebAction.Copy))
        request = self.lastContextMenuRequest()
        link = request.linkUrl() if request is not None else QUrl()
        if link.isValid() and not link.isEmpty():
            copy_link = QAction(self.tr("Copy Link Address"), menu)
            copy_link.triggered.connect(lambda: QGuiApplication.clipboard().setText(link.toString()))
            menu.addAction(copy_link)
        select_all = menu.addAction(self.tr("Select All"))
        select_all.triggered.connect(lambda: self.mail_page.triggerAction(QWebEnginePage.WebAction.SelectAll))
        menu.popup(self.mapToGlobal(position))

    def closeEvent(self, event: object) -> None:
        self._forget()
        super().closeEvent(event)  # type: ignore[arg-type]
