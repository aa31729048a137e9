"""Headers only: store each new message's header block and leave the rest on the server; complete
a partial message later (issue 18; the table is :mod:`app.core.store.partial`).

A headers-only session never deletes anything: the rest of each message exists on the server
alone. It needs UIDL (a partial message is completed in a later session, where only its UIDL names
it) and TOP. Completing reads UIDL and LIST again, retrieves the message under that UIDL and
replaces the partial one in place; when the server no longer lists the UIDL, it says so and the
headers stay.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app.core.cancel import CancelToken
from app.core.errors import ConfigError, PermanentServerError
from app.core.fetch.engine import COMMIT_EVERY_MESSAGES, HARD_MESSAGE_LIMIT, ClientFactory, default_client
from app.core.fetch.plan import ServerMessage, assign_keys
from app.core.model import Account, MessageSummary
from app.core.pop3.auth import Secret
from app.core.remote.session import RemoteSession
from app.core.store.store import Store

NEEDS_UIDL = ("the server does not support UIDL, so a message downloaded in part could never be completed "
              "safely: use 'poplark fetch' for this account")
NEEDS_TOP = "the server does not support TOP, so headers cannot be downloaded alone: use 'poplark fetch'"


class GoneFromServer(PermanentServerError):
    """The server no longer lists the UIDL of a partial message: the rest cannot be downloaded."""


@dataclass
class HeadersOnlyReport:
    account: str
    on_server: int = 0
    #: Messages stored as partial in this session.
    stored: int = 0
    #: Octets left on the server for them (LIST sizes minus what was stored).
    left_on_server: int = 0
    #: New messages under a UIDL the server gives to several messages: left for 'poplark fetch'.
    shared_uidl: int = 0


def fetch_headers_only(store: Store, lock_directory: Path, account: Account, password: str | Secret, *,
                       cancel: CancelToken | None = None, clock: Callable[[], float] = time.time,
                       client_factory: ClientFactory = default_client) -> HeadersOnlyReport:
    """One session: the header block of every message not stored here yet, stored as partial."""
    assert account.id is not None
    report = HeadersOnlyReport(account.name)
    with RemoteSession(store, lock_directory, account, password, cancel=cancel, clock=clock,
                       client_factory=client_factory) as session:
        server = session.listing()
        report.on_server = len(server.sizes)
        if not server.sizes:
            return report
        if server.uidls is None:
            raise PermanentServerError(NEEDS_UIDL)
        if not session.client.capabilities.top:
            raise PermanentServerError(NEEDS_TOP)
        known = store.known_uids(account.id)
        counts = server.uidl_counts()
        listing = assign_keys([ServerMessage(number, uidl, server.sizes[number])
                               for number, uidl in sorted(server.uidls.items()) if number in server.sizes], known)
        new = [message for message in listing if message.key not in known]
        report.shared_uidl = sum(1 for message in new if counts[message.uidl] > 1)
        wanted = {message.number: message for message in new if counts[message.uidl] == 1}
        group: list[tuple[str, bytes, float, int]] = []
        refused = 0
        for item in session.client.headers_many(sorted(wanted), pipelined=session.pipelined):
            session.cancel.raise_if_cancelled()
            message = wanted[item.number]
            if item.data is None:
                refused += 1
                continue
            group.append((message.key, item.data, session.clock(), message.size))
            report.left_on_server += max(message.size - len(item.data), 0)
            if len(group) >= COMMIT_EVERY_MESSAGES:
                report.stored += len(store.add_partial_messages(account, group))
                group = []
        report.stored += len(store.add_partial_messages(account, group))
        if wanted and refused == len(wanted):
            raise PermanentServerError(NEEDS_TOP)
    return report


def complete_message(store: Store, lock_directory: Path, account: Account, password: str | Secret,
                     message_id: int, *,
                     cancel: CancelToken | None = None, clock: Callable[[], float] = time.time,
                     client_factory: ClientFactory = default_client) -> MessageSummary:
    """Download the whole of partial message ``message_id`` and put it in place of the partial one."""
    assert account.id is not None
    partial = store.partial_message(message_id)
    if partial is None:
        raise ConfigError(f"message {message_id} is not a partial message: it is stored whole already")
    if partial.account_id != account.id:
        raise ConfigError(f"message {message_id} is not a message of {account.name}")
    with RemoteSession(store, lock_directory, account, password, cancel=cancel, clock=clock,
                       client_factory=client_factory) as session:
        server = session.listing()
        if server.uidls is None:
            raise PermanentServerError(NEEDS_UIDL)
        numbers = [number for number, uidl in server.uidls.items() if uidl == partial.uidl]
        if not numbers:
            raise GoneFromServer(
                f"message {message_id} is no longer on the server, so the rest of it cannot be downloaded; "
                "its headers stay here")
        if len(numbers) > 1:
            raise PermanentServerError(
                f"the server gives the UIDL of message {message_id} to {len(numbers)} messages, so which one "
                "is its whole cannot be told; its headers stay here")
        number = numbers[0]
        reply = next(session.client.retrieve_many([(number, server.sizes.get(number))], pipelined=False,
                                                  max_bytes=HARD_MESSAGE_LIMIT))
        if reply.data is None:
            assert reply.error is not None
            raise reply.error
        session.cancel.raise_if_cancelled()
        try:
            return store.complete_message(message_id, reply.data)
        except KeyError:
            raise ConfigError(f"message {message_id} was completed or deleted meanwhile") from None
