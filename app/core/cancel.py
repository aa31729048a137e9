"""Cooperative cancellation shared between a UI (or a signal handler) and the engine."""

from __future__ import annotations

import threading

from app.core.errors import Cancelled


class CancelToken:
    """A flag any thread may set; long work calls :meth:`raise_if_cancelled` between steps."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def wait(self, timeout: float) -> bool:
        """Block until cancelled or ``timeout`` seconds passed; whether it was cancelled."""
        return self._event.wait(timeout)

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled()
