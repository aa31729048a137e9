"""How the reader's header shows addresses: a long To/Cc list cut to its start with a count of
the rest, and the bare sender address that "Always load remote content" remembers."""

from __future__ import annotations

import email.utils
import re

#: Characters of a To/Cc list shown in the header; the rest is counted (a 10,000-recipient list
#: must leave room for the body).
SHOWN_ADDRESS_CHARACTERS = 300
_HIDDEN_COUNT = re.compile(r",? … \(\+(\d+)\)$")


def shorten_addresses(text: str, limit: int = SHOWN_ADDRESS_CHARACTERS) -> tuple[str, int]:
    """The start of an address list that fits ``limit`` characters, and how many addresses were left out."""
    hidden = 0
    counted = _HIDDEN_COUNT.search(text)
    if counted:
        hidden = int(counted.group(1))
        text = text[:counted.start()]
    if len(text) > limit:
        cut = text.rfind(", ", 0, limit)
        cut = cut if cut > 0 else limit
        hidden += max(1, text.count("@", cut)) if "@" in text[cut:] else 1
        text = text[:cut]
    return text, hidden


def sender_address(sender: str) -> str:
    return email.utils.parseaddr(sender)[1].lower()


__all__ = ["SHOWN_ADDRESS_CHARACTERS", "sender_address", "shorten_addresses"]
