"""Gathering the addresses of stored mail (From, To, Cc) for completion, outside the fetch.

The fetch writes messages as fast as the server sends them and never reads their addresses
twice; this runs afterwards, in the window's background indexer
(:mod:`app.ui.workers.search_indexer`) and before ``poplark contacts complete``, as search
indexing does (:mod:`app.core.store.search`). Only the header block is read (the first
:data:`HEAD_BYTES` of each message), with no transaction open; each batch is then written in one
short transaction.
"""

from __future__ import annotations

from app.core.contacts.addresses import is_valid_address
from app.core.message.headers import address_pairs, declared_charsets, message_headers
from app.core.store.seen_addresses import SeenAddressTable

#: Bytes of a message read for its header block: real headers (Received chains, DKIM, long
#: recipient lists) fit; a header block longer than this loses only the fields after it.
HEAD_BYTES = 256 * 1024
#: Addresses taken from one header: a 10,000-recipient mailing is not 10,000 correspondents.
MAX_ADDRESSES_PER_FIELD = 200
_FIELDS = ("from", "to", "cc")


def message_addresses(head: bytes) -> list[tuple[str, str]]:
    """(name, address) of the valid mailboxes in From, To and Cc of a header block; never raises."""
    try:
        headers = message_headers(head)
        values = [headers[field] for field in _FIELDS if field in headers]
        hints = declared_charsets(head) if not all(value.isascii() for value in values) else ()
        found: list[tuple[str, str]] = []
        for value in values:
            pairs = address_pairs(value, hints)[:MAX_ADDRESSES_PER_FIELD]
            found += [(" ".join(name.split()), address) for name, address in pairs if is_valid_address(address)]
        return found
    except Exception:  # noqa: BLE001 - one broken message must not stop gathering the others
        return []


def harvest_pending(store: SeenAddressTable, batch: int = 500) -> int:
    """Read up to ``batch`` messages not yet read for addresses; return how many (0: all done)."""
    pending = store.pending_address_messages(batch)
    entries = [(message_id, date, message_addresses(store.raw_head(message_id, HEAD_BYTES)))
               for message_id, date in pending]
    if entries:
        store.record_seen_addresses(entries)
    return len(entries)


def harvest_all(store: SeenAddressTable, batch: int = 500) -> int:
    """Read every pending message; return how many."""
    total = 0
    while done := harvest_pending(store, batch):
        total += done
    return total
