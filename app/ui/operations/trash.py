"""Deleting: to Trash, back to the Inbox, for good, and emptying Trash.

Moving to Trash is what queues a server DELE in mirror mode (see app/core/store/folders.py), so
deleting for good only ever deletes messages already in Trash. Deleting for good always runs in
the background: thousands of messages take seconds (5,000 in about 2 s).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QCoreApplication

from app.core.model import Folder
from app.core.store import Store
from app.ui.operations.runner import ALWAYS_IN_BACKGROUND, OperationRunner, as_change
from app.ui.store_events import Change, MessageChange


def _title() -> str:
    return QCoreApplication.translate("MainWindow", "Delete failed")


def move_to_trash(runner: OperationRunner, ids: Sequence[int]) -> None:
    chosen = tuple(ids)
    if not chosen:
        return

    def work(store: Store) -> MessageChange:
        store.move_to_folder(chosen, Folder.TRASH)
        return MessageChange(Change.MOVED, chosen, Folder.TRASH)

    runner.run(work, rows=len(chosen), announce=as_change, failure_title=_title())


def restore(runner: OperationRunner, ids: Sequence[int]) -> None:
    """From Trash back to the folder each message was deleted from, else its Inbox (a pending
    server DELE is cancelled)."""
    chosen = tuple(ids)
    if not chosen:
        return

    def work(store: Store) -> MessageChange:
        store.restore(chosen)
        return MessageChange(Change.MOVED, chosen, Folder.INBOX)

    runner.run(work, rows=len(chosen), announce=as_change,
               failure_title=QCoreApplication.translate("MainWindow", "Mail store problem"))


def delete_for_good(runner: OperationRunner, ids: Sequence[int], *, done: Callable[[int], None],
                    failed: Callable[[], None]) -> None:
    """Delete these messages (those in Trash) for good; ``done(count)`` when finished."""
    chosen = tuple(ids)

    def work(store: Store) -> int:
        return store.delete_for_good(chosen)

    runner.run(work, rows=ALWAYS_IN_BACKGROUND, failure_title=_title(), done=done, failed=failed,
               announce=lambda count: MessageChange(Change.DELETED, chosen))


def empty_trash(runner: OperationRunner, account_id: int | None, *, done: Callable[[int], None],
                failed: Callable[[], None]) -> None:
    """Delete everything in Trash (of one account, or of all when ``account_id`` is None)."""
    def work(store: Store) -> int:
        return store.empty_trash(account_id)

    # The ids are not known one by one (a search may hide some): listeners re-read what they show.
    runner.run(work, rows=ALWAYS_IN_BACKGROUND, failure_title=_title(), done=done, failed=failed,
               announce=lambda count: MessageChange(Change.DELETED, None))


__all__ = ["as_change", "delete_for_good", "empty_trash", "move_to_trash", "restore"]
