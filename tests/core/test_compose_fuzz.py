"""Any draft builds to a message every server takes and every reader of ours reads back as written
(issue 16): 7-bit, CRLF, lines within limits, no header a value can inject, and the subject, names,
body and attachment names round-trip through the reading path."""

from __future__ import annotations

import email.header
import email.utils
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.compose.build import build_message
from app.core.compose.draft import Draft, DraftAttachment
from app.core.message.view import parse_message, part_payload

#: Any character a person can type, controls and line breaks included (surrogates cannot be encoded).
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=200)
NAMES = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028\u2029\x85"),
                min_size=1, max_size=60)


def _one_line(text: str) -> str:
    return " ".join(re.sub(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]", " ", text).split())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(subject=TEXT, name=TEXT, body=TEXT, filename=NAMES, data=st.binary(max_size=300))
def test_any_draft_builds_a_clean_message_that_reads_back(subject: str, name: str, body: str, filename: str,
                                                          data: bytes) -> None:
    draft = Draft(from_address="me@example.org", from_name=name, to=["you@example.com"], subject=subject,
                  text=body, attachments=[DraftAttachment(filename, data)])
    raw = build_message(draft).raw
    assert raw.isascii()
    lines = raw.split(b"\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"") and b"\r" not in raw.replace(b"\r\n", b"")
    assert all(len(line) <= 998 for line in lines)
    head = raw[: raw.index(b"\r\n\r\n")]
    fields = [line.split(b":", 1)[0].lower() for line in head.split(b"\r\n") if line and line[:1] not in b" \t"]
    assert sorted(fields) == sorted([b"date", b"from", b"to", b"subject", b"message-id", b"user-agent",
                                     b"mime-version", b"content-type"])
    view = parse_message(raw)
    assert view.subject == _one_line(subject)
    assert view.sender.endswith("<me@example.org>") or view.sender == "me@example.org"
    expected_body = body.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")
    assert view.plain_text is not None
    assert view.plain_text.rstrip("\n") == expected_body.rstrip("\n")
    [attachment] = view.attachments
    assert part_payload(raw, attachment.part_index)[0] == data


@settings(max_examples=300, deadline=None)
@given(name=TEXT)
def test_any_display_name_reads_back_exactly_with_an_rfc2047_decoder(name: str) -> None:
    # Not the email package's address parser: it puts a space between two adjacent encoded words
    # of one display name, which RFC 2047 section 6.2 says to join. email.header.decode_header does.
    raw = build_message(Draft(from_address="me@example.org", from_name=name, to=["you@example.com"], text="x")).raw
    head = raw[: raw.index(b"\r\n\r\n")].decode("ascii")
    found = re.search(r"^From: (.*?)\r\n(?! )", head, re.M | re.S)
    assert found is not None
    display, address = email.utils.parseaddr(found.group(1).replace("\r\n ", " "))
    assert address == "me@example.org"
    assert str(email.header.make_header(email.header.decode_header(display))) == _one_line(name)
