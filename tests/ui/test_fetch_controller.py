"""FetchController against the fake POP3 server: real threads, a real store, the GUI thread's view.

Tests wait only on the controller's own signals, which are emitted on the GUI thread
(docs/architecture.md, Pitfalls: pytest-qt's waitSignal on a worker thread's signal is racy). Each test ends with the
user's question: is every message here exactly once, byte for byte, and is the server in the
state the policy promised?
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QThread
from pytestqt.qtbot import QtBot

from app.core import credentials
from app.core.errors import AuthError, CredentialsError, PoplarkError
from app.core.model import Account, FetchPhase, FetchProgress, FetchReport, LeaveMode, Security, ServerPolicy
from app.core.store import Profile, Store
from app.ui.workers import fetch_controller
from app.ui.workers.fetch_controller import FetchController
from tests.fakes.keyrings import MemoryKeyring
from tests.fakes.pop3_server import DEFAULT_PASSWORD, FakePop3Server, Faults, crlf

MESSAGES = [crlf(f"From: sender{index}@example.com\nSubject: message {index}\nMessage-ID: <{index}@x>\n\n"
                 + f"line {index}\n" * (index * 20) + ".dot line\n") for index in range(1, 31)]
DELETE = ServerPolicy(LeaveMode.DELETE_AFTER_DOWNLOAD)
KEEP = ServerPolicy(LeaveMode.KEEP_FOREVER)
#: Generous: a loaded CI machine may be slow, and a timeout here only ever means "failed".
WAIT_MS = 30_000
#: Slow enough that a cancel lands mid-download, fast enough to keep the suite quick.
SLOW_RETR = Faults(slow_reply_seconds=0.02, slow_verbs={"RETR"})


class Recorder:
    """Every signal of a controller, in order, and whether each arrived on the GUI thread."""

    def __init__(self, controller: FetchController) -> None:
        self.events: list[tuple[str, Any]] = []
        self.off_gui_thread: list[str] = []
        self.gui_thread = QThread.currentThread()
        for name in ("started", "progress", "messages_stored", "finished", "failed", "cancelled", "idle"):
            getattr(controller, name).connect(self._recorder_for(name))

    def _recorder_for(self, name: str) -> Callable[..., None]:
        def record(*arguments: Any) -> None:
            if QThread.currentThread() is not self.gui_thread:
                self.off_gui_thread.append(name)
            self.events.append((name, arguments))
        return record

    def names(self) -> list[str]:
        return [name for name, _ in self.events]

    def of(self, name: str) -> list[Any]:
        return [arguments for event, arguments in self.events if event == name]

    def stored_ids(self, account_name: str | None = None) -> list[int]:
        return [message_id for account, ids in self.of("messages_stored")
                if account_name in (None, account) for message_id in ids]

    def outcome(self, account_name: str) -> tuple[str, Any]:
        outcomes = [(name, arguments[1] if len(arguments) > 1 else None) for name, arguments in self.events
                    if name in ("finished", "failed", "cancelled") and arguments[0] == account_name]
        assert len(outcomes) == 1, outcomes
        return outcomes[0]


class World:
    """A profile, its store (read from the GUI thread, as the inbox model does), fake servers, a controller."""

    def __init__(self, tmp_path: Path) -> None:
        self.profile = Profile(tmp_path / "profile").ensure()
        self.store = Store.open(self.profile)
        self.controller = FetchController(self.profile)
        self.recorder = Recorder(self.controller)
        self.servers: list[FakePop3Server] = []
        #: Every message each server was given, by UIDL (the server forgets deleted ones).
        self.given: dict[int, dict[str, bytes]] = {}

    def server(self, messages: list[bytes] | None = None, faults: Faults | None = None) -> FakePop3Server:
        server = FakePop3Server(MESSAGES if messages is None else messages, faults=faults).start()
        self.servers.append(server)
        self.given[id(server)] = dict(server.mailbox.messages)
        return server

    def account(self, server: FakePop3Server, name: str = "work", policy: ServerPolicy = DELETE,
                **options: Any) -> Account:
        return self.store.add_account(Account(
            name=name, host="127.0.0.1", port=server.address[1], security=Security.NONE, user="alice",
            policy=policy, allow_insecure_auth=True, timeout_seconds=5.0, **options))

    def fetch(self, qtbot: QtBot, account: Account, password: str | None = DEFAULT_PASSWORD) -> tuple[str, Any]:
        """Run one fetch to its end; return its outcome signal's name and value."""
        self.recorder.events.clear()
        with qtbot.waitSignal(self.controller.idle, timeout=WAIT_MS):
            assert self.controller.start(account, password)
        return self.recorder.outcome(account.name)

    def stored(self, account_name: str | None = None) -> dict[str, bytes]:
        """uidl -> raw bytes as committed, asserting nothing is stored twice."""
        summaries = self.store.messages(account_name, limit=-1)
        counts = Counter(summary.uidl for summary in summaries)
        assert [uidl for uidl, count in counts.items() if count > 1] == [], "duplicates stored"
        return {summary.uidl: self.store.raw(summary.id) for summary in summaries}

    def assert_byte_exact(self, server: FakePop3Server, account_name: str | None = None) -> dict[str, bytes]:
        originals = self.given[id(server)]
        stored = self.stored(account_name)
        for uidl, raw in stored.items():
            assert raw == originals[uidl], uidl
        return stored


@pytest.fixture
def world(qtbot: QtBot, tmp_path: Path) -> Iterator[World]:
    made = World(tmp_path)
    yield made
    made.controller.shutdown()  # never leave a thread running past a test
    assert made.controller.running() == []
    assert made.recorder.off_gui_thread == []
    made.store.close()
    for server in made.servers:
        server.stop()
        assert server.handler_errors == []


def test_signals_come_in_order_on_the_gui_thread_and_ids_are_in_the_store(qtbot: QtBot, world: World) -> None:
    server = world.server()
    account = world.account(server)
    outcome, report = world.fetch(qtbot, account)

    assert outcome == "finished"
    assert isinstance(report, FetchReport)
    assert (report.new_messages, report.deleted_on_server) == (30, 30)
    names = world.recorder.names()
    assert names[0] == "started" and names[-2:] == ["finished", "idle"]
    assert world.recorder.of("started") == [("work",)]
    assert set(names[1:-2]) == {"progress", "messages_stored"}
    phases = [progress.phase for (progress,) in world.recorder.of("progress")]
    assert phases[0] is FetchPhase.CONNECTING and phases[-1] is FetchPhase.DONE
    # Rows can appear while the fetch runs: each announced id is committed and readable now.
    ids = world.recorder.stored_ids("work")
    assert sorted(ids) == sorted(summary.id for summary in world.store.messages("work"))
    assert {summary.uidl for summary in world.store.summaries(ids).values()} == {f"uid-{n}" for n in range(1, 31)}
    world.assert_byte_exact(server)
    assert server.mailbox.current_uidls() == []


def test_password_is_read_from_the_keyring_in_the_worker_thread(
        qtbot: QtBot, world: World, memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch) -> None:
    server = world.server(MESSAGES[:3])
    account = world.account(server)
    credentials.store_password(account.credential_key, DEFAULT_PASSWORD)
    reading_threads: list[int] = []
    read = memory_keyring.get_password

    def recording_get_password(service: str, username: str) -> str | None:
        reading_threads.append(threading.get_ident())
        return read(service, username)

    monkeypatch.setattr(memory_keyring, "get_password", recording_get_password)
    outcome, report = world.fetch(qtbot, account, password=None)
    assert outcome == "finished" and report.new_messages == 3
    # The keyring can block on D-Bus; the UI thread never waits (invariant 7).
    assert reading_threads and threading.get_ident() not in reading_threads


def test_wrong_password_fails_with_auth_error(qtbot: QtBot, world: World) -> None:
    server = world.server(MESSAGES[:3])
    outcome, error = world.fetch(qtbot, world.account(server), password="wrong")
    assert outcome == "failed"
    assert isinstance(error, AuthError)
    assert "Invalid credentials" in str(error)
    assert "wrong" not in str(error)
    assert error.__traceback__ is None  # its frames held the password; the UI may keep the error
    assert server.mailbox.current_uidls() == ["uid-1", "uid-2", "uid-3"]


def test_no_password_stored_and_none_given_fails_with_credentials_error(
        qtbot: QtBot, world: World, memory_keyring: MemoryKeyring) -> None:
    server = world.server(MESSAGES[:3])
    outcome, error = world.fetch(qtbot, world.account(server), password=None)
    assert outcome == "failed"
    assert isinstance(error, CredentialsError)
    assert "work" in str(error)
    assert server.mailbox.sessions == 0  # no password: not even a connection


def test_an_account_that_keeps_no_password_does_not_ask_the_keyring(
        qtbot: QtBot, world: World, memory_keyring: MemoryKeyring) -> None:
    server = world.server(MESSAGES[:3])
    account = world.account(server, remember_password=False)
    memory_keyring.set_password(credentials.SERVICE_NAME, account.credential_key, DEFAULT_PASSWORD)  # stale
    outcome, error = world.fetch(qtbot, account, password=None)
    assert outcome == "failed" and isinstance(error, CredentialsError)
    assert world.fetch(qtbot, account, password=DEFAULT_PASSWORD)[0] == "finished"


def test_cancel_mid_fetch_keeps_what_arrived_deletes_nothing_and_a_rerun_stores_the_rest_once(
        qtbot: QtBot, world: World) -> None:
    server = world.server(faults=SLOW_RETR)
    account = world.account(server)

    def cancel_after_three(progress: FetchProgress) -> None:
        if progress.phase is FetchPhase.DOWNLOADING and progress.messages_done >= 3:
            world.controller.cancel("work")

    world.controller.progress.connect(cancel_after_three)
    outcome, _ = world.fetch(qtbot, account)
    world.controller.progress.disconnect(cancel_after_three)

    assert outcome == "cancelled"
    assert "failed" not in world.recorder.names()
    stored = world.assert_byte_exact(server)
    assert 3 <= len(stored) < 30
    assert sorted(world.recorder.stored_ids()) == sorted(summary.id for summary in world.store.messages())
    server.wait_until_idle()
    assert server.mailbox.current_uidls() == [f"uid-{n}" for n in range(1, 31)]  # delete mode, yet nothing gone

    outcome, report = world.fetch(qtbot, account)
    assert outcome == "finished"
    assert report.new_messages == 30 - len(stored)
    assert len(world.assert_byte_exact(server)) == 30
    assert server.mailbox.current_uidls() == []


def test_one_fetch_per_account_at_a_time(qtbot: QtBot, world: World) -> None:
    server = world.server(faults=SLOW_RETR)
    account = world.account(server)
    with qtbot.waitSignal(world.controller.idle, timeout=WAIT_MS):
        assert world.controller.start(account, DEFAULT_PASSWORD)
        assert not world.controller.start(account, DEFAULT_PASSWORD)
        assert world.controller.running() == ["work"]
    assert world.recorder.names().count("started") == 1
    assert world.recorder.outcome("work")[0] == "finished"
    assert world.controller.running() == []
    assert world.fetch(qtbot, account)[0] == "finished"  # free again once it has ended


def test_the_same_account_can_start_again_from_its_finished_signal(qtbot: QtBot, world: World) -> None:
    server = world.server(MESSAGES[:2])
    account = world.account(server, policy=KEEP)
    restarted: list[bool] = []

    def start_again(name: str, report: FetchReport) -> None:
        if not restarted:
            restarted.append(world.controller.start(account, DEFAULT_PASSWORD))

    world.controller.finished.connect(start_again)
    with qtbot.waitSignal(world.controller.idle, timeout=WAIT_MS):
        world.controller.start(account, DEFAULT_PASSWORD)
    qtbot.waitUntil(lambda: world.controller.running() == [], timeout=WAIT_MS)
    world.controller.finished.disconnect(start_again)
    assert restarted == [True]


def test_two_accounts_fetch_concurrently(qtbot: QtBot, world: World) -> None:
    slow = Faults(slow_reply_seconds=0.03, slow_verbs={"RETR"})
    first_server, second_server = world.server(MESSAGES[:10], faults=slow), world.server(MESSAGES[:10], faults=slow)
    first, second = world.account(first_server, "first"), world.account(second_server, "second")
    with qtbot.waitSignal(world.controller.idle, timeout=WAIT_MS):
        assert world.controller.start(first, DEFAULT_PASSWORD)
        assert world.controller.start(second, DEFAULT_PASSWORD)
        assert sorted(world.controller.running()) == ["first", "second"]
    assert world.recorder.outcome("first")[0] == "finished"
    assert world.recorder.outcome("second")[0] == "finished"
    assert world.recorder.names().count("idle") == 1  # only when the last one ended
    # Both ran at once: each reported progress before the other had ended.
    names = [(name, arguments[0].account if name == "progress" else arguments[0] if arguments else None)
             for name, arguments in world.recorder.events]
    for one, other in (("first", "second"), ("second", "first")):
        other_end = names.index(("finished", other))
        assert ("progress", one) in names[:other_end]
    assert len(world.assert_byte_exact(first_server, "first")) == 10
    assert len(world.assert_byte_exact(second_server, "second")) == 10
    assert first_server.mailbox.current_uidls() == second_server.mailbox.current_uidls() == []


def test_shutdown_during_a_fetch_stops_every_thread_and_loses_nothing(qtbot: QtBot, world: World) -> None:
    server = world.server(faults=SLOW_RETR)
    account = world.account(server)
    with qtbot.waitSignal(world.controller.progress, timeout=WAIT_MS,
                          check_params_cb=lambda progress: progress.messages_done >= 2):
        world.controller.start(account, DEFAULT_PASSWORD)
    world.controller.shutdown()

    assert world.controller.running() == []
    assert world.recorder.names()[-2:] == ["cancelled", "idle"]  # delivered before shutdown returned
    stored = world.assert_byte_exact(server)
    assert 2 <= len(stored) < 30
    server.wait_until_idle()
    # Invariant 1: whatever left the server is stored here.
    assert {f"uid-{n}" for n in range(1, 31)} - set(server.mailbox.current_uidls()) <= set(stored)
    outcome, report = world.fetch(qtbot, account)
    assert outcome == "finished" and report.new_messages == 30 - len(stored)
    assert len(world.assert_byte_exact(server)) == 30


def test_shutdown_with_nothing_running_returns_at_once(world: World) -> None:
    world.controller.shutdown(timeout_ms=0)
    world.controller.cancel()
    world.controller.cancel("nobody")
    assert world.recorder.events == []


def test_fifty_fetches_in_a_row(qtbot: QtBot, world: World) -> None:
    server = world.server([])
    account = world.account(server, policy=KEEP)
    for index in range(50):
        server.add_message(crlf(f"Subject: number {index}\n\nbody {index}\n"))
        outcome, report = world.fetch(qtbot, account)
        assert outcome == "finished" and report.new_messages == 1, (index, outcome, report)
    assert len(world.stored()) == 50


def test_an_unexpected_exception_becomes_a_logged_poplark_error(
        qtbot: QtBot, world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    def broken_engine(*arguments: object, **options: object) -> FetchReport:
        raise KeyError("a bug")

    monkeypatch.setattr(fetch_controller, "fetch_account", broken_engine)
    server = world.server(MESSAGES[:1])
    with caplog.at_level(logging.ERROR, logger="poplark.ui.fetch"):
        outcome, error = world.fetch(qtbot, world.account(server))
    assert outcome == "failed"
    assert type(error) is PoplarkError
    assert "KeyError" in str(error) and isinstance(error.__cause__, KeyError)
    assert "broken_engine" in caplog.text  # the traceback, for the bug report


def test_an_unsaved_account_is_refused(world: World) -> None:
    with pytest.raises(ValueError, match="saved"):
        world.controller.start(Account(name="new", host="127.0.0.1", user="alice"), "x")
    assert world.recorder.events == []
