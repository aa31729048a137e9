"""One announcement of every change to the mail, so that each pane refreshes itself.

Operations (``app/ui/operations/``) and the fetch announce what they changed here; the message
list, the folder counts, the tray, the status bar and the reader listen and bring themselves up
to date. No action handler refreshes widgets by hand (the "operations announce, screens listen"
habit of the style guide). Everything here lives on the GUI thread: announce from a GUI-thread
slot, never from a worker.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal

#: While a fetch streams new mail in, the counts are re-read at most this often (ms).
STREAM_COUNTS_MS = 500


class Change(enum.Enum):
    """What happened to the messages of a :class:`MessageChange`."""

    ADDED = "added"  # stored: fetched or imported
    UPDATED = "updated"  # seen or flagged changed; the messages stay where they are
    MOVED = "moved"  # to another folder (Trash, Junk, a user folder, or back to the Inbox)
    DELETED = "deleted"  # gone from the store for good


@dataclass(frozen=True)
class MessageChange:
    """Which messages changed and how.

    ``ids`` is None when the operation does not know them one by one (Empty Trash): listeners
    then re-read what they show. ``folder`` is where ADDED or MOVED messages are now.
    """

    kind: Change
    ids: tuple[int, ...] | None
    folder: str | None = None  # a folder key: a Folder member, or "user:<id>"

    def touches(self, message_id: int | None) -> bool:
        """Whether this change may concern ``message_id``."""
        return message_id is not None and (self.ids is None or message_id in self.ids)


class StoreEvents(QObject):
    """The one place that says the store changed. Owned by the main window, passed to the parts."""

    #: A :class:`MessageChange`, emitted at once.
    messages_changed = Signal(object)
    #: Unread counts and pending server deletions may differ now: at once after a user's action,
    #: at most every STREAM_COUNTS_MS while a fetch streams mail in, and when it ends (``settle``).
    counts_changed = Signal()
    #: Accounts were added, edited or deleted (and with them the folder tree).
    accounts_changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._counts_timer = QTimer(self)
        self._counts_timer.setObjectName("countsTimer")
        self._counts_timer.setSingleShot(True)
        self._counts_timer.setInterval(STREAM_COUNTS_MS)
        self._counts_timer.timeout.connect(self.counts_changed)
        #: Set by stop(): a background job that ends after the window has shut down (its result
        #: queued on the GUI thread) must not make the listeners read the closed store.
        self._stopped = False

    def announce(self, change: MessageChange, *, streaming: bool = False) -> None:
        """Tell every listener about ``change``. ``streaming``: more changes follow soon (a fetch
        in progress), so the counts wait a little and are read once for the whole burst."""
        if self._stopped:
            return
        self.messages_changed.emit(change)
        if streaming:
            if not self._counts_timer.isActive():
                self._counts_timer.start()
        else:
            self.settle()

    def settle(self) -> None:
        """The counts may differ now (a burst ended, or the store changed under the list)."""
        self._counts_timer.stop()
        if not self._stopped:
            self.counts_changed.emit()

    def announce_accounts(self) -> None:
        if not self._stopped:
            self.accounts_changed.emit()

    def stop(self) -> None:
        """At shutdown: nothing more to say, whoever announces a change afterwards."""
        self._stopped = True
        self._counts_timer.stop()


__all__ = ["Change", "MessageChange", "StoreEvents"]
