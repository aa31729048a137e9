"""The mail store of one profile: one class over the table families of the store package.

Each family lives in its own module: :mod:`~app.core.store.accounts`,
:mod:`~app.core.store.uid_state`, :mod:`~app.core.store.messages`, :mod:`~app.core.store.listing`,
:mod:`~app.core.store.folders` (mailbox actions), :mod:`~app.core.store.user_folders` (the user's
own folders, moving and copying mail), :mod:`~app.core.store.search_index`,
:mod:`~app.core.store.contacts` and :mod:`~app.core.store.seen_addresses` (the address book),
:mod:`~app.core.store.outbox` (the outbox, Sent and Drafts), :mod:`~app.core.store.partial`
(messages stored with their headers only), :mod:`~app.core.store.tags`,
:mod:`~app.core.store.junk_tables` (the junk filter's model), :mod:`~app.core.store.rules` (filter
rules and which ran on which message), all on
:class:`~app.core.store.base.StoreBase` (the connection and transactions). :class:`Store` only
puts them together, so callers keep one object per thread.
"""

from __future__ import annotations

from app.core.store.base import BUSY_TIMEOUT_SECONDS
from app.core.store.contacts import ContactTable
from app.core.store.folders import DELETE_CHUNK, IMPORTED_UIDL_PREFIX
from app.core.store.junk_tables import JunkTables
from app.core.store.listing import MessageListing
from app.core.store.outbox import OutboxTable
from app.core.store.partial import PartialMessages
from app.core.store.profile import Profile
from app.core.store.rules import RuleTable
from app.core.store.seen_addresses import SeenAddressTable
from app.core.store.tags import Tag, TagTable
from app.core.store.uid_state import KnownUid, UidState, UidStateTable
from app.core.store.user_folders import UserFolders


class Store(UidStateTable, MessageListing, UserFolders, ContactTable, SeenAddressTable, OutboxTable,
            PartialMessages, TagTable, JunkTables, RuleTable):
    """The mail store of one profile."""

    @classmethod
    def open(cls, profile: Profile) -> Store:
        return cls(profile.ensure().database_path)


__all__ = ["BUSY_TIMEOUT_SECONDS", "DELETE_CHUNK", "IMPORTED_UIDL_PREFIX", "KnownUid", "Store", "Tag", "UidState"]
