"""Tags on a real SQLite store: the defaults, create/rename/recolour/delete/order, tagging, and
that tags follow the message (a move keeps them, deleting it for good removes them)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.errors import ConfigError
from app.core.model import Account, Folder
from app.core.store import Profile, Store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(Profile(tmp_path / "profile"))
    yield opened
    opened.close()


@pytest.fixture
def ids(store: Store) -> list[int]:
    account = store.add_account(Account(name="work", host="pop.example.com", user="alice"))
    stored = [store.add_message(account, f"uid-{n}", f"Subject: m{n}\r\n\r\nbody\r\n".encode()).id for n in range(4)]
    store.commit()
    return stored


def test_the_migration_creates_the_five_defaults_in_order(store: Store) -> None:
    tags = store.tags()
    assert [tag.name for tag in tags] == ["Important", "Work", "Personal", "To do", "Later"]
    assert [tag.default_key for tag in tags] == ["important", "work", "personal", "todo", "later"]
    assert [tag.position for tag in tags] == sorted(tag.position for tag in tags)
    assert all(tag.colour.startswith("#") and len(tag.colour) == 7 for tag in tags)


def test_create_rename_recolour_delete(store: Store) -> None:
    new = store.create_tag("  财务   报销 ", "#00AA00")
    tag = store.tag_by_name("财务 报销")
    assert tag is not None and tag.id == new and tag.colour == "#00aa00"
    assert store.tags()[-1].id == new  # at the end of the order
    important = store.tag_by_name("important")  # without case
    assert important is not None
    store.rename_tag(important.id, "Urgent")
    renamed = store.tag_by_name("Urgent")
    assert renamed is not None and renamed.default_key is None  # no longer translated
    store.recolour_tag(new, "#123456")
    assert store.tag_by_name("财务 报销") == tag.__class__(new, "财务 报销", "#123456", tag.position)
    store.delete_tag(new)
    assert store.tag_by_name("财务 报销") is None


def test_bad_names_colours_and_ids_are_refused_with_what_to_do(store: Store) -> None:
    with pytest.raises(ConfigError, match="already a tag named 'Work'"):
        store.create_tag("WORK", "#ff0000")
    with pytest.raises(ConfigError, match="#rrggbb"):
        store.create_tag("Blue", "blue")
    with pytest.raises(ConfigError, match="needs a name"):
        store.create_tag("   ", "#0000ff")
    with pytest.raises(ConfigError, match="no tag 999"):
        store.rename_tag(999, "x")
    with pytest.raises(ConfigError, match="no tag 999"):
        store.add_tag([1], 999)
    assert len(store.tags()) == 5  # nothing half-done


def test_reorder(store: Store) -> None:
    tags = store.tags()
    store.reorder_tags([tags[4].id, tags[0].id])
    assert [tag.id for tag in store.tags()] == [tags[4].id, tags[0].id, tags[1].id, tags[2].id, tags[3].id]


def test_add_remove_clear_and_tags_of_in_tag_order(store: Store, ids: list[int]) -> None:
    work, important = store.tag_by_name("Work"), store.tag_by_name("Important")
    assert work is not None and important is not None
    store.add_tag(ids[:2], work.id)
    store.add_tag(ids[1:3], important.id)
    store.add_tag(ids[:2], work.id)  # again: nothing doubles
    assert store.tags_of(ids) == {ids[0]: [work.id], ids[1]: [important.id, work.id], ids[2]: [important.id]}
    store.remove_tag([ids[1]], work.id)
    assert store.tags_of(ids) == {ids[0]: [work.id], ids[1]: [important.id], ids[2]: [important.id]}
    store.clear_tags(ids[:2])
    assert store.tags_of(ids) == {ids[2]: [important.id]}
    assert store.tagged_count(important.id) == 1
    store.add_tag([123456789], work.id)  # a message no longer stored is skipped
    assert store.tagged_count(work.id) == 0


def test_tags_survive_moves_and_go_with_the_message(store: Store, ids: list[int]) -> None:
    later = store.tag_by_name("Later")
    assert later is not None
    store.add_tag(ids, later.id)
    store.move_to_folder(ids[:2], Folder.TRASH)
    store.restore([ids[0]])
    assert set(store.tags_of(ids)) == set(ids)
    store.delete_for_good([ids[1]])
    assert set(store.tags_of(ids)) == {ids[0], ids[2], ids[3]}
    assert store.query("SELECT count(*) FROM message_tags").fetchone()[0] == 3


def test_deleting_a_tag_untags_every_message(store: Store, ids: list[int]) -> None:
    todo = store.tag_by_name("To do")
    assert todo is not None
    store.add_tag(ids, todo.id)
    store.delete_tag(todo.id)
    assert store.tags_of(ids) == {}
    assert store.query("SELECT count(*) FROM message_tags").fetchone()[0] == 0


def test_tagging_thousands_of_messages_in_chunks(store: Store, ids: list[int]) -> None:
    work = store.tag_by_name("Work")
    assert work is not None
    many = ids + list(range(10_000_000, 10_001_200))  # beyond one chunk; unknown ids skipped
    store.add_tag(many, work.id)
    assert set(store.tags_of(many)) == set(ids)
