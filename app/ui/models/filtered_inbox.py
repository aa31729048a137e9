"""The message list model with the quick filter bar's choices and the tags' look: what
:class:`~app.ui.panes.message_list.MessageList` shows. The filtering is the store's, in SQL
(:mod:`app.core.store.quick_filter`); the base model (at its size limit) only passes it on."""

from __future__ import annotations

from app.core.store.quick_filter import QuickFilter
from app.core.store.tags import Tag
from app.ui.models.inbox_model import InboxModel


class FilteredInboxModel(InboxModel):
    """:class:`InboxModel` plus the filter bar (unread, flagged, attachments, a tag, a contact)."""

    def set_quick_filter(self, quick: QuickFilter) -> None:
        """Show only messages that pass ``quick`` (ANDed with the search text, in one SQL query)."""
        if quick == self._quick:
            return
        self._quick = quick
        if self._has_folder:
            self.beginResetModel()
            self._set_ids(self._query_ids())
            self.endResetModel()

    @property
    def quick_filter(self) -> QuickFilter:
        return self._quick

    def set_tags(self, tags: list[Tag]) -> None:
        """The tags were created, renamed, recoloured, reordered or deleted: rows show them anew."""
        self._tag_look.reload(tags)
        self.refresh()
