"""Crash test: ``kill -9`` a running ``poplark fetch`` at random moments, then check nothing was lost.

DESIGN.md invariants 1-4 under the harshest interruption there is: the process gets SIGKILL while it
starts, connects, logs in, lists, downloads, commits, deletes or quits. Between kills the fake server
behaves like a real one: its mailbox persists, and a killed session applies no deletions (only a
QUIT that arrived does). After the kills one fetch runs to the end, and then

- every message ever delivered is stored exactly once (by UIDL and by SHA-256 multiset),
- every stored message is byte-exact to the one the server holds under that UIDL,
- the server is empty (delete-after-download mode),

and after every single kill no message was deleted on the server without being stored first.

Kill moments: each iteration draws from its own ``random.Random(seed)``. The timeline of a run is
measured once on a separate calibration server (start-up to login and listing, then so much per
message downloaded), and every ``STRATA`` iterations cover the whole run once:

- a kill at a random moment of start-up (Python starting, the store opening, maybe connecting);
- a kill at a random moment after the server accepts the connection, in the TLS handshake,
  greeting, CAPA, AUTH, LIST or UIDL (slowed down for that run so the phase lasts 0.2 s);
- kills stratified over the download, each at a random moment of its slice;
- a kill at a random moment after the server sees the first DELE (DELE is slowed down for that run
  so the phase lasts a second or so), landing in DELE, QUIT, the client's last commit, or after a
  clean exit.

Before each run the mailbox is topped up with fresh messages so that every run has a full download
ahead of it (stored messages are never downloaded again, so without top-ups later runs would be too
short to interrupt).

``POPLARK_KILL9_ITERATIONS`` (default 8) sets the number of kills; soak runs ask for 50 or more.
"""

from __future__ import annotations

import base64
import collections
import enum
import hashlib
import json
import math
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPOSITORY, run_cli
from tests.fakes.certs import TestCertificates
from tests.fakes.keyrings import FILE_VARIABLE
from tests.fakes.pop3_server import DEFAULT_PASSWORD, FakePop3Server, Faults

ITERATIONS = int(os.environ.get("POPLARK_KILL9_ITERATIONS", "8"))
# Messages waiting to be downloaded at the start of every run (the first delivery, then top-ups).
PENDING_PER_RUN = 120
SMALLEST_MESSAGE_OCTETS = 2_000
LARGEST_MESSAGE_OCTETS = 200_000
# Every fifth message carries the bytes a careless client mangles (see TRICKY_LINES).
TRICKY_EVERY = 5
# A slow RETR stretches the download to a few seconds. The engine commits every second
# (COMMIT_EVERY_SECONDS), so the download must last well beyond one second for kills to land after
# a commit and before the end: with 0.01 s the window was a few tenths of a second, with 0.02 s it
# holds about half of the kill moments.
SLOW_REPLY_SECONDS = 0.02
FAULTS = Faults(slow_reply_seconds=SLOW_REPLY_SECONDS, slow_verbs={"RETR"})
# Kill plans, by iteration number modulo STRATA: 0 start-up, 1 login, 2 .. STRATA - 2 one slice
# each of the download, STRATA - 1 the DELE phase. The download and DELE windows stretch by
# OVERSHOOT so that some kills come after the end.
STRATA = 8
FIRST_DOWNLOAD_STRATUM = 2
DOWNLOAD_SLICES = STRATA - 1 - FIRST_DOWNLOAD_STRATUM
OVERSHOOT = 1.15
# For the login kill: the greeting-to-listing steps take under 10 ms on loopback, too short to aim
# at, so in that run each of them (CAPA, AUTH, CAPA again, LIST, UIDL) takes this long.
LOGIN_PHASE_FAULTS = Faults(slow_reply_seconds=0.04, slow_verbs={"CAPA", "AUTH", "LIST", "UIDL"})
LOGIN_PHASE_SECONDS = 5 * LOGIN_PHASE_FAULTS.slow_reply_seconds
# For the DELE-phase kill: every DELE takes this long, so that the phase lasts a second or more.
DELE_PHASE_FAULTS = Faults(slow_reply_seconds=0.005, slow_verbs={"DELE"})
ACCOUNT = "crash"
# Any seed works; this one gives the default eight kills one moment in each phase on a typical machine.
SEED = 2024
CLI_TIMEOUT_SECONDS = 120.0
REAP_TIMEOUT_SECONDS = 30.0
POLL_SECONDS = 0.002
SERVER_IDLE_TIMEOUT_SECONDS = 15.0
PASSWORD_LINE = (DEFAULT_PASSWORD + "\n").encode("utf-8")

TRICKY_LINES = (
    b".a line starting with a dot",
    b".",
    b"..two dots",
    b"nul \x00 inside and a bare \r carriage return",
    b"8-bit \xe4\xf6\xfc\xff\x80\x81 and GBK \xbb\xe1\xd2\xe9",
    b"From a line that mbox would have to quote",
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(180 + 40 * ITERATIONS),
    pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is a POSIX signal"),
]


# -- messages ------------------------------------------------------------------------------------

def make_message(number: int, rng: random.Random) -> bytes:
    """A unique message of a log-uniform size between 2 KB and 200 KB, every line ending in CRLF."""
    size = int(math.exp(rng.uniform(math.log(SMALLEST_MESSAGE_OCTETS), math.log(LARGEST_MESSAGE_OCTETS))))
    sent = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(minutes=number)
    header = (
        f"From: Sender {number} <sender{number}@example.com>\r\n"
        "To: alice@example.com\r\n"
        f"Subject: crash test message {number}\r\n"
        f"Date: {format_datetime(sent)}\r\n"
        f"Message-ID: <{number}.{rng.getrandbits(64):016x}@kill9.example>\r\n"
        "\r\n"
    ).encode("ascii")
    lines: list[bytes] = []
    if number % TRICKY_EVERY == 0:
        lines.extend(TRICKY_LINES)
    body_octets = max(0, size - len(header))
    text = base64.b64encode(rng.randbytes(body_octets * 3 // 4 + 3))[:body_octets]
    position = 0
    while position < len(text):
        # Mostly 76-column lines, now and then an empty one or one longer than poplib's 2048 limit.
        width = rng.choice((76, 76, 76, 76, 0, 1, 998, 3000))
        lines.append(text[position:position + width])
        position += width
    if number % TRICKY_EVERY == 0:
        lines.insert(len(lines) // 2, b"." + rng.randbytes(40).translate(_NO_LINE_BREAKS))
    return header + b"".join(line + b"\r\n" for line in lines)


# Random 8-bit bytes may contain anything but a line ending (the fake's byte contract).
_NO_LINE_BREAKS = bytes(range(256)).replace(b"\r", b"R").replace(b"\n", b"N")


@dataclass
class MessageSource:
    """Delivers fresh, unique messages to a server and remembers each one by its UIDL."""

    seed: int
    originals: dict[str, bytes] = field(default_factory=dict)
    delivered: int = 0

    def deliver(self, server: FakePop3Server, count: int) -> None:
        for _ in range(count):
            self.delivered += 1
            raw = make_message(self.delivered, random.Random(self.seed * 1_000_003 + self.delivered))
            self.originals[server.add_message(raw)] = raw


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# -- driving the command line ----------------------------------------------------------------------

def add_account(environment: dict[str, str], certificates: TestCertificates, server: FakePop3Server) -> None:
    result = run_cli(environment, "account", "add", ACCOUNT, "--host", "127.0.0.1",
                     "--port", str(server.address[1]), "--security", "tls", "--user", "alice",
                     "--ca-file", str(certificates.ca_pem), "--password-stdin",
                     input_text=DEFAULT_PASSWORD + "\n", timeout=CLI_TIMEOUT_SECONDS)
    assert result.returncode == 0, result.stderr


def fetch_to_the_end(environment: dict[str, str]) -> str:
    result = run_cli(environment, "fetch", ACCOUNT, "--password-stdin", input_text=DEFAULT_PASSWORD + "\n",
                     timeout=CLI_TIMEOUT_SECONDS)
    assert result.returncode == 0, result.stderr
    return result.stdout


def stored_rows(environment: dict[str, str]) -> list[dict[str, Any]]:
    result = run_cli(environment, "list", "--json", "--account", ACCOUNT, timeout=CLI_TIMEOUT_SECONDS)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


@dataclass(frozen=True)
class RunResult:
    returncode: int
    stderr: bytes


def fetch_and_kill(environment: dict[str, str], delay: float,
                   anchor: Callable[[], bool] | None = None) -> RunResult:
    """Start ``poplark fetch``; SIGKILL it ``delay`` seconds after ``anchor()`` first holds (after
    the start when there is no anchor), unless it has ended by then."""
    # stderr goes to a file: nobody has to read a pipe while the test waits for its moment.
    with tempfile.TemporaryFile() as stderr:
        process = subprocess.Popen([sys.executable, "-m", "app", "fetch", ACCOUNT, "--password-stdin"],
                                   env=environment, cwd=REPOSITORY, stdin=subprocess.PIPE,
                                   stdout=subprocess.DEVNULL, stderr=stderr)
        try:
            assert process.stdin is not None
            process.stdin.write(PASSWORD_LINE)  # fits the pipe buffer: read or not, it never blocks
            process.stdin.close()
            if anchor is not None:
                wait_until(lambda: anchor() or process.poll() is not None, CLI_TIMEOUT_SECONDS)
            try:
                process.wait(timeout=delay)
            except subprocess.TimeoutExpired:
                os.kill(process.pid, signal.SIGKILL)
            process.wait(REAP_TIMEOUT_SECONDS)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(REAP_TIMEOUT_SECONDS)
        stderr.seek(0)
        return RunResult(process.returncode, stderr.read())


def wait_until(condition: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        pause.wait(POLL_SECONDS)


# -- timing ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Calibration:
    """How long a run takes here: a fixed start-up cost plus a cost per message downloaded."""

    startup_seconds: float
    seconds_per_message: float

    def download_kill_delay(self, slice_number: int, rng: random.Random, pending: int) -> float:
        """A random moment of one slice of the download of ``pending`` messages, from the start."""
        fraction = (slice_number + rng.random()) / DOWNLOAD_SLICES
        return self.startup_seconds + fraction * OVERSHOOT * pending * self.seconds_per_message


def calibrate(cli_environment: dict[str, str], certificates: TestCertificates, tmp_path: Path) -> Calibration:
    """Time a full and an empty fetch of the same workload in a separate profile and mailbox."""
    environment = dict(cli_environment, POPLARK_HOME=str(tmp_path / "calibration-profile"))
    environment[FILE_VARIABLE] = str(tmp_path / "calibration-keyring.json")
    server = FakePop3Server(mode="tls", ssl_context=certificates.server_context(), faults=FAULTS)
    with server:
        MessageSource(seed=SEED - 1).deliver(server, PENDING_PER_RUN)
        add_account(environment, certificates, server)
        started = time.monotonic()
        assert f"{PENDING_PER_RUN} new message(s)" in fetch_to_the_end(environment)
        full = time.monotonic() - started
        assert server.wait_until_idle(SERVER_IDLE_TIMEOUT_SECONDS)
        assert server.mailbox.current_uidls() == []
        started = time.monotonic()
        assert "0 new message(s)" in fetch_to_the_end(environment)
        empty = time.monotonic() - started
    return Calibration(startup_seconds=empty, seconds_per_message=max(full - empty, 0.1) / PENDING_PER_RUN)


class Anchor(enum.Enum):
    """What a kill delay counts from."""

    START = "start"  # the process was started
    CONNECTION = "connection"  # the server accepted a connection from it
    FIRST_DELE = "first DELE"  # the server received its first DELE


@dataclass(frozen=True)
class KillPlan:
    anchor: Anchor
    delay: float  # seconds after the anchor
    faults: Faults  # how the server behaves during this run


def kill_plan(iteration: int, calibration: Calibration, pending: int, on_server: int) -> KillPlan:
    """Where iteration ``iteration`` kills, drawn from a random generator seeded for it alone."""
    rng = random.Random(SEED + iteration)
    stratum = iteration % STRATA
    if stratum == 0:
        return KillPlan(Anchor.START, rng.uniform(0, calibration.startup_seconds), FAULTS)
    if stratum == 1:
        return KillPlan(Anchor.CONNECTION, rng.uniform(0, LOGIN_PHASE_SECONDS), LOGIN_PHASE_FAULTS)
    if stratum < STRATA - 1:
        delay = calibration.download_kill_delay(stratum - FIRST_DOWNLOAD_STRATUM, rng, pending)
        return KillPlan(Anchor.START, delay, FAULTS)
    # Every message on the server gets a DELE in this mode: the ones stored before and the new ones.
    dele_phase_seconds = on_server * DELE_PHASE_FAULTS.slow_reply_seconds
    return KillPlan(Anchor.FIRST_DELE, rng.uniform(0, OVERSHOOT * dele_phase_seconds), DELE_PHASE_FAULTS)


def anchor_reached(anchor: Anchor, server: FakePop3Server, sessions_before: int) -> Callable[[], bool]:
    def reached() -> bool:
        with server.mailbox.lock:
            sessions = server.mailbox.commands[sessions_before:]
            if anchor is Anchor.CONNECTION:
                return bool(sessions)
            return any(line.startswith("DELE ") for session in sessions for line in session)

    return reached


# -- what the server saw ---------------------------------------------------------------------------

_PHASES = {"CAPA": "login", "AUTH": "login", "USER": "login", "PASS": "login", "APOP": "login",
           "STAT": "listing", "LIST": "listing", "UIDL": "listing", "TOP": "listing",
           "RETR": "download", "DELE": "delete", "QUIT": "quit", "RSET": "abort", "NOOP": "other"}


def phase_reached(server: FakePop3Server, sessions_before: int) -> str:
    """The last step the server saw from the sessions opened since ``sessions_before``."""
    with server.mailbox.lock:
        sessions = server.mailbox.commands[sessions_before:]
    if not sessions:
        return "start-up"
    last_session = sessions[-1]
    if not last_session:
        return "tls/greeting"
    verb = last_session[-1].split(" ", 1)[0].upper()
    return _PHASES.get(verb, "login")  # anything else is a SASL continuation line


@dataclass(frozen=True)
class KillOutcome:
    iteration: int
    plan: KillPlan
    phase: str
    returncode: int
    stored_before: int
    stored_after: int
    pending_before: int

    @property
    def killed(self) -> bool:
        return self.returncode == -signal.SIGKILL

    @property
    def mid_download(self) -> bool:
        """Killed after some of this run's downloads were committed, before all of them were."""
        newly_stored = self.stored_after - self.stored_before
        return self.killed and 0 < newly_stored < self.pending_before

    def __str__(self) -> str:
        return (f"#{self.iteration}: kill {self.plan.delay:.2f}s after {self.plan.anchor.value}: "
                f"rc={self.returncode}, last step {self.phase}, "
                f"stored {self.stored_before}->{self.stored_after} of {self.pending_before} pending")


def check_store(rows: list[dict[str, Any]], source: MessageSource, server: FakePop3Server,
                context: str) -> set[str]:
    """Invariants that must hold after any kill; returns the stored UIDLs."""
    counts = collections.Counter(row["uidl"] for row in rows)
    duplicates = {uidl: count for uidl, count in counts.items() if count > 1}
    assert not duplicates, f"{context}: stored more than once: {duplicates}"
    for row in rows:
        assert row["uidl"] in source.originals, f"{context}: unknown UIDL {row['uidl']!r}"
        assert row["sha256"] == sha256(source.originals[row["uidl"]]), f"{context}: {row['uidl']} differs"
    stored = set(counts)
    with server.mailbox.lock:
        deleted = set(server.mailbox.deleted_uidls)
    # Invariant 1: a message leaves the server only after its commit.
    assert deleted <= stored, f"{context}: deleted on the server but never stored: {sorted(deleted - stored)}"
    return stored


def exported_by_id(environment: dict[str, str], folder: Path) -> Iterator[tuple[int, bytes]]:
    result = run_cli(environment, "export", "--account", ACCOUNT, "--format", "eml", str(folder),
                     timeout=CLI_TIMEOUT_SECONDS)
    assert result.returncode == 0, result.stderr
    for path in folder.iterdir():
        yield int(path.stem), path.read_bytes()


# -- the test -------------------------------------------------------------------------------------

def test_kill_9_during_fetch_loses_nothing_and_duplicates_nothing(
        cli_environment: dict[str, str], certificates: TestCertificates, tmp_path: Path) -> None:
    calibration = calibrate(cli_environment, certificates, tmp_path)
    source = MessageSource(seed=SEED)
    server = FakePop3Server(mode="tls", ssl_context=certificates.server_context(), faults=FAULTS)
    outcomes: list[KillOutcome] = []
    with server:
        add_account(cli_environment, certificates, server)
        stored = check_store(stored_rows(cli_environment), source, server, "before the first run")
        for iteration in range(ITERATIONS):
            pending = len(set(server.mailbox.current_uidls()) - stored)
            source.deliver(server, max(0, PENDING_PER_RUN - pending))
            on_server = set(server.mailbox.current_uidls())
            pending = len(on_server - stored)
            plan = kill_plan(iteration, calibration, pending, len(on_server))
            sessions_before = server.mailbox.sessions
            server.faults = plan.faults  # read by each new session
            anchor = None if plan.anchor is Anchor.START else anchor_reached(plan.anchor, server, sessions_before)

            run = fetch_and_kill(cli_environment, plan.delay, anchor)

            # A killed client's session ends when the server reads EOF; that releases the fake's
            # maildrop lock, so the next run cannot meet [IN-USE] from its dead predecessor.
            assert server.wait_until_idle(SERVER_IDLE_TIMEOUT_SECONDS), f"#{iteration}: server still busy"
            assert run.returncode in (0, -signal.SIGKILL), (
                f"#{iteration}: fetch failed by itself: {run.stderr.decode('utf-8', 'replace')}")
            now_stored = check_store(stored_rows(cli_environment), source, server, f"after kill #{iteration}")
            outcomes.append(KillOutcome(iteration, plan, phase_reached(server, sessions_before),
                                        run.returncode, len(stored), len(now_stored), pending))
            stored = now_stored

        server.faults = FAULTS
        summary = "\n".join(map(str, outcomes))
        print(f"\n{calibration}\n{summary}")
        final = fetch_to_the_end(cli_environment)
        assert server.wait_until_idle(SERVER_IDLE_TIMEOUT_SECONDS)
        remaining = server.mailbox.current_uidls()
        deleted = set(server.mailbox.deleted_uidls)
        assert server.handler_errors == []

    assert remaining == [], f"the server still holds {len(remaining)} message(s): {final}"
    assert deleted == set(source.originals)
    rows = stored_rows(cli_environment)
    check_store(rows, source, server, "after the final fetch")
    assert collections.Counter(row["uidl"] for row in rows) == collections.Counter(source.originals.keys())
    assert collections.Counter(row["sha256"] for row in rows) == collections.Counter(
        sha256(raw) for raw in source.originals.values())
    uidl_by_id = {row["id"]: row["uidl"] for row in rows}
    exported = dict(exported_by_id(cli_environment, tmp_path / "exported"))
    assert exported.keys() == uidl_by_id.keys()
    for message_id, raw in exported.items():
        assert raw == source.originals[uidl_by_id[message_id]], f"message {message_id} is not byte-exact"

    assert sum(outcome.killed for outcome in outcomes) >= ITERATIONS // 2, summary
    assert any(outcome.mid_download for outcome in outcomes), (
        f"no kill interrupted a download in progress; the timing assumptions are off:\n{summary}")
