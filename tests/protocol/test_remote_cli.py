"""``poplark remote list|fetch|delete`` as a user and a script see them, and ``kill -9`` of
``poplark remote fetch --delete`` at many moments: nothing unstored and nothing unmarked is ever
deleted (docs/architecture.md, invariant 1, through the remote mailbox)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.cli.presenter import EXIT_FAILED, EXIT_OK
from app.core.store.profile import DATABASE_FILE_NAME
from tests.conftest import REPOSITORY, run_cli
from tests.fakes.certs import TestCertificates
from tests.fakes.pop3_server import DEFAULT_PASSWORD, FakePop3Server, Faults, crlf

ACCOUNT = "work"
PASSWORD_LINE = DEFAULT_PASSWORD + "\n"
KILLS = int(os.environ.get("POPLARK_REMOTE_KILL9_ITERATIONS", "8"))
# Slow enough that a kill lands inside the download or the DELE phase.
SLOW = Faults(slow_reply_seconds=0.03, slow_verbs={"RETR", "DELE"})
PER_ROUND = 10
MARKED_PER_ROUND = 6


def message(index: int) -> bytes:
    return crlf(f"From: =?utf-8?B?5byg5LiJ?= <s{index}@example.com>\nSubject: remote {index}\n"
                f"Date: Tue, 2 Jan 2024 08:00:00 +0000\n\n" + f".line {index}\n" * (20 + index * 7))


@pytest.fixture
def server(certificates: TestCertificates) -> Iterator[FakePop3Server]:
    with FakePop3Server([message(index) for index in range(1, 4)], mode="tls",
                        ssl_context=certificates.server_context()) as started:
        yield started
    assert started.handler_errors == []


@pytest.fixture
def environment(cli_environment: dict[str, str], certificates: TestCertificates,
                server: FakePop3Server) -> dict[str, str]:
    added = run_cli(cli_environment, "account", "add", ACCOUNT, "--host", "127.0.0.1", "--port",
                    str(server.address[1]), "--security", "tls", "--user", "alice", "--ca-file",
                    str(certificates.ca_pem), "--leave-on-server", "--password-stdin", input_text=PASSWORD_LINE)
    assert added.returncode == EXIT_OK, added.stderr
    return cli_environment


def remote(environment: dict[str, str], *arguments: str) -> subprocess.CompletedProcess[str]:
    return run_cli(environment, "remote", *arguments, "--password-stdin", input_text=PASSWORD_LINE, timeout=60)


def stored(environment: dict[str, str]) -> dict[str, str]:
    """UIDL -> SHA-256 of every stored message, straight from the file."""
    database = Path(environment["POPLARK_HOME"]) / DATABASE_FILE_NAME
    with contextlib.closing(sqlite3.connect(database, timeout=10)) as connection:
        return dict(connection.execute("SELECT uidl, sha256 FROM messages").fetchall())


def test_list_shows_what_is_on_the_server_in_text_and_json(environment: dict[str, str],
                                                           server: FakePop3Server) -> None:
    assert remote(environment, "fetch", ACCOUNT, "uid-2").returncode == EXIT_OK
    text = remote(environment, "list", ACCOUNT)
    assert text.returncode == EXIT_OK, text.stderr
    header, *lines = text.stdout.splitlines()
    assert header.split() == ["#", "UIDL", "SIZE", "DATE", "HERE", "FROM", "SUBJECT"]
    assert len(lines) == 4 and "uid-2" in lines[1] and "stored" in lines[1] and "stored" not in lines[0]
    assert "张三 <s1@example.com>" in lines[0] and "remote 1" in lines[0] and "2024-01-02" in lines[0]
    assert lines[-1].startswith(f"{ACCOUNT}: 3 message(s) on the server")
    assert lines[-1].endswith("1 of them stored here")
    listed = remote(environment, "list", ACCOUNT, "--json")
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    sizes = [len(raw) for _, raw in server.mailbox.messages]
    assert [(row["uidl"], row["number"], row["size"], row["stored"]) for row in rows] == [
        ("uid-1", 1, sizes[0], False), ("uid-2", 2, sizes[1], True), ("uid-3", 3, sizes[2], False)]
    assert (rows[0]["from"], rows[0]["subject"], rows[0]["date"]) == ("张三 <s1@example.com>", "remote 1", 1704182400.0)


def test_fetch_and_delete_by_uidl_and_refuse_a_uidl_not_on_the_server(environment: dict[str, str],
                                                                    server: FakePop3Server) -> None:
    fetched = remote(environment, "fetch", ACCOUNT, "uid-1", "--delete")
    assert (fetched.returncode, fetched.stdout) == (EXIT_OK, f"{ACCOUNT}: 1 downloaded, 1 deleted from the server\n")
    assert stored(environment) == {"uid-1": hashlib.sha256(message(1)).hexdigest()}
    deleted = remote(environment, "delete", ACCOUNT, "uid-3", "no-such-uidl")
    assert deleted.returncode == EXIT_FAILED
    assert deleted.stdout == f"{ACCOUNT}: 0 downloaded, 1 deleted from the server\n"
    assert f"poplark: {ACCOUNT}: no-such-uidl: it is not on the server (any more)" in deleted.stderr
    assert f"run 'poplark remote list {ACCOUNT}'" in deleted.stderr
    assert server.mailbox.current_uidls() == ["uid-2"] and set(stored(environment)) == {"uid-1"}


def test_fetch_headers_only_then_complete(environment: dict[str, str], server: FakePop3Server) -> None:
    fetched = run_cli(environment, "fetch", ACCOUNT, "--headers-only", "--password-stdin", input_text=PASSWORD_LINE)
    assert fetched.returncode == EXIT_OK, fetched.stderr
    assert fetched.stdout.startswith(f"{ACCOUNT}: 3 new message(s), headers only (")
    listed = remote(environment, "list", ACCOUNT).stdout.splitlines()
    assert "partial" in listed[1] and listed[-1].endswith(", 0 of them stored here, 3 with their headers only")
    rows = [json.loads(line) for line in run_cli(environment, "list", "--json").stdout.splitlines()]
    first = next(row["id"] for row in rows if row["uidl"] == "uid-1")
    assert stored(environment)["uid-1"] != hashlib.sha256(message(1)).hexdigest()
    shown = run_cli(environment, "show", str(first))
    missing = (len(message(1)) - len(message(1).split(b"\r\n\r\n")[0]) - 4) / 1024
    assert (f"(This message was not fully downloaded: {missing:.1f} KB left on the server. Download the rest "
            f"with 'poplark complete {first}')") in shown.stdout
    completed = run_cli(environment, "complete", str(first), "--password-stdin", input_text=PASSWORD_LINE)
    assert completed.returncode == EXIT_OK, completed.stderr
    assert completed.stdout.startswith(f"{ACCOUNT}: message {first} is complete")
    assert stored(environment)["uid-1"] == hashlib.sha256(message(1)).hexdigest()
    assert "not fully downloaded" not in run_cli(environment, "show", str(first)).stdout
    again = run_cli(environment, "complete", str(first), "--password-stdin", input_text=PASSWORD_LINE)
    assert again.returncode == EXIT_OK
    assert again.stdout == f"message {first} is stored whole already: nothing to download\n"
    assert server.mailbox.current_uidls() == ["uid-1", "uid-2", "uid-3"]


def test_an_unknown_account_is_a_sentence_and_exit_1(environment: dict[str, str]) -> None:
    result = remote(environment, "list", "nobody")
    assert result.returncode == EXIT_FAILED and result.stderr.startswith("poplark: ") and result.stdout == ""


# -- kill -9 -------------------------------------------------------------------------------------

def commands_since(server: FakePop3Server, sessions_before: int) -> list[str]:
    with server.mailbox.lock:
        return [line.split(" ", 1)[0].upper() for session in server.mailbox.commands[sessions_before:]
                for line in session]


def run_and_kill(environment: dict[str, str], uidls: list[str], server: FakePop3Server, anchor: str,
                 count: int, delay: float) -> int:
    """``poplark remote fetch --delete``, SIGKILLed ``delay`` s after the server saw ``count`` ``anchor``s."""
    sessions_before = server.mailbox.sessions
    process = subprocess.Popen([sys.executable, "-m", "app", "remote", "fetch", ACCOUNT, *uidls, "--delete",
                                "--password-stdin"], env=environment, cwd=REPOSITORY, stdin=subprocess.PIPE,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert process.stdin is not None
        process.stdin.write(PASSWORD_LINE.encode())
        process.stdin.close()
        deadline = time.monotonic() + 60
        pause = threading.Event()
        while process.poll() is None and time.monotonic() < deadline:
            if commands_since(server, sessions_before).count(anchor) >= count:
                break
            pause.wait(0.002)
        try:
            process.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
        return process.wait(30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(30)


@pytest.mark.slow
@pytest.mark.timeout(60 + 20 * KILLS)
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is a POSIX signal")
def test_kill_9_during_execution_deletes_nothing_unstored_and_nothing_unmarked(
        environment: dict[str, str], server: FakePop3Server) -> None:
    rng = random.Random(int(os.environ.get("POPLARK_REMOTE_KILL9_SEED", "18")))
    originals = dict(server.mailbox.messages)
    marked: set[str] = set()
    server.faults = SLOW
    killed = 0
    for iteration in range(KILLS):
        fresh = [server.add_message(message(100 * iteration + index)) for index in range(PER_ROUND)]
        originals.update((uidl, raw) for uidl, raw in server.mailbox.messages if uidl in fresh)
        chosen = rng.sample(fresh, MARKED_PER_ROUND)
        marked.update(chosen)
        # Half the kills land in the download, half in the DELE phase (or just after QUIT).
        anchor, count = ("RETR", rng.randint(1, MARKED_PER_ROUND)) if iteration % 2 == 0 else ("DELE", 1)
        code = run_and_kill(environment, chosen, server, anchor, count, rng.uniform(0, 0.1))
        killed += code == -signal.SIGKILL
        assert code in (EXIT_OK, -signal.SIGKILL), f"iteration {iteration}: exit {code}"
        assert server.wait_until_idle(15)
        held = stored(environment)
        for uidl, digest in held.items():
            assert digest == hashlib.sha256(originals[uidl]).hexdigest(), uidl
        with server.mailbox.lock:
            deleted = set(server.mailbox.deleted_uidls)
        assert deleted <= set(held), f"iteration {iteration}: deleted unstored {sorted(deleted - set(held))}"
        assert deleted <= marked, f"iteration {iteration}: deleted unmarked {sorted(deleted - marked)}"
    assert killed >= KILLS // 2
    # A last run finishes every mark still on the server; the unmarked stay.
    server.faults = Faults()
    left = [uidl for uidl in server.mailbox.current_uidls() if uidl in marked]
    if left:
        assert remote(environment, "fetch", ACCOUNT, *left, "--delete").returncode == EXIT_OK
    assert set(server.mailbox.current_uidls()) == set(originals) - marked
    assert set(stored(environment)) == marked
