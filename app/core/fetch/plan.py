"""Deciding, without any I/O, which server messages to retrieve and which to delete.

``plan()`` is a pure function of the server listing, what we already hold, the account's policy
and the time, so every rule of leave-on-server is a row in a table test. The engine only does
what the plan says.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from app.core.model import LeaveMode, ServerPolicy
from app.core.store.store import KnownUid, UidState

SECONDS_PER_DAY = 86_400


@dataclass(frozen=True)
class ServerMessage:
    """One message in this session's listing: its number (valid only now), UIDL and LIST size."""

    number: int
    uidl: str
    size: int


@dataclass(frozen=True)
class FetchPlan:
    retrieve: tuple[ServerMessage, ...]
    #: Messages already stored here that the policy says to remove from the server.
    delete: tuple[ServerMessage, ...]
    #: Whether each message retrieved in this session is deleted once committed.
    delete_after_retrieve: bool
    too_large: tuple[ServerMessage, ...]
    #: UIDLs that appear more than once in the listing: never retrieved nor deleted by UIDL,
    #: since we cannot tell which message the UIDL means.
    ambiguous: tuple[ServerMessage, ...]

    @property
    def retrieve_bytes(self) -> int:
        return sum(message.size for message in self.retrieve)


def plan(listing: Sequence[ServerMessage], known: Mapping[str, KnownUid], policy: ServerPolicy,
         now: float) -> FetchPlan:
    counts: dict[str, int] = {}
    for message in listing:
        counts[message.uidl] = counts.get(message.uidl, 0) + 1
    retrieve: list[ServerMessage] = []
    delete: list[ServerMessage] = []
    too_large: list[ServerMessage] = []
    ambiguous: list[ServerMessage] = []
    for message in listing:
        if counts[message.uidl] > 1:
            ambiguous.append(message)
            continue
        held = known.get(message.uidl)
        if held is None:
            if policy.max_message_bytes is not None and message.size > policy.max_message_bytes:
                too_large.append(message)
            else:
                retrieve.append(message)
        elif _should_delete(held, policy, now):
            delete.append(message)
    return FetchPlan(
        retrieve=tuple(retrieve),
        delete=tuple(delete),
        delete_after_retrieve=policy.leave_mode is LeaveMode.DELETE_AFTER_DOWNLOAD,
        too_large=tuple(too_large),
        ambiguous=tuple(ambiguous),
    )


def _should_delete(held: KnownUid, policy: ServerPolicy, now: float) -> bool:
    mode = policy.leave_mode
    if held.state is UidState.DELETED_ON_SERVER:
        # We deleted it and the server confirmed, yet it is listed again: the server ignores
        # DELE (QQ can be set to). Asking again each session would never help.
        return False
    if mode is LeaveMode.DELETE_AFTER_DOWNLOAD:
        return True
    if mode is LeaveMode.DELETE_AFTER_DAYS:
        return now - held.first_seen >= policy.delete_after_days * SECONDS_PER_DAY
    if mode is LeaveMode.DELETE_WHEN_DELETED_LOCALLY:
        # GONE_FROM_SERVER listed again: the server shows it once more, and it is still deleted here.
        return held.state in (UidState.DELETED_LOCALLY, UidState.GONE_FROM_SERVER)
    return False
