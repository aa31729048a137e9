"""Two processes fetch one account at once: the second says "busy" and stores nothing twice.

The first fetch (the CLI, or the desktop app's start-up check) is held in the middle of its session
by a server that answers each RETR slowly. A second ``poplark fetch`` of the same account meanwhile
must exit with the temporary code (75) and a sentence, without even connecting: the account lock
(app/core/locking.py) is taken before the session starts. The first fetch then completes and every
message is stored exactly once.
"""

from __future__ import annotations

import collections
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import EXIT_TEMPORARY
from tests.conftest import REPOSITORY, run_cli
from tests.fakes.certs import TestCertificates
from tests.fakes.pop3_server import DEFAULT_PASSWORD, FakePop3Server, Faults
from tests.fakes.waiting import wait_until

ACCOUNT = "shared"
MESSAGE_COUNT = 10
# Long enough for a second Python process to start and try while the first still downloads
# (10 x 0.4 s); the first fetch is never slower than that plus its start-up.
SLOW_RETR = Faults(slow_reply_seconds=0.4, slow_verbs={"RETR"})
TIMEOUT_SECONDS = 90.0
POLL_SECONDS = 0.02


def message(number: int) -> bytes:
    return (f"From: sender{number}@example.com\r\nTo: alice@example.com\r\n"
            f"Subject: two processes {number}\r\n\r\nbody {number}\r\n").encode("ascii")


def retr_seen(server: FakePop3Server) -> bool:
    with server.mailbox.lock:
        return any(line.startswith("RETR") for session in server.mailbox.commands for line in session)


def start_first_fetch(kind: str, environment: dict[str, str], tmp_path: Path) -> subprocess.Popen[bytes]:
    if kind == "cli":
        command = [sys.executable, "-m", "app", "fetch", ACCOUNT, "--quiet"]
        extra: dict[str, str] = {}
    else:  # the desktop app, whose start-up check fetches every account at once
        command = [sys.executable, "-m", "tests.ui.gui_driver"]
        extra = {"POPLARK_TEST_QUIT_AFTER_FETCH": "1", "POPLARK_TEST_MARKER": str(tmp_path / "gui.txt"),
                 "XDG_CONFIG_HOME": str(tmp_path / "config"), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.Popen(command, env=dict(environment, **extra), cwd=REPOSITORY,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.mark.parametrize("first_kind", ["cli", "gui"])
def test_a_second_fetch_of_the_same_account_says_busy_and_stores_nothing_twice(
        first_kind: str, cli_environment: dict[str, str], certificates: TestCertificates,
        tmp_path: Path) -> None:
    originals = [message(number) for number in range(MESSAGE_COUNT)]
    server = FakePop3Server(originals, mode="tls", ssl_context=certificates.server_context(), faults=SLOW_RETR)
    with server:
        added = run_cli(cli_environment, "account", "add", ACCOUNT, "--host", "127.0.0.1",
                        "--port", str(server.address[1]), "--security", "tls", "--user", "alice",
                        "--ca-file", str(certificates.ca_pem), "--password-stdin",
                        input_text=DEFAULT_PASSWORD + "\n")
        assert added.returncode == 0, added.stderr
        first = start_first_fetch(first_kind, cli_environment, tmp_path)
        try:
            wait_until(lambda: retr_seen(server) or first.poll() is not None, TIMEOUT_SECONDS, "the first RETR")
            assert first.poll() is None, "the first fetch ended before the test could overlap it"

            second = run_cli(cli_environment, "fetch", ACCOUNT, "--quiet", timeout=TIMEOUT_SECONDS)

            still_downloading = first.poll() is None
            sessions_during = server.mailbox.sessions
            first_output, first_errors = first.communicate(timeout=TIMEOUT_SECONDS)
        finally:
            if first.poll() is None:
                first.kill()
                first.communicate(timeout=30)
        assert server.wait_until_idle(30)
        remaining = server.mailbox.current_uidls()

    assert still_downloading, "the second fetch must have run while the first was downloading"
    assert second.returncode == EXIT_TEMPORARY, second.stderr
    assert "already being fetched by another Poplark window or command" in second.stderr
    assert "try again when that fetch has finished" in second.stderr
    assert "Traceback" not in second.stderr
    assert sessions_during == 1, "the second fetch must not even connect"
    assert first.returncode == 0, first_errors.decode("utf-8", "replace")
    if first_kind == "cli":
        assert f"{MESSAGE_COUNT} new message(s)" in first_output.decode()
    else:
        assert (tmp_path / "gui.txt").read_text().splitlines()[-1] == f"fetched {ACCOUNT} {MESSAGE_COUNT}"
    assert remaining == []  # delete-after-download: everything was stored, so everything left
    listed = run_cli(cli_environment, "list", "--json", "--account", ACCOUNT)
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert collections.Counter(row["sha256"] for row in rows) == collections.Counter(
        hashlib.sha256(raw).hexdigest() for raw in originals)
