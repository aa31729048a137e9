"""Junk and Not Junk on the selection: train the filter, then move the messages (to the account's
Junk folder, or out of it to the Inbox), and announce the move so the list and counts follow.

Training reads and parses each message (about a millisecond each), so a selection of more than a
few dozen runs in the background (see :data:`ROWS_PER_MESSAGE`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QCoreApplication

from app.core.junk.filter import JUNK_FOLDER, TrainingOutcome, mark
from app.core.model import Folder
from app.core.store import Store
from app.ui.operations.runner import OperationRunner
from app.ui.store_events import Change, MessageChange

#: A message trained costs what moving about this many rows costs, in the runner's measure.
ROWS_PER_MESSAGE = 8


def mark_junk(runner: OperationRunner, ids: Sequence[int], junk: bool,
              done: Callable[[TrainingOutcome], None] | None = None) -> None:
    """Train ``ids`` as junk (``junk``) or as good mail, and move them."""
    chosen = tuple(ids)
    if not chosen:
        return

    def work(store: Store) -> TrainingOutcome:
        return mark(store, chosen, junk)

    def announce(outcome: TrainingOutcome) -> MessageChange | None:
        if not outcome.moved_ids:
            return None
        return MessageChange(Change.MOVED, outcome.moved_ids, JUNK_FOLDER if junk else Folder.INBOX)

    runner.run(work, rows=len(chosen) * ROWS_PER_MESSAGE, announce=announce, done=done,
               failure_title=QCoreApplication.translate("JunkActions", "Training the junk filter failed"))


__all__ = ["mark_junk"]
