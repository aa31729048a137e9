"""What the Tag commands do to the store: toggle a tag on messages, or take every tag off.

Run through the window's :class:`~app.ui.operations.runner.OperationRunner` (a large selection off
the GUI thread) and announced as an UPDATED change, so the list re-reads those rows.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication

from app.core.store import Store
from app.ui.operations.runner import OperationRunner, as_change
from app.ui.store_events import Change, MessageChange


def toggle_tag(runner: OperationRunner, ids: Sequence[int], tag_id: int) -> None:
    """Tag the messages; if every one of them has the tag already, take it off (as Thunderbird)."""
    chosen = tuple(ids)
    if not chosen:
        return

    def work(store: Store) -> MessageChange:
        carried = store.tags_of(chosen)
        if all(tag_id in carried.get(message_id, ()) for message_id in chosen):
            store.remove_tag(chosen, tag_id)
        else:
            store.add_tag(chosen, tag_id)
        return MessageChange(Change.UPDATED, chosen)

    runner.run(work, rows=len(chosen), announce=as_change,
               failure_title=QCoreApplication.translate("MainWindow", "Mail store problem"))


def clear_tags(runner: OperationRunner, ids: Sequence[int]) -> None:
    """Take every tag off the messages (the 0 key)."""
    chosen = tuple(ids)
    if not chosen:
        return

    def work(store: Store) -> MessageChange:
        store.clear_tags(chosen)
        return MessageChange(Change.UPDATED, chosen)

    runner.run(work, rows=len(chosen), announce=as_change,
               failure_title=QCoreApplication.translate("MainWindow", "Mail store problem"))
