"""Finding contacts in the address book window's search box: the same keys as completion (a name
from any word, an address, pinyin and its initials: ``zs`` finds 张三), all matches, not ten."""

from __future__ import annotations

from app.core.contacts.completion import _prefixes, _range
from app.core.contacts.model import Contact
from app.core.store.contacts import ContactTable


def find_contacts(store: ContactTable, text: str, group: str | None = None) -> list[Contact]:
    """The contacts (of ``group``, or all) that ``text`` finds, by name; all of them for no text."""
    prefixes = _prefixes(text)
    if not prefixes:
        return store.contacts(group=group)
    condition, parameters = _range("key", prefixes)
    ids = [row[0] for row in store.query(f"SELECT DISTINCT contact_id FROM contact_keys WHERE {condition}",
                                         parameters).fetchall()]
    found = store.contacts(ids=ids) if ids else []
    if group is not None:
        found = [contact for contact in found if group.casefold() in (name.casefold() for name in contact.groups)]
    return found
