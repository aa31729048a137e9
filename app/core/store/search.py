"""Full-text search: the text we index, the FTS5 query we build from what the user typed, and the
background indexer.

FTS5's ``unicode61`` tokenizer splits on spaces and punctuation, which suits English and email
addresses (``alice@example.com`` becomes the phrase ``alice example com``), but it keeps a run of
Chinese characters as one token, and the ``trigram`` tokenizer cannot find a 2-character word.
So before indexing, every run of CJK characters is rewritten as its overlapping bigrams
(``关于下周会议`` -> ``关于 于下 下周 周会 会议``; a lone character stays itself), and a query is
rewritten the same way into phrases: ``会议`` is then one token, and ``下周会议`` the phrase
``下周 周会 会议``. What the user typed never reaches FTS5 syntax unquoted, so ``"``, ``AND (`` or
``*`` search for text instead of raising.

Indexing happens outside a fetch (the fetch must stay fast): :func:`index_pending` reads raw
messages not yet indexed, extracts their text without holding the write lock, then writes a batch
in one short transaction. At most :data:`BODY_TEXT_LIMIT` characters of a body are indexed.

The FTS5 table is contentless (schema 3): the text it was given is kept compressed beside it
(LZ4; rows written before it, zlib), only to forget a deleted message's row (SQLite 3.40 needs the
text again for that); see :meth:`app.core.store.search_index.SearchIndexTable.purge_search_index`.
A search reads the matching ids once
(:func:`match_lists_query`) and :meth:`~app.core.store.listing.MessageListing.message_ids` puts them in the
folder's display order.
"""

from __future__ import annotations

import array
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from app.core.store.search_index import SearchIndexTable

#: Most text we index per message body (about 25 printed pages): mail beyond this is rarely what
#: someone searches for, and a long digest or log would otherwise bloat the index.
BODY_TEXT_LIMIT = 50_000
#: Bytes of a message read for its text: the body of a bigger message is in its first MiB in all
#: but odd layouts (text after a large attachment), and BODY_TEXT_LIMIT would cut it there anyway.
#: Reading and splitting the rest (the attachments) was 7 % of the indexing time of the bench
#: mailbox, whose 50 messages over 1 MiB all give the same text either way.
INDEX_READ_LIMIT = 1 << 20
#: Characters of body text one indexing batch collects before it writes (bounds its memory).
BATCH_TEXT_LIMIT = 16_000_000
#: Words of a query that count; see parse_query().
MAX_QUERY_TERMS = 32
#: Above this many matches (all folders) a search filters the folder's sorted ids instead of
#: looking each match up (crossover on the 100,000-message bench store: 10,000-30,000).
BROAD_SEARCH_HITS = 20_000
#: Han (with extensions and compatibility ideographs), kana, Hangul: scripts written without
#: spaces between words (Hangul has spaces, but its words still profit from bigrams).
_CJK = (r"\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
        r"\U00020000-\U0003134f")


@functools.cache
def _cjk_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(one CJK character, a CJK run), compiled at first use: these classes take ~16 ms to compile
    (the ranges beyond the BMP), which every command paid at start-up, a no-op fetch included."""
    return re.compile(f"[{_CJK}]"), re.compile(f"([{_CJK}]+)")


#: What unicode61 keeps as token characters (letters and digits); underscore separates there too.
_WORD_CHARACTER = re.compile(r"[^\W_]")


#: Where two runs meet in :func:`_bigrams_of_runs`: the two pairs across the NUL between them.
_ACROSS_RUNS = re.compile("[^\x00]\x00 \x00[^\x00] ")
#: An array type of 4-byte items, as UTF-32 needs ("I" wherever Python runs; "L" would do elsewhere).
_CODE_POINTS = next(code for code in "IL" if array.array(code).itemsize == 4)
_SPACE_CODE = array.array(_CODE_POINTS, [ord(" ")])


def index_text(text: str) -> str:
    """``text`` as it is stored in the index: each CJK run replaced by its bigrams, spaced off."""
    # Most mail has no CJK at all: a check in C spares it the split (an ASCII test, else a search
    # for one CJK character, which Chinese text answers at once and a 7 KB German body in 60 us,
    # where max(text) took 170 us).
    if text.isascii():
        return text
    one_cjk, cjk_run = _cjk_patterns()
    if one_cjk.search(text) is None:
        return text
    pieces = cjk_run.split(text)  # odd pieces are the CJK runs
    pieces[1::2] = [" " + bigrams + " " for bigrams in _bigrams_of_runs(pieces[1::2])]
    return "".join(pieces)


def _bigrams_of_runs(runs: list[str]) -> list[str]:
    """Each run as its bigrams, space-separated (a lone character as itself).

    All runs at once, in C: the runs are joined by NULs and the text interleaved with itself
    shifted by one as an array of code points (each pair, then a space); the pairs across the
    NULs are cut out again. Half the time of joining each run's pairs in Python (Chinese mail has
    a run between every two punctuation marks, and a pair for every character).
    """
    codes = array.array(_CODE_POINTS)
    codes.frombytes("\x00".join(runs).encode("utf-32-le"))
    if len(codes) < 2:
        return runs
    pairs = _SPACE_CODE * (3 * (len(codes) - 1))
    pairs[0::3] = codes[:-1]
    pairs[1::3] = codes[1:]
    per_run = _ACROSS_RUNS.sub("\x00", pairs.tobytes().decode("utf-32-le")).split("\x00")
    # A lone character has no pair: its run comes back empty and stays itself.
    return [bigrams.rstrip(" ") or run for bigrams, run in zip(per_run, runs, strict=True)]


@dataclass(frozen=True)
class SearchQuery:
    """What the user typed, turned into an FTS5 MATCH expression and LIKE patterns.

    ``match`` is None when nothing searchable was typed (only punctuation, say); ``like_terms``
    are the whitespace-separated terms, for the messages not indexed yet.
    """

    match: str | None
    like_terms: tuple[str, ...]


def parse_query(text: str) -> SearchQuery:
    """Build the FTS5 expression: every term a quoted phrase, all of them required (AND).

    The last term is a prefix (``"meet" *``) unless the text ends with a space: results update
    while the user is still typing that word.
    """
    # Lone surrogates (undecodable bytes on a command line) cannot be sent to SQLite: drop them.
    # NUL ends a string early inside FTS5: a separator is what the user meant.
    text = text.encode("utf-8", "ignore").decode("utf-8").replace("\x00", " ")
    # A pasted page of text is not a search: the words after the first few add nothing but SQL
    # parameters (SQLite caps them), so they are left out.
    terms = text.split()[:MAX_QUERY_TERMS]
    phrases: list[str] = []
    for term in terms:
        if not _WORD_CHARACTER.search(term):
            continue  # nothing a tokenizer would keep: an empty phrase would match nothing
        # Inside double quotes FTS5 takes everything literally; a quote is written twice.
        phrases.append('"' + index_text(term).replace('"', '""') + '"')
    still_typing = len(text.split()) <= MAX_QUERY_TERMS and not text[-1:].isspace()
    if phrases and terms and still_typing and _WORD_CHARACTER.search(terms[-1]):
        phrases[-1] += " *"
    return SearchQuery(match=" AND ".join(phrases) if phrases else None, like_terms=tuple(terms))


def like_pattern(term: str) -> str:
    """A LIKE pattern (with ``ESCAPE '\\'``) finding ``term`` anywhere."""
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


#: The not-yet-indexed messages, always through their partial index: statistics gathered while
#: every message was pending (ANALYZE or PRAGMA optimize after a big fetch) would otherwise make
#: SQLite scan the whole table with LIKE at each search (measured: 0.8 ms against 0.1 ms on
#: 5,000 messages).
_PENDING = "messages INDEXED BY messages_pending_search"


def _like_condition(query: SearchQuery) -> tuple[str, list[Any]]:
    likes: list[str] = []
    parameters: list[Any] = []
    for term in query.like_terms:
        pattern = like_pattern(term)
        likes.append("(subject LIKE ? ESCAPE '\\' OR sender LIKE ? ESCAPE '\\'"
                     " OR recipients LIKE ? ESCAPE '\\')")
        parameters += [pattern, pattern, pattern]
    return " AND ".join(likes) or "1", parameters


def matches_query(query: SearchQuery) -> tuple[str, list[Any]]:
    """SQL selecting the ids of every message matching ``query`` (in any folder), as ``id``.

    Indexed messages are found through FTS5; messages still waiting for the indexer by LIKE on
    subject, sender and recipients, so a message fetched a moment ago is found by its subject.
    Without a searchable word (only punctuation) every message is matched by LIKE instead.
    """
    like_sql, like_parameters = _like_condition(query)
    if query.match is None:
        return f"SELECT id FROM messages WHERE {like_sql}", like_parameters
    # Rows of deleted messages not forgotten yet are skipped: their id may belong to a newcomer.
    return ("SELECT rowid AS id FROM message_search WHERE message_search MATCH ?"
            " AND rowid NOT IN (SELECT message_id FROM message_search_deleted)"
            f" UNION ALL SELECT id FROM {_PENDING} WHERE indexed = 0 AND {like_sql}",
            [query.match, *like_parameters])


def match_lists_query(query: SearchQuery) -> tuple[str, list[Any]]:
    """SQL returning one row of three JSON arrays of message ids, read in one snapshot: the
    index's matches, the deleted messages whose index rows are not forgotten yet (their ids
    must be dropped from the first list: SQLite may have given one to a new message), and the
    not-yet-indexed messages that match by LIKE. Only for a query with a searchable word.

    Three arrays rather than one SQL expression: ``NOT IN`` tested on each of 98,000 matches
    costs ~4 ms, and the list of deleted ids is empty but for a moment inside a transaction.
    """
    like_sql, like_parameters = _like_condition(query)
    return ("SELECT (SELECT json_group_array(rowid) FROM message_search WHERE message_search MATCH ?),"
            " (SELECT json_group_array(message_id) FROM message_search_deleted),"
            f" (SELECT json_group_array(id) FROM {_PENDING} WHERE indexed = 0 AND {like_sql})",
            [query.match, *like_parameters])


def search_condition(query: SearchQuery, *, broad: bool = False) -> tuple[str, list[Any]]:
    """An SQL condition on ``m.id`` (messages aliased ``m``) with its parameters: the message
    matches (see :func:`matches_query`). The search in SQL alone, for an SQLite without JSON
    functions and for text with no searchable word; otherwise :func:`match_lists_query` is used.

    ``broad`` is for a query that matches a large share of the store (see
    :data:`BROAD_SEARCH_HITS`): the unary ``+`` keeps SQLite from driving the query by the
    matches (a random row lookup for each, then a sort) and makes it walk the folder's sorted
    index and test each id against the matches instead: 215 ms -> 125 ms for 93,000 matches
    of 100,000 (bench), while for a few hundred matches the lookups win (2 ms against 25 ms).
    """
    matches_sql, parameters = matches_query(query)
    column = "+m.id" if broad else "m.id"
    return f"{column} IN ({matches_sql})", parameters


# -- indexing -------------------------------------------------------------------------------------


def message_text(raw: bytes) -> str:
    """The readable text of a message for the index; never raises."""
    # The viewer's reading path (charset detection, HTML to text): what is found is what is shown.
    # Imported here: the store opens for the list long before any message text is needed.
    from app.core.message.text import searchable_text

    return searchable_text(raw, limit=BODY_TEXT_LIMIT)


def index_pending(store: SearchIndexTable, batch: int = 500, *, newest_first: bool = False) -> int:
    """Index up to ``batch`` messages not indexed yet; return how many were handled (0: all done).

    Call it in a loop from a background thread (with its own Store) or after a fetch. Text is
    extracted with no transaction open; the write is one short transaction per batch, so a
    running fetch waits milliseconds at most. Raw messages are read one at a time (a batch of
    large ones must not sit in memory together), at most :data:`INDEX_READ_LIMIT` bytes of each,
    and a batch ends early once its text reaches
    :data:`BATCH_TEXT_LIMIT`. A message deleted meanwhile is skipped.

    Oldest first, or ``newest_first``: two indexers (processes) can then work through one backlog
    from its two ends, meeting in their last batches (:mod:`app.cli.indexing`).
    """
    rows: Sequence[tuple[int, str, str, str, str]] = store.query(
        f"SELECT id, subject, sender, recipients, sha256 FROM {_PENDING} WHERE indexed = 0"
        f" ORDER BY id{' DESC' if newest_first else ''} LIMIT ?", [max(1, batch)]).fetchall()
    entries: list[tuple[int, str, str, str]] = []
    # The id alone does not say it is still the same message when the text is written: one
    # deleted meanwhile may have given its id to a newcomer (SQLite reuses the highest id).
    digests: dict[int, str] = {}
    text_size = 0
    for message_id, subject, sender, recipients, digest in rows:
        digests[message_id] = digest
        raw = store.raw_for_index(message_id, INDEX_READ_LIMIT)
        body = index_text(message_text(raw)) if raw is not None else ""
        entries.append((message_id, index_text(subject), index_text(f"{sender} {recipients}"), body))
        text_size += len(body)
        if text_size >= BATCH_TEXT_LIMIT:
            break
    if entries:
        store.write_search_entries(entries, sha256_of=digests)
    return len(entries)


def index_all(store: SearchIndexTable, batch: int = 500) -> int:
    """Index every pending message; return how many were indexed."""
    total = 0
    while done := index_pending(store, batch):
        total += done
    return total
