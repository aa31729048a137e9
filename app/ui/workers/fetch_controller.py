"""Runs fetches in the background and reports them on the GUI thread.

Each running fetch is one :class:`BackgroundJob` (the one thread pattern, see background.py).
Its function runs entirely in the worker thread: it opens its own :class:`Store` (SQLite
connections belong to one thread), reads the password from the keyring there (keyring may block on
D-Bus, and the UI thread never waits: docs/architecture.md, invariant 7), and calls the engine with an observer
and a :class:`CancelToken`. The controller turns the job's signals into its own, all emitted on
the GUI thread, so widgets and tests wait only on these (docs/architecture.md, Pitfalls: pytest-qt and
cross-thread ``waitSignal``).

Order of signals for one fetch: ``started``, then ``progress``, ``messages_stored`` and
``mail_sorted`` (what junk and rules did to the new mail, app.core.rules.new_mail) as they
come, then exactly one of ``finished``, ``failed`` or ``cancelled``, and ``idle`` when no fetch
of this controller is left. The outcome is emitted only once the thread has ended and been waited
for, so a slot that reacts to it may start the same account again at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from PySide6.QtCore import QCoreApplication, QDeadlineTimer, QEvent, QObject, Signal

from app.core import credentials
from app.core.cancel import CancelToken
from app.core.errors import Cancelled, CredentialsError, PoplarkError
from app.core.fetch.engine import FetchObserver, fetch_account
from app.core.model import Account, AuthMethod, FetchProgress, FetchReport, MessageSummary
from app.core.oauth.account_tokens import with_account_token
from app.core.pop3.auth import Secret
from app.core.rules.new_mail import NewMailOutcome, NewMailSorter
from app.core.store import Profile, Store
from app.ui.workers.background import BackgroundJob, ProgressCallback

log = logging.getLogger("poplark.ui.fetch")


@dataclass(frozen=True)
class _StoredIds:
    """Tags message ids on the job's single progress channel, apart from FetchProgress values."""

    ids: list[int]


@dataclass(frozen=True)
class _Sorted:
    """What the junk filter and the rules did to new mail, on the same channel."""

    outcome: NewMailOutcome


class _ForwardingObserver(FetchObserver):
    """Runs in the worker thread: hands the engine's reports to the job's progress callback.

    Only plain data crosses threads (FetchProgress is frozen; ids are ints), never a QObject.
    New mail is sorted (junk, then rules) by ``sorter`` in a thread of its own; what it has done
    is passed on at the next group, without waiting for it.
    """

    def __init__(self, report: ProgressCallback, sorter: NewMailSorter) -> None:
        self.report = report
        self.sorter = sorter

    def progress(self, progress: FetchProgress) -> None:
        self.report(progress)

    def messages_stored(self, summaries: list[MessageSummary]) -> None:
        self.report(_StoredIds([summary.id for summary in summaries]))
        self.sorter.submit([summary.id for summary in summaries], summaries[0].account if summaries else None)
        self.report_sorted(self.sorter.done())

    def report_sorted(self, outcome: NewMailOutcome) -> None:
        if outcome.changed or outcome.rules.problems:
            self.report(_Sorted(outcome))


@dataclass
class _RunningFetch:
    """What the controller keeps for one fetch until its thread has ended."""

    job: BackgroundJob
    cancel: CancelToken
    #: Set by the job's succeeded/failed signal; emitted once the thread has ended.
    outcome: object = None


def _fetch_function(profile: Profile, account: Account, password: str | None,
                    cancel: CancelToken) -> Callable[[ProgressCallback], FetchReport]:
    """Build the job's function. Everything inside ``run`` happens in the worker thread."""

    def run(report: ProgressCallback) -> FetchReport:
        store = Store.open(profile)  # its own connection: SQLite connections are per thread
        observer = _ForwardingObserver(report, NewMailSorter(store.path))
        try:
            def fetch(secret: str | Secret) -> FetchReport:
                # Reading the keyring can take a while (an unlock prompt): honour a cancel made meanwhile.
                cancel.raise_if_cancelled()
                return fetch_account(store, profile.lock_directory, account, secret,
                                     observer=observer, cancel=cancel)

            if account.auth is AuthMethod.OAUTH2:
                # As the command line: a refused token is refreshed and the fetch tried once more
                # (the login failed before anything was read); a dead grant is SignInAgain.
                return with_account_token(account, fetch)
            return fetch(password if password is not None else _load_password(account))
        finally:
            # Whatever was committed is sorted, also after a failure or a cancel.
            observer.report_sorted(observer.sorter.finish())
            store.close()

    return run


def _load_password(account: Account) -> str:
    """The stored password, read in the worker thread; CredentialsError when there is none."""
    if not account.remember_password:
        # The user chose not to store it: asking the keyring would only find nothing (or an old one).
        # translate() is thread-safe; the text becomes the detail of a sentence in app.ui.errors.
        raise CredentialsError(QCoreApplication.translate(
            "FetchController", "the password for {account} is not stored; it must be given for this session").format(
                account=account.name))
    password = credentials.load_password(account.credential_key)
    if not password:
        raise CredentialsError(QCoreApplication.translate(
            "FetchController", "no password is stored for {account}").format(account=account.name))
    return password


def _forget_frames(error: BaseException) -> None:
    """Drop the tracebacks of ``error`` and its causes once they have been logged.

    Their frames hold the worker's locals, the password among them (the login frame, the job's
    closure); an error handed to the UI may live on in a dialog or a crash report (invariant 5).
    """
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        current.__traceback__ = None
        current = current.__cause__ or current.__context__


class FetchController(QObject):
    """Starts, cancels and watches fetches; one at a time per account. Lives on the GUI thread."""

    started = Signal(str)  # account name
    progress = Signal(object)  # FetchProgress
    messages_stored = Signal(str, list)  # account name, ids just committed (rows can appear at once)
    mail_sorted = Signal(str, object)  # account name, NewMailOutcome: junk and rules moved or marked mail
    finished = Signal(str, object)  # account name, FetchReport
    failed = Signal(str, object)  # account name, PoplarkError (never Cancelled)
    cancelled = Signal(str)  # account name
    idle = Signal()  # the last running fetch has ended

    def __init__(self, profile: Profile, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.profile = profile
        self._running: dict[str, _RunningFetch] = {}
        self._retired_jobs: list[BackgroundJob] = []

    def start(self, account: Account, password: str | None = None) -> bool:
        """Fetch ``account`` in a new thread; False if this controller is already fetching it.

        ``password`` is a session password (not stored); without it the worker reads the keyring.
        """
        if account.id is None:
            raise ValueError("the account must be saved before it can be fetched")
        if account.name in self._running:
            return False
        name = account.name
        cancel = CancelToken()
        # No parent: a child job would stay alive as long as the controller, one per fetch ever run.
        job = BackgroundJob(_fetch_function(self.profile, account, password, cancel))
        # The job's signals arrive on this (the GUI) thread. The slots capture the account name
        # and the controller, never the job itself, so a finished job is not kept by a cycle.
        job.progressed.connect(partial(self._on_progressed, name))
        job.succeeded.connect(partial(self._on_outcome, name))
        job.failed.connect(partial(self._on_outcome, name))
        job.finished.connect(partial(self._on_job_finished, name))
        self._running[name] = _RunningFetch(job, cancel)
        job.start()
        self.started.emit(name)
        return True

    def cancel(self, account_name: str | None = None) -> None:
        """Ask one fetch (or every fetch, with None) to stop; the outcome arrives as ``cancelled``."""
        for name, running in self._running.items():
            if account_name is None or name == account_name:
                running.cancel.cancel()

    def running(self) -> list[str]:
        """Names of the accounts being fetched now."""
        return list(self._running)

    def shutdown(self, timeout_ms: int = 15000) -> None:
        """Cancel every fetch and wait for every thread (used when the app quits).

        Whatever a fetch received before the cancel is committed by the engine, and nothing
        uncommitted is deleted on the server (invariants 1 and 2), so this loses nothing. The
        outcome signals are delivered before this returns.
        """
        self.cancel()
        deadline = QDeadlineTimer(timeout_ms)
        for name, running in list(self._running.items()):
            if not running.job.wait(max(0, deadline.remainingTime())):
                # The thread is blocked where a cancel cannot reach it (a TCP connect or a keyring
                # prompt). Keep its references: destroying a running QThread aborts the process.
                log.warning("the fetch for %s did not stop within %d ms", name, timeout_ms)
        for running in list(self._running.values()):
            if not running.job.is_running():
                # The thread has ended, but its results and the job's clean-up are queued for the
                # GUI thread's event loop, which may never run again when the app is quitting.
                # Deliver just those queued signal calls now, to this job only.
                QCoreApplication.sendPostedEvents(running.job, QEvent.Type.MetaCall)

    # -- GUI-thread slots -------------------------------------------------------------------------

    def _on_progressed(self, account_name: str, value: object) -> None:
        if isinstance(value, _StoredIds):
            self.messages_stored.emit(account_name, value.ids)
        elif isinstance(value, _Sorted):
            self.mail_sorted.emit(account_name, value.outcome)
        else:
            self.progress.emit(value)

    def _on_outcome(self, account_name: str, value: object) -> None:
        running = self._running.get(account_name)
        if running is not None:
            running.outcome = value

    def _on_job_finished(self, account_name: str) -> None:
        running = self._running.pop(account_name, None)
        if running is None:
            return
        # This slot runs inside the job's own signal: dropping the last reference here would
        # destroy the job while it is emitting. Keep it until the next fetch ends, a later event.
        self._retired_jobs = [running.job]
        outcome = running.outcome
        if isinstance(outcome, FetchReport):
            self.finished.emit(account_name, outcome)
        elif isinstance(outcome, Cancelled):
            self.cancelled.emit(account_name)
        elif isinstance(outcome, PoplarkError):
            log.info("fetching %s failed: %s", account_name, outcome)
            _forget_frames(outcome)
            self.failed.emit(account_name, outcome)
        else:
            self.failed.emit(account_name, self._unexpected(account_name, outcome))
        if not self._running:
            self.idle.emit()

    @staticmethod
    def _unexpected(account_name: str, outcome: object) -> PoplarkError:
        """Wrap a bug (not an error of the vocabulary) so the UI can still say something."""
        if isinstance(outcome, BaseException):
            log.error("unexpected error while fetching %s", account_name,
                      exc_info=(type(outcome), outcome, outcome.__traceback__))
            _forget_frames(outcome)
            wrapped = PoplarkError(f"an unexpected error stopped the fetch: {type(outcome).__name__}: {outcome}")
            wrapped.__cause__ = outcome
            return wrapped
        log.error("the fetch for %s ended without a result (%r)", account_name, outcome)
        return PoplarkError("the fetch ended without a result")


__all__ = ["FetchController"]
