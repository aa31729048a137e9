"""The ids of a folder in display order, sorted and searched in SQL: what a lazy list model holds."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from app.core.model import Folder, SortColumn
from app.core.store.base import StoreBase
from app.core.store.quick_filter import QuickFilter, filter_condition

#: SQL for each sort column; the id breaks ties so the order is total and stable.
_ORDER_BY = {
    SortColumn.DATE: "m.sort_date {direction}, m.id {direction}",
    SortColumn.SENDER: "m.sender COLLATE NOCASE {direction}, m.id {direction}",
    SortColumn.SUBJECT: "m.subject COLLATE NOCASE {direction}, m.id {direction}",
    SortColumn.SIZE: "m.size {direction}, m.id {direction}",
    # Marker columns group first, newest first inside each group.
    SortColumn.SEEN: "m.seen {direction}, m.sort_date DESC, m.id DESC",
    SortColumn.FLAGGED: "m.flagged {direction}, m.sort_date DESC, m.id DESC",
    SortColumn.ATTACHMENTS: "m.has_attachments {direction}, m.sort_date DESC, m.id DESC",
}


class MessageListing(StoreBase):
    """Folder listings and full-text search results, as ordered ids."""

    #: Whether ids can be read as one JSON array (SQLite's JSON functions exist); found out once.
    _json_ids = True

    def message_ids(self, account_id: int | None, folder: str = Folder.INBOX, *,
                    sort: SortColumn = SortColumn.DATE, descending: bool = True, text: str = "",
                    quick: QuickFilter | None = None) -> list[int]:
        """The ids of a folder in display order: what a lazy list model holds (rows come later).

        ``text`` is a full-text search (see :mod:`app.core.store.search`): every word must occur in
        the subject, the addresses or the body; the last word may be unfinished (a prefix).
        Messages the indexer has not reached yet are matched on subject, sender and recipients.
        ``quick`` (the filter bar: unread, flagged, a tag...) is ANDed with it, in the same query.
        """
        from app.core.store.search import BROAD_SEARCH_HITS, match_lists_query, parse_query

        query = parse_query(text) if text.strip() else None
        if query is not None and query.match is not None:
            # The matches first, once, in any folder (FTS5 reads 98,000 of them in ~10 ms).
            lists = self._json_row(*match_lists_query(query))
            if lists is not None:
                indexed, forgotten, pending = (json.loads(value) for value in lists)
                if forgotten:
                    dropped = set(forgotten)
                    indexed = [message_id for message_id in indexed if message_id not in dropped]
                matches: list[int] = indexed + pending
                if len(matches) <= BROAD_SEARCH_HITS:
                    # Few: look each one up by id and sort them.
                    sql, parameters = self._lookup_query(account_id, folder, sort, descending, quick)
                    return self._read_ids(sql, [*parameters, json.dumps(matches)])
                # Many (a word in most mail): the folder in display order, filtered here. Testing
                # 95,000 ids against a Python set costs a few ms; SQLite's IN (subquery) builds a
                # b-tree of the matches and probes it, ~15-25 ms more (bench/README.md). The two
                # reads are two snapshots: a message stored in between shows at the next search.
                matched = set(matches)
                listing, parameters = self._message_ids_query(account_id, folder, sort, descending, "", quick)
                return list(filter(matched.__contains__, self._read_ids(listing, parameters)))
        sql, parameters = self._message_ids_query(account_id, folder, sort, descending, text, quick)
        return self._read_ids(sql, parameters)

    def _lookup_query(self, account_id: int | None, folder: str, sort: SortColumn,
                      descending: bool, quick: QuickFilter | None = None) -> tuple[str, list[Any]]:
        """The ids of a folder among those in a JSON array (the last parameter), in display order.
        The unary "+" keeps SQLite from walking the folder index instead of looking them up."""
        scope, parameters = self._folder_scope(account_id, folder, "+")
        if quick is not None and quick.active:
            condition, condition_parameters = filter_condition(quick)
            scope += " AND " + condition
            parameters += condition_parameters
        order = _ORDER_BY[sort].format(direction="DESC" if descending else "ASC")
        return (f"SELECT m.id FROM messages m WHERE {scope} AND m.id IN (SELECT value FROM json_each(?))"
                f" ORDER BY {order}", parameters)

    def _read_ids(self, sql: str, parameters: Sequence[Any]) -> list[int]:
        """The first column of ``sql`` (integers), in its order."""
        # One row per id costs ~0.35 us of Python objects each (35 ms for a 95,000-message inbox);
        # SQLite packs them into one JSON array instead and json.loads reads it back (~20 ms).
        # The array keeps the subquery's order: SQLite drops an ORDER BY under an aggregate only
        # for count(), min() and max() (test_search pins the order anyway).
        row = self._json_row(f"SELECT json_group_array(id) FROM ({sql})", parameters)
        if row is not None:
            ids: list[int] = json.loads(row[0])
            return ids
        return [row[0] for row in self._execute(sql, parameters)]

    def _json_row(self, sql: str, parameters: Sequence[Any]) -> tuple[Any, ...] | None:
        """The one row of a query built on SQLite's JSON functions; None when SQLite has none
        (built without them, before 3.38): the caller then takes a way without JSON."""
        if not self._json_ids:
            return None
        try:
            row: tuple[Any, ...] = self.db.execute(sql, parameters).fetchone()
        except sqlite3.OperationalError as error:
            missing = str(error)  # "no such function: json_group_array", "no such table: json_each"
            if not missing.startswith(("no such function: json", "no such table: json")):
                raise self._failure(error) from error
            self._json_ids = False
            return None
        except sqlite3.Error as error:
            raise self._failure(error) from error
        return row

    def _folder_scope(self, account_id: int | None, folder: str, plus: str) -> tuple[str, list[Any]]:
        """The WHERE condition for a folder of one account or all (``plus``: "+" hides the
        columns from the planner, so it uses no index for them). A user folder ("user:<id>")
        holds mail of any account: its key alone says what is in it."""
        where = f"{plus}m.folder = ?"
        parameters: list[Any] = [str(folder)]
        if account_id is not None and not str(folder).startswith("user:"):
            where += f" AND {plus}m.account_id = ?"
            parameters.append(account_id)
        return where, parameters

    def _message_ids_query(self, account_id: int | None, folder: str, sort: SortColumn, descending: bool,
                           text: str, quick: QuickFilter | None = None) -> tuple[str, list[Any]]:
        """The ids query in SQL alone: the folder listing, and search where SQLite has no JSON
        functions (or nothing searchable was typed)."""
        from app.core.store.search import BROAD_SEARCH_HITS, parse_query, search_condition

        direction = "DESC" if descending else "ASC"
        query = parse_query(text) if text.strip() else None
        # Counting stops at the threshold: a few ms even when nearly every message matches.
        broad = query is not None and (query.match is None or int(self._execute(
            "SELECT count(*) FROM (SELECT rowid FROM message_search WHERE message_search MATCH ? LIMIT ?)",
            (query.match, BROAD_SEARCH_HITS + 1)).fetchone()[0]) > BROAD_SEARCH_HITS)
        # A narrow search is driven by its matches: the unary "+" keeps SQLite from walking the
        # folder index instead (which it prefers on a store without ANALYZE statistics).
        where, parameters = self._folder_scope(account_id, folder, "+" if query is not None and not broad else "")
        if query is not None:
            condition, condition_parameters = search_condition(query, broad=broad)
            where += " AND " + condition
            parameters += condition_parameters
        if quick is not None and quick.active:
            condition, condition_parameters = filter_condition(quick)
            where += " AND " + condition
            parameters += condition_parameters
        order = _ORDER_BY[sort].format(direction=direction)
        return f"SELECT m.id FROM messages m WHERE {where} ORDER BY {order}", parameters
