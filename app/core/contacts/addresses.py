"""Checking addresses before sending, and reading what a person typed into To/Cc/Bcc.

:func:`is_valid_address` accepts what an SMTP server can route: an RFC 5321 mailbox
(``local-part@domain``) with a dot-atom or quoted local part, and RFC 6531 UTF-8 (``用户@例子.中国``)
where the letters are not ASCII. It is a check for typing mistakes (a missing ``@``, a space, a
doubled dot, a stray ``<``), not a promise that the mailbox exists.
"""

from __future__ import annotations

import email.utils
import re

#: RFC 5321 section 4.5.3.1: at most 64 octets of local part, 255 of domain, 254 in the path.
MAX_LOCAL_OCTETS = 64
MAX_DOMAIN_OCTETS = 255
MAX_ADDRESS_OCTETS = 254
#: RFC 5322 atext, widened by RFC 6531 to any non-ASCII character.
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~\-\u0080-\U0010ffff]+"
_DOT_ATOM = re.compile(rf"{_ATOM}(?:\.{_ATOM})*")
#: A quoted local part: printable ASCII (and UTF-8) with \\ escapes, no line breaks.
_QUOTED = re.compile(r'"(?:[\x20\x21\x23-\x5b\x5d-\x7e\u0080-\U0010ffff]|\\[\x20-\x7e])*"')
#: A domain label: letters, digits and inner hyphens (an IDN label in Unicode counts as letters).
_LETTER_OR_DIGIT = r"[A-Za-z0-9\u0080-\U0010ffff]"
_LABEL = re.compile(rf"{_LETTER_OR_DIGIT}(?:[A-Za-z0-9\-\u0080-\U0010ffff]{{0,61}}{_LETTER_OR_DIGIT})?")
_ADDRESS_LITERAL = re.compile(r"\[(?:\d{1,3}(?:\.\d{1,3}){3}|IPv6:[0-9A-Fa-f:.]+)\]")
#: Non-ASCII spaces and controls are never part of an address, even in RFC 6531.
_INVISIBLE = re.compile(r"[\s\x00-\x1f\x7f\u0080-\u009f\u200b-\u200f\u2028-\u202e\u3000\ufeff]")


def is_valid_address(address: str) -> bool:
    """Whether ``address`` (an addr-spec, no display name) can be sent to."""
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain:
        return False
    # A quoted local part may hold spaces (its own pattern checks it); nothing else may.
    if _INVISIBLE.search(domain if local.startswith('"') else address):
        return False
    if len(address.encode("utf-8")) > MAX_ADDRESS_OCTETS or len(local.encode("utf-8")) > MAX_LOCAL_OCTETS:
        return False
    if not (_DOT_ATOM.fullmatch(local) or _QUOTED.fullmatch(local)):
        return False
    if _ADDRESS_LITERAL.fullmatch(domain):
        return True
    if len(domain.encode("utf-8")) > MAX_DOMAIN_OCTETS:
        return False
    labels = domain.split(".")
    return all(_LABEL.fullmatch(label) for label in labels)


def parse_recipient(text: str) -> tuple[str, str]:
    """(name, address) of one recipient as typed: ``张三 <zs@example.com>``, ``"Smith, Al" <a@b>``
    or a bare address. The address is '' when there is none to find."""
    text = text.strip()
    if "<" not in text and "@" in text and " " not in text:
        return "", text
    name, address = email.utils.parseaddr(text)
    if not address and "<" in text:  # parseaddr gives up on some UTF-8 names: split by hand
        before, _, rest = text.rpartition("<")
        name, address = before.strip().strip('"').strip(), rest.split(">", 1)[0]
    if "@" not in address:
        return text, ""  # a name alone, or a group's name: no address to send to
    return name.strip(), address.strip()


def split_recipients(text: str) -> list[str]:
    """The recipients of a To/Cc/Bcc line, as typed, split at commas and semicolons that are not
    inside quotes or angle brackets (Outlook users type ``;``, the Chinese comma ``，`` and ``；``
    too)."""
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    angle = 0
    escaped = False
    for character in text:
        if escaped:
            escaped = False
        elif character == "\\" and quoted:
            escaped = True
        elif character == '"':
            quoted = not quoted
        elif character == "<" and not quoted:
            angle += 1
        elif character == ">" and not quoted and angle:
            angle -= 1
        elif character in ",;，；" and not quoted and not angle:
            parts.append("".join(current))
            current = []
            continue
        current.append(character)
    parts.append("".join(current))
    return [part.strip() for part in parts if part.strip()]
