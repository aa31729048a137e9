"""The plain-text message body: read-only, wrapped, links clickable, fast on hostile sizes.

Laying out one enormous unbroken "word" costs Qt seconds (150 KB without a space took 0.8 s to
show and 1.4 s per resize here, against 0.1 s for 150 KB of words), so :func:`prepare_text`, which
runs in a background job, puts a zero-width space into every :data:`PIECE` characters without
whitespace, and keeps at most :data:`MAX_SHOWN_CHARACTERS` (View Source shows more). Links are found there too;
the widget only inserts the prepared pieces.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPoint, Qt, QUrl, Signal
from PySide6.QtGui import QColor, QDesktopServices, QFont, QMouseEvent, QPalette, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QTextEdit, QWidget

#: Characters without whitespace after which the text view gets a break opportunity.
PIECE = 1024
#: Not whitespace and not CJK (Chinese, Japanese and Korean text breaks between any two characters).
_UNBROKEN_RUN = re.compile(r"[^\s\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]{" + str(PIECE) + r"}(?=\S)")
#: About 4 MB of UTF-16 in the widget: shows in a fraction of a second; the rest is cut with a note.
MAX_SHOWN_CHARACTERS = 2_000_000

_LINK = re.compile(r"""(?i)\b(?:https?://|mailto:|www\.)[^\s<>"'`\u3000-\u303f\uff01-\uff5e]+""")
#: The background of a searched word: the yellow of HTML's <mark>, which the HTML view uses.
MARK_BACKGROUND = "#ffff00"
#: Punctuation that ends a sentence, not a URL ("see https://example.com.").
_TRAILING = ".,;:!?)]}'\""


@dataclass(frozen=True)
class PreparedText:
    """Text cut into (piece, link target or None), ready to insert."""

    segments: tuple[tuple[str, str | None], ...]
    truncated: bool = False

    @property
    def text(self) -> str:
        return "".join(piece for piece, _ in self.segments)


def break_long_lines(text: str) -> str:
    """Give Qt a break opportunity (a zero-width space) in every run of :data:`PIECE` characters
    without whitespace. Runs like that are base64 or URL garbage, never words; text with spaces
    is left exactly as it is, since Qt wraps it fast."""
    if len(text) <= PIECE:
        return text
    return _UNBROKEN_RUN.sub("\\g<0>\u200b", text)


def link_target(text: str) -> str:
    return "http://" + text if text.lower().startswith("www.") else text


def prepare_text(text: str) -> PreparedText:
    """Pure and thread-safe: run it off the GUI thread for big bodies."""
    truncated = len(text) > MAX_SHOWN_CHARACTERS
    if truncated:
        text = text[:MAX_SHOWN_CHARACTERS]
    text = text.replace("\r\n", "\n").replace("\x00", "\u2400")
    segments: list[tuple[str, str | None]] = []
    position = 0
    for match in _LINK.finditer(text):
        found = match.group(0).rstrip(_TRAILING)
        if len(found) < 8:
            continue
        start, end = match.start(), match.start() + len(found)
        if start > position:
            segments.append((break_long_lines(text[position:start]), None))
        segments.append((found, link_target(found)))
        position = end
    if position < len(text):
        segments.append((break_long_lines(text[position:]), None))
    return PreparedText(tuple(segments), truncated)


class PlainTextView(QPlainTextEdit):
    """Shows prepared text; a click on a link emits :attr:`link_clicked` (never navigates)."""

    link_clicked = Signal(QUrl)
    link_hovered = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard
                                     | Qt.TextInteractionFlag.LinksAccessibleByMouse)
        self.document().setUndoRedoEnabled(False)
        self.viewport().setMouseTracking(True)
        self._hovered = ""
        self._pressed_link = ""
        self._pressed_at = QPoint()

    def show_prepared(self, prepared: PreparedText, marks: Sequence[tuple[int, int]] = ()) -> None:
        """Show ``prepared``; ``marks`` (UTF-16 positions) are the searched words, highlighted."""
        self.clear()
        cursor = QTextCursor(self.document())
        cursor.beginEditBlock()
        plain = QTextCharFormat()
        link = QTextCharFormat()
        link.setAnchor(True)
        link.setForeground(self.palette().color(QPalette.ColorRole.Link))
        link.setFontUnderline(True)
        for piece, target in prepared.segments:
            if target is None:
                cursor.insertText(piece, plain)
            else:
                link.setAnchorHref(target)
                link.setToolTip(target)
                cursor.insertText(piece, link)
        cursor.endEditBlock()
        self.setExtraSelections(self._mark_selections(marks))
        self.moveCursor(QTextCursor.MoveOperation.Start)

    def _mark_selections(self, marks: Sequence[tuple[int, int]]) -> list[QTextEdit.ExtraSelection]:
        # Extra selections colour the words without changing the document (copying gets plain text).
        look = QTextCharFormat()
        look.setBackground(QColor(MARK_BACKGROUND))
        look.setForeground(QColor(Qt.GlobalColor.black))
        selections: list[QTextEdit.ExtraSelection] = []
        for start, end in marks:
            selection = QTextEdit.ExtraSelection()
            selection.cursor = QTextCursor(self.document())
            selection.cursor.setPosition(start)
            selection.cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            selection.format = look
            selections.append(selection)
        return selections

    def marked_words(self) -> list[str]:
        """The highlighted words, in order (tests and screenshots check them)."""
        return [selection.cursor.selectedText() for selection in self.extraSelections()]

    def link_at(self, event: QMouseEvent) -> str:
        return self.anchorAt(event.position().toPoint())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        super().mouseMoveEvent(event)
        target = self.link_at(event)
        if target != self._hovered:
            self._hovered = target
            self.viewport().setCursor(Qt.CursorShape.PointingHandCursor if target else Qt.CursorShape.IBeamCursor)
            self.link_hovered.emit(target)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._pressed_link = self.link_at(event) if event.button() == Qt.MouseButton.LeftButton else ""
        self._pressed_at = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        target = self.link_at(event)
        # A click, not the end of a selection drag that happened to start on a link.
        moved = (event.position().toPoint() - self._pressed_at).manhattanLength()
        if target and target == self._pressed_link and moved < QApplication.startDragDistance():
            self.link_clicked.emit(QUrl(target))
        self._pressed_link = ""


def monospace_font() -> QFont:
    font = QFont("monospace")
    font.setStyleHint(QFont.StyleHint.TypeWriter)
    return font


def open_in_browser(url: QUrl) -> bool:
    """Hand a link to the system (browser, mail program); only schemes that are safe to hand."""
    if url.scheme().lower() not in ("http", "https", "mailto"):
        return False
    return QDesktopServices.openUrl(url)
