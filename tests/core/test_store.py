"""The SQLite store: byte-exact blobs, accounts without secrets, migrations, UIDL state."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from app.core.errors import ConfigError, StoreError
from app.core.model import Account, Folder, LeaveMode, Security, ServerPolicy
from app.core.store import Profile, Store, UidState
from app.core.store.schema import SCHEMA_VERSION

HOSTILE = (b"From: =?gb2312?B?1cXI/Q==?= <a@example.cn>\r\nSubject: \xc4\xe3\xba\xc3\r\n\r\n"
           b"NUL \x00 here\r\nbare CR \r in a line\r\n.leading dot\r\n\xff\xfe\r\nno final newline")


@pytest.fixture
def store(tmp_path: Path) -> Store:
    opened = Store.open(Profile(tmp_path / "profile"))
    yield opened
    opened.close()


@pytest.fixture
def account(store: Store) -> Account:
    return store.add_account(Account(name="work", host="pop.example.com", user="alice",
                                     policy=ServerPolicy(LeaveMode.DELETE_AFTER_DAYS, delete_after_days=3)))


def test_raw_bytes_round_trip_exactly(store: Store, account: Account) -> None:
    summary = store.add_message(account, "uid-1", HOSTILE)
    store.commit()
    assert store.raw(summary.id) == HOSTILE
    assert summary.sha256 == hashlib.sha256(HOSTILE).hexdigest()
    assert summary.size == len(HOSTILE)
    assert summary.subject == "你好"  # raw 8-bit GBK header, decoded for display
    assert summary.sender == "张三 <a@example.cn>"


def test_uncommitted_messages_are_invisible_to_other_connections(store: Store, account: Account) -> None:
    store.add_message(account, "uid-1", b"Subject: x\r\n\r\n")
    other = Store(store.path)
    try:
        assert other.message_count() == 0
        store.commit()
        assert other.message_count() == 1
        assert set(other.known_uids(account.id or 0)) == {"uid-1"}
    finally:
        other.close()


def test_garbage_message_is_stored_with_empty_fields(store: Store, account: Account) -> None:
    garbage = bytes(range(256)) * 10
    summary = store.add_message(account, "uid-g", garbage)
    store.commit()
    assert store.raw(summary.id) == garbage
    assert store.messages()[0].uidl == "uid-g"


def test_messages_sorted_newest_first_with_missing_dates_by_arrival(store: Store, account: Account) -> None:
    store.add_message(account, "old", b"Date: Mon, 1 Jan 2024 10:00:00 +0000\r\nSubject: old\r\n\r\n", received_at=5.0)
    store.add_message(account, "new", b"Date: Mon, 1 Jan 2026 10:00:00 +0000\r\nSubject: new\r\n\r\n", received_at=1.0)
    store.add_message(account, "undated", b"Subject: undated\r\n\r\n", received_at=1_900_000_000.0)
    store.commit()
    assert [m.subject for m in store.messages()] == ["undated", "new", "old"]


def test_account_settings_round_trip_without_a_password_field(store: Store) -> None:
    original = Account(name="qq", host="pop.qq.com", user="12345@qq.com", security=Security.STARTTLS, port=110,
                       policy=ServerPolicy(LeaveMode.DELETE_WHEN_DELETED_LOCALLY, max_message_bytes=10_000_000),
                       ca_file="/tmp/ca.pem", use_apop=True, pipelining=False)
    saved = store.add_account(original)
    (loaded,) = store.accounts()
    assert loaded == saved
    (settings,) = store.db.execute("SELECT settings FROM accounts").fetchone()
    assert "remember_password" in settings
    # No field holds a password ("auth": "password" only names the way the account logs in).
    assert not {"password", "secret", "token"} & json.loads(settings).keys()


def test_duplicate_account_name_is_a_clear_error(store: Store, account: Account) -> None:
    with pytest.raises(ConfigError, match="already exists"):
        store.add_account(Account(name="work", host="h", user="u"))


def test_unknown_account_is_a_clear_error(store: Store) -> None:
    with pytest.raises(ConfigError, match="poplark account list"):
        store.account("nope")


def test_removing_an_account_removes_its_messages(store: Store, account: Account) -> None:
    store.add_message(account, "uid-1", b"x")
    store.commit()
    store.remove_account("work")
    assert store.message_count() == 0
    assert store.db.execute("SELECT count(*) FROM message_raw").fetchone()[0] == 0


def test_uid_state_transitions(store: Store, account: Account) -> None:
    assert account.id is not None
    store.add_message(account, "uid-1", b"x")
    store.commit()
    assert store.known_uids(account.id)["uid-1"].state is UidState.STORED
    store.mark_deleted_on_server(account.id, ["uid-1"])
    assert store.known_uids(account.id)["uid-1"].state is UidState.DELETED_ON_SERVER


def test_schema_is_versioned_and_in_wal_mode(store: Store) -> None:
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_reopening_does_not_migrate_again(tmp_path: Path) -> None:
    profile = Profile(tmp_path)
    Store.open(profile).close()
    with Store.open(profile) as again:
        assert again.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_newer_schema_is_refused_with_advice(tmp_path: Path) -> None:
    path = tmp_path / "poplark.sqlite3"
    connection = sqlite3.connect(path)
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    connection.close()
    with pytest.raises(StoreError, match="update Poplark"):
        Store(path)


def test_not_a_database_is_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / "poplark.sqlite3"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError):
        Store(path)


def test_profile_location_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POPLARK_HOME", str(tmp_path / "from-env"))
    assert Profile.locate().directory == tmp_path / "from-env"
    assert Profile.locate(str(tmp_path / "explicit")).directory == tmp_path / "explicit"
    monkeypatch.delenv("POPLARK_HOME")
    assert "oplark" in str(Profile.locate().directory)


def test_account_ids_are_never_reused(store: Store) -> None:
    # The id names the account's keyring entry: a new account must never inherit an old one's.
    first = store.add_account(Account(name="a", host="h", user="u"))
    store.remove_account("a")
    second = store.add_account(Account(name="b", host="h", user="u"))
    assert second.id != first.id
    assert second.credential_key != first.credential_key


def test_two_profiles_do_not_hand_out_the_same_account_id(tmp_path: Path) -> None:
    # One keyring serves every profile: the same id in two stores would share a password entry.
    keys = set()
    for index in range(5):
        with Store.open(Profile(tmp_path / f"profile-{index}")) as store:
            account = store.add_account(Account(name="work", host="pop.example.com", user="alice"))
            assert account.id is not None and 2**20 <= account.id < 2**30
            keys.add(account.credential_key)
    assert len(keys) == 5


def test_an_older_store_keeps_its_account_ids_and_new_ones_start_far_away(tmp_path: Path) -> None:
    from app.core.store.schema import _MIGRATIONS, _statements

    path = tmp_path / "old.sqlite3"
    connection = sqlite3.connect(path, isolation_level=None)
    for version, script in enumerate(_MIGRATIONS[:3], start=1):
        for statement in _statements(script):
            connection.execute(statement)
        connection.execute(f"PRAGMA user_version = {version}")
    connection.execute("INSERT INTO accounts (name, settings, created_at) VALUES ('old', ?, 0)",
                       ('{"host": "pop.example.com", "user": "alice"}',))
    connection.close()
    with Store(path) as store:
        assert [account.id for account in store.accounts()] == [1]
        newer = store.add_account(Account(name="new", host="pop.example.com", user="bob"))
        assert newer.id is not None and newer.id >= 2**20


def test_ids_in_display_order_and_rows_by_id(store: Store, account: Account) -> None:
    from app.core.model import SortColumn

    for index, subject in enumerate(["banana", "Apple", "cherry"]):
        store.add_message(account, f"u{index}", f"Subject: {subject}\r\n\r\n{'x' * index}".encode(),
                          received_at=100.0 + index)
    store.commit()
    by_date = store.message_ids(account.id)
    assert [store.summaries(by_date)[i].subject for i in by_date] == ["cherry", "Apple", "banana"]
    by_subject = store.message_ids(None, sort=SortColumn.SUBJECT, descending=False)
    summaries = store.summaries(by_subject)
    assert [summaries[i].subject for i in by_subject] == ["Apple", "banana", "cherry"]
    assert store.summaries([999_999]) == {}


def test_seen_flagged_trash_and_restore(store: Store, account: Account) -> None:
    from app.core.model import Folder

    assert account.id is not None
    first = store.add_message(account, "u1", b"Subject: one\r\n\r\n")
    second = store.add_message(account, "u2", b"Subject: two\r\n\r\n")
    store.commit()
    assert store.unread_counts() == {(account.id, "inbox"): 2}
    store.set_seen([first.id], True)
    store.set_flagged([second.id], True)
    assert store.unread_counts() == {(account.id, "inbox"): 1}
    assert store.message(second.id).flagged
    store.move_to_folder([second.id], Folder.TRASH)
    assert store.message_ids(account.id, Folder.TRASH) == [second.id]
    assert store.known_uids(account.id)["u2"].state is UidState.DELETED_LOCALLY
    store.move_to_folder([second.id], Folder.INBOX)
    assert store.known_uids(account.id)["u2"].state is UidState.STORED
    assert sorted(store.message_ids(account.id)) == sorted([first.id, second.id])


# -- mailbox actions ------------------------------------------------------------------------------

def mirror_account(store: Store, name: str = "mirror") -> Account:
    return store.add_account(Account(name=name, host="pop.example.com", user="bob",
                                     policy=ServerPolicy(LeaveMode.DELETE_WHEN_DELETED_LOCALLY)))


def test_restore_brings_trash_back_and_cancels_the_queued_dele(store: Store) -> None:
    from app.core.model import Folder

    account = mirror_account(store)
    assert account.id is not None
    kept = store.add_message(account, "u1", b"Subject: one\r\n\r\n")
    gone = store.add_message(account, "u2", b"Subject: two\r\n\r\n")
    store.commit()
    store.move_to_folder([kept.id, gone.id], Folder.TRASH)
    assert store.pending_server_deletions(account.id) == 2
    store.mark_deleted_on_server(account.id, ["u2"])  # the server already deleted this one
    store.restore([kept.id, gone.id])
    assert sorted(store.message_ids(account.id, Folder.INBOX)) == sorted([kept.id, gone.id])
    assert store.known_uids(account.id)["u1"].state is UidState.STORED
    assert store.known_uids(account.id)["u2"].state is UidState.DELETED_ON_SERVER
    assert store.pending_server_deletions() == 0


def test_empty_trash_removes_messages_but_remembers_their_uidls(store: Store, account: Account) -> None:
    from app.core.model import Folder

    mirror = mirror_account(store)
    assert account.id is not None and mirror.id is not None
    trashed = store.add_message(account, "u1", b"Subject: one\r\n\r\n")
    inbox = store.add_message(account, "u2", b"Subject: two\r\n\r\n")
    mirrored = store.add_message(mirror, "m1", b"Subject: three\r\n\r\n")
    store.commit()
    store.move_to_folder([trashed.id, mirrored.id], Folder.TRASH)
    assert store.pending_server_deletions() == 1  # only the mirror account DELEs local deletions
    assert store.empty_trash(account.id) == 1
    assert store.message_ids(account.id, Folder.TRASH) == []
    assert store.message_ids(mirror.id, Folder.TRASH) == [mirrored.id]  # another account's trash stays
    assert store.db.execute("SELECT count(*) FROM message_raw WHERE message_id = ?", (trashed.id,)).fetchone()[0] == 0
    assert store.known_uids(account.id)["u1"].state is UidState.DELETED_LOCALLY  # never downloaded again
    assert store.empty_trash() == 1
    assert store.pending_server_deletions(mirror.id) == 1  # still queued for DELE
    assert store.pending_server_deletions(account.id) == 0
    assert store.message_ids(account.id) == [inbox.id]
    # The UIDL state no longer points at a deleted (and reusable) message id.
    assert store.db.execute("SELECT count(*) FROM server_uids WHERE message_id IS NOT NULL").fetchone()[0] == 1
    assert store.empty_trash() == 0


def test_delete_for_good_removes_only_the_given_messages_in_trash(store: Store, account: Account) -> None:
    from app.core.model import Folder

    mirror = mirror_account(store)
    assert account.id is not None and mirror.id is not None
    doomed = store.add_message(account, "u1", b"Subject: one\r\n\r\nbody one\r\n")
    spared = store.add_message(account, "u2", b"Subject: two\r\n\r\n")
    in_inbox = store.add_message(account, "u3", b"Subject: three\r\n\r\n")
    mirrored = store.add_message(mirror, "m1", b"Subject: four\r\n\r\n")
    store.commit()
    store.write_search_entries([(doomed.id, "one", "", "body one")])
    store.move_to_folder([doomed.id, spared.id, mirrored.id], Folder.TRASH)
    assert store.delete_for_good([doomed.id, in_inbox.id, mirrored.id, 999_999]) == 2
    assert store.message_ids(account.id, Folder.TRASH) == [spared.id]
    assert store.message_ids(account.id, Folder.INBOX) == [in_inbox.id]  # not in Trash: left alone
    assert store.message_ids(mirror.id, Folder.TRASH) == []
    for gone in (doomed.id, mirrored.id):
        assert store.db.execute("SELECT count(*) FROM message_raw WHERE message_id = ?", (gone,)).fetchone()[0] == 0
    assert store.db.execute("SELECT count(*) FROM message_search_text WHERE message_id = ?",
                            (doomed.id,)).fetchone()[0] == 0
    assert store.message_ids(account.id, Folder.TRASH, text="one") == []
    known = store.known_uids(account.id)
    assert known["u1"].state is UidState.DELETED_LOCALLY  # remembered: never downloaded again
    assert store.pending_server_deletions(mirror.id) == 1  # still queued for DELE
    assert store.db.execute("SELECT message_id FROM server_uids WHERE uidl = 'u1'").fetchone()[0] is None
    assert store.delete_for_good([]) == 0


def test_gone_local_deletions_are_no_longer_pending(store: Store) -> None:
    from app.core.model import Folder

    account = mirror_account(store)
    assert account.id is not None
    first = store.add_message(account, "u1", b"Subject: one\r\n\r\n")
    second = store.add_message(account, "u2", b"Subject: two\r\n\r\n")
    store.commit()
    store.move_to_folder([first.id, second.id], Folder.TRASH)
    # Another client deleted u1 from the server: the listing shows only u2.
    assert store.forget_gone_local_deletions(account.id, ["u2"]) == 1
    assert store.pending_server_deletions(account.id) == 1
    assert store.known_uids(account.id)["u1"].state is UidState.GONE_FROM_SERVER
    store.restore([first.id])  # restoring it makes it an ordinary stored message again
    assert store.known_uids(account.id)["u1"].state is UidState.STORED


def test_import_stores_bytes_exactly_once_and_never_touches_server_state(store: Store, account: Account) -> None:
    from app.core.model import Folder

    assert account.id is not None
    imported = store.import_message(account.id, HOSTILE)
    assert store.raw(imported) == HOSTILE
    assert store.message(imported).subject == "你好"
    assert store.known_uids(account.id) == {}
    assert store.import_message(account.id, HOSTILE) == imported  # the same bytes again: no copy
    assert store.message_count() == 1
    other = store.import_message(account.id, HOSTILE + b"\r\n", Folder.TRASH)
    assert other != imported and store.message(other).folder == "trash"
    assert store.pending_server_deletions() == 0
    second_account = store.add_account(Account(name="second", host="h", user="u"))
    assert second_account.id is not None
    assert store.import_message(second_account.id, HOSTILE) not in (imported, other)
    with pytest.raises(ConfigError):
        store.import_message(999, HOSTILE)


def test_an_imported_copy_of_a_fetched_message_is_not_stored_twice(store: Store, account: Account) -> None:
    assert account.id is not None
    fetched = store.add_message(account, "u1", HOSTILE)
    store.commit()
    assert store.import_message(account.id, HOSTILE) == fetched.id


def test_dele_ignored_marker_is_per_account(store: Store, account: Account) -> None:
    other = store.add_account(Account(name="other", host="h", user="u"))
    assert account.id is not None and other.id is not None
    assert store.dele_ignored_at(account.id) is None
    store.set_dele_ignored_at(account.id, 123.0)
    assert store.dele_ignored_at(account.id) == 123.0
    assert store.dele_ignored_at(other.id) is None


def test_a_store_migrated_by_another_process_meanwhile_still_opens(tmp_path: Path) -> None:
    # The GUI's threads and a CLI started together after an upgrade all read the old version,
    # then queue for the write lock: whoever comes second must not run the migrations again.
    from app.core.store.schema import _MIGRATIONS, _statements, migrate

    path = tmp_path / "old.sqlite3"
    connection = sqlite3.connect(path, isolation_level=None)
    for version, script in enumerate(_MIGRATIONS[:2], start=1):
        for statement in _statements(script):
            connection.execute(statement)
        connection.execute(f"PRAGMA user_version = {version}")
    connection.close()

    class LateConnection(sqlite3.Connection):
        """Reads the old version, then another process migrates before it takes the lock."""

        raced = False

        def execute(self, sql: str, *arguments: object) -> sqlite3.Cursor:  # type: ignore[override]
            if sql == "PRAGMA user_version" and not self.raced:
                self.raced = True
                seen = super().execute(sql).fetchone()[0]
                other = sqlite3.connect(path, isolation_level=None)
                migrate(other)
                other.close()
                return super().execute("SELECT ?", (seen,))
            return super().execute(sql, *arguments)

    late = sqlite3.connect(path, isolation_level=None, factory=LateConnection)
    migrate(late)
    assert late.raced
    assert late.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    late.close()
    with Store(path) as store:
        assert store.accounts() == []


@pytest.mark.parametrize("raw", [
    # UTF-7 and unicode_escape decode to lone surrogates, which SQLite cannot take as text.
    b"Subject: =?utf-7?q?+2AA-?=\r\nFrom: =?utf-7?b?KzJBQS0=?= <a@example.com>\r\n\r\nbody",
    b"Subject: ok\r\nContent-Type: text/plain; charset=utf-7\r\n\r\n+2AA- hello",
    b"Subject: ok\r\nContent-Type: text/plain; charset=unicode_escape\r\n\r\n\\ud800 hello",
], ids=["utf-7-headers", "utf-7-body", "unicode-escape-body"])
def test_text_that_decodes_to_lone_surrogates_is_stored_and_indexed(store: Store, account: Account,
                                                                     raw: bytes) -> None:
    from app.core.store.search import index_all

    stored = store.add_messages(account, [("u1", raw, 1.0)])
    assert store.raw(stored[0].id) == raw
    assert index_all(store) == 1
    assert store.message_ids(None, text="hello" if b"hello" in raw else "body") == [stored[0].id]


@pytest.mark.parametrize("action", ["mark_deleted_on_server", "forget_gone_local_deletions"])
def test_a_failed_uid_state_update_is_a_store_error_and_releases_the_write_lock(
        store: Store, account: Account, action: str) -> None:
    # A write that fails half-way (disk full, say) must not leave the write lock taken: the GUI
    # and the next fetch would wait for it until this Store is closed.
    assert account.id is not None
    store.add_messages(account, [("u1", b"Subject: one\r\n\r\nx", 1.0)])
    store.move_to_folder([store.message_ids(account.id)[0]], Folder.TRASH)
    store.db.execute("CREATE TEMP TRIGGER fail_writes BEFORE UPDATE ON server_uids"
                     " BEGIN SELECT RAISE(ABORT, 'simulated write failure'); END")
    with pytest.raises(StoreError):
        if action == "mark_deleted_on_server":
            store.mark_deleted_on_server(account.id, ["u1"])
        else:
            store.forget_gone_local_deletions(account.id, [])
    other = sqlite3.connect(store.path, timeout=0.1, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
    finally:
        other.close()


def test_mailbox_actions_on_many_messages_fit_an_old_sqlites_parameter_limit(store: Store, account: Account) -> None:
    # SQLite before 3.32 allows 999 bound parameters per statement; some Python builds still link it.
    store.db.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)
    stored = store.add_messages(account, [(f"u{index}", b"Subject: x\r\n\r\nbody", 1.0) for index in range(1100)])
    ids = [summary.id for summary in stored]
    store.move_to_folder(ids, Folder.TRASH)
    store.restore(ids[:100])
    assert store.delete_for_good(ids) == 1000
    states = [state for (state,) in store.db.execute("SELECT state FROM server_uids")]
    assert states.count("deleted_locally") == 1000 and states.count("stored") == 100


def test_emptying_a_large_trash_releases_the_write_lock_between_chunks(store: Store, account: Account) -> None:
    # One transaction for a big Trash kept every other writer (a click in the window, a fetch of
    # another process) waiting for seconds; each chunk is a transaction of its own.
    from app.core.store.folders import DELETE_CHUNK

    count = 2 * DELETE_CHUNK + 7
    store.add_messages(account, [(f"u{number}", b"Subject: %d\r\n\r\nbody\r\n" % number, 0.0)
                                 for number in range(count)])
    ids = store.message_ids(None)
    store.move_to_folder(ids, Folder.TRASH)
    kept = ids[0]
    store.restore([kept])
    statements: list[str] = []
    store.db.set_trace_callback(statements.append)
    try:
        assert store.empty_trash() == count - 1
    finally:
        store.db.set_trace_callback(None)
    assert statements.count("COMMIT") == 3
    assert store.message_ids(None) == [kept]
