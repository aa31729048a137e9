"""Adding the sender of a stored message to the address book in one step (the reader's "Add to
address book", ``poplark contacts add --from-message ID``)."""

from __future__ import annotations

from app.core.contacts.addresses import is_valid_address
from app.core.contacts.harvest import HEAD_BYTES
from app.core.contacts.model import Contact, ContactAddress
from app.core.errors import ConfigError
from app.core.message.headers import address_pairs, declared_charsets, message_headers
from app.core.store.store import Store


def sender_of(head: bytes) -> tuple[str, str] | None:
    """(decoded name, address) of the first valid From mailbox of a header block, else None."""
    headers = message_headers(head)
    value = headers.get("from", b"")
    hints = declared_charsets(head) if not value.isascii() else ()
    return next(((" ".join(name.split()), address) for name, address in address_pairs(value, hints)
                 if is_valid_address(address)), None)


def add_sender(store: Store, message_id: int) -> tuple[Contact, bool]:
    """The contact for the sender of message ``message_id``, saved if new: (contact, added).

    A contact already having the address is returned unchanged (added False): one click twice
    does not make two contacts."""
    head = store.raw_head(message_id, HEAD_BYTES)
    if not head:
        raise ConfigError(f"there is no message {message_id} (see 'poplark list')")
    sender = sender_of(head)
    if sender is None:
        raise ConfigError(f"message {message_id} has no sender address to add; add the contact with --email")
    name, address = sender
    existing = store.contacts_with_address(address)
    if existing:
        return existing[0], False
    return store.save_contact(Contact(name, (ContactAddress(address),))), True
