"""The search index's header shortcut: ``split_part(..., mime_only=True)`` reads the ``Content-*``
fields of a part exactly as the general reader does, on any header block (hypothesis) and on
every corpus message, part by part."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.message.headers import split_part
from app.core.message.tree import parse_tree
from tests.core.header_blocks import header_blocks

CORPUS = Path(__file__).resolve().parent.parent / "corpus"

NAMES = ["Content-Type", "content-type", "CONTENT-TRANSFER-ENCODING", "Content-Disposition", "Content-ID",
         "Content-", "Contents", "X-Content-Type", "Subject", "Received", "DKIM-Signature", "Content Type",
         "Content-Type\x7f"]
JUNK = [b"From someone@example.com Sat Jun  1 08:52:00 2024", b"no colon here", b" Content-Type: indented first",
        b":empty name", b"\r", b"", b"\x00Content-Type: x"]
BODIES = [b"", b"\r\nbody\r\nContent-Type: not a header\r\n", b"\nbody"]


def mime_part_of(fields: dict[str, bytes]) -> dict[str, bytes]:
    return {name: value for name, value in fields.items() if name.startswith("content-")}


@settings(max_examples=800, deadline=None)
@given(header_blocks(NAMES, JUNK, BODIES), st.integers(min_value=0, max_value=3))
def test_mime_fields_equal_the_general_reader(raw: bytes, offset: int) -> None:
    raw = b"x" * offset + raw  # a part starts anywhere in the message
    fields, body_start = split_part(raw, offset, len(raw))
    assert split_part(raw, offset, len(raw), mime_only=True) == (mime_part_of(fields), body_start)


def test_a_folded_repeated_content_type_keeps_the_first_as_the_general_reader_does() -> None:
    raw = (b"Received: from a\r\n\tby b\r\nContent-Type: text/plain;\r\n charset=gbk\r\n"
           b"content-type: text/html\r\nContent-Transfer-Encoding : base64\r\n\r\nContent-Type: body\r\n")
    fields, body_start = split_part(raw, 0, len(raw), mime_only=True)
    assert fields == {"content-type": b" text/plain;\n charset=gbk", "content-transfer-encoding": b" base64"}
    assert raw[body_start:] == b"Content-Type: body\r\n"


def test_every_corpus_part_has_the_same_mime_fields() -> None:
    paths = sorted(CORPUS.rglob("*.eml"))
    assert len(paths) > 30
    for path in paths:
        raw = path.read_bytes()
        full, mime_only = parse_tree(raw), parse_tree(raw, mime_only=True)
        assert [(part.content_type, part.parameters, part.body_start, part.body_end) for part in full.parts] \
            == [(part.content_type, part.parameters, part.body_start, part.body_end) for part in mime_only.parts], path
        assert [mime_part_of(part.headers) for part in full.parts] == [part.headers for part in mime_only.parts], path
