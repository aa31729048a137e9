"""Issue 13, items 9 and 10: structures that hid a message's text, and attachments read wrong.

Every message is built here, byte by byte; each row says what the reader must show.
"""

from __future__ import annotations

import pytest

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
