"""The account's download limits in an ordinary fetch (issue 18): headers only, and the first part
of messages over a size, stored as partial, never deleted from the server in that session, never
downloaded again, and completed byte-exact in place; a fetch without limits is unchanged."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.core.fetch.engine import FetchObserver, fetch_account
from app.core.fetch.limits import OCTETS_PER_LINE, first_part
from app.core.model import FetchReport, LeaveMode, MessageSummary, ServerPolicy
from app.core.remote.partial import complete_message
from app.core.store import UidState
from tests.fakes.pop3_server import FakePop3Server, Faults, crlf
from tests.protocol.server_account import ServerAccount, close_all

BIG = crlf("From: zhang@example.cn\nSubject: holiday videos\nMessage-ID: <big@x>\n\n"
           + ("v" * 76 + "\n") * 30_000)
SMALL = crlf("From: bob@example.com\nSubject: small\n\nhello\n")
MB = 1024 * 1024


class Limited(ServerAccount):
    def __init__(self, tmp_path: Path, server: FakePop3Server, **limits: object) -> None:
        super().__init__(tmp_path, server, name="l", policy=ServerPolicy(LeaveMode.DELETE_AFTER_DOWNLOAD), **limits)
        self.seen: list[MessageSummary] = []

    def fetch(self) -> FetchReport:
        seen = self.seen

        class Observer(FetchObserver):
            def messages_stored(self, summaries: list[MessageSummary]) -> None:
                seen.extend(summaries)

        try:
            return fetch_account(self.store, self.profile.lock_directory, self.account, "secret",
                                 observer=Observer())
        finally:
            self.server.wait_until_idle()

    def ids(self) -> dict[str, int]:
        return {summary.uidl: summary.id for summary in self.store.messages(limit=-1)}

    def verbs(self) -> list[str]:
        with self.server.mailbox.lock:
            return [line.split(" ", 1)[0].upper() for line in self.server.mailbox.commands[-1]]


@pytest.fixture
def limited(tmp_path: Path) -> Iterator[Callable[..., Limited]]:
    made: list[Limited] = []

    def make(messages: list[bytes], faults: Faults | None = None, **limits: object) -> Limited:
        server = FakePop3Server(messages, faults=faults or Faults()).start()
        made.append(Limited(tmp_path / f"l{len(made)}", server, **limits))
        return made[-1]

    yield make
    close_all(made)


def test_a_fetch_without_limits_sends_no_top(limited: Callable[..., Limited]) -> None:
    sample = limited([BIG, SMALL])
    report = sample.fetch()
    assert (report.new_messages, report.partial_messages, report.deleted_on_server) == (2, 0, 2)
    assert "TOP" not in sample.verbs() and sample.store.partial_count() == 0


def test_headers_only_stores_every_new_message_in_part_and_deletes_nothing(limited: Callable[..., Limited]) -> None:
    sample = limited([BIG, SMALL], headers_only=True)
    report = sample.fetch()
    assert (report.new_messages, report.partial_messages, report.deleted_on_server) == (2, 2, 0)
    assert "RETR" not in sample.verbs() and "DELE" not in sample.verbs()
    assert sample.server.mailbox.current_uidls() == ["uid-1", "uid-2"]
    ids = sample.ids()
    assert sorted(summary.id for summary in sample.seen) == sorted(ids.values())  # the window hears of them
    assert sample.store.raw(ids["uid-1"]).endswith(b"\r\n\r\n") and BIG.startswith(sample.store.raw(ids["uid-1"]))
    known = sample.store.known_uids(sample.account.id or 0)
    assert known["uid-1"].state is known["uid-2"].state is UidState.PARTIAL
    # The next fetch neither downloads them again nor deletes them.
    again = sample.fetch()
    assert (again.new_messages, again.deleted_on_server) == (0, 0) and "TOP" not in sample.verbs()


def test_large_messages_come_in_part_the_rest_whole_and_the_part_completes_byte_exact(
        limited: Callable[..., Limited]) -> None:
    sample = limited([BIG, SMALL], partial_over_bytes=MB, partial_first_bytes=50 * 1024)
    report = sample.fetch()
    assert (report.new_messages, report.partial_messages, report.deleted_on_server) == (2, 1, 1)
    assert sample.server.mailbox.current_uidls() == ["uid-1"]  # the whole one was deleted, the partial one kept
    ids = sample.ids()
    part = sample.store.raw(ids["uid-1"])
    assert BIG.startswith(part) and 50 * 1024 - OCTETS_PER_LINE < len(part) - BIG.index(b"\r\n\r\n") - 4 <= 50 * 1024
    assert sample.store.raw(ids["uid-2"]) == SMALL and sample.store.partial_message(ids["uid-2"]) is None
    sample.store.set_flagged([ids["uid-1"]], True)
    complete_message(sample.store, sample.profile.lock_directory, sample.account, "secret", ids["uid-1"])
    sample.server.wait_until_idle()
    whole = sample.store.message(ids["uid-1"])
    assert sample.store.raw(ids["uid-1"]) == BIG and (whole.flagged, whole.size) == (True, len(BIG))


def test_without_top_the_limited_messages_stay_on_the_server_and_the_report_says_why(
        limited: Callable[..., Limited]) -> None:
    sample = limited([BIG, SMALL], faults=Faults(no_top=True), partial_over_bytes=MB)
    report = sample.fetch()
    assert (report.new_messages, report.partial_messages) == (1, 0)
    assert sample.server.mailbox.current_uidls() == ["uid-1"]
    assert any("does not support TOP" in warning for warning in report.warnings)


def test_headers_only_without_uidl_leaves_new_mail_on_the_server_and_says_why(
        limited: Callable[..., Limited]) -> None:
    sample = limited([SMALL], faults=Faults(no_uidl=True), headers_only=True)
    report = sample.fetch()
    assert (report.new_messages, report.deleted_on_server) == (0, 0) and sample.ids() == {}
    assert any("no UIDL of its own" in warning for warning in report.warnings)


@pytest.mark.parametrize(("reply", "keep", "expected"), [
    (b"H: 1\r\n\r\n" + b"a" * 8 + b"\r\n" + b"b" * 8 + b"\r\n", 12, b"H: 1\r\n\r\n" + b"a" * 8 + b"\r\n"),
    (b"H: 1\r\n\r\n" + b"a" * 30 + b"\r\n", 12, b"H: 1\r\n\r\n"),  # one line longer than asked: headers
    (b"H: 1\r\n\r\nshort\r\n", 100, b"H: 1\r\n\r\nshort\r\n"),
], ids=["whole lines within", "a longer line", "all of it"])
def test_the_first_part_is_cut_after_whole_lines(reply: bytes, keep: int, expected: bytes) -> None:
    assert first_part(reply, keep) == expected
