"""Blocked senders: an address, or a domain that blocks its subdomains too. Pure."""

from __future__ import annotations

import re
from collections.abc import Iterable

from app.core.errors import ConfigError

_DOMAIN = re.compile(r"^[\w-]+(?:\.[\w-]+)+$")


def blacklist_entry(text: str) -> str:
    """An entry as it is kept: case-folded, without a leading ``@`` or ``*.``; refuses what is
    neither an address nor a domain."""
    entry = text.strip().casefold()
    for prefix in ("*.", "@"):
        entry = entry.removeprefix(prefix)
    local, at, domain = entry.rpartition("@")
    if (at and local and _DOMAIN.match(domain) and " " not in local) or (not at and _DOMAIN.match(entry)):
        return entry
    raise ConfigError(f"{text.strip()!r} is neither an address (name@example.com) nor a domain (example.com)")


def blacklist_entries(texts: Iterable[str]) -> list[str]:
    """The entries of ``texts`` (blank lines skipped), each checked; duplicates dropped."""
    entries: list[str] = []
    for text in texts:
        if text.strip():
            entry = blacklist_entry(text)
            if entry not in entries:
                entries.append(entry)
    return entries


def is_blocked(address: str, entries: frozenset[str]) -> bool:
    """Whether a case-folded address is blocked: itself, its domain or a domain above it."""
    if not entries or not address:
        return False
    if address in entries:
        return True
    domain = address.rpartition("@")[2]
    labels = domain.split(".")
    return any(".".join(labels[index:]) in entries for index in range(len(labels) - 1))
