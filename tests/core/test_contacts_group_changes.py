"""Renaming a group, taking it off its members and putting contacts into one, on a real store."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.contacts.group_changes import add_to_group, remove_group, rename_group
from app.core.contacts.model import Contact, ContactAddress
from app.core.errors import ConfigError
from app.core.store import Store


def test_group_changes_touch_only_the_group(tmp_path: Path) -> None:
    with Store(tmp_path / "mail.sqlite3") as store:
        zhang, li, wang = store.save_contacts([
            Contact("张三", (ContactAddress("zs@example.cn"),), groups=("同事", "朋友"), note="n"),
            Contact("李四", (ContactAddress("ls@example.cn"),), groups=("同事",)),
            Contact("王五", (ContactAddress("ww@example.cn"),))])
        assert rename_group(store, "同事", "Colleagues; old") == 2  # a separator is no part of a name
        assert store.group_names() == [("Colleagues old", 2), ("朋友", 1)]
        assert add_to_group(store, [zhang.id or 0, wang.id or 0], "朋友") == 1
        assert add_to_group(store, [zhang.id or 0], "朋友") == 0
        assert remove_group(store, "colleagues OLD") == 2
        assert store.group_names() == [("朋友", 2)]
        assert store.contact(zhang.id or 0) == Contact("张三", (ContactAddress("zs@example.cn"),), groups=("朋友",),
                                                       note="n")
        assert store.contact(li.id or 0).groups == ()
        for change in (lambda: rename_group(store, "朋友", " ; "), lambda: add_to_group(store, [li.id or 0], "")):
            with pytest.raises(ConfigError):
                change()
        assert store.group_names() == [("朋友", 2)]
