"""Completion keys (names, pinyin, initials, surnames read as surnames, addresses) and the
address checks used before sending."""

from __future__ import annotations

import pytest

from app.core.contacts.addresses import is_valid_address, parse_recipient, split_recipients
from app.core.contacts.keys import SURNAME_READINGS, completion_keys, fold
from app.core.contacts.model import Contact, ContactAddress, normalized


def keys(name: str, *addresses: str) -> set[str]:
    return set(completion_keys([name], addresses))


def test_a_chinese_name_is_found_by_pinyin_initials_and_its_given_name() -> None:
    assert {"张三", "三", "zhangsan", "zs", "san"} <= keys("张三")
    assert {"lixiaolong", "lxl", "xiaolong", "小龙"} <= keys("李 小龙")  # a space between family and given name


@pytest.mark.parametrize(("name", "reading"), [("单田芳", "shantianfang"), ("曾国藩", "zengguofan"),
                                               ("解缙", "xiejin"), ("朴树", "piaoshu"), ("仇英", "qiuying"),
                                               ("区志", "ouzhi"), ("万俟卨", "moqixie"), ("尉迟恭", "yuchigong")])
def test_surnames_are_read_as_surnames_and_the_common_reading_still_finds_them(name: str, reading: str) -> None:
    found = keys(name)
    assert reading in found
    assert "".join(syllable[0] for syllable in _syllables_of(reading, name)) in found
    from pypinyin import lazy_pinyin

    assert "".join(lazy_pinyin(name)) in found  # 单 as "dan" too: people type what they hear


def _syllables_of(reading: str, name: str) -> list[str]:
    from pypinyin import lazy_pinyin

    common = lazy_pinyin(name)
    for surname, syllables in SURNAME_READINGS.items():
        if name.startswith(surname):
            return [*syllables, *common[len(surname):]]
    return common


def test_compound_surnames_leave_the_given_name_after_two_characters() -> None:
    found = keys("欧阳修")
    assert {"ouyangxiu", "oyx", "xiu", "修"} <= found
    assert "yangxiu" not in found


def test_every_surname_in_the_table_differs_from_the_common_reading_or_is_a_compound() -> None:
    from pypinyin import lazy_pinyin

    # A surname whose common reading is already right adds nothing to the table but noise.
    same = [surname for surname, reading in SURNAME_READINGS.items()
            if len(surname) == 1 and tuple(lazy_pinyin(surname)) == reading]
    assert same == []


def test_latin_names_by_each_word_without_case_or_accents() -> None:
    found = keys("José María Núñez")
    assert {"jose maria nunez", "maria nunez", "nunez", "josemarianunez"} <= found
    assert fold("ＡＢＣ") == "abc"


def test_addresses_by_the_whole_and_each_word_of_the_local_part() -> None:
    assert keys("", "Alice.Smith@Example.com") == {"alice.smith@example.com", "smith@example.com"}


@pytest.mark.parametrize("address", ["a@example.com", "first.last+tag@sub.example.co.uk", "用户@例子.中国",
                                     '"john doe"@example.com', "a@[192.0.2.1]", "x@localhost"])
def test_valid_addresses(address: str) -> None:
    assert is_valid_address(address)


@pytest.mark.parametrize("address", ["", "example.com", "a@", "@example.com", "a b@example.com", "a..b@example.com",
                                     ".a@example.com", "a.@example.com", "a@example..com", "a@-example.com",
                                     "a@example.com.", "<a@example.com>", "a@b@example.com", "张三 <zs@example.cn>",
                                     "a@exa mple.com", "a\u3000@example.com", "a@example_x.com", "x" * 65 + "@e.com"])
def test_invalid_addresses(address: str) -> None:
    assert not is_valid_address(address)


def test_recipient_lines_split_where_a_person_means_it() -> None:
    line = '张三 <zs@example.cn>, "Smith, Alice" <alice@example.com>; bob@example.com，李四 <ls@example.cn>；'
    assert split_recipients(line) == ['张三 <zs@example.cn>', '"Smith, Alice" <alice@example.com>',
                                      "bob@example.com", "李四 <ls@example.cn>"]
    assert parse_recipient('"Smith, Alice" <alice@example.com>') == ("Smith, Alice", "alice@example.com")
    assert parse_recipient("张三 <zs@example.cn>") == ("张三", "zs@example.cn")
    assert parse_recipient("bob@example.com") == ("", "bob@example.com")
    assert parse_recipient("not an address")[1] == ""


def test_normalizing_keeps_the_first_of_duplicate_addresses_and_cleans_groups() -> None:
    contact = normalized(Contact(" 张三 ", (ContactAddress("ZS@example.cn ", "Work"), ContactAddress("zs@example.cn")),
                                 groups=("b;c", "* myContacts", "a", "a"), note="x\r\ny\r"))
    assert contact.name == "张三"
    assert contact.addresses == (ContactAddress("ZS@example.cn", "work"),)
    assert contact.groups == ("a", "b c", "myContacts")
    assert contact.note == "x\ny"
    assert normalized(Contact("", family_name="张", given_name="三")).name == "张三"
    assert normalized(Contact("", family_name="Smith", given_name="Alice")).name == "Alice Smith"
