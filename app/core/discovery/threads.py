"""Discovery's parallel steps run in daemon threads, each behind a Future.

Not a ThreadPoolExecutor: Python waits at exit for its threads, so quitting Poplark just after
typing an address would hang until the slowest probe timed out. A step still waiting when its
answer no longer matters is simply forgotten; it ends by its own timeout, or with the process.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import TypeVar

Result = TypeVar("Result")


def start(step: Callable[[], Result], name: str) -> Future[Result]:
    future: Future[Result] = Future()

    def run() -> None:
        if not future.set_running_or_notify_cancel():
            return
        try:
            future.set_result(step())
        except BaseException as error:  # noqa: BLE001 - handed to whoever reads the future
            future.set_exception(error)

    threading.Thread(target=run, name=name, daemon=True).start()
    return future
