"""Ctrl-C and SIGTERM (a cron timeout, a shutdown) set a command's cancel token instead of
killing it mid-write, so the command ends the way a cancelled fetch does: nothing half done."""

from __future__ import annotations

import signal
from types import FrameType

from app.core.cancel import CancelToken


def cancel_on_signals(cancel: CancelToken) -> None:
    def handler(signal_number: int, frame: FrameType | None) -> None:
        cancel.cancel()

    signal.signal(signal.SIGINT, handler)
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, handler)
