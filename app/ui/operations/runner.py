"""Runs mailbox operations: small ones at once, large ones off the GUI thread, failures said once.

A change to a handful of rows costs a millisecond and the user should see it at once, so it runs
on the GUI thread's store. Anything that touches more rows than BACKGROUND_ROWS (or is always
slow: deleting for good, reading or writing files) runs in a :class:`BackgroundJob` with a store of
its own (one SQLite connection per thread: docs/architecture.md, Threads). Either way, what ``work`` changed is
announced through :class:`StoreEvents` on the GUI thread, and a failure is reported in one place:
a StoreError through the window's ``show_store_failure`` (the sentence comes from app/ui/errors.py), a file error
or anything else in a warning titled by the operation.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol, TypeVar, cast

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from app.core.errors import StoreError
from app.core.store import Store
from app.ui.errors import file_error_text, user_message
from app.ui.store_events import MessageChange, StoreEvents
from app.ui.workers.background import BackgroundJob, ProgressCallback

#: A change to more rows than this runs in a background job (5,000 rows take about a second).
BACKGROUND_ROWS = 200
#: ``rows`` for work that always runs in the background (files, deleting for good).
ALWAYS_IN_BACKGROUND = -1

Result = TypeVar("Result")


def no_change(result: object) -> MessageChange | None:
    """For operations that change nothing in the store (exports)."""
    return None


def as_change(result: object) -> MessageChange | None:
    """For work that returns the :class:`MessageChange` itself."""
    return result if isinstance(result, MessageChange) else None


class ReportsStoreFailures(Protocol):
    """Who tells the user about a failed operation's store error (the main window)."""

    def show_store_failure(self, error: StoreError) -> None: ...


class OperationRunner(QObject):
    """Carries out operations for one window; keeps its background jobs until they end."""

    #: After every operation, on the GUI thread, whether it succeeded or not (tests wait on it).
    finished = Signal()

    def __init__(self, store: Store, events: StoreEvents, reporter: ReportsStoreFailures,
                 parent: QWidget) -> None:
        super().__init__(parent)
        self.store = store
        self.events = events
        self.reporter = reporter
        self.window = parent
        self.jobs: set[BackgroundJob] = set()
        self.stopping = False

    def run(self, work: Callable[[Store], Result], *, rows: int, failure_title: str,
            announce: Callable[[Result], MessageChange | None],
            done: Callable[[Result], None] | None = None,
            failed: Callable[[], None] | None = None) -> BackgroundJob | None:
        """Run ``work``; announce what ``announce(result)`` says changed, then call ``done``.

        ``rows`` is how many messages it touches (ALWAYS_IN_BACKGROUND for slow work). Returns the
        background job, or None when the work ran at once. ``failed`` runs after a failure has
        been reported (to put back what the caller took off the screen in advance).
        """
        if 0 <= rows <= BACKGROUND_ROWS:
            try:
                result = work(self.store)
            except StoreError as error:
                self.reporter.show_store_failure(error)
                if failed is not None:
                    failed()
                self.finished.emit()
                return None
            self._succeeded(result, announce, done)
            self.finished.emit()
            return None
        return self._in_background(work, failure_title, announce, done, failed)

    def _in_background(self, work: Callable[[Store], Result], failure_title: str,
                       announce: Callable[[Result], MessageChange | None],
                       done: Callable[[Result], None] | None,
                       failed: Callable[[], None] | None) -> BackgroundJob:
        database_path: Path = self.store.path

        def run(report: ProgressCallback) -> Result:
            # Never a widget here: this is the job's thread.
            with Store(database_path) as store:
                return work(store)

        job = BackgroundJob(run, self)
        job.succeeded.connect(lambda result: self._succeeded(cast(Result, result), announce, done))
        job.failed.connect(lambda error: self._failed(failure_title, error, failed))
        job.finished.connect(lambda: self._job_ended(job))
        self.jobs.add(job)
        job.start()
        return job

    def _succeeded(self, result: Result, announce: Callable[[Result], MessageChange | None],
                   done: Callable[[Result], None] | None) -> None:
        change = announce(result)
        if change is not None:
            self.events.announce(change)
        if done is not None:
            done(result)

    def _failed(self, title: str, error: object, failed: Callable[[], None] | None) -> None:
        if failed is not None:
            failed()
        if self.stopping:
            return
        if isinstance(error, StoreError):
            self.reporter.show_store_failure(error)
        elif isinstance(error, OSError):  # export or import: a file, not an account, is the matter
            QMessageBox.warning(self.window, title, file_error_text(error))
        elif isinstance(error, Exception):
            QMessageBox.warning(self.window, title, user_message(error, "").text)

    def _job_ended(self, job: BackgroundJob) -> None:
        self.jobs.discard(job)
        self.finished.emit()

    def running(self) -> bool:
        return bool(self.jobs)

    def shut_down(self, milliseconds: int = 10000) -> None:
        """Wait for the jobs still running (at quit): a deletion half done would be redone anyway,
        but an export should finish its file."""
        self.stopping = True
        for job in list(self.jobs):
            job.wait(milliseconds)


__all__ = ["ALWAYS_IN_BACKGROUND", "BACKGROUND_ROWS", "OperationRunner", "as_change", "no_change"]
