"""The remote mailbox window's table (issue 18): one row per message on the server, with the user's mark.

Marks are kept by UIDL, never by row or message number (numbers belong to one session), so a
re-sorted, filtered or re-listed table keeps them on the right messages. A message without a UIDL
of its own cannot be marked: a later session could not name it safely.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt

from app.core.remote.execute import Mark, MarkAction
from app.core.remote.listing import RemoteMessage
from app.core.store.uid_state import UidState
from app.ui.formatting import format_timestamp, human_size

Index = QModelIndex | QPersistentModelIndex


class Column(enum.IntEnum):
    MARK = 0
    SENDER = 1
    SUBJECT = 2
    DATE = 3
    SIZE = 4
    HERE = 5


class RemoteModel(QAbstractTableModel):
    """The listing of one session and the marks made on it."""

    def __init__(self, max_message_bytes: int | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self.messages: list[RemoteMessage] = []
        self._search_keys: list[str] = []
        self._sort_column = Column.DATE
        self._descending = True
        self.marks: dict[str, MarkAction] = {}
        #: The account's size cap: new messages above it are left on the server by every fetch.
        self.max_message_bytes = max_message_bytes

    # -- contents -----------------------------------------------------------------------------

    def set_messages(self, messages: Sequence[RemoteMessage]) -> None:
        """A new listing, in the current sort order; marks on UIDLs still listed stay, the others go."""
        self.beginResetModel()
        self.messages = sorted(messages, key=self._key(self._sort_column), reverse=self._descending)
        self._search_keys = [f"{message.sender}\n{message.subject}".casefold() for message in self.messages]
        listed = {message.uidl for message in self.messages if message.markable}
        self.marks = {uidl: action for uidl, action in self.marks.items() if uidl in listed}
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the listing itself: a key per message and Python's sort, not a Qt comparison per pair
        (5,000 rows sorted through data() took half a second of the GUI thread)."""
        self._sort_column, self._descending = Column(column), order is Qt.SortOrder.DescendingOrder
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        numbers = [self.messages[index.row()].number for index in old]
        order_of = self._key(self._sort_column)
        self.messages.sort(key=order_of, reverse=self._descending)
        self._search_keys = [f"{message.sender}\n{message.subject}".casefold() for message in self.messages]
        rows = {message.number: row for row, message in enumerate(self.messages)}
        self.changePersistentIndexList(old, [self.index(rows[number], index.column())
                                             for number, index in zip(numbers, old, strict=True)])
        self.layoutChanged.emit()

    def matches(self, row: int, needle: str) -> bool:
        """Whether ``needle`` (case-folded) is in the sender or subject of ``row``."""
        return needle in self._search_keys[row]

    def _key(self, column: Column) -> Callable[[RemoteMessage], Any]:
        if column is Column.DATE:
            return lambda message: message.date if message.date is not None else 0.0
        if column is Column.SIZE:
            return lambda message: message.size
        if column is Column.SENDER:
            return lambda message: message.sender.casefold()
        if column is Column.SUBJECT:
            return lambda message: message.subject.casefold()
        if column is Column.MARK:
            return lambda message: self.mark_text(self.marks.get(message.uidl))
        return lambda message: self.state_text(message)

    def set_mark(self, rows: Sequence[int], action: MarkAction) -> int:
        """Mark the messages of ``rows``; returns how many could not be marked (no UIDL of their own)."""
        refused = 0
        for row in rows:
            message = self.messages[row]
            if not message.markable:
                refused += 1
                continue
            if action is MarkAction.LEAVE:
                self.marks.pop(message.uidl, None)
            else:
                self.marks[message.uidl] = action
            self.dataChanged.emit(self.index(row, Column.MARK), self.index(row, Column.MARK))
        return refused

    def marks_to_execute(self) -> list[Mark]:
        """Each mark with the LIST size seen, so a message changed since is refused, not touched."""
        sizes = {message.uidl: message.size for message in self.messages if message.markable}
        return [Mark(uidl, action, sizes.get(uidl)) for uidl, action in self.marks.items()]

    def left_for_size(self) -> list[RemoteMessage]:
        """Messages never downloaded because they are larger than the account's size cap."""
        cap = self.max_message_bytes
        return [message for message in self.messages
                if cap is not None and message.state is None and message.size > cap]

    def retranslate(self) -> None:
        """The language changed: headers, marks and states are shown in the new one."""
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(Column) - 1)
        if self.messages:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.messages) - 1, len(Column) - 1))

    # -- Qt's model interface -----------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.messages)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(Column)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation is not Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return {Column.MARK: self.tr("Mark"), Column.SENDER: self.tr("From"), Column.SUBJECT: self.tr("Subject"),
                Column.DATE: self.tr("Date"), Column.SIZE: self.tr("Size"),
                Column.HERE: self.tr("Downloaded")}[Column(section)]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        message = self.messages[index.row()]
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(message, column)
        if role == Qt.ItemDataRole.ToolTipRole and not message.markable:
            return self.tr("This message cannot be marked: the server gives it no name of its own (UIDL) that "
                           "a later session could find it by.")
        if role == Qt.ItemDataRole.TextAlignmentRole and column is Column.SIZE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _text(self, message: RemoteMessage, column: Column) -> str:
        if column is Column.MARK:
            return self.mark_text(self.marks.get(message.uidl))
        if column is Column.SENDER:
            return message.sender if message.headers_read else self.tr("(not listed by the server)")
        if column is Column.SUBJECT:
            return message.subject if message.headers_read else ""
        if column is Column.DATE:
            return format_timestamp(message.date)
        if column is Column.SIZE:
            return human_size(message.size)
        return self.state_text(message)

    def mark_text(self, action: MarkAction | None) -> str:
        return {None: "", MarkAction.LEAVE: "", MarkAction.DOWNLOAD: self.tr("Download"),
                MarkAction.DOWNLOAD_AND_DELETE: self.tr("Download and delete"),
                MarkAction.DELETE: self.tr("Delete on server")}[action]

    def state_text(self, message: RemoteMessage) -> str:
        state = message.state
        if state in (UidState.STORED, UidState.DELETE_REQUESTED, UidState.DELETED_ON_SERVER):
            return self.tr("Yes")  # downloaded (the last: and deleted, yet the server lists it again)
        if state is UidState.PARTIAL:
            return self.tr("In part")
        if state is not None:
            return self.tr("Deleted here")
        if self.max_message_bytes is not None and message.size > self.max_message_bytes:
            return self.tr("No: too large")
        return ""



class RemoteFilter(QSortFilterProxyModel):
    """The search box over sender and subject; sorting is the source model's own (its order)."""

    def __init__(self, source: RemoteModel, parent: Any = None) -> None:
        super().__init__(parent)
        self.source = source
        self.setSourceModel(source)
        self._needle = ""

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.source.sort(column, order)  # the proxy keeps the source's order (its sortColumn stays -1)

    def set_search(self, text: str) -> None:
        self.beginFilterChange()  # Qt 6.9's way (invalidateRowsFilter is deprecated)
        self._needle = text.strip().casefold()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        return not self._needle or self.source.matches(source_row, self._needle)

    def source_rows(self, rows: Sequence[int]) -> list[int]:
        return [self.mapToSource(self.index(row, 0)).row() for row in rows]
