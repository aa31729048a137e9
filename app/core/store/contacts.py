"""The address book tables: contacts, their addresses (in order, the first the primary one), their
groups, and the completion keys computed when a contact is saved.

What a contact is and how its keys are made is :mod:`app.core.contacts`; this module only stores
and reads. A group exists while a contact is in it (like a label): it has no row of its own.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from app.core.errors import ConfigError
from app.core.store.base import StoreBase

if TYPE_CHECKING:
    from app.core.contacts.model import Contact, ContactAddress

# app.core.contacts (its model, and the completion keys with their pinyin and folding tables) is
# imported by the methods that use it: every command opens a Store, and `poplark fetch` has no
# use for the address book (~14 ms of its start-up, issue 12).

_CONTACT_COLUMNS = "id, name, family_name, given_name, note"


class ContactTable(StoreBase):
    """Contacts: save (add or change), read, remove, look up by address or group."""

    def save_contact(self, contact: Contact) -> Contact:
        """Add the contact (``id`` None) or replace the saved one; return it as stored, with its id."""
        return self.save_contacts([contact])[0]

    def save_contacts(self, contacts: Sequence[Contact]) -> list[Contact]:
        """Save many contacts in one transaction (an import of thousands takes one fsync)."""
        from app.core.contacts.model import normalized

        saved: list[Contact] = []
        self._begin()
        try:
            for contact in contacts:
                saved.append(self._write_contact(normalized(contact)))
            self.commit()
        except BaseException:
            self.rollback()
            raise
        return saved

    def _write_contact(self, contact: Contact) -> Contact:
        from app.core.contacts.keys import completion_keys
        from app.core.contacts.model import Contact

        now = time.time()
        values = (contact.name, contact.family_name, contact.given_name, contact.note)
        if contact.id is None:
            cursor = self._execute(
                "INSERT INTO contacts (name, family_name, given_name, note, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?)", (*values, now, now))
            assert cursor.lastrowid is not None
            contact_id = cursor.lastrowid
        else:
            contact_id = contact.id
            changed = self._execute("UPDATE contacts SET name = ?, family_name = ?, given_name = ?, note = ?,"
                                    " updated_at = ? WHERE id = ?", (*values, now, contact_id)).rowcount
            if not changed:
                raise ConfigError(f"contact {contact_id} no longer exists (see 'poplark contacts list')")
            for table in ("contact_addresses", "contact_groups", "contact_keys"):
                self._execute(f"DELETE FROM {table} WHERE contact_id = ?", (contact_id,))
        for position, entry in enumerate(contact.addresses):
            self._execute("INSERT INTO contact_addresses (contact_id, position, address, address_key, label)"
                          " VALUES (?, ?, ?, ?, ?)",
                          (contact_id, position, entry.address, entry.address.casefold(), entry.label))
        for group in contact.groups:
            self._execute("INSERT INTO contact_groups (contact_id, name) VALUES (?, ?)", (contact_id, group))
        keys = completion_keys((contact.name, contact.family_name, contact.given_name),
                               (entry.address for entry in contact.addresses))
        for key in keys:
            self._execute("INSERT OR IGNORE INTO contact_keys (key, contact_id) VALUES (?, ?)", (key, contact_id))
        return Contact(contact.name, contact.addresses, contact.family_name, contact.given_name,
                       contact.groups, contact.note, id=contact_id)

    def remove_contacts(self, contact_ids: Iterable[int]) -> int:
        """Remove contacts (with their addresses, groups and keys); return how many existed."""
        removed = 0
        self._begin()
        try:
            for contact_id in contact_ids:
                removed += self._execute("DELETE FROM contacts WHERE id = ?", (contact_id,)).rowcount
            self.commit()
        except BaseException:
            self.rollback()
            raise
        return removed

    def contacts(self, *, group: str | None = None, ids: Sequence[int] | None = None) -> list[Contact]:
        """Every contact (or a group's, or these ids), sorted by name, in three queries."""
        if group is not None:
            where, parameters = ("WHERE id IN (SELECT contact_id FROM contact_groups WHERE name = ?"
                                 " COLLATE NOCASE)", [group])
        elif ids is not None:
            where, parameters = "WHERE id IN (SELECT value FROM json_each(?))", [_json_ids(ids)]
        else:
            where, parameters = "", []
        rows = self._execute(f"SELECT {_CONTACT_COLUMNS} FROM contacts {where}", parameters).fetchall()
        return self._assemble(rows, where, parameters)

    def contact(self, contact_id: int) -> Contact:
        found = self.contacts(ids=[contact_id])
        if not found:
            raise ConfigError(f"there is no contact {contact_id} (see 'poplark contacts list')")
        return found[0]

    def contacts_with_address(self, address: str) -> list[Contact]:
        """Contacts having ``address`` (compared without case): whom a message's sender already is."""
        ids = [row[0] for row in self._execute(
            "SELECT DISTINCT contact_id FROM contact_addresses WHERE address_key = ?",
            (address.strip().casefold(),)).fetchall()]
        return self.contacts(ids=ids) if ids else []

    def group_names(self) -> list[tuple[str, int]]:
        """Every group with its number of contacts, by name."""
        rows = self._execute("SELECT name, count(*) FROM contact_groups GROUP BY name COLLATE NOCASE"
                             " ORDER BY name COLLATE NOCASE").fetchall()
        return [(str(name), int(count)) for name, count in rows]

    def contact_count(self) -> int:
        return int(self._execute("SELECT count(*) FROM contacts").fetchone()[0])

    def _assemble(self, rows: Sequence[Any], where: str, parameters: list[Any]) -> list[Contact]:
        from app.core.contacts.model import Contact, ContactAddress

        scope = f"WHERE contact_id IN (SELECT id FROM contacts {where})" if where else ""
        addresses: dict[int, list[ContactAddress]] = {}
        for contact_id, address, label in self._execute(
                f"SELECT contact_id, address, label FROM contact_addresses {scope} ORDER BY contact_id, position",
                parameters).fetchall():
            addresses.setdefault(contact_id, []).append(ContactAddress(address, label))
        groups: dict[int, list[str]] = {}
        for contact_id, name in self._execute(
                f"SELECT contact_id, name FROM contact_groups {scope}", parameters).fetchall():
            groups.setdefault(contact_id, []).append(name)
        contacts = [
            Contact(name=name, addresses=tuple(addresses.get(contact_id, ())), family_name=family_name,
                    given_name=given_name, groups=tuple(sorted(groups.get(contact_id, ()), key=str.casefold)),
                    note=note, id=contact_id)
            for contact_id, name, family_name, given_name, note in rows]
        return sorted(contacts, key=lambda contact: (contact.display_name.casefold(), contact.id or 0))


def _json_ids(ids: Sequence[int]) -> str:
    return "[" + ",".join(str(int(contact_id)) for contact_id in ids) + "]"
