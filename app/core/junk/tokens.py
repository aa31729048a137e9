"""A raw message as the set of tokens the junk filter counts: words of the body and the subject
(CJK text as the same overlapping bigrams the search index makes), and header clues a spammer
finds hard to vary: the sender's address and domain, the mailer, the hosts of the Received hops,
the hosts of the links, the charset and the body's type.

Each token counts once per message (as in Graham's "A Plan for Spam" and SpamBayes), so a word
repeated a hundred times weighs what it weighs once. Pure: no store, no Qt.
"""

from __future__ import annotations

import re

from app.core.message.headers import address_pairs, decode_header_value
from app.core.message.text import searchable_text
from app.core.store.search import index_text

#: Body characters read: the start of a message says what it is; a long digest adds time only.
BODY_LIMIT = 20_000
#: Words longer than this are mostly encoded blobs; they become one "long word" token by length.
MAX_WORD = 20
#: The Received hops read (the nearest ones: the ones our own servers added are the same for
#: every message and weigh nothing, the sender's first hops are the clue).
MAX_HOPS = 6

_WORD = re.compile(r"[^\W_]+(?:['.-][^\W_]+)*")
_URL_HOST = re.compile(r"(?i)\b(?:https?|ftp)://(?:[^\s/@<>\"']*@)?([a-z0-9.-]+\.[a-z]{2,})")
_HOP_HOST = re.compile(r"(?i)\b(?:from|by)\s+([a-z0-9-]+(?:\.[a-z0-9-]+)+)")
_HEADER_END = re.compile(rb"\r?\n\r?\n")
_CHARSET = re.compile(r"(?i)charset\s*=\s*\"?([\w.:-]+)")
#: Header fields read, lower-case; Received may occur many times, the others count once.
_FIELDS = frozenset({"from", "subject", "x-mailer", "user-agent", "received", "content-type", "reply-to"})


def _words(text: str, prefix: str, tokens: set[str]) -> None:
    for word in _WORD.findall(index_text(text.lower())):
        if word.isascii():
            if len(word) < 3:
                continue  # "is", "to": in every message of both kinds
            if len(word) > MAX_WORD:
                # SpamBayes' "skip" tokens: the first letter and the length in tens still tell
                # base64 debris from a long URL.
                tokens.add(f"{prefix}long:{word[0]}{len(word) // 10}")
                continue
        elif len(word) > MAX_WORD:
            continue
        tokens.add(prefix + word)


def _domain(host: str) -> str:
    """The registrable part of a host, roughly: the last two labels (three under a two-letter
    country code with a short second label, as in example.com.cn)."""
    labels = host.lower().strip(".").split(".")
    if len(labels) >= 3 and len(labels[-1]) == 2 and len(labels[-2]) <= 3:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def header_fields(raw: bytes) -> list[tuple[str, bytes]]:
    """(lower-case name, raw unfolded value) of the fields the filter reads, in order."""
    match = _HEADER_END.search(raw)
    block = raw[: match.start()] if match else raw[:65_536]
    fields: list[tuple[str, bytes]] = []
    for line in block.split(b"\n"):
        line = line.rstrip(b"\r")
        if line[:1] in (b" ", b"\t"):
            if fields:
                last_name, last_value = fields[-1]
                fields[-1] = (last_name, last_value + b" " + line.strip())
            continue
        raw_name, separator, raw_value = line.partition(b":")
        key = raw_name.strip().decode("latin-1").lower()
        if separator and key in _FIELDS:
            fields.append((key, raw_value.strip()))
        elif fields and fields[-1][0] != "":
            fields.append(("", b""))  # a field we skip: its continuation lines must not join the last one
    return [(name, value) for name, value in fields if name]


def sender_address(raw: bytes) -> str:
    """The From address, case-folded ('' when there is none)."""
    for name, value in header_fields(raw):
        if name == "from":
            pairs = address_pairs(value)
            return pairs[0][1].strip().casefold() if pairs else ""
    return ""


def message_tokens(raw: bytes) -> frozenset[str]:
    """Every token of a message (see the module's docstring). Never raises."""
    return sender_and_tokens(raw)[1]


def sender_and_tokens(raw: bytes) -> tuple[str, frozenset[str]]:
    """The From address (case-folded, '' without one) and every token: the header is read once."""
    tokens: set[str] = set()
    sender = ""
    hops = 0
    content_type = ""
    for name, value in header_fields(raw):
        if name in ("from", "reply-to"):
            for display, address in address_pairs(value)[:1]:
                address = address.strip().casefold()
                if name == "from" and not sender:
                    sender = address
                tokens.add(f"{name}:addr:{address}")
                if "@" in address:
                    tokens.add(f"{name}:domain:{_domain(address.rpartition('@')[2])}")
                _words(display, f"{name}:name:", tokens)
                if not display:
                    tokens.add(f"{name}:no-name")
        elif name == "subject":
            subject = decode_header_value(value)
            _words(subject, "subject:", tokens)
            letters = [character for character in subject if character.isascii() and character.isalpha()]
            if len(letters) >= 4 and all(letter.isupper() for letter in letters):
                tokens.add("subject:all-capitals")
        elif name in ("x-mailer", "user-agent"):
            tokens.add("mailer:" + " ".join(value.decode("latin-1").lower().split()[:2]))
        elif name == "received" and hops < MAX_HOPS:
            hops += 1
            for host in _HOP_HOST.findall(value.decode("latin-1")):
                tokens.add(f"received:{_domain(host)}")
        elif name == "content-type" and not content_type:
            content_type = value.decode("latin-1").lower()
            tokens.add("type:" + content_type.split(";")[0].strip())
            for charset in _CHARSET.findall(content_type):
                tokens.add("charset:" + charset)
    if not any(token.startswith("from:addr:") for token in tokens):
        tokens.add("from:none")
    body = searchable_text(raw, limit=BODY_LIMIT)
    _words(body, "", tokens)
    for host in _URL_HOST.findall(body[:BODY_LIMIT]):
        tokens.add(f"url:{_domain(host)}")
    # The raw body may hold links the text hides (an <a href> in HTML mail).
    for host in _URL_HOST.findall(raw[-BODY_LIMIT * 2:].decode("latin-1")):
        tokens.add(f"url:{_domain(host)}")
    return sender, frozenset(tokens)
