"""The address book on a real SQLite store: saving, groups expanded on send, importing without
doubles, the addresses of stored mail gathered after the fetch, and completion with its ranking."""

from __future__ import annotations

import base64
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.contacts.completion import CompletionKind, complete, format_recipient
from app.core.contacts.exchange import import_contacts
from app.core.contacts.groups import expand_recipients, group_recipients
from app.core.contacts.harvest import harvest_all, harvest_pending, message_addresses
from app.core.contacts.model import Contact, ContactAddress
from app.core.errors import ConfigError
from app.core.model import Account
from app.core.store import Profile, Store
from tests.core.test_search import _undo_migrations_after


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(Profile(tmp_path / "profile"))
    yield opened
    opened.close()


@pytest.fixture
def account(store: Store) -> Account:
    return store.add_account(Account(name="work", host="h", user="u"))


def b_word(text: str, charset: str = "utf-8") -> str:
    return f"=?{charset}?b?{base64.b64encode(text.encode(charset)).decode('ascii')}?="


def mail(sender: str, to: str, cc: str = "") -> bytes:
    return (f"From: {sender}\r\nTo: {to}\r\n" + (f"Cc: {cc}\r\n" if cc else "") + "Subject: x\r\n\r\nbody\r\n").encode()


def texts(store: Store, typed: str, limit: int = 10) -> list[str]:
    return [suggestion.text for suggestion in complete(store, typed, limit)]


def test_save_change_and_remove_a_contact(store: Store) -> None:
    saved = store.save_contact(Contact("张三", (ContactAddress("zs@example.cn", "work"), ContactAddress("z@home.cn")),
                                       groups=("同事",), note="备注"))
    assert saved.id is not None
    assert store.contact(saved.id) == saved
    changed = store.save_contact(Contact("张三丰", (ContactAddress("z@home.cn"),), id=saved.id))
    assert store.contact(saved.id).addresses == (ContactAddress("z@home.cn"),)
    assert store.contact(saved.id).groups == ()
    assert texts(store, "zs@") == []  # the old address's keys went with it
    assert texts(store, "zsf") == ["张三丰 <z@home.cn>"]
    assert store.contacts_with_address("Z@HOME.cn") == [changed]
    assert store.remove_contacts([saved.id]) == 1
    assert store.contacts() == []
    assert store.query("SELECT count(*) FROM contact_keys").fetchone()[0] == 0
    with pytest.raises(ConfigError, match="no longer exists"):
        store.save_contact(changed)


def test_a_group_expands_to_its_members_primary_addresses_on_send(store: Store) -> None:
    store.save_contacts([
        Contact("张三", (ContactAddress("zs@example.cn"), ContactAddress("other@example.cn")), groups=("项目组",)),
        Contact("Smith, Alice", (ContactAddress("alice@example.com"),), groups=("项目组", "Friends")),
        Contact("No Address", groups=("项目组",)),
    ])
    assert group_recipients(store, "项目组") == ['"Smith, Alice" <alice@example.com>', "张三 <zs@example.cn>"]
    assert expand_recipients(store, ["项目组", "zs@example.cn", "bob@example.com", "friends"]) == [
        '"Smith, Alice" <alice@example.com>', "张三 <zs@example.cn>", "bob@example.com"]
    assert expand_recipients(store, ["Nobody"]) == ["Nobody"]  # not a group: left for the check to mark
    assert store.group_names() == [("Friends", 1), ("项目组", 3)]


def test_importing_twice_adds_nobody_twice_and_merges_new_addresses(store: Store) -> None:
    first = import_contacts(store, [Contact("张三", (ContactAddress("zs@example.cn"),)),
                                    Contact("张三", (ContactAddress("ZS@example.cn"), ContactAddress("z2@example.cn")),
                                            groups=("同事",), note="second line of the same file"),
                                    Contact("Name Only")])
    assert (first.added, first.merged, first.unchanged) == (2, 1, 0)
    again = import_contacts(store, [Contact("张三", (ContactAddress("zs@example.cn"),)), Contact("name only")])
    assert (again.added, again.merged, again.unchanged) == (0, 0, 2)
    more = import_contacts(store, [Contact("", (ContactAddress("z2@example.cn"), ContactAddress("z3@example.cn")),
                                           groups=("朋友",))])
    assert (more.added, more.merged) == (0, 1)
    zhang = store.contacts_with_address("zs@example.cn")[0]
    assert [entry.address for entry in zhang.addresses] == ["zs@example.cn", "z2@example.cn", "z3@example.cn"]
    assert zhang.groups == ("同事", "朋友")
    assert zhang.note == "second line of the same file"
    assert len(store.contacts()) == 2


def test_addresses_of_stored_mail_are_gathered_after_the_fetch_not_during_it(store: Store, account: Account) -> None:
    store.add_message(account, "1", mail(f"{b_word('李四')} <lisi@example.cn>", "me@example.com",
                                         cc=f'"{b_word("王五", "gbk")}" <wangwu@example.cn>, not-an-address'))
    store.add_message(account, "2", mail("lisi@example.cn", "me@example.com, 李四 <LISI@example.cn>"))
    store.commit()
    assert store.query("SELECT count(*) FROM seen_addresses").fetchone()[0] == 0  # the fetch wrote none
    assert store.pending_address_count() == 2
    assert harvest_all(store) == 2
    assert store.pending_address_count() == 0
    rows = dict((address, (name, times)) for address, name, times in store.query(
        "SELECT address, name, times_seen FROM seen_addresses").fetchall())
    assert rows == {"lisi@example.cn": ("李四", 2), "me@example.com": ("", 2), "wangwu@example.cn": ("王五", 1)}
    assert texts(store, "ls") == ["李四 <lisi@example.cn>"]
    assert texts(store, "wangw") == ["王五 <wangwu@example.cn>"]
    assert harvest_pending(store) == 0


def test_raw_gbk_headers_are_read_in_the_declared_charset() -> None:
    head = ("From: 赵六 <zhao@example.cn>\r\nTo: 钱七 <qian@example.cn>\r\n"
            "Content-Type: text/plain; charset=gbk\r\n\r\n").encode("gbk")
    assert message_addresses(head) == [("赵六", "zhao@example.cn"), ("钱七", "qian@example.cn")]
    assert message_addresses(b"\xff\xfe garbage without headers") == []


def test_messages_stored_before_the_address_book_existed_are_read_too(tmp_path: Path) -> None:
    path = tmp_path / "profile"
    with Store.open(Profile(path)) as store:
        account = store.add_account(Account(name="a", host="h", user="u"))
        store.add_message(account, "1", mail("old@example.com", "me@example.com"))
        store.commit()
    connection = sqlite3.connect(Profile(path).database_path, isolation_level=None)
    # Back to schema 6: the column and tables the address book (and every later migration) added
    # are gone, as in an old store.
    _undo_migrations_after(connection, 6)
    connection.close()
    with Store.open(Profile(path)) as store:
        assert store.pending_address_count() == 1
        harvest_all(store)
        assert texts(store, "old") == ["old@example.com"]


def test_completion_ranks_contacts_first_then_groups_then_seen_addresses_by_frequency(
        store: Store, account: Account) -> None:
    store.save_contacts([Contact("Zhao Min", (ContactAddress("zm@example.com"),)),
                         Contact("赵敏", (ContactAddress("zhaomin@example.cn"),)),
                         Contact("Someone", (ContactAddress("z-often@example.com"),), groups=("Zoo Team",))])
    for index in range(3):
        store.add_message(account, f"often{index}", mail("Zed Often <z-often@example.com>", "zed@example.org"))
    store.add_message(account, "rare", mail("Zara Rare <zara@example.net>", "me@example.com"))
    store.add_message(account, "more", mail("Zed Many <zed@example.org>", "me@example.com"))
    store.commit()
    harvest_all(store)
    found = complete(store, "z")
    assert [suggestion.kind for suggestion in found] == [CompletionKind.CONTACT] * 3 + [
        CompletionKind.GROUP] + [CompletionKind.SEEN] * 2
    # Among contacts, the one written with most comes first (3 messages), then by name.
    assert [suggestion.text for suggestion in found] == [
        "Someone <z-often@example.com>", "Zhao Min <zm@example.com>", "赵敏 <zhaomin@example.cn>", "Zoo Team",
        "Zed Many <zed@example.org>", "Zara Rare <zara@example.net>"]
    # A contact's address is offered as the contact, never again as a seen address.
    assert "Zed Often <z-often@example.com>" not in texts(store, "zed")
    assert texts(store, "zhaom") == ["Zhao Min <zm@example.com>", "赵敏 <zhaomin@example.cn>"]
    assert texts(store, "zhao min") == ["Zhao Min <zm@example.com>", "赵敏 <zhaomin@example.cn>"]
    assert texts(store, "z", limit=2) == ["Someone <z-often@example.com>", "Zhao Min <zm@example.com>"]
    assert texts(store, "   ") == [] and texts(store, "q") == []


def test_typing_pinyin_finds_the_chinese_name(store: Store) -> None:
    store.save_contacts([Contact("张三", (ContactAddress("zs@example.cn"),)),
                         Contact("单田芳", (ContactAddress("stf@example.cn"),)),
                         Contact("张伟", (ContactAddress("zw@example.cn"),))])
    assert texts(store, "zs") == ["张三 <zs@example.cn>"]
    assert texts(store, "zhang") == ["张三 <zs@example.cn>", "张伟 <zw@example.cn>"]
    assert texts(store, "ZhangS") == ["张三 <zs@example.cn>"]
    assert texts(store, "shan") == texts(store, "dan") == ["单田芳 <stf@example.cn>"]
    assert texts(store, "张") == ["张三 <zs@example.cn>", "张伟 <zw@example.cn>"]
    assert texts(store, "san") == ["张三 <zs@example.cn>"]


def test_ten_thousand_contacts_complete_through_the_key_index(store: Store) -> None:
    surnames, given = "张王李赵刘陈杨黄周吴", "伟芳娜敏静丽强磊军洋"
    store.save_contacts([Contact(surnames[index % 10] + given[index // 10 % 10] + given[index // 100 % 10],
                                 (ContactAddress(f"user{index}@example.com"),)) for index in range(10_000)])
    found = complete(store, "zw", 10)
    assert len(found) == 10 and all(suggestion.name.startswith(("张", "周", "赵")) for suggestion in found)
    assert texts(store, "user9999@") == ["吴洋洋 <user9999@example.com>"]
    plan = " | ".join(row[3] for row in store.db.execute(
        "EXPLAIN QUERY PLAN SELECT DISTINCT contact_id FROM contact_keys WHERE key >= ? AND key < ?", ("zw", "zx")))
    assert "SEARCH contact_keys USING" in plan and "key>? AND key<?" in plan.replace("=", "")


def test_format_recipient_quotes_names_with_specials() -> None:
    assert format_recipient("张三", "zs@example.cn") == "张三 <zs@example.cn>"
    assert format_recipient('Smith, "Al"', "a@example.com") == '"Smith, \\"Al\\"" <a@example.com>'
    assert format_recipient("", "a@example.com") == "a@example.com"
