"""vCard files: reading 2.1, 3.0 and 4.0 (RFC 2426, RFC 6350) and writing 3.0 or 4.0.

Read: FN, N, EMAIL (TYPE, PREF and the 2.1 bare types ``EMAIL;WORK;PREF``), NOTE, CATEGORIES (the
contact's groups), UID; Apple's ``itemN.X-ABLabel`` custom labels; group cards (4.0 ``KIND:group``
with ``MEMBER``, Apple's ``X-ADDRESSBOOKSERVER-KIND``) become groups of their members. Lines
folded with a space or tab, quoted-printable values with soft line breaks (old Android and
Outlook 2.1 exports) and ``CHARSET=`` parameters are undone on bytes, before any decoding, so a
GBK value in a UTF-8 file reads right. Everything else (phones, photos...) is skipped.

Written: CRLF lines folded at 75 octets without splitting a character (RFC 6350 section 3.2),
text escaped (section 3.4), the primary address first and marked preferred.

Our own parser rather than the ``vobject`` package: vobject (Apache-2.0) is maintained in bursts,
reads only 3.0 well, and leaves 2.1 quoted-printable with CHARSET and 4.0 PREF to the caller,
which are most of the work here.
"""

from __future__ import annotations

import codecs
import quopri
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from app.core.contacts.model import Contact, ContactAddress, joined_name, normalized
from app.core.message.charsets import decode_text

VERSIONS = ("3.0", "4.0")
#: RFC 6350 section 3.2: lines SHOULD NOT be longer than 75 octets, excluding the line break.
MAX_LINE_OCTETS = 75
_LINE_END = re.compile(rb"\r\n|\n|\r(?!\n)")
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_APPLE_LABEL = re.compile(r"^_\$!<(.*)>!\$_$")


@dataclass
class _Property:
    group: str
    name: str
    parameters: dict[str, list[str]]
    value: str


@dataclass
class _Card:
    properties: list[_Property] = field(default_factory=list)

    def first(self, name: str) -> _Property | None:
        return next((prop for prop in self.properties if prop.name == name), None)

    def all(self, name: str) -> list[_Property]:
        return [prop for prop in self.properties if prop.name == name]


# -- reading --------------------------------------------------------------------------------------


def _file_charset(data: bytes) -> str:
    """What the values without a CHARSET parameter are in: UTF-8 when the file is, else what the
    mail reader's detection finds (GB18030 for a Chinese Windows program writing 2.1 in the
    system's code page)."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        codec = decode_text(data, None)[1]
        try:
            return codecs.lookup(codec).name
        except LookupError:  # a decoder of the mail reader's own, not a Python codec
            return "gb18030"
    return "utf-8"


def _logical_lines(data: bytes) -> Iterator[bytes]:
    """Unfolded lines: a line starting with a space or tab continues the previous one (the break
    and that one character go); a quoted-printable value ending in ``=`` goes on on the next line."""
    current: bytes | None = None
    for line in _LINE_END.split(data):
        if current is not None and line[:1] in (b" ", b"\t"):
            current += line[1:]
        elif current is not None and current.endswith(b"=") and _is_quoted_printable(current):
            current = current[:-1] + b"=\r\n" + line.lstrip(b" \t")  # kept as a soft break for quopri
        else:
            if current is not None:
                yield current
            current = line
    if current is not None:
        yield current


def _is_quoted_printable(line: bytes) -> bool:
    head = line.split(b":", 1)[0].upper()
    return b"QUOTED-PRINTABLE" in head or b"ENCODING=QP" in head


def _split_outside_quotes(text: str, separator: str) -> list[str]:
    if '"' not in text:
        return text.split(separator)
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for character in text:
        if character == '"':
            quoted = not quoted
        elif character == separator and not quoted:
            parts.append("".join(current))
            current = []
            continue
        current.append(character)
    parts.append("".join(current))
    return parts


def _parse_line(line: bytes, default_charset: str) -> _Property | None:
    # The colon that ends the name part, outside quoted parameter values. Found on bytes: 0x3A is
    # never part of a multi-byte character in UTF-8 or GB18030.
    colon = line.find(b":")
    if colon < 0:
        return None
    if b'"' in line[:colon]:  # a quoted parameter value may hold a colon: walk it
        quoted = False
        colon = -1
        for index, byte in enumerate(line):
            if byte == 0x22:
                quoted = not quoted
            elif byte == 0x3A and not quoted:
                colon = index
                break
        if colon < 0:
            return None
    head = line[:colon].decode(default_charset, "replace")
    raw_value = line[colon + 1:]
    name_part, *parameter_parts = _split_outside_quotes(head, ";")
    group, _, name = name_part.rpartition(".")
    parameters: dict[str, list[str]] = {}
    for part in parameter_parts:
        key, equals, value = part.partition("=")
        if not equals:  # vCard 2.1: a bare type ("EMAIL;WORK;PREF")
            key, value = "TYPE", key
        values = [item.strip().strip('"') for item in _split_outside_quotes(value, ",")]
        parameters.setdefault(key.strip().upper(), []).extend(item for item in values if item)
    encoding = [value.upper() for value in parameters.get("ENCODING", [])]
    if "QUOTED-PRINTABLE" in encoding or "QP" in encoding or "QUOTED-PRINTABLE" in parameters.get("TYPE", []):
        raw_value = quopri.decodestring(raw_value)
    elif any(value in ("B", "BASE64") for value in encoding):
        return None  # a photo or a key: nothing we keep
    charset = (parameters.get("CHARSET") or [default_charset])[0]
    try:
        codecs.lookup(charset)
    except LookupError:
        charset = default_charset
    if charset.lower().replace("-", "") in ("gb2312", "gbk", "cp936"):
        charset = "gb18030"  # the superset: what "GB2312" files really hold
    value = raw_value.decode(charset, "replace")
    return _Property(group.upper(), name.strip().upper(), parameters, value)


def _unescape(text: str) -> str:
    return _ESCAPE.sub(lambda match: "\n" if match.group(1) in "nN" else match.group(1), text)


def _split_escaped(text: str, separator: str) -> list[str]:
    """Split at separators not escaped with a backslash, then unescape each piece."""
    pieces: list[str] = []
    current: list[str] = []
    index = 0
    while index < len(text):
        character = text[index]
        if character == "\\" and index + 1 < len(text):
            current.append(text[index:index + 2])
            index += 2
            continue
        if character == separator:
            pieces.append(_unescape("".join(current)))
            current = []
        else:
            current.append(character)
        index += 1
    pieces.append(_unescape("".join(current)))
    return pieces


def _cards(data: bytes) -> list[_Card]:
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        data = data.decode("utf-16", "replace").encode("utf-8", "replace")
    data = data.removeprefix(codecs.BOM_UTF8)
    charset = _file_charset(data)
    cards: list[_Card] = []
    current: _Card | None = None
    for line in _logical_lines(data):
        prop = _parse_line(line, charset) if line.strip() else None
        if prop is None:
            continue
        if prop.name == "BEGIN" and prop.value.strip().upper() == "VCARD":
            current = _Card()
        elif prop.name == "END" and prop.value.strip().upper() == "VCARD":
            if current is not None:
                cards.append(current)
            current = None
        elif current is not None:
            current.properties.append(prop)
    return cards


def _address_of(prop: _Property, labels: dict[str, str], order: int) -> tuple[int, int, ContactAddress]:
    types = [value.lower() for value in prop.parameters.get("TYPE", [])]
    preference = 100
    if "pref" in types:
        preference = 1
    for value in prop.parameters.get("PREF", []):
        if value.isdigit():
            preference = min(preference, int(value))
    label = labels.get(prop.group, "") if prop.group else ""
    if not label:
        label = next((value for value in types if value not in ("internet", "pref", "x400")), "")
    return preference, order, ContactAddress(_unescape(prop.value).strip(), label)


def _contact_of(card: _Card) -> Contact:
    labels: dict[str, str] = {}
    for prop in card.all("X-ABLABEL"):
        text = _unescape(prop.value)
        match = _APPLE_LABEL.match(text)
        labels[prop.group] = match.group(1) if match else text
    ranked = sorted(_address_of(prop, labels, order) for order, prop in enumerate(card.all("EMAIL")))
    family = given = ""
    name_property = card.first("N")
    if name_property is not None:
        parts = [*_split_escaped(name_property.value, ";"), "", ""]
        family, given = parts[0].strip(), parts[1].strip()
    full_name = card.first("FN")
    name = _unescape(full_name.value).strip() if full_name is not None else joined_name(family, given)
    note = "\n".join(_unescape(prop.value) for prop in card.all("NOTE"))
    groups = [group.strip() for prop in card.all("CATEGORIES") for group in _split_escaped(prop.value, ",")]
    return Contact(name=name, addresses=tuple(entry for _, _, entry in ranked), family_name=family,
                   given_name=given, groups=tuple(groups), note=note)


def _is_group_card(card: _Card) -> bool:
    kind = card.first("KIND") or card.first("X-ADDRESSBOOKSERVER-KIND")
    return kind is not None and kind.value.strip().lower() == "group"


def read_vcards(data: bytes) -> list[Contact]:
    """The contacts of a vCard file (any version; groups from CATEGORIES and from group cards)."""
    cards = _cards(data)
    contacts: list[Contact] = []
    uids: dict[str, int] = {}
    for card in cards:
        if _is_group_card(card):
            continue
        uid = card.first("UID")
        if uid is not None:
            uids[_member_key(uid.value)] = len(contacts)
        contacts.append(_contact_of(card))
    by_address = {entry.address.casefold(): index for index, contact in enumerate(contacts)
                  for entry in contact.addresses}
    for card in filter(_is_group_card, cards):
        full_name = card.first("FN")
        group = _unescape(full_name.value).strip() if full_name is not None else ""
        for prop in card.all("MEMBER") + card.all("X-ADDRESSBOOKSERVER-MEMBER"):
            key = _member_key(prop.value)
            index = uids.get(key, by_address.get(key.removeprefix("mailto:")))
            if group and index is not None:
                member = contacts[index]
                contacts[index] = Contact(member.name, member.addresses, member.family_name, member.given_name,
                                          (*member.groups, group), member.note)
    return [normalized(contact) for contact in contacts]


def _member_key(value: str) -> str:
    key = _unescape(value).strip().casefold()
    return key.removeprefix("urn:uuid:")


# -- writing --------------------------------------------------------------------------------------


def _escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
            .replace("\r\n", "\n").replace("\n", "\\n"))


def _fold(line: str) -> str:
    """``line`` folded so that no physical line passes 75 octets, never inside a character."""
    pieces: list[str] = []
    current = ""
    size = 0
    for character in line:
        width = len(character.encode("utf-8"))
        if size + width > MAX_LINE_OCTETS:
            pieces.append(current)
            current, size = " ", 1  # the continuation's leading space counts
        current += character
        size += width
    pieces.append(current)
    return "\r\n".join(pieces)


def _parameter(value: str) -> str:
    return f'"{value}"' if re.search(r"[,;:]", value) else value


def write_vcards(contacts: Sequence[Contact], version: str = "3.0") -> bytes:
    """The contacts as one vCard file (UTF-8, CRLF)."""
    if version not in VERSIONS:
        raise ValueError(f"vCard version {version} cannot be written; use 3.0 or 4.0")
    lines: list[str] = []
    for contact in map(normalized, contacts):
        # FN must not be empty (RFC 6350 section 6.2.1; iOS refuses such a card): a contact
        # without a name is written under its address, which reads back as no name.
        lines += ["BEGIN:VCARD", f"VERSION:{version}", f"FN:{_escape(contact.display_name)}"]
        lines.append(f"N:{_escape(contact.family_name)};{_escape(contact.given_name)};;;")
        for position, entry in enumerate(contact.addresses):
            types = [_parameter(entry.label)] if entry.label else []
            if version == "3.0":
                types = ["INTERNET", *types, *(["pref"] if position == 0 else [])]
                lines.append(f"EMAIL;TYPE={','.join(types)}:{entry.address}")
            else:
                parameters = (f";TYPE={','.join(types)}" if types else "") + f";PREF={min(position + 1, 100)}"
                lines.append(f"EMAIL{parameters}:{entry.address}")
        if contact.note:
            lines.append(f"NOTE:{_escape(contact.note)}")
        if contact.groups:
            lines.append("CATEGORIES:" + ",".join(_escape(group) for group in contact.groups))
        lines.append("END:VCARD")
    return "".join(_fold(line) + "\r\n" for line in lines).encode("utf-8")
