"""One decoded header path for every surface (issue 13, item 5): what the message list shows of
From and To, the reader shows too, and no RFC 2047 word is left raw in either."""

from __future__ import annotations

import pytest

from app.core.message.summary import summarize
from app.core.message.view import parse_message


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
