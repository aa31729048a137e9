"""The world's legacy charsets read right (issue 13, items 1-4 and 6-8): one table per class.

Every message is built here from its text, so the expected text is written once, in Unicode, and
the bytes are what the sender's software would write. Each row says what a reader must see.
"""

from __future__ import annotations

import base64

import pytest

from app.core.message.charsets import decode_text, normalize_charset
from app.core.message.headers import decode_header_value, format_address_list
from app.core.message.summary import summarize
from app.core.message.view import parse_message


def mail(headers: bytes, body: bytes = b"Hello\r\n", charset: str | None = None) -> bytes:
    content_type = b"Content-Type: text/plain" + (f"; charset={charset}".encode() if charset else b"")
    return (b"From: Alice Example <alice@example.com>\r\nTo: bob@example.com\r\n" + headers
            + b"MIME-Version: 1.0\r\n" + content_type + b"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + body)


def word(text: str, charset: str, codec: str | None = None) -> bytes:
    return b"=?" + charset.encode() + b"?B?" + base64.b64encode(text.encode(codec or charset)) + b"?="


def jis(shift_jis: bytes) -> bytes:
    """Shift_JIS (CP932) pairs written as ISO-2022-JP, as Outlook writes CP50220 mail."""
    out = bytearray(b"\x1b$B")
    for index in range(0, len(shift_jis), 2):
        lead, trail = shift_jis[index], shift_jis[index + 1]
        row = (lead - 0x70 if lead < 0xA0 else lead - 0xB0) * 2
        if trail >= 0x9F:
            out += bytes((row, trail - 0x7E))
        else:
            out += bytes((row - 1, trail - 0x1F - (1 if trail >= 0x80 else 0)))
    return bytes(out + b"\x1b(B")


# -- 1. raw 8-bit header bytes: the message's own declared charsets first --------------------------

RAW_HEADERS = [
    # (id, subject text, its codec, the body's declared charset)
    ("korean-euc-kr", "회의 일정 안내", "euc-kr", "euc-kr"),
    ("korean-short", "회의", "euc-kr", "ks_c_5601-1987"),
    ("latin1-name", "Jürgen Müller", "latin-1", "iso-8859-1"),
    ("latin1-undeclared", "Grüße aus Köln", "latin-1", None),
    ("big5", "會議通知", "big5", "big5"),
    ("koi8-r", "Привет из Москвы", "koi8-r", "koi8-r"),
    ("shift-jis", "会議のお知らせ", "shift_jis", "shift_jis"),
    ("euc-jp", "会議のお知らせ", "euc-jp", "euc-jp"),
    ("windows-1251", "Отчёт за квартал", "cp1251", "windows-1251"),
    ("gbk-still-gbk", "周报：本周工作总结", "gbk", "gb2312"),
    ("korean-undeclared", "안녕하세요 회의 자료를 보내 드립니다", "euc-kr", None),
    ("japanese-undeclared", "会議の資料をお送りします", "shift_jis", None),
    ("cyrillic-undeclared", "Отчёт за третий квартал", "cp1251", None),
    ("koi8-r-undeclared", "Отчёт за третий квартал", "koi8-r", None),
    ("euc-jp-undeclared", "会議の資料をお送りします", "euc-jp", None),
    ("big5-undeclared", "各位同事請準時出席會議", "big5", None),
]


@pytest.mark.parametrize(("text", "codec", "charset"), [row[1:] for row in RAW_HEADERS],
                         ids=[row[0] for row in RAW_HEADERS])
def test_raw_8_bit_headers_are_read_in_the_messages_charset(text: str, codec: str, charset: str | None) -> None:
    raw = mail(b"Subject: " + text.encode(codec) + b"\r\n", text.encode(codec) + b"\r\n", charset)
    assert parse_message(raw).subject == text
    assert summarize(raw).subject == text


def test_a_raw_latin_1_name_in_from_is_not_chinese() -> None:
    raw = mail(b"Subject: hi\r\n", b"Hallo\r\n", "iso-8859-1").replace(
        b"Alice Example", "Jürgen Groß".encode("latin-1"))
    assert parse_message(raw).sender == "Jürgen Groß <alice@example.com>"
    assert summarize(raw).sender == "Jürgen Groß <alice@example.com>"


# -- 2. encoded words whose charset fails strictly: the superset, never escape text ---------------

EXTENSIONS = "昀①㈱髙"  # NEC row 13 and NEC-selected IBM extensions: in CP50220, not in ISO-2022-JP

WORDS = [
    ("iso-2022-jp-nec-ibm",
     b"=?ISO-2022-JP?B?" + base64.b64encode(jis("会議".encode("cp932") + EXTENSIONS.encode("cp932")
                                                 .replace(b"\xfa\xb1", b"\xed\xb2"))) + b"?=",
     "会議" + EXTENSIONS),
    ("shift-jis-carrier-emoji", b"=?Shift_JIS?B?" + base64.b64encode("テスト".encode("cp932") + b"\xf8\x9f") + b"?=",
     "テスト" + b"\xf8\x9f".decode("cp932")),
    ("euc-kr-cp949-hangul", word("똠방각하", "euc-kr", "cp949"), "똠방각하"),
    ("big5-hkscs", word("佢哋嘅", "big5", "big5hkscs"), "佢哋嘅"),
    ("gb2312-gbk", word("朱镕基", "gb2312", "gbk"), "朱镕基"),
    ("latin-1-windows-1252", word("“Grüße” – €5", "iso-8859-1", "cp1252"), "“Grüße” – €5"),
    ("utf-8-label-latin-1-bytes", b"=?utf-8?Q?Gr=FC=DFe?=", "Grüße"),
    ("utf-8-one-bad-byte", b"=?utf-8?B?" + base64.b64encode("会议纪要".encode()[:-1] + b"!") + b"?=", "会议纪\ufffd!"),
]


@pytest.mark.parametrize(("raw", "shown"), [row[1:] for row in WORDS], ids=[row[0] for row in WORDS])
def test_encoded_words_that_fail_strictly_are_read_through_the_superset(raw: bytes, shown: str) -> None:
    assert decode_header_value(raw) == shown


# -- 3. labels Python does not know (WHATWG Encoding Standard) -------------------------------------

LABELS = [
    ("windows-874", "สวัสดีครับ", "cp874"),
    ("iso-8859-8-i", "שלום עולם", "iso8859_8"),
    ("iso-8859-6-i", "مرحبا", "iso8859_6"),
    ("x-sjis", "こんにちは", "cp932"),
    ("ks_c_5601-1987", "안녕하세요", "cp949"),
    ("x-euc-jp", "こんにちは", "euc_jp"),
    ("x-mac-cyrillic", "Привет", "mac_cyrillic"),
    ("iso-2022-jp", "こんにちは", "iso2022_jp"),
    ("x-x-big5", "會議", "big5"),
]


@pytest.mark.parametrize(("label", "text", "codec"), LABELS, ids=[row[0] for row in LABELS])
def test_whatwg_labels_are_known(label: str, text: str, codec: str) -> None:
    data = text.encode(codec)
    assert normalize_charset(label) is not None
    assert decode_text(data, label)[0] == text
    assert decode_header_value(word(text, label, codec)) == text
    assert parse_message(mail(b"Subject: x\r\n", data, label)).plain_text == text


# -- 4. 8-bit bytes inside an encoded word ----------------------------------------------------------

EIGHT_BIT_WORDS = [
    ("latin-1-word-latin-1-bytes", b"=?iso-8859-1?Q?Fr\xf6sche?=", "Frösche"),
    ("utf-8-word-utf-8-bytes", b"=?utf-8?Q?Fr\xc3\xb6sche?=", "Frösche"),
    ("utf-8-word-latin-1-bytes", b"=?utf-8?Q?Fr\xf6sche?=", "Frösche"),
    ("with-plain-words", b"Re: =?iso-8859-1?Q?Fr\xf6sche_und?= Kr\xf6ten", "Re: Frösche und Kröten"),
]


@pytest.mark.parametrize(("raw", "shown"), [row[1:] for row in EIGHT_BIT_WORDS],
                         ids=[row[0] for row in EIGHT_BIT_WORDS])
def test_8_bit_bytes_inside_an_encoded_word_lose_no_letters(raw: bytes, shown: str) -> None:
    assert decode_header_value(raw) == shown
    assert parse_message(mail(b"Subject: " + raw + b"\r\n")).subject == shown


# -- 6. ISO-2022-JP bodies, declared or recognised by their escape sequences ------------------------

JAPANESE = "お世話になっております。会議の件でご連絡します。"

ISO_2022_JP = [
    ("declared", JAPANESE.encode("iso2022_jp"), "iso-2022-jp", JAPANESE),
    ("declared-with-extensions", jis(("会議" + "①㈱").encode("cp932")), "iso-2022-jp", "会議①㈱"),
    ("ibm-extension-kanji", jis(b"\xed\xb2"), "ISO-2022-JP", "昀"),
    ("undeclared", JAPANESE.encode("iso2022_jp"), None, JAPANESE),
    ("labelled-us-ascii", JAPANESE.encode("iso2022_jp"), "us-ascii", JAPANESE),
    ("half-width-katakana", b"\x1b(I\x36\x40\x36\x45\x1b(B", "iso-2022-jp", "ｶﾀｶﾅ"),
]


@pytest.mark.parametrize(("body", "charset", "text"), [row[1:] for row in ISO_2022_JP],
                         ids=[row[0] for row in ISO_2022_JP])
def test_iso_2022_jp_bodies_are_read(body: bytes, charset: str | None, text: str) -> None:
    view = parse_message(mail(b"Subject: x\r\n", body + b"\r\n", charset))
    assert view.plain_text is not None and view.plain_text.rstrip("\n") == text


# -- 7. Japanese and Big5 bodies with a wrong or missing label --------------------------------------

BIG5_TEXT = "各位同事：本週五下午三點在會議室開會，請準時出席。謝謝！"
FOOTER = b"\r\n_______________________________________________\r\nlist mailing list\r\nlist@example.org\r\n"

CJK_BODIES = [
    ("euc-jp-undeclared", JAPANESE.encode("euc-jp"), None, JAPANESE, "euc_jp"),
    ("shift-jis-undeclared", JAPANESE.encode("cp932"), None, JAPANESE, "cp932"),
    ("shift-jis-labelled-utf-8", JAPANESE.encode("cp932"), "utf-8", JAPANESE, "cp932"),
    ("shift-jis-labelled-gb2312", JAPANESE.encode("cp932"), "gb2312", JAPANESE, "cp932"),
    ("euc-jp-labelled-iso-8859-1", JAPANESE.encode("euc-jp"), "iso-8859-1", JAPANESE, "euc_jp"),
    ("big5-undeclared", BIG5_TEXT.encode("big5"), None, BIG5_TEXT, "big5hkscs"),
    ("big5-with-ascii-footer", BIG5_TEXT.encode("big5") + FOOTER, "big5", BIG5_TEXT, "big5hkscs"),
    ("big5-undeclared-with-footer", BIG5_TEXT.encode("big5") + FOOTER, None, BIG5_TEXT, "big5hkscs"),
    ("big5-labelled-utf-8", BIG5_TEXT.encode("big5"), "utf-8", BIG5_TEXT, "big5hkscs"),
    ("euc-kr-undeclared", "안녕하세요. 다음 주 회의 자료를 첨부합니다. 감사합니다.".encode("euc-kr"), None,
     "안녕하세요. 다음 주 회의 자료를 첨부합니다. 감사합니다.", "cp949"),
    ("gbk-still-gbk", "请大家准时参加下周一的会议，谢谢。".encode("gbk"), None, "请大家准时参加下周一的会议，谢谢。",
     "gb18030"),
]


@pytest.mark.parametrize(("body", "charset", "text", "codec"), [row[1:] for row in CJK_BODIES],
                         ids=[row[0] for row in CJK_BODIES])
def test_cjk_bodies_with_a_wrong_or_missing_label(body: bytes, charset: str | None, text: str, codec: str) -> None:
    decoded, used = decode_text(body, charset)
    assert decoded.startswith(text)
    assert used == codec


# -- 8. Western and Cyrillic text kept out of CJK charsets ------------------------------------------

RUSSIAN = "Добрый день! Отправляю отчёт за третий квартал."

WESTERN = [
    ("latin-1-under-utf-8", "Grüße aus Köln, Jürgen".encode("latin-1"), "utf-8", "Grüße aus Köln, Jürgen", "cp1252"),
    ("utf-8-one-bad-byte", "Grüße aus Köln – schöne Grüße".encode().replace("ö".encode(), b"\xf6", 1), "utf-8",
     "Grüße aus K\ufffdln – schöne Grüße", "utf-8"),
    ("utf-8-labelled-windows-1251", RUSSIAN.encode(), "windows-1251", RUSSIAN, "utf-8"),
    ("utf-8-labelled-iso-8859-1", "Café crème".encode(), "iso-8859-1", "Café crème", "utf-8"),
    ("utf-8-split-by-line-break", "Grüße".encode().replace(b"\xc3\xbc", b"\xc3\r\n\xbc"), "utf-8", "Grüße",
     "utf-8"),
    ("windows-1251-undeclared", RUSSIAN.encode("cp1251"), None, RUSSIAN, "cp1251"),
    ("koi8-r-undeclared", RUSSIAN.encode("koi8-r"), None, RUSSIAN, "koi8-r"),
    ("latin-1-undeclared", "Grüße, Jürgen".encode("latin-1"), None, "Grüße, Jürgen", "cp1252"),
    ("windows-1252-c1-bytes", b"\x93quoted\x94 \x81", "iso-8859-1", "“quoted” \x81", "cp1252"),
]


@pytest.mark.parametrize(("body", "charset", "text", "codec"), [row[1:] for row in WESTERN],
                         ids=[row[0] for row in WESTERN])
def test_western_and_cyrillic_text_is_not_read_as_chinese(body: bytes, charset: str | None, text: str,
                                                          codec: str) -> None:
    assert decode_text(body, charset) == (text, codec)


def test_a_utf_8_character_split_by_a_hard_line_break_in_quoted_printable() -> None:
    raw = mail(b"Subject: x\r\n", b"Gr=C3\r\n=BC=C3=9Fe\r\n", "utf-8").replace(
        b"Content-Transfer-Encoding: 8bit", b"Content-Transfer-Encoding: quoted-printable")
    assert parse_message(raw).plain_text == "Grüße\n"


@pytest.mark.parametrize("raw", [
    "Jürgen <jürgen@example.de>".encode("latin-1"),
    b"=?x?Q?a\xff=?utf-8?Q? <a@b>, \xa1\x1b(B\xf9",
    "김철수 <kim@example.kr>".encode("euc-kr") + b", =?utf-8?Q?Fr\xf6sche?= <f@example.de>",
])
def test_raw_8_bit_addresses_leave_no_byte_undecoded(raw: bytes) -> None:
    shown = format_address_list(raw, ("euc-kr",))
    assert not any(0xD800 <= ord(character) <= 0xDFFF for character in shown)  # SQLite refuses surrogates
    assert not any(0xD800 <= ord(character) <= 0xDFFF for character in decode_header_value(raw, ("euc-kr",)))


def test_a_latin_1_pair_that_happens_to_be_utf_8_keeps_its_label() -> None:
    # "Â" then a no-break space is valid UTF-8 for the space alone: no letter, no evidence.
    assert decode_text("Â\xa0".encode("latin-1"), "iso-8859-1") == ("Â\xa0", "cp1252")
    assert decode_text("Café".encode(), "iso-8859-1") == ("Café", "utf-8")


def test_a_raw_iso_2022_jp_subject_is_recognised_by_its_escape_sequences() -> None:
    raw = mail(b"Subject: " + "Re: 会議のお知らせ".encode("iso2022_jp") + b"\r\n")
    assert parse_message(raw).subject == summarize(raw).subject == "Re: 会議のお知らせ"
