"""One decoded header path for every surface (issue 13, item 5): what the message list shows of
From and To, the reader shows too, and no RFC 2047 word is left raw in either."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.message.summary import summarize
from app.core.message.view import parse_message

CORPUS = Path(__file__).resolve().parent.parent / "corpus"

def message(sender: bytes, to: bytes = b"bob@example.com") -> bytes:
    return (b"From: " + sender + b"\r\nTo: " + to + b"\r\nSubject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\n"
            b"Content-Type: text/plain; charset=utf-8\r\n\r\nHallo\r\n")


@pytest.mark.parametrize(("sender", "shown"), [
    (b"=?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <j@example.de>", "Jürgen Müller <j@example.de>"),
    (b"=?UTF-8?Q?Hans_(Work)?= <h@example.de>", "Hans (Work) <h@example.de>"),       # a comment inside
    (b'=?UTF-8?Q?"J=C3=BCrgen"?= <j@example.de>', "Jürgen <j@example.de>"),          # quotes inside
    (b"=?UTF-8?Q?J=C3=BCrgen_<j@example.de>?=", "Jürgen <j@example.de>"),             # all in one word
    (b'"=?UTF-8?Q?J=C3=BCrgen?=" <j@example.de>', "Jürgen <j@example.de>"),           # quoted word
    (b"j@example.de (=?UTF-8?Q?J=C3=BCrgen?=)", "Jürgen <j@example.de>"),             # name as a comment
    (b"=?UTF-8?Q?J=C3=BCrgen?=\r\n =?UTF-8?Q?_M=C3=BCller?= <j@example.de>", "Jürgen Müller <j@example.de>"),
    (b"=?UTF-8?B?5byg5LiJ?= <zhang@example.cn>", "张三 <zhang@example.cn>"),
    (b"=?UTF-8?Q?M=C3=BCller=2C_J.?= <j@example.de>", "Müller, J. <j@example.de>"),
])
def test_the_reader_shows_the_sender_as_the_list_does(sender: bytes, shown: str) -> None:
    raw = message(sender, to=sender)
    view, summary = parse_message(raw), summarize(raw)
    assert view.sender == shown
    assert view.sender == summary.sender
    assert view.to == summary.recipients
    assert view.subject == summary.subject == "Grüße"


def test_a_header_holding_the_placeholder_characters_is_shown_as_written() -> None:
    raw = message("x \ue0000\ue001 <a@example.com>".encode())
    assert parse_message(raw).sender == "x \ue0000\ue001 <a@example.com>"


def test_an_encoded_name_with_a_comma_stays_one_recipient_in_the_reader() -> None:
    raw = message(b"a@example.com",
                  to=b"=?UTF-8?Q?M=C3=BCller=2C_J.?= <j@example.de>, =?UTF-8?B?5byg5LiJ?= <z@example.cn>")
    assert parse_message(raw).to == "Müller, J. <j@example.de>, 张三 <z@example.cn>"


# -- the Text Encoding choice re-reads headers, and the view says how the body's charset was chosen


KOREAN = ("김철수".encode("euc-kr") + b" <kim@example.kr>", "회의 일정".encode("euc-kr"), "안녕하세요".encode("euc-kr"))


def korean_mislabelled() -> bytes:
    sender, subject, body = KOREAN
    return (b"From: " + sender + b"\r\nTo: " + sender + b"\r\nSubject: " + subject
            + b"\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\n" + body + b"\r\n")


def test_a_text_encoding_choice_re_reads_raw_8_bit_headers_with_the_body() -> None:
    view = parse_message(korean_mislabelled(), "euc-kr")
    assert view.subject == "회의 일정"
    assert view.sender == view.to == "김철수 <kim@example.kr>"
    assert view.plain_text == "안녕하세요\n"
    assert view.charset in ("euc-kr", "ks_c_5601-1987")  # EUC-KR, or its superset CP949
    assert view.charset_source == "overridden"


def test_a_text_encoding_choice_leaves_encoded_words_to_their_own_charset() -> None:
    raw = b"Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?= \xc4\xe3\r\nContent-Type: text/plain\r\n\r\nx\r\n"
    assert parse_message(raw, "gb18030").subject == "Grüße 你"


@pytest.mark.parametrize("label", ["windows-1255", "iso-8859-8", "cp874", "koi8-r", "windows-1251", "euc-kr"])
def test_every_new_menu_encoding_decodes_headers(label: str) -> None:
    text = {"windows-1255": "שלום", "iso-8859-8": "שלום", "cp874": "สวัสดี", "koi8-r": "Привет",
            "windows-1251": "Привет", "euc-kr": "안녕"}[label]
    raw = b"Subject: " + text.encode(label) + b"\r\n\r\n" + text.encode(label) + b"\r\n"
    view = parse_message(raw, label)
    assert view.subject == text
    assert view.plain_text == text + "\n"
    assert view.charset_source == "overridden"


@pytest.mark.parametrize(("raw", "source"), [
    (b"Content-Type: text/plain; charset=utf-8\r\n\r\nplain ascii\r\n", "declared"),
    (b"Content-Type: text/plain; charset=big5\r\n\r\n" + "中文郵件".encode("big5") + b"\r\n", "declared"),
    (b"Subject: x\r\n\r\n" + "caf\u00e9 cr\u00e8me".encode() + b"\r\n", "guessed"),
    (b"Content-Type: text/plain; charset=x-no-such\r\n\r\n" + "数据".encode() + b"\r\n", "guessed"),
])
def test_the_view_says_how_the_body_charset_was_chosen(raw: bytes, source: str) -> None:
    assert parse_message(raw).charset_source == source


RAW_8_BIT = [
    b"From: " + "김철수".encode("euc-kr") + b" <kim@example.kr>\r\nTo: " + "이영희".encode("euc-kr")
    + b" <lee@example.kr>\r\nSubject: " + "회의".encode("euc-kr")
    + b"\r\nContent-Type: text/plain; charset=euc-kr\r\n\r\n" + "안녕하세요 여러분".encode("euc-kr"),
    b"From: J\xfcrgen <j@example.de>\r\nSubject: Gr\xfc\xdfe\r\nContent-Type: text/plain; charset=iso-8859-1"
    b"\r\n\r\nHallo",
    b'From: "M\xfcller, J\xfcrgen" <j@example.de>\r\nSubject: x\r\nContent-Type: text/plain; charset=iso-8859-1'
    b"\r\n\r\nHallo",
    b"From: " + "陳大文".encode("big5") + b" <chan@example.com.hk>\r\nSubject: " + "會議".encode("big5")
    + b"\r\nContent-Type: text/plain; charset=big5\r\n\r\n" + "各位同事".encode("big5"),
]


@pytest.mark.parametrize("raw", RAW_8_BIT + [path.read_bytes() for path in sorted(CORPUS.glob("*.eml"))])
def test_the_list_and_the_reader_agree_on_raw_8_bit_headers_and_the_corpus(raw: bytes) -> None:
    view, summary = parse_message(raw), summarize(raw)
    assert view.sender == summary.sender
    assert view.subject == summary.subject
    if not summary.recipients.endswith("…"):  # the list cuts a long line; the reader counts the rest
        assert view.to == summary.recipients
