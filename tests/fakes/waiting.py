"""Waiting in tests for something another process or thread does: a condition polled until a
deadline, so a test that would otherwise hang fails with what it was waiting for; and a pause
where time passing is itself what a test needs."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

POLL_SECONDS = 0.02


def wait_until(condition: Callable[[], bool], timeout: float, what: str, *, poll: float = POLL_SECONDS) -> None:
    """Return once ``condition()`` is true; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    pause = threading.Event()  # never set: a wait that is not a bare sleep
    while not condition():
        assert time.monotonic() < deadline, f"timed out after {timeout:g} s waiting for {what}"
        pause.wait(poll)


def pause(seconds: float) -> None:
    """Let time pass on purpose (a device flow's poll interval, the moment of a kill): never to
    wait for something to happen, which is :func:`wait_until`'s job."""
    threading.Event().wait(seconds)


__all__ = ["pause", "wait_until"]
