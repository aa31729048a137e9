"""The window and the command line on one profile at once: no broken store, nothing lost or doubled.

The desktop app runs as its own process (tests/ui/gui_driver.py, driven through the window's own
actions); ``poplark`` commands run beside it as cron and a user's terminal would. Before the fix,
any command closing its store made the app lose its SQLite locks (the damage check had opened and
closed the database file with a plain ``open()``), so the command deleted the ``-wal`` and ``-shm``
files the app was still using: "disk I/O error" in the window until a restart. These tests look
for exactly that in ``/proc/<pid>/fd`` and for every failure the user would have seen.
"""

from __future__ import annotations

import collections
import contextlib
import json
import os
import pwd
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import REPOSITORY, run_cli
from tests.fakes.app_process import AppProcess
from tests.fakes.dovecot import _ensure_system_user
from tests.fakes.pop3_server import DEFAULT_PASSWORD, DEFAULT_USER, FakePop3Server

#: How long the multi-process stress runs (seconds); `make check` may lower it.
STRESS_SECONDS = float(os.environ.get("POPLARK_SHARED_STORE_SECONDS", "20"))
FETCH_TIMEOUT_SECONDS = 60.0
COMMAND_TIMEOUT_SECONDS = 60.0
MESSAGES_PER_ROUND = 4

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(240 + 2 * STRESS_SECONDS),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/<pid>/fd"),
]


@dataclass
class Mailbox:
    """A fake POP3 server and every message ever delivered to it, by UIDL."""

    name: str
    server: FakePop3Server
    delivered: collections.Counter[str] = field(default_factory=collections.Counter)

    def deliver(self, count: int) -> None:
        for _ in range(count):
            number = sum(self.delivered.values()) + 1
            raw = (f"From: Sender {number} <sender{number}@example.com>\r\n"
                   f"To: {DEFAULT_USER}@example.com\r\n"
                   f"Subject: {self.name} message {number} about the 会议\r\n"
                   f"Message-ID: <{number}.{self.name}@shared-store.example>\r\n"
                   "\r\n"
                   f"Body of {self.name} message {number}: 明天的会议改到三点。\r\n").encode()
            self.delivered[self.server.add_message(raw)] += 1


@contextlib.contextmanager
def mailboxes(*names: str) -> Iterator[dict[str, Mailbox]]:
    with contextlib.ExitStack() as stack:
        yield {name: Mailbox(name, stack.enter_context(FakePop3Server(exclusive=True))) for name in names}


def add_account(environment: dict[str, str], mailbox: Mailbox) -> None:
    result = run_cli(environment, "account", "add", mailbox.name, "--host", "127.0.0.1",
                     "--port", str(mailbox.server.address[1]), "--security", "none", "--allow-insecure-auth",
                     "--user", DEFAULT_USER, "--password-stdin", input_text=DEFAULT_PASSWORD + "\n",
                     timeout=COMMAND_TIMEOUT_SECONDS)
    assert result.returncode == 0, result.stderr


def app_environment(environment: dict[str, str], tmp_path: Path) -> dict[str, str]:
    return dict(environment, XDG_CONFIG_HOME=str(tmp_path / "config"))


def stored_uidls(database: Path, account: str) -> collections.Counter[str]:
    with contextlib.closing(sqlite3.connect(database, timeout=30)) as connection:
        return collections.Counter(uidl for (uidl,) in connection.execute(
            "SELECT m.uidl FROM messages m JOIN accounts a ON a.id = m.account_id WHERE a.name = ?", (account,)))


def integrity(database: Path) -> str:
    with contextlib.closing(sqlite3.connect(database, timeout=30)) as connection:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])


def app_fetch(app: AppProcess, account: str) -> str:
    """Get Mail for ``account`` in the window; the line that ended it (fetched or fetch-failed)."""
    before = app.send(f"fetch {account}")
    return app.wait_for(lambda line: line.startswith((f"fetched {account} ", f"fetch-failed {account} ")),
                        FETCH_TIMEOUT_SECONDS, before)


def start_app(environment: dict[str, str], tmp_path: Path, accounts: list[str]) -> AppProcess:
    app = AppProcess(environment, tmp_path / "app.marker").start()
    # The start-up check fetches every account; the tests begin once it is over.
    for account in accounts:
        app.wait_for(lambda line, name=account: line.startswith((f"fetched {name} ", f"fetch-failed {name} ")),
                     FETCH_TIMEOUT_SECONDS)
    return app


def test_every_command_beside_the_open_window_leaves_it_working(cli_environment: dict[str, str],
                                                                tmp_path: Path) -> None:
    environment = app_environment(cli_environment, tmp_path)
    database = Path(environment["POPLARK_HOME"]) / "poplark.sqlite3"
    with mailboxes("window", "cron") as boxes:
        for mailbox in boxes.values():
            mailbox.deliver(5)
            add_account(environment, mailbox)
        app = start_app(environment, tmp_path, ["window", "cron"])
        try:
            held = app.store_files()
            assert any(name.endswith("-wal") for name in held) and any(name.endswith("-shm") for name in held), held
            listing = run_cli(environment, "list", "--json", timeout=COMMAND_TIMEOUT_SECONDS)
            assert listing.returncode == 0, listing.stderr
            some_id = str(json.loads(listing.stdout.splitlines()[0])["id"])
            commands: list[tuple[str, ...]] = [
                ("list",), ("search", "会议"), ("search", "--json", "message"), ("show", some_id),
                ("show", "--raw", some_id), ("export", "--format", "eml", str(tmp_path / "eml")),
                ("export", "--format", "mbox", str(tmp_path / "all.mbox")), ("account", "list"),
                ("fetch", "cron"),
            ]
            for command in commands:
                if command[0] == "fetch":
                    boxes["cron"].deliver(3)
                result = run_cli(environment, *command, timeout=COMMAND_TIMEOUT_SECONDS)
                assert result.returncode == 0, (command, result.stderr)
                assert app.deleted_store_files() == [], f"after 'poplark {' '.join(command)}' beside the window"

            # The window still reads, marks, deletes and fetches.
            before = app.send("select 0")
            read = app.wait_for(lambda line: line.startswith(("read-ok ", "read-failed ")), 30, before)
            assert read.startswith("read-ok "), read
            marked = app.run("mark unread") and app.wait_for(lambda line: line.startswith("marked "), 30, before)
            assert " seen=0 " in marked, marked
            deleted = app.run("delete") and app.wait_for(lambda line: line.startswith("deleted "), 30, before)
            assert deleted.endswith("folder=trash"), deleted
            boxes["window"].deliver(2)
            assert app_fetch(app, "window") == "fetched window 2"
            assert app.deleted_store_files() == []
            assert app.failures() == []
        finally:
            app.stop()
        assert integrity(database) == "ok"
        for mailbox in boxes.values():
            assert stored_uidls(database, mailbox.name) == mailbox.delivered


@dataclass
class CommandLog:
    """What every command of one loop answered."""

    results: list[tuple[tuple[str, ...], int, str]] = field(default_factory=list)

    def run(self, environment: dict[str, str], *command: str) -> None:
        try:
            result = run_cli(environment, *command, timeout=COMMAND_TIMEOUT_SECONDS)
            self.results.append((command, result.returncode, result.stderr))
        except subprocess.TimeoutExpired as error:
            self.results.append((command, -1, f"timed out: {error}"))

    def failures(self) -> list[tuple[tuple[str, ...], int, str]]:
        return [entry for entry in self.results if entry[1] != 0 or "I/O" in entry[2] or "Traceback" in entry[2]]


def test_window_and_commands_working_at_once_lose_nothing(cli_environment: dict[str, str], tmp_path: Path) -> None:
    environment = app_environment(cli_environment, tmp_path)
    database = Path(environment["POPLARK_HOME"]) / "poplark.sqlite3"
    with mailboxes("window", "cron") as boxes:
        for mailbox in boxes.values():
            mailbox.deliver(MESSAGES_PER_ROUND)
            add_account(environment, mailbox)
        app = start_app(environment, tmp_path, ["window", "cron"])
        deadline = time.monotonic() + STRESS_SECONDS
        cron, readers = CommandLog(), CommandLog()

        def cron_loop() -> None:  # `poplark fetch cron` from cron, with new mail each time
            while time.monotonic() < deadline:
                boxes["cron"].deliver(MESSAGES_PER_ROUND)
                cron.run(environment, "fetch", "cron", "--quiet")

        def reader_loop() -> None:  # a user at the terminal: search, list, export
            round_number = 0
            while time.monotonic() < deadline:
                round_number += 1
                readers.run(environment, "search", "--json", "会议")
                readers.run(environment, "list", "--json")
                target = tmp_path / f"export-{round_number}.mbox"
                readers.run(environment, "export", "--format", "mbox", str(target))
                target.unlink(missing_ok=True)

        threads = [threading.Thread(target=cron_loop), threading.Thread(target=reader_loop)]
        window_fetches: list[str] = []
        deleted_seen: list[str] = []
        try:
            for thread in threads:
                thread.start()
            while time.monotonic() < deadline:  # the window: Get Mail, read the newest, mark it read
                boxes["window"].deliver(MESSAGES_PER_ROUND)
                window_fetches.append(app_fetch(app, "window"))
                app.run("select 0")
                app.run("mark read")
                deleted_seen += app.deleted_store_files()
        finally:
            for thread in threads:
                thread.join(STRESS_SECONDS + 2 * COMMAND_TIMEOUT_SECONDS)
            app.stop()
        # Reported, not asserted (timings belong in bench/): how long a click waited for the store.
        mark_milliseconds = [float(line.rpartition("ms=")[2]) for line in app.lines() if line.startswith("marked ")]
        summary = (f"{STRESS_SECONDS:.0f} s: {len(window_fetches)} window fetches, {len(cron.results)} "
                   f"`poplark fetch` runs, {len(readers.results)} searches, listings and exports; "
                   f"{sum(box.delivered.total() for box in boxes.values())} messages; Mark as Read on the GUI "
                   f"thread: median {statistics.median(mark_milliseconds or [0]):.1f} ms, "
                   f"max {max(mark_milliseconds or [0]):.1f} ms")
        print(f"\n{summary}")
        assert deleted_seen == []
        assert app.failures() == []
        assert cron.failures() == [] and readers.failures() == []
        assert all(line.startswith("fetched window ") for line in window_fetches), window_fetches
        assert integrity(database) == "ok"
        for mailbox in boxes.values():  # each delivered message stored exactly once
            assert stored_uidls(database, mailbox.name) == mailbox.delivered, mailbox.name
        assert len(window_fetches) >= 3 and len(cron.results) >= 3 and len(readers.results) >= 3, summary


USER_SIDE = """
import sys
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from app.core.store import Profile, Store
from app.core.model import Account
store = Store.open(Profile(Path(sys.argv[2])))
account = store.add_account(Account(name="mine", host="127.0.0.1", user="me"))
store.add_message(account, "first", b"Subject: first\\r\\n\\r\\nbody\\r\\n")
store.commit()
import os
print("open", os.getpid(), flush=True)
for line in sys.stdin:  # the user's window stays open while root runs commands
    if line.strip() == "write":
        store.add_message(account, f"later-{store.message_count()}", b"Subject: later\\r\\n\\r\\nbody\\r\\n")
        store.commit()
        print("wrote", store.message_count(), flush=True)
store.close()
"""


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to run a second user's process")
def test_root_commands_beside_a_users_open_store_leave_it_theirs(cli_environment: dict[str, str],
                                                                tmp_path: Path) -> None:
    # `sudo poplark list` on a user's profile while the user's window is open: root must neither
    # drop the user's locks nor leave root-owned -wal/-shm files the user cannot open later.
    python = shutil.which("python3", path="/usr/bin:/bin")
    if python is None:
        pytest.skip("no system python3 for the second user")
    user = _ensure_system_user("poplarkmail")
    assert pwd.getpwuid(user.pw_uid).pw_name == "poplarkmail"
    # pytest's own temporary folders are private to root: this one is open to the user.
    place = Path(tempfile.mkdtemp(prefix="poplark-shared-"))
    try:
        _root_beside_user(cli_environment, place, user, python)
    finally:
        shutil.rmtree(place, ignore_errors=True)


def _root_beside_user(cli_environment: dict[str, str], place: Path, user: pwd.struct_passwd, python: str) -> None:
    shared = place / "shared"
    shutil.copytree(REPOSITORY / "app", shared / "app", ignore=shutil.ignore_patterns("__pycache__"))
    for path in [place, shared, *shared.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    place.chmod(0o777)
    profile = place / "profile"
    user_process = subprocess.Popen(["runuser", "-u", user.pw_name, "--", python, "-c", USER_SIDE, str(shared),
                                     str(profile)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert user_process.stdin is not None and user_process.stdout is not None
    try:
        greeting, user_pid = user_process.stdout.readline().split()
        assert greeting == "open"
        environment = dict(cli_environment, POPLARK_HOME=str(profile))
        for command in (("list",), ("account", "list"), ("search", "first")):
            result = run_cli(environment, *command, timeout=COMMAND_TIMEOUT_SECONDS)
            assert result.returncode == 0, (command, result.stderr)
            held = [os.readlink(f"/proc/{user_pid}/fd/{fd}") for fd in os.listdir(f"/proc/{user_pid}/fd")]
            assert not [target for target in held if "poplark.sqlite3" in target and "(deleted)" in target], held
        user_process.stdin.write("write\n")
        user_process.stdin.flush()
        assert user_process.stdout.readline().split() == ["wrote", "2"]
        for name in ("poplark.sqlite3", "poplark.sqlite3-wal", "poplark.sqlite3-shm"):
            assert (profile / name).stat().st_uid == user.pw_uid, name
    finally:
        user_process.stdin.close()
        user_process.wait(30)
    assert user_process.returncode == 0
