"""Address completion for To/Cc/Bcc: what the person typed, matched against the address book and
the addresses seen in mail.

The typed text is folded like the keys (:func:`app.core.contacts.keys.fold`) and looked up as a
prefix of the keys saved with each contact and seen address: one index range scan, whatever the
size of the book. Ranked: contacts first (the ones written with most first), then groups, then
addresses seen in mail that are nobody's contact address, most frequent first.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from app.core.contacts.keys import MAX_KEY_LENGTH, fold, name_keys
from app.core.store.contacts import ContactTable

#: Contacts considered for ranking at most: a one-letter prefix in a 10,000-contact book matches
#: thousands; ranking the first this many (by key order) keeps a keystroke cheap.
MAX_CANDIDATES = 2000
#: Above any character a key can hold: ``key < prefix + _AFTER`` bounds the prefix's range.
_AFTER = "\U0010ffff"
#: A name holding one of these is quoted in a recipient line (RFC 5322 specials).
_SPECIALS = re.compile(r'[()<>\[\]:;@\\,."]')


class CompletionKind(StrEnum):
    CONTACT = "contact"
    GROUP = "group"
    SEEN = "seen"


@dataclass(frozen=True)
class Completion:
    """One suggestion. A group's ``address`` is empty: it expands on send
    (:func:`app.core.contacts.groups.expand_recipients`)."""

    kind: CompletionKind
    name: str
    address: str
    contact_id: int | None = None
    members: int = 0
    times_seen: int = 0

    @property
    def text(self) -> str:
        """What goes into the To line: ``张三 <zs@example.com>``, a bare address, or a group's name."""
        if self.kind is CompletionKind.GROUP or not self.address:
            return self.name
        return format_recipient(self.name, self.address)


def format_recipient(name: str, address: str) -> str:
    """``Name <address>``, the name quoted when it holds a comma or another special character."""
    if not name or name == address:
        return address
    if _SPECIALS.search(name):
        name = '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"{name} <{address}>"


def _prefixes(text: str) -> list[str]:
    folded = " ".join(fold(text).split())[:MAX_KEY_LENGTH]
    joined = folded.replace(" ", "")
    return [prefix for prefix in dict.fromkeys((folded, joined)) if prefix]


def complete(store: ContactTable, text: str, limit: int = 10) -> list[Completion]:
    """Up to ``limit`` suggestions for ``text`` (the recipient being typed), best first."""
    prefixes = _prefixes(text)
    if not prefixes or limit <= 0:
        return []
    found = _contacts(store, prefixes, limit)
    if len(found) < limit:
        found += _groups(store, prefixes, limit - len(found))
    if len(found) < limit:
        found += _seen(store, prefixes, limit - len(found))
    return found


def _range(column: str, prefixes: list[str]) -> tuple[str, list[str]]:
    condition = " OR ".join(f"({column} >= ? AND {column} < ?)" for _ in prefixes)
    return condition, [bound for prefix in prefixes for bound in (prefix, prefix + _AFTER)]


def _contacts(store: ContactTable, prefixes: list[str], limit: int) -> list[Completion]:
    condition, parameters = _range("key", prefixes)
    # Ranked in SQL (how often the contact's addresses were seen, then the name), so only the
    # few shown are read in full.
    ranked = store.query(
        f"SELECT k.contact_id, coalesce(sum(s.times_seen), 0) AS written FROM"
        f" (SELECT DISTINCT contact_id FROM contact_keys WHERE {condition} LIMIT ?) k"
        " JOIN contacts c ON c.id = k.contact_id"
        " LEFT JOIN contact_addresses a ON a.contact_id = k.contact_id"
        " LEFT JOIN seen_addresses s ON s.address_key = a.address_key"
        " GROUP BY k.contact_id ORDER BY written DESC, c.name COLLATE NOCASE, c.id LIMIT ?",
        [*parameters, MAX_CANDIDATES, limit]).fetchall()
    if not ranked:
        return []
    by_id = {contact.id: contact for contact in store.contacts(ids=[row[0] for row in ranked])}
    addresses = [entry.address.casefold() for contact in by_id.values() for entry in contact.addresses]
    seen = dict(store.query("SELECT address_key, times_seen FROM seen_addresses"
                            " WHERE address_key IN (SELECT value FROM json_each(?))",
                            (json.dumps(addresses),)).fetchall())
    found: list[Completion] = []
    for contact_id, _ in ranked:
        contact = by_id.get(contact_id)
        if contact is None:
            continue
        for entry in contact.addresses:
            found.append(Completion(CompletionKind.CONTACT, contact.display_name, entry.address, contact.id,
                                    times_seen=int(seen.get(entry.address.casefold(), 0))))
    return found[:limit]


def _groups(store: ContactTable, prefixes: list[str], limit: int) -> list[Completion]:
    found = [Completion(CompletionKind.GROUP, name, "", members=count)
             for name, count in store.group_names()
             if any(key.startswith(prefix) for key in group_keys(name) for prefix in prefixes)]
    return found[:limit]


@lru_cache(maxsize=1024)
def group_keys(name: str) -> tuple[str, ...]:
    """The keys a group is found by, as a contact's name is (项目组 by ``xmz``, ``xiangmu``, ``项目``);
    groups have no key table, so they are made here, once per name."""
    return tuple(name_keys(name) | {fold(name).replace(" ", "")})


def _seen(store: ContactTable, prefixes: list[str], limit: int) -> list[Completion]:
    condition, parameters = _range("key", prefixes)
    rows = store.query(
        "SELECT s.address, s.name, s.times_seen FROM seen_addresses s"
        f" WHERE s.address_key IN (SELECT address_key FROM seen_address_keys WHERE {condition})"
        " AND NOT EXISTS (SELECT 1 FROM contact_addresses a WHERE a.address_key = s.address_key)"
        " ORDER BY s.times_seen DESC, s.last_seen DESC LIMIT ?", [*parameters, limit]).fetchall()
    return [Completion(CompletionKind.SEEN, name, address, times_seen=int(times)) for address, name, times in rows]
