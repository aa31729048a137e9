"""Where the words of a search occur in a message, so that the reader can mark them.

The words are found the way the search found the message (:mod:`app.core.store.search`): each
term the user typed is split into the tokens FTS5 keeps (runs of letters and digits; a CJK run
is matched as written, since its bigrams only match where the run itself stands), case is
ignored, a Latin token starts at a word boundary, and the last term is a prefix while the user
is still typing it (no space after it). ``alice@example.com`` marks ``alice@example.com``, and
``会议`` marks every 会议, in 下周会议 too.

:func:`mark_html` marks words in HTML by wrapping them in ``<mark>``, and nothing else changes:
only text outside tags is touched (never an attribute, a comment, or the text of ``<script>``,
``<style>``, ``<title>`` or ``<textarea>``), and the one thing added is an element without
attributes, so the safe-HTML policy (no scripts, nothing remote) is untouched.
"""

from __future__ import annotations

import bisect
import re
from html.parser import HTMLParser

from app.core.store.search import MAX_QUERY_TERMS

#: More marks than this in one message add nothing but work (and a hostile message could ask
#: for millions).
MAX_MARKS = 2_000
#: HTML larger than this is shown unmarked: parsing it again costs more than the marks are worth.
MAX_MARKED_HTML = 4_000_000
#: The tag put around each found word (its look is the engine's: yellow, as in find-in-page).
MARK_OPEN = "<mark>"
MARK_CLOSE = "</mark>"

_CJK = (r"\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
        r"\U00020000-\U0003134f")
#: A token as FTS5's unicode61 keeps it, CJK runs apart from the letters around them.
_TOKEN = re.compile(f"[{_CJK}]+|[^\\W_{_CJK}]+")
_CJK_TOKEN = re.compile(f"[{_CJK}]")
#: A letter or digit of a Latin-like word: the index spaces CJK runs off from the letters around
#: them, so a CJK character next to "meet" is a word boundary, and never part of a prefix.
_LETTER = f"[^\\W_{_CJK}]"
#: Between the tokens of one term ("alice@example.com"): any separators, or none (CJK next to Latin).
_SEPARATORS = r"[\W_]*?"
#: Elements whose text is not shown as the message's text.
_UNMARKED_ELEMENTS = frozenset(["script", "style", "title", "textarea", "head", "noscript", "template"])
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def search_pattern(query: str) -> re.Pattern[str] | None:
    """A pattern that finds the words of ``query`` (what was typed in the search box), or None."""
    text = query.replace("\x00", " ")
    terms = text.split()[:MAX_QUERY_TERMS]
    still_typing = bool(terms) and not text[-1:].isspace()
    alternatives: list[str] = []
    for number, term in enumerate(terms):
        tokens = _TOKEN.findall(term)
        if not tokens:
            continue
        pattern = _SEPARATORS.join(re.escape(token) for token in tokens)
        if not _CJK_TOKEN.match(tokens[0]):
            pattern = f"(?<!{_LETTER})" + pattern
        if not _CJK_TOKEN.match(tokens[-1]):  # a CJK run is found inside longer runs anyway
            prefix = still_typing and number == len(terms) - 1
            pattern += f"{_LETTER}*" if prefix else f"(?!{_LETTER})"
        alternatives.append(pattern)
    if not alternatives:
        return None
    # Longest first: where one term contains another, the whole of it is marked.
    alternatives.sort(key=len, reverse=True)
    return re.compile("|".join(alternatives), re.IGNORECASE)


def text_spans(text: str, pattern: re.Pattern[str] | None) -> list[tuple[int, int]]:
    """Where ``pattern`` matches in ``text``: (start, end) in code points, at most :data:`MAX_MARKS`."""
    if pattern is None:
        return []
    spans: list[tuple[int, int]] = []
    for match in pattern.finditer(text):
        if match.end() > match.start():
            spans.append(match.span())
            if len(spans) >= MAX_MARKS:
                break
    return spans


def utf16_spans(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``spans`` counted in UTF-16 code units, as Qt's text positions are (an emoji or a rare
    Han character outside the BMP is two of them)."""
    astral = [match.start() for match in _ASTRAL.finditer(text)]
    if not astral:
        return spans
    return [(start + bisect.bisect_left(astral, start), end + bisect.bisect_left(astral, end))
            for start, end in spans]


class _TextFinder(HTMLParser):
    """Collects (offset, raw text) of every stretch of text outside tags and unmarked elements."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=False)  # data arrives as the raw source slices
        self._line_starts = [0] + [match.end() for match in re.finditer("\n", html)]
        self._open_unmarked: list[str] = []
        self.stretches: list[tuple[int, str]] = []

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _UNMARKED_ELEMENTS:
            self._open_unmarked.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._open_unmarked:
            del self._open_unmarked[self._open_unmarked.index(tag):]

    def handle_data(self, data: str) -> None:
        if not self._open_unmarked:
            self.stretches.append((self._offset(), data))


def mark_html(html: str, pattern: re.Pattern[str] | None) -> str:
    """``html`` with each found word inside ``<mark>``; unchanged when nothing is found."""
    if pattern is None or len(html) > MAX_MARKED_HTML:
        return html
    finder = _TextFinder(html)
    try:
        finder.feed(html)
        finder.close()
    except Exception:  # noqa: BLE001 (hostile markup: show it unmarked rather than not at all)
        return html
    inserts: list[tuple[int, int]] = []
    for offset, data in finder.stretches:
        if html[offset:offset + len(data)] != data:
            continue  # the parser lost its place in broken markup: leave this stretch alone
        for start, end in text_spans(data, pattern):
            inserts.append((offset + start, offset + end))
        if len(inserts) >= MAX_MARKS:
            break
    if not inserts:
        return html
    pieces: list[str] = []
    position = 0
    for start, end in inserts[:MAX_MARKS]:
        pieces += [html[position:start], MARK_OPEN, html[start:end], MARK_CLOSE]
        position = end
    pieces.append(html[position:])
    return "".join(pieces)
