"""The reader pane's wiring: what the preview shows, "mark as read after N seconds", the text
encoding and plain-text choices, the source window, attached messages, and reading on with Space.

The preview widget itself is app/ui/widgets/preview.py; this module connects it to the message
list, the View menu and the store's events.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QSettings, QTimer, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from app.core.model import MessageSummary
from app.ui.actions import WindowActions
from app.ui.dialogs.preferences import Preferences
from app.ui.operations import flags
from app.ui.operations.runner import OperationRunner
from app.ui.panes.message_list import MessageList
from app.ui.store_events import Change, MessageChange, StoreEvents
from app.ui.widgets.preview import PreviewPane


class Reader(QObject):
    """Keeps the preview in step with the selection and marks what the user has read."""

    def __init__(self, preview: PreviewPane, message_list: MessageList, actions: WindowActions,
                 runner: OperationRunner, events: StoreEvents, settings: QSettings,
                 preferences: Callable[[], Preferences], parent: QWidget) -> None:
        super().__init__(parent)
        self.preview = preview
        self.message_list = message_list
        self.actions = actions
        self.runner = runner
        self.settings = settings
        self.preferences = preferences
        self.window = parent
        self.attached_windows: list[QWidget] = []
        self.source_window: QWidget | None = None
        # "Mark as read after N seconds": one pending message at a time, dropped when the user
        # moves on, so skimming through the list leaves the skipped messages unread.
        self.mark_read_timer = QTimer(self)
        self.mark_read_timer.setObjectName("markReadTimer")
        self.mark_read_timer.setSingleShot(True)
        self.mark_read_timer.timeout.connect(self._mark_pending_read)
        self._pending_read_id: int | None = None

        preview.set_prefer_plain_text(actions.plain_text.isChecked())
        preview.shown.connect(self._message_shown)
        preview.open_message.connect(self._open_attached_message)
        message_list.message_selected.connect(self._selected)
        message_list.contents_replaced.connect(self._contents_replaced)
        message_list.read_on_requested.connect(self.read_on)
        actions.view_source.triggered.connect(lambda checked=False: self._view_source())
        actions.plain_text.triggered.connect(lambda checked=False: self._body_format_changed())
        actions.encoding_group.triggered.connect(self._encoding_chosen)
        events.messages_changed.connect(self._messages_changed)

    @Slot(object)
    def _selected(self, summary: MessageSummary | None) -> None:
        self.cancel_pending_read()
        self.actions.reset_encoding()  # an encoding chosen for one message is not a guess for the next
        if summary is not None:
            self.preview.search_text = self.message_list.inbox_model.search  # its words are marked
            self.preview.show_message(summary)
        else:
            self.preview.clear()

    @Slot()
    def _contents_replaced(self) -> None:
        self.cancel_pending_read()
        self.preview.clear()

    @Slot(object)
    def _messages_changed(self, change: MessageChange) -> None:
        # The user has decided (Mark as Unread, Delete): a pending "mark read when shown" must
        # not undo it, and a message that left the list leaves the reader too.
        if change.touches(self._pending_read_id):
            self.cancel_pending_read()
        if change.kind in (Change.MOVED, Change.DELETED) and change.touches(self.preview.message_id):
            self.preview.clear()

    @Slot(int)
    def _message_shown(self, message_id: int) -> None:
        preferences = self.preferences()
        if not preferences.mark_read_when_shown:
            return
        delay = preferences.mark_read_delay_seconds
        if delay <= 0:
            self._mark_read(message_id)
            return
        self._pending_read_id = message_id
        self.mark_read_timer.start(delay * 1000)

    def cancel_pending_read(self) -> None:
        self.mark_read_timer.stop()
        self._pending_read_id = None

    @Slot()
    def _mark_pending_read(self) -> None:
        message_id, self._pending_read_id = self._pending_read_id, None
        # Still the message on screen: a folder change or search clears the preview first.
        if message_id is not None and self.preview.message_id == message_id:
            self._mark_read(message_id)

    def _mark_read(self, message_id: int) -> None:
        model = self.message_list.inbox_model
        row = model.row_of(message_id)
        if row is not None and not model.summary(row).seen:
            flags.mark_seen(self.runner, [message_id], True)

    @Slot()
    def read_on(self) -> None:
        """Space: the next page of the message, then the next message."""
        if not self.preview.scroll_page():
            self.message_list.read_on()

    def _view_source(self) -> None:
        self.source_window = self.preview.view_source()

    def _body_format_changed(self) -> None:
        plain = self.actions.plain_text.isChecked()
        self.settings.setValue("view/plainText", plain)
        self.preview.set_prefer_plain_text(plain)

    @Slot(QAction)
    def _encoding_chosen(self, action: QAction) -> None:
        label = action.data()
        self.preview.set_charset_override(str(label) if label else None)

    @Slot(bytes, str)
    def _open_attached_message(self, raw: bytes, title: str) -> None:
        from app.ui.widgets.message_window import MessageWindow

        window = MessageWindow(raw, title, self.window, settings=self.settings,
                               remote_content=self.preferences().remote_content)
        window.show()
        self.attached_windows.append(window)
