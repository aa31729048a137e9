"""User folders in the store: nested, per account and on this computer, renamed, moved without
cycles, deleted with their mail going to Trash; messages moved and copied between folders, and
every place that lists folders or counts unread mail seeing them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.errors import ConfigError
from app.core.model import Account, Folder
from app.core.store import Profile, Store
from app.core.store.schema import SCHEMA_VERSION
from app.core.store.search import index_all
from app.core.store.uid_state import UidState
from app.core.store.user_folders import (
    FolderNameError,
    NameProblem,
    as_folder_key,
    folder_key_of,
    user_folder_id,
)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(Profile(tmp_path / "profile"))
    yield opened
    opened.close()


@pytest.fixture
def accounts(store: Store) -> tuple[Account, Account]:
    return (store.add_account(Account(name="work", host="h", user="u")),
            store.add_account(Account(name="home", host="h", user="v")))


def _mail(store: Store, account: Account, count: int, prefix: str = "m") -> list[int]:
    ids = [store.add_message(account, f"{prefix}{index}",
                             f"Subject: {prefix} {index}\r\nFrom: a@example.com\r\n\r\nbody {index}\r\n".encode()).id
           for index in range(count)]
    store.commit()
    return ids


def test_nested_folders_per_account_and_on_this_computer(store: Store, accounts: tuple[Account, Account]) -> None:
    work, home = accounts
    assert work.id is not None and home.id is not None
    finance = store.create_folder(work.id, "财务")
    year = store.create_folder(None, "2026", finance)  # a subfolder belongs to its parent's account
    local = store.create_folder(None, "Archive")
    same_name_elsewhere = store.create_folder(home.id, "财务")
    folders = {folder.id: folder for folder in store.user_folders()}
    assert folders[year].account_id == work.id and folders[year].parent_id == finance
    assert folders[local].account_id is None and folders[local].parent_id is None
    assert folders[same_name_elsewhere].account_id == home.id
    assert store.folder_path(year) == "财务/2026"
    found = store.folder_by_path(work.id, "财务/2026")
    assert found is not None and found.id == year and found.key == f"user:{year}"
    assert store.folder_by_path(None, "财务/2026") is None
    assert store.folder_by_path(None, "archive") is not None  # names compare ignoring case
    assert store.folder_by_path(work.id, "财务/2027") is None


def test_names_are_checked(store: Store, accounts: tuple[Account, Account]) -> None:
    work = accounts[0]
    first = store.create_folder(work.id, "Lists")
    store.create_folder(work.id, "Other")
    for name, problem in (("  ", NameProblem.EMPTY), ("a/b", NameProblem.SEPARATOR), ("x" * 500, NameProblem.TOO_LONG),
                          ("lists", NameProblem.TAKEN)):
        with pytest.raises(FolderNameError) as raised:
            store.create_folder(work.id, name)
        assert raised.value.problem is problem
    with pytest.raises(FolderNameError):
        store.rename_folder(first, "OTHER")
    store.rename_folder(first, "  Mailing lists ")
    assert store.user_folder(first).name == "Mailing lists"
    store.rename_folder(first, "mailing LISTS")  # its own name in other case is fine
    assert store.user_folder(first).name == "mailing LISTS"


def test_move_folder_refuses_cycles_and_other_accounts(store: Store, accounts: tuple[Account, Account]) -> None:
    work, home = accounts
    top = store.create_folder(work.id, "Top")
    middle = store.create_folder(work.id, "Middle", top)
    leaf = store.create_folder(work.id, "Leaf", middle)
    elsewhere = store.create_folder(home.id, "Elsewhere")
    for target in (top, middle, leaf):
        with pytest.raises(ConfigError):
            store.move_folder(top, target)
    with pytest.raises(ConfigError):
        store.move_folder(leaf, elsewhere)
    store.move_folder(leaf, None)  # to the top level of its account
    assert store.user_folder(leaf).parent_id is None
    store.move_folder(top, leaf)
    assert store.folder_path(middle) == "Leaf/Top/Middle"
    store.create_folder(work.id, "Top")
    with pytest.raises(FolderNameError):
        store.move_folder(top, None)  # a sibling there has the name already


def test_move_and_copy_messages(store: Store, accounts: tuple[Account, Account]) -> None:
    work, home = accounts
    assert work.id is not None and home.id is not None
    ids = _mail(store, work, 5)
    other = _mail(store, home, 2, "h")
    folder = store.create_folder(None, "Keep")
    key = folder_key_of(folder)
    store.move_messages(ids[:3] + other[:1], key)
    # A user folder holds mail of any account, whichever account is asked for.
    assert sorted(store.message_ids(None, key)) == sorted(ids[:3] + other[:1])
    assert sorted(store.message_ids(work.id, key)) == sorted(ids[:3] + other[:1])
    assert sorted(store.message_ids(work.id, Folder.INBOX)) == sorted(ids[3:])
    work_tag = store.tag_by_name("Work")
    assert work_tag is not None
    store.add_tag(ids[3:4], work_tag.id)
    copies = store.copy_messages(ids[3:], key)
    assert len(copies) == 2 and not set(copies) & set(ids)
    assert store.tags_of(copies) == {copies[0]: [work_tag.id]}  # a copy keeps its tags
    assert [store.raw(copy) for copy in copies] == [store.raw(original) for original in ids[3:]]
    assert sorted(store.message_ids(work.id, Folder.INBOX)) == sorted(ids[3:])  # originals stay
    assert len(store.message_ids(None, key)) == 6
    with pytest.raises(ConfigError):
        store.move_messages(ids[:1], "user:999999")
    with pytest.raises(ConfigError):
        store.move_messages(ids[:1], "nowhere")
    assert store.message(ids[0]).folder == key  # the refused moves changed nothing


def test_copies_are_local_and_deleting_them_touches_no_server_state(store: Store,
                                                                     accounts: tuple[Account, Account]) -> None:
    work = accounts[0]
    assert work.id is not None
    original = _mail(store, work, 1)[0]
    folder = store.create_folder(work.id, "Copies")
    copy = store.copy_messages([original], folder_key_of(folder))[0]
    store.move_to_folder([copy], Folder.TRASH)
    assert store.delete_for_good([copy]) == 1
    assert store.known_uids(work.id)["m0"].state is UidState.STORED
    assert store.message(original).folder == Folder.INBOX


def test_trash_and_restore_go_back_to_the_user_folder(store: Store, accounts: tuple[Account, Account]) -> None:
    work = accounts[0]
    assert work.id is not None
    ids = _mail(store, work, 3)
    key = folder_key_of(store.create_folder(work.id, "Projects"))
    store.move_messages(ids, key)
    store.move_messages(ids[:2], Folder.TRASH)
    assert store.known_uids(work.id)["m0"].state is UidState.DELETED_LOCALLY  # the server policy still applies
    store.restore(ids[:1])
    assert store.message(ids[0]).folder == key
    assert store.known_uids(work.id)["m0"].state is UidState.STORED
    junk = _mail(store, work, 1, "j")
    store.move_messages(junk, Folder.JUNK)
    store.move_messages(junk, Folder.TRASH)
    store.restore(junk)
    assert store.message(junk[0]).folder == Folder.JUNK


def test_delete_folder_moves_its_mail_and_subfolders_mail_to_trash(store: Store,
                                                                    accounts: tuple[Account, Account]) -> None:
    work, home = accounts
    assert work.id is not None and home.id is not None
    top = store.create_folder(work.id, "Top")
    sub = store.create_folder(work.id, "Sub", top)
    kept = store.create_folder(work.id, "Kept")
    ids = _mail(store, work, 4)
    theirs = _mail(store, home, 1, "h")
    store.move_messages(ids[:1] + theirs, folder_key_of(top))
    store.move_messages(ids[1:2], folder_key_of(sub))
    store.move_messages(ids[2:3], folder_key_of(kept))
    assert store.folder_message_count(top) == 3
    assert store.delete_folder(top) == 3
    assert {folder.id for folder in store.user_folders()} == {kept}
    assert sorted(store.message_ids(work.id, Folder.TRASH)) == sorted(ids[:2])
    assert store.message_ids(home.id, Folder.TRASH) == theirs  # each to its own account's Trash
    store.restore(ids[:1])  # its folder is gone: back to the Inbox
    assert store.message(ids[0]).folder == Folder.INBOX


def test_removing_an_account_sends_other_mail_in_its_folders_home(store: Store,
                                                                   accounts: tuple[Account, Account]) -> None:
    work, home = accounts
    assert work.id is not None
    theirs = _mail(store, home, 1, "h")
    folder = store.create_folder(work.id, "Shared")
    store.move_messages(theirs, folder_key_of(folder))
    store.remove_account(work.name)
    assert store.user_folders() == []
    assert store.message(theirs[0]).folder == Folder.INBOX


def test_unread_counts_and_search_see_user_folders_and_junk(store: Store, accounts: tuple[Account, Account]) -> None:
    work, home = accounts
    assert work.id is not None and home.id is not None
    ids = _mail(store, work, 3)
    theirs = _mail(store, home, 1, "h")
    key = folder_key_of(store.create_folder(None, "Local"))
    store.move_messages([ids[0], theirs[0]], key)
    store.move_messages([ids[1]], Folder.JUNK)
    counts = store.unread_counts()
    assert counts[(work.id, key)] == 1 and counts[(home.id, key)] == 1
    assert counts[(work.id, Folder.JUNK.value)] == 1
    index_all(store)
    assert sorted(store.message_ids(None, key, text="body")) == sorted([ids[0], theirs[0]])
    assert store.message_ids(work.id, Folder.JUNK, text="m") == [ids[1]]
    assert store.message_ids(None, Folder.INBOX) == [ids[2]]  # All Inboxes leaves Junk and folders out


def test_keys() -> None:
    assert folder_key_of(12) == "user:12" and user_folder_id("user:12") == 12
    assert user_folder_id("inbox") is None and user_folder_id("user:x") is None
    assert as_folder_key("junk") is Folder.JUNK and as_folder_key("user:3") == "user:3"


def test_the_migration_adds_the_folders_table(store: Store) -> None:
    # Through the store's own connection: another one closed in this process would drop its locks.
    assert store.query("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    columns = {row[1] for row in store.query("PRAGMA table_info(folders)")}
    assert {"id", "account_id", "parent_id", "name"} <= columns
