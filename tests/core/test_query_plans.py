"""The message list's queries use the indexes meant for them (a wrong plan costs 10x at 100k)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.model import Account
from app.core.store import Profile, Store


def plan_of(store: Store, sql: str, parameters: tuple[object, ...]) -> str:
    return " | ".join(row[3] for row in store.db.execute("EXPLAIN QUERY PLAN " + sql, parameters))


def test_date_sorted_lists_read_an_index_in_order(tmp_path: Path) -> None:
    with Store.open(Profile(tmp_path)) as store:
        store.add_account(Account(name="a", host="h", user="u"))
        unified = plan_of(store, "SELECT m.id FROM messages m WHERE m.folder = ? ORDER BY m.sort_date DESC,"
                                 " m.id DESC", ("inbox",))
        one = plan_of(store, "SELECT m.id FROM messages m WHERE m.folder = ? AND m.account_id = ?"
                             " ORDER BY m.sort_date DESC, m.id DESC", ("inbox", 1))
        assert "messages_by_folder_date" in unified and "TEMP B-TREE" not in unified
        assert "messages_by_account_folder_date" in one and "TEMP B-TREE" not in one
        counts = plan_of(store, "SELECT account_id, folder, count(*) FROM messages WHERE seen = 0"
                                " GROUP BY account_id, folder", ())
        assert "messages_unread" in counts


def test_search_looks_matches_up_when_few_and_walks_the_sorted_index_when_many(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from app.core.model import Folder, SortColumn
    from app.core.store import search

    with Store.open(Profile(tmp_path)) as store:
        account = store.add_account(Account(name="a", host="h", user="u"))
        for index in range(3):
            store.add_message(account, f"u{index}", b"Subject: meeting\r\n\r\nbody")
        store.commit()
        search.index_all(store)
        for threshold, expected in ((10, "USING INTEGER PRIMARY KEY"), (1, "messages_by_folder_date"),
                                    (1, "messages_by_account_folder_date")):
            monkeypatch.setattr(search, "BROAD_SEARCH_HITS", threshold)
            account_id = account.id if "account" in expected else None
            sql, parameters = store._message_ids_query(account_id, Folder.INBOX, SortColumn.DATE, True, "meeting")
            plan = plan_of(store, sql, tuple(parameters))
            broad = threshold == 1
            assert expected in plan, plan
            assert "message_search VIRTUAL TABLE" in plan
            assert "messages_pending_search" in plan  # the not-yet-indexed fallback reads only pending rows
            assert ("TEMP B-TREE" in plan) is not broad
            assert len(store.message_ids(account_id, text="meeting")) == 3


def test_a_narrow_search_looks_its_matches_up_by_id(tmp_path: Path) -> None:
    """The JSON path of Store.message_ids: a few hundred matches are read by primary key and
    sorted, never found by walking the whole folder index."""
    from app.core.model import Folder, SortColumn

    with Store.open(Profile(tmp_path)) as store:
        store.add_account(Account(name="a", host="h", user="u"))
        for account_id in (None, 1):
            for sort in SortColumn:
                sql, parameters = store._lookup_query(account_id, Folder.INBOX, sort, True)
                plan = plan_of(store, sql, (*parameters, "[1, 2]"))
                assert "SEARCH m USING INTEGER PRIMARY KEY" in plan, plan
                assert "json_each" in plan and "messages_by" not in plan, plan


def test_pending_messages_are_read_by_their_index_even_with_statistics_against_it(tmp_path: Path) -> None:
    """Statistics gathered while every message waited for the indexer (ANALYZE, PRAGMA optimize)
    would make SQLite scan the whole table with LIKE at each keystroke."""
    from app.core.store.search import match_lists_query, matches_query, parse_query

    with Store.open(Profile(tmp_path)) as store:
        account = store.add_account(Account(name="a", host="h", user="u"))
        for index in range(50):
            store.add_message(account, f"u{index}", b"Subject: meeting\r\n\r\nbody")
        store.commit()
        store.db.execute("ANALYZE")
        query = parse_query("meeting")
        for sql, parameters in (match_lists_query(query), matches_query(query)):
            plan = plan_of(store, sql, tuple(parameters))
            reads = [step for step in plan.split(" | ") if step.startswith(("SCAN messages", "SEARCH messages"))]
            assert reads and all("USING INDEX messages_pending_search" in step for step in reads), plan
        assert len(store.message_ids(None, text="meeting")) == 50


def test_trash_restore_and_delete_for_good_look_uidls_up_by_key(tmp_path: Path) -> None:
    """Moving one message to Trash is a keypress on the GUI thread: its UIDL row must be found by
    primary key, not by reading every UIDL the account ever had (12 ms at 100,000, and growing)."""
    from app.core.model import Folder

    with Store.open(Profile(tmp_path)) as store:
        account = store.add_account(Account(name="a", host="h", user="u"))
        stored = store.add_messages(account, [(f"u{index}", b"Subject: x\r\n\r\nbody", 1.0) for index in range(3)])
        ids = [summary.id for summary in stored]
        statements: list[str] = []
        store.db.set_trace_callback(statements.append)
        store.move_to_folder(ids[:2], Folder.TRASH)
        store.restore(ids[1:2])
        store.delete_for_good(ids[:1])
        store.db.set_trace_callback(None)
        updates = [sql for sql in statements if sql.startswith("UPDATE server_uids")]
        assert len(updates) == 3
        for sql in updates:
            plan = plan_of(store, sql, ())
            assert "SCAN server_uids" not in plan and "PRIMARY KEY (account_id=? AND uidl=?)" in plan, plan
        states = dict(store.db.execute("SELECT uidl, state FROM server_uids"))
        assert states == {"u0": "deleted_locally", "u1": "stored", "u2": "stored"}
        assert store.db.execute("SELECT message_id FROM server_uids WHERE uidl = 'u0'").fetchone()[0] is None


def test_the_server_deletion_queue_is_counted_from_its_partial_index(tmp_path: Path) -> None:
    """The window recounts "N messages will be deleted from the server" after every delete."""
    from app.core.model import Folder, LeaveMode, ServerPolicy

    with Store.open(Profile(tmp_path)) as store:
        account = store.add_account(Account(name="a", host="h", user="u",
                                            policy=ServerPolicy(LeaveMode.DELETE_WHEN_DELETED_LOCALLY)))
        stored = store.add_messages(account, [(f"u{index}", b"Subject: x\r\n\r\nbody", 1.0) for index in range(4)])
        store.move_to_folder([summary.id for summary in stored[:3]], Folder.TRASH)
        statements: list[str] = []
        store.db.set_trace_callback(statements.append)
        assert store.pending_server_deletions(account.id) == 3
        store.db.set_trace_callback(None)
        [count] = [sql for sql in statements if "FROM server_uids" in sql]
        assert "server_uids_deleted_locally" in plan_of(store, count, ())
