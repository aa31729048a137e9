"""Contacts in CSV: reading what Outlook, Foxmail, Google Contacts and Thunderbird export (their
column names in English and in Chinese, in UTF-8 with or without a BOM, UTF-16, or GB18030/GBK as
Chinese Windows programs write), and writing Google's column layout, which those programs import.

The encoding is taken from a BOM, else UTF-8 when the bytes are valid UTF-8, else the charset
detection of the mail reader (:func:`app.core.message.charsets.decode_text`), which prefers GB18030
(the superset of GBK and GB2312 a Chinese Windows "ANSI" file is in) and tells Windows-1252 from
it; ``encoding`` overrides it.
The delimiter is whichever of comma, semicolon and tab the header line has most of (Outlook in
some locales writes semicolons). Columns are recognised by name, wherever they stand.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from app.core.contacts.model import Contact, ContactAddress, joined_name, normalized
from app.core.message.charsets import decode_text

#: What each column is, by its folded name (lower case, single spaces).
NAME_COLUMNS = frozenset({"name", "full name", "display name", "姓名", "显示名称", "名称", "全名", "联系人姓名"})
GIVEN_COLUMNS = frozenset({"first name", "given name", "名", "名字"})
MIDDLE_COLUMNS = frozenset({"middle name", "additional name", "中间名"})
FAMILY_COLUMNS = frozenset({"last name", "family name", "surname", "姓", "姓氏"})
NOTE_COLUMNS = frozenset({"notes", "note", "备注", "附注", "注释", "说明"})
GROUP_COLUMNS = frozenset({"categories", "category", "group membership", "labels", "groups", "group",
                           "类别", "分组", "组", "组名", "联系人分组", "所属组"})
#: Address columns: the number (1 when none) says which address of the contact it is.
_ADDRESS_COLUMN = re.compile(
    r"^(?:e-?mail|电子邮件|邮件|邮箱)(?: ?(\d+))?(?: ?(?:address|地址))?(?: ?(\d+))?(?: - value)?$")
_ADDRESS_NAMED = {"primary email": 1, "secondary email": 2, "首选电子邮件": 1, "次要电子邮件": 2,
                  "其他电子邮件": 2, "other email": 2, "home email": 1, "work email": 2}
_LABEL_COLUMN = re.compile(r"^(?:e-?mail|电子邮件) ?(\d+) - (?:type|label)$")
#: Google puts several values in one cell, and marks its own groups with "* " (* myContacts).
_MULTI_VALUE = re.compile(r"\s*:::\s*")
_GROUP_SPLIT = re.compile(r"\s*(?::::|;)\s*")
#: Our written layout: Google Contacts' (older) CSV columns.
_HEAD = ["Name", "Given Name", "Family Name"]
_TAIL = ["Notes", "Group Membership"]


@dataclass
class _Columns:
    name: list[int] = field(default_factory=list)
    given: list[int] = field(default_factory=list)
    middle: list[int] = field(default_factory=list)
    family: list[int] = field(default_factory=list)
    note: list[int] = field(default_factory=list)
    groups: list[int] = field(default_factory=list)
    addresses: dict[int, list[int]] = field(default_factory=dict)
    labels: dict[int, int] = field(default_factory=dict)


def _fold_column(name: str) -> str:
    return " ".join(name.replace("\ufeff", "").strip().strip('"').casefold().split())


def _columns(header: Sequence[str]) -> _Columns:
    columns = _Columns()
    named = {"name": NAME_COLUMNS, "given": GIVEN_COLUMNS, "middle": MIDDLE_COLUMNS, "family": FAMILY_COLUMNS,
             "note": NOTE_COLUMNS, "groups": GROUP_COLUMNS}
    for index, raw in enumerate(header):
        column = _fold_column(raw)
        kind = next((kind for kind, names in named.items() if column in names), None)
        if kind is not None:
            getattr(columns, kind).append(index)
        elif label := _LABEL_COLUMN.match(column):
            columns.labels[int(label.group(1))] = index
        elif column in _ADDRESS_NAMED:
            columns.addresses.setdefault(_ADDRESS_NAMED[column], []).append(index)
        elif (address := _ADDRESS_COLUMN.match(column)) and "type" not in column:
            number = int(address.group(1) or address.group(2) or 1)
            columns.addresses.setdefault(number, []).append(index)
    return columns


def decode_csv(data: bytes, encoding: str | None = None) -> str:
    """The text of a CSV file: ``encoding`` when given, else from its BOM, else UTF-8, else detected."""
    if encoding:
        codec = codecs.lookup(encoding).name
        if codec in ("gbk", "gb2312"):
            codec = "gb18030"  # the superset: a "GBK" file with one newer character still reads
        return data.decode("utf-8-sig" if codec == "utf-8" else codec, "replace")
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", "replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", "replace")
    # UTF-8 when valid, else the mail reader's detection (GB18030 first, as for mail without a
    # charset; an English Outlook's Windows-1252 "José" is told apart from GBK there).
    return decode_text(data, None)[0]


def _delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    unquoted = re.sub(r'"[^"]*"', "", first)
    return max(",;\t", key=unquoted.count)


def _cell(row: Sequence[str], indexes: list[int]) -> str:
    return next((row[index].strip() for index in indexes if index < len(row) and row[index].strip()), "")


def _contact(row: Sequence[str], columns: _Columns) -> Contact | None:
    if not any(cell.strip() for cell in row):
        return None
    given = " ".join(part for part in (_cell(row, columns.given), _cell(row, columns.middle)) if part)
    family = _cell(row, columns.family)
    addresses: list[ContactAddress] = []
    for number in sorted(columns.addresses):
        label_index = columns.labels.get(number)
        label = row[label_index].strip() if label_index is not None and label_index < len(row) else ""
        label = label.removeprefix("*").strip()  # Google marks the preferred address's type "* Home"
        for index in columns.addresses[number]:
            cell = row[index] if index < len(row) else ""
            for address in _MULTI_VALUE.split(cell.strip()):
                # Outlook writes Exchange entries ("/o=ExchangeLabs/...") in the same column.
                if "@" in address:
                    addresses.append(ContactAddress(address, label))
    groups = [group for index in columns.groups if index < len(row)
              for group in _GROUP_SPLIT.split(row[index]) if group and not group.startswith("*")]
    return Contact(name=_cell(row, columns.name) or joined_name(family, given), addresses=tuple(addresses),
                   family_name=family, given_name=given, groups=tuple(groups),
                   note="\n".join(row[index] for index in columns.note if index < len(row) and row[index].strip()))


def read_csv(data: bytes, encoding: str | None = None) -> list[Contact]:
    """The contacts of a CSV export; raises ValueError when no column holds names or addresses."""
    text = decode_csv(data, encoding)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    rows: list[list[str]] = []
    last_line = 0
    try:
        for row in reader:
            rows.append(row)
            last_line = reader.line_num
    except csv.Error as error:  # e.g. a quote never closed makes the rest of the file one field
        raise ValueError(f"the row starting on line {last_line + 1} is not CSV ({error}); is a quote left "
                         "open there?") from error
    if not rows:
        return []
    columns = _columns(rows[0])
    if not (columns.addresses or columns.name or columns.given or columns.family):
        raise ValueError("its first line names no column of names or e-mail addresses")
    contacts = [_contact(row, columns) for row in rows[1:]]
    return [normalized(contact) for contact in contacts if contact is not None]


def write_csv(contacts: Sequence[Contact], encoding: str = "utf-8-sig") -> bytes:
    """The contacts as CSV in Google's layout (CRLF, quoted where needed), in ``encoding``.

    Raises UnicodeEncodeError when a character has no place in ``encoding`` (GBK lacks some that
    GB18030 has)."""
    contacts = [normalized(contact) for contact in contacts]
    slots = max((len(contact.addresses) for contact in contacts), default=0) or 1
    header = [*_HEAD]
    for number in range(1, slots + 1):
        header += [f"E-mail {number} - Label", f"E-mail {number} - Value"]
    header += _TAIL
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for contact in contacts:
        row = [contact.name, contact.given_name, contact.family_name]
        for number in range(slots):
            entry = contact.addresses[number] if number < len(contact.addresses) else ContactAddress("")
            row += [entry.label, entry.address]
        row += [contact.note.replace("\n", "\r\n"), " ::: ".join(contact.groups)]
        writer.writerow(row)
    return out.getvalue().encode(encoding)
