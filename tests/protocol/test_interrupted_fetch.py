"""An interrupted fetch is said once after the next start (issue 14, item 8).

The engine leaves a marker while a session runs (app/core/fetch/interruption.py): removed when
the session ends by itself, kept when it is killed or cancelled. The window's start names each
interrupted account once in the info bar and fetches it again. Tested with the real app as a
separate process, killed with SIGKILL mid-fetch and quit mid-fetch, then started again.
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.cancel import CancelToken
from app.core.errors import AuthError, Cancelled
from app.core.fetch import interruption
from app.core.fetch.engine import FetchObserver, fetch_account
from app.core.locking import AccountLock
from app.core.model import Account, FetchPhase, FetchProgress, LeaveMode, Security, ServerPolicy
from app.core.store import Profile, Store
from tests.conftest import run_cli
from tests.fakes.app_process import AppProcess
from tests.fakes.pop3_server import DEFAULT_PASSWORD, DEFAULT_USER, FakePop3Server, Faults, crlf
from tests.fakes.waiting import wait_until

MESSAGES = [crlf(f"From: sender{index}@example.com\nSubject: message {index}\n\n" + f"line {index}\n" * 50)
            for index in range(1, 41)]
#: Each RETR waits this long: the fetch lasts long enough to be killed in the middle.
SLOW_RETR_SECONDS = 0.15
FETCH_TIMEOUT_SECONDS = 60.0
SENTENCE = "The previous fetch of work was interrupted; it has been resumed."


@pytest.fixture
def profile_store(tmp_path: Path) -> Iterator[tuple[Profile, Store]]:
    profile = Profile(tmp_path / "profile").ensure()
    store = Store.open(profile)
    yield profile, store
    store.close()


def add_account(store: Store, server: FakePop3Server) -> Account:
    return store.add_account(Account(name="work", host="127.0.0.1", port=server.address[1], security=Security.NONE,
                                     user=DEFAULT_USER, allow_insecure_auth=True, timeout_seconds=5.0,
                                     policy=ServerPolicy(LeaveMode.KEEP_FOREVER)))


# -- the marker, in the engine ------------------------------------------------------------------------

def test_the_marker_lives_exactly_as_long_as_a_session_that_ends_by_itself(
        profile_store: tuple[Profile, Store]) -> None:
    profile, store = profile_store
    seen_during: list[bool] = []

    class Watch(FetchObserver):
        def progress(self, progress: FetchProgress) -> None:
            if progress.phase is FetchPhase.LISTING:
                seen_during.append(interruption.marker_path(profile.lock_directory, account.id or 0).exists())

    with FakePop3Server(MESSAGES[:3]) as server:
        account = add_account(store, server)
        assert account.id is not None
        fetch_account(store, profile.lock_directory, account, DEFAULT_PASSWORD, observer=Watch())
        assert seen_during == [True]
        assert interruption.interrupted_accounts(profile.lock_directory, [account.id]) == []
        with pytest.raises(AuthError):  # a failure ends the session too: nothing to resume
            fetch_account(store, profile.lock_directory, account, "wrong")
        assert interruption.interrupted_accounts(profile.lock_directory, [account.id]) == []


def test_the_marker_is_synced_to_disk_before_a_session_changes_anything_and_only_then(
        profile_store: tuple[Profile, Store], monkeypatch: pytest.MonkeyPatch) -> None:
    # A no-op check pays no fsync; a session that downloads syncs the marker before its first RETR.
    profile, store = profile_store
    synced: list[tuple[int, bool]] = []
    make_durable = interruption.make_durable

    def recording(lock_directory: Path, account_id: int) -> None:
        make_durable(lock_directory, account_id)
        # The marker is there, and nothing of the session is stored yet.
        synced.append((account_id, interruption.marker_path(lock_directory, account_id).exists()
                       and not store.known_uids(account_id)))

    monkeypatch.setattr(interruption, "make_durable", recording)
    with FakePop3Server(MESSAGES[:3]) as server:
        account = add_account(store, server)
        assert account.id is not None
        assert fetch_account(store, profile.lock_directory, account, DEFAULT_PASSWORD).new_messages == 3
        assert synced == [(account.id, True)]
        assert fetch_account(store, profile.lock_directory, account, DEFAULT_PASSWORD).new_messages == 0
        assert synced == [(account.id, True)]  # nothing to do: no sync
    assert not interruption.marker_path(profile.lock_directory, account.id).exists()


def test_a_cancelled_session_keeps_its_marker_until_the_user_is_known_to_have_asked(
        profile_store: tuple[Profile, Store]) -> None:
    profile, store = profile_store
    cancel = CancelToken()

    class CancelAtListing(FetchObserver):
        def progress(self, progress: FetchProgress) -> None:
            if progress.phase is FetchPhase.LISTING:
                cancel.cancel()

    with FakePop3Server(MESSAGES[:3]) as server:
        account = add_account(store, server)
        assert account.id is not None
        with pytest.raises(Cancelled):
            fetch_account(store, profile.lock_directory, account, DEFAULT_PASSWORD, observer=CancelAtListing(),
                          cancel=cancel)
        assert interruption.interrupted_accounts(profile.lock_directory, [account.id]) == [account.id]
        # While a fetch of it runs (its lock held), a marker is that fetch's, not an interruption.
        with AccountLock(profile.lock_directory, account.id, account.name):
            assert interruption.interrupted_accounts(profile.lock_directory, [account.id]) == []
            interruption.forget(profile.lock_directory, account.id)  # not while it runs
        assert interruption.interrupted_accounts(profile.lock_directory, [account.id]) == [account.id]
        interruption.forget(profile.lock_directory, account.id)
        assert interruption.interrupted_accounts(profile.lock_directory, [account.id]) == []


# -- the real app, killed and quit in the middle of a fetch ---------------------------------------------

@contextlib.contextmanager
def slow_mailbox() -> Iterator[FakePop3Server]:
    faults = Faults(slow_reply_seconds=SLOW_RETR_SECONDS, slow_verbs={"RETR"})
    with FakePop3Server(MESSAGES, faults=faults, exclusive=True) as server:
        yield server


def setup_account(environment: dict[str, str], server: FakePop3Server) -> None:
    result = run_cli(environment, "account", "add", "work", "--host", "127.0.0.1", "--port",
                     str(server.address[1]), "--security", "none", "--allow-insecure-auth", "--leave-on-server",
                     "--user", DEFAULT_USER, "--password-stdin", input_text=DEFAULT_PASSWORD + "\n", timeout=60)
    assert result.returncode == 0, result.stderr


def retrs_received(server: FakePop3Server) -> int:
    return sum(1 for log in list(server.mailbox.commands) for line in list(log) if line.upper().startswith("RETR"))


def wait_for_retrs(server: FakePop3Server, count: int) -> None:
    wait_until(lambda: retrs_received(server) >= count, FETCH_TIMEOUT_SECONDS, "the app to start downloading")


def info_after_start(app: AppProcess) -> str:
    """Wait for the start-up fetch to end; then what the info bar says."""
    app.wait_for(lambda line: line.startswith(("fetched work ", "fetch-failed work ")), FETCH_TIMEOUT_SECONDS)
    before = app.send("info")
    return app.wait_for(lambda line: line == "info" or line.startswith("info "), 30, before)


def start(environment: dict[str, str], tmp_path: Path, name: str) -> AppProcess:
    return AppProcess(environment, tmp_path / f"{name}.marker").start()


def marker_left(environment: dict[str, str]) -> bool:
    return any((Path(environment["POPLARK_HOME"]) / "locks").glob("*.fetching"))


@pytest.mark.parametrize("how", ["kill", "quit"])
def test_an_interrupted_fetch_is_said_once_after_the_next_start(cli_environment: dict[str, str], tmp_path: Path,
                                                                how: str) -> None:
    environment = dict(cli_environment, XDG_CONFIG_HOME=str(tmp_path / "config"))
    with slow_mailbox() as server:
        setup_account(environment, server)
        first = start(environment, tmp_path, "first")
        try:
            wait_for_retrs(server, 3)  # the start-up check is downloading
            assert first.process is not None
            if how == "kill":
                first.process.send_signal(signal.SIGKILL)
                first.process.wait(30)
            else:
                first.send("quit")  # File > Quit: the fetch is cancelled cleanly, and is still unfinished
                assert first.process.wait(30) == 0
        finally:
            first.stop()
        assert not any(line.startswith("fetched work ") for line in first.lines())  # it was cut short
        assert marker_left(environment)

        second = start(environment, tmp_path, "second")
        try:
            assert info_after_start(second) == f"info {SENTENCE}"
            assert second.failures() == []
        finally:
            assert second.stop() == 0
        assert not marker_left(environment)  # the resumed fetch ended by itself

        third = start(environment, tmp_path, "third")
        try:
            assert info_after_start(third) == "info"  # said once: not again
        finally:
            third.stop()
