"""Body text into the search index, in the background, after each fetch (and once at start-up).

The fetch stores messages as fast as the server sends them; extracting their text for the
full-text index would slow it down, so the window indexes afterwards, batch by batch until
nothing is left, then reads the addresses of the new mail for completion
(:mod:`app.core.contacts.harvest`). A request while a run is going on only marks that another run
is due.

The work runs in a second process, ``poplark index`` (:mod:`app.core.store.index_process`): in a
thread it held the interpreter lock most of the time, and the list stuttered while a big fetch
was indexed (bench/ui_fetch_bench.py: frames of 60 ms, worst 700 ms). The job's thread only waits
for the process. Should the process not start or fail, the thread indexes itself, as before.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot

from app.core.store import Store
from app.core.store.index_process import index_command, profile_directory_of
from app.ui.workers.background import BackgroundJob, ProgressCallback

log = logging.getLogger("poplark.index")

#: Messages per transaction: one batch holds the write lock for milliseconds.
BATCH = 500
#: How often the waiting thread looks whether the window is closing.
CHILD_POLL_SECONDS = 0.2


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
            with Store(database_path) as store:
                before = store.pending_search_count()
                if not _index_in_child(database_path, indexer):
                    _index_here(store, indexer)
                return max(0, before - store.pending_search_count())

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


def _index_in_child(database_path: Path, indexer: SearchIndexer) -> bool:
    """Run ``poplark index`` on this store and wait for it; False when the work is still to do."""
    import subprocess

    directory = profile_directory_of(database_path)
    if directory is None:
        return False
    try:
        child = subprocess.Popen(index_command(directory, "--quiet"), stdin=subprocess.DEVNULL,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    except OSError as error:
        log.warning("cannot start the search indexer process (%s); indexing in the window", error)
        return False
    while True:
        try:
            _, errors = child.communicate(timeout=CHILD_POLL_SECONDS)
            break
        except subprocess.TimeoutExpired:
            if indexer.stopped:
                child.terminate()  # shutdown: what is left is indexed at the next start
    if child.returncode != 0 and not indexer.stopped:
        log.warning("the search indexer process ended with status %s (%s); indexing in the window",
                    child.returncode, errors.decode("utf-8", "replace").strip()[-2000:])
        return False
    return True


def _index_here(store: Store, indexer: SearchIndexer) -> None:
    from app.core.contacts.harvest import harvest_pending
    from app.core.store.search import index_pending

    while not indexer.stopped and index_pending(store, BATCH):
        pass
    # The addresses of the same new mail, for completion (app.core.contacts.harvest).
    while not indexer.stopped and harvest_pending(store, BATCH):
        pass
