"""The message list pane: the table over :class:`InboxModel`, its search box, and the rows
following the store through :class:`StoreEvents`."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QByteArray, QCoreApplication, QModelIndex, QSettings, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QKeyEvent, QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QLineEdit, QTableView, QToolBar, QWidget

from app.core.model import MessageSummary
from app.core.store import Store
from app.ui.models.filtered_inbox import FilteredInboxModel
from app.ui.models.message_rows import Column
from app.ui.store_events import Change, MessageChange, StoreEvents

#: The search box waits this long after the last keystroke before it queries (ms).
SEARCH_DEBOUNCE_MS = 150
#: The Flag button shows "checked" for a selection of at most this many messages, all flagged.
FLAG_STATE_ROWS = 1000
#: Column widths before the user changes them (logical pixels); Subject takes the rest.
DEFAULT_WIDTHS = {Column.SEEN: 26, Column.ATTACHMENT: 26, Column.FLAG: 26, Column.SENDER: 220, Column.DATE: 140,
                  Column.SIZE: 70}


def search_box(parent: QWidget) -> QLineEdit:
    """The search box of the list (it sits in the toolbar). Made before the panes, so that it comes
    first in the window's focus chain, as it always has."""
    box = QLineEdit(parent)
    box.setObjectName("searchBox")
    box.setPlaceholderText(QCoreApplication.translate("MainWindow", "Search messages"))
    box.setClearButtonEnabled(True)
    box.setMaximumWidth(280)
    return box


class MessageList(QTableView):
    """The messages of the open folder; the selection is what mailbox actions act on."""

    #: The selection changed: the one selected message's summary, or None (none or several).
    message_selected = Signal(object)
    #: Space pressed: read on (the next page of the message, then the next message).
    read_on_requested = Signal()
    #: A click on the star column of one row: flag or unflag that message (id, flag it).
    flag_clicked = Signal(int, bool)
    #: The list now shows other messages (another folder or search): anything pending is moot.
    contents_replaced = Signal()
    #: Flags of shown messages changed in the store: the Flag button follows the selection.
    selection_state_changed = Signal()
    #: The user began dragging the selected rows (to a folder).
    drag_started = Signal()

    def __init__(self, store: Store, events: StoreEvents, search_box: QLineEdit,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageView")
        self.inbox_model = FilteredInboxModel(store, self)
        self.setModel(self.inbox_model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        # Before enabling sorting, which sorts at once by the indicator (column 0 by default).
        self.horizontalHeader().setSortIndicator(Column.DATE, Qt.SortOrder.DescendingOrder)
        self.setSortingEnabled(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setAlternatingRowColors(True)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.horizontalHeader()
        header.setStretchLastSection(False)
        header.setHighlightSections(False)
        for column in Column:
            if column is Column.SUBJECT:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
            else:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
                header.resizeSection(column, DEFAULT_WIDTHS[column])
        # Rows are dragged onto a folder of the tree (app/ui/folder_actions.py starts the drag).
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self._select_after_removal: int | None = None

        self.search_box = search_box
        # Results follow the typing, one query per pause rather than per keystroke.
        self.search_timer = QTimer(self)
        self.search_timer.setObjectName("searchTimer")
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DEBOUNCE_MS)
        self.search_timer.timeout.connect(lambda: self._search(self.search_box.text()))
        self.search_box.textChanged.connect(lambda text: self.search_timer.start())

        self._build_search_feedback()

        self.selectionModel().selectionChanged.connect(self._selection_changed)
        self.clicked.connect(self._clicked)
        events.messages_changed.connect(self._messages_changed)

    # -- what is shown ----------------------------------------------------------------------

    def show_folder(self, account_id: int | None, folder: str) -> None:
        self.contents_replaced.emit()
        # A user folder holds mail of any account: shown like "All Inboxes", naming the account.
        self.inbox_model.set_folder(None if folder.startswith("user:") else account_id, folder)

    def startDrag(self, supportedActions: Qt.DropAction) -> None:
        self.drag_started.emit()

    @Slot(str)
    def _search(self, text: str) -> None:
        self.search_timer.stop()
        self.contents_replaced.emit()
        self.inbox_model.set_search(text)

    # -- what the search found ----------------------------------------------------------------

    def _build_search_feedback(self) -> None:
        """The number of results beside the search box, and a sentence in the empty list."""
        self.result_count = QLabel(self)
        self.result_count.setObjectName("searchResultCount")
        self.result_count.setContentsMargins(6, 0, 6, 0)
        self.result_count.hide()
        # In the window's toolbar the count goes just before the box; a toolbar shows or hides its
        # widgets through their actions (QWidget.hide() on them does nothing there).
        self._result_count_action: QAction | None = None
        toolbar = self.search_box.parentWidget()
        if isinstance(toolbar, QToolBar):
            for action in toolbar.actions():
                if toolbar.widgetForAction(action) is self.search_box:
                    self._result_count_action = toolbar.insertWidget(action, self.result_count)
                    self._result_count_action.setVisible(False)
        self.empty_state = QLabel(self.viewport())
        self.empty_state.setObjectName("searchEmptyState")
        self.empty_state.setTextFormat(Qt.TextFormat.PlainText)
        self.empty_state.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_state.setWordWrap(True)
        self.empty_state.setEnabled(False)  # drawn greyed, as a placeholder
        self.empty_state.hide()
        for signal in (self.inbox_model.modelReset, self.inbox_model.rowsInserted, self.inbox_model.rowsRemoved,
                       self.inbox_model.layoutChanged):
            signal.connect(self.update_search_feedback)

    @Slot()
    def update_search_feedback(self) -> None:
        text = self.inbox_model.search.strip()
        count = self.inbox_model.rowCount()
        self.result_count.setText(self.tr("1 message") if count == 1 else self.tr("{0} messages").format(count))
        if self._result_count_action is not None:
            self._result_count_action.setVisible(bool(text))
        else:
            self.result_count.setVisible(bool(text))
        self.empty_state.setText(self.tr("No messages in this folder match “{0}”. Check the spelling, or search "
                                         "another folder.").format(text))
        self.empty_state.setVisible(bool(text) and count == 0)
        self._place_empty_state()

    def _place_empty_state(self) -> None:
        area = self.viewport().rect().adjusted(24, 24, -24, -24)
        self.empty_state.setGeometry(area.x(), area.y(), area.width(),
                                     max(self.empty_state.heightForWidth(area.width()), self.fontMetrics().height()))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_empty_state()

    def focus_search(self) -> None:
        self.search_box.setFocus()
        self.search_box.selectAll()

    def search_now(self) -> None:
        """Run the search the box holds at once, instead of after the pause (Enter, Down, Esc)."""
        if self.search_timer.isActive() or self.search_box.text() != self.inbox_model.search:
            self._search(self.search_box.text())

    def restore_header(self, settings: QSettings, key: str) -> None:
        header = self.horizontalHeader()
        state = settings.value(key)
        if not (isinstance(state, QByteArray) and header.restoreState(state)):
            header.setSortIndicator(Column.DATE, Qt.SortOrder.DescendingOrder)  # newest first
        self.inbox_model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())

    # -- the selection ------------------------------------------------------------------------

    def selected_rows(self) -> list[int]:
        return sorted({index.row() for index in self.selectionModel().selectedRows()})

    def selected_ids(self) -> list[int]:
        return [self.inbox_model.message_id(row) for row in self.selected_rows()]

    def shown_ids(self) -> list[int]:
        return [self.inbox_model.message_id(row) for row in range(self.inbox_model.rowCount())]

    def all_selected_flagged(self, limit: int | None = None) -> bool:
        """Whether every selected message is flagged (False for none, or more than ``limit``)."""
        rows = self.selected_rows()
        if not rows or (limit is not None and len(rows) > limit):
            return False
        try:
            return all(self.inbox_model.summary(row).flagged for row in rows)
        except KeyError:  # deleted by another connection meanwhile
            return False

    def select_near(self, row: int) -> None:
        """Select ``row``, or the last row when the list got shorter."""
        if self.inbox_model.rowCount():
            self.selectRow(min(row, self.inbox_model.rowCount() - 1))

    def select_after_removal(self, row: int) -> None:
        """Once the selected messages have left the list, select what took their place."""
        self._select_after_removal = row

    def take_off(self, ids: Iterable[int]) -> None:
        """Remove rows at once, before a background operation confirms (it announces later)."""
        self.inbox_model.remove_ids(ids)

    @Slot()
    def _selection_changed(self) -> None:
        rows = self.selected_rows()
        summary: MessageSummary | None = self.inbox_model.summary(rows[0]) if len(rows) == 1 else None
        self.message_selected.emit(summary)

    @Slot(QModelIndex)
    def _clicked(self, index: QModelIndex) -> None:
        # A click on the star toggles it, as in most mail programs; anywhere else just selects.
        if index.isValid() and index.column() == Column.FLAG:
            summary = self.inbox_model.summary(index.row())
            self.flag_clicked.emit(summary.id, not summary.flagged)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Space reads on: the next page of the message, then the next message.
        if event.key() == Qt.Key.Key_Space and not event.modifiers():
            self.read_on_requested.emit()
            return
        super().keyPressEvent(event)

    def read_on(self) -> None:
        """Select the message after the selection (the first when none is selected)."""
        rows = self.selected_rows()
        next_row = (rows[-1] + 1) if rows else 0
        if next_row < self.inbox_model.rowCount():
            self.selectRow(next_row)

    # -- following the store ------------------------------------------------------------------

    @Slot(object)
    def _messages_changed(self, change: MessageChange) -> None:
        model = self.inbox_model
        if change.ids is None:
            model.refresh()
        elif change.kind is Change.UPDATED:
            model.reread(change.ids)
        elif change.kind is Change.ADDED:
            # New mail lands in the Inbox; show it only where it belongs (the model checks the account).
            if change.folder == model.folder:
                model.add_new_messages(change.ids)
        elif change.kind is Change.MOVED and change.folder == model.folder:
            model.add_new_messages(change.ids)
        else:
            model.remove_ids(change.ids)
        if self._select_after_removal is not None and change.kind in (Change.MOVED, Change.DELETED):
            row, self._select_after_removal = self._select_after_removal, None
            self.select_near(row)
        if change.kind is Change.UPDATED:
            self.selection_state_changed.emit()
