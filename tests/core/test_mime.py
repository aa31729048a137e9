"""Header decoding for the message list: never raises, reads as a person would."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.message.headers import decode_header_value, message_headers
from app.core.message.summary import summarize
from app.core.message.text import readable_text


def test_rfc2047_word_split_mid_character_is_joined() -> None:
    # "会议" in UTF-8 is e4 bc 9a e8 ae ae; split after the fourth byte across two words.
    value = b"=?utf-8?B?5Lya6A==?= =?utf-8?B?rq4=?="
    assert decode_header_value(value) == "会议"


def test_gb2312_label_decoded_as_gb18030() -> None:
    # 镕 is outside GB2312 but inside GBK: mail labelled gb2312 often carries it.
    encoded = "朱镕基".encode("gbk")
    import base64

    value = b"=?gb2312?B?" + base64.b64encode(encoded) + b"?="
    assert decode_header_value(value) == "朱镕基"


def test_raw_utf8_and_raw_gbk_headers() -> None:
    assert decode_header_value("会议纪要".encode()) == "会议纪要"
    assert decode_header_value("会议纪要".encode("gbk")) == "会议纪要"


def test_unknown_charset_falls_back_to_text() -> None:
    assert "hello" in decode_header_value(b"=?x-unknown-charset?Q?hello?=")


def test_folded_headers_are_unfolded() -> None:
    headers = message_headers(b"Subject: first\r\n second\r\nFrom: a@b\r\n\r\nbody")
    assert decode_header_value(headers["subject"]) == "first second"


def test_summary_of_typical_message() -> None:
    raw = (b"From: \"Li, Lei\" <li@example.cn>\r\nTo: a@example.com, b@example.com\r\n"
           b"Subject: =?utf-8?B?5Lya6K6u?=\r\nDate: Tue, 3 Nov 2026 09:30:00 +0800\r\n"
           b"Message-ID: <abc@example.cn>\r\n\r\nhi\r\n")
    summary = summarize(raw)
    assert summary.sender == "Li, Lei <li@example.cn>"
    assert summary.recipients == "a@example.com, b@example.com"
    assert summary.subject == "会议"
    assert summary.message_id == "<abc@example.cn>"
    assert summary.date == 1793669400.0
    assert summary.has_attachments is False


def test_bad_date_is_none_not_an_error() -> None:
    assert summarize(b"Date: yesterday-ish\r\n\r\n").date is None


def test_readable_text_prefers_plain_and_decodes_charset() -> None:
    raw = ("Content-Type: text/plain; charset=gb2312\r\n\r\n" "你好").encode("gbk")
    assert readable_text(raw) == "你好"


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_summarize_never_raises(raw: bytes) -> None:
    summarize(raw)
    readable_text(raw)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_header_decoding_never_raises(text: str) -> None:
    decode_header_value(text.encode("utf-8", "surrogatepass"))
