"""The list's columns read through the fast paths are exactly what the general readers make of them.

Storing a fetched message parses its list columns (:func:`app.core.message.summary.summarize`),
once per message, so three shortcuts skip the general code for the common case: only the
fields the list needs are read from a plain header block (``list_fields``), a plain ASCII value
or a single UTF-8 base64 word is not put through the general decoders (``decode_header_value``),
and a Date in the usual form is read
without the email package (``plain_timestamp``). Each is checked here against the general code
on hostile, generated input and on every message of the corpus, so the list shows the same
columns for the same messages whichever way they were read.
"""

from __future__ import annotations

import base64
import email.utils
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.message import headers, summary
from app.core.message.dates import plain_timestamp
from app.core.message.headers import decode_header_value, message_headers, parse_date
from app.core.message.summary import list_fields, summarize
from tests.core.header_blocks import header_blocks

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
LIST_NAMES = ("subject", "from", "to", "date", "message-id", "content-type")
NEVER = re.compile(rb"(?!)")


def general_fields(raw: bytes) -> dict[str, bytes]:
    return only_listed(message_headers(raw))


def only_listed(fields: dict[str, bytes]) -> dict[str, bytes]:
    return {name: value for name, value in fields.items() if name in LIST_NAMES}


def general_date(value: str) -> float | None:
    """parse_date as it was before the shortcut: the email package only."""
    with mock.patch.object(headers, "plain_timestamp", lambda _: None):
        return parse_date(value)


@contextmanager
def general_paths() -> Iterator[None]:
    """summarize() with every shortcut off."""
    with mock.patch.object(summary, "list_fields", general_fields), \
            mock.patch.object(headers, "_PLAIN_VALUE", NEVER), mock.patch.object(headers, "_UTF8_WORD", NEVER), \
            mock.patch.object(headers, "plain_timestamp", lambda _: None):
        yield


# -- header blocks ---------------------------------------------------------------------------

NAMES = ["Subject", "SUBJECT", "from", "To", "to", "Date", "Message-ID", "Content-Type", "Received", "X-To", "Tox",
         "Reply-To", "DKIM-Signature", "Sender", "X\x7fY", "Sub ject"]
JUNK = [b"From someone@example.com Sat Jun  1 08:52:00 2024", b"no colon here", b" Subject: indented first",
        b":empty name", b"\r", b"", b"\x00Subject: x"]
BODIES = [b"", b"\r\nbody\r\nSubject: not a header\r\n", b"\nbody"]


def messages() -> st.SearchStrategy[bytes]:
    return header_blocks(NAMES, JUNK, BODIES)


@settings(max_examples=600, deadline=None)
@given(messages())
def test_list_fields_equal_the_general_reader(raw: bytes) -> None:
    assert only_listed(list_fields(raw)) == general_fields(raw)


def test_folded_and_repeated_fields_keep_the_first_occurrence() -> None:
    raw = (b"Received: from a\r\n\tby b\r\nSubject: first\r\n part two\r\nsubject: second\r\n"
           b"To: x@example.com\r\nDate: Sat, 01 Jun 2024 08:52:00 +0800\r\n\r\nTo: body@example.com\r\n")
    assert list_fields(raw) == general_fields(raw)
    assert list_fields(raw)["subject"] == b" first\n part two"
    assert list_fields(raw)["to"] == b" x@example.com"


def test_a_block_with_an_mbox_line_goes_to_the_general_reader() -> None:
    raw = b"From sender Sat Jun  1 08:52:00 2024\nSubject: hello\nTo: a@example.com\n\nbody\n"
    assert only_listed(list_fields(raw)) == general_fields(raw) == {"subject": b" hello", "to": b" a@example.com"}


# -- values -----------------------------------------------------------------------------------

@settings(max_examples=600, deadline=None)
@given(st.binary(max_size=40) | st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=127),
                                         max_size=40).map(lambda text: text.encode("ascii")))
def test_plain_values_decode_as_the_general_decoder_does(raw: bytes) -> None:
    fast = decode_header_value(raw)
    with mock.patch.object(headers, "_PLAIN_VALUE", NEVER):
        assert fast == decode_header_value(raw)


def base64_of(data: bytes) -> bytes:
    return base64.b64encode(data)


WORD_PAYLOADS = (st.text(max_size=12).map(lambda text: base64_of(text.encode("utf-8")))
                 | st.binary(max_size=12).map(base64_of)
                 | st.sampled_from([b"", b"=", b"====", b"QQ", b"QQ=", b"Q", b"5oKo55qE=x", b"G0FC", b"AA==",
                                    base64_of(b"\x1b$B$3$s$K$A$O\x1b(B")])  # ISO-2022-JP in a UTF-8 word
                 | st.text(alphabet="AQZaz09+/=", max_size=9).map(lambda text: text.encode("ascii")))


@settings(max_examples=1500, deadline=None)
@given(st.sampled_from([b"", b" ", b"\t ", b"\x0b"]), st.sampled_from([b"utf-8", b"UTF-8", b"Utf-8", b"utf8", b"gbk"]),
       st.sampled_from([b"B", b"b", b"Q"]), WORD_PAYLOADS,
       st.sampled_from([b"", b" ", b" <a@example.com>", b"<a@example.com>  ", b" x=y", b" =?utf-8?B?QQ==?=",
                        b"\x01", b" \xe4\xb8\xad", b"?=", b" = ?"]))
def test_one_utf8_word_decodes_as_the_general_decoder_does(lead: bytes, charset: bytes, kind: bytes, payload: bytes,
                                                           rest: bytes) -> None:
    raw = lead + b"=?" + charset + b"?" + kind + b"?" + payload + b"?=" + rest
    fast = decode_header_value(raw)
    with mock.patch.object(headers, "_UTF8_WORD", NEVER):
        assert fast == decode_header_value(raw)


def test_an_encoded_subject_and_name_take_the_shortcut() -> None:
    with mock.patch.object(headers, "decode_bytes", side_effect=AssertionError("the general path")):
        assert decode_header_value(b" =?utf-8?B?5oKo55qE6K6i5Y2V5bey5Y+R6LSn?=") == "您的订单已发货"
        assert decode_header_value(b" =?UTF-8?b?6buE5by6?= <user413@example.com>") == "黄强 <user413@example.com>"


# -- dates ------------------------------------------------------------------------------------

MONTH_NAMES = ["Jan", "feb", "MAR", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Foo"]


@st.composite
def dates(draw: st.DrawFn) -> str:
    day_name = draw(st.sampled_from(["", "Sat, ", "Mon, ", "Xyz, ", "Sat,"]))
    day = draw(st.integers(0, 32))
    year = draw(st.sampled_from([0, 1, 50, 68, 69, 99, 100, 1969, 1970, 2024, 2038, 9999]) | st.integers(0, 9999))
    hours, minutes, seconds = draw(st.integers(0, 25)), draw(st.integers(0, 61)), draw(st.integers(0, 61))
    zone = draw(st.sampled_from(["+0800", "-0000", "+0000", "-0500", "+2359", "+2400", "-9999", "+0099",
                                 "GMT", "UT", "EST", "+08:00", "Z"]))
    tail = draw(st.sampled_from(["", " (CST)", "(CST)", "\t(UTC)", " extra words here", "\xa0x"]))
    day_text = draw(st.sampled_from([f"{day}", f"{day:02d}"]))
    return (f"{day_name}{day_text} {draw(st.sampled_from(MONTH_NAMES))} {year:04d} "
            f"{hours:02d}:{minutes:02d}:{seconds:02d} {zone}{tail}")


@settings(max_examples=1500, deadline=None)
@given(dates())
def test_plain_dates_read_as_the_email_package_reads_them(value: str) -> None:
    assert parse_date(value) == general_date(value)


def test_the_usual_date_form_takes_the_shortcut() -> None:
    expected = email.utils.parsedate_to_datetime("Sat, 01 Jun 2024 08:52:00 +0800").timestamp()
    assert plain_timestamp("Sat, 01 Jun 2024 08:52:00 +0800") == expected
    assert plain_timestamp("1 Jun 2024 08:52:00 -0000") is None  # no zone: the email package decides
    with pytest.raises(ValueError):
        plain_timestamp("Sat, 31 Feb 2024 08:52:00 +0800")


# -- whole messages ---------------------------------------------------------------------------

def corpus_messages() -> list[tuple[str, bytes]]:
    found = []
    for path in sorted(CORPUS.glob("*.eml")):
        raw = path.read_bytes()
        found.append((path.name, raw))
        found.append((path.name + " (CRLF)", re.sub(rb"\r?\n", b"\r\n", raw)))
    return found


@pytest.mark.parametrize(("name", "raw"), corpus_messages(), ids=[name for name, _ in corpus_messages()])
def test_corpus_summaries_equal_the_general_paths(name: str, raw: bytes) -> None:
    fast = summarize(raw)
    with general_paths():
        assert fast == summarize(raw), name
