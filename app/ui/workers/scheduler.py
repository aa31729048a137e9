"""When each account is due for an automatic check.

The decisions are plain arithmetic on an injected clock, so tests drive them with a fake clock
and :meth:`FetchScheduler.check_now`; the QTimer only calls ``check_now`` every tick.

The rules, by who can fix the last error (docs/architecture.md, Errors):

- after a success, the next check is one interval later, or later still when the server's
  LOGIN-DELAY (RFC 2449 section 6) asks for more;
- when the server is busy, has a temporary problem, cannot be reached, or broke the protocol,
  back off quietly: 1, 2, 4 ... minutes, never longer than the interval;
- when only the user can fix it (password, keyring, certificate, settings, a [SYS/PERM] refusal),
  stop checking that account until :meth:`FetchScheduler.resume`: retrying would only repeat
  the same dialog, or lock the account on servers that count failed logins;
- a cancel, or any other failure, waits one normal interval.

Accounts are known by name, like the controller's signals. The owner wires it up: ``due`` ->
start a fetch and, if it started, :meth:`~FetchScheduler.mark_running`; the controller's
``finished`` -> :meth:`~FetchScheduler.record_success`, ``failed`` ->
:meth:`~FetchScheduler.record_failure`, ``cancelled`` -> :meth:`~FetchScheduler.record_cancelled`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from app.core.error_policy import Recovery, recovery_for
from app.core.errors import PoplarkError
from app.core.model import Account, FetchReport

log = logging.getLogger("poplark.ui.scheduler")

#: First retry after a transient failure; it doubles with each failure in a row.
FIRST_BACKOFF_SECONDS = 60.0


@dataclass
class _AccountState:
    account: Account
    #: When the next automatic check is due (clock seconds); None: no automatic check.
    next_at: float | None
    running: bool = False
    paused: bool = False
    failures_in_row: int = 0
    #: The server's last LOGIN-DELAY (seconds), remembered from the last successful session.
    login_delay_seconds: int = 0

    @property
    def interval_seconds(self) -> float:
        return self.account.check_interval_minutes * 60.0


class FetchScheduler(QObject):
    """Emits ``due`` for each account whose automatic check has come. Lives on the GUI thread."""

    due = Signal(object)  # Account to fetch now

    def __init__(self, clock: Callable[[], float] = time.time, tick_ms: int = 15000,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.clock = clock
        self._states: dict[str, _AccountState] = {}
        self._timer = QTimer(self)
        self._timer.setInterval(tick_ms)
        self._timer.timeout.connect(self.check_now)

    # -- configuration ------------------------------------------------------------------------

    def set_accounts(self, accounts: list[Account]) -> None:
        """Follow this list of accounts; state (next check, backoff, pause) is kept for those that stay.

        A new account is due at once, as at start-up: the user just added it and expects mail.
        Before :meth:`start` (the accounts known at start-up), an account whose
        ``check_at_startup`` is off waits one interval instead.
        """
        now = self.clock()
        starting = not self._timer.isActive()
        states: dict[str, _AccountState] = {}
        for account in accounts:
            state = self._states.get(account.name)
            if state is None:
                first_check: float | None = now
                if account.check_interval_minutes <= 0:
                    first_check = None
                elif starting and not account.check_at_startup:
                    first_check = now + account.check_interval_minutes * 60
                state = _AccountState(account, first_check)
            elif state.account.check_interval_minutes != account.check_interval_minutes:
                state.account = account
                self._interval_changed(state, now)
            else:
                state.account = account
            states[account.name] = state
        self._states = states

    def _interval_changed(self, state: _AccountState, now: float) -> None:
        if state.interval_seconds <= 0:
            state.next_at = None
        elif state.paused:
            pass  # still waiting for the user
        elif state.next_at is None:
            state.next_at = now  # automatic checks were just switched on
        else:
            # A shorter interval takes effect now, not after the old, longer wait.
            state.next_at = min(state.next_at, now + self._normal_wait(state))

    # -- the timer ----------------------------------------------------------------------------

    def start(self) -> None:
        """Check right away (mail at start-up), then every tick."""
        self._timer.start()
        self.check_now()

    def stop(self) -> None:
        self._timer.stop()

    @Slot()
    def check_now(self) -> None:
        """Emit ``due`` for every account whose time has come and that is not running."""
        now = self.clock()
        # A slot of ``due`` may call set_accounts(): iterate over a snapshot.
        for state in list(self._states.values()):
            if (not state.running and not state.paused and state.interval_seconds > 0
                    and state.next_at is not None and state.next_at <= now):
                self.due.emit(state.account)

    # -- what happened ------------------------------------------------------------------------

    def mark_running(self, account_name: str) -> None:
        """A fetch of this account started (scheduled or by hand): do not emit ``due`` for it."""
        state = self._states.get(account_name)
        if state is not None:
            state.running = True

    def record_success(self, account_name: str, report: FetchReport) -> None:
        state = self._states.get(account_name)
        if state is None:
            return  # removed while it was being fetched
        state.running = False
        state.paused = False
        state.failures_in_row = 0
        state.login_delay_seconds = report.login_delay_seconds or 0
        state.next_at = self._after_normal_wait(state)

    def record_failure(self, account_name: str, error: PoplarkError) -> None:
        state = self._states.get(account_name)
        if state is None:
            return
        state.running = False
        # One table decides for the scheduler, the CLI and the window (app/core/error_policy.py).
        recovery = recovery_for(error)
        if recovery is Recovery.ASK_USER:
            log.info("automatic checks of %s paused until the user acts: %s", account_name, error)
            state.paused = True
            state.next_at = None
        elif recovery is Recovery.RETRY_SOON:
            state.failures_in_row += 1
            state.next_at = self._after_backoff(state)
        else:
            # Cancelled, a store problem fixed outside Poplark, anything unforeseen: no reason to
            # hurry, none to stop.
            state.next_at = self._after_normal_wait(state)

    def record_cancelled(self, account_name: str) -> None:
        """The user cancelled: wait one normal interval (the controller's ``cancelled`` has no error)."""
        state = self._states.get(account_name)
        if state is None:
            return
        state.running = False
        state.next_at = self._after_normal_wait(state)

    def resume(self, account_name: str) -> None:
        """The user acted (new password, trusted certificate, edited settings): check again now."""
        state = self._states.get(account_name)
        if state is None:
            return
        state.paused = False
        state.failures_in_row = 0
        state.next_at = self.clock() if state.interval_seconds > 0 else None

    def next_check_at(self, account_name: str) -> float | None:
        """When the next automatic check of this account is due; None: none planned."""
        state = self._states.get(account_name)
        if state is None or state.paused or state.interval_seconds <= 0:
            return None
        return state.next_at

    def is_paused(self, account_name: str) -> bool:
        """Whether automatic checks wait for the user (so the UI can say so)."""
        state = self._states.get(account_name)
        return state is not None and state.paused

    # -- arithmetic ---------------------------------------------------------------------------

    @staticmethod
    def _normal_wait(state: _AccountState) -> float:
        # RFC 2449 section 6: a client should not log in more often than LOGIN-DELAY seconds.
        return max(state.interval_seconds, float(state.login_delay_seconds))

    def _after_normal_wait(self, state: _AccountState) -> float | None:
        if state.interval_seconds <= 0:
            return None
        return self.clock() + self._normal_wait(state)

    def _after_backoff(self, state: _AccountState) -> float | None:
        if state.interval_seconds <= 0:
            return None
        # Cap the exponent so a long outage cannot overflow the float; the interval caps the rest.
        wait = FIRST_BACKOFF_SECONDS * 2.0 ** min(state.failures_in_row - 1, 30)
        return self.clock() + min(wait, state.interval_seconds)


__all__ = ["FetchScheduler"]
