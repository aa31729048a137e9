"""The quick filter over a folder listing: unread, flagged, has attachment, a tag, from a contact.

Each choice is one SQL condition on ``messages m``, combined with AND and with the search text by
:meth:`~app.core.store.listing.MessageListing.message_ids`, so the list model, the window's filter
bar and ``poplark list`` filter in SQL and never hide rows themselves.
"""

from __future__ import annotations

import dataclasses
from typing import Any

#: The sender's address as the store keeps senders ("Name <address>", or the address alone),
#: lower-cased as contact_addresses.address_key is (SQLite's lower() folds ASCII only, which is
#: what addresses are in practice; a name with a "<" of its own is not split right, and misses).
_SENDER_ADDRESS = ("lower(CASE WHEN m.sender LIKE '%>' AND instr(m.sender, '<') > 0"
                   " THEN substr(m.sender, instr(m.sender, '<') + 1, length(m.sender) - instr(m.sender, '<') - 1)"
                   " ELSE trim(m.sender) END)")


@dataclasses.dataclass(frozen=True, slots=True)
class QuickFilter:
    """What the filter bar has switched on; the default filters nothing."""

    unread: bool = False
    flagged: bool = False
    has_attachment: bool = False
    #: Only messages carrying this tag (an id of the tags table).
    tag_id: int | None = None
    #: Only messages whose sender is an address of the address book.
    from_contact: bool = False

    @property
    def active(self) -> bool:
        return self != QuickFilter()


def filter_condition(quick: QuickFilter) -> tuple[str, list[Any]]:
    """The SQL condition (``"1"`` when nothing is switched on) and its parameters."""
    conditions: list[str] = []
    parameters: list[Any] = []
    if quick.unread:
        conditions.append("m.seen = 0")
    if quick.flagged:
        conditions.append("m.flagged = 1")
    if quick.has_attachment:
        conditions.append("m.has_attachments = 1")
    if quick.tag_id is not None:
        # message_tags' primary key: one lookup per message of the folder.
        conditions.append("EXISTS (SELECT 1 FROM message_tags mt WHERE mt.message_id = m.id AND mt.tag_id = ?)")
        parameters.append(quick.tag_id)
    if quick.from_contact:
        # SQLite builds the address set once for IN (subquery), then probes it per message.
        conditions.append(f"{_SENDER_ADDRESS} IN (SELECT address_key FROM contact_addresses)")
    return (" AND ".join(conditions) or "1"), parameters
