"""The partial-message table (issue 18): migration 9 on an older store, and completing in place."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import pytest

from app.core.model import Account
from app.core.store import Profile, Store, UidState
from tests.core.test_search import _undo_migrations_after

HEADERS = b"From: a@example.com\r\nSubject: big one\r\n\r\n"
WHOLE = HEADERS + b"the body\r\n"


def test_a_schema_8_store_gets_the_column_and_keeps_its_mail_whole(tmp_path: Path) -> None:
    profile = Profile(tmp_path / "profile")
    with Store.open(profile) as store:
        account = store.add_account(Account(name="a", host="h", user="u"))
        store.add_message(account, "uid-1", WHOLE)
        store.commit()
    with contextlib.closing(sqlite3.connect(profile.database_path, isolation_level=None)) as connection:
        _undo_migrations_after(connection, 8)  # every later migration's tables and columns, whole_size too
    with Store.open(profile) as store:
        assert store.partial_count() == 0
        only = store.messages()[0]
        assert store.partial_message(only.id) is None and store.raw(only.id) == WHOLE


def test_complete_replaces_in_place_and_only_a_partial_message(tmp_path: Path) -> None:
    with Store.open(Profile(tmp_path / "profile")) as store:
        account = store.add_account(Account(name="a", host="h", user="u"))
        [partial] = store.add_partial_messages(account, [("uid-1", HEADERS, 5.0, 2_000_000)])
        assert store.partial_message(partial.id) is not None
        assert store.partial_ids(account.id or 0) == {"uid-1": partial.id}
        assert store.partial_message(partial.id).missing_octets == 2_000_000 - len(HEADERS)  # type: ignore[union-attr]
        assert store.known_uids(account.id or 0)["uid-1"].state is UidState.PARTIAL
        whole = store.complete_message(partial.id, WHOLE)
        assert (whole.id, whole.size, whole.subject) == (partial.id, len(WHOLE), "big one")
        assert store.raw(partial.id) == WHOLE and store.partial_count(account.id) == 0
        assert store.known_uids(account.id or 0)["uid-1"].state is UidState.STORED
        with pytest.raises(KeyError):
            store.complete_message(partial.id, WHOLE)
