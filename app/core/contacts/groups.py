"""Groups on send: a recipient that names a group (``Team``) becomes its members' addresses.

The compose window and ``poplark send`` hand the typed recipients here before building the
envelope; a member without an address is left out, and an address already on the list is not
repeated.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.core.contacts.addresses import parse_recipient
from app.core.contacts.completion import format_recipient
from app.core.store.contacts import ContactTable


def group_recipients(store: ContactTable, group: str) -> list[str]:
    """The members of ``group`` as ``Name <primary address>``, by name; [] for no such group."""
    return [format_recipient(contact.display_name, contact.primary_address)
            for contact in store.contacts(group=group) if contact.primary_address]


def expand_recipients(store: ContactTable, recipients: Sequence[str]) -> list[str]:
    """``recipients`` with each group name (a recipient without ``@`` that names a group) replaced
    by its members; everything else kept as typed, duplicates (by address) dropped."""
    known = {name.casefold() for name, _ in store.group_names()}
    expanded: list[str] = []
    seen: set[str] = set()
    for recipient in recipients:
        text = recipient.strip()
        members = group_recipients(store, text) if "@" not in text and text.casefold() in known else [text]
        for member in members:
            address = parse_recipient(member)[1].casefold() or member.casefold()
            if address not in seen:
                seen.add(address)
                expanded.append(member)
    return expanded
