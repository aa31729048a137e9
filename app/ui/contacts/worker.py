"""The address book's thread: every lookup and write of the contact tables from the window runs
here, on its own SQLite connection, so that typing and clicking never wait on the store (an import
of thousands of contacts takes seconds; a completion lookup at 10,000 contacts up to a few ms,
more while another process writes).

One Python thread takes tasks (a function of a :class:`Store`) from a queue in order; results come
back through a queued signal to this GUI-thread object, which calls the task's callbacks on the GUI
thread. A task submitted with a ``latest`` key replaces the waiting one with the same key: when the
user types fast, only the newest completion is looked up.
"""

from __future__ import annotations

import itertools
import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from app.core.store import Store

log = logging.getLogger(__name__)

StoreTask = Callable[[Store], Any]
ResultCallback = Callable[[Any], None]
ErrorCallback = Callable[[Exception], None]


@dataclass(frozen=True)
class _Task:
    number: int
    function: StoreTask
    on_result: ResultCallback
    on_error: ErrorCallback | None
    latest: str


class ContactsWorker(QObject):
    """Runs functions of the store in one background thread; callbacks arrive on the GUI thread."""

    #: Emitted from the thread (queued to this object): task number, result, error.
    _finished = Signal(int, object, object)
    #: Emitted on the GUI thread after a task's callback: for tests and windows that wait.
    task_done = Signal()

    def __init__(self, database_path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.database_path = Path(database_path)
        self._queue: queue.Queue[_Task | None] = queue.Queue()
        self._numbers = itertools.count(1)
        self._pending: dict[int, _Task] = {}
        #: The newest task number of each ``latest`` key; older ones are skipped (read by the thread).
        self._newest: dict[str, int] = {}
        self._finished.connect(self._deliver)
        self._thread: threading.Thread | None = None
        self._stopped = False

    def submit(self, function: StoreTask, on_result: ResultCallback, on_error: ErrorCallback | None = None,
               *, latest: str = "") -> None:
        """Run ``function(store)`` in the thread; ``on_result`` or ``on_error`` get its outcome.
        After :meth:`stop` nothing runs (a field outliving the window completes nothing)."""
        if self._stopped:
            return
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="poplark-contacts", daemon=True)
            self._thread.start()
        task = _Task(next(self._numbers), function, on_result, on_error, latest)
        self._pending[task.number] = task
        if latest:
            self._newest[latest] = task.number
        self._queue.put(task)

    def busy(self) -> bool:
        return bool(self._pending)

    def stop(self, timeout: float = 10.0) -> None:
        """End the thread after the task it runs (waiting ones are dropped); callbacks stop."""
        self._stopped = True
        self._pending.clear()
        if shared_worker() is self:
            set_shared_worker(None)
        if self._thread is not None:
            while True:  # drop what waits: a closing window must not wait for a queue of lookups
                try:
                    self._queue.get_nowait()
                except queue.Empty:
                    break
            self._queue.put(None)
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        store: Store | None = None
        try:
            while (task := self._queue.get()) is not None:
                if task.latest and self._newest.get(task.latest) != task.number:
                    self._finished.emit(task.number, None, _Skipped())
                    continue
                try:
                    if store is None:
                        store = Store(self.database_path)
                    result = task.function(store)
                except Exception as error:  # noqa: BLE001 - handed to the GUI thread as it is
                    self._finished.emit(task.number, None, error)
                else:
                    self._finished.emit(task.number, result, None)
        finally:
            if store is not None:
                store.close()

    @Slot(int, object, object)
    def _deliver(self, number: int, result: object, error: object) -> None:
        task = self._pending.pop(number, None)
        if task is None or isinstance(error, _Skipped):
            return
        if isinstance(error, Exception):
            if task.on_error is not None:
                task.on_error(error)
            else:
                log.warning("address book task failed: %s", error)
        else:
            task.on_result(result)
        self.task_done.emit()


class _Skipped(Exception):
    """A task replaced by a newer one with the same key before it ran."""


_shared: list[ContactsWorker] = []


def shared_worker() -> ContactsWorker | None:
    """The window's worker (set by :class:`app.ui.contacts.controller.ContactsController`): a
    RecipientField made without one, as the compose window makes them, completes through it."""
    return _shared[0] if _shared else None


def set_shared_worker(worker: ContactsWorker | None) -> None:
    _shared[:] = [worker] if worker is not None else []
