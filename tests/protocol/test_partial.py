"""Headers only, then complete (issue 18): a partial message holds the header block, is never
deleted from the server by a policy nor downloaded again by a fetch, and completing it puts the
byte-exact whole in its place, keeping its id, folder and read and flag state."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.core.errors import PermanentServerError
from app.core.fetch.engine import fetch_account
from app.core.model import Folder, LeaveMode, ServerPolicy
from app.core.remote.execute import Mark, MarkAction, execute_marks
from app.core.remote.partial import NEEDS_TOP, NEEDS_UIDL, complete_message, fetch_headers_only
from app.core.store import UidState
from app.core.store.search import index_all
from tests.fakes.pop3_server import FakePop3Server, Faults, crlf
from tests.protocol.server_account import ServerAccount, close_all

BIG = crlf("From: =?utf-8?B?5byg5LiJ?= <zhang@example.cn>\nSubject: holiday videos\nMessage-ID: <big@x>\n\n"
           "the word zanzibar is only in the body\n" + ".dotted line\n" + ("v" * 998 + "\n") * 1000)
SMALL = crlf("From: bob@example.com\nSubject: small\n\nhello\n")


class Partial(ServerAccount):
    def __init__(self, tmp_path: Path, server: FakePop3Server, leave_mode: LeaveMode) -> None:
        super().__init__(tmp_path, server, name="p", policy=ServerPolicy(leave_mode))

    def headers_only(self) -> int:
        try:
            return fetch_headers_only(self.store, self.profile.lock_directory, self.account, "secret").stored
        finally:
            self.server.wait_until_idle()

    def complete(self, message_id: int) -> None:
        try:
            complete_message(self.store, self.profile.lock_directory, self.account, "secret", message_id)
        finally:
            self.server.wait_until_idle()

    def ids(self) -> dict[str, int]:
        return {summary.uidl: summary.id for summary in self.store.messages(limit=-1)}

    def verbs(self) -> list[str]:
        with self.server.mailbox.lock:
            return [line.split(" ", 1)[0].upper() for line in self.server.mailbox.commands[-1]]


@pytest.fixture
def partial(tmp_path: Path) -> Iterator[Callable[..., Partial]]:
    made: list[Partial] = []

    def make(messages: list[bytes], leave_mode: LeaveMode = LeaveMode.DELETE_AFTER_DOWNLOAD,
             **options: object) -> Partial:
        server = FakePop3Server(messages, **options).start()  # type: ignore[arg-type]
        made.append(Partial(tmp_path / f"p{len(made)}", server, leave_mode))
        return made[-1]

    yield make
    close_all(made)


def test_headers_only_then_complete_is_byte_exact_in_place(partial: Callable[..., Partial]) -> None:
    p = partial([BIG, SMALL])
    assert p.headers_only() == 2
    assert "RETR" not in p.verbs() and "DELE" not in p.verbs()
    ids = p.ids()
    big = p.store.partial_message(ids["uid-1"])
    assert big is not None and big.whole_size == len(BIG) and BIG.startswith(p.store.raw(ids["uid-1"]))
    assert big.missing_octets == len(BIG) - big.stored_size > 1_000_000
    assert p.store.message(ids["uid-1"]).subject == "holiday videos"
    assert p.store.known_uids(p.account.id or 0)["uid-1"].state is UidState.PARTIAL
    index_all(p.store)
    assert p.store.message_ids(None, Folder.INBOX, text="zanzibar") == []
    p.store.set_seen([ids["uid-1"]], True)
    p.store.set_flagged([ids["uid-1"]], True)

    # A fetch (delete after download) neither downloads it again nor deletes it from the server.
    report = fetch_account(p.store, p.profile.lock_directory, p.account, "secret")
    p.server.wait_until_idle()
    assert (report.new_messages, report.deleted_on_server) == (0, 0)
    assert p.server.mailbox.current_uidls() == ["uid-1", "uid-2"]

    p.complete(ids["uid-1"])
    assert p.store.raw(ids["uid-1"]) == BIG and p.store.partial_message(ids["uid-1"]) is None
    whole = p.store.message(ids["uid-1"])
    assert (whole.id, whole.seen, whole.flagged, whole.folder, whole.size) == (
        ids["uid-1"], True, True, "inbox", len(BIG))
    assert p.ids() == ids  # no second row
    assert p.store.known_uids(p.account.id or 0)["uid-1"].state is UidState.STORED
    index_all(p.store)
    assert p.store.message_ids(None, Folder.INBOX, text="zanzibar") == [ids["uid-1"]]
    assert p.verbs().count("RETR") == 1 and "DELE" not in p.verbs()
    # Now whole, the policy applies to it as to any other message.
    assert fetch_account(p.store, p.profile.lock_directory, p.account, "secret").deleted_on_server == 1
    p.server.wait_until_idle()
    assert p.server.mailbox.current_uidls() == ["uid-2"]


def test_completing_a_message_gone_from_the_server_says_so_and_keeps_the_headers(
        partial: Callable[..., Partial]) -> None:
    p = partial([BIG], leave_mode=LeaveMode.KEEP_FOREVER)
    p.headers_only()
    message_id = p.ids()["uid-1"]
    p.server.mailbox.remove(["uid-1"])
    with pytest.raises(PermanentServerError, match=r"no longer on the server.*its headers stay here"):
        p.complete(message_id)
    assert p.store.partial_message(message_id) is not None and BIG.startswith(p.store.raw(message_id))


def test_a_download_mark_completes_a_partial_message_in_place(partial: Callable[..., Partial]) -> None:
    p = partial([BIG, SMALL], leave_mode=LeaveMode.KEEP_FOREVER)
    p.headers_only()
    ids = p.ids()
    report = execute_marks(p.store, p.profile.lock_directory, p.account, "secret",
                           [Mark("uid-1", MarkAction.DOWNLOAD_AND_DELETE)])
    p.server.wait_until_idle()
    assert (report.downloaded, report.deleted) == (["uid-1"], ["uid-1"])
    assert p.ids() == ids and p.store.raw(ids["uid-1"]) == BIG and p.store.partial_message(ids["uid-1"]) is None
    assert p.server.mailbox.current_uidls() == ["uid-2"]


def test_a_later_headers_only_session_stores_only_new_mail(partial: Callable[..., Partial]) -> None:
    p = partial([SMALL], leave_mode=LeaveMode.KEEP_FOREVER)
    assert p.headers_only() == 1
    p.server.add_message(BIG)
    assert p.headers_only() == 1
    assert sorted(p.ids()) == ["uid-1", "uid-2"] and p.store.partial_count(p.account.id) == 2


@pytest.mark.parametrize(("faults", "sentence"), [(Faults(no_top=True), NEEDS_TOP), (Faults(no_uidl=True), NEEDS_UIDL)],
                         ids=["no TOP", "no UIDL"])
def test_headers_only_needs_top_and_uidl(partial: Callable[..., Partial], faults: Faults, sentence: str) -> None:
    p = partial([SMALL], faults=faults)
    with pytest.raises(PermanentServerError) as raised:
        p.headers_only()
    assert str(raised.value) == sentence and p.ids() == {}
    assert p.server.mailbox.current_uidls() == ["uid-1"]
