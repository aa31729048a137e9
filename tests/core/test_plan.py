"""plan() as a table: listing x known UIDLs x policy x time -> what to RETR and what to DELE."""

from __future__ import annotations

import pytest

from app.core.fetch.plan import (
    SECONDS_PER_DAY,
    SHARED_KEY_SEPARATOR,
    ServerMessage,
    _should_delete,
    assign_keys,
    plan,
)
from app.core.model import LeaveMode, ServerPolicy
from app.core.store.uid_state import KnownUid, UidState

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


def keyed(listing: list[ServerMessage], held: dict[str, KnownUid]) -> list[str]:
    return [message.key for message in assign_keys(listing, held)]


def test_a_shared_uidl_keys_each_copy_by_size_then_by_position() -> None:
    # popa3d: one UIDL for three messages, two of them of one size.
    listing = [ServerMessage(1, "same", 100), ServerMessage(2, "same", 200), ServerMessage(3, "same", 100),
               ServerMessage(4, "uid-b", 5_000)]
    assert keyed(listing, {}) == ["same 100", "same 200", "same 100#2", "uid-b"]
    guessed = [message.guessed for message in assign_keys(listing, {})]
    assert guessed == [True, False, True, False]


def test_each_copy_under_a_shared_uidl_is_fetched_once_and_not_again() -> None:
    listing = [ServerMessage(1, "same", 100), ServerMessage(2, "same", 200), ServerMessage(3, "uid-b", 5_000)]
    first = plan(assign_keys(listing, {}), {}, ServerPolicy(LeaveMode.KEEP_FOREVER), NOW)
    assert [m.number for m in first.retrieve] == [1, 2, 3]
    held = dict(known(message.key) for message in first.retrieve)
    again = plan(assign_keys(listing, held), held, ServerPolicy(LeaveMode.KEEP_FOREVER), NOW)
    assert again.retrieve == () and again.undeletable == ()


def test_a_copy_fetched_before_its_uidl_was_shared_keeps_its_key() -> None:
    # Session 1 saw only message 1 and stored it as "same"; now a second message shares its UIDL.
    held = dict([known("same")])
    listing = [ServerMessage(1, "same", 100), ServerMessage(2, "same", 200)]
    assert keyed(listing, held) == ["same", "same 200"]
    decided = plan(assign_keys(listing, held), held, ServerPolicy(LeaveMode.KEEP_FOREVER), NOW)
    assert [m.number for m in decided.retrieve] == [2]


def test_the_last_copy_left_keeps_its_shared_key() -> None:
    held = dict([known("same 100"), known("same 200")])
    assert keyed([ServerMessage(1, "same", 200)], held) == ["same 200"]
    assert keyed([ServerMessage(1, "other", 200)], held) == ["other"]


def test_copies_that_cannot_be_told_apart_are_fetched_but_never_deleted_by_policy() -> None:
    listing = [ServerMessage(1, "same", 100), ServerMessage(2, "same", 100), ServerMessage(3, "same", 300)]
    held = dict([known("same 100", days_ago=30), known("same 100#2", days_ago=30), known("same 300", days_ago=30)])
    policy = ServerPolicy(LeaveMode.DELETE_AFTER_DAYS, delete_after_days=7)
    decided = plan(assign_keys(listing, held), held, policy, NOW)
    assert [m.number for m in decided.delete] == [3]
    assert [m.number for m in decided.undeletable] == [1, 2]
    # Downloaded in this session, they are deleted by number like any other.
    fresh = plan(assign_keys(listing, {}), {}, ServerPolicy(LeaveMode.DELETE_AFTER_DOWNLOAD), NOW)
    assert [m.number for m in fresh.retrieve] == [1, 2, 3] and fresh.delete_after_retrieve


def test_shared_keys_cannot_be_a_real_uidl() -> None:
    # RFC 1939 section 7: a UIDL is 0x21-0x7E, so a key holding the separator is never one.
    assert SHARED_KEY_SEPARATOR == " " and " " in keyed([A, ServerMessage(2, "uid-a", 7)], {})[0]


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


@pytest.mark.parametrize("mode", list(LeaveMode))
def test_a_partial_message_is_neither_fetched_again_nor_deleted_by_any_policy(mode: LeaveMode) -> None:
    # Only its headers are stored here (headers only, issue 18): the rest is on the server alone.
    decided = plan([A], dict([known("uid-a", 400, UidState.PARTIAL)]),
                   ServerPolicy(mode, delete_after_days=7 if mode is LeaveMode.DELETE_AFTER_DAYS else 0), NOW)
    assert (decided.retrieve, decided.delete, decided.undeletable) == ((), (), ())


@pytest.mark.parametrize("mode", list(LeaveMode))
@pytest.mark.parametrize("state", list(UidState))
def test_every_state_in_every_mode_is_decided_by_the_one_rule(mode: LeaveMode, state: UidState) -> None:
    # plan() skips STORED messages of the keeping modes without asking _should_delete (the loop
    # of a no-op check); the outcome must be the rule's for every state, young and old.
    policy = ServerPolicy(mode, delete_after_days=7 if mode is LeaveMode.DELETE_AFTER_DAYS else 0)
    for days_ago in (0, 30):
        held = dict([known("uid-a", days_ago, state)])
        decided = plan([A], held, policy, NOW)
        expected = _should_delete(held["uid-a"], policy, NOW)
        assert ([m.uidl for m in decided.delete] == ["uid-a"]) is expected
        assert decided.retrieve == ()
        assert decided.deleted_yet_listed == (1 if state is UidState.DELETED_ON_SERVER else 0)


def test_messages_the_server_kept_after_confirming_dele_are_counted() -> None:
    held = dict([known("uid-a", state=UidState.DELETED_ON_SERVER), known("uid-b", state=UidState.DELETED_ON_SERVER),
                 known("uid-c")])
    decided = plan([A, B, C], held, ServerPolicy(LeaveMode.DELETE_AFTER_DOWNLOAD), NOW)
    assert decided.deleted_yet_listed == 2
    assert [m.uidl for m in decided.delete] == ["uid-c"]


def test_keys_are_the_same_with_and_without_the_shortcut_for_unshared_uidls() -> None:
    # assign_keys returns an all-unique, never-shared listing as it is; one shared key in the
    # store or one UIDL listed twice takes the full path, whose answers the other tests pin.
    listing = [ServerMessage(number, f"uid-{number}", 100) for number in range(1, 50)]
    assert assign_keys(listing, {}) == listing
    assert assign_keys(listing, dict([known("uid-3 100")]))[2].key == "uid-3 100"
    twice = [*listing, ServerMessage(50, "uid-1", 100)]
    assert [m.key for m in assign_keys(twice, {})][:2] == ["uid-1 100", "uid-2"]
    assert ServerMessage(1, "u", 5) == ServerMessage(1, "u", 5, "u", False)
