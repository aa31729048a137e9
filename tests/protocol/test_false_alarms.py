"""No false alarms on real servers' habits, and still an alarm for a server that really loses step.

Issue 12: identical messages side by side, a RETR reply whose "+OK N octets" disagrees with LIST
(Courier without UTF8) and two messages under one UIDL (popa3d) are normal; a server that drops
or repeats a pipelined reply is not. Each test states which, against the fake server.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.core import protocol_log
from app.core.errors import OutOfStep, PipelineStalled
from app.core.fetch.engine import fetch_account
from app.core.model import FetchReport, LeaveMode, ServerPolicy
from tests.fakes.pop3_server import FakePop3Server, Faults, courier_wrapper, crlf
from tests.protocol.server_account import ServerAccount, close_all

DELETE = ServerPolicy(LeaveMode.DELETE_AFTER_DOWNLOAD)
KEEP = ServerPolicy(LeaveMode.KEEP_FOREVER)
POST = crlf("From: list@example.com\nSubject: the same post\nMessage-ID: <post@example.com>\n\nhello\n")
OTHERS = [crlf(f"From: a{index}@example.com\nSubject: other {index}\n\n" + "text\n" * index) for index in range(1, 6)]
#: Raw UTF-8 in the header (RFC 6532), the kind Courier wraps for clients that did not send UTF8.
UNICODE_HEADERS = crlf("From: =?utf-8?q?x?= <a@example.com>\nSubject: Grüße aus Köln, 会议\n\n"
                       + "body line\n" * 2_000)


class Session(ServerAccount):
    """One account in a real store against one fake server."""

    def __init__(self, tmp_path: Path, server: FakePop3Server, policy: ServerPolicy) -> None:
        super().__init__(tmp_path, server, name="list", policy=policy, timeout_seconds=1.0)

    def fetch(self, clock: Callable[[], float] | None = None) -> FetchReport:
        options = {} if clock is None else {"clock": clock}
        try:
            return fetch_account(self.store, self.profile.lock_directory, self.account, "secret",
                                 **options)  # type: ignore[arg-type]
        finally:
            self.server.wait_until_idle()

    def stored(self) -> list[bytes]:
        """Every stored message's bytes, oldest first."""
        return [self.store.raw(summary.id) for summary in reversed(self.store.messages(limit=-1))]

    def pipelining_paused(self) -> bool:
        assert self.account.id is not None
        return self.store.pipelining_broken_at(self.account.id) is not None


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Callable[..., Session]]:
    made: list[Session] = []

    def make(messages: list[bytes], *, policy: ServerPolicy = DELETE, faults: Faults | None = None,
             uidls: list[str] | None = None, shared_uidls: bool = False) -> Session:
        server = FakePop3Server(messages, uidls=uidls, faults=faults, shared_uidls=shared_uidls).start()
        made.append(Session(tmp_path / f"s{len(made)}", server, policy))
        return made[-1]

    yield make
    close_all(made)


def commands(server: FakePop3Server, session_number: int = 1) -> list[str]:
    return server.mailbox.commands[session_number - 1]


# -- identical messages side by side ---------------------------------------------------------------

@pytest.mark.parametrize("policy", [DELETE, KEEP], ids=["delete", "keep"])
def test_identical_messages_side_by_side_are_all_stored_while_pipelining(
        session: Callable[..., Session], policy: ServerPolicy) -> None:
    s = session([OTHERS[0], POST, POST, POST, OTHERS[1]], policy=policy)
    report = s.fetch()
    assert report.pipelined and report.new_messages == 5 and report.warnings == []
    assert s.stored() == [OTHERS[0], POST, POST, POST, OTHERS[1]]
    assert not s.pipelining_paused()
    assert s.fetch().new_messages == 0


# -- the octet text of RETR is informational ----------------------------------------------------------

def test_octets_that_disagree_with_list_are_no_reason_to_stop(session: Callable[..., Session]) -> None:
    # Courier refusing UTF8: the wrapper's size in "+OK N octets", the original's in LIST.
    s = session([OTHERS[0], UNICODE_HEADERS, OTHERS[1]], faults=Faults(courier_utf8=True, refuse_utf8=True))
    report = s.fetch()
    assert report.pipelined and report.new_messages == 3
    assert s.stored() == [OTHERS[0], courier_wrapper(UNICODE_HEADERS), OTHERS[1]]
    assert not s.pipelining_paused()
    trace = "\n".join(protocol_log.recent_logs()[-1].lines())
    assert "refused it" in trace  # the -ERR to UTF8 is noted, and the session went on
    wrapper_size = len(courier_wrapper(UNICODE_HEADERS))
    assert (f"message 2: the reply announced {wrapper_size} octets; the LIST line was "
            f"'2 {len(UNICODE_HEADERS)}'") in trace


def test_utf8_is_sent_when_offered_so_courier_sends_the_real_message(session: Callable[..., Session]) -> None:
    s = session([UNICODE_HEADERS], faults=Faults(courier_utf8=True))
    s.fetch()
    assert s.stored() == [UNICODE_HEADERS]
    sent = commands(s.server)
    login = next(index for index, line in enumerate(sent) if line.startswith("AUTH"))
    assert "UTF8" in sent[:login]  # RFC 6856: in the AUTHORIZATION state, before logging in


def test_utf8_is_not_sent_when_not_offered(session: Callable[..., Session]) -> None:
    s = session([OTHERS[0]])
    s.fetch()
    assert "UTF8" not in commands(s.server)


# -- a server that really loses step is still caught ---------------------------------------------------

@pytest.mark.parametrize("faults", [
    Faults(sessions={1}, duplicate_reply_to="RETR"),
    Faults(sessions={1}, duplicate_reply_to="LIST N"),
    Faults(sessions={1}, drop_command="RETR", drop_command_occurrence=3),
    Faults(sessions={1}, drop_command="LIST N", drop_command_occurrence=2),
], ids=["repeated-retr", "repeated-sentinel", "dropped-retr", "dropped-sentinel"])
def test_a_lost_or_repeated_reply_among_identical_messages_is_caught_before_anything_is_mislabelled(
        session: Callable[..., Session], faults: Faults) -> None:
    # All five messages are identical, so only the sentinels can tell where the stream stands.
    s = session([POST] * 5, faults=faults)
    with pytest.raises((OutOfStep, PipelineStalled)):
        s.fetch()
    assert s.pipelining_paused()
    assert "QUIT" not in commands(s.server)  # out of step: closed without QUIT, nothing deleted
    assert len(s.server.mailbox.current_uidls()) == 5
    stored_first = len(s.stored())
    trace = "\n".join(protocol_log.recent_logs()[-1].lines())
    assert "session ends because of" in trace
    # The next session, one command at a time, stores the rest once each.
    report = s.fetch()
    assert report.pipelined is False and report.new_messages == 5 - stored_first
    assert s.stored() == [POST] * 5 and s.server.mailbox.current_uidls() == []


def test_a_dropped_retr_stops_at_once_and_logs_the_list_line(session: Callable[..., Session]) -> None:
    messages = [crlf(f"Subject: {index}\n\n" + "x\n" * index) for index in range(1, 6)]
    s = session(messages, faults=Faults(sessions={1}, drop_command="RETR", drop_command_occurrence=2))
    with pytest.raises(OutOfStep):
        s.fetch()
    assert s.stored() == messages[:1]  # message 2's slot held message 3: never stored as 2
    trace = "\n".join(protocol_log.recent_logs()[-1].lines())
    assert f"message 2: replies out of step; the LIST line was '2 {len(messages[1])}'" in trace
    assert "session ends because of OutOfStep" in trace


# -- two messages under one UIDL (popa3d) ------------------------------------------------------------

def test_shared_uidls_are_downloaded_once_each_and_not_again(session: Callable[..., Session]) -> None:
    s = session([OTHERS[0], OTHERS[1], OTHERS[2]], policy=KEEP, uidls=["same", "same", "uid-3"], shared_uidls=True)
    report = s.fetch()
    assert report.new_messages == 3 and report.warnings == []
    assert s.stored() == OTHERS[:3]
    again = s.fetch()
    assert again.new_messages == 0 and again.warnings == []
    s.server.add_message(OTHERS[3], "same")  # a third message under the same UIDL
    assert s.fetch().new_messages == 1
    assert s.stored() == OTHERS[:4]


def test_shared_uidls_are_deleted_after_download_in_delete_mode(session: Callable[..., Session]) -> None:
    s = session([POST, POST, OTHERS[0]], uidls=["same", "same", "same"], shared_uidls=True)
    report = s.fetch()
    assert report.new_messages == 3 and report.deleted_on_server == 3 and report.warnings == []
    assert s.server.mailbox.current_uidls() == []
    assert s.stored() == [POST, POST, OTHERS[0]]


def test_copies_that_cannot_be_told_apart_are_named_when_the_policy_cannot_delete_them(
        session: Callable[..., Session]) -> None:
    s = session([POST, POST], policy=ServerPolicy(LeaveMode.DELETE_AFTER_DAYS, delete_after_days=1),
                uidls=["same", "same"], shared_uidls=True)
    now = [1_000_000.0]
    assert s.fetch(lambda: now[0]).new_messages == 2
    now[0] += 2 * 86_400
    report = s.fetch(lambda: now[0])
    assert report.new_messages == 0 and report.deleted_on_server == 0
    assert len(report.warnings) == 1
    assert "1 (UIDL same" in report.warnings[0] and "2 (UIDL same" in report.warnings[0]
    assert len(s.server.mailbox.current_uidls()) == 2
