"""Reading what a server says about its messages: LIST and UIDL listings, sizes, and the replies
that keep a pipelined RETR stream honest.

The client (:mod:`app.core.pop3.client`) does the talking; the rules for believing a reply live
here, as pure functions, so each is tested without a socket.

Why a sentinel after each pipelined RETR. Two replies in a row can be byte-identical for good
reasons (a mailing-list post that arrives twice, a resend), and the ``+OK N octets`` text of a
RETR reply is informational (RFC 1939 section 11: servers transform mail, Courier wraps messages
with 8-bit headers), so neither "the same message twice" nor "the octets differ from LIST" proves
that replies went out of step. A ``LIST n`` after each ``RETR n`` does: its reply ``+OK n size``
names the message number, so a missing, extra or duplicated reply anywhere in the stream shows up
at the very next sentinel, before the message it would have mislabelled is handed on.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from app.core.errors import OutOfStep, PoplarkError, ProtocolError
from app.core.pop3.responses import Status

#: "n value" lines of LIST and UIDL (RFC 1939 section 5 and 7), CRLF included.
#: Anchored at line starts: unanchored, "-1 100" would be read as "1 100". At most 9 digits:
#: no maildrop holds a billion messages, and a 5,000-digit "number" must not reach int().
LISTING_LINE = re.compile(rb"^[ \t]*([0-9]{1,9})[ \t]+(\S+)[^\r\n]*\r?\n", re.MULTILINE)
#: The largest size believed in LIST (1 PB): larger is a broken server, not a message.
MAX_LISTED_SIZE = 10**15
#: The form real servers send: "n value" CRLF, one space, the value printable ASCII (RFC 1939
#: section 7 allows only 0x21-0x7E in a UIDL), no leading zero. A body made only of such lines
#: is split in C (20,000 lines: ~10 ms instead of ~25 ms per listing, most of a no-op check);
#: anything else takes LISTING_LINE's path, which accepts and rejects exactly what it did.
_PLAIN_LISTING = re.compile(rb"(?:[1-9][0-9]{0,8} [!-~]+\r\n)*")
#: The same for LIST sizes; 15 digits stay below MAX_LISTED_SIZE.
_PLAIN_SIZES = re.compile(rb"(?:[1-9][0-9]{0,8} [0-9]{1,15}\r\n)*")
#: A RETR reply this far from the LIST size cannot be that message: a server that answers with
#: the wrong message would otherwise have us store it under this UIDL and DELE the real one
#: unseen. Real servers miscount a little (Dovecot by 2 octets, Exchange by some percent), so
#: only a factor of two plus this slack counts as "another message".
SIZE_MISMATCH_FACTOR = 2
SIZE_MISMATCH_SLACK = 64 * 1024
#: Digits are capped so that a hostile number cannot cost a huge int() (or its ValueError).
_OCTETS = re.compile(r"^([0-9]{1,15})\s+octets", re.IGNORECASE)
#: A single-message LIST reply: "n size" (RFC 1939 section 5), anything after it ignored.
_SCAN_LISTING = re.compile(r"^([0-9]{1,9})\s+([0-9]{1,16})(?:\s|$)")


class Retrieved(NamedTuple):
    """One RETR outcome: the bytes, or the error for that one message (the session goes on).

    A named tuple, not a dataclass: one is made for every message of a fetch."""

    number: int
    data: bytes | None
    error: PoplarkError | None = None


def parse_listing(body: bytes, verb: str) -> list[tuple[int, str]]:
    """Parse the body of a LIST or UIDL reply into (message number, value) pairs.

    One regular expression over the whole reply: 5,000-line listings are parsed in a few
    milliseconds (a no-op check is dominated by this). Lenient about spaces and tabs, strict about
    numbers: a message number is 1 or more and appears once (RFC 1939 section 5), anything else
    means the numbers cannot be trusted for RETR and DELE.
    """
    entries = LISTING_LINE.findall(body)
    if len(entries) != body.count(b"\n") or (body and not body.endswith(b"\n")):
        bad = next((line for line in body.split(b"\n") if line and not LISTING_LINE.fullmatch(line + b"\n")),
                   body[:80])
        raise ProtocolError(f"the server sent a malformed {verb} line: {bad[:80]!r}")
    numbers = [int(number) for number, _ in entries]
    if numbers and min(numbers) < 1:
        raise ProtocolError(f"the server listed message number 0 in {verb}")
    if len(set(numbers)) != len(numbers):
        seen: set[int] = set()
        for number in numbers:
            if number in seen:
                raise ProtocolError(f"the server listed message {number} twice in {verb}")
            seen.add(number)
    return list(zip(numbers, [value.decode("latin-1") for _, value in entries], strict=True))


def listing_values(body: bytes, verb: str) -> dict[int, str]:
    """A LIST or UIDL body as message number -> value; the rules of :func:`parse_listing`."""
    if _PLAIN_LISTING.fullmatch(body):
        tokens = body.decode("ascii").split()
        numbers = list(map(int, tokens[0::2]))
        if _distinct(numbers):
            return dict(zip(numbers, tokens[1::2], strict=True))
    return dict(parse_listing(body, verb))  # says what is wrong, or parses the unusual


def listing_sizes(body: bytes) -> dict[int, int]:
    """A LIST body as message number -> size; the rules of :func:`parse_listing` and :func:`listed_size`."""
    if _PLAIN_SIZES.fullmatch(body):
        tokens = body.split()
        numbers = list(map(int, tokens[0::2]))
        if _distinct(numbers):
            return dict(zip(numbers, map(int, tokens[1::2]), strict=True))
    return {number: listed_size(value, "LIST") for number, value in parse_listing(body, "LIST")}


def _distinct(numbers: list[int]) -> bool:
    """No number twice; at the start of a session they are 1..n, which is the cheap check."""
    return numbers == list(range(1, len(numbers) + 1)) or len(set(numbers)) == len(numbers)


def listed_size(text: str, verb: str) -> int:
    """A size from a listing: plain ASCII digits, not absurdly large."""
    if not (text.isascii() and text.isdigit() and len(text) <= 16) or int(text) > MAX_LISTED_SIZE:
        raise ProtocolError(f"the server sent a malformed {verb} reply: {text[:40]!r}")
    return int(text)


def plausible_size(received: int, listed: int) -> bool:
    """Whether ``received`` octets can be the message LIST announced as ``listed`` octets."""
    return (received <= listed * SIZE_MISMATCH_FACTOR + SIZE_MISMATCH_SLACK
            and received * SIZE_MISMATCH_FACTOR + SIZE_MISMATCH_SLACK >= listed)


def announced_octets(status: Status) -> int | None:
    """The size a RETR reply's text announces ("+OK 1234 octets"), if it states one.

    Informational only (RFC 1939 section 7 shows it as an example, not a rule): a difference
    from LIST is worth a line in the protocol log, never a reason to stop.
    """
    match = _OCTETS.match(status.text)
    return int(match.group(1)) if match else None


def sentinel_command(number: int) -> str:
    """The command sent after a pipelined RETR or TOP of ``number``; see the module docstring."""
    return f"LIST {number}"


def check_sentinel(status: Status, number: int, *, delivered: bool) -> None:
    """Raise :class:`OutOfStep` unless ``status`` can be the reply to ``LIST number``.

    ``delivered``: the RETR before it brought a message. Then only ``+OK number ...`` will do: a
    -ERR could be a failed RETR shifted by one, and the message must not be handed on unproven.
    After a refused RETR a -ERR is fine (a listed number the server no longer has): no message
    is handed on, and the next delivered message's sentinel proves the stream again.
    """
    if not status.ok and not delivered:
        return
    match = _SCAN_LISTING.match(status.text) if status.ok else None
    if match is None or int(match.group(1)) != number:
        raise OutOfStep(f"expected the reply to LIST {number} after the message, got "
                        f"{('+OK ' if status.ok else '-ERR ') + status.text[:60]!r}: replies are out of step")


def check_not_a_repeat(status: Status, previous_sentinel: Status | None, number: int) -> None:
    """The status of RETR ``number`` must not be the previous sentinel's reply again.

    A repeated sentinel reply would otherwise make the next message's status line pass as this
    message's first body line; sentinel replies name their message, so two are never equal.
    """
    if previous_sentinel is not None and status == previous_sentinel:
        raise OutOfStep(f"the reply to the command for message {number} repeats the reply to the previous "
                        "LIST: replies are out of step")
