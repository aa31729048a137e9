"""The viewer's reading path: headers, body choice, charsets, attachments, remote content, limits."""

from __future__ import annotations

import base64
import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.message.charsets import decode_text
from app.core.message.flowed import unflow
from app.core.message.headers import (
    _parse_parameters,
    _remembered_parameters,
    decode_header_value,
    format_address_list,
    parse_parameters,
)
from app.core.message.html_policy import html_has_remote_content
from app.core.message.text import readable_text, searchable_text
from app.core.message.tree import MAX_DEPTH, MAX_PARTS
from app.core.message.view import MessageView, parse_message, part_payload, part_payloads


def message(*lines: bytes | str, body: bytes | str = b"") -> bytes:
    encoded = [line.encode() if isinstance(line, str) else line for line in lines]
    return b"\r\n".join(encoded) + b"\r\n\r\n" + (body.encode() if isinstance(body, str) else body)


def multipart(kind: str, boundary: str, *parts: bytes, headers: tuple[str, ...] = ()) -> bytes:
    body = b"".join(b"--" + boundary.encode() + b"\r\n" + part + b"\r\n" for part in parts)
    body += b"--" + boundary.encode() + b"--\r\n"
    return message(*headers, f'Content-Type: multipart/{kind}; boundary="{boundary}"', body=body)


# -- headers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "shown"), [
    (b"=?utf-8?B?5Lya6K6u?=", "会议"),
    (b"=?UTF-8?Q?caf=C3=A9_au_lait?=", "café au lait"),
    (b"=?utf-8?B?5Lya6A==?= =?utf-8?B?rq4=?=", "会议"),           # split mid-character
    (b"=?utf-8?B?5Lya6A==?=\r\n\t=?utf-8?B?rq4=?=", "会议"),       # ... across a folded line
    (b"=?utf-8*zh?B?5Lya6K6u?=", "会议"),                          # RFC 2231 language suffix
    (b"Re: =?gbk?B?u+HS6Q==?= notes", "Re: 会议 notes"),
    (b"=?gb2312?B?" + base64.b64encode("朱镕基".encode("gbk")) + b"?=", "朱镕基"),  # GBK-only character
    (b"=?big5?B?" + base64.b64encode("佢哋嘅".encode("big5hkscs")) + b"?=", "佢哋嘅"),  # HKSCS under big5
    (b"=?iso-8859-1?Q?Gr=FC=DFe?= =?utf-8?Q?_und_?= mehr", "Grüße und  mehr"),
    (b"=?x-nonsense?Q?plain_text?=", "plain text"),                # unknown charset: the bytes as UTF-8
    (b"=?utf-8?B?@@@@?=", "=?utf-8?B?@@@@?="),                       # nothing decodable: as written
    (b"=?utf-8?B?5Lya6K6u", "=?utf-8?B?5Lya6K6u"),                   # unterminated word: as written
    ("会议纪要".encode(), "会议纪要"),                                # RFC 6532 raw UTF-8
    ("会议纪要".encode("gbk"), "会议纪要"),                           # raw 8-bit GBK
    (b"tab\there\x00nul\x1besc", "tab\there nul esc"),
])
def test_header_decoding(raw: bytes, shown: str) -> None:
    assert decode_header_value(raw) == shown


@pytest.mark.parametrize(("raw", "shown"), [
    (b'"Li, Lei" <li@example.cn>', "Li, Lei <li@example.cn>"),
    (b"=?utf-8?B?5p2O77yM6Zu3?= <li@example.cn>", "李，雷 <li@example.cn>"),
    (b'"=?utf-8?B?TGksIExlaQ==?=" <li@example.cn>', "Li, Lei <li@example.cn>"),  # encoded word in quotes
    (b"=?utf-8?Q?Li=2C_Lei?= <li@example.cn>, b@example.com", "Li, Lei <li@example.cn>, b@example.com"),
    ("张三 <zhang@example.cn>".encode("gbk"), "张三 <zhang@example.cn>"),
    (b"bob@example.com (Bob Smith)", "Bob Smith <bob@example.com>"),
    (b"<bob@example.com>", "bob@example.com"),
    (b"undisclosed-recipients:;", "undisclosed-recipients:;"),
    (b"", ""),
])
def test_addresses_are_shown_cleanly(raw: bytes, shown: str) -> None:
    assert format_address_list(raw) == shown


def test_view_headers() -> None:
    raw = message("From: =?gbk?B?1cXI/Q==?= <zhang@example.cn>", "To: a@example.com", "Cc: =?utf-8?B?5p2O?= <li@x.cn>",
                  "Reply-To: <replies@example.cn>", "Subject: =?gbk?B?u+HS6Q==?=",
                  "Date: Tue, 3 Nov 2026 09:30:00 +0800", "Message-ID:\r\n <abc@example.cn>", body="hi")
    view = parse_message(raw)
    assert (view.sender, view.to, view.cc, view.reply_to) == (
        "张三 <zhang@example.cn>", "a@example.com", "李 <li@x.cn>", "replies@example.cn")
    assert view.subject == "会议"
    assert view.date == 1793669400.0
    assert view.message_id == "<abc@example.cn>"
    assert view.plain_text == "hi" and view.html is None and view.problems == ()


# -- parameters (RFC 2231) ----------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "filename"), [
    (b'attachment; filename="plain.txt"', "plain.txt"),
    (b"attachment; filename=token.txt", "token.txt"),
    (b"attachment; filename*=UTF-8''%E4%BC%9A%E8%AE%AE.doc", "会议.doc"),
    (b"attachment; filename*=utf-8'zh-cn'%E4%BC%9A.doc", "会.doc"),
    (b"attachment;\r\n filename*0*=gbk''%BB%E1;\r\n filename*1*=%D2%E9;\r\n filename*2=.txt", "会议.txt"),
    (b"attachment; filename*1=\"b.txt\"; filename*0=\"a\"", "ab.txt"),         # sections out of order
    (b'attachment; filename="fallback.txt"; filename*=utf-8\'\'%E6%96%B0.txt', "新.txt"),  # 2231 wins
    (b'attachment; filename="=?utf-8?B?5oql5Lu35Y2VLnBkZg==?="', "报价单.pdf"),       # RFC 2047 in quotes
    ('attachment; filename="会议.doc"'.encode(), "会议.doc"),                        # raw UTF-8
    ('attachment; filename="会议.doc"'.encode("gbk"), "会议.doc"),                   # raw GBK
    (b'attachment; filename="say \\"hi\\".txt"', 'say "hi".txt'),
    (b'attachment; filename="C:\\Users\\a.txt"', "C:\\Users\\a.txt"),               # stray backslashes kept
    (b"attachment; filename*=utf-8''%ZZ%E4", "%ZZ\ufffd"),
])
def test_disposition_parameters(raw: bytes, filename: str) -> None:
    kind, parameters = parse_parameters(raw)
    assert kind == "attachment"
    assert parameters["filename"] == filename


@given(st.sampled_from([b"text/plain", b"attachment", b"multipart/mixed", b"Text/HTML"]),
       st.lists(st.tuples(st.sampled_from(["charset", "name", "filename*", "boundary", "format", "name*0*"]),
                          st.text(max_size=12)), max_size=3))
def test_a_remembered_value_parses_as_it_did_the_first_time(head: bytes, pairs: list[tuple[str, str]]) -> None:
    raw = head + b"".join(f'; {name}="{value}"'.encode("utf-8", "surrogatepass") for name, value in pairs)
    first = parse_parameters(raw)
    first[1]["charset"] = "changed by a caller"  # the parts keep (and could change) their parameters
    again = parse_parameters(raw)
    assert again == _parse_parameters(raw)  # not the caller's change: every call gets its own copy


def test_a_long_value_is_parsed_each_time_not_remembered() -> None:
    raw = b'attachment; filename="' + b"x" * 300 + b'.txt"'
    before = _remembered_parameters.cache_info().currsize
    assert parse_parameters(raw)[1]["filename"] == "x" * 300 + ".txt"
    assert _remembered_parameters.cache_info().currsize == before


# -- bodies -------------------------------------------------------------------------------------


def test_html_text_after_a_style_block_is_kept_whatever_came_before() -> None:
    # "İ".lower() is two characters: positions in a lower-cased copy run ahead of the original.
    html = "<p>İstanbul İzmir</p><style>p { color: red }</style><p>Ankara meeting notes</p>"
    raw = message("Content-Type: text/html; charset=utf-8", body=html.encode())
    assert readable_text(raw).split() == ["İstanbul", "İzmir", "Ankara", "meeting", "notes"]
    assert "Ankara meeting notes" in searchable_text(raw)


def test_alternative_prefers_html_and_keeps_plain() -> None:
    raw = multipart("alternative", "alt",
                    b"Content-Type: text/plain; charset=utf-8\r\n\r\nplain words",
                    b"Content-Type: text/html; charset=utf-8\r\n\r\n<p>html words</p>")
    view = parse_message(raw)
    assert view.plain_text == "plain words"
    assert view.html == "<p>html words</p>"
    assert view.attachments == ()
    assert readable_text(raw) == "plain words"  # the CLI shows text, from the same path
    assert searchable_text(raw) == "plain words"


def test_related_root_chosen_by_start_parameter() -> None:
    raw = message(
        'Content-Type: multipart/related; boundary="rel"; start="<root@x>"',
        body=b"--rel\r\nContent-Type: image/gif\r\nContent-ID: <pic@x>\r\nContent-Transfer-Encoding: base64\r\n\r\n"
             b"R0lGODlhAQABAAAAACw=\r\n--rel\r\nContent-Type: text/html\r\nContent-ID: <root@x>\r\n\r\n"
             b'<img src="CID:pic@x">\r\n--rel--\r\n')
    view = parse_message(raw)
    assert view.html == '<img src="CID:pic@x">'
    assert view.inline_parts == {"pic@x": 1, "root@x": 2}
    assert view.attachments == ()
    assert part_payload(raw, 1) == (b"GIF89a\x01\x00\x01\x00\x00\x00\x00,", "image/gif")


def test_unreferenced_inline_image_is_listed_as_an_attachment() -> None:
    raw = multipart("mixed", "m", b"Content-Type: text/html\r\n\r\n<p>no image here</p>",
                    b"Content-Type: image/png\r\nContent-ID: <unused@x>\r\n\r\npng")
    view = parse_message(raw)
    assert [(item.filename, item.content_id) for item in view.attachments] == [("part-2.png", "unused@x")]
    assert view.inline_parts == {"unused@x": 2}


def test_text_attachment_is_not_the_body() -> None:
    raw = multipart("mixed", "m", b"Content-Type: text/plain\r\nContent-Disposition: attachment; filename=notes.txt"
                                  b"\r\n\r\nattached notes",
                    b"Content-Type: text/plain\r\n\r\nthe body")
    view = parse_message(raw)
    assert view.plain_text == "the body"
    assert [item.filename for item in view.attachments] == ["notes.txt"]


def test_named_text_part_shown_as_body_is_also_offered_as_a_file() -> None:
    raw = multipart("mixed", "m", b"Content-Type: text/csv\r\n\r\nignored",
                    b'Content-Type: text/plain; name="server.log"\r\nContent-Disposition: inline\r\n\r\nlog lines')
    view = parse_message(raw)
    assert view.plain_text == "log lines"
    assert [item.filename for item in view.attachments] == ["part-1.csv", "server.log"]


def test_single_part_non_text_message_is_an_attachment() -> None:
    raw = message("Content-Type: application/pdf; name=scan.pdf", "Content-Transfer-Encoding: base64",
                  body=base64.b64encode(b"%PDF-1.7 data"))
    view = parse_message(raw)
    assert view.plain_text is None and view.html is None
    assert [(item.part_index, item.filename, item.size) for item in view.attachments] == [(0, "scan.pdf", 13)]
    assert part_payload(raw, 0) == (b"%PDF-1.7 data", "application/pdf")


def test_quoted_printable_body_with_soft_breaks() -> None:
    raw = message("Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: quoted-printable",
                  body=b"caf=C3=A9 au =\r\nlait=20\r\nnext")
    assert parse_message(raw).plain_text == "café au lait \nnext"


def test_message_without_headers_or_body_separator() -> None:
    assert parse_message(b"").plain_text == ""
    assert parse_message(b"just some text with no headers").plain_text == "just some text with no headers"
    headers_only = parse_message(b"Subject: only headers")
    assert headers_only.subject == "only headers" and headers_only.plain_text == ""


def test_part_payloads_fetches_several_and_skips_missing_ones() -> None:
    raw = multipart("related", "r", b"Content-Type: text/html\r\n\r\n<img src=cid:a>",
                    b"Content-Type: image/png\r\nContent-ID: <a>\r\n\r\nPNG-A")
    assert part_payloads(raw, [2, 1, 9]) == {2: (b"PNG-A", "image/png"), 1: (b"<img src=cid:a>", "text/html")}


def test_part_payload_unknown_index_raises_key_error() -> None:
    raw = message("Subject: x", body="y")
    with pytest.raises(KeyError):
        part_payload(raw, 5)
    with pytest.raises(KeyError):
        part_payload(raw, -1)


def test_boundary_that_is_a_prefix_of_another_line_is_not_split() -> None:
    raw = multipart("mixed", "ab", b"Content-Type: text/plain\r\n\r\nline\r\n--abc is not a boundary\r\nmore")
    assert parse_message(raw).plain_text == "line\n--abc is not a boundary\nmore"


def test_multipart_without_boundary_parameter_is_shown_as_text() -> None:
    view = parse_message(message("Content-Type: multipart/mixed", body="raw content"))
    assert view.plain_text == "raw content"
    assert any("no boundary" in problem for problem in view.problems)


# -- charsets -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("data", "declared", "text", "codec"), [
    ("你好".encode(), None, "你好", "utf-8"),
    ("你好".encode("gbk"), None, "你好", "gb18030"),
    ("你好".encode("gbk"), "utf-8", "你好", "gb18030"),             # mislabelled
    ("你好".encode(), "iso-8859-1", "你好", "utf-8"),               # weak label, valid UTF-8 wins
    ("café".encode("latin-1"), "iso-8859-1", "café", "cp1252"),    # ISO-8859-1 read as windows-1252
    ("café".encode("latin-1"), "us-ascii", "café", "cp1252"),      # not ASCII, not UTF-8, not GB18030
    ("嘅".encode("big5hkscs"), "big5", "嘅", "big5hkscs"),
    (b"plain", None, "plain", "ascii"),
    (b"plain", "x-unknown", "plain", "ascii"),
])
def test_body_charset_detection(data: bytes, declared: str | None, text: str, codec: str) -> None:
    assert decode_text(data, declared) == (text, codec)


def test_detector_guesses_a_cyrillic_charset() -> None:
    data = "Привет, как дела? Это тестовое сообщение на русском языке. Мы встретимся завтра.".encode("koi8-r")
    text, codec = decode_text(data, None)
    assert codec == "koi8-r" and text.startswith("Привет")


def test_html_meta_charset_is_used_when_the_header_has_none() -> None:
    body = '<html><head><meta charset="big5"></head><body>會議</body></html>'.encode("big5")
    view = parse_message(message("Content-Type: text/html", body=body))
    assert view.html is not None and "會議" in view.html
    assert view.charset == "big5hkscs"


def test_override_with_an_unknown_name_is_ignored() -> None:
    view = parse_message(message("Content-Type: text/plain; charset=utf-8", body="会议".encode()),
                         charset_override="no-such-charset")
    assert view.plain_text == "会议"


@pytest.mark.parametrize("override", ["zlib", "base64", "rot13", "hex", "idna"])
def test_override_with_a_codec_that_is_not_a_text_encoding_is_ignored(override: str) -> None:
    # Python knows these names, but they are not charsets: bytes.decode() refuses them.
    assert decode_text("会议".encode(), "utf-8", override) == ("会议", "utf-8")
    view = parse_message(message("Content-Type: text/plain; charset=utf-8", body="会议".encode()),
                         charset_override=override)
    assert view.plain_text == "会议"


# -- format=flowed ------------------------------------------------------------------------------


def test_flowed_joins_soft_lines_and_keeps_hard_ones() -> None:
    assert unflow("one \ntwo\nthree") == "one two\nthree"
    assert unflow("a\n\nb") == "a\n\nb"


def test_flowed_delsp_removes_the_added_space() -> None:
    assert unflow("很长的中 \n文段落", delete_space=True) == "很长的中文段落"
    assert unflow("很长的中 \n文段落", delete_space=False) == "很长的中 文段落"


def test_flowed_quote_depth_changes_end_a_paragraph() -> None:
    assert unflow("> quoted \n> more\n>> deeper \nplain") == "> quoted more\n>> deeper \nplain"


def test_flowed_signature_and_space_stuffing() -> None:
    assert unflow("-- \nme") == "-- \nme"
    assert unflow(" From here\n >not a quote") == "From here\n>not a quote"


# -- remote content -----------------------------------------------------------------------------


@pytest.mark.parametrize("html", [
    '<img src="https://tracker.example/p.gif">',
    "<img src=http://tracker.example/p.gif>",
    '<img src="//tracker.example/p.gif">',
    '<link rel="stylesheet" href="https://cdn.example/s.css">',
    '<iframe src="https://ads.example/"></iframe>',
    '<img srcset="a.png 1x, https://cdn.example/b.png 2x">',
    "<div style=\"background: url('http://x.example/bg.png')\">",
    "<style>@import 'https://x.example/a.css';</style>",
    "<style>@import url(//x.example/a.css);</style>",
    '<table background="http://x.example/bg.jpg">',
    '<video poster="https://x.example/p.jpg"></video>',
    '<object data="https://x.example/o.swf"></object>',
    '<img src="&#104;ttp://x.example/a.png">',
    '<img src="HTTPS://X.EXAMPLE/A.PNG">',
    "<div style=\"background:url(\\68ttp://x.example/a.png)\">",
    '<meta http-equiv="refresh" content="0; url=https://x.example/">',
    '<script src="https://x.example/s.js"></script>',
    '<base href="https://x.example/"><img src="a.png">',
    '<a href="https://x.example/" style="background:url(https://x.example/bg.png)">x</a>',
    '<svg><image xlink:href="https://x.example/i.png"/></svg>',
    '<img alt="a > b" src="https://x.example/hidden-behind-a-quoted-gt.png">',
    "<img alt=don't src=https://x.example/unquoted.png>",
    "<p>It's <img src='https://x.example/after-apostrophe.png'></p>",
    '<img src = " https://x.example/spaces.png">',
    '<link rel=preload imagesrcset="https://x.example/a.png 2x">',
    "<style>div { background: URL( 'https://x.example/upper.png' ) }</style>",
    "<img src=https://x.example/unclosed.png",
    # "İ".lower() is two characters: a lower-cased copy's positions run ahead of the original's.
    "İ" * 50 + '<style>p { color: red }</style><img src="https://x.example/after-style.png">',
])
def test_remote_content_is_detected(html: str) -> None:
    assert html_has_remote_content(html)


@pytest.mark.parametrize("html", [
    '<p>Visit <a href="https://example.com/">our site</a></p>',
    '<img src="cid:logo@example.com">',
    '<img src="data:image/png;base64,iVBORw0KGgo=">',
    "<p>Write https://example.com in your browser</p>",
    '<area href="https://example.com/" shape="rect">',
    "<A HREF=https://example.com/>unquoted link</A>",
    '<form action="https://example.com/submit"><input></form>',
    '<img src="images/relative.png">',
    "<p>Use the url(https://example.com) form</p>",
])
def test_local_content_is_not_remote(html: str) -> None:
    assert not html_has_remote_content(html)


# -- limits -------------------------------------------------------------------------------------


@pytest.mark.timeout(20)
def test_25_megabyte_attachment_is_listed_with_its_size_and_payload() -> None:
    data = os.urandom(25 * 1024 * 1024)
    encoded = base64.encodebytes(data).replace(b"\n", b"\r\n")
    raw = multipart("mixed", "big", b"Content-Type: text/plain\r\n\r\nsee attachment",
                    b"Content-Type: application/zip\r\nContent-Disposition: attachment; filename=big.zip\r\n"
                    b"Content-Transfer-Encoding: base64\r\n\r\n" + encoded)
    view = parse_message(raw)
    assert view.plain_text == "see attachment"
    assert [(item.filename, item.size) for item in view.attachments] == [("big.zip", len(data))]
    assert part_payload(raw, view.attachments[0].part_index) == (data, "application/zip")


@pytest.mark.timeout(20)
@pytest.mark.parametrize("depth", [200, 10_000])
def test_deep_nesting_is_capped_not_a_recursion_error(depth: int) -> None:
    opening = b"".join(b"--b%d\r\nContent-Type: multipart/mixed; boundary=b%d\r\n\r\n" % (level, level + 1)
                       for level in range(depth))
    closing = b"".join(b"--b%d--\r\n" % level for level in reversed(range(depth + 1)))
    raw = message("Subject: deep", "Content-Type: multipart/mixed; boundary=b0",
                  body=opening + b"--b%d\r\nContent-Type: text/plain\r\n\r\ndeep\r\n" % depth + closing)
    view = parse_message(raw)
    assert isinstance(view, MessageView)
    assert view.subject == "deep"
    assert any("nested too deeply" in problem for problem in view.problems)
    assert len(view.attachments) == 1 and view.attachments[0].part_index == MAX_DEPTH
    assert searchable_text(raw) == ""


def test_nesting_within_the_limit_is_read() -> None:
    depth = MAX_DEPTH - 1
    opening = b"".join(b"--b%d\r\nContent-Type: multipart/mixed; boundary=b%d\r\n\r\n" % (level, level + 1)
                       for level in range(depth - 1))
    raw = message("Content-Type: multipart/mixed; boundary=b0",
                  body=opening + b"--b%d\r\nContent-Type: text/plain\r\n\r\nfound me\r\n" % (depth - 1))
    assert parse_message(raw).plain_text == "found me\n"  # unclosed: the part runs to the end


def test_searchable_text_is_limited() -> None:
    raw = message("Content-Type: text/plain", body=b"word " * 100_000)
    assert len(searchable_text(raw, limit=1000)) == 1000


def test_attached_message_parts_are_not_listed_in_the_outer_message() -> None:
    inner = multipart("mixed", "in", b"Content-Type: text/plain\r\n\r\ninner text",
                      b"Content-Type: image/png\r\nContent-ID: <inner@x>\r\n"
                      b"Content-Disposition: attachment; filename=inner.png\r\n\r\npng",
                      headers=("Subject: inner",))
    raw = multipart("mixed", "out", b"Content-Type: text/html\r\n\r\n<p>outer</p>",
                    b"Content-Type: message/rfc822\r\n\r\n" + inner)
    view = parse_message(raw)
    assert view.html == "<p>outer</p>" and view.plain_text is None
    assert [(item.filename, item.is_message) for item in view.attachments] == [("inner.eml", True)]
    assert view.inline_parts == {}
    assert parse_message(part_payload(raw, view.attachments[0].part_index)[0]).plain_text == "inner text"


def test_base64_encoded_attached_message_opens() -> None:
    inner = message("Subject: wrapped", body="inside")
    raw = multipart("mixed", "out", b"Content-Type: text/plain\r\n\r\nouter",
                    b"Content-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                    + base64.encodebytes(inner))
    attachment = parse_message(raw).attachments[0]
    assert attachment.is_message and attachment.size == len(inner)
    assert parse_message(part_payload(raw, attachment.part_index)[0]).plain_text == "inside"


# -- hostile sizes: linear time (the timeout is a hang guard; quadratic versions took minutes) ----


@pytest.mark.timeout(60)
def test_header_folded_over_200000_lines() -> None:
    to = b",\r\n ".join(b"u%06d@example.org" % number for number in range(200_000))
    raw = message(b"To: " + to, "Subject: many", body="x")
    view = parse_message(raw)
    assert view.to.startswith("u000000@example.org") and view.to.endswith("(+199800)")


@pytest.mark.timeout(60)
def test_200000_parts_are_capped() -> None:
    raw = message("Content-Type: multipart/mixed; boundary=b",
                  body=b"--b\r\nContent-Type: text/plain\r\n\r\nx\r\n" * 200_000 + b"--b--\r\n")
    view = parse_message(raw)
    assert view.plain_text == "x"
    assert 0 < len(view.attachments) < MAX_PARTS
    assert any("too many parts" in problem for problem in view.problems)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("piece", [b"<a href=x ", b"<script>", b"< ", b"<img srcset=a ", b'<img alt="',
                                   b"<style>", b"url(", b"=?utf-8?B?5Lya?= "])
def test_unclosed_html_and_repeated_tokens_stay_linear(piece: bytes) -> None:
    raw = message("Content-Type: text/html; charset=utf-8", body=piece * 300_000)
    view = parse_message(raw)
    assert view.html is not None
    assert not view.has_remote_content
    assert isinstance(searchable_text(raw), str)
