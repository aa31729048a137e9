"""Generated header blocks for the property tests of the header shortcuts
(``test_summary_fast_paths.py``, ``test_mime_fields.py``): fields with the names a test cares
about among others, folds, and lines that are no field at all, with mixed line ends."""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import strategies as st

LINE_END = st.sampled_from([b"\r\n", b"\n", b"\r\r\n"])
VALUE = st.binary(max_size=30).map(lambda data: data.replace(b"\n", b""))


@st.composite
def header_lines(draw: st.DrawFn, names: Sequence[str], junk: Sequence[bytes]) -> bytes:
    """A field named from ``names``, a fold, or one of the ``junk`` lines (no field)."""
    kind = draw(st.sampled_from(["field", "field", "field", "fold", "fold", "junk"]))
    if kind == "field":
        spaces = draw(st.sampled_from([b"", b" ", b"\t ", b" "]))
        return draw(st.sampled_from(names)).encode("latin-1") + spaces + b":" + draw(VALUE)
    if kind == "fold":
        return draw(st.sampled_from([b" ", b"\t"])) + draw(VALUE)
    return draw(st.sampled_from(junk))


@st.composite
def header_blocks(draw: st.DrawFn, names: Sequence[str], junk: Sequence[bytes], bodies: Sequence[bytes]) -> bytes:
    """Up to 14 such lines, mostly with one kind of line end, then one of ``bodies``."""
    lines = draw(st.lists(header_lines(names, junk), max_size=14))
    ending = draw(LINE_END)
    block = b"".join(line + (ending if draw(st.booleans()) else draw(LINE_END)) for line in lines)
    return block + draw(st.sampled_from(bodies))
