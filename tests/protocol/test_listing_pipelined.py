"""The CAPA, LIST and UIDL after login in one write when the server pipelines (issue 12).

Over a 20 ms round trip each command answered before the next one is sent costs 20 ms. The fake
server records, for every command it answers, how many complete command lines had already
arrived behind it: a command answered with two lines behind it was pipelined with them, and a
command answered with none behind it was not (its successor could only have come later).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.core import protocol_log
from app.core.errors import AuthError, OutOfStep, PipelineStalled, PoplarkError, TemporaryServerError
from app.core.fetch.engine import CONTENT_KEY_PREFIX, fetch_account
from app.core.model import FetchReport, LeaveMode, ServerPolicy
from tests.fakes.pop3_server import FakePop3Server, Faults, crlf
from tests.protocol.server_account import ServerAccount, close_all

MESSAGES = [crlf(f"From: s{index}@example.com\nSubject: message {index}\nMessage-ID: <{index}@x>\n\n"
                 + f"line {index}\n" * index) for index in range(1, 8)]
KEEP = ServerPolicy(LeaveMode.KEEP_FOREVER)
#: What the fake's CAPA says after login when a test removes one capability from it.
AFTER_LOGIN = ["TOP", "UIDL", "USER", "RESP-CODES", "PIPELINING", "IMPLEMENTATION fake"]


class Session(ServerAccount):
    """One account in a real store against one fake server."""

    def __init__(self, tmp_path: Path, server: FakePop3Server, pipelining: bool) -> None:
        super().__init__(tmp_path, server, name="list", policy=KEEP, timeout_seconds=1.0, pipelining=pipelining)

    def fetch(self, password: str = "secret") -> FetchReport:
        try:
            return fetch_account(self.store, self.profile.lock_directory, self.account, password)
        finally:
            self.server.wait_until_idle()

    def stored(self) -> dict[str, bytes]:
        """uidl -> raw bytes of every stored message."""
        return {summary.uidl: self.store.raw(summary.id) for summary in self.store.messages(limit=-1)}

    def queued(self, session: int = 1) -> list[tuple[str, int]]:
        """(command, complete command lines already received behind it) for one server session."""
        return self.server.mailbox.queued[session - 1]

    def after_login(self, session: int = 1) -> list[tuple[str, int]]:
        """The queue log from the first command after the login command on."""
        queued = self.queued(session)
        login = next(index for index, (line, _) in enumerate(queued) if line.startswith("AUTH"))
        return queued[login + 1:]


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Callable[..., Session]]:
    made: list[Session] = []

    def make(messages: list[bytes] | None = None, *, faults: Faults | None = None,
             pipelining: bool = True, server_pipelining: bool = True) -> Session:
        server = FakePop3Server(MESSAGES if messages is None else messages, faults=faults,
                                pipelining=server_pipelining).start()
        made.append(Session(tmp_path / f"s{len(made)}", server, pipelining))
        return made[-1]

    yield make
    close_all(made)


def retr_backlogs(queued: list[tuple[str, int]]) -> list[int]:
    return [behind for line, behind in queued if line.startswith("RETR")]


def test_capa_list_and_uidl_after_login_go_out_in_one_write(session: Callable[..., Session]) -> None:
    s = session()
    report = s.fetch()
    assert report.pipelined and report.new_messages == len(MESSAGES)
    assert sorted(s.stored().values()) == sorted(MESSAGES)
    # Nothing rides behind the login (a SASL challenge would take it as its answer) ...
    before = s.queued()[:len(s.queued()) - len(s.after_login())]
    assert [behind for _, behind in before] == [0] * len(before)
    # ... and the three commands after it arrive together, before the first reply is sent.
    assert s.after_login()[:3] == [("CAPA", 2), ("LIST", 1), ("UIDL", 0)]
    # The protocol log still shows each command and each reply, in order.
    trace = [line.split(" ", 1)[1] for line in protocol_log.recent_logs()[-1].lines()[1:]]
    start = trace.index("C: CAPA", trace.index("C: CAPA") + 1)
    assert trace[start:start + 3] == ["C: CAPA", "C: LIST", "C: UIDL"]
    replies = [line for line in trace[start + 3:start + 9] if line.startswith("S: ")]
    assert replies[0].startswith("S: +OK Capability") and len(replies) == 6  # 3 status lines, 3 bodies


def test_without_pipelining_on_the_account_every_command_waits_for_its_reply(
        session: Callable[..., Session]) -> None:
    s = session(pipelining=False)
    report = s.fetch()
    assert not report.pipelined and report.new_messages == len(MESSAGES)
    assert [line for line, _ in s.after_login()[:3]] == ["CAPA", "LIST", "UIDL"]
    assert [behind for _, behind in s.queued()] == [0] * len(s.queued())


def test_a_server_without_pipelining_gets_one_command_at_a_time(session: Callable[..., Session]) -> None:
    s = session(server_pipelining=False)
    report = s.fetch()
    assert not report.pipelined and report.new_messages == len(MESSAGES)
    assert [behind for _, behind in s.queued()] == [0] * len(s.queued())


def test_post_login_capa_without_pipelining_means_retr_one_by_one(session: Callable[..., Session]) -> None:
    s = session(faults=Faults(capa_after_login=[item for item in AFTER_LOGIN if item != "PIPELINING"]))
    report = s.fetch()
    assert not report.pipelined and report.new_messages == len(MESSAGES)
    assert sorted(s.stored().values()) == sorted(MESSAGES)
    after = s.after_login()
    assert after[:3] == [("CAPA", 2), ("LIST", 1), ("UIDL", 0)]  # sent before the CAPA was known
    assert retr_backlogs(after) == [0] * len(MESSAGES)
    assert not any(line.startswith("LIST ") for line, _ in after)  # no sentinels without pipelining


def test_post_login_capa_without_uidl_falls_back_to_header_keys(session: Callable[..., Session]) -> None:
    s = session(faults=Faults(capa_after_login=[item for item in AFTER_LOGIN if item != "UIDL"]))
    report = s.fetch()
    assert report.pipelined and report.new_messages == len(MESSAGES)
    assert any("does not support UIDL" in warning for warning in report.warnings)
    stored = s.stored()
    assert all(key.startswith(CONTENT_KEY_PREFIX) for key in stored)
    assert sorted(stored.values()) == sorted(MESSAGES)
    assert sum(line.startswith("TOP ") for line, _ in s.after_login()) == len(MESSAGES)
    assert s.fetch().new_messages == 0  # the same keys again: nothing fetched twice


def test_uidl_answering_err_falls_back_to_header_keys(session: Callable[..., Session]) -> None:
    s = session(faults=Faults(err_reply={"UIDL": "-ERR UIDL not implemented"}))
    report = s.fetch()
    assert report.pipelined and report.new_messages == len(MESSAGES)
    assert s.after_login()[:3] == [("CAPA", 2), ("LIST", 1), ("UIDL", 0)]
    assert all(key.startswith(CONTENT_KEY_PREFIX) for key in s.stored())
    assert sorted(s.stored().values()) == sorted(MESSAGES)


@pytest.mark.parametrize("reply", ["-ERR [SYS/TEMP] index busy", "-ERR [IN-USE] locked"])
def test_a_temporary_uidl_error_is_raised_as_before(session: Callable[..., Session], reply: str) -> None:
    outcomes = []
    for pipelining in (True, False):
        s = session(faults=Faults(err_reply={"UIDL": reply}), pipelining=pipelining)
        with pytest.raises(PoplarkError) as raised:
            s.fetch()
        outcomes.append((type(raised.value), str(raised.value)))
        assert s.stored() == {} and len(s.server.mailbox.current_uidls()) == len(MESSAGES)
    assert outcomes[0] == outcomes[1]


def test_a_list_error_is_the_same_error_pipelined_or_not(session: Callable[..., Session]) -> None:
    outcomes = []
    for pipelining in (True, False):
        s = session(faults=Faults(err_reply={"LIST": "-ERR [SYS/TEMP] maildrop busy"}), pipelining=pipelining)
        with pytest.raises(TemporaryServerError) as raised:
            s.fetch()
        outcomes.append(str(raised.value))
        assert s.server.mailbox.commands[0][-2:] == ["RSET", "QUIT"]  # in step: a clean end
    assert outcomes[0] == outcomes[1]
    assert "LIST" in outcomes[0]


def test_a_failed_login_sends_nothing_after_it(session: Callable[..., Session]) -> None:
    s = session()
    with pytest.raises(AuthError):
        s.fetch(password="wrong")
    sent = [line for line, _ in s.queued()]
    assert "LIST" not in sent and "UIDL" not in sent
    assert [behind for _, behind in s.queued()] == [0] * len(s.queued())


def test_a_server_that_drops_the_pipelined_capa_is_caught_and_then_not_pipelined(
        session: Callable[..., Session]) -> None:
    # The LIST reply then arrives where the CAPA reply belongs: a listing is no capability list.
    s = session(faults=Faults(sessions={1}, drop_command="CAPA", drop_command_occurrence=2))
    with pytest.raises(OutOfStep):
        s.fetch()
    assert s.stored() == {}
    report = s.fetch()
    assert not report.pipelined and report.new_messages == len(MESSAGES)
    assert [behind for _, behind in s.queued(2)] == [0] * len(s.queued(2))


@pytest.mark.parametrize("verb", ["LIST", "UIDL"])
def test_a_server_that_drops_a_pipelined_listing_stalls_and_pipelining_pauses(
        session: Callable[..., Session], verb: str) -> None:
    s = session(faults=Faults(sessions={1}, drop_command=verb))
    # One reply short: the last read of the batch meets silence (a dropped LIST is not noticed
    # by its place: the UIDL reply is read in its stead, and the UIDL read waits).
    with pytest.raises(PipelineStalled):
        s.fetch()
    assert s.stored() == {}
    report = s.fetch()
    assert not report.pipelined and report.new_messages == len(MESSAGES)


def test_a_duplicated_uidl_reply_is_out_of_step(session: Callable[..., Session]) -> None:
    s = session(faults=Faults(sessions={1}, duplicate_reply_to="UIDL"))
    with pytest.raises(OutOfStep):
        s.fetch()
    assert len(s.server.mailbox.current_uidls()) == len(MESSAGES)
    assert not s.fetch().pipelined
