"""How tags look: their names (the five defaults translated), a coloured dot per tag for the
list's Subject column, the colour of a tagged row's subject, and the tooltip naming the tags.

Built once per change of the tags (:meth:`TagLook.reload`), so a painted row costs a dict lookup:
icons are cached per combination of tags, and only a few combinations are ever on screen.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QIcon, QPainter, QPixmap

from app.core.store.tags import Tag

#: The default tags' names by their key, translated when shown (the store keeps them in English).
DEFAULT_NAMES: dict[str, object] = {
    "important": QT_TRANSLATE_NOOP("Tags", "Important"),
    "work": QT_TRANSLATE_NOOP("Tags", "Work"),
    "personal": QT_TRANSLATE_NOOP("Tags", "Personal"),
    "todo": QT_TRANSLATE_NOOP("Tags", "To do"),
    "later": QT_TRANSLATE_NOOP("Tags", "Later"),
}

#: Dots drawn per row at most; more tags are named in the tooltip.
MAX_DOTS = 4
#: Size of one dot and the gap after it, in logical pixels; the width each dot takes.
_DOT = 11
_GAP = 3
DOT_SPACE = _DOT + _GAP


def display_name(tag: Tag) -> str:
    """The name the user reads: a default tag's in the current language, else as written."""
    if tag.default_key in DEFAULT_NAMES:
        return QCoreApplication.translate("Tags", str(DEFAULT_NAMES[tag.default_key]))
    return tag.name


def dot_icon(colours: Sequence[str]) -> QIcon:
    """Coloured dots side by side, one per colour (the first ones, at most :data:`MAX_DOTS`)."""
    shown = list(colours)[:MAX_DOTS]
    width = max(1, len(shown)) * (_DOT + _GAP)
    # At 1x: a pixmap at twice the size with a device pixel ratio of 2 is taken by the list's
    # delegate at its pixel size, and the dots came out twice as big.
    pixmap = QPixmap(width, _DOT)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    for number, colour in enumerate(shown):
        fill = QColor(colour)
        painter.setPen(fill.darker(130))
        painter.setBrush(QBrush(fill))
        painter.drawEllipse(QRectF(number * (_DOT + _GAP) + 0.5, 0.5, _DOT - 1, _DOT - 1))
    painter.end()
    return QIcon(pixmap)


class TagLook:
    """What the list shows for a message's tags, from the tags as they are now."""

    def __init__(self, tags: Sequence[Tag] = ()) -> None:
        self.reload(tags)

    def reload(self, tags: Sequence[Tag]) -> None:
        self.tags = list(tags)
        self._by_id = {tag.id: tag for tag in self.tags}
        self._icons: dict[tuple[int, ...], QIcon] = {}
        self._names: dict[tuple[int, ...], str] = {}
        self._colours: dict[int, QColor] = {}

    def known(self, tag_ids: Sequence[int]) -> tuple[int, ...]:
        """These tags in order, without any deleted meanwhile."""
        return tuple(tag_id for tag_id in tag_ids if tag_id in self._by_id)

    def icon(self, tag_ids: tuple[int, ...]) -> QIcon | None:
        if not tag_ids:
            return None
        icon = self._icons.get(tag_ids)
        if icon is None:
            icon = self._icons[tag_ids] = dot_icon([self._by_id[tag_id].colour for tag_id in tag_ids])
        return icon

    def colour(self, tag_ids: tuple[int, ...]) -> QColor | None:
        """The first tag's colour: the subject is written in it, as Thunderbird colours a row."""
        if not tag_ids:
            return None
        colour = self._colours.get(tag_ids[0])
        if colour is None:
            colour = self._colours[tag_ids[0]] = QColor(self._by_id[tag_ids[0]].colour)
        return colour

    def names(self, tag_ids: tuple[int, ...]) -> str:
        """"Tags: Work, 财务" for a tooltip, or "" without tags."""
        if not tag_ids:
            return ""
        text = self._names.get(tag_ids)
        if text is None:
            # Chinese lists its items with "、", not a comma.
            separator = QCoreApplication.translate("Tags", ", ", "between the names of a message's tags")
            listed = separator.join(display_name(self._by_id[tag_id]) for tag_id in tag_ids)
            text = self._names[tag_ids] = QCoreApplication.translate("Tags", "Tags: {0}").format(listed)
        return text
