"""Full-text search on a real SQLite store: Chinese 2-character words, English words and prefixes,
addresses, hostile query text, filters and sort order, the not-yet-indexed fallback, deletion."""

from __future__ import annotations

import base64
import json
import sqlite3
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.model import Account, Folder, SortColumn
from app.core.store import Profile, Store
from app.core.store.search import index_all, index_pending, index_text, parse_query


def message(subject: str, sender: str, body: str, to: str = "me@example.com") -> bytes:
    encoded = base64.b64encode(body.encode("utf-8")).decode("ascii")
    subject_word = "=?utf-8?b?" + base64.b64encode(subject.encode("utf-8")).decode("ascii") + "?="
    return (f"From: {sender}\r\nTo: {to}\r\nSubject: {subject_word}\r\nMIME-Version: 1.0\r\n"
            f"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            f"{encoded}\r\n").encode()  # RFC 6532: a raw UTF-8 From is fine


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(Profile(tmp_path / "profile"))
    yield opened
    opened.close()


@pytest.fixture
def accounts(store: Store) -> tuple[Account, Account]:
    return (store.add_account(Account(name="work", host="h", user="u")),
            store.add_account(Account(name="home", host="h", user="u")))


@pytest.fixture
def ids(store: Store, accounts: tuple[Account, Account]) -> dict[str, int]:
    work, home = accounts
    stored = {
        "meeting": store.add_message(work, "u1", message("关于下周会议的安排", "张三 <zhang@example.cn>",
                                                          "请各位准时参加。Budget review at 10."),
                                     received_at=100.0),
        "lunch": store.add_message(work, "u2", message("Lunch on Friday", "Alice <alice@example.com>",
                                                        "Shall we meet at the café?"), received_at=200.0),
        "report": store.add_message(home, "u3", message("Quarterly REPORT", "bob@example.org",
                                                         "The numbers: 会 alone, and meetings."),
                                    received_at=300.0),
    }
    store.commit()
    return {name: summary.id for name, summary in stored.items()}


def search(store: Store, text: str, account_id: int | None = None, folder: Folder = Folder.INBOX) -> set[int]:
    return set(store.message_ids(account_id, folder, text=text))


def test_index_text_turns_cjk_runs_into_bigrams() -> None:
    assert index_text("关于下周会议").split() == ["关于", "于下", "下周", "周会", "会议"]
    assert index_text("Q3会议plan").split() == ["Q3", "会议", "plan"]
    assert index_text("会 alone").split() == ["会", "alone"]


def _reference_index_text(text: str) -> str:
    """The definition, character by character: every maximal CJK run becomes its bigrams."""
    out: list[str] = []
    run = ""
    for character in text + "\n":
        if _is_cjk(character):
            run += character
            continue
        if run:
            out.append(" " + (run if len(run) == 1 else " ".join(run[i:i + 2] for i in range(len(run) - 1))) + " ")
            run = ""
        out.append(character)
    return "".join(out)[:-1]


def _is_cjk(character: str) -> bool:
    code = ord(character)
    return any(low <= code <= high for low, high in (
        (0x3040, 0x30FF), (0x31F0, 0x31FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xAC00, 0xD7AF),
        (0xF900, 0xFAFF), (0x20000, 0x3134F)))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab é\n。、会议关于𠀀𱍏ｶ가힣ぁヿ\u303f\u3040\ud7b0") | st.characters(),
               max_size=40))
def test_index_text_matches_its_definition_on_any_text(text: str) -> None:
    # The fast paths (ASCII, nothing above U+3040) and the split must not change a token.
    assert index_text(text) == _reference_index_text(text)


def test_two_character_chinese_word_inside_a_subject_is_found(store: Store, ids: dict[str, int]) -> None:
    assert index_all(store) == 3
    assert search(store, "会议") == {ids["meeting"]}
    assert search(store, "下周会议") == {ids["meeting"]}
    assert search(store, "准时") == {ids["meeting"]}  # in the base64 body
    assert search(store, "张三") == {ids["meeting"]}  # a sender's name
    assert search(store, "会议安排") == set()  # not adjacent: a phrase, not two loose words


def test_english_words_are_case_insensitive_and_the_last_word_a_prefix(store: Store, ids: dict[str, int]) -> None:
    index_all(store)
    assert search(store, "report") == {ids["report"]}
    assert search(store, "quarterly report") == {ids["report"]}
    assert search(store, "LUNCH") == {ids["lunch"]}
    assert search(store, "lun") == {ids["lunch"]}  # still typing
    assert search(store, "lun ") == set()  # the word is finished: no prefix any more
    assert search(store, "meet") == {ids["lunch"], ids["report"]}  # meet, meetings
    assert search(store, "cafe") == {ids["lunch"]}  # diacritics folded
    assert search(store, "budget review") == {ids["meeting"]}


def test_addresses_are_found_whole_and_while_typing(store: Store, ids: dict[str, int]) -> None:
    index_all(store)
    assert search(store, "alice@example.com") == {ids["lunch"]}
    assert search(store, "alice@exa") == {ids["lunch"]}
    assert search(store, "bob@example.org") == {ids["report"]}
    assert search(store, "me@example.com") == set(ids.values())  # recipients are indexed too


@pytest.mark.parametrize("text", ['"', 'AND (', '*', 'NEAR(', 'subject:x', '^', '-', '""*', "OR", "a'b", "(((",
                                  "\\", "%", "_", "NOT lunch"])
def test_query_syntax_in_user_input_never_raises(store: Store, ids: dict[str, int], text: str) -> None:
    index_all(store)
    assert isinstance(store.message_ids(None, text=text), list)
    assert isinstance(store.message_ids(None, text=text + " report"), list)


def test_fts_operators_are_searched_as_words(store: Store, ids: dict[str, int]) -> None:
    index_all(store)
    assert search(store, "NOT lunch") == set()  # "not" must occur too; it does not negate
    assert parse_query("a OR b").match == '"a" AND "OR" AND "b" *'


def test_account_folder_and_sort_order_apply_to_results(store: Store, accounts: tuple[Account, Account],
                                                        ids: dict[str, int]) -> None:
    work, home = accounts
    index_all(store)
    assert search(store, "meet", work.id) == {ids["lunch"]}
    assert search(store, "meet", home.id) == {ids["report"]}
    assert store.message_ids(None, text="example", sort=SortColumn.DATE, descending=True) == [
        ids["report"], ids["lunch"], ids["meeting"]]
    assert store.message_ids(None, text="example", sort=SortColumn.SUBJECT, descending=False) == [
        ids["lunch"], ids["report"], ids["meeting"]]
    store.move_to_folder([ids["lunch"]], Folder.TRASH)
    assert search(store, "lunch") == set()
    assert search(store, "lunch", folder=Folder.TRASH) == {ids["lunch"]}


def test_unindexed_messages_are_found_by_subject_and_sender(store: Store, ids: dict[str, int]) -> None:
    # Nothing indexed yet: a message fetched a moment ago is still found by its subject.
    assert search(store, "会议") == {ids["meeting"]}
    assert search(store, "Lunch") == {ids["lunch"]}
    assert search(store, "alice@example.com") == {ids["lunch"]}
    assert search(store, "准时") == set()  # body text waits for the indexer
    assert index_pending(store, batch=2) == 2
    assert store.pending_search_count() == 1
    assert search(store, "会议") == {ids["meeting"]}
    assert search(store, "准时") == {ids["meeting"]}
    assert index_pending(store) == 1
    assert index_pending(store) == 0
    assert search(store, "numbers") == {ids["report"]}


def index_hits(store: Store, match: str) -> set[int]:
    """Row ids in the FTS index itself (no messages table, no pending fallback)."""
    rows = store.db.execute("SELECT rowid FROM message_search WHERE message_search MATCH ?", (match,))
    return {row[0] for row in rows}


def assert_index_consistent(store: Store) -> None:
    store.db.execute("INSERT INTO message_search (message_search) VALUES ('integrity-check')")
    assert store.db.execute("SELECT count(*) FROM message_search_deleted").fetchone()[0] == 0


def test_index_rows_go_with_their_messages(store: Store, accounts: tuple[Account, Account],
                                           ids: dict[str, int]) -> None:
    index_all(store)
    texts = "SELECT message_id FROM message_search_text ORDER BY message_id"
    assert index_hits(store, "example") == set(ids.values())  # every message is to me@example.com
    assert [row[0] for row in store.db.execute(texts)] == sorted(ids.values())
    store.move_to_folder([ids["lunch"]], Folder.TRASH)
    assert store.empty_trash() == 1
    # Gone from the index itself, not only hidden by the join with messages.
    assert index_hits(store, "example") == {ids["meeting"], ids["report"]}
    assert index_hits(store, "lunch") == set()
    store.remove_account("home")
    assert index_hits(store, "example") == {ids["meeting"]}
    assert [row[0] for row in store.db.execute(texts)] == [ids["meeting"]]
    assert search(store, "report") == set()
    assert_index_consistent(store)


def test_a_deleted_id_given_to_a_new_message_never_matches_the_old_text(
        store: Store, accounts: tuple[Account, Account], ids: dict[str, int]) -> None:
    """SQLite gives the highest id again once its row is gone: the new message must not be
    found by the old message's words, whichever path deleted the old one."""
    index_all(store)
    newest = ids["report"]
    # A deletion that does not purge (any future code path, a cascade): the trigger notes it.
    store.db.execute("DELETE FROM messages WHERE id = ?", (newest,))
    assert store.db.execute("SELECT message_id FROM message_search_deleted").fetchall() == [(newest,)]
    newcomer = store.add_message(accounts[0], "u4", message("Holiday plans", "carol@example.net", "beach"))
    store.commit()
    assert newcomer.id == newest
    assert search(store, "quarterly") == set()  # the old row is still in the index, but skipped
    assert search(store, "numbers") == set()
    assert search(store, "holiday") == {newest}  # found by subject while pending
    assert index_all(store) == 1  # forgets the old row before it writes the new one
    assert index_hits(store, "quarterly") == set()
    assert search(store, "beach") == {newest}
    assert search(store, "holiday") == {newest}
    assert_index_consistent(store)


def test_indexed_text_is_kept_compressed_and_comes_back_exactly(store: Store, ids: dict[str, int]) -> None:
    from app.core.store.search_index import _pack_search_text, _unpack_search_text

    index_all(store)
    body = index_text("关于下周会议 " * 500) + " \ud800 \x00 café"
    packed = _pack_search_text("s", "a", body)
    assert len(packed) < len(body.encode("utf-8", "surrogatepass")) / 10
    assert _unpack_search_text(packed) == ("s", "a", body)
    stored = store.db.execute("SELECT text FROM message_search_text WHERE message_id = ?",
                              (ids["meeting"],)).fetchone()[0]
    subject, addresses, _ = _unpack_search_text(stored)
    assert subject == index_text("关于下周会议的安排")
    assert "zhang@example.cn" in addresses
    # Rows packed by earlier versions (JSON) still come back, so their index rows can be forgotten.
    legacy = zlib.compress(json.dumps(["s\x00", "a", body], ensure_ascii=False).encode("utf-8", "surrogatepass"))
    assert _unpack_search_text(legacy) == ("s\x00", "a", body)
    assert _unpack_search_text(_pack_search_text("", "[", "")) == ("", "[", "")


def test_rows_packed_with_zlib_before_lz4_still_let_their_messages_be_forgotten(
        store: Store, ids: dict[str, int]) -> None:
    from app.core.store.search_index import _LENGTHS, _PACKED_V2, _unpack_search_text

    index_all(store)
    stored = store.db.execute("SELECT text FROM message_search_text WHERE message_id = ?",
                              (ids["meeting"],)).fetchone()[0]
    assert stored.startswith(b"\x02")  # written now: LZ4
    subject, addresses, body = _unpack_search_text(stored)
    parts = [text.encode("utf-8", "surrogatepass") for text in (subject, addresses, body)]
    as_before = zlib.compress(_PACKED_V2 + _LENGTHS.pack(len(parts[0]), len(parts[1])) + b"".join(parts), 1)
    store.db.execute("UPDATE message_search_text SET text = ? WHERE message_id = ?", (as_before, ids["meeting"]))
    assert _unpack_search_text(as_before) == (subject, addresses, body)
    assert search(store, "会议") == {ids["meeting"]}
    store.move_to_folder([ids["meeting"]], Folder.TRASH)
    store.empty_trash()  # forgets the index row with the zlib text
    assert index_hits(store, "会议") == set()
    assert store.db.execute("SELECT count(*) FROM message_search_text WHERE message_id = ?",
                            (ids["meeting"],)).fetchone()[0] == 0


def test_a_message_deleted_while_its_text_is_extracted_gets_no_index_row(
        store: Store, ids: dict[str, int]) -> None:
    entries = [(ids["lunch"], "lunch", "", "")]
    store.move_to_folder([ids["lunch"]], Folder.TRASH)
    store.empty_trash()
    assert store.write_search_entries(entries) == 0
    assert index_hits(store, "lunch") == set()
    assert store.db.execute("SELECT count(*) FROM message_search_text").fetchone()[0] == 0


def test_an_id_given_twice_in_a_batch_is_indexed_once(store: Store, ids: dict[str, int]) -> None:
    entries = [(ids["lunch"], "lunch", "", "first"), (ids["lunch"], "lunch", "", "second")]
    assert store.write_search_entries(entries) == 1
    assert index_hits(store, "first") == {ids["lunch"]}
    assert index_hits(store, "second") == set()
    assert store.write_search_entries(entries) == 0  # indexed already: nothing is written again
    assert store.db.execute("SELECT count(*) FROM message_search_text").fetchone()[0] == 1


def test_a_message_replaced_under_its_id_while_its_text_is_extracted_keeps_its_own_text(
        store: Store, accounts: tuple[Account, Account], ids: dict[str, int],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The indexer reads text with no transaction open: meanwhile the newest message may be
    deleted for good and a fetch may store a new one under the same id. The old text must not
    be written for the newcomer (it would be found by words it does not have, never by its own)."""
    from app.core.store import search as search_module

    newest = ids["report"]
    real_text = search_module.message_text
    newcomers = []

    def text_while_the_user_deletes(raw: bytes) -> str:
        if b"bob@example.org" in raw and not newcomers:
            store.move_to_folder([newest], Folder.TRASH)
            store.delete_for_good([newest])
            newcomers.append(store.add_messages(accounts[0], [("u4", message("Holiday plans", "carol@example.net",
                                                                             "beach"), 1.0)])[0])
        return real_text(raw)

    monkeypatch.setattr(search_module, "message_text", text_while_the_user_deletes)
    index_all(store)
    assert newcomers and newcomers[0].id == newest
    assert search(store, "quarterly") == set()
    assert search(store, "numbers") == set()
    assert search(store, "beach") == {newest}
    assert search(store, "holiday") == {newest}


def test_broken_message_is_indexed_by_its_headers(store: Store, accounts: tuple[Account, Account]) -> None:
    broken = store.add_message(accounts[0], "u9", b"Subject: broken \xff\xfe\r\nContent-Type: multipart/mixed\r\n"
                                                  b"\r\n--x\r\n\x00\x00garbage")
    store.commit()
    assert index_all(store) == 1
    assert search(store, "broken") == {broken.id}


def test_migration_marks_existing_messages_pending(tmp_path: Path) -> None:
    """A store from schema 2 gets the index empty and every message pending."""
    import sqlite3

    from app.core.store import schema

    path = tmp_path / "old.sqlite3"
    connection = sqlite3.connect(path, isolation_level=None)
    for target in (1, 2):
        for statement in schema._statements(schema._MIGRATIONS[target - 1]):
            connection.execute(statement)
    connection.execute("PRAGMA user_version = 2")
    connection.execute("INSERT INTO accounts (id, name, settings, created_at) VALUES (1, 'a', '{}', 0)")
    connection.execute("INSERT INTO messages (id, account_id, uidl, received_at, sort_date, subject, size, sha256)"
                       " VALUES (1, 1, 'u', 0, 0, 'old subject', 1, 'x')")
    connection.execute("INSERT INTO message_raw (message_id, raw) VALUES (1, ?)", (b"Subject: old subject\r\n\r\nhi",))
    connection.close()
    with Store(path) as store:
        assert store.pending_search_count() == 1
        assert store.message_ids(None, text="old") == [1]
        assert index_all(store) == 1
        assert store.message_ids(None, text="hi") == [1]


def _undo_migrations_after(connection: sqlite3.Connection, version: int) -> None:
    """Take a store back to ``version``: drop what later migrations added (tables, indexes,
    triggers, columns), found by comparing with a store made by the first ``version`` only, so
    each new migration needs no line here."""
    from app.core.store import schema

    reference = sqlite3.connect(":memory:", isolation_level=None)
    for migration in schema._MIGRATIONS[:version]:
        for statement in schema._statements(migration):
            reference.execute(statement)

    def objects(db: sqlite3.Connection) -> dict[str, str]:
        return dict(db.execute("SELECT name, type FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
                               " AND name NOT LIKE 'message_search_%'"))

    kept = objects(reference)
    extra = {name: kind for name, kind in objects(connection).items() if name not in kept}
    for kind in ("trigger", "index", "table"):
        for name in (name for name, other in extra.items() if other == kind):
            connection.execute(f"DROP {kind.upper()} IF EXISTS {name}")
    for table in (name for name, kind in kept.items() if kind == "table"):
        wanted = {row[1] for row in reference.execute(f"PRAGMA table_info({table})")}
        for column in [row[1] for row in connection.execute(f"PRAGMA table_info({table})")]:
            if column not in wanted:
                connection.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    connection.execute(f"PRAGMA user_version = {version}")


def test_schema_8_remakes_the_index_with_a_one_character_prefix_index(store: Store, ids: dict[str, int]) -> None:
    """A store indexed under schema 7 (prefixes of 1 and 2) is indexed again, and found the same."""
    from app.core.store import schema

    index_all(store)
    store.purge_search_index()
    path = store.path
    store.close()
    connection = sqlite3.connect(path, isolation_level=None)
    # Back to the schema 7 index, with a deleted message's row still to forget, as a user has it.
    connection.execute("DROP TABLE message_search")
    schema_3 = schema._MIGRATIONS[2]
    connection.execute(schema_3[schema_3.index("CREATE VIRTUAL TABLE"):].split(";")[0])  # prefix = '1 2'
    connection.execute("UPDATE messages SET indexed = 1")
    connection.execute("INSERT INTO message_search_deleted (message_id) VALUES (999)")
    _undo_migrations_after(connection, 7)
    connection.close()
    with Store(path) as again:
        definition = again.db.execute("SELECT sql FROM sqlite_master WHERE name = 'message_search'").fetchone()[0]
        assert "prefix = '1'" in definition and "'1 2'" not in definition
        assert again.pending_search_count() == len(ids)
        assert again.db.execute("SELECT count(*) FROM message_search_text").fetchone()[0] == 0
        assert search(again, "Friday") == {ids["lunch"]}  # by subject while pending
        assert index_all(again) == len(ids)
        assert search(again, "准时") == {ids["meeting"]}  # body text, indexed again
        assert search(again, "caf") == {ids["lunch"]}  # a word still being typed
        assert search(again, "会") == {ids["meeting"], ids["report"]}  # one CJK character: the prefix index
        assert_index_consistent(again)


def test_cli_search_indexes_first_and_lists_matches(store: Store, ids: dict[str, int],
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from app.cli import main

    directory = str(store.path.parent)
    store.close()  # the command opens its own connection, as a separate process would
    assert main(["--profile", directory, "search", "--json", "准时"]) == 0  # body text: needs the index
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["id"] for line in lines] == [ids["meeting"]]
    assert lines[0]["subject"] == "关于下周会议的安排"
    assert main(["--profile", directory, "search", "--account", "home", "meet"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1 and out[0].split()[0] == str(ids["report"])
    assert main(["--profile", directory, "search", "--folder", "trash", "meet"]) == 0
    assert capsys.readouterr().out == ""
    assert main(["--profile", directory, "search", 'AND ("']) == 0
    with Store(store.path) as again:
        assert again.pending_search_count() == 0


def test_text_is_extracted_outside_any_transaction(store: Store, ids: dict[str, int],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A fetch on another connection must never wait while the indexer parses messages."""
    from app.core.store import search as search_module

    seen: list[bool] = []
    original = search_module.message_text

    def spying(raw: bytes) -> str:
        seen.append(store.db.in_transaction)
        other = Store(store.path)  # another writer gets the lock at once (it would wait 10 s)
        try:
            other.set_dele_ignored_at(1, None)
        finally:
            other.close()
        return original(raw)

    monkeypatch.setattr(search_module, "message_text", spying)
    assert index_pending(store) == 3
    assert seen == [False, False, False]
    assert search(store, "准时") == {ids["meeting"]}


def test_a_pasted_page_of_text_is_a_bounded_query(store: Store, ids: dict[str, int]) -> None:
    index_all(store)
    words = "budget review " * 20_000
    assert store.message_ids(None, text=words) == [ids["meeting"]]
    assert parse_query(words).match is not None and parse_query(words).match.count('"') == 64


def test_a_batch_stops_early_when_its_text_is_large(store: Store, ids: dict[str, int],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from app.core.store import search as search_module

    monkeypatch.setattr(search_module, "BATCH_TEXT_LIMIT", 1)  # every body is "large"
    assert [index_pending(store), index_pending(store), index_pending(store), index_pending(store)] == [1, 1, 1, 0]
    assert search(store, "准时") == {ids["meeting"]}


def test_any_text_at_all_searches_without_raising(tmp_path: Path) -> None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    with Store.open(Profile(tmp_path / "fuzz")) as fuzz_store:
        account = fuzz_store.add_account(Account(name="a", host="h", user="u"))
        fuzz_store.add_message(account, "u1", message("关于下周会议的安排", "a@example.com", "hello world"))
        fuzz_store.add_message(account, "u2", message("pending", "b@example.com", "not indexed"))
        fuzz_store.commit()
        index_pending(fuzz_store, batch=1)  # one indexed, one still pending: both paths run

        syntax = st.sampled_from([*'"*():^-+{}[],.@_%\\\'\x00 \t', "AND", "OR", "NOT", "NEAR", "会议", "hel"])

        @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
        @given(st.lists(st.one_of(syntax, st.text(max_size=4)), max_size=12).map("".join))
        def check(text: str) -> None:
            found = fuzz_store.message_ids(None, text=text)
            assert set(found) <= {1, 2}

        check()
        for text in ("\ud800", "会议\udcff", "\x00", "hel\x00lo"):  # lone surrogates: undecodable argv bytes
            assert isinstance(fuzz_store.message_ids(None, text=text), list)
        assert fuzz_store.message_ids(None, text="会议\udcff") == [1]


def test_every_path_returns_the_same_ids_in_display_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The ids come back as one JSON array (fast path), filtered in Python when a search is
    broad, looked up by id when narrow, or row by row in plain SQL (an SQLite without JSON
    functions): all four must give what the SQL ORDER BY gives, ties included."""
    import random

    from app.core.store import search as search_module

    chooser = random.Random(7)
    with Store.open(Profile(tmp_path / "order")) as order_store:
        work = order_store.add_account(Account(name="work", host="h", user="u"))
        home = order_store.add_account(Account(name="home", host="h", user="u"))
        words = ["alpha", "beta", "会议", "gamma"]
        for number in range(120):
            subject = " ".join(chooser.sample(words, 2)) + f" {chooser.choice('abcxyz')}"
            sender = f"{chooser.choice(['zed', 'amy', 'Bob'])}@example.com"
            raw = message(subject, sender, "x" * chooser.randrange(50))
            account = work if number % 3 else home
            order_store.add_message(account, f"u{number}", raw, received_at=float(chooser.randrange(40)))
        order_store.commit()
        index_pending(order_store, batch=100)  # 20 left pending: the LIKE fallback takes part
        order_store.set_seen([1, 5, 9, 30], True)
        order_store.set_flagged([2, 5, 77], True)
        order_store.move_to_folder([3, 4, 50], Folder.TRASH)

        def reference(account_id: int | None, sort: SortColumn, descending: bool, text: str) -> list[int]:
            sql, parameters = order_store._message_ids_query(account_id, Folder.INBOX, sort, descending, text)
            return [row[0] for row in order_store.db.execute(sql, parameters)]

        for account_id in (None, work.id):
            for sort in SortColumn:
                for descending in (True, False):
                    for text in ("", "alpha", "会议", "gam", "example.com", "nothing"):
                        expected = reference(account_id, sort, descending, text)
                        assert len(set(expected)) == len(expected)
                        for threshold in (0, 10_000):  # broad, narrow
                            monkeypatch.setattr(search_module, "BROAD_SEARCH_HITS", threshold)
                            order_store._json_ids = True
                            found = order_store.message_ids(account_id, sort=sort, descending=descending, text=text)
                            assert found == expected, (account_id, sort, descending, text, threshold)
                            order_store._json_ids = False
                            found = order_store.message_ids(account_id, sort=sort, descending=descending, text=text)
                            assert found == expected, (account_id, sort, descending, text, threshold)
        assert reference(None, SortColumn.DATE, True, "alpha")  # the searches above found something
        assert len(reference(None, SortColumn.DATE, True, "")) == 117


def test_ids_are_read_row_by_row_when_sqlite_has_no_json_functions(
        store: Store, ids: dict[str, int]) -> None:
    """SQLite before 3.38 may be built without json_group_array() and json_each()."""
    import sqlite3

    index_all(store)
    real = store.db

    class WithoutJson:
        def execute(self, sql: str, parameters: object = ()) -> sqlite3.Cursor:
            if "json_" in sql:
                raise sqlite3.OperationalError("no such function: json_group_array")
            return real.execute(sql, parameters)  # type: ignore[arg-type]

    store.db = WithoutJson()  # type: ignore[assignment]
    try:
        assert store.message_ids(None, text="example") == [ids["report"], ids["lunch"], ids["meeting"]]
        assert store._json_ids is False
        assert search(store, "会议") == {ids["meeting"]}
        assert store.message_ids(None) == [ids["report"], ids["lunch"], ids["meeting"]]
    finally:
        store.db = real


@pytest.mark.parametrize("seed", range(6))
def test_search_agrees_with_a_plain_model_through_adds_deletes_and_reused_ids(tmp_path: Path, seed: int) -> None:
    """Random fetches, indexing, trash, restore, empty Trash, account removal and deletions that
    bypass the Store (reused ids): every search gives exactly the messages whose subject has
    the word, and the index stays consistent."""
    import random

    chooser = random.Random(seed)
    vocabulary = ["kiwi", "plum", "fig", "lime", "pear", "会议", "报告"]
    with Store.open(Profile(tmp_path / f"model{seed}")) as model_store:
        accounts = [model_store.add_account(Account(name=f"a{number}", host="h", user="u")) for number in range(3)]
        live = list(accounts)
        subjects: dict[int, set[str]] = {}  # id -> words, for every message that exists
        folders: dict[int, Folder] = {}
        owners: dict[int, int] = {}
        uid = 0
        for _ in range(120):
            action = chooser.choice(["add", "add", "add", "index", "trash", "restore", "empty", "raw delete",
                                     "remove account"])
            if action == "add":
                for _ in range(chooser.randrange(1, 6)):
                    uid += 1
                    words = set(chooser.sample(vocabulary, chooser.randrange(1, 3)))
                    account = chooser.choice(live)
                    added = model_store.add_message(account, f"u{uid}", message(" ".join(sorted(words)),
                                                                                "x@example.com", "text"))
                    assert added.id not in subjects
                    subjects[added.id], folders[added.id], owners[added.id] = words, Folder.INBOX, account.id
                model_store.commit()
            elif action == "index":
                index_pending(model_store, batch=chooser.randrange(1, 8))
            elif action in ("trash", "restore") and subjects:
                picked = chooser.sample(sorted(subjects), min(len(subjects), chooser.randrange(1, 4)))
                target = Folder.TRASH if action == "trash" else Folder.INBOX
                model_store.move_to_folder(picked, target)
                folders.update(dict.fromkeys(picked, target))
            elif action == "empty":
                gone = [message_id for message_id, folder in folders.items() if folder is Folder.TRASH]
                assert model_store.empty_trash() == len(gone)
                for message_id in gone:
                    del subjects[message_id], folders[message_id], owners[message_id]
            elif action == "raw delete" and subjects:
                newest = max(subjects)  # its id is the one SQLite gives again
                model_store.db.execute("DELETE FROM messages WHERE id = ?", (newest,))
                del subjects[newest], folders[newest], owners[newest]
            elif action == "remove account" and len(live) > 1 and chooser.random() < 0.3:
                account = live.pop(chooser.randrange(len(live)))
                model_store.remove_account(account.name)
                for message_id in [key for key, owner in owners.items() if owner == account.id]:
                    del subjects[message_id], folders[message_id], owners[message_id]
            for word in vocabulary:
                for folder in (Folder.INBOX, Folder.TRASH):
                    expected = {message_id for message_id, words in subjects.items()
                                if word in words and folders[message_id] is folder}
                    assert search(model_store, word + " ", folder=folder) == expected, (action, word, folder)
        index_all(model_store)
        assert_index_consistent(model_store)
        for word in vocabulary:
            assert index_hits(model_store, word) == {key for key, words in subjects.items() if word in words}


def test_only_the_first_body_text_limit_characters_are_indexed(store: Store, accounts: tuple[Account, Account]) -> None:
    from app.core.store.search import BODY_TEXT_LIMIT

    filler = "filler " * (BODY_TEXT_LIMIT // 7)
    long = store.add_message(accounts[0], "u-long", message("Digest", "list@example.com",
                                                            "opening " + filler + " closing"))
    store.commit()
    index_all(store)
    assert search(store, "opening") == {long.id}
    assert search(store, "closing") == set()  # past the limit: not in the index


def with_attachment(text: str, attachment_bytes: int, *, text_first: bool) -> bytes:
    """A multipart/mixed message: a text part and a base64 attachment, in either order."""
    encoded = base64.encodebytes(bytes(range(256)) * (attachment_bytes // 256)).decode("ascii")
    text_part = f"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{text}\r\n"
    file_part = ("--b\r\nContent-Type: application/octet-stream; name=data.bin\r\n"
                 f"Content-Transfer-Encoding: base64\r\n\r\n{encoded}\r\n")
    parts = text_part + file_part if text_first else file_part + text_part
    return (f"From: a@example.com\r\nTo: me@example.com\r\nSubject: Data\r\nMIME-Version: 1.0\r\n"
            f"Content-Type: multipart/mixed; boundary=b\r\n\r\n{parts}--b--\r\n").encode()


def test_the_text_of_a_big_message_is_read_from_its_first_mib(store: Store, accounts: tuple[Account, Account]) -> None:
    from app.core.store.search import INDEX_READ_LIMIT

    first = store.add_message(accounts[0], "u-first", with_attachment("quokka sighting", 3 << 20, text_first=True))
    late = store.add_message(accounts[0], "u-late", with_attachment("wombat burrow", 2 * INDEX_READ_LIMIT,
                                                                     text_first=False))
    store.commit()
    assert len(store.raw(first.id)) > 3 << 20
    index_all(store)
    assert search(store, "quokka") == {first.id}  # the usual layout: the text before the attachment
    # The documented limit: text that only starts after the first MiB is not read for the index
    # (the message is still found by its subject and sender, and shown whole).
    assert search(store, "wombat") == set()
    assert search(store, "data") == {first.id, late.id}
