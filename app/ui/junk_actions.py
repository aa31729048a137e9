"""The junk filter's part of the main window: "Junk" (J) and "Not Junk" (Shift+J) in the Edit
menu, on the toolbar and in the message list's context menu, and the junk settings page of
Preferences.

Junk trains the filter with the selected messages and moves them to their account's Junk folder;
Not Junk trains them as good mail and moves those in Junk back to the Inbox (a message trained
the other way before is untrained first). The main window only creates this; everything else is
wired here.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QObject
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QToolBar, QWidget

from app.core.junk.filter import TrainingOutcome
from app.core.providers import resources_directory
from app.core.store import Store
from app.ui.actions import SOURCE_TEXT, WindowActions
from app.ui.dialogs.junk_settings import JunkSettingsPage
from app.ui.operations.junk import mark_junk
from app.ui.operations.runner import OperationRunner
from app.ui.panes.message_list import MessageList

#: Thunderbird's keys: J marks junk, Shift+J not junk.
JUNK_SHORTCUT = "J"
NOT_JUNK_SHORTCUT = "Shift+J"
_JUNK_TEXT = QT_TRANSLATE_NOOP("MainWindow", "Junk")
_NOT_JUNK_TEXT = QT_TRANSLATE_NOOP("MainWindow", "Not Junk")


def outcome_text(outcome: TrainingOutcome, junk: bool) -> str:
    """The status line after Junk or Not Junk: what was learnt and where the mail went."""
    if junk:
        if outcome.moved == 1:
            return QCoreApplication.translate("JunkActions",
                                              "Marked as junk and moved to Junk. Not Junk (Shift+J) takes it back.")
        if outcome.moved:
            return QCoreApplication.translate(
                "JunkActions", "{0} messages marked as junk and moved to Junk. Not Junk (Shift+J) takes them back."
            ).format(outcome.moved)
        return QCoreApplication.translate("JunkActions", "Marked as junk: the filter learns from it.")
    if outcome.moved == 1:
        return QCoreApplication.translate("JunkActions", "Marked as not junk and moved back to the Inbox.")
    if outcome.moved:
        return QCoreApplication.translate(
            "JunkActions", "{0} messages marked as not junk and moved back to the Inbox.").format(outcome.moved)
    return QCoreApplication.translate("JunkActions", "Marked as not junk: the filter learns from it.")


class JunkActions(QObject):
    """Owns the Junk and Not Junk actions and the settings page; wires them into the window."""

    def __init__(self, window: QMainWindow, store: Store, actions: WindowActions, message_list: MessageList,
                 runner: OperationRunner, show_status: Callable[[str], None]) -> None:
        super().__init__(window)
        self.window = window
        self.store = store
        self.message_list = message_list
        self.runner = runner
        self.show_status = show_status
        icons = resources_directory() / "icons"
        self.junk = self._action("junkAction", _JUNK_TEXT, JUNK_SHORTCUT, QIcon(str(icons / "junk.svg")))
        self.not_junk = self._action("notJunkAction", _NOT_JUNK_TEXT, NOT_JUNK_SHORTCUT,
                                     QIcon(str(icons / "not-junk.svg")))
        self.junk.triggered.connect(lambda checked=False: self.mark_selected(True))
        self.not_junk.triggered.connect(lambda checked=False: self.mark_selected(False))
        self._place(actions)

    def _action(self, name: str, source: object, shortcut: str, icon: QIcon) -> QAction:
        action = QAction(self.window)
        action.setObjectName(name)
        action.setProperty(SOURCE_TEXT, str(source))  # WindowActions.retranslate() renews the text
        action.setText(QCoreApplication.translate("MainWindow", str(source)))
        action.setShortcut(QKeySequence(shortcut))
        action.setIcon(icon)
        return action

    def _place(self, actions: WindowActions) -> None:
        """In the Edit menu before Search, on the toolbar and in the list's context menu after Flag."""
        edit_menu = next((menu for menu in self.window.findChildren(QMenu)
                          if menu.property(SOURCE_TEXT) == "&Edit"), None)
        if edit_menu is not None:
            edit_menu.insertActions(actions.search, [self.junk, self.not_junk])
            edit_menu.insertSeparator(actions.search)
        toolbar = self.window.findChild(QToolBar, "mainToolbar")
        if isinstance(toolbar, QToolBar):
            _insert_after(toolbar, actions.flag, [self.junk, self.not_junk])
        _insert_after(self.message_list, actions.flag, [self.junk, self.not_junk])

    def mark_selected(self, junk: bool) -> None:
        self.mark(self.message_list.selected_ids(), junk)

    def mark(self, ids: list[int], junk: bool) -> None:
        """Train ``ids`` and move them (see the module's docstring); the status line says what happened."""
        if ids:
            mark_junk(self.runner, ids, junk, done=lambda outcome: self.show_status(outcome_text(outcome, junk)))

    def settings_page(self, parent: QWidget) -> JunkSettingsPage:
        """The Junk Mail page of Preferences, on the window's store."""
        return JunkSettingsPage(self.store, parent)


def _insert_after(widget: QWidget, anchor: QAction, new: list[QAction]) -> None:
    present = widget.actions()
    if anchor not in present:
        widget.addActions(new)
        return
    position = present.index(anchor) + 1
    if position < len(present):
        widget.insertActions(present[position], new)
    else:
        widget.addActions(new)


__all__ = ["JunkActions", "outcome_text"]
