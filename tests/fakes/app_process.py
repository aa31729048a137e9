"""The desktop app as a separate process on a profile, driven through its own actions.

Starts ``tests.ui.gui_driver`` (the real ``poplark`` entry point with reporting hooks) with
``POPLARK_TEST_COMMANDS=1``, sends it commands on standard input and waits, with a deadline, for
the lines it notes in its marker file. Also reads ``/proc/<pid>/fd`` to see which of the store's
files the process holds, and whether any of them was deleted under it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from tests.conftest import REPOSITORY

POLL_SECONDS = 0.02
START_TIMEOUT_SECONDS = 60.0
#: Lines that mean the app ran into a failure a user would have seen.
FAILURE_PREFIXES = ("fetch-failed", "read-failed", "store-failure", "command-error")


class AppProcess:
    """One running desktop app on ``environment``'s profile (``POPLARK_HOME``)."""

    def __init__(self, environment: dict[str, str], marker: Path) -> None:
        self.marker = marker
        self.environment = dict(environment, QT_QPA_PLATFORM="offscreen", POPLARK_TEST_COMMANDS="1",
                                POPLARK_TEST_MARKER=str(marker))
        self.process: subprocess.Popen[str] | None = None
        self.stderr_path = marker.with_suffix(".stderr")

    def start(self) -> AppProcess:
        with open(self.stderr_path, "w", encoding="utf-8") as stderr:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tests.ui.gui_driver", "--profile", self.environment["POPLARK_HOME"]],
                env=self.environment, cwd=REPOSITORY, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                stderr=stderr, text=True)
        self.wait_for(lambda line: line == "listening", START_TIMEOUT_SECONDS)
        return self

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def lines(self) -> list[str]:
        try:
            return self.marker.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []

    def send(self, command: str) -> int:
        """Send one command; return how many marker lines there were before it (for wait_for)."""
        assert self.process is not None and self.process.stdin is not None
        before = len(self.lines())
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return before

    def wait_for(self, wanted: Callable[[str], bool], timeout: float, after: int = 0) -> str:
        """The first marker line from index ``after`` on that is ``wanted``; fails after ``timeout``."""
        deadline = time.monotonic() + timeout
        while True:
            for line in self.lines()[after:]:
                if wanted(line):
                    return line
            if self.process is not None and self.process.poll() is not None:
                raise AssertionError(f"the app ended (exit {self.process.returncode}): {self.stderr_tail()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"no wanted line within {timeout} s; the app noted:\n"
                                     + "\n".join(self.lines()[after:]) + "\n" + self.stderr_tail())
            time.sleep(POLL_SECONDS)

    def run(self, command: str, timeout: float = 60.0) -> str:
        """Send ``command`` and wait until the app noted it done (or failed to do it)."""
        before = self.send(command)
        return self.wait_for(lambda line: line in (f"done {command}",) or line.startswith(
            f"command-error {command}"), timeout, before)

    def failures(self) -> list[str]:
        return [line for line in self.lines() if line.startswith(FAILURE_PREFIXES)]

    def store_files(self) -> list[str]:
        """The targets of the process's open descriptors on the profile's database files."""
        database = os.path.realpath(Path(self.environment["POPLARK_HOME"]) / "poplark.sqlite3")
        found = []
        for descriptor in os.listdir(f"/proc/{self.pid}/fd"):
            try:
                target = os.readlink(f"/proc/{self.pid}/fd/{descriptor}")
            except OSError:  # closed meanwhile
                continue
            if target.startswith(database):
                found.append(target)
        return found

    def deleted_store_files(self) -> list[str]:
        """Store files the process still holds although they were deleted: the bug of issue 10."""
        return [target for target in self.store_files() if target.endswith(" (deleted)")]

    def stderr_tail(self, characters: int = 3000) -> str:
        try:
            return self.stderr_path.read_text(encoding="utf-8", errors="replace")[-characters:]
        except FileNotFoundError:
            return ""

    def stop(self, timeout: float = 30.0) -> int:
        """Quit through the window (as File > Quit does); kill only if it does not end in time."""
        assert self.process is not None
        if self.process.poll() is None:
            try:
                self.send("quit")
                return self.process.wait(timeout)
            except (BrokenPipeError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait(timeout)
        return self.process.returncode
