"""The fetch engine against the fake server: invariants 1-4 under every scripted fault.

Each test ends with the same question a user would ask: is every message here exactly once,
byte for byte, and is the server in the state the policy promised?
"""

from __future__ import annotations

import hashlib
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from app.core.cancel import CancelToken
from app.core.errors import (
    Cancelled,
    ConnectError,
    FetchInProgress,
    OutOfStep,
    PermanentServerError,
    PipelineStalled,
    PoplarkError,
    ProtocolError,
    ServerTimeout,
)
from app.core.fetch.engine import PIPELINING_STALL_PAUSE_SECONDS, FetchObserver, fetch_account
from app.core.model import FetchProgress, FetchReport, LeaveMode, MessageSummary, ServerPolicy
from app.core.store import Store, UidState
from tests.fakes.pop3_server import FakePop3Server, Faults, crlf
from tests.protocol.server_account import ServerAccount, close_all

MESSAGES = [crlf(f"From: sender{index}@example.com\nSubject: message {index}\nMessage-ID: <{index}@x>\n\n"
                 + f"line {index}\n" * (index * 40) + ".dot line\n") for index in range(1, 31)]
DELETE = ServerPolicy(LeaveMode.DELETE_AFTER_DOWNLOAD)
KEEP = ServerPolicy(LeaveMode.KEEP_FOREVER)


class Harness(ServerAccount):
    """A fake server, a store and an account wired together."""

    def __init__(self, tmp_path: Path, server: FakePop3Server, policy: ServerPolicy, **account_options: object) -> None:
        super().__init__(tmp_path, server, name="test", policy=policy, **account_options)

    def fetch(self, *, observer: FetchObserver | None = None, cancel: CancelToken | None = None,
              clock: Callable[[], float] | None = None, password: str = "secret") -> FetchReport:
        options = {} if clock is None else {"clock": clock}
        try:
            return fetch_account(self.store, self.profile.lock_directory, self.account, password,
                                 observer=observer, cancel=cancel, **options)  # type: ignore[arg-type]
        finally:
            self.server.wait_until_idle()

    def stored(self) -> dict[str, bytes]:
        """uidl -> raw bytes, asserting no UIDL and no content is stored twice."""
        summaries = self.store.messages(limit=-1)
        counts = Counter(summary.uidl for summary in summaries)
        assert [uidl for uidl, count in counts.items() if count > 1] == [], "duplicates stored"
        return {summary.uidl: self.store.raw(summary.id) for summary in summaries}

    def assert_complete(self, originals: dict[str, bytes]) -> None:
        stored = self.stored()
        assert set(stored) == set(originals)
        for uidl, raw in originals.items():
            assert hashlib.sha256(stored[uidl]).hexdigest() == hashlib.sha256(raw).hexdigest(), uidl


@pytest.fixture
def harness(tmp_path: Path) -> Iterator[Callable[..., Harness]]:
    made: list[Harness] = []

    def make(messages: list[bytes] | None = None, *, policy: ServerPolicy = DELETE, faults: Faults | None = None,
             **options: object) -> Harness:
        server = FakePop3Server(MESSAGES if messages is None else messages, faults=faults,
                                **{k: v for k, v in options.items() if k in ("capabilities", "in_use_wait_seconds")}
                                ).start()  # type: ignore[arg-type]
        account_options = {k: v for k, v in options.items() if k not in ("capabilities", "in_use_wait_seconds")}
        made.append(Harness(tmp_path / f"h{len(made)}", server, policy, **account_options))
        return made[-1]

    yield make
    close_all(made)


def originals(server: FakePop3Server) -> dict[str, bytes]:
    return dict(server.mailbox.messages)


def test_keep_mode_fetches_once_then_only_new_mail(harness: Callable[..., Harness]) -> None:
    h = harness(policy=KEEP)
    everything = originals(h.server)
    report = h.fetch()
    assert (report.new_messages, report.deleted_on_server, report.on_server) == (30, 0, 30)
    assert report.pipelined
    h.assert_complete(everything)
    assert h.fetch().new_messages == 0
    new_uidl = h.server.add_message(crlf("Subject: late arrival\n\nhello\n"))
    assert h.fetch().new_messages == 1
    h.assert_complete(originals(h.server))
    assert new_uidl in h.stored()
    assert len(h.server.mailbox.current_uidls()) == 31


def test_delete_mode_empties_the_server_after_storing(harness: Callable[..., Harness]) -> None:
    h = harness()
    everything = originals(h.server)
    report = h.fetch()
    assert (report.new_messages, report.deleted_on_server) == (30, 30)
    h.assert_complete(everything)
    assert h.server.mailbox.current_uidls() == []
    assert {known.state for known in h.store.known_uids(h.account.id or 0).values()} == {UidState.DELETED_ON_SERVER}


class Recorder(FetchObserver):
    def __init__(self) -> None:
        self.progress_events: list[FetchProgress] = []
        self.stored: list[MessageSummary] = []

    def progress(self, progress: FetchProgress) -> None:
        self.progress_events.append(progress)

    def messages_stored(self, summaries: list[MessageSummary]) -> None:
        self.stored.extend(summaries)


def test_observer_sees_progress_and_every_stored_message(harness: Callable[..., Harness]) -> None:
    h = harness(policy=KEEP)
    recorder = Recorder()
    h.fetch(observer=recorder)
    downloading = [event for event in recorder.progress_events if event.phase == "downloading"]
    assert downloading[-1].messages_done == downloading[-1].messages_total == 30
    assert downloading[-1].bytes_done == downloading[-1].bytes_total == sum(map(len, MESSAGES))
    assert [event.messages_done for event in downloading] == sorted(event.messages_done for event in downloading)
    assert sorted(summary.uidl for summary in recorder.stored) == sorted(originals(h.server))
    assert recorder.progress_events[-1].phase == "done"


@pytest.mark.parametrize(("faults", "error"), [
    (Faults(sessions={1}, drop_mid_retr=12), ConnectError),
    (Faults(sessions={1}, drop_after_retr_count=7), ConnectError),
    (Faults(sessions={1}, drop_mid_dele=5), ConnectError),
    (Faults(sessions={1}, drop_before_quit_reply=True), ConnectError),
    (Faults(sessions={1}, stall_mid_retr=3), ServerTimeout),
    (Faults(sessions={1}, garbage_reply_to="UIDL"), ProtocolError),
    (Faults(sessions={1}, garbage_reply_to="RETR"), ProtocolError),
    (Faults(sessions={1}, out_of_step_pipelining=True), PipelineStalled),
    (Faults(sessions={1}, duplicate_reply_to="RETR"), OutOfStep),
    (Faults(sessions={1}, duplicate_reply_to="DELE"), OutOfStep),
    (Faults(sessions={1}, err_reply={"UIDL": "-ERR [SYS/TEMP] index busy"}), PoplarkError),
], ids=["drop-mid-retr", "drop-after-retr", "drop-mid-dele", "drop-before-quit", "stall-mid-retr",
        "garbage-uidl", "garbage-retr", "lying-pipelining", "duplicate-retr", "duplicate-dele", "uidl-sys-temp"])
def test_interrupted_session_then_rerun_stores_everything_exactly_once(
        harness: Callable[..., Harness], faults: Faults, error: type[Exception]) -> None:
    h = harness(faults=faults, timeout_seconds=1.0)
    everything = originals(h.server)
    with pytest.raises(error):
        h.fetch()
    # Invariant 2: the failed session deleted nothing it had not committed...
    stored_after_failure = h.stored()
    assert set(everything) - set(h.server.mailbox.current_uidls()) <= set(stored_after_failure)
    # ...and invariant 3: the next run fetches exactly what is missing.
    report = h.fetch()
    assert report.new_messages == len(everything) - len(stored_after_failure)
    h.assert_complete(everything)
    assert h.server.mailbox.current_uidls() == []


def test_a_stall_with_pipelined_commands_in_flight_pauses_pipelining_for_a_day(
        harness: Callable[..., Harness]) -> None:
    # A server that drops pipelined commands and a link that stalled between two replies look
    # the same: a timeout for the user, and a short pause of pipelining, not a month.
    h = harness(faults=Faults(sessions={1, 3}, out_of_step_pipelining=True), timeout_seconds=1.0)
    now = [1_000_000.0]
    with pytest.raises(PipelineStalled) as raised:
        h.fetch(clock=lambda: now[0])
    assert isinstance(raised.value, ServerTimeout)
    now[0] += 3_600
    report = h.fetch(clock=lambda: now[0])  # session 2: within the day, one command at a time
    assert report.pipelined is False
    h.assert_complete(dict(zip([f"uid-{n}" for n in range(1, 31)], MESSAGES, strict=True)))
    now[0] += PIPELINING_STALL_PAUSE_SECONDS
    for index in range(5):
        h.server.mailbox.add(crlf(f"Subject: later {index}\n\nbody\n"))
    with pytest.raises(PipelineStalled):  # session 3: a day later it pipelines again (and the fault bites)
        h.fetch(clock=lambda: now[0])


@pytest.mark.parametrize(("policy", "faults"), [
    # One "LIST n" sentinel follows each of the 30 RETRs: the 30th is the last command of the batch.
    (KEEP, Faults(sessions={1}, drop_command="LIST N", drop_command_occurrence=30)),
    # The STAT that ends the pipelined DELEs.
    (DELETE, Faults(sessions={1}, drop_command="STAT")),
], ids=["last-retr-sentinel", "stat-after-dele"])
def test_a_server_dropping_the_last_pipelined_command_pauses_pipelining(
        harness: Callable[..., Harness], policy: ServerPolicy, faults: Faults) -> None:
    # The reply before it came whole, so the link was alive: silence where the last reply of a
    # pipelined batch is owed is the server losing a command, as anywhere else in the batch. A
    # plain timeout would leave pipelining on, and every fetch would end the same way.
    h = harness(policy=policy, faults=faults, timeout_seconds=1.0)
    everything = originals(h.server)
    with pytest.raises(PipelineStalled):
        h.fetch()
    assert sorted(h.server.mailbox.current_uidls()) == sorted(everything)  # nothing deleted: no QUIT
    report = h.fetch()
    assert report.pipelined is False
    h.assert_complete(everything)


def test_out_of_step_replies_turn_pipelining_off_for_a_month(harness: Callable[..., Harness]) -> None:
    h = harness(faults=Faults(sessions={1}, duplicate_reply_to="DELE"), timeout_seconds=1.0)
    now = [1_000_000.0]
    with pytest.raises(OutOfStep):
        h.fetch(clock=lambda: now[0])
    now[0] += 29 * 86_400
    assert h.fetch(clock=lambda: now[0]).pipelined is False
    now[0] += 2 * 86_400
    assert h.fetch(clock=lambda: now[0]).pipelined is True
    assert h.server.mailbox.current_uidls() == []


def test_duplicated_retr_reply_never_stores_a_message_under_another_uidl(harness: Callable[..., Harness]) -> None:
    same_size = [crlf(f"Subject: same size {index:02d}\n\nbody\n") for index in range(10)]
    h = harness(same_size, faults=Faults(sessions={1}, duplicate_reply_to="RETR"))
    everything = originals(h.server)
    with pytest.raises(OutOfStep):
        h.fetch()
    for uidl, raw in h.stored().items():
        assert raw == everything[uidl]


def test_retr_error_for_one_message_keeps_the_others(harness: Callable[..., Harness]) -> None:
    h = harness(policy=KEEP, faults=Faults(sessions={1}, err_reply={"RETR": "-ERR [SYS/TEMP] backend"}))
    report = h.fetch()
    assert report.failed_messages == 30 and report.new_messages == 0
    assert any("backend" in warning for warning in report.warnings)
    assert h.fetch().new_messages == 30


def test_cancel_mid_fetch_keeps_what_arrived_and_deletes_nothing(harness: Callable[..., Harness]) -> None:
    h = harness(faults=Faults(slow_reply_seconds=0.01, slow_verbs={"RETR"}))
    everything = originals(h.server)
    cancel = CancelToken()

    class CancelAfterFive(FetchObserver):
        def progress(self, progress: FetchProgress) -> None:
            if progress.messages_done >= 5:
                cancel.cancel()

    with pytest.raises(Cancelled):
        h.fetch(observer=CancelAfterFive(), cancel=cancel)
    assert 5 <= len(h.stored()) < 30
    assert h.server.mailbox.current_uidls() == list(everything)  # nothing deleted
    # Replies in flight were read, then RSET and QUIT: a clean end, so the mailbox is not left locked.
    assert h.server.mailbox.commands[0][-2:] == ["RSET", "QUIT"]
    h.fetch()
    h.assert_complete(everything)
    assert h.server.mailbox.current_uidls() == []


def test_no_uidl_falls_back_to_header_keys(harness: Callable[..., Harness]) -> None:
    h = harness(policy=KEEP, faults=Faults(no_uidl=True))
    first = h.fetch()
    assert first.new_messages == 30
    assert any("UIDL" in warning for warning in first.warnings)
    assert h.fetch().new_messages == 0
    h.server.add_message(crlf("Subject: new\nMessage-ID: <new@x>\n\nnew\n"))
    assert h.fetch().new_messages == 1
    contents = sorted(h.stored().values())
    assert contents == sorted(raw for _, raw in h.server.mailbox.messages)


def test_no_uidl_and_no_top_is_a_clear_permanent_error(harness: Callable[..., Harness]) -> None:
    h = harness(faults=Faults(no_uidl=True, no_top=True))
    with pytest.raises(PermanentServerError, match="neither UIDL nor TOP"):
        h.fetch()
    assert len(h.server.mailbox.current_uidls()) == 30


def test_size_cap_leaves_large_messages_on_the_server(harness: Callable[..., Harness]) -> None:
    big = crlf("Subject: big\n\n" + "x" * 200_000 + "\n")
    h = harness([big, *MESSAGES[:3]], policy=ServerPolicy(LeaveMode.DELETE_AFTER_DOWNLOAD, max_message_bytes=100_000))
    report = h.fetch()
    assert (report.new_messages, report.skipped_too_large) == (3, 1)
    assert h.server.mailbox.current_uidls() == ["uid-1"]


def test_delete_after_days_uses_first_seen_time(harness: Callable[..., Harness]) -> None:
    h = harness(MESSAGES[:3], policy=ServerPolicy(LeaveMode.DELETE_AFTER_DAYS, delete_after_days=2))
    now = [1_800_000_000.0]
    assert h.fetch(clock=lambda: now[0]).new_messages == 3
    now[0] += 86_400
    assert h.fetch(clock=lambda: now[0]).deleted_on_server == 0
    now[0] += 86_400
    assert h.fetch(clock=lambda: now[0]).deleted_on_server == 3
    assert h.server.mailbox.current_uidls() == []


def test_server_that_ignores_dele_is_not_asked_forever(harness: Callable[..., Harness]) -> None:
    h = harness(MESSAGES[:3], faults=Faults(ignore_dele=True))
    assert h.fetch().deleted_on_server == 3
    again = h.fetch()
    assert (again.new_messages, again.deleted_on_server) == (0, 0)
    assert len(h.stored()) == 3


def test_ignored_deletions_are_reported_once_per_account(harness: Callable[..., Harness]) -> None:
    h = harness(MESSAGES[:3], faults=Faults(ignore_dele=True))
    first = h.fetch()
    assert (first.deleted_on_server, first.ignored_deletions) == (3, 0)  # nothing to tell yet
    second = h.fetch()
    assert (second.ignored_deletions, second.deleted_on_server, second.new_messages) == (3, 0, 0)
    assert h.store.dele_ignored_at(h.account.id or 0) is not None
    h.server.add_message(crlf("Subject: later\n\nhello\n"))
    third = h.fetch()  # the new one is DELE'd (and kept) too, but the user was told already
    assert (third.new_messages, third.deleted_on_server, third.ignored_deletions) == (1, 1, 0)
    fourth = h.fetch()
    assert (fourth.deleted_on_server, fourth.ignored_deletions) == (0, 0)
    dele_sessions = [commands for commands in h.server.mailbox.commands
                     if any(line.upper().startswith("DELE") for line in commands)]
    assert len(dele_sessions) == 2  # the first and third sessions only: never asked again
    assert len(h.stored()) == 4


def test_a_server_that_honours_dele_is_never_reported(harness: Callable[..., Harness]) -> None:
    h = harness(MESSAGES[:3])
    assert h.fetch().deleted_on_server == 3
    h.server.add_message(crlf("Subject: later\n\nhello\n"))
    assert h.fetch().ignored_deletions == 0
    assert h.store.dele_ignored_at(h.account.id or 0) is None


def test_mirror_mode_deletes_from_server_what_was_deleted_here(harness: Callable[..., Harness]) -> None:
    from app.core.model import Folder

    h = harness(MESSAGES[:4], policy=ServerPolicy(LeaveMode.DELETE_WHEN_DELETED_LOCALLY))
    report = h.fetch()
    assert (report.new_messages, report.deleted_on_server, report.pending_server_deletions) == (4, 0, 0)
    by_uidl = {summary.uidl: summary.id for summary in h.store.messages()}
    h.store.move_to_folder([by_uidl["uid-1"], by_uidl["uid-2"], by_uidl["uid-3"]], Folder.TRASH)
    h.store.restore([by_uidl["uid-3"]])
    assert h.store.empty_trash(h.account.id) == 2
    assert h.store.pending_server_deletions(h.account.id) == 2  # what the UI announces
    report = h.fetch()
    assert (report.new_messages, report.deleted_on_server, report.pending_server_deletions) == (0, 2, 0)
    assert h.server.mailbox.current_uidls() == ["uid-3", "uid-4"]
    assert set(h.stored()) == {"uid-3", "uid-4"}
    assert h.fetch().new_messages == 0  # the emptied ones are never downloaded again


def test_keep_mode_never_downloads_an_emptied_message_again(harness: Callable[..., Harness]) -> None:
    from app.core.model import Folder

    h = harness(MESSAGES[:2], policy=KEEP)
    h.fetch()
    h.store.move_to_folder([summary.id for summary in h.store.messages()], Folder.TRASH)
    assert h.store.empty_trash() == 2
    report = h.fetch()
    assert (report.new_messages, report.deleted_on_server, report.pending_server_deletions) == (0, 0, 0)
    assert h.server.mailbox.current_uidls() == ["uid-1", "uid-2"]
    assert h.stored() == {}


def test_local_deletions_gone_from_the_server_are_no_longer_pending(harness: Callable[..., Harness]) -> None:
    from app.core.model import Folder

    h = harness(MESSAGES[:2], policy=ServerPolicy(LeaveMode.DELETE_WHEN_DELETED_LOCALLY))
    h.fetch()
    h.store.move_to_folder([summary.id for summary in h.store.messages()], Folder.TRASH)
    h.server.mailbox.remove(["uid-1"])  # another client deleted it meanwhile
    report = h.fetch()
    assert (report.deleted_on_server, report.pending_server_deletions, report.ignored_deletions) == (1, 0, 0)
    assert h.server.mailbox.current_uidls() == []
    assert h.store.known_uids(h.account.id or 0)["uid-1"].state is UidState.GONE_FROM_SERVER


def test_fetch_leaves_search_indexing_for_later(harness: Callable[..., Harness]) -> None:
    from app.core.store.search import index_all

    h = harness(MESSAGES[:5], policy=KEEP)
    assert h.fetch().new_messages == 5
    assert h.store.pending_search_count() == 5  # the engine wrote no index rows
    third = next(summary.id for summary in h.store.messages() if summary.subject == "message 3")
    assert h.store.message_ids(h.account.id, text="message 3") == [third]  # found by subject already
    assert index_all(h.store) == 5
    assert h.store.pending_search_count() == 0


def test_wrong_password_stores_nothing(harness: Callable[..., Harness]) -> None:
    from app.core.errors import AuthError

    h = harness()
    with pytest.raises(AuthError):
        h.fetch(password="wrong")
    assert h.stored() == {}


def test_one_fetch_per_account_at_a_time(harness: Callable[..., Harness]) -> None:
    h = harness(faults=Faults(slow_reply_seconds=0.02, slow_verbs={"RETR"}))
    started = threading.Event()
    outcome: list[object] = []

    class Signal(FetchObserver):
        def progress(self, progress: FetchProgress) -> None:
            started.set()

    def background() -> None:
        second_store = Store(h.store.path)
        try:
            outcome.append(fetch_account(second_store, h.profile.lock_directory, h.account, "secret",
                                         observer=Signal()))
        finally:
            second_store.close()

    thread = threading.Thread(target=background)
    thread.start()
    assert started.wait(10)
    with pytest.raises(FetchInProgress):
        fetch_account(h.store, h.profile.lock_directory, h.account, "secret")
    thread.join(30)
    assert isinstance(outcome[0], FetchReport)


def test_login_delay_is_reported(harness: Callable[..., Harness]) -> None:
    h = harness(MESSAGES[:1], faults=Faults(login_delay=900))
    assert h.fetch().login_delay_seconds == 900


def test_pipelining_can_be_switched_off_per_account(harness: Callable[..., Harness]) -> None:
    h = harness(MESSAGES[:3], pipelining=False)
    assert h.fetch().pipelined is False
    h.account = replace(h.account, pipelining=True)
    h.server.add_message(crlf("Subject: x\n\ny\n"))
    assert h.fetch().pipelined is True
