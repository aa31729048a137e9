"""Issue 13, items 9 and 10: structures that hid a message's text, and attachments read wrong.

Every message is built here, byte by byte; each row says what the reader must show.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import struct

import pytest

from app.core.message.text import searchable_text
from app.core.message.view import parse_message, part_payload


def _mime(*lines: str) -> bytes:
    return "\r\n".join(lines).encode("utf-8") + b"\r\n"


# (name, raw message, expected plain text, expected html, expected attachments as (name, size))
BODY_CASES = [
    ("nested_multipart_reuses_parent_boundary", _mime(
        'Content-Type: multipart/mixed; boundary="B"', "",
        "--B", 'Content-Type: multipart/alternative; boundary="B"', "",
        "--B", "Content-Type: text/plain", "", "Hello reuse",
        "--B", "Content-Type: text/html", "", "<p>Hello reuse</p>",
        "--B--",
        "--B", "Content-Type: application/pdf; name=a.pdf", "Content-Transfer-Encoding: base64", "", "AAAA",
        "--B--"), "Hello reuse", "<p>Hello reuse</p>", [("a.pdf", 3)]),
    ("three_levels_reuse_one_boundary", _mime(
        'Content-Type: multipart/mixed; boundary="B"', "",
        "--B", 'Content-Type: multipart/alternative; boundary="B"', "",
        "--B", "Content-Type: text/plain", "", "Plain",
        "--B", 'Content-Type: multipart/related; boundary="B"', "",
        "--B", "Content-Type: text/html", "", '<p>Deep</p><img src="cid:i1">',
        "--B", "Content-Type: image/png", "Content-ID: <i1>", "Content-Transfer-Encoding: base64", "", "iVBORw==",
        "--B--",
        "--B--",
        "--B", "Content-Type: text/csv; name=t.csv", "Content-Disposition: attachment", "", "a,b",
        "--B--"), "Plain", '<p>Deep</p><img src="cid:i1">', [("t.csv", 3)]),
    ("empty_first_multipart", _mime(
        'Content-Type: multipart/mixed; boundary="A"', "",
        "--A", 'Content-Type: multipart/alternative; boundary="C"', "", "--C--",
        "--A", "Content-Type: text/plain", "", "Real text",
        "--A--"), "Real text", None, []),
    ("empty_html_alternative_after_real_text", _mime(
        'Content-Type: multipart/alternative; boundary="A"', "",
        "--A", "Content-Type: text/plain", "", "Real text",
        "--A", "Content-Type: text/html", "", "<html><body> &nbsp; </body></html>",
        "--A--"), "Real text", None, []),
    ("empty_plain_alternative_after_html", _mime(
        'Content-Type: multipart/alternative; boundary="A"', "",
        "--A", "Content-Type: text/html", "", "<p>Real</p>",
        "--A", "Content-Type: text/plain", "", "",
        "--A--"), None, "<p>Real</p>", []),
    ("top_level_message_rfc822", _mime(
        "From: a@example.org", "Subject: outer", "Content-Type: message/rfc822", "",
        "From: c@example.org", "Subject: inner", 'Content-Type: multipart/mixed; boundary="X"', "",
        "--X", "Content-Type: text/plain", "", "Inner text",
        "--X", "Content-Type: text/plain; name=notes.txt", "Content-Disposition: attachment", "", "notes",
        "--X--"), "Inner text", None, [("notes.txt", 5)]),
    ("delimiter_twice_is_no_part", _mime(
        'Content-Type: multipart/mixed; boundary="A"', "",
        "--A", "Content-Type: text/plain", "", "Text",
        "--A", "--A", "", "--A--"), "Text", None, []),
    ("empty_part_before_close_is_no_part", _mime(
        'Content-Type: multipart/mixed; boundary="A"', "",
        "--A", "Content-Type: text/plain", "", "Text",
        "--A", "", "--A--"), "Text", None, []),
]


@pytest.mark.parametrize(("raw", "plain", "html", "attachments"),
                         [case[1:] for case in BODY_CASES], ids=[case[0] for case in BODY_CASES])
def test_body_is_found(raw: bytes, plain: str | None, html: str | None,
                       attachments: list[tuple[str, int]]) -> None:
    view = parse_message(raw)
    assert (view.plain_text or "").strip() == (plain or "")
    assert (view.html or "").strip() == (html or "")
    assert [(item.filename, item.size) for item in view.attachments] == attachments
    assert all(item.size >= 0 for item in view.attachments)
    for item in view.attachments:
        assert len(part_payload(raw, item.part_index)[0]) == item.size


# -- item 10: file names --------------------------------------------------------------------------

_REPORT = "2024年度报告（终稿）.pdf"
_REPORT_QUOTED = "".join(f"%{byte:02X}" for byte in _REPORT.encode("utf-8"))


def _pieces(text: str, *cuts: int, star: tuple[bool, ...] = ()) -> str:
    """``filename*0*=...; filename*1*=...`` with the value cut at the given offsets."""
    bounds = [0, *cuts, len(text)]
    parts = []
    for number, (start, end) in enumerate(itertools.pairwise(bounds)):
        marked = star[number] if number < len(star) else True
        parts.append(f"filename*{number}{'*' if marked else ''}={text[start:end]}")
    return ";\r\n ".join(parts)


def _with_filename(disposition: bytes) -> bytes:
    return (b'Content-Type: multipart/mixed; boundary="F"\r\n\r\n--F\r\nContent-Type: text/plain\r\n\r\nSee file.\r\n'
            b"--F\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment;\r\n "
            + disposition + b"\r\nContent-Transfer-Encoding: base64\r\n\r\nAAEC\r\n--F--\r\n")


FILENAME_CASES = [
    ("rfc2231_continued_utf8", "UTF-8''" + _REPORT_QUOTED, (20, 50), (), _REPORT),
    # "%E5%B9" | "%B4": a cut inside one character, each piece a whole %XX
    ("rfc2231_cut_inside_a_character", "UTF-8''" + _REPORT_QUOTED, (19, 22), (), _REPORT),
    # a cut inside one %XX, and a later piece without its "*"
    ("rfc2231_cut_inside_percent_escape", "UTF-8''" + _REPORT_QUOTED, (18, 40), (True, True, False), _REPORT),
    ("rfc2231_gb18030_pieces", "gb2312''" + "".join(f"%{b:02X}" for b in _REPORT.encode("gb18030")),
     (17, 30), (), _REPORT),
    ("rfc2231_latin1", "iso-8859-1''J%FCrgen%20M%FCller.pdf", (14,), (), "Jürgen Müller.pdf"),
    ("rfc2231_iso2022jp", "iso-2022-jp''" + "".join(f"%{b:02X}" for b in "報告書.pdf".encode("iso2022_jp")),
     (), (), "報告書.pdf"),
]


@pytest.mark.parametrize(("value", "cuts", "star", "expected"), [case[1:] for case in FILENAME_CASES],
                         ids=[case[0] for case in FILENAME_CASES])
def test_rfc2231_file_names(value: str, cuts: tuple[int, ...], star: tuple[bool, ...], expected: str) -> None:
    raw = _with_filename(_pieces(value, *cuts, star=star).encode("ascii"))
    view = parse_message(raw)
    assert [(item.filename, item.size) for item in view.attachments] == [(expected, 3)]


RAW_NAME_CASES = [
    ("raw_latin1", b'filename="J\xfcrgen M\xfcller.pdf"', "Jürgen Müller.pdf"),
    ("raw_utf8", b'filename="' + _REPORT.encode("utf-8") + b'"', _REPORT),
    ("raw_gbk", b'filename="' + _REPORT.encode("gb18030") + b'"', _REPORT),
    ("raw_iso2022jp", b'filename="' + "見積書.xlsx".encode("iso2022_jp") + b'"', "見積書.xlsx"),
    ("encoded_word_iso2022jp", b'filename="=?ISO-2022-JP?B?GyRCOCtAUT1xGyhC?=.xlsx"', "見積書.xlsx"),
]


@pytest.mark.parametrize(("disposition", "expected"), [case[1:] for case in RAW_NAME_CASES],
                         ids=[case[0] for case in RAW_NAME_CASES])
def test_raw_and_encoded_file_names(disposition: bytes, expected: str) -> None:
    view = parse_message(_with_filename(disposition))
    assert [item.filename for item in view.attachments] == [expected]


# -- item 10: files inside parts: uuencode and TNEF -------------------------------------------------

_PHOTO = bytes(range(256)) * 3 + b"\x00\x00 \n\r\n"   # every byte value, NULs and line ends too
_REPORT_BYTES = b"%PDF-1.4\n" + bytes(range(200, 256)) * 5


def _uuencode(name: str, data: bytes, *, strip_trailing_spaces: bool = False) -> bytes:
    lines = [binascii.b2a_uu(data[start:start + 45]) for start in range(0, len(data), 45)]
    if strip_trailing_spaces:  # what some gateways do to each line
        lines = [line.rstrip(b" \n") + b"\n" for line in lines]
    return (f"begin 644 {name}\n".encode() + b"".join(lines) + b"`\nend\n").replace(b"\n", b"\r\n")


def _tnef_attribute(level: int, attribute: int, data: bytes) -> bytes:
    return struct.pack("<BII", level, attribute, len(data)) + data + struct.pack("<H", sum(data) & 0xFFFF)


def _mapi_long_filename(name: str) -> bytes:
    """An attAttachment property list: PR_ATTACH_METHOD (a long), then PR_ATTACH_LONG_FILENAME."""
    encoded = name.encode("utf-16-le") + b"\x00\x00"
    padding = b"\x00" * (-len(encoded) % 4)
    return (struct.pack("<I", 2) + struct.pack("<HHI", 0x0003, 0x3705, 1)
            + struct.pack("<HHII", 0x001F, 0x3707, 1, len(encoded)) + encoded + padding)


def make_tnef(files: list[tuple[str, bytes, str | None]], *, message_codepage: int = 1252) -> bytes:
    """A TNEF stream per [MS-OXTNEF]: signature, key, message attributes, then per attachment
    attAttachRendData, attAttachTitle, attAttachData and (for a long name) attAttachment."""
    stream = struct.pack("<IH", 0x223E9F78, 0x0001)
    stream += _tnef_attribute(1, 0x00089006, struct.pack("<I", 0x00010000))           # attTnefVersion
    stream += _tnef_attribute(1, 0x00069007, struct.pack("<II", message_codepage, 0))  # attOemCodepage
    stream += _tnef_attribute(1, 0x00018008, b"Quarterly numbers\x00")                 # attSubject
    for title, data, long_name in files:
        stream += _tnef_attribute(2, 0x00069002, struct.pack("<HIIIHI", 1, 0xFFFFFFFF, 0, 0, 1, 0))
        stream += _tnef_attribute(2, 0x00018010, title.encode(f"cp{message_codepage}") + b"\x00")
        stream += _tnef_attribute(2, 0x0006800F, data)
        if long_name:
            stream += _tnef_attribute(2, 0x00069005, _mapi_long_filename(long_name))
    return stream


def _with_part(headers: str, body: bytes) -> bytes:
    return (b'Content-Type: multipart/mixed; boundary="T"\r\n\r\n--T\r\nContent-Type: text/plain\r\n\r\n'
            b"Numbers attached.\r\n--T\r\n" + headers.encode() + b"\r\n\r\n" + body + b"\r\n--T--\r\n")


def _base64(data: bytes) -> bytes:
    return base64.encodebytes(data).replace(b"\n", b"\r\n").rstrip(b"\r\n")


_TNEF_HEADERS = ("Content-Type: application/ms-tnef; name=winmail.dat\r\n"
                 "Content-Disposition: attachment; filename=winmail.dat\r\nContent-Transfer-Encoding: base64")
_TNEF_TWO = make_tnef([("REPORT~1.PDF", _REPORT_BYTES, "Quarterly report 2024.pdf"),
                       ("photo.bin", _PHOTO, None)])
_TNEF_BROKEN = _TNEF_TWO[:60]

# (name, raw message, expected body text, expected files as (name, bytes))
EMBEDDED_CASES = [
    ("uuencode_in_plain_body",
     b"Subject: uu\r\n\r\nHere it is:\r\n\r\n" + _uuencode("photo.bin", _PHOTO) + b"\r\nBye\r\n",
     "Here it is:\n\n[photo.bin]\n\nBye", [("photo.bin", _PHOTO)]),
    ("uuencode_two_files_trailing_spaces_stripped",
     b"Subject: uu\r\n\r\nTwo:\r\n" + _uuencode("a.pdf", _REPORT_BYTES, strip_trailing_spaces=True)
     + _uuencode("b.bin", _PHOTO, strip_trailing_spaces=True),
     "Two:\n[a.pdf]\n[b.bin]", [("a.pdf", _REPORT_BYTES), ("b.bin", _PHOTO)]),
    ("uuencode_damaged_stays_text",
     b"Subject: uu\r\n\r\nbegin 644 x.bin\r\n!!!!not uuencode at all\r\nend\r\n",
     "begin 644 x.bin\n!!!!not uuencode at all\nend", []),
    ("tnef_two_files", _with_part(_TNEF_HEADERS, _base64(_TNEF_TWO)), "Numbers attached.",
     [("Quarterly report 2024.pdf", _REPORT_BYTES), ("photo.bin", _PHOTO)]),
    ("tnef_cp1252_title_only", _with_part(_TNEF_HEADERS, _base64(make_tnef([("Bücher.txt", b"ok", None)]))),
     "Numbers attached.", [("Bücher.txt", b"ok")]),
    ("tnef_damaged_stays_winmail_dat", _with_part(_TNEF_HEADERS, _base64(_TNEF_BROKEN)), "Numbers attached.",
     [("winmail.dat", _TNEF_BROKEN)]),
    ("tnef_by_file_name", _with_part(
        "Content-Type: application/octet-stream; name=\"winmail.dat\"\r\nContent-Transfer-Encoding: base64",
        _base64(make_tnef([("notes.txt", b"hello", None)]))), "Numbers attached.", [("notes.txt", b"hello")]),
]


@pytest.mark.parametrize(("raw", "text", "files"), [case[1:] for case in EMBEDDED_CASES],
                         ids=[case[0] for case in EMBEDDED_CASES])
def test_files_inside_parts_are_offered_and_saved_byte_exact(raw: bytes, text: str,
                                                             files: list[tuple[str, bytes]]) -> None:
    view = parse_message(raw)
    assert (view.plain_text or "").strip() == text
    assert (searchable_text(raw) or "").strip() == text  # the index reads the same text, files left out
    assert [(item.filename, item.size) for item in view.attachments] == [(name, len(data)) for name, data in files]
    for item, (_, data) in zip(view.attachments, files, strict=True):
        assert part_payload(raw, item.part_index)[0] == data


def test_a_file_number_past_the_last_is_no_part() -> None:
    raw = b"Subject: uu\r\n\r\n" + _uuencode("a.bin", b"abc")
    with pytest.raises(KeyError):
        part_payload(raw, 5)
