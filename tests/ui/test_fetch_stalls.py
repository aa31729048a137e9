"""The GUI's fetch worker when the server stops answering in the middle of RETR.

The worker thread must not hang: the controller's ``failed`` signal arrives on the GUI thread with
a ServerTimeout, the sentence the window shows says the server stopped responding (and is quiet:
the status bar, no dialog, Poplark retries by itself), nothing unsaved is deleted, and the next
fetch stores the rest exactly once. The silence comes from the fake server's scripted stall and,
separately, from the fault proxy (the network going quiet).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from app.core.errors import ServerTimeout
from app.core.model import Account, FetchReport, LeaveMode, Security, ServerPolicy
from app.core.store import Profile, Store
from app.ui.errors import Remedy, user_message
from app.ui.workers.fetch_controller import FetchController
from tests.fakes.fault_proxy import ConnectionFaults, FaultProxy
from tests.fakes.pop3_server import DEFAULT_PASSWORD, FakePop3Server, Faults, crlf

#: Generous: a timeout here only ever means "failed" (the stall itself lasts about a second).
WAIT_MS = 30_000
MESSAGES = [crlf(f"From: s{index}@example.com\nSubject: message {index}\n\n" + f"line {index}\n" * 4000)
            for index in range(1, 6)]


class Setup:
    def __init__(self, tmp_path: Path) -> None:
        self.profile = Profile(tmp_path / "profile").ensure()
        self.store = Store.open(self.profile)
        self.controller = FetchController(self.profile)
        self.outcomes: list[tuple[str, Any]] = []
        self.controller.finished.connect(lambda name, report: self.outcomes.append(("finished", report)))
        self.controller.failed.connect(lambda name, error: self.outcomes.append(("failed", error)))
        self.controller.cancelled.connect(lambda name: self.outcomes.append(("cancelled", None)))

    def account(self, port: int) -> Account:
        return self.store.add_account(Account(
            name="work", host="127.0.0.1", port=port, security=Security.NONE, user="alice",
            policy=ServerPolicy(LeaveMode.DELETE_AFTER_DOWNLOAD), allow_insecure_auth=True, timeout_seconds=1.0))

    def fetch(self, qtbot: QtBot, account: Account) -> tuple[str, Any]:
        self.outcomes.clear()
        with qtbot.waitSignal(self.controller.idle, timeout=WAIT_MS):
            assert self.controller.start(account, DEFAULT_PASSWORD)
        assert len(self.outcomes) == 1, self.outcomes
        return self.outcomes[0]

    def stored_digests(self) -> list[str]:
        return sorted(hashlib.sha256(self.store.raw(summary.id)).hexdigest() for summary in self.store.messages())


@pytest.fixture
def setup(qtbot: QtBot, tmp_path: Path) -> Iterator[Setup]:
    made = Setup(tmp_path)
    yield made
    made.controller.shutdown()
    assert made.controller.running() == []
    made.store.close()


def check_stall_then_recovery(qtbot: QtBot, setup: Setup, server: FakePop3Server, port: int) -> None:
    account = setup.account(port)

    outcome, error = setup.fetch(qtbot, account)

    assert outcome == "failed"
    assert isinstance(error, ServerTimeout), error
    message = user_message(error, account.name)
    assert "stopped responding" in message.text
    assert message.quiet and message.remedy is Remedy.RETRY_LATER
    assert server.wait_until_idle(10)
    assert len(server.mailbox.current_uidls()) == len(MESSAGES)  # nothing deleted
    kept = len(setup.stored_digests())
    assert kept < len(MESSAGES)

    outcome, report = setup.fetch(qtbot, account)

    assert outcome == "finished"
    assert isinstance(report, FetchReport) and report.new_messages == len(MESSAGES) - kept
    assert setup.stored_digests() == sorted(hashlib.sha256(raw).hexdigest() for raw in MESSAGES)
    assert server.wait_until_idle(10)
    assert server.mailbox.current_uidls() == []


def test_the_worker_reports_a_server_that_stalls_mid_retr_and_the_next_fetch_succeeds(
        qtbot: QtBot, setup: Setup) -> None:
    with FakePop3Server(MESSAGES, faults=Faults(sessions={1}, stall_mid_retr=3)) as server:
        check_stall_then_recovery(qtbot, setup, server, server.address[1])
        assert server.handler_errors == []


def test_the_worker_reports_a_network_that_goes_quiet_mid_retr_and_the_next_fetch_succeeds(
        qtbot: QtBot, setup: Setup) -> None:
    # Each message is about 32 KB on the wire: 80,000 bytes in, the first session is in the third.
    stall = ConnectionFaults(stall_after_bytes=80_000, stall_seconds=60.0)
    with (FakePop3Server(MESSAGES) as server,
          FaultProxy(server.address[1], plan=lambda number: stall if number == 1 else ConnectionFaults()) as proxy):
        check_stall_then_recovery(qtbot, setup, server, proxy.port)
        assert proxy.counters().stalls == 1
