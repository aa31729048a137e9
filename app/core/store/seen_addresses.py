"""The addresses seen in stored mail (From, To, Cc), with how often and when: completion offers
them after the contacts.

They are gathered outside the fetch (it must stay fast): messages start with ``addresses_seen = 0``
and :func:`app.core.contacts.harvest.harvest_pending` reads their headers later, in the
background indexer or before a command-line completion, and writes here in one short
transaction per batch. Counts are not lowered when mail is deleted: an address once written to
stays a good guess.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.core.store.base import StoreBase

#: Messages waiting to be read for addresses, always through their partial index.
PENDING_ADDRESSES = "messages INDEXED BY messages_pending_addresses"


class SeenAddressTable(StoreBase):
    """The seen_addresses table and its completion keys."""

    def pending_address_messages(self, batch: int) -> list[tuple[int, float]]:
        """(message id, sort date) of up to ``batch`` messages not yet read for addresses."""
        rows = self._execute(f"SELECT id, sort_date FROM {PENDING_ADDRESSES} WHERE addresses_seen = 0"
                             " ORDER BY id LIMIT ?", (max(1, batch),)).fetchall()
        return [(int(message_id), float(sort_date)) for message_id, sort_date in rows]

    def raw_head(self, message_id: int, size: int) -> bytes:
        """The first ``size`` bytes of a stored message (its header block), read without loading
        the rest: a message with a 20 MB attachment costs one page, not 20 MB."""
        try:
            with self.db.blobopen("message_raw", "raw", message_id, readonly=True) as blob:
                return blob.read(size)
        except Exception:  # noqa: BLE001 - deleted meanwhile (sqlite3 raises a bare OperationalError)
            return b""

    def record_seen_addresses(self, entries: Sequence[tuple[int, float, Sequence[tuple[str, str]]]]) -> int:
        """Count the (name, address) pairs of each (message id, date, pairs) entry, and mark the
        messages read, in one transaction. A message read meanwhile by another thread is skipped,
        so nothing counts twice. Returns how many messages were recorded."""
        recorded = 0
        self._begin()
        try:
            for message_id, date, pairs in entries:
                if not self._execute("UPDATE messages SET addresses_seen = 1 WHERE id = ? AND addresses_seen = 0",
                                     (message_id,)).rowcount:
                    continue
                recorded += 1
                # One count per message and address, however often it is named there; the
                # name it is given anywhere in the message wins over none.
                named: dict[str, tuple[str, str]] = {}
                for name, address in pairs:
                    if address.casefold() not in named or (name and not named[address.casefold()][0]):
                        named[address.casefold()] = (name, named.get(address.casefold(), ("", address))[1])
                for name, address in named.values():
                    self._record(name, address, date)
            self.commit()
        except BaseException:
            self.rollback()
            raise
        return recorded

    def _record(self, name: str, address: str, date: float) -> None:
        folded = address.casefold()
        row = self._execute("SELECT name FROM seen_addresses WHERE address_key = ?", (folded,)).fetchone()
        if row is None:
            self._execute("INSERT INTO seen_addresses (address_key, address, name, times_seen, last_seen)"
                          " VALUES (?, ?, ?, 1, ?)", (folded, address, name, date))
            self._write_keys(folded, name, address)
            return
        # The newest non-empty name wins: people fix how their name is written, rarely back.
        self._execute("UPDATE seen_addresses SET times_seen = times_seen + 1,"
                      " name = CASE WHEN ? <> '' AND ? >= last_seen THEN ? ELSE name END,"
                      " last_seen = max(last_seen, ?) WHERE address_key = ?",
                      (name, date, name, date, folded))
        if name and name != row[0]:
            # Every name an address went by finds it (a person typing the old one still means it).
            self._write_keys(folded, name, address)

    def _write_keys(self, folded: str, name: str, address: str) -> None:
        from app.core.contacts.keys import completion_keys  # its tables: not part of every start-up

        for key in completion_keys((name,), (address,)):
            self._execute("INSERT OR IGNORE INTO seen_address_keys (key, address_key) VALUES (?, ?)", (key, folded))

    def pending_address_count(self) -> int:
        return int(self._execute(f"SELECT count(*) FROM {PENDING_ADDRESSES} WHERE addresses_seen = 0").fetchone()[0])
