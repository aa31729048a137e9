"""The rows of the message list: its columns, how a message summary becomes a row, how rows sort.

:class:`RowPresenter` turns one :class:`MessageSummary` into a :class:`Row` (every cell's text and
tooltip, computed once when the row is read, not on every paint) and answers Qt's item roles for
it; :class:`~app.ui.models.inbox_model.InboxModel` decides which rows exist and when to read them.
:func:`sort_key` repeats the store's SQL order in Python, so a new message can be inserted where
the next query would put it.

The texts are translated in the "InboxModel" context: the model showed them before this module
was split out of it, and the translations stay attached to that context.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QLocale, Qt
from PySide6.QtGui import QColor, QFont, QIcon

from app.core.model import Folder, MessageSummary, SortColumn
from app.ui.formatting import format_timestamp, human_size
from app.ui.icons import attachment_icon
from app.ui.tags.look import TagLook

translate = QCoreApplication.translate

#: Subjects longer than this get a tooltip with the full text; shorter ones fit most column widths.
SUBJECT_TOOLTIP_LENGTH = 50
#: The role that returns the message id of a row, for views and proxies that only see indexes.
MESSAGE_ID_ROLE = Qt.ItemDataRole.UserRole + 1

_UNREAD_MARK = "●"
#: Attachments are shown with an icon (app/resources/icons/attachment.svg): few fonts have a paperclip.
_ATTACHMENT_MARK = ""
_FLAG_MARK = "★"


class Column(enum.IntEnum):
    """The columns of the message list, in display order."""

    SEEN = 0
    ATTACHMENT = 1
    FLAG = 2
    SENDER = 3
    SUBJECT = 4
    DATE = 5
    SIZE = 6


#: len(Column), computed once: columnCount() runs for every index a view creates.
COLUMN_COUNT = len(Column)

#: What each sortable column sorts by in SQL. The marker columns are missing because the store
#: has no SortColumn for them yet; sorting by one of them leaves the order unchanged.
SORT_COLUMNS: dict[Column, SortColumn] = {
    Column.SEEN: SortColumn.SEEN,
    Column.ATTACHMENT: SortColumn.ATTACHMENTS,
    Column.FLAG: SortColumn.FLAGGED,
    Column.SENDER: SortColumn.SENDER,
    Column.SUBJECT: SortColumn.SUBJECT,
    Column.DATE: SortColumn.DATE,
    Column.SIZE: SortColumn.SIZE,
}

_CENTERED = Qt.AlignmentFlag.AlignCenter
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
#: Per column, in Column order. Computed once: combining Qt flags in Python costs microseconds.
_ALIGNMENTS = (_CENTERED, _CENTERED, _CENTERED, _LEFT, _LEFT, _LEFT, _RIGHT)

# SQLite's NOCASE collation folds only the 26 ASCII letters; Python must do the same, not
# str.lower(), or a new row would be inserted where the next SQL sort would not put it.
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def sort_key(summary: MessageSummary, column: SortColumn) -> tuple[Any, int]:
    """The key the store's ``ORDER BY`` uses for ``column``, id last as its tie-breaker."""
    if column is SortColumn.DATE:
        # sort_date in the table: the Date header, else the arrival time.
        return (summary.date if summary.date is not None else summary.received_at, summary.id)
    if column is SortColumn.SENDER:
        return (summary.sender.translate(_ASCII_LOWER), summary.id)
    if column is SortColumn.SUBJECT:
        return (summary.subject.translate(_ASCII_LOWER), summary.id)
    return (summary.size, summary.id)


#: The folders of mail the user wrote: the list names its recipients instead of its sender.
_WRITTEN_FOLDERS = (Folder.SENT.value, Folder.DRAFTS.value)


def _shown_sender(sender: str) -> str:
    """The name part of 'Name <address>', else the whole value: what a person scans the list for.

    The store keeps senders as ``format_addresses`` wrote them (decoded, unquoted), so a split at
    the last " <" is enough; the email package's parser would cost most of a row's build time.
    """
    if sender.endswith(">"):
        name = sender[:sender.rfind(" <")]
        if name and "<" not in name:  # several addresses: show them all rather than guess
            return name
    return sender


def _subject_tooltip(subject: str, tag_names: str) -> str | None:
    """A long subject in full, and the message's tags ("Tags: Work, Later") when it has any."""
    parts = [subject] if len(subject) > SUBJECT_TOOLTIP_LENGTH else []
    if tag_names:
        parts.append(tag_names)
    return "\n".join(parts) or None


@dataclasses.dataclass(frozen=True, slots=True)
class Row:
    """One built row: the summary and its cell texts, computed once per cache load, not per paint."""

    summary: MessageSummary
    texts: tuple[str, ...]
    tooltips: tuple[str | None, ...]
    #: The message's tag ids in the tags' order (app/ui/tags: dots and colour in the Subject column).
    tags: tuple[int, ...] = ()


class RowPresenter:
    """Builds rows and answers the item roles for them (display, font, icon, tooltip, ...)."""

    def __init__(self, tag_look: TagLook | None = None) -> None:
        self.tag_look = tag_look or TagLook()
        self._locale = QLocale()
        self._bold = QFont()
        self._bold.setBold(True)
        # Translated once: translating costs microseconds and rows are built 200 at a time.
        self._read_text = translate("InboxModel", "Read")
        self._unread_text = translate("InboxModel", "Unread")
        self._attachments_text = translate("InboxModel", "Has attachments")
        self._flagged_text = translate("InboxModel", "Flagged")
        self._account_tooltip = translate("InboxModel", "{sender}\nAccount: {account}")
        self._bytes_text = translate("InboxModel", "{size} bytes")
        self._to_text = translate("InboxModel", "To: {recipients}")
        self._headers = (
            (_UNREAD_MARK, translate("InboxModel", "Read status")),
            (_ATTACHMENT_MARK, translate("InboxModel", "Attachments")),
            (_FLAG_MARK, translate("InboxModel", "Flag")),
            (translate("InboxModel", "From"), None),
            (translate("InboxModel", "Subject"), None),
            (translate("InboxModel", "Date"), None),
            (translate("InboxModel", "Size"), None),
        )
        #: Item role -> what answers it for (row, column); a dict lookup per role on every paint.
        self.role_handlers: dict[int, Callable[[Row, int], Any]] = {
            Qt.ItemDataRole.DisplayRole: self._display,
            Qt.ItemDataRole.FontRole: self._font,
            Qt.ItemDataRole.DecorationRole: self._decoration,
            Qt.ItemDataRole.ToolTipRole: self._tooltip,
            Qt.ItemDataRole.AccessibleTextRole: self._accessible_text,
            Qt.ItemDataRole.TextAlignmentRole: self._alignment,
            Qt.ItemDataRole.ForegroundRole: self._foreground,
            MESSAGE_ID_ROLE: self._message_id_role,
        }

    def build(self, summary: MessageSummary, *, name_account: bool, tags: tuple[int, ...] = ()) -> Row:
        """The row of ``summary``; ``name_account`` when the list mixes the mail of several accounts."""
        tags = self.tag_look.known(tags)
        when = format_timestamp(summary.date if summary.date is not None else summary.received_at, self._locale)
        # In Sent and Drafts the person who matters is the one written to, as mail programs show it.
        written = summary.folder in _WRITTEN_FOLDERS and bool(summary.recipients)
        texts = (
            "" if summary.seen else _UNREAD_MARK,
            _ATTACHMENT_MARK if summary.has_attachments else "",
            _FLAG_MARK if summary.flagged else "",
            self._to_text.format(recipients=_shown_sender(summary.recipients)) if written
            else _shown_sender(summary.sender),
            summary.subject,
            when,
            human_size(summary.size, self._locale),
        )
        sender_tip = self._to_text.format(recipients=summary.recipients) if written else summary.sender
        if name_account:
            sender_tip = self._account_tooltip.format(sender=sender_tip, account=summary.account)
        tooltips = (
            self._read_text if summary.seen else self._unread_text,
            self._attachments_text if summary.has_attachments else None,
            self._flagged_text if summary.flagged else None,
            sender_tip or None,
            _subject_tooltip(summary.subject, self.tag_look.names(tags)),
            None,
            self._bytes_text.format(size=self._locale.toString(summary.size)),
        )
        return Row(summary, texts, tooltips, tags)

    def header_data(self, section: int, role: int) -> Any:
        """What the horizontal header shows for column ``section`` (a valid column)."""
        text, description = self._headers[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return text
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return description or text
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _ALIGNMENTS[section]
        if role == Qt.ItemDataRole.DecorationRole and section == Column.ATTACHMENT:
            return attachment_icon()
        return None

    # -- roles --------------------------------------------------------------------------------

    def _display(self, row: Row, column: int) -> str:
        return row.texts[column]

    def _decoration(self, row: Row, column: int) -> QIcon | None:
        if column == Column.ATTACHMENT and row.summary.has_attachments:
            return attachment_icon()
        if column == Column.SUBJECT and row.tags:
            return self.tag_look.icon(row.tags)
        return None

    def _foreground(self, row: Row, column: int) -> QColor | None:
        # A tagged message's subject in its first tag's colour (Thunderbird colours the row).
        return self.tag_look.colour(row.tags) if column == Column.SUBJECT and row.tags else None

    def _font(self, row: Row, column: int) -> QFont | None:
        return None if row.summary.seen else self._bold

    def _tooltip(self, row: Row, column: int) -> str | None:
        return row.tooltips[column]

    def _accessible_text(self, row: Row, column: int) -> str:
        # Screen readers cannot read "●": say what the marker means.
        summary = row.summary
        if column == Column.SEEN:
            return self._read_text if summary.seen else self._unread_text
        if column == Column.ATTACHMENT:
            return self._attachments_text if summary.has_attachments else ""
        if column == Column.FLAG:
            return self._flagged_text if summary.flagged else ""
        if column == Column.SUBJECT and row.tags:  # the dots and colour, in words
            return f"{row.texts[column]}, {self.tag_look.names(row.tags)}"
        return row.texts[column]

    def _alignment(self, row: Row, column: int) -> Qt.AlignmentFlag:
        return _ALIGNMENTS[column]

    def _message_id_role(self, row: Row, column: int) -> int:
        return row.summary.id
