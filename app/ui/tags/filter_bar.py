"""The quick filter bar over the message list (View > Quick Filter, Ctrl+Shift+K), as Thunderbird's:
toggles for unread, flagged, has attachment and "from a contact", a tag chooser, and how many
messages pass (with the search box's text: all are ANDed). It only says what is chosen
(:attr:`QuickFilterBar.changed`); the list model filters in SQL.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, Qt, Signal, Slot
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QToolButton, QWidget

from app.core.store.quick_filter import QuickFilter
from app.core.store.tags import Tag
from app.ui.icons import attachment_icon
from app.ui.tags.look import display_name, dot_icon


class QuickFilterBar(QWidget):
    """A row of toggles; emits the :class:`QuickFilter` they make whenever one changes."""

    #: The filter the toggles make now (a :class:`QuickFilter`).
    changed = Signal(object)
    #: The close button: the window hides the bar (and the filter with it).
    close_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("quickFilterBar")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 3, 6, 3)
        layout.setSpacing(4)
        self.unread = self._toggle("quickFilterUnread", "●")
        self.flagged = self._toggle("quickFilterFlagged", "★")
        self.attachment = self._toggle("quickFilterAttachment", "")
        self.attachment.setIcon(attachment_icon())
        self.attachment.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.contact = self._toggle("quickFilterContact", "")
        self.tag = QComboBox(self)
        self.tag.setObjectName("quickFilterTag")
        self.tag.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.tag.currentIndexChanged.connect(self._emit)
        for widget in (self.unread, self.flagged, self.attachment, self.contact, self.tag):
            layout.addWidget(widget)
        layout.addStretch(1)
        self.count = QLabel(self)
        self.count.setObjectName("quickFilterCount")
        layout.addWidget(self.count)
        self.close_button = QToolButton(self)
        self.close_button.setObjectName("quickFilterClose")
        self.close_button.setText("✕")
        self.close_button.setAutoRaise(True)
        self.close_button.clicked.connect(self.close_requested)
        layout.addWidget(self.close_button)
        self._tags: list[Tag] = []
        self._shown_count: int | None = None
        self._retranslate()

    def _toggle(self, name: str, mark: str) -> QToolButton:
        button = QToolButton(self)
        button.setObjectName(name)
        button.setCheckable(True)
        button.setAutoRaise(True)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        button.setProperty("mark", mark)
        button.toggled.connect(self._emit)
        return button

    # -- what is chosen -------------------------------------------------------------------------

    def quick_filter(self) -> QuickFilter:
        tag_id = self.tag.currentData()
        return QuickFilter(unread=self.unread.isChecked(), flagged=self.flagged.isChecked(),
                           has_attachment=self.attachment.isChecked(), from_contact=self.contact.isChecked(),
                           tag_id=tag_id if isinstance(tag_id, int) else None)

    def set_tags(self, tags: Sequence[Tag]) -> None:
        """Fill the tag chooser (keeping the chosen tag while it exists)."""
        self._tags = list(tags)
        chosen = self.tag.currentData()
        self.tag.blockSignals(True)
        self.tag.clear()
        self.tag.addItem(self.tr("Any tag"), None)
        for tag in self._tags:
            self.tag.addItem(dot_icon([tag.colour]), display_name(tag), tag.id)
        index = self.tag.findData(chosen) if isinstance(chosen, int) else 0
        self.tag.setCurrentIndex(max(index, 0))
        self.tag.blockSignals(False)
        if isinstance(chosen, int) and index < 0:
            self._emit()  # the chosen tag was deleted: the filter no longer asks for it

    def clear(self) -> None:
        """Switch every toggle off (the bar was closed): one change, not five."""
        for button in (self.unread, self.flagged, self.attachment, self.contact):
            button.blockSignals(True)
            button.setChecked(False)
            button.blockSignals(False)
        self.tag.blockSignals(True)
        self.tag.setCurrentIndex(0)
        self.tag.blockSignals(False)
        self._emit()

    def show_count(self, count: int) -> None:
        """How many messages pass the filter and the search now."""
        self._shown_count = count
        if not self.quick_filter().active:
            self.count.setText("")
        elif count == 0:
            self.count.setText(self.tr("No messages match. Switch a filter off or change the search."))
        elif count == 1:
            self.count.setText(self.tr("1 message"))
        else:
            self.count.setText(self.tr("{0} messages").format(count))

    @Slot()
    def _emit(self) -> None:
        self.changed.emit(self.quick_filter())
        if self._shown_count is not None:
            self.show_count(self._shown_count)

    # -- language -------------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    def _retranslate(self) -> None:
        for button, text, tip in (
                (self.unread, self.tr("Unread"), self.tr("Only unread messages")),
                (self.flagged, self.tr("Flagged"), self.tr("Only flagged messages")),
                (self.attachment, self.tr("Attachment"), self.tr("Only messages with attachments")),
                (self.contact, self.tr("Contact"), self.tr("Only messages from people in your address book"))):
            mark = str(button.property("mark") or "")
            button.setText(f"{mark} {text}" if mark else text)
            button.setToolTip(tip)
        self.tag.setToolTip(self.tr("Only messages with this tag"))
        self.close_button.setToolTip(self.tr("Close the filter bar and show every message (Ctrl+Shift+K)"))
        self.set_tags(self._tags)
        if self._shown_count is not None:
            self.show_count(self._shown_count)
