"""Changing a group as a whole: rename it, take it off its members, or put contacts into one.

A group is a name on its members (no row of its own, see :mod:`app.core.store.contacts`), so each
change rewrites the members it touches, in one transaction; the contacts themselves stay.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from app.core.contacts.model import clean_group
from app.core.errors import ConfigError
from app.core.store.contacts import ContactTable


def rename_group(store: ContactTable, old: str, new: str) -> int:
    """Call group ``old`` ``new`` on every member (merged into ``new`` when it exists); how many."""
    name = clean_group(new)
    if not name:
        raise ConfigError("a group needs a name: type one")
    members = store.contacts(group=old)
    store.save_contacts([replace(contact, groups=(*(group for group in contact.groups
                                                    if group.casefold() != old.casefold()), name))
                         for contact in members])
    return len(members)


def remove_group(store: ContactTable, group: str) -> int:
    """Take ``group`` off its members (who stay in the address book); how many."""
    members = store.contacts(group=group)
    store.save_contacts([replace(contact, groups=tuple(name for name in contact.groups
                                                       if name.casefold() != group.casefold()))
                         for contact in members])
    return len(members)


def add_to_group(store: ContactTable, contact_ids: Sequence[int], group: str) -> int:
    """Put the contacts ``contact_ids`` into ``group`` (made when new); how many were not in it yet."""
    name = clean_group(group)
    if not name:
        raise ConfigError("a group needs a name: type one")
    joining = [contact for contact in store.contacts(ids=contact_ids)
               if name.casefold() not in (group.casefold() for group in contact.groups)]
    store.save_contacts([replace(contact, groups=(*contact.groups, name)) for contact in joining])
    return len(joining)
