"""The message list's queries use the indexes meant for them (a wrong plan costs 10x at 100k)."""

from __future__ import annotations

from pathlib import Path

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
