"""FetchScheduler: when each account is due, driven by a fake clock and check_now (no waiting)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pytestqt.qtbot import QtBot

from app.core.errors import (
    AuthError,
    Cancelled,
    ConfigError,
    ConnectError,
    CredentialsError,
    FetchInProgress,
    MailboxBusy,
    PermanentServerError,
    PoplarkError,
    ProtocolError,
    ServerTimeout,
    StoreError,
    TemporaryServerError,
    TlsError,
)
from app.core.model import Account, FetchReport
from app.ui.workers.scheduler import FetchScheduler

MINUTE = 60.0


class FakeClock:
    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def account(name: str, interval_minutes: int = 15, account_id: int = 1) -> Account:
    return Account(name=name, host="pop.example.com", user="alice", check_interval_minutes=interval_minutes,
                   id=account_id)


class Harness:
    """A scheduler on a fake clock that records what it emits; fetches 'run' until recorded."""

    def __init__(self, *accounts: Account) -> None:
        self.clock = FakeClock()
        self.scheduler = FetchScheduler(clock=self.clock, tick_ms=3_600_000)
        self.emitted: list[str] = []
        self.scheduler.due.connect(lambda due_account: self.emitted.append(due_account.name))
        self.scheduler.set_accounts(list(accounts))

    def due_now(self) -> list[str]:
        """What check_now emits at the current fake time."""
        self.emitted.clear()
        self.scheduler.check_now()
        return list(self.emitted)

    def run(self, name: str) -> None:
        self.scheduler.mark_running(name)

    def succeed(self, name: str, login_delay_seconds: int | None = None) -> None:
        self.scheduler.record_success(name, FetchReport(account=name, login_delay_seconds=login_delay_seconds))

    def fail(self, name: str, error: PoplarkError) -> None:
        self.scheduler.record_failure(name, error)


@pytest.fixture
def harness(qtbot: QtBot) -> Harness:  # qtbot: the scheduler owns a QTimer, which needs a Qt application
    return Harness(account("work"), account("home", interval_minutes=30, account_id=2))


def test_every_account_is_due_at_start_up(qtbot: QtBot) -> None:
    h = Harness(account("work"), account("home", account_id=2))
    h.scheduler.start()  # start() checks right away, before the first tick
    try:
        assert h.emitted == ["work", "home"]
    finally:
        h.scheduler.stop()


def test_the_interval_is_respected_after_a_success(harness: Harness) -> None:
    harness.run("work")
    harness.succeed("work")
    harness.run("home")
    harness.succeed("home")
    assert harness.scheduler.next_check_at("work") == harness.clock.now + 15 * MINUTE
    harness.clock.advance(15 * MINUTE - 1)
    assert harness.due_now() == []
    harness.clock.advance(1)
    assert harness.due_now() == ["work"]
    harness.clock.advance(15 * MINUTE)
    assert harness.due_now() == ["work", "home"]


def test_login_delay_longer_than_the_interval_wins(harness: Harness) -> None:
    harness.run("work")
    harness.succeed("work", login_delay_seconds=3600)  # RFC 2449 LOGIN-DELAY: one login an hour
    assert harness.scheduler.next_check_at("work") == harness.clock.now + 3600
    harness.clock.advance(15 * MINUTE)
    assert "work" not in harness.due_now()
    harness.clock.advance(45 * MINUTE)
    assert "work" in harness.due_now()


def test_login_delay_shorter_than_the_interval_changes_nothing(harness: Harness) -> None:
    harness.run("work")
    harness.succeed("work", login_delay_seconds=60)
    assert harness.scheduler.next_check_at("work") == harness.clock.now + 15 * MINUTE


@pytest.mark.parametrize("error", [
    MailboxBusy("busy", server_text="[IN-USE] locked"), TemporaryServerError("[SYS/TEMP]"),
    ConnectError("refused"), ServerTimeout("stopped responding"), ProtocolError("garbage"),
    FetchInProgress("another process"),
], ids=lambda error: type(error).__name__)
def test_transient_failures_back_off_one_two_four_minutes_capped_at_the_interval(
        harness: Harness, error: PoplarkError) -> None:
    waits = []
    for _ in range(6):
        harness.run("work")
        harness.fail("work", error)
        next_at = harness.scheduler.next_check_at("work")
        assert next_at is not None
        waits.append(next_at - harness.clock.now)
        harness.clock.advance(next_at - harness.clock.now - 1)
        assert "work" not in harness.due_now()
        harness.clock.advance(1)
        assert "work" in harness.due_now()
    assert waits == [1 * MINUTE, 2 * MINUTE, 4 * MINUTE, 8 * MINUTE, 15 * MINUTE, 15 * MINUTE]


def test_a_success_ends_the_backoff(harness: Harness) -> None:
    for _ in range(3):
        harness.fail("work", MailboxBusy("busy"))
    harness.succeed("work")
    harness.fail("work", MailboxBusy("busy"))
    assert harness.scheduler.next_check_at("work") == harness.clock.now + 1 * MINUTE


@pytest.mark.parametrize("error", [
    AuthError("rejected", server_text="[AUTH] bad password"), CredentialsError("no password"),
    TlsError("certificate not trusted"), ConfigError("no STLS"), PermanentServerError("[SYS/PERM] disabled"),
], ids=lambda error: type(error).__name__)
def test_errors_only_the_user_can_fix_pause_the_account_until_resume(harness: Harness, error: PoplarkError) -> None:
    harness.run("work")
    harness.fail("work", error)
    assert harness.scheduler.is_paused("work")
    assert harness.scheduler.next_check_at("work") is None
    harness.clock.advance(24 * 60 * MINUTE)
    assert harness.due_now() == ["home"]  # the other account goes on as usual
    harness.scheduler.resume("work")  # e.g. the user typed a new password
    assert not harness.scheduler.is_paused("work")
    assert "work" in harness.due_now()


def test_a_success_after_a_pause_clears_it(harness: Harness) -> None:
    # The user fetched by hand with a new password (without the window calling resume first).
    harness.fail("work", AuthError("rejected"))
    harness.succeed("work")
    assert not harness.scheduler.is_paused("work")
    assert harness.scheduler.next_check_at("work") == harness.clock.now + 15 * MINUTE


@pytest.mark.parametrize("error", [Cancelled(), StoreError("disk full"), PoplarkError("unexpected")],
                         ids=lambda error: type(error).__name__)
def test_cancel_and_other_failures_wait_one_normal_interval(harness: Harness, error: PoplarkError) -> None:
    harness.run("work")
    harness.fail("work", error)
    assert not harness.scheduler.is_paused("work")
    assert harness.scheduler.next_check_at("work") == harness.clock.now + 15 * MINUTE


def test_record_cancelled_reschedules_normally(harness: Harness) -> None:
    harness.run("work")
    harness.scheduler.record_cancelled("work")
    assert harness.scheduler.next_check_at("work") == harness.clock.now + 15 * MINUTE
    harness.clock.advance(15 * MINUTE)
    assert "work" in harness.due_now()


def test_interval_zero_is_never_due(qtbot: QtBot) -> None:
    h = Harness(account("manual", interval_minutes=0))
    assert h.due_now() == []
    assert h.scheduler.next_check_at("manual") is None
    # A fetch by hand, its outcome, or a resume does not make it scheduled either.
    outcomes: list[Callable[[], None]] = [
        lambda: h.succeed("manual"), lambda: h.fail("manual", MailboxBusy("busy")),
        lambda: h.scheduler.record_cancelled("manual"), lambda: h.scheduler.resume("manual")]
    for record in outcomes:
        record()
        h.clock.advance(10 * 24 * 60 * MINUTE)
        assert h.due_now() == []
        assert h.scheduler.next_check_at("manual") is None


def test_running_accounts_are_not_emitted_again(harness: Harness) -> None:
    assert harness.due_now() == ["work", "home"]
    harness.run("work")
    assert harness.due_now() == ["home"]  # still due, not started by anyone: emitted again
    harness.run("home")
    harness.clock.advance(60 * MINUTE)
    assert harness.due_now() == []
    harness.succeed("work")
    assert harness.due_now() == []  # just checked: one interval to go
    harness.clock.advance(15 * MINUTE)
    assert harness.due_now() == ["work"]


def test_set_accounts_keeps_state_for_accounts_that_stay(harness: Harness) -> None:
    harness.run("work")
    harness.fail("work", AuthError("rejected"))
    harness.run("home")
    harness.succeed("home")
    home_next = harness.scheduler.next_check_at("home")
    harness.clock.advance(MINUTE)
    harness.scheduler.set_accounts([account("work"), account("home", interval_minutes=30, account_id=2),
                                    account("new", account_id=3)])
    assert harness.scheduler.is_paused("work")
    assert harness.scheduler.next_check_at("home") == home_next
    assert harness.due_now() == ["new"]  # a newly added account is checked at once
    harness.scheduler.set_accounts([account("new", account_id=3)])
    assert harness.scheduler.next_check_at("work") is None
    harness.scheduler.record_success("work", FetchReport(account="work"))  # removed meanwhile: ignored


def test_changing_the_interval_takes_effect_at_once(harness: Harness) -> None:
    harness.run("home")
    harness.succeed("home")  # next check of home in 30 minutes
    harness.scheduler.set_accounts([account("work"), account("home", interval_minutes=5, account_id=2)])
    assert harness.scheduler.next_check_at("home") == harness.clock.now + 5 * MINUTE
    harness.scheduler.set_accounts([account("work"), account("home", interval_minutes=0, account_id=2)])
    assert harness.scheduler.next_check_at("home") is None
    harness.scheduler.set_accounts([account("work"), account("home", interval_minutes=30, account_id=2)])
    assert "home" in harness.due_now()  # automatic checks switched back on: check now


def test_the_timer_calls_check_now_every_tick(qtbot: QtBot) -> None:
    clock = FakeClock()
    scheduler = FetchScheduler(clock=clock, tick_ms=10)
    emitted: list[str] = []
    scheduler.due.connect(lambda due_account: emitted.append(due_account.name))
    scheduler.set_accounts([account("work")])
    scheduler.start()
    try:
        assert emitted == ["work"]
        scheduler.mark_running("work")
        scheduler.record_success("work", FetchReport(account="work"))
        clock.advance(15 * MINUTE)
        with qtbot.waitSignal(scheduler.due, timeout=5000):
            pass  # the next tick finds work due again
    finally:
        scheduler.stop()
    assert emitted == ["work", "work"]


def test_accounts_without_the_start_up_check_wait_one_interval(qtbot: object) -> None:
    from app.core.model import Account
    from app.ui.workers.scheduler import FetchScheduler

    now = [1_000_000.0]
    scheduler = FetchScheduler(clock=lambda: now[0], tick_ms=60_000)
    quiet = Account(name="quiet", host="h", user="u", check_interval_minutes=10, check_at_startup=False)
    eager = Account(name="eager", host="h", user="u", check_interval_minutes=10)
    scheduler.set_accounts([quiet, eager])
    assert scheduler.next_check_at("quiet") == now[0] + 600
    assert scheduler.next_check_at("eager") == now[0]
    scheduler.stop()
