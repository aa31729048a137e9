"""Message > Tag > Manage Tags…: create, rename, recolour, delete and order the tags.

The order is the number keys' (the first tag is 1). Each change is written at once and announced
through :attr:`TagManager.tags_changed`, so the list and the filter bar follow while the dialog is
open. The questions (a name, a colour, "delete?") are asked by small methods that tests replace.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QColorDialog,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import StoreError
from app.core.store import Store
from app.core.store.tags import Tag
from app.ui.errors import user_message
from app.ui.tags.look import display_name, dot_icon

#: Colours offered in turn to new tags (Thunderbird's and Foxmail's usual ones, then more).
NEW_TAG_COLOURS = ("#0f7b8a", "#d4a106", "#c2185b", "#5d4037", "#2e7d32", "#1565c0", "#6a1b9a", "#ef6c00")


class TagManager(QDialog):
    """The list of tags in order, with buttons to change it."""

    #: Any tag was created, renamed, recoloured, deleted or moved.
    tags_changed = Signal()

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tagManager")
        self.setWindowTitle(self.tr("Tags"))
        self.store = store
        layout = QVBoxLayout(self)
        explanation = QLabel(self.tr("Keys 1 to 9 tag the selected messages with the first nine tags, in this "
                                     "order; 0 removes every tag."), self)
        explanation.setWordWrap(True)
        layout.addWidget(explanation)
        row = QHBoxLayout()
        self.list = QListWidget(self)
        self.list.setObjectName("tagList")
        self.list.currentRowChanged.connect(self._update_buttons)
        self.list.itemDoubleClicked.connect(lambda item: self.rename_current())
        row.addWidget(self.list, 1)
        buttons = QVBoxLayout()
        self.new_button = self._button("newTagButton", self.tr("New…"), self.create_new)
        self.rename_button = self._button("renameTagButton", self.tr("Rename…"), self.rename_current)
        self.colour_button = self._button("colourTagButton", self.tr("Colour…"), self.recolour_current)
        self.delete_button = self._button("deleteTagButton", self.tr("Delete…"), self.delete_current)
        self.up_button = self._button("moveTagUpButton", self.tr("Move Up"), lambda: self.move_current(-1))
        self.down_button = self._button("moveTagDownButton", self.tr("Move Down"), lambda: self.move_current(1))
        for button in (self.new_button, self.rename_button, self.colour_button, self.delete_button,
                       self.up_button, self.down_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        row.addLayout(buttons)
        layout.addLayout(row)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        self.reload()

    def _button(self, name: str, text: str, slot: object) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.clicked.connect(lambda checked=False: slot())  # type: ignore[operator]
        return button

    # -- the list -------------------------------------------------------------------------------

    def reload(self, select: int | None = None) -> None:
        current = self.current_tag()
        wanted = select if select is not None else (current.id if current else None)
        self.tags = self.store.tags()
        self.list.clear()
        for number, tag in enumerate(self.tags, start=1):
            key = f"{number}  " if number <= 9 else "    "
            item = QListWidgetItem(dot_icon([tag.colour]), key + display_name(tag))
            item.setData(Qt.ItemDataRole.UserRole, tag.id)
            self.list.addItem(item)
            if tag.id == wanted:
                self.list.setCurrentItem(item)
        if self.list.currentRow() < 0 and self.tags:
            self.list.setCurrentRow(0)
        self._update_buttons()

    def current_tag(self) -> Tag | None:
        item = self.list.currentItem()
        if item is None:
            return None
        tag_id = item.data(Qt.ItemDataRole.UserRole)
        return next((tag for tag in getattr(self, "tags", []) if tag.id == tag_id), None)

    @Slot()
    def _update_buttons(self) -> None:
        row = self.list.currentRow()
        for button in (self.rename_button, self.colour_button, self.delete_button):
            button.setEnabled(row >= 0)
        self.up_button.setEnabled(row > 0)
        self.down_button.setEnabled(0 <= row < self.list.count() - 1)

    # -- the changes ----------------------------------------------------------------------------

    def create_new(self) -> None:
        name = self.ask_name(self.tr("New Tag"), "")
        if name is None:
            return
        colour = NEW_TAG_COLOURS[len(self.tags) % len(NEW_TAG_COLOURS)]
        if self._name_taken(name, None):
            return
        self._write(lambda: self.reload(select=self.store.create_tag(name, colour)))

    def rename_current(self) -> None:
        tag = self.current_tag()
        if tag is None:
            return
        name = self.ask_name(self.tr("Rename Tag"), display_name(tag))
        if name is None or name == display_name(tag) or self._name_taken(name, tag.id):
            return
        self._write(lambda: self.store.rename_tag(tag.id, name))

    def recolour_current(self) -> None:
        tag = self.current_tag()
        if tag is None:
            return
        colour = self.ask_colour(tag.colour)
        if colour is not None:
            self._write(lambda: self.store.recolour_tag(tag.id, colour))

    def delete_current(self) -> None:
        tag = self.current_tag()
        if tag is None or not self.confirm_delete(tag, self.store.tagged_count(tag.id)):
            return
        self._write(lambda: self.store.delete_tag(tag.id))

    def move_current(self, step: int) -> None:
        row = self.list.currentRow()
        if not 0 <= row + step < len(self.tags) or row < 0:
            return
        order = [tag.id for tag in self.tags]
        order[row], order[row + step] = order[row + step], order[row]
        self._write(lambda: self.store.reorder_tags(order))

    def _name_taken(self, name: str, itself: int | None) -> bool:
        wanted = " ".join(name.split()).casefold()
        for tag in self.tags:
            if tag.id != itself and wanted in (tag.name.casefold(), display_name(tag).casefold()):
                QMessageBox.warning(self, self.tr("Tags"),
                                    self.tr("There is already a tag named “{0}”. Choose another name.").format(name))
                return True
        return False

    def _write(self, change: object) -> None:
        try:
            change()  # type: ignore[operator]
        except StoreError as error:
            QMessageBox.warning(self, self.tr("Tags"), user_message(error, "").text)
        self.reload()
        self.tags_changed.emit()

    # -- the questions (tests replace these) ----------------------------------------------------

    def ask_name(self, title: str, current: str) -> str | None:
        name, accepted = QInputDialog.getText(self, title, self.tr("Name:"), text=current)
        name = " ".join(name.split())
        return name if accepted and name else None

    def ask_colour(self, current: str) -> str | None:
        colour = QColorDialog.getColor(QColor(current), self, self.tr("Tag Colour"))
        return colour.name() if colour.isValid() else None

    def confirm_delete(self, tag: Tag, messages: int) -> bool:
        if messages:
            text = self.tr("Delete the tag “{0}”? It is taken off {1} message(s); the messages stay.").format(
                display_name(tag), messages)
        else:
            text = self.tr("Delete the tag “{0}”? No message has it.").format(display_name(tag))
        answer = QMessageBox.question(self, self.tr("Delete Tag"), text)
        return answer == QMessageBox.StandardButton.Yes
