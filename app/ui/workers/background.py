"""Run one function in its own QThread and get its outcome back on the GUI thread.

The thread pattern is the one that survived stress here (docs/architecture.md, Threads):
the job lives in the GUI thread and keeps references to both the QThread and the worker; the
worker, when done, moves itself back to the GUI thread and quits its thread; the job cleans up in
a GUI-thread slot after ``wait()``. Nobody calls ``deleteLater``.

The function receives one argument, ``report(value)``, which it may call from its thread to send
progress; every signal of :class:`BackgroundJob` is delivered on the GUI thread, so tests and
widgets wait on those, never on the worker's own signals.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

ProgressCallback = Callable[[object], None]
JobFunction = Callable[[ProgressCallback], Any]


class _Worker(QObject):
    progressed = Signal(object)
    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(self, function: JobFunction, home: QThread) -> None:
        super().__init__()
        self.function = function
        self.home = home

    @Slot()
    def run(self) -> None:
        try:
            self.succeeded.emit(self.function(self.progressed.emit))
        except Exception as error:  # noqa: BLE001 - every failure is handed to the GUI thread
            self.failed.emit(error)
        finally:
            self.moveToThread(self.home)
            thread = QThread.currentThread()
            thread.quit()


class BackgroundJob(QObject):
    """One function run once in a new thread. Signals arrive on the thread that created the job."""

    progressed = Signal(object)
    succeeded = Signal(object)
    failed = Signal(object)
    #: Always last: the thread has ended and been waited for.
    finished = Signal()

    def __init__(self, function: JobFunction, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread: QThread | None = QThread()
        self._worker: _Worker | None = _Worker(function, QThread.currentThread())
        self._worker.moveToThread(self._thread)
        self._worker.progressed.connect(self._on_progressed)
        self._worker.succeeded.connect(self._on_succeeded)
        self._worker.failed.connect(self._on_failed)
        self._thread.started.connect(self._worker.run)
        self._thread.finished.connect(self._on_thread_finished)

    def start(self) -> None:
        assert self._thread is not None, "a job runs once"
        self._thread.start()

    def is_running(self) -> bool:
        return self._thread is not None and self._thread.isRunning()

    def wait(self, milliseconds: int) -> bool:
        """Block until the thread ends (for shutdown only); True if it ended."""
        if self._thread is None:
            return True
        return bool(self._thread.wait(milliseconds))

    @Slot(object)
    def _on_progressed(self, value: object) -> None:
        self.progressed.emit(value)

    @Slot(object)
    def _on_succeeded(self, value: object) -> None:
        self.succeeded.emit(value)

    @Slot(object)
    def _on_failed(self, error: object) -> None:
        self.failed.emit(error)

    @Slot()
    def _on_thread_finished(self) -> None:
        if self._thread is not None:
            self._thread.wait()
        self._thread = None
        self._worker = None
        self.finished.emit()
