"""Tools > Filter Rules…: the window's way to the rules dialog, added by the window in one line.

The action's text is marked in the "MainWindow" context and carries the source-text property,
so the window's own retranslation (app/ui/actions.py) switches it with the language.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QObject, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

from app.core.store import Store
from app.ui.actions import SOURCE_TEXT
from app.ui.rules.dialog import RulesDialog
from app.ui.store_events import Change, MessageChange, StoreEvents

_TOOLS = QT_TRANSLATE_NOOP("MainWindow", "&Tools")
_FILTER_RULES = QT_TRANSLATE_NOOP("MainWindow", "Filter Rules…")


def _translated(item: QAction | QMenu, source: object) -> None:
    item.setProperty(SOURCE_TEXT, str(source))
    text = QCoreApplication.translate("MainWindow", str(source))
    if isinstance(item, QMenu):
        item.setTitle(text)
    else:
        item.setText(text)


class RulesMenu(QObject):
    """The Tools menu (before Help) with Filter Rules…; opens one dialog at a time."""

    def __init__(self, window: QMainWindow, store: Store, events: StoreEvents) -> None:
        super().__init__(window)
        self.window = window
        self.store = store
        self.events = events
        self.dialog: RulesDialog | None = None
        bar = window.menuBar()
        self.menu = QMenu(bar)
        self.menu.setObjectName("toolsMenu")
        _translated(self.menu, _TOOLS)
        existing = bar.actions()
        if existing:  # before Help, which stays last
            bar.insertMenu(existing[-1], self.menu)
        else:
            bar.addMenu(self.menu)
        self.action = QAction(window)
        self.action.setObjectName("filterRulesAction")
        self.action.setShortcut(QKeySequence("Ctrl+Shift+T"))  # T for filTer; every menu action has one
        _translated(self.action, _FILTER_RULES)
        self.menu.addAction(self.action)
        self.action.triggered.connect(self.open_dialog)

    @Slot()
    def open_dialog(self) -> RulesDialog:
        if self.dialog is None:
            self.dialog = RulesDialog(self.store, self.window)
            self.dialog.mail_changed.connect(self._mail_changed)
        else:
            self.dialog.reload()
        if self.dialog.isVisible():  # open already, maybe behind the window: bring it forward
            self.dialog.raise_()
            self.dialog.activateWindow()
        else:
            self.dialog.show()
        return self.dialog

    @Slot()
    def _mail_changed(self) -> None:
        self.events.announce(MessageChange(Change.MOVED, None))


__all__ = ["RulesMenu"]
