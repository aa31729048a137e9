"""The message list model: a table over one folder of the store, built lazily from ids.

The shape is Anki's browser table (``qt/aqt/browser/table/model.py``): the model holds only the
ordered list of message ids of the folder, which one indexed SQL query returns even for 100,000
messages, so ``rowCount()`` is exact and the scroll bar is right from the start. Rows are built on
demand: the first time a row is painted, the summaries of its whole page (:data:`PAGE_SIZE` rows)
are read in one query and kept in a small least-recently-used cache keyed by message id. Keying by
id rather than by page number means inserting, removing or re-sorting rows never invalidates what
was already read.

Sorting happens in SQL (:class:`SortColumn`); the model never sorts summaries itself. It lives on
the GUI thread with the GUI thread's :class:`Store`; a fetch running in another thread reports the
ids it stored and the GUI passes them to :meth:`InboxModel.add_new_messages`. What a row shows
(columns, texts, tooltips, roles) is :mod:`app.ui.models.message_rows`.
"""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from app.core.model import Folder, MessageSummary, SortColumn
from app.core.store import Store
from app.core.store.quick_filter import QuickFilter
from app.ui.formatting import human_size  # noqa: F401  (imported from here by callers and tests)
from app.ui.models.message_rows import (  # noqa: F401  (Column and MESSAGE_ID_ROLE are the model's API)
    COLUMN_COUNT,
    MESSAGE_ID_ROLE,
    SORT_COLUMNS,
    Column,
    Row,
    RowPresenter,
    sort_key,
)
from app.ui.tags.look import TagLook

#: Rows read per query. One page covers a few screens of a tall window, so a scroll step of one
#: screen costs at most one query, and 200 ids stay well under SQLite's bound-parameter limit.
PAGE_SIZE = 200
#: Summaries kept in memory: 20 pages, a few hundred kilobytes. Enough for jumping back and forth
#: between two places in the list without re-reading either.
CACHE_ROWS = 20 * PAGE_SIZE
_ITEM_FLAGS = (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
               | Qt.ItemFlag.ItemIsDragEnabled)  # rows are dragged onto folders (app/ui/panes/folder_drops.py)


def _runs(rows: Iterable[int]) -> list[tuple[int, int]]:
    """Sorted (first, last) ranges of consecutive row numbers, for one signal per range."""
    ranges: list[tuple[int, int]] = []
    for row in sorted(set(rows)):
        if ranges and ranges[-1][1] == row - 1:
            ranges[-1] = (ranges[-1][0], row)
        else:
            ranges.append((row, row))
    return ranges


class InboxModel(QAbstractTableModel):
    """The messages of one folder (of one account, or of all accounts), loaded page by page."""

    #: Emitted after the model changed what the unread counts of the folder list depend on
    #: (seen flags, new or removed messages), so the folder model can refresh its numbers.
    counts_changed = Signal()

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._account_id: int | None = None
        self._folder: str = Folder.INBOX  # a folder key: a Folder member or "user:<id>"
        self._has_folder = False  # nothing is shown until set_folder(), so construction is free
        self._sort_column = Column.DATE
        self._sort_order = Qt.SortOrder.DescendingOrder
        self._search = ""
        self._ids: list[int] = []
        self._present: set[int] = set()
        self._row_by_id: dict[int, int] | None = None  # built on demand, dropped on any change
        self._cache: OrderedDict[int, Row] = OrderedDict()
        self._missing: set[int] = set()  # ids another connection deleted: never re-queried per paint
        self._account_ids: dict[str, int] | None = None
        self._quick = QuickFilter()  # the filter bar's (app/ui/models/filtered_inbox.py)
        self._tag_look = TagLook(store.tags())
        self._presenter = RowPresenter(self._tag_look)
        self._role_handlers = self._presenter.role_handlers

    # -- what is shown ------------------------------------------------------------------------

    @property
    def account_id(self) -> int | None:
        return self._account_id

    @property
    def folder(self) -> str:
        return self._folder

    @property
    def sort_column(self) -> Column:
        return self._sort_column

    @property
    def sort_order(self) -> Qt.SortOrder:
        return self._sort_order

    def set_folder(self, account_id: int | None, folder: str) -> None:
        """Show ``folder`` of one account, or of every account when ``account_id`` is None."""
        self.beginResetModel()
        self._account_id = account_id
        self._folder = folder
        self._has_folder = True
        self._missing.clear()
        self._set_ids(self._query_ids())
        self.endResetModel()

    def set_search(self, text: str) -> None:
        """Show only messages that match the full-text search ``text`` ("" shows all).

        Every word must occur in the subject, the addresses or the body (the last word may be
        unfinished); see :meth:`Store.message_ids`.
        """
        if text == self._search:
            return
        self._search = text
        if self._has_folder:
            self.beginResetModel()
            self._set_ids(self._query_ids())
            self.endResetModel()

    @property
    def search(self) -> str:
        return self._search

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Re-read the ids in the SQL order of ``column``; selections follow their messages."""
        try:
            sort_column = Column(column)
        except ValueError:
            return
        if sort_column not in SORT_COLUMNS:
            return  # no SQL order for this column yet (see SORT_COLUMNS)
        if (sort_column, order) == (self._sort_column, self._sort_order):
            return  # views re-send their sort (setSortingEnabled, restoreState): a query is 50-300 ms
        self._sort_column = sort_column
        self._sort_order = order
        if not self._has_folder:
            return
        new_ids = self._query_ids()
        if len(new_ids) != len(self._ids) or set(new_ids) != self._present:
            # Another connection added or removed mail since the last look; a layout change may
            # not change the row count, so start over (rare: fetches report their new ids).
            self.beginResetModel()
            self._set_ids(new_ids)
            self.endResetModel()
            return
        self.layoutAboutToBeChanged.emit()
        old_ids = self._ids
        self._set_ids(new_ids)
        row_by_id = self._rows_by_id()
        old_indexes = self.persistentIndexList()
        new_indexes = [self.index(row_by_id[old_ids[index.row()]], index.column()) for index in old_indexes]
        self.changePersistentIndexList(old_indexes, new_indexes)
        self.layoutChanged.emit()

    def refresh(self) -> None:
        """Re-read the ids and forget cached rows; rows that came or went are inserted or removed.

        Costs one id query; the visible rows are re-read when they are next painted. Signals are
        per changed range, so views keep their selection and scroll position.
        """
        if not self._has_folder:
            return
        self._missing.clear()
        self._cache.clear()
        self._apply_ids(self._query_ids())
        if self._ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1, COLUMN_COUNT - 1))

    def add_new_messages(self, ids: Sequence[int]) -> None:
        """Insert just-stored messages where the current sort puts them (one query for them all).

        Ids of other folders or accounts, and ids already shown, are ignored, so a fetch can
        report everything it stored without knowing what the list shows.
        """
        if not self._has_folder:
            return
        if self._search or self._quick.active:
            self.refresh()  # the search decides which new messages belong: let SQL filter them
            self.counts_changed.emit()
            return
        fresh = [message_id for message_id in dict.fromkeys(ids) if message_id not in self._present]
        if not fresh:
            return
        summaries = self._store.summaries(fresh)
        wanted = [summary for summary in summaries.values() if summary.folder == str(self._folder)]
        if self._account_id is not None:
            account_ids = self._account_ids_by_name(wanted)
            wanted = [summary for summary in wanted if account_ids.get(summary.account) == self._account_id]
        if not wanted:
            return
        tags = self._store.tags_of([summary.id for summary in wanted])
        for summary in wanted:
            self._remember(summary, tags.get(summary.id, ()))
        column = SORT_COLUMNS[self._sort_column]
        if column in (SortColumn.SEEN, SortColumn.FLAGGED, SortColumn.ATTACHMENTS):
            # Marker sorts mix directions (group, then newest first): let SQL place the rows.
            self.refresh()
            self.counts_changed.emit()
            return
        descending = self._sort_order == Qt.SortOrder.DescendingOrder
        wanted.sort(key=lambda summary: sort_key(summary, column), reverse=descending)
        try:
            positions = [self._insertion_row(sort_key(summary, column), column, descending) for summary in wanted]
        except LookupError:
            self.refresh()  # a row we compared against vanished: let SQL decide instead
            self.counts_changed.emit()
            return
        # positions are non-decreasing (wanted is in display order); messages that land at the
        # same place go in together, and each block shifts the ones below it down.
        inserted = 0
        index = 0
        while index < len(wanted):
            end = index
            while end + 1 < len(wanted) and positions[end + 1] == positions[index]:
                end += 1
            first_row = positions[index] + inserted
            block = [summary.id for summary in wanted[index:end + 1]]
            self.beginInsertRows(QModelIndex(), first_row, first_row + len(block) - 1)
            self._ids[first_row:first_row] = block
            self._present.update(block)
            self._row_by_id = None
            self.endInsertRows()
            inserted += len(block)
            index = end + 1
        self.counts_changed.emit()

    def remove_ids(self, ids: Iterable[int]) -> None:
        """Take these messages out of the list (after a move to Trash, say); unknown ids are ignored."""
        row_by_id = self._rows_by_id()
        rows = [row_by_id[message_id] for message_id in ids if message_id in row_by_id]
        if not rows:
            return
        for first, last in reversed(_runs(rows)):  # bottom up, so earlier row numbers stay valid
            self.beginRemoveRows(QModelIndex(), first, last)
            removed = self._ids[first:last + 1]
            del self._ids[first:last + 1]
            self._present.difference_update(removed)
            for message_id in removed:
                self._cache.pop(message_id, None)
            self._row_by_id = None
            self.endRemoveRows()
        self.counts_changed.emit()

    def reread(self, ids: Iterable[int]) -> None:
        """Forget the cached rows of these messages, changed in the store by someone else (an
        operation, another thread): they are read again when next painted. Unknown ids are ignored."""
        row_by_id = self._rows_by_id()
        rows = []
        for message_id in ids:
            self._cache.pop(message_id, None)
            if message_id in row_by_id:
                rows.append(row_by_id[message_id])
        for first, last in _runs(sorted(rows)):
            self.dataChanged.emit(self.index(first, 0), self.index(last, COLUMN_COUNT - 1))

    # -- rows ---------------------------------------------------------------------------------

    def message_id(self, row: int) -> int:
        if not 0 <= row < len(self._ids):
            raise IndexError(f"row {row} is out of range 0-{len(self._ids) - 1}")
        return self._ids[row]

    def row_of(self, message_id: int) -> int | None:
        return self._rows_by_id().get(message_id)

    def summary(self, row: int) -> MessageSummary:
        """The summary of ``row``; KeyError if another connection deleted the message meanwhile."""
        message_id = self.message_id(row)  # IndexError for a row out of range
        built = self._row(row)
        if built is None:
            raise KeyError(f"message {message_id} is no longer in the store")
        return built.summary

    def set_seen(self, rows: Iterable[int], seen: bool) -> None:
        self._update_flag(rows, seen, self._store.set_seen,
                          lambda summary: dataclasses.replace(summary, seen=seen))
        self.counts_changed.emit()

    def set_flagged(self, rows: Iterable[int], flagged: bool) -> None:
        self._update_flag(rows, flagged, self._store.set_flagged,
                          lambda summary: dataclasses.replace(summary, flagged=flagged))

    # -- Qt model interface -------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else COLUMN_COUNT

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Called for every role of every visible cell on each paint: keep the path short.
        handler = self._role_handlers.get(role)
        if handler is None or not index.isValid():
            return None
        row = index.row()
        if row >= len(self._ids):
            return None
        built = self._row(row)
        if built is None:
            return None
        return handler(built, index.column())

    def multiData(self, index: QModelIndex | QPersistentModelIndex,
                  roleDataSpan: QModelRoleDataSpan | QModelRoleData) -> None:
        # Qt 6's item delegate asks for its seven roles in one call; answering them together makes
        # one Python call per painted cell instead of seven (measured 10-15 % less time per cell).
        built = None
        if index.isValid() and index.row() < len(self._ids):
            built = self._row(index.row())
        column = index.column()
        # PySide's span is a sequence at run time; its type stub does not say so.
        entries = [roleDataSpan] if isinstance(roleDataSpan, QModelRoleData) else roleDataSpan
        for role_data in entries:  # type: ignore[union-attr]
            handler = None if built is None else self._role_handlers.get(role_data.role())
            if handler is None or built is None:
                role_data.clearData()
                continue
            value = handler(built, column)
            if value is None:
                role_data.clearData()
            else:
                role_data.setData(value)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < COLUMN_COUNT:
            return None
        return self._presenter.header_data(section, role)

    def retranslate(self) -> None:
        """The language changed: headers, cell texts and dates are built again in the new one."""
        self._presenter = RowPresenter(self._tag_look)
        self._tag_look.reload(self._tag_look.tags)  # tooltips name the default tags in the new language
        self._role_handlers = self._presenter.role_handlers
        self._cache.clear()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, COLUMN_COUNT - 1)
        if self.rowCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, COLUMN_COUNT - 1))

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return _ITEM_FLAGS

    # -- internals ----------------------------------------------------------------------------

    def _query_ids(self) -> list[int]:
        return self._store.message_ids(
            self._account_id, self._folder, sort=SORT_COLUMNS[self._sort_column],
            descending=self._sort_order == Qt.SortOrder.DescendingOrder, text=self._search, quick=self._quick)

    def _set_ids(self, ids: list[int]) -> None:
        self._ids = ids
        self._present = set(ids)
        self._row_by_id = None

    def _rows_by_id(self) -> dict[int, int]:
        if self._row_by_id is None:
            self._row_by_id = {message_id: row for row, message_id in enumerate(self._ids)}
        return self._row_by_id

    def _row(self, row: int) -> Row | None:
        """The built row ``row`` (a valid row number), reading its page on a cache miss."""
        message_id = self._ids[row]
        built = self._cache.get(message_id)
        if built is not None:
            self._cache.move_to_end(message_id)
            return built
        if message_id in self._missing:
            return None
        self._load_page(row)
        return self._cache.get(message_id)

    def _load_page(self, row: int) -> None:
        """Read the page holding ``row`` (only its rows not already cached) in one query."""
        start = row - row % PAGE_SIZE
        wanted = [other for other in self._ids[start:start + PAGE_SIZE] if other not in self._cache]
        found = self._store.summaries(wanted)
        tags = self._store.tags_of(wanted)
        for other in wanted:
            summary = found.get(other)
            if summary is None:
                self._missing.add(other)
            else:
                self._remember(summary, tags.get(other, ()))

    def _remember(self, summary: MessageSummary, tags: Sequence[int] = ()) -> Row:
        built = self._build(summary, tuple(tags))
        self._cache[summary.id] = built
        self._cache.move_to_end(summary.id)
        while len(self._cache) > CACHE_ROWS:
            self._cache.popitem(last=False)
        return built

    def _build(self, summary: MessageSummary, tags: tuple[int, ...] = ()) -> Row:
        # The unified inbox mixes accounts: its tooltips say whose mail it is.
        return self._presenter.build(summary, name_account=self._account_id is None, tags=tags)

    def _probe_key(self, message_id: int, column: SortColumn) -> tuple[Any, int]:
        """The sort key of a shown message, read alone if it is not cached (a binary search step)."""
        built = self._cache.get(message_id)
        if built is None:
            found = self._store.summaries([message_id]).get(message_id)
            if found is None:
                raise LookupError(message_id)
            built = self._remember(found, self._store.tags_of([message_id]).get(message_id, ()))
        return sort_key(built.summary, column)

    def _insertion_row(self, key: tuple[Any, int], column: SortColumn, descending: bool) -> int:
        """Where a row with ``key`` goes: a binary search over the shown rows, about 17 probes for 100,000."""
        def comes_before(message_id: int) -> bool:
            probe = self._probe_key(message_id, column)
            return probe > key if descending else probe < key

        if not self._ids or not comes_before(self._ids[0]):
            return 0  # the usual case for new mail in a newest-first list: one probe, already cached
        if comes_before(self._ids[-1]):
            return len(self._ids)
        low, high = 1, len(self._ids) - 1
        while low < high:
            middle = (low + high) // 2
            if comes_before(self._ids[middle]):
                low = middle + 1
            else:
                high = middle
        return low

    def _apply_ids(self, new_ids: list[int]) -> None:
        """Move from the shown ids to ``new_ids`` with remove and insert signals, not a reset."""
        if new_ids == self._ids:
            return
        new_set = set(new_ids)
        survivors_old = [message_id for message_id in self._ids if message_id in new_set]
        survivors_new = [message_id for message_id in new_ids if message_id in self._present]
        if survivors_old != survivors_new:
            # The order of existing rows changed (sort keys never change once stored, so this
            # means something unusual, such as a restored backup): start over.
            self.beginResetModel()
            self._set_ids(new_ids)
            self.endResetModel()
            return
        removed = [row for row, message_id in enumerate(self._ids) if message_id not in new_set]
        for first, last in reversed(_runs(removed)):
            self.beginRemoveRows(QModelIndex(), first, last)
            self._present.difference_update(self._ids[first:last + 1])
            del self._ids[first:last + 1]
            self._row_by_id = None
            self.endRemoveRows()
        added = [row for row, message_id in enumerate(new_ids) if message_id not in self._present]
        for first, last in _runs(added):  # top down: each run's final row is valid once those above are in
            self.beginInsertRows(QModelIndex(), first, last)
            block = new_ids[first:last + 1]
            self._ids[first:first] = block
            self._present.update(block)
            self._row_by_id = None
            self.endInsertRows()

    def _account_ids_by_name(self, summaries: Iterable[MessageSummary]) -> dict[str, int]:
        # Summaries name their account; the filter is by id. Account names are unique.
        names = {summary.account for summary in summaries}
        if self._account_ids is None or not names <= self._account_ids.keys():
            self._account_ids = {account.name: account.id for account in self._store.accounts()
                                 if account.id is not None}
        return self._account_ids

    def _update_flag(self, rows: Iterable[int], value: bool, write: Callable[[Sequence[int], bool], None],
                     change: Callable[[MessageSummary], MessageSummary]) -> None:
        valid_rows = sorted({row for row in rows if 0 <= row < len(self._ids)})
        if not valid_rows:
            return
        ids = [self._ids[row] for row in valid_rows]
        write(ids, value)  # the store first: if it fails, the list must not pretend otherwise
        for message_id in ids:
            built = self._cache.get(message_id)
            if built is not None:
                self._cache[message_id] = self._build(change(built.summary), built.tags)
        for first, last in _runs(valid_rows):
            self.dataChanged.emit(self.index(first, 0), self.index(last, COLUMN_COUNT - 1))

