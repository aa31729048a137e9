"""Importing real-looking exports (tests/corpus/contacts): Foxmail, Outlook (Chinese and English),
Google, Thunderbird CSV; Android 2.1, Apple 3.0 and 4.0 vCards; and the encodings they come in."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.contacts.exchange import ContactFormat, guess_format, read_contacts
from app.core.contacts.model import Contact, ContactAddress

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "contacts"


def contacts_of(name: str, encoding: str | None = None) -> dict[str, Contact]:
    path = CORPUS / name
    data = path.read_bytes()
    return {contact.name: contact for contact in read_contacts(data, guess_format(path, data), encoding)}


def addresses(contact: Contact) -> list[str]:
    return [entry.address for entry in contact.addresses]


def test_every_corpus_file_has_expectations_here() -> None:
    tested = {"foxmail-gbk.csv", "outlook-zh_CN-gbk.csv", "outlook-en-cp1252.csv", "google-contacts.csv",
              "google-contacts-2024.csv",
              "thunderbird-bom.csv", "android-2.1.vcf", "apple-3.0.vcf", "nextcloud-4.0.vcf", "phone-gb2312.vcf"}
    assert {path.name for path in CORPUS.iterdir() if path.suffix in (".csv", ".vcf")} == tested


def test_foxmail_gbk_with_chinese_columns() -> None:
    found = contacts_of("foxmail-gbk.csv")
    assert list(found) == ["张三", "单田芳", "曾小贤", "欧阳娜娜"]
    assert addresses(found["张三"]) == ["zhangsan@example.com.cn", "zs.home@example.net"]
    assert found["张三"].groups == ("同事",)
    assert found["张三"].note == "周一到周五在北京办公室"
    assert found["单田芳"].groups == ("曲艺", "朋友")
    assert found["曾小贤"].note == "电台主持人，常用邮箱在工作日回复"


def test_outlook_chinese_columns_build_the_name_from_family_and_given() -> None:
    found = contacts_of("outlook-zh_CN-gbk.csv")
    li = found["李三"]
    assert (li.family_name, li.given_name) == ("李", "三")
    assert addresses(li) == ["lisan@example.com.cn", "li.san@example.net"]
    assert li.note == "客户经理\n负责华北区"
    assert li.groups == ("客户", "重要")
    assert addresses(found["王小明"]) == ["wangxm@example.cn"]


def test_outlook_english_in_windows_1252_and_exchange_entries_skipped() -> None:
    found = contacts_of("outlook-en-cp1252.csv")
    assert found["José Núñez"].note == 'Prefers "Pepe", not José'
    assert found["José Núñez"].groups == ("Customers", "Spain")
    # The Exchange X.500 path in "E-mail Address" is no address; the SMTP one in column 2 is.
    assert addresses(found["Alice B. Smith"]) == ["alice.smith@example.org"]


def test_an_encoding_given_by_the_user_wins_over_detection() -> None:
    data = (CORPUS / "outlook-en-cp1252.csv").read_bytes()
    as_latin1 = {contact.name for contact in read_contacts(data, ContactFormat.CSV, "latin-1")}
    assert "José Núñez" in as_latin1
    as_gbk = {contact.name for contact in read_contacts(data, ContactFormat.CSV, "gbk")}
    assert "José Núñez" not in as_gbk  # read as told, even when that is wrong


def test_google_csv_values_labels_and_system_groups() -> None:
    found = contacts_of("google-contacts.csv")
    wang = found["Wang Fang"]
    assert wang.addresses == (ContactAddress("wangfang@example.com", "home"),
                              ContactAddress("fang.wang@example.net", "home"),
                              ContactAddress("fwang@corp.example", "work"))
    assert wang.groups == ("Friends",)  # "* myContacts" is Google's own, not a group of the user's
    assert found["赵六"].groups == ("Friends", "家人")
    assert found["Bob O'Neil"].groups == ()


def test_google_csv_of_today_first_and_last_name_labels_and_a_note_over_two_lines() -> None:
    found = contacts_of("google-contacts-2024.csv")
    wang = found["王芳"]
    assert (wang.family_name, wang.given_name) == ("王", "芳")
    assert wang.addresses == (ContactAddress("wangfang@example.cn", "home"),
                              ContactAddress("fang.wang@corp.example", "work"))
    assert wang.note == '第一行,带逗号\n第二行 "引号"'
    assert wang.groups == ("同学",)
    assert found["Li Lei"].groups == ()  # * starred and * myContacts are Google's own


def test_thunderbird_utf8_with_bom() -> None:
    found = contacts_of("thunderbird-bom.csv")
    assert addresses(found["孙三"]) == ["sunsan@example.cn", "sun.san@example.org"]
    assert addresses(found["Erik Østergaard"]) == ["erik@example.dk"]


def test_android_21_quoted_printable_with_a_soft_line_break() -> None:
    found = contacts_of("android-2.1.vcf")
    zhuge = found["诸葛亮"]
    assert (zhuge.family_name, zhuge.given_name) == ("诸葛", "亮")
    # PREF puts the work address first; the bare 2.1 types become labels.
    assert zhuge.addresses == (ContactAddress("kongming@example.com", "work"),
                               ContactAddress("zhuge.liang@example.cn", "home"))
    assert zhuge.note == "第一行备注\n第二行：常在周末联系"
    assert found["Maria Garcia"].addresses == (ContactAddress("maria@example.es", "custom"),)


def test_apple_folded_lines_item_labels_and_group_cards() -> None:
    found = contacts_of("apple-3.0.vcf")
    assert set(found) == {"钱七", "Jane Doe"}  # the group card is no contact
    qian = found["钱七"]
    assert qian.addresses == (ContactAddress("qianqi@example.edu.cn", "work"),
                              ContactAddress("qi.qian@example.org", "other"),
                              ContactAddress("qq7@example.qq", "qq"))
    assert "所以 Apple 会把它折成两行" in qian.note
    assert qian.groups == ("读书会",)
    assert found["Jane Doe"].note == "Line one\nLine two, with a comma; and a semicolon"
    assert found["Jane Doe"].groups == ("读书会",)


def test_vcard_40_pref_numbers_categories_and_mailto_members() -> None:
    zhou = contacts_of("nextcloud-4.0.vcf")["周八"]
    assert zhou.addresses == (ContactAddress("zhouba@example.cn", "home"),
                              ContactAddress("zhouba@corp.example", "work"))
    assert zhou.groups == ("同事", "羽毛球", "项目组")
    assert zhou.note == "4.0 的备注"


def test_old_phone_gb2312_charset_parameter_and_raw_gbk() -> None:
    found = contacts_of("phone-gb2312.vcf")
    assert addresses(found["吴九"]) == ["wujiu@example.cn"]
    assert found["吴九"].family_name == "吴九"


@pytest.mark.parametrize("data", [b"", b"hello", b"\xff\xfe\x00", "电话号码\r\n".encode("gbk")])
def test_a_file_that_is_not_a_contacts_export_says_so(data: bytes) -> None:
    from app.core.errors import ConfigError

    with pytest.raises(ConfigError):
        read_contacts(data, ContactFormat.VCARD)
    if data:
        with pytest.raises(ConfigError, match="names no column"):
            read_contacts(data, ContactFormat.CSV)


def test_a_quote_never_closed_is_reported_with_its_line() -> None:
    from app.core.errors import ConfigError

    data = b'Name,E-mail Address\r\nAl,a@example.com\r\n"Bob,b@example.com\r\n' + b"x" * 200_000
    with pytest.raises(ConfigError, match="the row starting on line 3 is not CSV"):
        read_contacts(data, ContactFormat.CSV)
