"""Read and flag state: mark read or unread, flag or unflag."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication

from app.core.store import Store
from app.ui.operations.runner import OperationRunner, as_change
from app.ui.store_events import Change, MessageChange


def mark_seen(runner: OperationRunner, ids: Sequence[int], seen: bool) -> None:
    """Mark the messages read (``seen``) or unread."""
    chosen = tuple(ids)
    if not chosen:
        return

    def work(store: Store) -> MessageChange:
        store.set_seen(chosen, seen)
        return MessageChange(Change.UPDATED, chosen)

    runner.run(work, rows=len(chosen), announce=as_change,
               failure_title=QCoreApplication.translate("MainWindow", "Mail store problem"))


def set_flagged(runner: OperationRunner, ids: Sequence[int], flagged: bool) -> None:
    """Flag the messages, or take their flag off."""
    chosen = tuple(ids)
    if not chosen:
        return

    def work(store: Store) -> MessageChange:
        store.set_flagged(chosen, flagged)
        return MessageChange(Change.UPDATED, chosen)

    runner.run(work, rows=len(chosen), announce=as_change,
               failure_title=QCoreApplication.translate("MainWindow", "Mail store problem"))
