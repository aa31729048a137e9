"""plan() as a table: listing x known UIDLs x policy x time -> what to RETR and what to DELE."""

from __future__ import annotations

import pytest

from app.core.fetch.plan import SECONDS_PER_DAY, ServerMessage, plan
from app.core.model import LeaveMode, ServerPolicy
from app.core.store.store import KnownUid, UidState

NOW = 1_800_000_000.0
A, B, C = ServerMessage(1, "uid-a", 100), ServerMessage(2, "uid-b", 5_000), ServerMessage(3, "uid-c", 300)


def known(uidl: str, days_ago: float = 0, state: UidState = UidState.STORED) -> tuple[str, KnownUid]:
    return uidl, KnownUid(uidl, NOW - days_ago * SECONDS_PER_DAY, state)


CASES = [
    # (description, listing, known, policy, retrieve uidls, delete uidls, delete_after_retrieve)
    ("empty mailbox", [], {}, ServerPolicy(), [], [], False),
    ("keep: all new fetched, nothing deleted", [A, B], {}, ServerPolicy(LeaveMode.KEEP_FOREVER),
     ["uid-a", "uid-b"], [], False),
    ("keep: known ones are not fetched again", [A, B], dict([known("uid-a")]),
     ServerPolicy(LeaveMode.KEEP_FOREVER), ["uid-b"], [], False),
    ("delete mode: new fetched then deleted, known deleted now", [A, B], dict([known("uid-a")]),
     ServerPolicy(LeaveMode.DELETE_AFTER_DOWNLOAD), ["uid-b"], ["uid-a"], True),
    ("days: old enough deleted, young kept", [A, B, C], dict([known("uid-a", 8), known("uid-b", 6.9)]),
     ServerPolicy(LeaveMode.DELETE_AFTER_DAYS, delete_after_days=7), ["uid-c"], ["uid-a"], False),
    ("days: exactly N days is due", [A], dict([known("uid-a", 7)]),
     ServerPolicy(LeaveMode.DELETE_AFTER_DAYS, delete_after_days=7), [], ["uid-a"], False),
    ("mirror: only what was deleted locally", [A, B], dict([known("uid-a", state=UidState.DELETED_LOCALLY),
                                                            known("uid-b")]),
     ServerPolicy(LeaveMode.DELETE_WHEN_DELETED_LOCALLY), [], ["uid-a"], False),
    ("size cap: larger messages skipped", [A, B], {}, ServerPolicy(max_message_bytes=1_000), ["uid-a"], [], False),
    ("size cap does not delete anything", [B], {}, ServerPolicy(LeaveMode.DELETE_AFTER_DOWNLOAD, max_message_bytes=10),
     [], [], True),
    ("mirror: deleted here, unlisted for a while, listed again", [A],
     dict([known("uid-a", state=UidState.GONE_FROM_SERVER)]), ServerPolicy(LeaveMode.DELETE_WHEN_DELETED_LOCALLY),
     [], ["uid-a"], False),
    ("keep: deleted here and listed again is left alone", [A],
     dict([known("uid-a", state=UidState.GONE_FROM_SERVER)]), ServerPolicy(LeaveMode.KEEP_FOREVER), [], [], False),
    ("server ignored our DELE: do not ask again", [A], dict([known("uid-a", state=UidState.DELETED_ON_SERVER)]),
     ServerPolicy(LeaveMode.DELETE_AFTER_DOWNLOAD), [], [], True),
    ("known but gone from server: nothing to do", [B], dict([known("uid-a")]),
     ServerPolicy(LeaveMode.DELETE_AFTER_DOWNLOAD), ["uid-b"], [], True),
]


@pytest.mark.parametrize(("listing", "held", "policy", "retrieve", "delete", "after"),
                         [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_plan_table(listing: list[ServerMessage], held: dict[str, KnownUid], policy: ServerPolicy,
                    retrieve: list[str], delete: list[str], after: bool) -> None:
    decided = plan(listing, held, policy, NOW)
    assert [message.uidl for message in decided.retrieve] == retrieve
    assert [message.uidl for message in decided.delete] == delete
    assert decided.delete_after_retrieve is after


def test_duplicate_uidls_are_neither_fetched_nor_deleted() -> None:
    twin = ServerMessage(4, "uid-a", 100)
    decided = plan([A, twin, B], dict([known("uid-a")]), ServerPolicy(LeaveMode.DELETE_AFTER_DOWNLOAD), NOW)
    assert [m.uidl for m in decided.retrieve] == ["uid-b"]
    assert decided.delete == ()
    assert [m.number for m in decided.ambiguous] == [1, 4]


def test_too_large_are_reported() -> None:
    decided = plan([A, B], {}, ServerPolicy(max_message_bytes=1_000), NOW)
    assert [m.uidl for m in decided.too_large] == ["uid-b"]
    assert decided.retrieve_bytes == 100


def test_policy_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="at least 1 day"):
        ServerPolicy(LeaveMode.DELETE_AFTER_DAYS, delete_after_days=0)
    with pytest.raises(ValueError, match="positive"):
        ServerPolicy(max_message_bytes=0)


def test_delete_after_days_also_applies_to_messages_deleted_here() -> None:
    # Trashed (or trash emptied) messages still leave the server on the days schedule, not sooner.
    policy = ServerPolicy(LeaveMode.DELETE_AFTER_DAYS, delete_after_days=3)
    held = dict([known("uid-a", 3, UidState.DELETED_LOCALLY), known("uid-b", 1, UidState.DELETED_LOCALLY)])
    decided = plan([A, B], held, policy, NOW)
    assert [message.uidl for message in decided.delete] == ["uid-a"]
    assert decided.retrieve == ()


def test_delete_after_days_is_decided_again_at_each_fetch() -> None:
    policy = ServerPolicy(LeaveMode.DELETE_AFTER_DAYS, delete_after_days=2)
    held = dict([known("uid-a", 0)])
    assert plan([A], held, policy, NOW).delete == ()
    assert plan([A], held, policy, NOW + 2 * SECONDS_PER_DAY - 1).delete == ()
    assert [m.uidl for m in plan([A], held, policy, NOW + 2 * SECONDS_PER_DAY).delete] == ["uid-a"]


def test_keep_mode_never_deletes_what_was_deleted_here() -> None:
    held = dict([known("uid-a", 400, UidState.DELETED_LOCALLY)])
    decided = plan([A], held, ServerPolicy(LeaveMode.KEEP_FOREVER), NOW)
    assert (decided.retrieve, decided.delete) == ((), ())
