"""The account's download limits inside a fetch: headers only, or the first part of large messages.

An account can ask a fetch to store only the header block of each new message (``headers_only``)
or only about the first ``partial_first_bytes`` of messages whose LIST size exceeds
``partial_over_bytes``. Such messages are stored as *partial* (:mod:`app.core.store.partial`): the
UIDL state is PARTIAL, which no policy deletes from the server and no fetch downloads again, and
the reader offers to download the rest (:mod:`app.core.remote.partial`).

The engine calls :func:`split` once per session and only when the account has a limit, so a fetch
without limits does nothing more per message than before. Partial messages are read with
``TOP n L`` after every whole message is committed, and are never deleted in that session.

POP3 asks for body *lines*, not bytes (RFC 1939 ``TOP msg n``), so the line count assumes lines
of 78 octets (base64 is 76 and CRLF) and what is stored is cut after the last whole line within
the first ``partial_first_bytes`` of the body (:func:`first_part`), so long lines cost some
transfer but never more storage than asked. A reply far larger than asked (see PART_SLACK) is not
read whole: the header block is asked for instead.
A message can be stored in part only under a UIDL of its own, since only that names it in the
later session that downloads the rest: without UIDL, or under a UIDL the server shares, it is
downloaded whole (size limit) or left on the server (headers only), and the report says so.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Sequence

from app.core.cancel import CancelToken
from app.core.errors import MessageTooLarge, PoplarkError
from app.core.fetch.plan import FetchPlan, ServerMessage
from app.core.model import Account, FetchReport, MessageSummary
from app.core.pop3.client import Pop3Client
from app.core.store.store import Store

#: Octets per body line assumed when turning a byte count into TOP's line count.
OCTETS_PER_LINE = 78
#: A part whose reply exceeds its share this many times over is not kept (see the docstring).
PART_SLACK = 4
#: Header blocks larger than this are not a header block any more (the client's TOP n 0 limit).
HEADER_ALLOWANCE = 1024 * 1024
#: Partial messages are committed in groups of this many.
GROUP = 500


@dataclasses.dataclass(frozen=True)
class PartialPlan:
    """Which new messages are stored in part, and how many body lines of each (one count)."""

    messages: tuple[ServerMessage, ...]
    body_lines: int
    #: Messages the limits would store in part but cannot (no UIDL of their own): left, and said.
    left: tuple[ServerMessage, ...] = ()
    #: How much of the body to keep (the account's partial_first_bytes); 0 for headers only.
    body_bytes: int = 0

    @property
    def left_bytes(self) -> int:
        return sum(message.size for message in self.left)


def body_lines(account: Account) -> int:
    """How many body lines ``TOP`` asks for: 0 for headers only."""
    if account.headers_only or account.partial_first_bytes == 0:
        return 0
    return max(account.partial_first_bytes // OCTETS_PER_LINE, 1)


def split(decided: FetchPlan, account: Account, has_uidl: bool) -> tuple[FetchPlan, PartialPlan]:
    """Take the messages the account's limits store in part out of ``decided.retrieve``."""
    whole: list[ServerMessage] = []
    partial: list[ServerMessage] = []
    left: list[ServerMessage] = []
    for message in decided.retrieve:
        if not (account.headers_only or (account.partial_over_bytes is not None
                                         and message.size > account.partial_over_bytes)):
            whole.append(message)
        elif has_uidl and message.key == message.uidl:
            partial.append(message)
        elif account.headers_only:
            left.append(message)  # downloading it whole is what the user asked not to do
        else:
            whole.append(message)  # too large to download in part safely: as before the limit
    return (dataclasses.replace(decided, retrieve=tuple(whole)),
            PartialPlan(tuple(partial), body_lines(account), tuple(left),
                        body_bytes=0 if account.headers_only else account.partial_first_bytes))


def store_partial(client: Pop3Client, store: Store, account: Account, wanted: PartialPlan, *,
                  pipelined: bool, cancel: CancelToken, clock: Callable[[], float], report: FetchReport,
                  stored: Callable[[list[MessageSummary]], None]) -> None:
    """``TOP n L`` each message of ``wanted`` and store it as partial, in groups; notes go in ``report``.

    A part larger than its share (see the module docstring) is asked for again with ``TOP n 0``.
    """
    if wanted.left:
        report.warnings.append(
            f"{len(wanted.left)} new message(s) were left on the server: the server has no UIDL of its own for "
            "them, so their headers could not be completed later; switch off 'download headers only' for "
            "this account to download them whole")
    if not wanted.messages:
        return
    if not client.capabilities.top:
        report.warnings.append(
            f"{len(wanted.messages)} new message(s) were left on the server: the server does not support TOP, "
            "so a message cannot be downloaded in part; switch off the account's download limits to "
            "download them whole")
        return
    lines = wanted.body_lines
    allowance = HEADER_ALLOWANCE + PART_SLACK * lines * OCTETS_PER_LINE
    headers_again = _store(client, store, account, wanted.messages, lines, allowance, wanted.body_bytes,
                           pipelined=pipelined, cancel=cancel, clock=clock, report=report, stored=stored)
    if headers_again and lines:
        _store(client, store, account, headers_again, 0, HEADER_ALLOWANCE, 0, pipelined=pipelined,
               cancel=cancel, clock=clock, report=report, stored=stored)


def first_part(reply: bytes, body_bytes: int) -> bytes:
    """``reply`` (a TOP reply: header, blank line, body lines) cut after the last whole body line
    within ``body_bytes``; a prefix of the message either way, so completing it stays byte-exact."""
    blank = reply.find(b"\r\n\r\n")
    body_start = blank + 4 if blank >= 0 else len(reply)
    end = body_start + body_bytes
    if len(reply) <= end:
        return reply
    cut = reply.rfind(b"\n", body_start, end)
    return reply[:cut + 1] if cut >= 0 else reply[:body_start]


def _store(client: Pop3Client, store: Store, account: Account, messages: Sequence[ServerMessage], lines: int,
           allowance: int, body_bytes: int, *, pipelined: bool, cancel: CancelToken, clock: Callable[[], float],
           report: FetchReport, stored: Callable[[list[MessageSummary]], None]) -> list[ServerMessage]:
    """One pass of ``TOP n lines``; returns the messages whose reply was too large to keep."""
    by_number = {message.number: message for message in messages}
    too_large: list[ServerMessage] = []
    refused = 0
    group: list[tuple[str, bytes, float, int]] = []

    def commit() -> None:
        if group:
            summaries = store.add_partial_messages(account, group)
            report.new_messages += len(summaries)
            report.partial_messages += len(summaries)
            group.clear()
            stored(summaries)

    replies = client.retrieve_many([(message.number, None) for message in messages], pipelined=pipelined,
                                   max_bytes=allowance, command=f"TOP {{}} {lines}")
    try:
        for item in replies:
            cancel.raise_if_cancelled()
            message = by_number[item.number]
            if item.data is None:
                if lines and isinstance(item.error, MessageTooLarge):
                    too_large.append(message)
                else:
                    refused += 1
                continue
            # A "part" that is the whole message is stored as partial all the same (LIST sizes are
            # hints, so "whole" cannot be told for sure); downloading the rest then costs one RETR.
            part = first_part(item.data, body_bytes) if lines else item.data
            group.append((message.key, part, clock(), message.size))
            report.new_bytes += len(part)
            if len(group) >= GROUP:
                commit()
    except BaseException:
        # Keep what was received, as a failed fetch does (nothing is deleted in this session).
        with contextlib.suppress(PoplarkError):
            commit()
        raise
    commit()
    if refused:
        report.failed_messages += refused
        report.warnings.append(
            f"{refused} new message(s) were left on the server: the server refused to send their headers "
            "(TOP); switch off the account's download limits to download them whole")
    return too_large
