"""Import and export of the address book: a file's contacts merged into the store, and the store's
contacts written as vCard or CSV.

Importing the same file twice adds nobody twice: a contact sharing an address with a saved one
(compared without case) is merged into it (addresses and groups added, an empty name or note
filled), and one with no address is matched by its name.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path

from app.core.contacts.csv_format import read_csv, write_csv
from app.core.contacts.model import Contact, normalized
from app.core.contacts.vcard import read_vcards, write_vcards
from app.core.errors import ConfigError
from app.core.store.contacts import ContactTable


class ContactFormat(StrEnum):
    VCARD = "vcf"
    CSV = "csv"


@dataclass(frozen=True)
class ImportResult:
    """How many contacts an import added, how many of its entries were merged into a contact
    (saved before, or earlier in the file), and how many brought nothing new."""

    added: int
    merged: int
    unchanged: int


def guess_format(path: Path, data: bytes) -> ContactFormat:
    """vCard when the name says so or the file starts with BEGIN:VCARD, else CSV."""
    if path.suffix.lower() in (".vcf", ".vcard"):
        return ContactFormat.VCARD
    if path.suffix.lower() == ".csv":
        return ContactFormat.CSV
    head = data[:200].lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \r\n\t").replace(b"\x00", b"").upper()
    return ContactFormat.VCARD if head.startswith(b"BEGIN:VCARD") else ContactFormat.CSV


def read_contacts(data: bytes, file_format: ContactFormat, encoding: str | None = None) -> list[Contact]:
    """The contacts of a file's bytes; ConfigError (saying what to do) when they cannot be read."""
    try:
        if file_format is ContactFormat.VCARD:
            contacts = read_vcards(data)
            if not contacts and b"BEGIN:VCARD" not in data.upper():
                raise ValueError("it holds no vCard (no BEGIN:VCARD line)")
            return contacts
        return read_csv(data, encoding)
    except LookupError as error:
        raise ConfigError(f"unknown encoding {encoding!r}: use e.g. utf-8, gb18030 or big5") from error
    except ValueError as error:
        raise ConfigError(f"this file cannot be read as {file_format.name}: {error}; "
                          "export it again as vCard or CSV, or give --format") from error


def encode_contacts(contacts: Sequence[Contact], file_format: ContactFormat, *, encoding: str | None = None,
                    vcard_version: str = "3.0") -> bytes:
    """The contacts as a file's bytes. vCard is always UTF-8; CSV is UTF-8 with a BOM (so that
    Excel reads it) unless ``encoding`` says otherwise."""
    if file_format is ContactFormat.VCARD:
        return write_vcards(contacts, vcard_version)
    try:
        return write_csv(contacts, encoding or "utf-8-sig")
    except LookupError as error:
        raise ConfigError(f"unknown encoding {encoding!r}: use e.g. utf-8, gb18030 or big5") from error
    except UnicodeEncodeError as error:
        character = error.object[error.start:error.end]
        raise ConfigError(f"{character!r} cannot be written in {encoding}: use --encoding gb18030 "
                          "(which Chinese Windows programs read as well) or utf-8") from error


def _merged(saved: Contact, incoming: Contact) -> Contact:
    known = {entry.address.casefold() for entry in saved.addresses}
    return normalized(replace(
        saved,
        name=saved.name or incoming.name,
        family_name=saved.family_name or incoming.family_name,
        given_name=saved.given_name or incoming.given_name,
        addresses=saved.addresses + tuple(entry for entry in incoming.addresses
                                          if entry.address.casefold() not in known),
        groups=saved.groups + incoming.groups,
        note=saved.note or incoming.note))


def import_contacts(store: ContactTable, contacts: Sequence[Contact]) -> ImportResult:
    """Merge ``contacts`` into the address book in one transaction."""
    saved = store.contacts()
    by_address = {entry.address.casefold(): contact for contact in saved for entry in contact.addresses}
    by_name = {contact.name.casefold(): contact for contact in saved if contact.name and not contact.addresses}
    merged = unchanged = 0
    to_save: dict[int, Contact] = {}
    new: list[Contact] = []
    for incoming in map(normalized, contacts):
        match = next((by_address[entry.address.casefold()] for entry in incoming.addresses
                      if entry.address.casefold() in by_address), None)
        if match is None and not incoming.addresses:
            match = by_name.get(incoming.name.casefold()) if incoming.name else None
        if match is None:
            new.append(incoming)
            # A later line of the same file with one of these addresses merges into this one.
            for entry in incoming.addresses:
                by_address[entry.address.casefold()] = incoming
            continue
        combined = _merged(match, incoming)
        if combined == match:
            unchanged += 1
            continue
        merged += 1
        if match.id is None:  # an earlier line of the same file
            new[new.index(match)] = combined
        else:
            to_save[match.id] = combined
        for entry in combined.addresses:
            by_address[entry.address.casefold()] = combined
    store.save_contacts([*to_save.values(), *new])
    return ImportResult(added=len(new), merged=merged, unchanged=unchanged)
