"""Opening a damaged, foreign or newer mail store: never overwritten, kept aside or refused.

Every case builds a real store file, damages it the way disks and users do, and opens it with
:class:`Store` as the app does.
"""

from __future__ import annotations

import hashlib
import random
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app.core.errors import StoreError
from app.core.model import Account
from app.core.store import Profile, Store, recovery
from app.core.store.recovery import DAMAGED_SUFFIX, StoreMovedAside, StoreTooNew, damage_reason, move_aside
from app.core.store.schema import SCHEMA_VERSION
from tests.conftest import REPOSITORY, run_cli

MESSAGE_COUNT = 40
JPEG_START = bytes.fromhex("ffd8ffe000104a46494600010100000100010000")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def profile(tmp_path: Path) -> Profile:
    """A profile with one account and a few dozen messages of 20 KB, closed cleanly."""
    profile = Profile(tmp_path / "profile")
    rng = random.Random(7)
    with Store.open(profile) as store:
        account = store.add_account(Account(name="work", host="pop.example.com", user="alice"))
        for number in range(MESSAGE_COUNT):
            store.add_message(account, f"uid-{number}", b"Subject: hello\r\n\r\n" + rng.randbytes(20_000))
        store.commit()
    return profile


def aside_files(profile: Profile) -> list[Path]:
    return sorted(path for path in profile.directory.iterdir() if DAMAGED_SUFFIX in path.name)


def assert_moved_aside(profile: Profile, bad_bytes: bytes, reason_words: str) -> StoreMovedAside:
    with pytest.raises(StoreMovedAside) as caught:
        Store.open(profile)
    error = caught.value
    assert reason_words in error.reason
    assert error.moved_to.read_bytes() == bad_bytes, "the bad file must be kept exactly as it was"
    assert not profile.database_path.exists()
    assert error.moved_to.name in str(error) and "damaged" in str(error)
    # The next start gets a new, empty store; the bad file is still there, still unchanged.
    with Store.open(profile) as fresh:
        assert fresh.accounts() == [] and fresh.message_count() == 0
    assert error.moved_to.read_bytes() == bad_bytes
    return error


def test_a_healthy_store_opens_and_is_not_moved(profile: Profile) -> None:
    assert damage_reason(profile.database_path) is None
    with Store.open(profile) as store:
        assert store.message_count() == MESSAGE_COUNT
    assert aside_files(profile) == []


def test_a_missing_or_empty_file_is_a_new_store(tmp_path: Path) -> None:
    profile = Profile(tmp_path / "new").ensure()
    assert damage_reason(profile.database_path) is None
    profile.database_path.write_bytes(b"")
    with Store.open(profile) as store:
        assert store.accounts() == []
    assert aside_files(profile) == []


@pytest.mark.parametrize("content", [b"These are my notes, not a database.\n" * 100, JPEG_START + bytes(5000)],
                         ids=["text", "jpeg"])
def test_a_file_that_is_not_sqlite_is_moved_aside(profile: Profile, content: bytes) -> None:
    profile.database_path.write_bytes(content)
    assert_moved_aside(profile, content, "not an SQLite database")


@pytest.mark.parametrize("keep_fraction", [0.5, 0.3], ids=["half", "odd-length"])
def test_a_truncated_file_is_moved_aside(profile: Profile, keep_fraction: float) -> None:
    whole = profile.database_path.read_bytes()
    cut = whole[:int(len(whole) * keep_fraction) + (77 if keep_fraction == 0.3 else 0)]
    profile.database_path.write_bytes(cut)
    assert_moved_aside(profile, cut, "truncated")


@pytest.mark.parametrize("first_page,page_count", [(0, 1), (1, 3)], ids=["schema-page", "pages-2-to-4"])
def test_random_bytes_over_the_first_pages_are_found_at_start_up(profile: Profile, first_page: int,
                                                                 page_count: int) -> None:
    whole = bytearray(profile.database_path.read_bytes())
    page_size = int.from_bytes(whole[16:18], "big")
    rng = random.Random(first_page * 100 + page_count)
    start = max(first_page * page_size, 100)  # keep the 100-byte file header: damage behind it
    end = (first_page + page_count) * page_size
    whole[start:end] = rng.randbytes(end - start)
    profile.database_path.write_bytes(bytes(whole))
    assert_moved_aside(profile, bytes(whole), "malformed")


def test_another_applications_database_is_moved_aside_intact(profile: Profile) -> None:
    profile.database_path.unlink()
    with sqlite3.connect(profile.database_path) as other:
        other.execute("CREATE TABLE bookmarks (url TEXT, title TEXT)")
        other.execute("INSERT INTO bookmarks VALUES ('https://example.com', 'Example')")
    other.close()
    content = profile.database_path.read_bytes()
    error = assert_moved_aside(profile, content, "another application")
    with sqlite3.connect(error.moved_to) as kept:
        assert kept.execute("SELECT title FROM bookmarks").fetchall() == [("Example",)]
    kept.close()


def test_the_write_ahead_log_moves_with_its_database(profile: Profile) -> None:
    # A store killed with committed pages still in its WAL, then damaged at the front. The writer
    # is another process that ends without closing (as kill -9 would), so nothing checkpoints.
    crash = ("import os, sys\n"
             "from pathlib import Path\n"
             "from app.core.store import Profile, Store\n"
             "writer = Store.open(Profile(Path(sys.argv[1])))\n"
             "writer.db.execute('PRAGMA wal_autocheckpoint = 0')\n"
             "writer.add_message(writer.accounts()[0], 'in-the-wal', b'Subject: late\\r\\n\\r\\nbody\\r\\n')\n"
             "writer.commit()\n"
             "os._exit(0)\n")
    subprocess.run([sys.executable, "-c", crash, str(profile.directory)], check=True, timeout=60,
                   cwd=REPOSITORY)
    wal = Path(f"{profile.database_path}-wal")
    wal_bytes = wal.read_bytes()
    assert wal_bytes, "the test needs pages in the WAL"
    main = profile.database_path.read_bytes()
    damaged = b"garbage!" * 8 + main[64:]
    profile.database_path.write_bytes(damaged)
    with pytest.raises(StoreMovedAside) as caught:
        Store.open(profile)
    assert caught.value.moved_to.read_bytes() == damaged
    assert Path(f"{caught.value.moved_to}-wal").read_bytes()[:len(wal_bytes)] == wal_bytes
    assert not wal.exists(), "a WAL left behind would be replayed into the new store"


def test_a_newer_schema_is_refused_and_left_byte_for_byte_unchanged(profile: Profile) -> None:
    with sqlite3.connect(profile.database_path) as connection:
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 3}")
    connection.close()
    before = profile.database_path.read_bytes()
    with pytest.raises(StoreTooNew) as caught:
        Store.open(profile)
    assert caught.value.version == SCHEMA_VERSION + 3
    assert "newer Poplark" in str(caught.value) and "not changed" in str(caught.value)
    assert profile.database_path.read_bytes() == before
    # A reader of a WAL database may create an empty -wal and the -shm index; nothing is written.
    wal = Path(f"{profile.database_path}-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    assert aside_files(profile) == []


def test_a_store_locked_by_another_program_is_not_called_damaged(profile: Profile,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(recovery, "BUSY_TIMEOUT_SECONDS", 0.2)
    holder = sqlite3.connect(profile.database_path, isolation_level=None)
    holder.execute("PRAGMA journal_mode = DELETE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreError) as caught:
            damage_reason(profile.database_path)
        assert not isinstance(caught.value, StoreMovedAside)
        assert "locked" in str(caught.value)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert aside_files(profile) == []
    with Store.open(profile) as store:
        assert store.message_count() == MESSAGE_COUNT


def test_two_damaged_files_in_the_same_second_get_different_names(tmp_path: Path) -> None:
    first = tmp_path / "poplark.sqlite3"
    first.write_bytes(b"one")
    moved_first = move_aside(first, now=1_700_000_000)
    first.write_bytes(b"two")
    moved_second = move_aside(first, now=1_700_000_000)
    assert moved_first != moved_second
    assert (moved_first.read_bytes(), moved_second.read_bytes()) == (b"one", b"two")


# -- the command line says it in one sentence and exits non-zero ---------------------------------

def test_cli_reports_a_damaged_store_moves_it_aside_and_then_starts_fresh(
        cli_environment: dict[str, str]) -> None:
    profile = Profile(Path(cli_environment["POPLARK_HOME"])).ensure()
    junk = b"\xff\xd8\xff\xe0 a holiday photo, not a mail store" * 50
    profile.database_path.write_bytes(junk)
    first = run_cli(cli_environment, "account", "list")
    assert first.returncode == 1
    assert "damaged (it is not an SQLite database)" in first.stderr
    assert "moved aside" in first.stderr and "add your accounts again" in first.stderr
    assert "Traceback" not in first.stderr
    [kept] = aside_files(profile)
    assert kept.name in first.stderr and kept.read_bytes() == junk
    second = run_cli(cli_environment, "account", "list")
    assert second.returncode == 0, second.stderr
    assert kept.read_bytes() == junk


def test_cli_refuses_a_newer_store_and_leaves_it_alone(cli_environment: dict[str, str]) -> None:
    profile = Profile(Path(cli_environment["POPLARK_HOME"]))
    Store.open(profile).close()
    with sqlite3.connect(profile.database_path) as connection:
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    connection.close()
    before = profile.database_path.read_bytes()
    result = run_cli(cli_environment, "fetch")
    assert result.returncode == 1
    assert "newer Poplark" in result.stderr and "update Poplark" in result.stderr
    assert "Traceback" not in result.stderr
    assert profile.database_path.read_bytes() == before
    assert aside_files(profile) == []


def test_a_journal_removed_while_the_store_is_checked_is_no_error(profile: Profile,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    # Another Poplark process closing its last connection deletes the -wal file: it can vanish
    # between the check that it exists and the look at its size.
    wal = Path(f"{profile.database_path}-wal")
    assert not wal.exists()
    real_exists = Path.exists
    monkeypatch.setattr(Path, "exists", lambda self: True if self == wal else real_exists(self))
    assert damage_reason(profile.database_path) is None
    monkeypatch.undo()
    with Store.open(profile) as store:
        assert store.message_count() == MESSAGE_COUNT
