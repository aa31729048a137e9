"""Completion offers a group by its name's words, its pinyin and the pinyin's initials, as a contact."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.contacts.completion import CompletionKind, complete
from app.core.contacts.model import Contact, ContactAddress
from app.core.store import Store


@pytest.mark.parametrize("typed", ["项目", "xiangmu", "xmz", "XMZ"])
def test_a_chinese_group_by_pinyin(tmp_path: Path, typed: str) -> None:
    with Store(tmp_path / "mail.sqlite3") as store:
        store.save_contacts([Contact("张三", (ContactAddress("zs@example.cn"),), groups=("项目组",)),
                             Contact("Ann", (ContactAddress("ann@example.com"),), groups=("Sales Team",))])
        found = [(entry.kind, entry.name, entry.members) for entry in complete(store, typed)]
        assert found == [(CompletionKind.GROUP, "项目组", 1)]


@pytest.mark.parametrize(("typed", "found"), [("team", ["Sales Team"]), ("salest", ["Sales Team"]),
                                              ("zz", [])])
def test_a_latin_group_by_any_word(tmp_path: Path, typed: str, found: list[str]) -> None:
    with Store(tmp_path / "mail.sqlite3") as store:
        store.save_contacts([Contact("Ann", (ContactAddress("ann@example.com"),), groups=("Sales Team",))])
        assert [entry.name for entry in complete(store, typed) if entry.kind is CompletionKind.GROUP] == found
