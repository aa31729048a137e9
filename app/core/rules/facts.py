"""A stored message's fields as conditions see them, each read only when a condition asks.

Most rules look at From or Subject only: the raw bytes are read and the headers parsed on the
first such question, the body only when a body condition is asked. Headers are decoded by the
reader's one header parser (:mod:`app.core.message.headers`), the body is the reader's text
(:func:`app.core.message.text.searchable_text`, through ``view.body_texts``), so a rule sees what
the user sees.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property

from app.core.message.headers import address_pairs, declared_charsets, decode_header_value, message_headers

#: Body conditions look at this much of the text: enough for any rule a person writes, and a
#: 50 MB newsletter does not hold up sorting.
BODY_LIMIT = 200_000


@dataclass(frozen=True)
class StoredRow:
    """The list's columns of one message: what conditions read without touching the bytes."""

    id: int
    account_id: int
    account: str
    uidl: str
    size: int
    sort_date: float
    has_attachments: bool
    folder: str
    subject: str


class MessageFacts:
    """One message, read lazily; ``load_raw`` is called at most once."""

    def __init__(self, row: StoredRow, load_raw: Callable[[int], bytes]) -> None:
        self.row = row
        self._load_raw = load_raw

    @cached_property
    def raw(self) -> bytes:
        return self._load_raw(self.row.id)

    @cached_property
    def _fields(self) -> dict[str, bytes]:
        return message_headers(self.raw)

    @cached_property
    def _hints(self) -> tuple[str, ...]:
        return declared_charsets(self.raw)

    def header(self, name: str) -> list[str]:
        """The decoded value of a header (empty when the message has none)."""
        value = self._fields.get(name.strip().lower())
        return [] if value is None else [decode_header_value(value, self._hints)]

    def addresses(self, *names: str) -> list[str]:
        """Readings of address headers: each whole line, each address, each name."""
        readings: list[str] = []
        for name in names:
            value = self._fields.get(name)
            if value is None:
                continue
            readings.append(decode_header_value(value, self._hints))
            for display_name, address in address_pairs(value, self._hints):
                readings.append(address)
                if display_name:
                    readings.append(display_name)
        return readings

    @cached_property
    def subject(self) -> list[str]:
        return self.header("subject") or [self.row.subject]

    @cached_property
    def body(self) -> list[str]:
        # Imported here: the reader's modules are needed only once a rule looks at a body.
        from app.core.message.text import searchable_text

        return [searchable_text(self.raw, BODY_LIMIT)]

    @property
    def size_kb(self) -> float:
        return self.row.size / 1024

    @property
    def day(self) -> date:
        return datetime.fromtimestamp(self.row.sort_date).date()


__all__ = ["BODY_LIMIT", "MessageFacts", "StoredRow"]
