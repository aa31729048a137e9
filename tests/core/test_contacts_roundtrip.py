"""Export then import gives the same contacts back, in vCard 3.0 and 4.0 and in CSV (UTF-8 with a
BOM, GB18030, UTF-16): property tests over CJK names, commas, quotes, semicolons, backslashes and
line breaks in notes, several addresses with labels, groups."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.contacts.csv_format import read_csv, write_csv
from app.core.contacts.model import Contact, ContactAddress, normalized
from app.core.contacts.vcard import read_vcards, write_vcards

#: Text people put in names and notes: CJK, Latin with accents, the separators of both formats.
_TRICKY = st.sampled_from([",", ";", '"', "\\", ":", "=", " ", "\t", "\\n", "'", "*", ":::", "，", "；"])
_TEXT = st.lists(st.one_of(st.characters(codec="utf-8", exclude_categories=("Cs",)), _TRICKY,
                           st.sampled_from(["张", "三", "单", "é", "ß", "😀", "䶮"])), max_size=20).map("".join)
_NOTE = st.lists(st.one_of(_TEXT, st.sampled_from(["\n", "\r\n", "\r", "\n\n"])), max_size=6).map("".join)
_LOCAL = st.from_regex(r"[a-z0-9][a-z0-9._+\-]{0,10}[a-z0-9]|[a-z]|用户[0-9]?", fullmatch=True)
_DOMAIN = st.sampled_from(["example.com", "example.cn", "例子.中国", "mail.example.org"])
_ADDRESS = st.builds(lambda local, domain: f"{local}@{domain}", _LOCAL, _DOMAIN)
_LABEL = st.sampled_from(["", "home", "work", "other", "qq", "工作", "My Label", "x-private"])
_CONTACT = st.builds(
    Contact, name=_TEXT,
    addresses=st.lists(st.builds(ContactAddress, _ADDRESS, _LABEL), max_size=4).map(tuple),
    family_name=_TEXT, given_name=_TEXT, groups=st.lists(_TEXT, max_size=3).map(tuple), note=_NOTE)


def _worth_a_line(contact: Contact) -> bool:
    """A contact with nothing in it at all is no line of a CSV file (an empty row is skipped)."""
    return any((contact.name, contact.addresses, contact.family_name, contact.given_name, contact.groups,
                contact.note))


@settings(max_examples=200, deadline=None)
@given(st.lists(_CONTACT, min_size=1, max_size=4))
def test_vcard_round_trip(contacts: list[Contact]) -> None:
    expected = [normalized(contact) for contact in contacts]
    assert read_vcards(write_vcards(contacts, "3.0")) == expected
    assert read_vcards(write_vcards(contacts, "4.0")) == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(_CONTACT, min_size=1, max_size=4), st.sampled_from(["utf-8-sig", "utf-8", "gb18030", "utf-16"]))
def test_csv_round_trip(contacts: list[Contact], encoding: str) -> None:
    expected = [contact for contact in map(normalized, contacts) if _worth_a_line(contact)]
    # UTF-8 and UTF-16 are recognised whatever the text; GB18030 has no mark, and detection is
    # for real Chinese text (below), not for a random "ò": the user names it (--encoding).
    assert read_csv(write_csv(contacts, encoding), "gb18030" if encoding == "gb18030" else None) == expected


def test_chinese_csv_in_gb18030_is_recognised_without_being_told() -> None:
    contacts = [Contact("张三", (ContactAddress("zs@example.cn", "工作"),), "张", "三", ("同事",), "周一见，带上报告"),
                Contact("欧阳娜娜", (ContactAddress("nana@example.cn"),), note="生僻字：䶮、𠀀")]
    for encoding in ("gb18030", "gbk"):
        data = write_csv(contacts[:1] if encoding == "gbk" else contacts, encoding)
        assert read_csv(data) == [normalized(contact) for contact in (contacts[:1] if encoding == "gbk" else contacts)]


@given(_CONTACT)
def test_normalizing_twice_changes_nothing(contact: Contact) -> None:
    assert normalized(normalized(contact)) == normalized(contact)


@settings(deadline=None)
@given(_CONTACT)
def test_written_vcard_lines_are_at_most_75_octets_and_crlf(contact: Contact) -> None:
    data = write_vcards([contact])
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    data.decode("utf-8")  # folding never splits a character


def test_a_known_contact_written_as_vcard_30() -> None:
    contact = Contact("Smith, Alice", (ContactAddress("alice@example.com", "work"), ContactAddress("a@home.example")),
                      "Smith", "Alice", ("Team; A", "朋友"), "first line\nsecond, with; a \\ backslash")
    assert write_vcards([contact]).decode("utf-8").split("\r\n") == [
        "BEGIN:VCARD", "VERSION:3.0", "FN:Smith\\, Alice", "N:Smith;Alice;;;",
        "EMAIL;TYPE=INTERNET,work,pref:alice@example.com", "EMAIL;TYPE=INTERNET:a@home.example",
        "NOTE:first line\\nsecond\\, with\\; a \\\\ backslash", "CATEGORIES:Team A,朋友", "END:VCARD", ""]


@settings(deadline=None)
@given(st.binary(max_size=400) | st.lists(st.sampled_from([
    b"BEGIN:VCARD", b"END:VCARD", b"VERSION:2.1", b"FN:x", b"EMAIL;PREF=x:a@b", b"N;CHARSET=nope:a;b",
    b"NOTE;ENCODING=QUOTED-PRINTABLE:=E5=", b"=", b" folded", b"item1.X-ABLabel:_$!<", b"KIND:group",
    b"MEMBER:urn:uuid:", b'EMAIL;TYPE="a,b:c":x@y', b"\xff\xfe", b"\x00", b"Name,E-mail Address", b'"a""b', b";;;",
]), max_size=20).map(b"\r\n".join))
def test_any_bytes_read_without_an_unexpected_error(data: bytes) -> None:
    read_vcards(data)
    try:
        read_csv(data)
    except ValueError:
        pass  # said to the user as "cannot be read as CSV: ..."


def test_a_contact_without_a_name_is_written_under_its_address_and_read_back_without_one() -> None:
    contact = Contact("", (ContactAddress("nameless@example.com"),))
    data = write_vcards([contact])
    assert b"\r\nFN:nameless@example.com\r\n" in data
    assert read_vcards(data) == [contact]
