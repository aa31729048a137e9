"""Body text into the search index, in the background, after each fetch (and once at start-up).

The fetch stores messages as fast as the server sends them; extracting their text for the
full-text index would slow it down, so the window runs ``index_pending`` here afterwards, in a
:class:`BackgroundJob` with its own Store connection, batch by batch until nothing is left; then the
addresses of the new mail are read for completion (:mod:`app.core.contacts.harvest`). A request
while a run is going on only marks that another run is due.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot

from app.core.store import Store
from app.ui.workers.background import BackgroundJob, ProgressCallback

#: Messages per transaction: one batch holds the write lock for milliseconds.
BATCH = 500


class SearchIndexer(QObject):
    #: A run ended; the number of messages it indexed.
    finished = Signal(int)

    def __init__(self, database_path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.database_path = database_path
        self._job: BackgroundJob | None = None
        self._again = False
        self.stopped = False

    def is_running(self) -> bool:
        return self._job is not None

    def request(self) -> None:
        """Index whatever is pending, now or right after the current run."""
        if self.stopped:
            return
        if self._job is not None:
            self._again = True
            return
        database_path = self.database_path
        indexer = self

        def run(report: ProgressCallback) -> int:
            from app.core.contacts.harvest import harvest_pending
            from app.core.store.search import index_pending

            total = 0
            with Store(database_path) as store:
                while not indexer.stopped:
                    done = index_pending(store, BATCH)
                    if not done:
                        break
                    total += done
                # The addresses of the same new mail, for completion (app.core.contacts.harvest).
                while not indexer.stopped and harvest_pending(store, BATCH):
                    pass
            return total

        self._job = BackgroundJob(run, self)
        self._job.succeeded.connect(self._succeeded)
        self._job.failed.connect(lambda error: self._succeeded(0))
        self._job.finished.connect(self._job_finished)
        self._job.start()

    @Slot(object)
    def _succeeded(self, count: object) -> None:
        self.finished.emit(int(count) if isinstance(count, int) else 0)

    @Slot()
    def _job_finished(self) -> None:
        self._job = None
        if self._again and not self.stopped:
            self._again = False
            self.request()

    def stop(self, milliseconds: int = 10000) -> None:
        """Stop after the current batch and wait for the thread (shutdown)."""
        self.stopped = True
        if self._job is not None:
            self._job.wait(milliseconds)
