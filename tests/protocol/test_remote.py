"""The remote mailbox against the fake server: listing without downloading, and marks carried out
by UIDL only, whatever the server's numbering has become since the listing; the session's start is
the fetch engine's (CAPA, LIST and UIDL after login in one write when the server pipelines).

The fake server records, for every command it answers, how many complete command lines had
already arrived behind it: a command answered with two lines behind it was pipelined with them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.core.errors import OutOfStep, PermanentServerError, PipelineStalled, PoplarkError, TemporaryServerError
from app.core.fetch.engine import fetch_account
from app.core.model import LeaveMode, ServerPolicy
from app.core.remote.execute import ExecutionReport, Mark, MarkAction, execute_marks
from app.core.remote.listing import NO_TOP_NOTE, NO_UIDL_NOTE, RemoteListing, list_remote
from app.core.store import UidState
from tests.fakes.pop3_server import FakePop3Server, Faults, crlf
from tests.protocol.server_account import ServerAccount, close_all


def message(index: int, body_lines: int = 3) -> bytes:
    return crlf(f"From: Sender {index} <s{index}@example.com>\nSubject: message {index}\n"
                f"Date: Mon, 1 Jan 2024 10:{index % 60:02d}:00 +0000\nMessage-ID: <{index}@x>\n\n"
                + f"body line of {index}\n" * body_lines)


class Remote(ServerAccount):
    """A fake server, a store and an account that keeps mail on the server."""

    def __init__(self, tmp_path: Path, server: FakePop3Server, **account_options: object) -> None:
        super().__init__(tmp_path, server, name="remote", policy=ServerPolicy(LeaveMode.KEEP_FOREVER),
                         **account_options)

    def listing(self) -> RemoteListing:
        try:
            return list_remote(self.store, self.profile.lock_directory, self.account, "secret")
        finally:
            self.server.wait_until_idle()

    def execute(self, *marks: Mark) -> ExecutionReport:
        try:
            return execute_marks(self.store, self.profile.lock_directory, self.account, "secret", marks)
        finally:
            self.server.wait_until_idle()

    def stored(self) -> dict[str, bytes]:
        return {summary.uidl: self.store.raw(summary.id) for summary in self.store.messages(limit=-1)}

    def last_session(self) -> list[str]:
        with self.server.mailbox.lock:
            return list(self.server.mailbox.commands[-1])

    def after_login(self, session: int = 1) -> list[tuple[str, int]]:
        """(command, complete command lines already received behind it) after the login command."""
        with self.server.mailbox.lock:
            queued = list(self.server.mailbox.queued[session - 1])
        login = next(index for index, (line, _) in enumerate(queued) if line.startswith(("AUTH", "PASS")))
        return queued[login + 1:]


@pytest.fixture
def remote(tmp_path: Path) -> Iterator[Callable[..., Remote]]:
    made: list[Remote] = []

    def make(messages: list[bytes], account_options: dict[str, object] | None = None, **options: object) -> Remote:
        server = FakePop3Server(messages, **options).start()  # type: ignore[arg-type]
        made.append(Remote(tmp_path / f"r{len(made)}", server, **(account_options or {})))
        return made[-1]

    yield make
    close_all(made)


def verbs(lines: list[str]) -> list[str]:
    return [line.split(" ", 1)[0].upper() for line in lines]


def test_listing_decodes_headers_and_knows_what_is_stored(remote: Callable[..., Remote]) -> None:
    chinese = crlf("From: =?gb2312?B?1cXI/Q==?= <zhang@example.cn>\nSubject: =?gb2312?B?u+HS6c2o1qo=?=\n\nbody\n")
    r = remote([message(1), chinese, message(3)])
    before = r.listing()
    assert [(m.number, m.uidl, m.stored, m.state) for m in before.messages] == [
        (1, "uid-1", False, None), (2, "uid-2", False, None), (3, "uid-3", False, None)]
    assert before.messages[1].sender == "张三 <zhang@example.cn>" and before.messages[1].subject == "会议通知"
    assert before.messages[0].subject == "message 1" and before.messages[0].date == 1704103260.0
    assert [m.size for m in before.messages] == [len(raw) for _, raw in r.server.mailbox.messages]
    assert (before.has_uidl, before.has_top, before.notes) == (True, True, ())
    assert "RETR" not in verbs(r.last_session()) and verbs(r.last_session()).count("TOP") == 3

    fetch_account(r.store, r.profile.lock_directory, r.account, "secret")
    r.server.wait_until_idle()
    after = r.listing()
    assert all(m.stored and m.state is UidState.STORED for m in after.messages)


def test_a_server_without_top_lists_sizes_and_uidls_and_says_why_no_headers(remote: Callable[..., Remote]) -> None:
    r = remote([message(1), message(2)], faults=Faults(no_top=True))
    listing = r.listing()
    assert [(m.uidl, m.headers_read, m.subject) for m in listing.messages] == [
        ("uid-1", False, ""), ("uid-2", False, "")]
    assert listing.notes == (NO_TOP_NOTE,) and not listing.has_top
    assert "TOP" not in verbs(r.last_session())


def test_a_server_without_uidl_lists_but_refuses_every_mark(remote: Callable[..., Remote]) -> None:
    r = remote([message(1), message(2)], faults=Faults(no_uidl=True))
    listing = r.listing()
    assert [(m.uidl, m.subject, m.markable) for m in listing.messages] == [("", "message 1", False),
                                                                            ("", "message 2", False)]
    assert listing.notes == (NO_UIDL_NOTE,)
    with pytest.raises(PermanentServerError, match="does not support UIDL"):
        r.execute(Mark("uid-1", MarkAction.DELETE))
    assert set(verbs(r.last_session())).isdisjoint({"DELE", "RETR"})
    assert len(r.server.mailbox.current_uidls()) == 2


def test_a_mark_from_an_old_listing_never_touches_another_message_after_renumbering(
        remote: Callable[..., Remote]) -> None:
    r = remote([message(index) for index in range(1, 6)])
    listing = r.listing()
    third = listing.messages[2]
    assert (third.number, third.uidl) == (3, "uid-3")
    # Another client deletes messages 1 and 2: uid-3 is now number 1, and number 3 is uid-5.
    r.server.mailbox.remove(["uid-1", "uid-2"])
    report = r.execute(Mark(third.uidl, MarkAction.DELETE, third.size),
                       Mark("uid-1", MarkAction.DELETE, listing.messages[0].size))
    assert report.deleted == ["uid-3"]
    assert report.refused == [("uid-1", "it is not on the server (any more): nothing was done with it")]
    assert r.server.mailbox.current_uidls() == ["uid-4", "uid-5"]
    assert "DELE 1" in r.last_session()


def test_a_uidl_listed_with_another_size_or_twice_is_refused(remote: Callable[..., Remote]) -> None:
    r = remote([message(1), message(2), message(3)], shared_uidls=True)
    listing = r.listing()
    r.server.add_message(message(4), uidl="uid-3")  # popa3d: a resend with the same UIDL
    report = r.execute(Mark("uid-1", MarkAction.DELETE, listing.messages[0].size + 1),
                       Mark("uid-3", MarkAction.DOWNLOAD_AND_DELETE, listing.messages[2].size),
                       Mark("uid-2", MarkAction.LEAVE))
    assert [uidl for uidl, _ in report.refused] == ["uid-1", "uid-3"]
    assert "may be another message" in report.refused[0][1] and "2 messages" in report.refused[1][1]
    assert (report.downloaded, report.deleted) == ([], [])
    assert set(verbs(r.last_session())).isdisjoint({"DELE", "RETR"})
    assert len(r.server.mailbox.current_uidls()) == 4


def test_download_and_delete_stores_byte_exact_then_deletes_only_the_marked(remote: Callable[..., Remote]) -> None:
    r = remote([message(index, body_lines=index * 50) for index in range(1, 6)] + [crlf(".dot\n\n..two\n")])
    originals = dict(r.server.mailbox.messages)
    report = r.execute(Mark("uid-2", MarkAction.DOWNLOAD_AND_DELETE), Mark("uid-6", MarkAction.DOWNLOAD_AND_DELETE),
                       Mark("uid-4", MarkAction.DOWNLOAD), Mark("uid-5", MarkAction.LEAVE))
    assert (sorted(report.downloaded), sorted(report.deleted), report.refused) == (
        ["uid-2", "uid-4", "uid-6"], ["uid-2", "uid-6"], [])
    stored = r.stored()
    assert set(stored) == {"uid-2", "uid-4", "uid-6"}
    assert all(hashlib.sha256(stored[uidl]).digest() == hashlib.sha256(originals[uidl]).digest() for uidl in stored)
    assert r.server.mailbox.current_uidls() == ["uid-1", "uid-3", "uid-4", "uid-5"]
    known = r.store.known_uids(r.account.id or 0)
    assert (known["uid-2"].state, known["uid-4"].state) == (UidState.DELETED_ON_SERVER, UidState.STORED)
    # Every DELE came after the last RETR (the commit is between them).
    session = verbs(r.last_session())
    assert max(i for i, verb in enumerate(session) if verb == "RETR") < session.index("DELE")
    # Marked again: already stored, nothing downloaded twice.
    again = r.execute(Mark("uid-4", MarkAction.DOWNLOAD_AND_DELETE))
    assert (again.downloaded, again.already_stored, again.deleted) == ([], ["uid-4"], ["uid-4"])
    assert "RETR" not in verbs(r.last_session())


def test_a_failed_download_is_not_deleted(remote: Callable[..., Remote]) -> None:
    # The server answers RETR 2 with a far larger message than listed: not stored, so not deleted.
    r = remote([message(1), message(2)], faults=Faults(retr_substitute={2: crlf("x" * 70 + "\n") * 4000}))
    report = r.execute(Mark("uid-1", MarkAction.DOWNLOAD_AND_DELETE), Mark("uid-2", MarkAction.DOWNLOAD_AND_DELETE))
    assert (report.downloaded, report.deleted) == (["uid-1"], ["uid-1"])
    assert [uidl for uidl, _ in report.refused] == ["uid-2"] and "could not be downloaded" in report.refused[0][1]
    assert r.server.mailbox.current_uidls() == ["uid-2"] and set(r.stored()) == {"uid-1"}


def test_a_20_mb_message_is_listed_and_deleted_without_any_retr(remote: Callable[..., Remote]) -> None:
    big = crlf("From: big@example.com\nSubject: holiday videos\n\n" + ("y" * 998 + "\n") * 21_000)
    r = remote([message(1), big, message(3)])
    listing = r.listing()
    huge = listing.messages[1]
    assert (huge.subject, huge.size > 20 * 1024 * 1024) == ("holiday videos", True)
    report = r.execute(Mark(huge.uidl, MarkAction.DELETE, huge.size))
    assert report.deleted == ["uid-2"] and r.stored() == {}
    assert r.server.mailbox.current_uidls() == ["uid-1", "uid-3"]
    for session in r.server.mailbox.commands:
        assert "RETR" not in verbs(session)
    assert "DELE 2" in r.last_session() and "QUIT" in verbs(r.last_session())


def test_a_link_lost_mid_download_keeps_what_arrived_and_deletes_nothing(remote: Callable[..., Remote]) -> None:
    r = remote([message(index) for index in range(1, 5)], faults=Faults(drop_after_retr_count=2))
    with pytest.raises(PoplarkError):
        r.execute(*(Mark(f"uid-{index}", MarkAction.DOWNLOAD_AND_DELETE) for index in range(1, 5)))
    # The second message arrived but its LIST sentinel did not, so it is not trusted (client.py).
    assert set(r.stored()) == {"uid-1"}
    assert r.server.mailbox.current_uidls() == ["uid-1", "uid-2", "uid-3", "uid-4"]
    assert "DELE" not in verbs(r.last_session())
    r.server.faults = Faults()
    report = r.execute(*(Mark(f"uid-{index}", MarkAction.DOWNLOAD_AND_DELETE) for index in range(1, 5)))
    assert (report.already_stored, sorted(report.downloaded)) == (["uid-1"], ["uid-2", "uid-3", "uid-4"])
    assert r.server.mailbox.current_uidls() == [] and len(r.stored()) == 4


def test_without_capa_top_is_asked_once_before_thousands_of_times(remote: Callable[..., Remote]) -> None:
    silent = remote([message(1), message(2), message(3)], faults=Faults(no_capa=True, no_top=True))
    listing = silent.listing()
    assert listing.notes == (NO_TOP_NOTE,) and verbs(silent.last_session()).count("TOP") == 1
    answering = remote([message(1), message(2), message(3)], faults=Faults(no_capa=True))
    assert [m.subject for m in answering.listing().messages] == ["message 1", "message 2", "message 3"]
    assert verbs(answering.last_session()).count("TOP") == 3


# -- the session's start: the fetch engine's CAPA, LIST and UIDL batch, and its fallbacks ---------

THREE = [message(1), message(2), message(3)]
#: What the fake's CAPA says after login when a test removes one capability from it.
AFTER_LOGIN = ["TOP", "UIDL", "USER", "RESP-CODES", "PIPELINING", "IMPLEMENTATION fake"]
#: A stall is noticed after the account's timeout: short, so the tests that wait for one are quick.
QUICK = {"timeout_seconds": 1.0}


def subjects(listing: RemoteListing) -> list[str]:
    return [m.subject for m in listing.messages]


def backlogs(after_login: list[tuple[str, int]], verb: str) -> list[int]:
    return [behind for line, behind in after_login if line.startswith(verb + " ")]


def test_capa_list_and_uidl_after_login_go_out_in_one_write(remote: Callable[..., Remote]) -> None:
    r = remote(THREE)
    listing = r.listing()
    assert [(m.uidl, m.subject) for m in listing.messages] == [
        ("uid-1", "message 1"), ("uid-2", "message 2"), ("uid-3", "message 3")]
    assert (listing.has_uidl, listing.has_top, listing.notes) == (True, True, ())
    # Nothing rides behind the login; the three after it arrive before the first reply is sent.
    with r.server.mailbox.lock:
        before = r.server.mailbox.queued[0][:-len(r.after_login())]
    assert [behind for _, behind in before] == [0] * len(before)
    assert r.after_login()[:3] == [("CAPA", 2), ("LIST", 1), ("UIDL", 0)]
    assert backlogs(r.after_login(), "TOP") != [0, 0, 0]  # the CAPA after login kept PIPELINING


@pytest.mark.parametrize("where", ["account", "server"])
def test_without_pipelining_every_command_waits_for_its_reply(remote: Callable[..., Remote], where: str) -> None:
    r = (remote(THREE, account_options={"pipelining": False}) if where == "account"
         else remote(THREE, pipelining=False))
    assert subjects(r.listing()) == ["message 1", "message 2", "message 3"]
    assert [line for line, _ in r.after_login()[:3]] == ["CAPA", "LIST", "UIDL"]
    with r.server.mailbox.lock:
        assert [behind for _, behind in r.server.mailbox.queued[0]] == [0] * len(r.server.mailbox.queued[0])


def test_pipelining_advertised_only_after_login_pipelines_the_tops_not_the_listing(
        remote: Callable[..., Remote]) -> None:
    r = remote(THREE, pipelining=False, faults=Faults(capa_after_login=AFTER_LOGIN))
    assert subjects(r.listing()) == ["message 1", "message 2", "message 3"]
    assert r.after_login()[:3] == [("CAPA", 0), ("LIST", 0), ("UIDL", 0)]
    assert backlogs(r.after_login(), "TOP") != [0, 0, 0]


def test_post_login_capa_without_pipelining_lists_the_tops_one_by_one(remote: Callable[..., Remote]) -> None:
    r = remote(THREE, faults=Faults(capa_after_login=[item for item in AFTER_LOGIN if item != "PIPELINING"]))
    assert subjects(r.listing()) == ["message 1", "message 2", "message 3"]
    assert r.after_login()[:3] == [("CAPA", 2), ("LIST", 1), ("UIDL", 0)]  # sent before that CAPA was read
    assert backlogs(r.after_login(), "TOP") == [0, 0, 0]


@pytest.mark.parametrize("fault", [Faults(capa_after_login=[item for item in AFTER_LOGIN if item != "UIDL"]),
                                   Faults(err_reply={"UIDL": "-ERR UIDL not implemented"})],
                         ids=["not offered after login", "refused"])
def test_a_batch_without_a_usable_uidl_lists_as_a_server_without_uidl(remote: Callable[..., Remote],
                                                                       fault: Faults) -> None:
    r = remote(THREE, faults=fault)
    listing = r.listing()
    assert [(m.uidl, m.subject, m.markable) for m in listing.messages] == [
        ("", "message 1", False), ("", "message 2", False), ("", "message 3", False)]
    assert listing.notes == (NO_UIDL_NOTE,) and not listing.has_uidl
    assert r.after_login()[:3] == [("CAPA", 2), ("LIST", 1), ("UIDL", 0)]


@pytest.mark.parametrize("pipelining", [True, False])
def test_an_empty_mailbox_without_uidl_says_so_pipelined_or_not(remote: Callable[..., Remote],
                                                                pipelining: bool) -> None:
    r = remote([], faults=Faults(capa_after_login=[item for item in AFTER_LOGIN if item != "UIDL"]),
               account_options={"pipelining": pipelining})
    listing = r.listing()
    assert (listing.messages, listing.has_uidl, listing.notes) == ((), False, (NO_UIDL_NOTE,))
    assert r.after_login()[0] == ("CAPA", 2 if pipelining else 0)


def test_a_temporary_uidl_error_is_the_same_error_pipelined_or_not(remote: Callable[..., Remote]) -> None:
    outcomes = []
    for pipelining in (True, False):
        r = remote(THREE, faults=Faults(err_reply={"UIDL": "-ERR [SYS/TEMP] index busy"}),
                   account_options={"pipelining": pipelining})
        with pytest.raises(TemporaryServerError) as raised:
            r.listing()
        outcomes.append(str(raised.value))
        assert r.last_session()[-2:] == ["RSET", "QUIT"]  # in step: a clean end
        assert r.after_login()[0] == ("CAPA", 2 if pipelining else 0)
    assert outcomes[0] == outcomes[1]


@pytest.mark.parametrize("verb", ["LIST", "UIDL"])
def test_a_server_that_drops_a_pipelined_listing_stalls_then_lists_one_by_one(
        remote: Callable[..., Remote], verb: str) -> None:
    r = remote(THREE, faults=Faults(sessions={1}, drop_command=verb), account_options=QUICK)
    with pytest.raises(PipelineStalled):
        r.listing()
    assert r.store.pipelining_broken_at(r.account.id or 0) is not None  # paused, as after a fetch
    assert subjects(r.listing()) == ["message 1", "message 2", "message 3"]
    with r.server.mailbox.lock:
        assert [behind for _, behind in r.server.mailbox.queued[1]] == [0] * len(r.server.mailbox.queued[1])


def test_a_server_that_drops_the_pipelined_capa_is_out_of_step_then_not_pipelined(
        remote: Callable[..., Remote]) -> None:
    # The LIST reply then arrives where the CAPA reply belongs: a listing is no capability list.
    r = remote(THREE, faults=Faults(sessions={1}, drop_command="CAPA", drop_command_occurrence=2),
               account_options=QUICK)
    with pytest.raises(OutOfStep):
        r.listing()
    assert "QUIT" not in r.last_session()  # out of step: the link is just closed
    listing = r.listing()
    assert subjects(listing) == ["message 1", "message 2", "message 3"] and listing.has_uidl
    assert r.after_login(2)[:3] == [("CAPA", 0), ("LIST", 0), ("UIDL", 0)]
    report = fetch_account(r.store, r.profile.lock_directory, r.account, "secret")
    r.server.wait_until_idle()
    assert not report.pipelined and report.new_messages == len(THREE)  # the fetch sees the same pause
