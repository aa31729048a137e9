"""The remote mailbox against the fake server: listing without downloading, and marks carried out
by UIDL only, whatever the server's numbering has become since the listing."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.core.errors import PermanentServerError, PoplarkError
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

    def __init__(self, tmp_path: Path, server: FakePop3Server) -> None:
        super().__init__(tmp_path, server, name="remote", policy=ServerPolicy(LeaveMode.KEEP_FOREVER))

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


@pytest.fixture
def remote(tmp_path: Path) -> Iterator[Callable[..., Remote]]:
    made: list[Remote] = []

    def make(messages: list[bytes], **options: object) -> Remote:
        server = FakePop3Server(messages, **options).start()  # type: ignore[arg-type]
        made.append(Remote(tmp_path / f"r{len(made)}", server))
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
