"""Listing the server's messages without downloading them: UIDL, LIST and ``TOP n 0``.

The header blocks come pipelined (the client's ``headers_many``, with its out-of-step sentinels),
so a mailbox of thousands costs a few round trips, and are decoded by the reader's own header
code (:func:`app.core.message.summary.summarize`), so a sender or subject looks the same here as
in the message list. Whether a message is stored here is the store's UIDL state, under the key a
fetch would store it by (:func:`app.core.fetch.plan.assign_keys`; a hash of its header block on a
server without UIDL, as the engine does).

What a server lacks is said, not guessed: without TOP only sizes and UIDLs are listed; without
UIDL nothing can be named safely in a later session, so downloading or deleting single messages
is refused (:mod:`.execute`) and the listing says so.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app.core.cancel import CancelToken
from app.core.fetch.engine import CONTENT_KEY_PREFIX, ClientFactory, default_client
from app.core.fetch.plan import ServerMessage, assign_keys
from app.core.message.summary import summarize
from app.core.model import Account
from app.core.pop3.auth import Secret
from app.core.remote.session import RemoteSession
from app.core.store.store import Store
from app.core.store.uid_state import UidState

#: What the listing says when the server has no TOP command.
NO_TOP_NOTE = ("the server does not support TOP, so dates, senders and subjects cannot be shown "
               "without downloading each message; sizes and UIDLs are listed")
#: What the listing says when the server has no UIDL command.
NO_UIDL_NOTE = ("the server does not support UIDL, so its messages cannot be named safely from one "
                "session to the next: Poplark will not download or delete single messages here. "
                "Use 'poplark fetch' (the account's policy) instead")


@dataclass(frozen=True)
class RemoteMessage:
    """One message on the server as seen in one session."""

    #: Its number in that session only (numbers change between sessions: never mark by it).
    number: int
    #: Its UIDL; empty on a server without UIDL.
    uidl: str
    #: The LIST size in octets (a hint: servers miscount a little).
    size: int
    #: The key the store knows it by (the UIDL unless shared, a content hash without UIDL).
    key: str
    #: Another listed message has the same UIDL: it cannot be marked (see assign_keys).
    shared_uidl: bool
    #: Whether the header block was read (False without TOP, or when TOP failed for it).
    headers_read: bool
    date: float | None
    sender: str
    subject: str
    #: The store's state for it: None when never downloaded, else stored, deleted here, ...
    state: UidState | None

    @property
    def stored(self) -> bool:
        """Downloaded, and still kept here (not deleted by the user)."""
        return self.state in (UidState.STORED, UidState.DELETE_REQUESTED)  # the latter: a rule's, kept here

    @property
    def markable(self) -> bool:
        """Whether a mark on it can be carried out safely in a later session."""
        return bool(self.uidl) and not self.shared_uidl


@dataclass(frozen=True)
class RemoteListing:
    account: str
    messages: tuple[RemoteMessage, ...]
    has_uidl: bool
    has_top: bool
    #: Sentences about what cannot be done with this server, for the user.
    notes: tuple[str, ...]

    @property
    def total_bytes(self) -> int:
        return sum(message.size for message in self.messages)


#: Listing progress is reported after this many header blocks (and at the end).
PROGRESS_EVERY = 100

Progress = Callable[[int, int], None]


def _header_blocks(session: RemoteSession, numbers: list[int], progress: Progress | None = None) -> dict[int, bytes]:
    """Number -> header block (``TOP n 0``) of each message whose TOP the server answered."""
    headers: dict[int, bytes] = {}
    rest = numbers
    if not session.client.capabilities.known:
        # No CAPA, so TOP is only a guess (RFC 1939 makes it optional): ask once before asking
        # thousands of times, one round trip each, for refusals.
        first = next(session.client.headers_many(numbers[:1], pipelined=False))
        if first.data is None:
            return headers
        headers[first.number], rest = first.data, numbers[1:]
    for done, item in enumerate(session.client.headers_many(rest, pipelined=session.pipelined),
                                start=len(numbers) - len(rest) + 1):
        session.cancel.raise_if_cancelled()
        if item.data is not None:
            headers[item.number] = item.data
        if progress is not None and (done % PROGRESS_EVERY == 0 or done == len(numbers)):
            progress(done, len(numbers))
    return headers


def list_remote(store: Store, lock_directory: Path, account: Account, password: str | Secret, *,
                cancel: CancelToken | None = None, clock: Callable[[], float] = time.time,
                client_factory: ClientFactory = default_client, progress: Progress | None = None) -> RemoteListing:
    """One session: every message on the server, decoded, and whether it is stored here.

    ``progress(done, total)`` hears how many header blocks have come, now and then.
    """
    assert account.id is not None
    with RemoteSession(store, lock_directory, account, password, cancel=cancel, clock=clock,
                       client_factory=client_factory) as session:
        server = session.listing()
        numbers = sorted(server.sizes)
        headers: dict[int, bytes] = {}
        has_top = session.client.capabilities.top
        if numbers and has_top:
            headers = _header_blocks(session, numbers, progress)
            # Every TOP refused: the server has none, whatever CAPA said (or did not say).
            has_top = bool(headers)
    known = store.known_uids(account.id)
    if server.uidls is not None:
        uidls = server.uidls
    else:
        # The engine's content key, so a message fetched from this server shows as stored.
        uidls = {number: CONTENT_KEY_PREFIX + hashlib.sha256(block).hexdigest()
                 for number, block in headers.items()}
    counts = server.uidl_counts()
    keyed = assign_keys([ServerMessage(number, uidls[number], server.sizes[number])
                         for number in numbers if number in uidls], known)
    keys = {message.number: message.key for message in keyed}
    messages = []
    for number in numbers:
        block = headers.get(number)
        summary = summarize(block) if block is not None else None
        key = keys.get(number, "")
        held = known.get(key) if key else None
        messages.append(RemoteMessage(
            number=number, uidl=server.uidls.get(number, "") if server.uidls is not None else "",
            size=server.sizes[number], key=key,
            shared_uidl=server.uidls is not None and counts[server.uidls.get(number, "")] > 1,
            headers_read=summary is not None,
            date=summary.date if summary else None, sender=summary.sender if summary else "",
            subject=summary.subject if summary else "", state=held.state if held else None))
    notes = []
    if numbers and not has_top:
        notes.append(NO_TOP_NOTE)
    if server.uidls is None:
        notes.append(NO_UIDL_NOTE)
    return RemoteListing(account.name, tuple(messages), server.uidls is not None, has_top, tuple(notes))
