"""BackgroundJob: results on the GUI thread, errors surfaced, many jobs without a crash."""

from __future__ import annotations

import threading

from PySide6.QtCore import QThread
from pytestqt.qtbot import QtBot

from app.ui.workers.background import BackgroundJob, ProgressCallback


def test_result_and_progress_arrive_on_the_gui_thread(qtbot: QtBot) -> None:
    gui_thread = QThread.currentThread()
    worker_threads: list[int] = []
    seen: list[tuple[str, object, bool]] = []

    def work(report: ProgressCallback) -> int:
        worker_threads.append(threading.get_ident())
        for step in range(3):
            report(step)
        return 42

    job = BackgroundJob(work)
    job.progressed.connect(lambda value: seen.append(("progress", value, QThread.currentThread() is gui_thread)))
    job.succeeded.connect(lambda value: seen.append(("done", value, QThread.currentThread() is gui_thread)))
    with qtbot.waitSignal(job.finished, timeout=5000):
        job.start()
    assert seen == [("progress", 0, True), ("progress", 1, True), ("progress", 2, True), ("done", 42, True)]
    assert worker_threads and worker_threads[0] != threading.get_ident()
    assert not job.is_running()


def test_exceptions_come_back_as_failed(qtbot: QtBot) -> None:
    errors: list[object] = []

    def work(report: ProgressCallback) -> None:
        raise ValueError("boom")

    job = BackgroundJob(work)
    job.failed.connect(errors.append)
    with qtbot.waitSignal(job.finished, timeout=5000):
        job.start()
    assert len(errors) == 1 and isinstance(errors[0], ValueError)


def test_many_jobs_in_a_row_do_not_crash(qtbot: QtBot) -> None:
    results: list[object] = []
    for index in range(300):
        job = BackgroundJob(lambda report, value=index: value)
        job.succeeded.connect(results.append)
        with qtbot.waitSignal(job.finished, timeout=5000):
            job.start()
    assert results == list(range(300))
