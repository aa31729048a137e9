"""Signing in with Google or Microsoft from the window: the core's browser flow on a worker thread.

:func:`app.core.oauth.flows.sign_in_with_browser` opens the provider's page in the system browser
(never a web view inside Poplark: Google refuses sign-in there, and the password would pass
through Poplark) and waits for the redirect on a listener bound to 127.0.0.1. Here it runs in a
:class:`BackgroundJob`, so the window never waits; Cancel ends the wait at once. The browser is
opened on the GUI thread (QDesktopServices), from the job's progress channel. Tests replace
:attr:`BrowserSignIn.open_url` with their own "browser" that follows the redirect.

What the sign-in gives (a :class:`Grant`) is handed to the caller, which keeps the refresh token
in the keyring (:func:`app.core.oauth.tokens.store_grant`) and nowhere else.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices

from app.core.cancel import CancelToken
from app.core.errors import AuthError, Cancelled, ConfigError, PoplarkError
from app.core.oauth.flows import sign_in_with_browser
from app.core.oauth.tokens import Grant, OAuthClient
from app.ui.dialogs.account_dialog.style import translate
from app.ui.workers.background import BackgroundJob, ProgressCallback

#: Sign-ins still waiting after their dialog closed (cancelled; they end within a moment).
_running_jobs: set[BackgroundJob] = set()


def unfinished_sign_ins() -> list[BackgroundJob]:
    return list(_running_jobs)


class BrowserSignIn(QObject):
    """One sign-in at a time: :meth:`start`, then exactly one of the signals below."""

    #: The sign-in finished: the Grant (its tokens are not to be logged or shown).
    signed_in = Signal(object)
    #: It failed (a PoplarkError) or was cancelled (Cancelled).
    failed = Signal(object)
    #: The address the browser was sent to (shown in case no browser opened).
    browser_opened = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        #: Opens the sign-in page, called on the job's thread; None: the system browser, on the GUI thread.
        self.open_url: Callable[[str], object] | None = None
        self._job: BackgroundJob | None = None
        self._cancel: CancelToken | None = None
        self._outcome: tuple[bool, object] | None = None

    @property
    def running(self) -> bool:
        return self._job is not None

    def start(self, client: OAuthClient, login_hint: str) -> None:
        if self._job is not None:
            return
        cancel = self._cancel = CancelToken()
        opener = self.open_url

        def run(report: ProgressCallback) -> Grant:
            def open_page(url: str) -> None:
                report(url)  # to the GUI thread: it opens the system browser and shows the address
                if opener is not None:
                    opener(url)

            return sign_in_with_browser(client, open_url=open_page, login_hint=login_hint, cancel=cancel)

        job = self._job = BackgroundJob(run)
        self._outcome = None
        job.progressed.connect(self._page_ready)
        job.succeeded.connect(lambda grant: self._keep(True, grant))
        job.failed.connect(lambda error: self._keep(False, error))
        job.finished.connect(self._ended)
        _running_jobs.add(job)
        job.finished.connect(lambda: _running_jobs.discard(job))
        job.start()

    def cancel(self) -> None:
        """Stop waiting for the browser; ``failed`` then says Cancelled."""
        if self._cancel is not None:
            self._cancel.cancel()

    def release(self) -> None:
        """The owner is closing: cancel, and let the job end on its own (still referenced)."""
        job, self._job = self._job, None
        self.cancel()
        if job is not None:
            for signal in (job.progressed, job.succeeded, job.failed, job.finished):
                signal.disconnect()
            job.finished.connect(lambda: _running_jobs.discard(job))

    @Slot(object)
    def _page_ready(self, url: object) -> None:
        if self.open_url is None:
            QDesktopServices.openUrl(QUrl(str(url)))
        self.browser_opened.emit(str(url))

    def _keep(self, ok: bool, value: object) -> None:
        self._outcome = (ok, value)

    @Slot()
    def _ended(self) -> None:
        # Emitted once the thread has ended, so a slot may start another sign-in at once.
        self._job, self._cancel = None, None
        outcome, self._outcome = self._outcome, None
        if outcome is not None and outcome[0]:
            self.signed_in.emit(outcome[1])
        else:
            self.failed.emit(outcome[1] if outcome is not None else PoplarkError("the sign-in stopped"))


def sign_in_error_text(error: object) -> str:
    """Why a sign-in did not finish, and what to do, for the dialog and the window."""
    if isinstance(error, Cancelled):
        return translate("AccountDialog", "Sign-in cancelled. Press the sign-in button to try again.")
    if isinstance(error, ConfigError):
        return translate("AccountDialog", "The provider does not accept this client ID: check it (and the "
                                          "client secret, if the provider gave you one). Details: {0}").format(error)
    if isinstance(error, AuthError):
        return translate("AccountDialog", "The sign-in did not finish. Press the sign-in button to try again. "
                                          "Details: {0}").format(error)
    if isinstance(error, PoplarkError):
        return translate("AccountDialog", "The sign-in failed. Check your network connection, then try again. "
                                          "Details: {0}").format(error)
    return translate("AccountDialog", "The sign-in failed unexpectedly: {0}").format(repr(error))
