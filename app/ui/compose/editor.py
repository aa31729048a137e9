"""The body of the message being written: plain text, or rich text sent as HTML beside its plain
text; an image pasted into rich text travels inside the message (a ``cid:`` part), into plain
text as an attachment."""

from __future__ import annotations

import uuid

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMimeData, QUrl, Signal
from PySide6.QtGui import QImage, QTextDocument
from PySide6.QtWidgets import QTextEdit, QWidget

from app.core.compose.draft import DraftAttachment


class BodyEditor(QTextEdit):
    """A QTextEdit that knows whether it is writing rich text and what to do with a pasted image."""

    #: A pasted image that becomes an attachment (plain text) or an inline part (rich text).
    image_pasted = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("composeBody")
        self.rich = False
        self.setAcceptRichText(False)
        self._pasted = 0

    def set_rich(self, rich: bool) -> None:
        """Switch between plain and rich text; going back to plain keeps the words, not the looks."""
        if rich == self.rich:
            return
        self.rich = rich
        self.setAcceptRichText(rich)
        if not rich:
            self.setPlainText(self.toPlainText())

    def html(self) -> str | None:
        return self.toHtml() if self.rich else None

    def show_inline_image(self, attachment: DraftAttachment) -> None:
        """Make ``cid:<content id>`` in the HTML show this image (a reopened draft's pasted images)."""
        image = QImage.fromData(attachment.data)
        self.document().addResource(QTextDocument.ResourceType.ImageResource,
                                    QUrl(f"cid:{attachment.content_id}"), image)

    def canInsertFromMimeData(self, source: QMimeData) -> bool:
        return source.hasImage() or super().canInsertFromMimeData(source)

    def insertFromMimeData(self, source: QMimeData) -> None:
        if not source.hasImage():
            super().insertFromMimeData(source)
            return
        image = source.imageData()
        if not isinstance(image, QImage) or image.isNull():
            return
        self._pasted += 1
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stubs say bytes; only str works
        buffer.close()
        name = f"image-{self._pasted}.png"
        if self.rich:
            content_id = f"{uuid.uuid4().hex}@poplark"
            attachment = DraftAttachment(filename=name, data=bytes(data.data()), content_type="image/png",
                                         content_id=content_id)
            self.show_inline_image(attachment)
            self.textCursor().insertImage(f"cid:{content_id}")
        else:
            attachment = DraftAttachment(filename=name, data=bytes(data.data()), content_type="image/png")
        self.image_pasted.emit(attachment)


__all__ = ["BodyEditor"]
