"""Import and export in the address book window: the work done in the address book's thread
(through the core's :mod:`app.core.contacts.exchange`) and what the user is told about it.

The core's sentences speak to the command line (``--format``, ``--encoding``); the window says
what to do in its own words, with the reader's detail ("its first line names no column of names or
e-mail addresses") kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from app.core.contacts.exchange import ContactFormat, ImportResult, encode_contacts, guess_format, import_contacts
from app.core.contacts.exchange import read_contacts as read_file_contacts
from app.core.contacts.lookup import find_contacts
from app.core.errors import ConfigError
from app.core.store import Store

_CONTEXT = "AddressBook"


@dataclass(frozen=True)
class ExportChoice:
    """One entry of the export dialog's file types: its name (translated when shown) and how to write."""

    label: object  # a QT_TRANSLATE_NOOP text
    file_format: ContactFormat
    encoding: str | None = None
    vcard_version: str = "3.0"

    @property
    def suffix(self) -> str:
        return f".{self.file_format.value}"

    def filter_text(self) -> str:
        pattern = "*.vcf" if self.file_format is ContactFormat.VCARD else "*.csv"
        return f"{QCoreApplication.translate(_CONTEXT, str(self.label))} ({pattern})"


EXPORT_CHOICES = (
    ExportChoice(QT_TRANSLATE_NOOP("AddressBook", "vCard 3.0 (most programs and phones)"), ContactFormat.VCARD),
    ExportChoice(QT_TRANSLATE_NOOP("AddressBook", "vCard 4.0"), ContactFormat.VCARD, vcard_version="4.0"),
    ExportChoice(QT_TRANSLATE_NOOP("AddressBook", "CSV in UTF-8 (Gmail, Outlook, Thunderbird)"), ContactFormat.CSV),
    ExportChoice(QT_TRANSLATE_NOOP("AddressBook", "CSV in GB18030 (Foxmail and other Chinese Windows programs)"),
                 ContactFormat.CSV, encoding="gb18030"),
)


class NoContactsFound(Exception):
    """The file was read but held nobody."""


def import_task(path: Path) -> Callable[[Store], ImportResult]:
    """The import of ``path`` as a function of the store (run in the address book's thread)."""
    def run(store: Store) -> ImportResult:
        data = path.read_bytes()
        contacts = read_file_contacts(data, guess_format(path, data))  # the encoding is detected
        if not contacts:
            raise NoContactsFound(str(path))
        return import_contacts(store, contacts)

    return run


def export_task(path: Path, choice: ExportChoice, group: str | None, search: str) -> Callable[[Store], int]:
    """Write the contacts the window shows (of ``group``, found by ``search``) to ``path``; the
    task's result is how many were written."""
    def run(store: Store) -> int:
        contacts = find_contacts(store, search, group)
        data = encode_contacts(contacts, choice.file_format, encoding=choice.encoding,
                               vcard_version=choice.vcard_version)
        path.write_bytes(data)
        return len(contacts)

    return run


def import_problem(path: Path, error: Exception) -> str:
    """What the window says when ``path`` could not be imported, and what to do."""
    translate = QCoreApplication.translate  # lupdate reads translate("Context", "text") calls
    if isinstance(error, OSError):
        return translate("AddressBook", "{0} could not be opened: {1}. Check that the file exists and that "
                                        "you may read it.").format(path.name, error.strerror or str(error))
    if isinstance(error, NoContactsFound):
        return translate("AddressBook", "{0} holds no contacts. Export the contacts again from the other "
                                        "program, as vCard (.vcf) or CSV with a line of column names.").format(
            path.name)
    if isinstance(error, ConfigError) and isinstance(error.__cause__, ValueError):
        return translate("AddressBook", "{0} could not be read as contacts ({1}). Export the contacts again from "
                                        "the other program, as vCard (.vcf) or CSV, and import that file.").format(
            path.name, str(error.__cause__))
    return translate("AddressBook", "{0} could not be imported: {1}. Nothing was changed; try again, or import "
                                    "another export of the contacts.").format(path.name, str(error))


def export_problem(path: Path, error: Exception) -> str:
    translate = QCoreApplication.translate
    if isinstance(error, OSError):
        return translate("AddressBook", "{0} could not be written: {1}. Choose another folder.").format(
            path.name, error.strerror or str(error))
    return translate("AddressBook", "The contacts could not be exported: {0}. Choose vCard or CSV in UTF-8, "
                                    "which can hold every character.").format(str(error))


def import_summary(result: ImportResult) -> str:
    translate = QCoreApplication.translate
    return translate("AddressBook", "Imported: {0} new, {1} merged into existing contacts, {2} already "
                                    "there.").format(result.added, result.merged, result.unchanged)
