"""Opening stored messages in windows of their own: Enter or a double-click in the message list.

The window is app/ui/widgets/message_window.py (the same viewer as the preview pane, sized to the
screen); this keeps the open windows referenced until they close. A message opened this way has
been asked for: it counts as read once its window shows it, when the Preferences mark shown
messages read (without their delay).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QObject, QSettings, Slot
from PySide6.QtWidgets import QWidget

from app.core.model import Folder
from app.ui.dialogs.preferences import Preferences
from app.ui.models.message_rows import Column
from app.ui.panes.message_list import MessageList
from app.ui.widgets.message_window import MessageWindow

#: Enter on a selection of more than this many messages opens none (a Ctrl+A is not a request
#: for a thousand windows).
MAX_WINDOWS_AT_ONCE = 10


class MessageOpener(QObject):
    """Opens the messages of the list in windows; one instance per main window."""

    def __init__(self, message_list: MessageList, database_path: object, settings: QSettings,
                 preferences: Callable[[], Preferences], mark_read: Callable[[int], None], parent: QWidget) -> None:
        super().__init__(parent)
        self.mark_read = mark_read
        self.message_list = message_list
        self.database_path = database_path
        self.settings = settings
        self.preferences = preferences
        self.window = parent
        self.windows: list[MessageWindow] = []
        #: Opens a draft to go on writing it (app/ui/compose); a draft is not read in a viewer.
        self.open_draft: Callable[[int], None] | None = None
        message_list.doubleClicked.connect(self._double_clicked)

    def open_selected(self) -> list[MessageWindow]:
        """Open each selected message (none when more than MAX_WINDOWS_AT_ONCE are selected)."""
        rows = self.message_list.selected_rows()
        if len(rows) > MAX_WINDOWS_AT_ONCE:
            return []
        return [window for window in (self.open_row(row) for row in rows) if window is not None]

    def open_row(self, row: int) -> MessageWindow | None:
        try:
            summary = self.message_list.inbox_model.summary(row)
        except KeyError:  # deleted by another connection meanwhile
            return None
        if summary.folder == Folder.DRAFTS.value and self.open_draft is not None:
            self.open_draft(summary.id)
            return None
        window = MessageWindow(None, summary.subject, self.window, settings=self.settings,
                               remote_content=self.preferences().remote_content,
                               database_path=self.database_path, summary=summary)
        self.windows.append(window)
        window.preview.shown.connect(self._shown)
        window.destroyed.connect(lambda _object=None, window=window: self._forget(window))
        window.show()
        return window

    @Slot(int)
    def _shown(self, message_id: int) -> None:
        if self.preferences().mark_read_when_shown:
            self.mark_read(message_id)

    def _forget(self, window: MessageWindow) -> None:
        if window in self.windows:
            self.windows.remove(window)

    @Slot(QModelIndex)
    def _double_clicked(self, index: QModelIndex) -> None:
        # A click on the star flags (MessageList._clicked); a double click there is two flag clicks.
        if index.isValid() and index.column() != Column.FLAG:
            self.open_row(index.row())

    def close_all(self) -> None:
        for window in list(self.windows):
            window.close()


__all__ = ["MAX_WINDOWS_AT_ONCE", "MessageOpener"]
