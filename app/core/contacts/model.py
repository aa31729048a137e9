"""What a contact is: a name (with its family and given parts), addresses in order (the first is
the primary one), the groups it belongs to, and a note. Pure data; the store keeps it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: vCard TYPE values we keep for an address (RFC 6350 section 6.4.2 and the common extras);
#: anything else a program wrote is kept as its own label, lower-cased.
ADDRESS_LABELS = ("home", "work", "other")
#: Characters a group name may not hold: vCard CATEGORIES and the CSV group columns are lists
#: separated by these, and a name holding one would come back as two groups.
_GROUP_SEPARATORS = re.compile(r"[,;\r\n]|:::")
#: Han characters (the unified ideographs, extension A, compatibility ones, extensions B-G).
HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
#: vCard EMAIL types that say something else than home/work: never kept as a label.
NOT_LABELS = frozenset({"", "internet", "pref", "x400", "email", "e-mail", "smtp", "type"})
#: Control characters: never part of a name, a group or a note (line ends aside, in a note).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
#: Characters a label may not hold: it becomes a vCard parameter value and a CSV cell.
_LABEL_FORBIDDEN = re.compile(r"[^\w\- ]")


@dataclass(frozen=True)
class ContactAddress:
    """One address of a contact; ``label`` is '' or e.g. 'home', 'work'."""

    address: str
    label: str = ""


@dataclass(frozen=True)
class Contact:
    """A person (or a list) in the address book. ``id`` is None until it is saved."""

    name: str
    addresses: tuple[ContactAddress, ...] = ()
    family_name: str = ""
    given_name: str = ""
    groups: tuple[str, ...] = ()
    note: str = ""
    id: int | None = field(default=None, compare=False)

    @property
    def primary_address(self) -> str:
        return self.addresses[0].address if self.addresses else ""

    @property
    def display_name(self) -> str:
        """The name to show: the name, else one made of its parts, else the primary address."""
        return self.name or joined_name(self.family_name, self.given_name) or self.primary_address


def has_han(text: str) -> bool:
    """Whether ``text`` holds a Chinese character (a name written family name first, no space)."""
    return HAN.search(text) is not None


def joined_name(family_name: str, given_name: str) -> str:
    """A full name from its parts: 张 + 三 -> 张三 (family first, no space), Smith + Alice -> Alice Smith."""
    if not family_name or not given_name:
        return family_name or given_name
    if has_han(family_name + given_name):
        return family_name + given_name
    return f"{given_name} {family_name}"


def clean_group(name: str) -> str:
    """A group name as stored: separators of the exchange formats replaced by spaces, spaces folded."""
    # A leading "*" marks Google's own groups (* myContacts), which an import leaves out.
    return " ".join(_GROUP_SEPARATORS.sub(" ", _CONTROL.sub(" ", name)).split()).lstrip("* ")


def clean_label(label: str) -> str:
    """A label as stored: lower case, letters, digits, hyphens and spaces, no ``x-`` prefix (vCard's
    mark for a private type), never one of the vCard TYPE values that are not a kind of address."""
    label = " ".join(_LABEL_FORBIDDEN.sub(" ", label.lower()).split())
    label = label[2:].strip() if label.startswith("x-") else label
    return "" if label in NOT_LABELS else label


def _single_line(text: str) -> str:
    return " ".join(_CONTROL.sub(" ", text).split())


def normalized(contact: Contact) -> Contact:
    """The contact as the store keeps it: single-line names (the full name made of the family and
    given names when it is missing), addresses trimmed and without
    duplicates (compared without case), groups cleaned, deduplicated and sorted, note line ends LF."""
    seen: set[str] = set()
    addresses: list[ContactAddress] = []
    for entry in contact.addresses:
        address = "".join(entry.address.split())
        if address and address.casefold() not in seen:
            seen.add(address.casefold())
            addresses.append(ContactAddress(address, clean_label(entry.label)))
    groups = sorted({group for group in map(clean_group, contact.groups) if group}, key=str.casefold)
    family_name, given_name = _single_line(contact.family_name), _single_line(contact.given_name)
    name = _single_line(contact.name) or joined_name(family_name, given_name)
    if addresses and name.casefold() == addresses[0].address.casefold():
        name = ""  # the address as a name says nothing more (and vCard writes it as FN when there is none)
    return Contact(
        # A contact always has the name it is shown by when it has any (vCard requires FN).
        name=name, addresses=tuple(addresses),
        family_name=family_name, given_name=given_name,
        groups=tuple(groups), note=_CONTROL.sub("", contact.note.replace("\r\n", "\n").replace("\r", "\n")).strip(),
        id=contact.id)
