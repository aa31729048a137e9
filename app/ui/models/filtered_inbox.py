"""The message list model with the quick filter bar's choices and the tags' look: what
:class:`~app.ui.panes.message_list.MessageList` shows. The filtering is the store's, in SQL
(:mod:`app.core.store.quick_filter`); the base model (at its size limit) only passes it on.

While a filter is on, its queries run off the GUI thread: "from a contact" tests every message's
sender against the address book, 100-200 ms of CPU over 100,000 messages (bench/README.md), too
long to hold a keystroke in the search box. Each change starts one query in a
:class:`~app.ui.workers.background.BackgroundJob` with its own store; the list keeps showing the
previous result until the answer of the latest change arrives (older answers are dropped), then
:attr:`FilteredInboxModel.filtered` is emitted. Without a filter the base model's synchronous path
is unchanged.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt, Signal

from app.core.errors import StoreError
from app.core.store import Store
from app.core.store.quick_filter import QuickFilter
from app.core.store.tags import Tag
from app.ui.models.inbox_model import InboxModel
from app.ui.models.message_rows import SORT_COLUMNS
from app.ui.workers.background import BackgroundJob, ProgressCallback


class FilteredInboxModel(InboxModel):
    """:class:`InboxModel` plus the filter bar (unread, flagged, attachments, a tag, a contact)."""

    #: The rows of the latest change (filter, search, folder, sort, refresh) are shown: tests wait on it.
    filtered = Signal()

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(store, parent)
        self._generation = 0
        self._jobs: set[BackgroundJob] = set()

    def set_quick_filter(self, quick: QuickFilter) -> None:
        """Show only messages that pass ``quick`` (ANDed with the search text, in one SQL query)."""
        if quick == self._quick:
            return
        self._quick = quick
        self._requery()

    @property
    def quick_filter(self) -> QuickFilter:
        return self._quick

    def set_search(self, text: str) -> None:
        if not self._quick.active:
            super().set_search(text)
            self.filtered.emit()
            return
        if text != self._search:
            self._search = text
            self._requery()

    # Changes the base model carries out at once (another folder, another sort, the store changed)
    # read the ids themselves: an answer still on its way is older than theirs and must not win.

    def set_folder(self, account_id: int | None, folder: str) -> None:
        self._generation += 1
        super().set_folder(account_id, folder)
        self.filtered.emit()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._generation += 1
        super().sort(column, order)
        self.filtered.emit()

    def refresh(self) -> None:
        self._generation += 1
        super().refresh()
        self.filtered.emit()

    def set_tags(self, tags: list[Tag]) -> None:
        """The tags were created, renamed, recoloured, reordered or deleted: rows show them anew."""
        self._tag_look.reload(tags)
        self.refresh()

    def shut_down(self, milliseconds: int = 5000) -> None:
        """Wait for queries still running (the window is closing); their answers are dropped."""
        self._generation += 1
        for job in list(self._jobs):
            job.wait(milliseconds)

    # -- the query, off the GUI thread ----------------------------------------------------------

    def _shown_query(self) -> tuple[Any, ...]:
        """What the ids depend on: an answer for anything else is out of date."""
        return (self._account_id, str(self._folder), self._sort_column, self._sort_order, self._search, self._quick)

    def _requery(self) -> None:
        self._generation += 1
        if not self._has_folder:
            return
        if not self._quick.active:  # back to everything: at once, as the base model does
            self._show(self._query_ids())
            return
        generation, wanted = self._generation, self._shown_query()
        path = self._store.path
        account_id, folder, search, quick = self._account_id, str(self._folder), self._search, self._quick
        sort, descending = SORT_COLUMNS[self._sort_column], self._sort_order == Qt.SortOrder.DescendingOrder

        def query(report: ProgressCallback) -> list[int]:
            # Never a widget here: this is the job's thread, with a store of its own.
            with Store(path) as store:
                return store.message_ids(account_id, folder, sort=sort, descending=descending, text=search,
                                         quick=quick)

        job = BackgroundJob(query, self)
        job.succeeded.connect(lambda ids: self._arrived(generation, wanted, ids))
        job.failed.connect(lambda error: self._query_failed(generation, wanted))
        job.finished.connect(lambda: self._jobs.discard(job))
        self._jobs.add(job)
        job.start()

    def _arrived(self, generation: int, wanted: tuple[Any, ...], ids: object) -> None:
        if generation == self._generation and wanted == self._shown_query() and isinstance(ids, list):
            self._show(ids)

    def _query_failed(self, generation: int, wanted: tuple[Any, ...]) -> None:
        # The job's store could not be opened or read: try once on the GUI thread's, which
        # reports its own failure the usual way if the store is really in trouble.
        if generation == self._generation and wanted == self._shown_query():
            try:
                self._show(self._query_ids())
            except StoreError:
                self.filtered.emit()  # the previous rows stay

    def _show(self, ids: list[int]) -> None:
        self.beginResetModel()
        self._missing.clear()
        self._set_ids(ids)
        self.endResetModel()
        self.filtered.emit()
