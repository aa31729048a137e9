"""Carrying out the remote mailbox's marks in one session, by UIDL.

Message numbers belong to one session (RFC 1939 section 4), so a mark names a UIDL and the LIST
size seen when it was made. This session reads UIDL and LIST again and maps each UIDL to its
current number; a mark is refused, and nothing is done for it, when its UIDL is no longer listed,
is listed for more than one message (popa3d gives resends one UIDL: which copy was meant cannot be
told), or is listed with another size (then it may not be the message the user looked at).

The store rules are the fetch's (docs/architecture.md, invariants 1-4): downloads are committed
through ``store.add_messages`` under the key a fetch would use, and every commit happens before the
first DELE; deletions take effect only at QUIT. So ``kill -9`` at any moment deletes nothing: until
QUIT nothing is deleted at all, and by then every "download and delete" message is stored. A
"download and delete" whose download failed is not deleted. "Delete on server" deletes what it
names, stored or not: that is what the user asked for.
"""

from __future__ import annotations

import contextlib
import enum
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from app.core.cancel import CancelToken
from app.core.errors import PermanentServerError, PoplarkError
from app.core.fetch.engine import (
    COMMIT_EVERY_BYTES,
    COMMIT_EVERY_MESSAGES,
    HARD_MESSAGE_LIMIT,
    ClientFactory,
    default_client,
)
from app.core.fetch.plan import ServerMessage, assign_keys
from app.core.model import Account
from app.core.pop3.auth import Secret
from app.core.remote.listing import NO_UIDL_NOTE
from app.core.remote.session import RemoteSession, ServerListing
from app.core.store.store import Store
from app.core.store.uid_state import KnownUid, UidState


class MarkAction(enum.StrEnum):
    DOWNLOAD = "download"
    DOWNLOAD_AND_DELETE = "download-and-delete"
    DELETE = "delete"
    LEAVE = "leave"


@dataclass(frozen=True)
class Mark:
    """What to do with the message listed under ``uidl``; ``size`` is the LIST size seen when the
    mark was made (None: not known, e.g. a UIDL typed on the command line)."""

    uidl: str
    action: MarkAction
    size: int | None = None


@dataclass
class ExecutionReport:
    account: str
    #: UIDLs downloaded and committed in this session.
    downloaded: list[str] = field(default_factory=list)
    #: UIDLs a download mark found already stored (nothing downloaded again).
    already_stored: list[str] = field(default_factory=list)
    #: UIDLs the server deleted at QUIT.
    deleted: list[str] = field(default_factory=list)
    #: (UIDL, why): marks not carried out, each with the reason and nothing done for it.
    refused: list[tuple[str, str]] = field(default_factory=list)


def execute_marks(store: Store, lock_directory: Path, account: Account, password: str | Secret,
                  marks: Sequence[Mark], *,
                  cancel: CancelToken | None = None, clock: Callable[[], float] = time.time,
                  client_factory: ClientFactory = default_client) -> ExecutionReport:
    """Carry out ``marks`` in one session; returns what was done and what was refused, and why."""
    assert account.id is not None
    report = ExecutionReport(account.name)
    wanted = _last_mark_per_uidl(marks)
    if not wanted:
        return report
    with RemoteSession(store, lock_directory, account, password, cancel=cancel, clock=clock,
                       client_factory=client_factory) as session:
        server = session.listing()
        if server.uidls is None:
            raise PermanentServerError(NO_UIDL_NOTE)
        known = store.known_uids(account.id)
        targets = _resolve(server, known, wanted, report)
        downloads = [message for message, mark in targets
                     if mark.action in (MarkAction.DOWNLOAD, MarkAction.DOWNLOAD_AND_DELETE)
                     and not _stored(known.get(message.key), report, message)]
        stored = _download(session, store, account, downloads, report)
        doomed = [message for message, mark in targets
                  if mark.action is MarkAction.DELETE
                  or (mark.action is MarkAction.DOWNLOAD_AND_DELETE
                      and (message.uidl in stored or _held(known.get(message.key))))]
        if doomed:
            by_number = {message.number: message for message in doomed}
            session.cancel.raise_if_cancelled()
            accepted = session.client.delete_many(sorted(by_number), pipelined=session.pipelined)
            session.cancel.raise_if_cancelled()  # last chance: after QUIT the server deletes for real
            session.quit()
            keys = [by_number[number].key for number in accepted]
            store.mark_deleted_on_server(account.id, keys)  # a row only exists for what was downloaded
            report.deleted = [by_number[number].uidl for number in accepted]
            for number in sorted(set(by_number) - set(accepted)):
                report.refused.append((by_number[number].uidl, "the server refused to delete it"))
    return report


def _last_mark_per_uidl(marks: Sequence[Mark]) -> dict[str, Mark]:
    """One mark per UIDL (the last one given wins), leaving out "leave"."""
    chosen: dict[str, Mark] = {}
    for mark in marks:
        chosen[mark.uidl] = mark
    return {uidl: mark for uidl, mark in chosen.items() if mark.action is not MarkAction.LEAVE}


def _resolve(server: ServerListing, known: dict[str, KnownUid], wanted: dict[str, Mark],
             report: ExecutionReport) -> list[tuple[ServerMessage, Mark]]:
    """Map each marked UIDL to this session's message, or refuse the mark and say why."""
    assert server.uidls is not None
    counts = server.uidl_counts()
    listing = assign_keys([ServerMessage(number, uidl, server.sizes[number])
                           for number, uidl in sorted(server.uidls.items()) if number in server.sizes], known)
    by_uidl = {message.uidl: message for message in listing}
    targets: list[tuple[ServerMessage, Mark]] = []
    for uidl, mark in wanted.items():
        message = by_uidl.get(uidl)
        if message is None:
            report.refused.append((uidl, "it is not on the server (any more): nothing was done with it"))
        elif counts[uidl] > 1:
            report.refused.append((uidl, f"the server gives this UIDL to {counts[uidl]} messages, so which one "
                                         "was meant cannot be told: nothing was done with them"))
        elif mark.size is not None and mark.size != message.size:
            report.refused.append((uidl, f"the server now lists it with {message.size} bytes, not {mark.size} as "
                                         "when it was marked, so it may be another message: nothing was done "
                                         "with it; list the mailbox again"))
        else:
            targets.append((message, mark))
    return targets


def _held(held: KnownUid | None) -> bool:
    return held is not None and held.state in (UidState.STORED, UidState.DELETE_REQUESTED)


def _stored(held: KnownUid | None, report: ExecutionReport, message: ServerMessage) -> bool:
    """Whether a download mark finds the message already stored here (noted in the report)."""
    if _held(held):
        report.already_stored.append(message.uidl)
        return True
    return False


def _download(session: RemoteSession, store: Store, account: Account, messages: list[ServerMessage],
              report: ExecutionReport) -> set[str]:
    """RETR and commit ``messages`` in groups, as a fetch does; returns the UIDLs now stored."""
    if not messages:
        return set()
    # The user asked for these: the account's size cap (a fetch's policy) does not apply, only the
    # engine's memory-safety limit.
    limit = HARD_MESSAGE_LIMIT
    wanted = {message.number: message for message in messages}
    assert account.id is not None
    partial = store.partial_ids(account.id)
    group: list[tuple[str, bytes, float]] = []
    group_bytes = 0
    stored: set[str] = set()
    pending: list[str] = []
    replies = session.client.retrieve_many([(message.number, message.size) for message in messages],
                                           pipelined=session.pipelined, max_bytes=limit)
    try:
        for item in replies:
            session.cancel.raise_if_cancelled()
            message = wanted[item.number]
            if item.data is None:
                report.refused.append((message.uidl, f"it could not be downloaded: {item.error}"))
                continue
            if message.key in partial:
                # Only its headers were stored (headers only): the whole takes their place, in place.
                store.complete_message(partial[message.key], item.data)
                stored.add(message.uidl)
                continue
            group.append((message.key, item.data, session.clock()))
            pending.append(message.uidl)
            group_bytes += len(item.data)
            if group_bytes >= COMMIT_EVERY_BYTES or len(group) >= COMMIT_EVERY_MESSAGES:
                store.add_messages(account, group)
                stored.update(pending)
                group, pending, group_bytes = [], [], 0
    except BaseException:
        # Keep what was received whole, as a failed fetch does; the session then ends with RSET,
        # so nothing is deleted (no DELE was sent yet: deletions follow every download).
        with contextlib.suppress(PoplarkError):
            store.add_messages(account, group)
        raise
    store.add_messages(account, group)  # invariant 1: committed before any DELE
    stored.update(pending)
    report.downloaded = [message.uidl for message in messages if message.uidl in stored]
    return stored
