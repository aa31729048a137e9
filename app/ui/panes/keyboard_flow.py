"""Moving between the search box and the message list with the keyboard.

- In the search box, Down or Enter runs the search now and moves into the results (the top one
  selected when none is); Esc clears the search (and only then, when the box is empty, does Esc
  cancel a fetch, its window-wide shortcut).
- In the list, the first Down or Up with nothing selected selects the top row (Qt's own move would
  start from the current cell and skip it); Enter opens the selection in windows of their own.

An event filter on both widgets, so the panes themselves keep their own key handling.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QWidget

from app.ui.panes.message_list import MessageList

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
_MOVES = (Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_PageDown, Qt.Key.Key_PageUp)


class KeyboardFlow(QObject):
    def __init__(self, search_box: QLineEdit, message_list: MessageList, open_selected: Callable[[], object],
                 parent: QWidget) -> None:
        super().__init__(parent)
        self.search_box = search_box
        self.message_list = message_list
        self.open_selected = open_selected
        search_box.installEventFilter(self)
        message_list.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not isinstance(event, QKeyEvent) or event.modifiers() not in (
                Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier):
            return False
        if watched is self.search_box:
            return self._search_box_key(event)
        if watched is self.message_list and event.type() == QEvent.Type.KeyPress:
            return self._list_key(event)
        return False

    def _search_box_key(self, event: QKeyEvent) -> bool:
        key = event.key()
        if key == Qt.Key.Key_Escape and self.search_box.text():
            if event.type() == QEvent.Type.ShortcutOverride:
                event.accept()  # this Esc is the box's, not Cancel Fetch's
                return True
            if event.type() == QEvent.Type.KeyPress:
                self.search_box.clear()
                self.message_list.search_now()
                return True
        if event.type() == QEvent.Type.KeyPress and (key == Qt.Key.Key_Down or key in _ENTER):
            self.message_list.search_now()
            self.message_list.setFocus(Qt.FocusReason.OtherFocusReason)
            if not self.message_list.selected_rows():
                self.select_top()
            return True
        return False

    def _list_key(self, event: QKeyEvent) -> bool:
        if event.key() in _ENTER:
            if self.message_list.selected_rows():
                self.open_selected()
            return True
        if event.key() in _MOVES and not self.message_list.selected_rows():
            self.select_top()
            return True
        return False

    def select_top(self) -> None:
        if self.message_list.inbox_model.rowCount():
            self.message_list.selectRow(0)


__all__ = ["KeyboardFlow"]
