"""The compose window's attachment list: files added, dropped or pasted, and a forwarded message.

Holds the :class:`~app.core.compose.draft.DraftAttachment` objects themselves (their bytes in
memory, as the core's draft does), shows each with its size, and removes the selected ones on
Delete. A message forwarded as an attachment is one more row, removable like the others.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from app.core.compose.draft import DraftAttachment
from app.ui.formatting import human_size

#: The row of the forwarded message (``Draft.forwarded``) carries this instead of an index.
FORWARDED = -1


class AttachmentList(QListWidget):
    """The files going with the message. ``changed`` after every addition or removal."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("composeAttachments")
        self.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        self.setFlow(QListWidget.Flow.LeftToRight)
        self.setWrapping(True)
        self.setMaximumHeight(64)
        self.attachments: list[DraftAttachment] = []
        self.forwarded: bytes | None = None
        self.forwarded_name = ""
        self.setVisible(False)

    def set_contents(self, attachments: list[DraftAttachment], forwarded: bytes | None, forwarded_name: str) -> None:
        self.attachments = list(attachments)
        self.forwarded, self.forwarded_name = forwarded, forwarded_name
        self._show()

    def add(self, attachment: DraftAttachment) -> None:
        self.attachments.append(attachment)
        self._show()
        self.changed.emit()

    def add_files(self, paths: list[Path]) -> list[str]:
        """Attach each file; returns the sentences for those that could not be read."""
        problems = []
        for path in paths:
            try:
                self.attachments.append(DraftAttachment.from_path(path))
            except OSError as error:
                problems.append(QCoreApplication.translate(
                    "ComposeWindow", "{file} could not be attached ({reason}). Check that it exists and that "
                                     "you may read it, then attach it again.").format(
                    file=path.name, reason=error.strerror or str(error)))
        self._show()
        self.changed.emit()
        return problems

    def remove_selected(self) -> None:
        rows = {self.row(item) for item in self.selectedItems()}
        indexes = {self.item(row).data(Qt.ItemDataRole.UserRole) for row in rows}
        if FORWARDED in indexes:
            self.forwarded, self.forwarded_name = None, ""
        self.attachments = [attachment for index, attachment in enumerate(self.attachments) if index not in indexes]
        self._show()
        self.changed.emit()

    def total_bytes(self) -> int:
        return sum(len(attachment.data) for attachment in self.attachments) + len(self.forwarded or b"")

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.selectedItems():
            self.remove_selected()
            return
        super().keyPressEvent(event)

    def _show(self) -> None:
        self.clear()
        rows = [(index, attachment.filename, len(attachment.data))
                for index, attachment in enumerate(self.attachments) if not attachment.content_id]
        if self.forwarded is not None:
            rows.append((FORWARDED, self.forwarded_name, len(self.forwarded)))
        for index, name, size in rows:
            item = QListWidgetItem(f"{name} ({human_size(size)})", self)
            item.setData(Qt.ItemDataRole.UserRole, index)
            item.setToolTip(name)
        self.setVisible(bool(rows))


__all__ = ["AttachmentList"]
