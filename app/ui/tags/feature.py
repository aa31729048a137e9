"""Tags and the quick filter bar, wired into the main window by one line (``TagFeature(window)``).

- The Tag menu (in the Message menu and the list's context menu): one checkable entry per tag,
  its number key beside it, "Remove All Tags" (0) and "Manage Tags…"; built when it opens, so it
  shows the selection's tags and the current language.
- Number keys on the message list: 1-9 toggle the tag at that place, 0 takes every tag off. Read
  by an event filter on the list, not by shortcuts, so typing digits in the search box or a dialog
  never tags anything.
- The quick filter bar above the list (View > Quick Filter, Ctrl+Shift+K): its choices go to the
  list model, which filters in SQL; closing the bar switches them off, so nothing is hidden unseen.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, QObject, QSize, Qt, Slot
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import QMainWindow, QMenu, QSplitter, QVBoxLayout, QWidget

from app.core.store import Store
from app.core.store.quick_filter import QuickFilter
from app.ui.actions import SOURCE_TEXT, WindowActions
from app.ui.operations.runner import OperationRunner
from app.ui.panes.message_list import MessageList
from app.ui.store_events import StoreEvents
from app.ui.tags.filter_bar import QuickFilterBar
from app.ui.tags.look import DOT_SPACE, MAX_DOTS, display_name, dot_icon
from app.ui.tags.manager import TagManager
from app.ui.tags.operations import clear_tags, toggle_tag

#: Selections up to this size show their tags as checks in the Tag menu (one query); larger ones
#: show none checked, and choosing a tag still toggles it for all of them.
MENU_STATE_ROWS = 1000
_DIGITS = {getattr(Qt.Key, f"Key_{number}"): number for number in range(10)}


class TagHost(Protocol):
    """What the feature needs of the main window."""

    store: Store
    events: StoreEvents
    operations: OperationRunner
    message_view: MessageList
    window_actions: WindowActions
    right_splitter: QSplitter


def _menu_titled(window: QMainWindow, source: str) -> QMenu | None:
    """A menu of the menu bar by its untranslated title (actions.py keeps it as SOURCE_TEXT)."""
    for action in window.menuBar().actions():
        menu = action.menu()
        if isinstance(menu, QMenu) and menu.property(SOURCE_TEXT) == source:
            return menu
    return None


class TagFeature(QObject):
    """The Tag menu, the number keys, the tag manager and the quick filter bar of one window."""

    def __init__(self, window: QMainWindow, host: TagHost) -> None:
        super().__init__(window)
        self.window = window
        self.host = host
        self.store = host.store
        self.list = host.message_view
        self.model = self.list.inbox_model
        self._build_menu()
        self._build_filter_bar()
        # Room for a row's tag dots side by side: Qt would shrink them into 16x16 otherwise (the
        # attachment icon keeps its 16 pixels).
        self.list.setIconSize(QSize(MAX_DOTS * DOT_SPACE, 16))
        self.list.installEventFilter(self)

    # -- the Tag menu ---------------------------------------------------------------------------

    def _build_menu(self) -> None:
        self.menu = QMenu(self.window)
        self.menu.setObjectName("tagMenu")
        self.menu.setProperty(SOURCE_TEXT, QT_TRANSLATE_NOOP("MainWindow", "&Tag"))
        self.menu.setTitle(QCoreApplication.translate("MainWindow", "&Tag"))
        self.menu.aboutToShow.connect(self.fill_menu)
        self.fill_menu()  # so it has entries (and a keyboard path) before it first opens
        parent = _menu_titled(self.window, "&Message") or _menu_titled(self.window, "&Edit")
        if parent is not None:
            parent.addSeparator()
            parent.addMenu(self.menu)
        separator = QAction(self.list)
        separator.setSeparator(True)
        self.list.addAction(separator)
        self.list.addAction(self.menu.menuAction())  # the list's context menu shows its actions

    @Slot()
    def fill_menu(self) -> None:
        self.menu.clear()
        ids = self.list.selected_ids()
        carried: dict[int, list[int]] = self.store.tags_of(ids) if 0 < len(ids) <= MENU_STATE_ROWS else {}
        for number, tag in enumerate(self.store.tags(), start=1):
            key = f"\t{number}" if number <= 9 else ""
            action = self.menu.addAction(dot_icon([tag.colour]), display_name(tag) + key)
            action.setObjectName(f"tagAction{tag.id}")
            action.setCheckable(True)
            action.setChecked(bool(carried) and all(tag.id in carried.get(message_id, ()) for message_id in ids))
            action.setEnabled(bool(ids))
            action.triggered.connect(lambda checked=False, tag_id=tag.id: self.toggle(tag_id))
        self.menu.addSeparator()
        remove = self.menu.addAction(self.tr("Remove All Tags") + "\t0")
        remove.setObjectName("removeAllTagsAction")
        remove.setEnabled(bool(ids))
        remove.triggered.connect(self.clear_selected)
        manage = self.menu.addAction(self.tr("Manage Tags…"))
        manage.setObjectName("manageTagsAction")
        manage.triggered.connect(self.manage)

    def toggle(self, tag_id: int) -> None:
        toggle_tag(self.host.operations, self.list.selected_ids(), tag_id)

    def toggle_position(self, number: int) -> None:
        """The number key ``number`` (1-9): the tag at that place in the order, if there is one."""
        tags = self.store.tags()
        if 1 <= number <= len(tags):
            self.toggle(tags[number - 1].id)

    @Slot()
    def clear_selected(self) -> None:
        clear_tags(self.host.operations, self.list.selected_ids())

    @Slot()
    def manage(self) -> None:
        dialog = TagManager(self.store, self.window)
        dialog.tags_changed.connect(self.tags_changed)
        dialog.exec()

    @Slot()
    def tags_changed(self) -> None:
        tags = self.store.tags()
        self.model.set_tags(tags)
        self.bar.set_tags(tags)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.list and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            number = _DIGITS.get(Qt.Key(event.key()))
            extra = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            if number is not None and extra == Qt.KeyboardModifier.NoModifier and self.list.selected_ids():
                if number == 0:
                    self.clear_selected()
                else:
                    self.toggle_position(number)
                return True
        return super().eventFilter(watched, event)

    # -- the quick filter bar -------------------------------------------------------------------

    def _build_filter_bar(self) -> None:
        splitter = self.host.right_splitter
        index = splitter.indexOf(self.list)
        holder = QWidget()
        holder.setObjectName("messageListHolder")
        layout = QVBoxLayout(holder)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.bar = QuickFilterBar(holder)
        self.bar.set_tags(self.store.tags())
        self.bar.hide()
        layout.addWidget(self.bar)
        # The holder takes the list's place; moving the list into it takes it out of the splitter
        # (replaceWidget would orphan the list, and Python would then delete it).
        splitter.insertWidget(index, holder)
        layout.addWidget(self.list, 1)
        self.bar.changed.connect(self._filter_changed)
        self.bar.close_requested.connect(lambda: self.show_bar(False))
        for signal in (self.model.modelReset, self.model.rowsInserted, self.model.rowsRemoved):
            signal.connect(self._update_count)
        self.bar_action = QAction(self.window)
        self.bar_action.setObjectName("quickFilterAction")
        self.bar_action.setProperty(SOURCE_TEXT, QT_TRANSLATE_NOOP("MainWindow", "Quick Filter"))
        self.bar_action.setText(QCoreApplication.translate("MainWindow", "Quick Filter"))
        self.bar_action.setShortcut("Ctrl+Shift+K")  # Thunderbird's
        self.bar_action.setCheckable(True)
        self.bar_action.toggled.connect(self.show_bar)
        self.window.addAction(self.bar_action)
        view = _menu_titled(self.window, "&View")
        if view is not None:
            view.addAction(self.bar_action)

    @Slot(bool)
    def show_bar(self, shown: bool) -> None:
        self.bar_action.setChecked(shown)
        self.bar.setVisible(shown)
        if shown:
            self.bar.unread.setFocus()
        else:
            self.bar.clear()

    @Slot(object)
    def _filter_changed(self, quick: QuickFilter) -> None:
        self.list.contents_replaced.emit()
        self.model.set_quick_filter(quick)
        self._update_count()

    @Slot()
    def _update_count(self) -> None:
        self.bar.show_count(self.model.rowCount())

    def shut_down(self) -> None:
        """The window is closing: wait for a filtered query still running."""
        self.model.shut_down()
