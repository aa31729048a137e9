"""A no-op check (``poplark fetch`` with nothing new) starts no thread and no process: the store
writer, the new-mail sorter (junk filter and rules) and the search indexer beside the fetch start
with the first group of mail only (issue 12: the no-op check is start-up, one session, exit).

In-process, against the fake POP3 server on 127.0.0.1, with a real store file; the thread and
process starts are recorded on their way through.
"""

from __future__ import annotations

import io
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from app import cli
from app.cli.presenter import EXIT_OK
from app.core.model import Account, LeaveMode, Security, ServerPolicy
from app.core.store import Profile, Store
from tests.fakes.pop3_server import DEFAULT_PASSWORD, DEFAULT_USER, FakePop3Server, crlf

MESSAGES = [crlf(f"From: sender{index}@example.com\nSubject: message {index}\n\nline {index}\n")
            for index in range(1, 4)]


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the threads and programs Poplark starts from now on (they start as usual)."""
    names: list[str] = []
    start_thread = threading.Thread.start
    popen_init = subprocess.Popen.__init__

    def recording_start(thread: threading.Thread) -> None:
        if not thread.name.endswith("(process_request_thread)"):  # the fake server's, per connection
            names.append(thread.name)
        start_thread(thread)

    def recording_popen(process: subprocess.Popen[Any], arguments: Any, *rest: Any, **options: Any) -> None:
        names.append(f"process {arguments!r}")
        popen_init(process, arguments, *rest, **options)

    monkeypatch.setattr(threading.Thread, "start", recording_start)
    monkeypatch.setattr(subprocess.Popen, "__init__", recording_popen)
    return names


def fetch(profile: Profile, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> str:
    monkeypatch.setattr(sys, "stdin", io.StringIO(DEFAULT_PASSWORD + "\n"))
    assert cli.main(["--profile", str(profile.directory), "fetch", "work", "--password-stdin", "--quiet"]) == EXIT_OK
    return capsys.readouterr().out


def test_a_check_with_nothing_new_starts_no_thread_and_no_process(
        tmp_path: Path, started: list[str], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    profile = Profile(tmp_path / "profile").ensure()
    with FakePop3Server(MESSAGES) as server:
        with Store.open(profile) as store:
            store.add_account(Account(name="work", host="127.0.0.1", port=server.address[1], security=Security.NONE,
                                      user=DEFAULT_USER, allow_insecure_auth=True, timeout_seconds=5.0,
                                      remember_password=False, policy=ServerPolicy(LeaveMode.KEEP_FOREVER)))
        assert "3 new message(s)" in fetch(profile, monkeypatch, capsys)
        assert {"poplark-store-writer", "poplark-new-mail"} <= set(started)  # with mail, they run
        started.clear()
        assert "0 new message(s), 3 on the server" in fetch(profile, monkeypatch, capsys)
        assert started == []
