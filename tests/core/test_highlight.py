"""Marking the searched words in a message (issue 14, item 5): the words the search matched, CJK
inside longer runs, and in HTML only the shown text, never markup, attributes or scripts."""

from __future__ import annotations

import pytest

from app.core.message.highlight import MAX_MARKS, mark_html, search_pattern, text_spans, utf16_spans


def marked(text: str, query: str) -> list[str]:
    return [text[start:end] for start, end in text_spans(text, search_pattern(query))]


@pytest.mark.parametrize(("query", "text", "expected"), [
    ("会议", "关于下周会议的安排：会议在三楼。", ["会议", "会议"]),
    ("下周会议", "关于下周会议的安排", ["下周会议"]),
    ("meet", "Meeting at noon; we meet; a submeeting", ["Meeting", "meet"]),  # the last term is a prefix
    ("meet ", "Meeting at noon; we meet", ["meet"]),  # a space after it: the whole word only
    ("alice@example.com", "From Alice@Example.COM and alice.example.com", ["Alice@Example.COM",
                                                                             "alice.example.com"]),
    ("report 会议", "The 会议 report", ["会议", "report"]),
    ("*** ", "stars *** here", []),  # nothing a tokenizer keeps: nothing to mark
    ("", "anything", []),
])
def test_the_words_the_search_matched_are_marked(query: str, text: str, expected: list[str]) -> None:
    assert marked(text, query) == expected


def test_the_longer_of_two_overlapping_terms_wins() -> None:
    assert marked("下周会议", "会议 下周会议 ") == ["下周会议"]


def test_marks_are_capped() -> None:
    assert len(text_spans("会议" * (MAX_MARKS + 50), search_pattern("会议"))) == MAX_MARKS


def test_positions_count_utf16_units_for_qt() -> None:
    text = "😀 会议 𠀀会议"
    spans = text_spans(text, search_pattern("会议"))
    assert spans == [(2, 4), (6, 8)]
    assert utf16_spans(text, spans) == [(3, 5), (8, 10)]  # each astral character is two units


def test_html_text_is_marked_and_nothing_else_changes() -> None:
    html = ('<html><head><title>会议</title><style>.会议 { color: red }</style></head>'
            '<body><p title="会议 meeting" class="会议">下周会议 &amp; <b>Meeting</b>s</p>'
            '<!-- 会议 --><script>var 会议 = 1;</script><textarea>会议</textarea><a href="https://x/会议">会议</a>'
            '</body></html>')
    result = mark_html(html, search_pattern("会议 meeting "))
    assert result.count("<mark>") == 3
    assert "下周<mark>会议</mark> &amp; <b><mark>Meeting</mark></b>s" in result
    assert '<a href="https://x/会议"><mark>会议</mark></a>' in result
    # Take the marks out again: exactly the original, so no attribute, script or comment was touched.
    assert result.replace("<mark>", "").replace("</mark>", "") == html


def test_broken_html_is_marked_where_the_parser_is_sure_and_never_breaks() -> None:
    for html in ("<p>会议<", "<p <b>会议</b>", "<<<>>>会议", "<p title='会议>会议</p>", "<![CDATA[会议]]>会议",
                 "<script>会议", "</p>会议</script>会议"):
        result = mark_html(html, search_pattern("会议"))
        assert result.replace("<mark>", "").replace("</mark>", "") == html
        assert "<mark><" not in result


def test_no_search_leaves_html_untouched() -> None:
    html = "<p>会议</p>"
    assert mark_html(html, None) is html
    assert mark_html(html, search_pattern("unrelated")) == html
