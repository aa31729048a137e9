"""Moving and copying messages between folders, and deleting a folder (its mail goes to Trash).

Through the :class:`~app.ui.operations.runner.OperationRunner`: a few rows at once on the GUI
thread, many (10,000 dragged at once) in a background job with its own store. What changed is
announced, so the list and the folder counts follow (moves as MOVED to the folder, copies as
ADDED there).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QCoreApplication

from app.core.model import Folder
from app.core.store import Store
from app.ui.operations.runner import OperationRunner, as_change
from app.ui.store_events import Change, MessageChange


def _title() -> str:
    return QCoreApplication.translate("FolderActions", "Moving messages failed")


def move_messages(runner: OperationRunner, ids: Sequence[int], folder_key: str,
                  failed: Callable[[], None] | None = None) -> None:
    """``failed`` runs after a failure was reported (to put back rows taken off the list early)."""
    chosen = tuple(ids)
    if not chosen:
        return

    def work(store: Store) -> MessageChange:
        store.move_messages(chosen, folder_key)
        return MessageChange(Change.MOVED, chosen, folder_key)

    runner.run(work, rows=len(chosen), announce=as_change, failure_title=_title(), failed=failed)


def copy_messages(runner: OperationRunner, ids: Sequence[int], folder_key: str) -> None:
    chosen = tuple(ids)
    if not chosen:
        return

    def work(store: Store) -> MessageChange:
        return MessageChange(Change.ADDED, tuple(store.copy_messages(chosen, folder_key)), folder_key)

    runner.run(work, rows=len(chosen), announce=as_change,
               failure_title=QCoreApplication.translate("FolderActions", "Copying messages failed"))


def delete_folder(runner: OperationRunner, folder_id: int, messages: int,
                  done: Callable[[int], None] | None = None) -> None:
    """Delete a user folder and its subfolders; their ``messages`` go to Trash."""
    def work(store: Store) -> int:
        return store.delete_folder(folder_id)

    # Which ids moved is not known here: listeners re-read what they show.
    runner.run(work, rows=messages, done=done,
               failure_title=QCoreApplication.translate("FolderActions", "Deleting the folder failed"),
               announce=lambda count: MessageChange(Change.MOVED, None, Folder.TRASH))


__all__ = ["copy_messages", "delete_folder", "move_messages"]
