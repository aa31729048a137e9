"""Crash test: ``kill -9`` a running fetch, of the CLI and of the desktop app, at many random moments.

docs/architecture.md, invariants 1-4 under the harshest interruption there is: the process gets SIGKILL while it
starts, connects, logs in, lists, downloads, commits, deletes or quits. The fake server behaves like
a real one: its mailbox persists, and a killed session applies no deletions (only a QUIT that
arrived does). After every kill

- the store holds no message twice and every stored message is byte-exact (SHA-256 against the
  message the server holds under that UIDL), and no message left the server without being stored;
- a rerun (``poplark fetch``, run in this process through ``app.cli.main`` to save a Python start-up
  per kill) completes: the server is then empty (delete-after-download), every message ever
  delivered is stored exactly once, and ``PRAGMA integrity_check`` says ``ok``.

At the end the store is exported and compared byte for byte with everything delivered.

Kill moments come from ``random.Random(seed)``; the seed is printed and taken from
``POPLARK_KILL9_SEED`` when set (a failure names it: rerun with it to aim at the same moments; the
timing of the processes still varies a little). Each run of ``STRATA`` iterations covers the whole
session once, each kill at a random point of its part:

- start-up (Python and Qt starting, the store opening), up to the usual time to connect;
- the TLS handshake, greeting, CAPA, AUTH, LIST and UIDL (slowed for that run to last 0.2 s);
- five slices of the download, each kill just after the server received a random RETR of its
  slice (RETR is slow so that the download outlasts the engine's one-second group commit; in the
  first three slices, which end before that commit anyway, it is faster to save time);
- the DELE phase (DELE slowed for that run) and the moments after QUIT (the last commit, the exit).

Before each run the mailbox is topped up with fresh messages, so every run has a download ahead.

``POPLARK_KILL9_ITERATIONS`` (default 50) kills of the CLI and ``POPLARK_KILL9_GUI_ITERATIONS``
(default 50) of the GUI: at least 50 points per process per run. Soak runs ask for more.
"""

from __future__ import annotations

import base64
import collections
import contextlib
import enum
import hashlib
import io
import math
import os
import random
import secrets
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from app import cli
from app.core.store.profile import DATABASE_FILE_NAME
from tests.conftest import REPOSITORY, run_cli
from tests.fakes.certs import TestCertificates
from tests.fakes.pop3_server import DEFAULT_PASSWORD, FakePop3Server, Faults

SEED = int(os.environ.get("POPLARK_KILL9_SEED") or secrets.randbelow(2**31))
CLI_KILLS = int(os.environ.get("POPLARK_KILL9_ITERATIONS", "50"))
GUI_KILLS = int(os.environ.get("POPLARK_KILL9_GUI_ITERATIONS", "50"))
# Messages waiting to be downloaded at the start of every run (fresh ones are added before each).
PENDING_PER_RUN = 30
SMALLEST_MESSAGE_OCTETS = 2_000
LARGEST_MESSAGE_OCTETS = 60_000
# Every fifth message carries the bytes a careless client mangles (see TRICKY_LINES).
TRICKY_EVERY = 5
# 30 slow RETRs last about 1.4 s: several times COMMIT_EVERY_SECONDS (0.25 s), so kills land
# between group commits and before the end of the download.
RETR_SECONDS = 0.045
FAULTS = Faults(slow_reply_seconds=RETR_SECONDS, slow_verbs={"RETR"})
# The first three slices end before that first commit whatever the pace: a faster RETR there saves
# about half a second per kill and aims just as well.
EARLY_SLICES = 3
EARLY_RETR_SECONDS = 0.015
EARLY_FAULTS = Faults(slow_reply_seconds=EARLY_RETR_SECONDS, slow_verbs={"RETR"})
# For the login kill: greeting-to-listing takes a few ms on loopback, too short to aim at.
LOGIN_PHASE_FAULTS = Faults(slow_reply_seconds=0.04, slow_verbs={"CAPA", "AUTH", "LIST", "UIDL"})
LOGIN_PHASE_SECONDS = 5 * LOGIN_PHASE_FAULTS.slow_reply_seconds
# For the DELE-phase kill: every DELE takes this long (about half a second for a run).
DELE_PHASE_FAULTS = Faults(slow_reply_seconds=0.02, slow_verbs={"DELE"})
AFTER_QUIT_SECONDS = 0.15
OVERSHOOT = 1.15
STRATA = 9
DOWNLOAD_SLICES = 5
# First guesses of the time from process start to the server's accept; replaced by measurements.
CONNECT_GUESS_SECONDS = {"cli": 0.4, "gui": 1.2}
ACCOUNT = "crash"
PROCESS_TIMEOUT_SECONDS = 60.0
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
    pytest.mark.timeout(120 + 10 * (CLI_KILLS + GUI_KILLS)),
    pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is a POSIX signal"),
]


# -- messages ------------------------------------------------------------------------------------

def make_message(number: int, rng: random.Random) -> bytes:
    """A unique message of a log-uniform size, every line ending in CRLF."""
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


# -- the profile -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Profile:
    environment: dict[str, str]

    @property
    def directory(self) -> str:
        return self.environment["POPLARK_HOME"]

    @property
    def database(self) -> Path:
        return Path(self.directory) / DATABASE_FILE_NAME

    def add_account(self, certificates: TestCertificates, server: FakePop3Server) -> None:
        result = run_cli(self.environment, "account", "add", ACCOUNT, "--host", "127.0.0.1",
                         "--port", str(server.address[1]), "--security", "tls", "--user", "alice",
                         "--ca-file", str(certificates.ca_pem), "--password-stdin",
                         input_text=DEFAULT_PASSWORD + "\n", timeout=PROCESS_TIMEOUT_SECONDS)
        assert result.returncode == 0, result.stderr

    def stored(self) -> list[tuple[int, str, str]]:
        """(id, uidl, sha256) of every stored message, read straight from the file."""
        with contextlib.closing(sqlite3.connect(self.database, timeout=10)) as connection:
            return connection.execute(
                "SELECT m.id, m.uidl, m.sha256 FROM messages m JOIN accounts a ON a.id = m.account_id"
                " WHERE a.name = ?", (ACCOUNT,)).fetchall()

    def integrity(self) -> str:
        with contextlib.closing(sqlite3.connect(self.database, timeout=10)) as connection:
            return str(connection.execute("PRAGMA integrity_check").fetchone()[0])

    def rerun(self) -> tuple[int, str]:
        """``poplark fetch`` to the end, in this process: (exit code, what it printed)."""
        saved_handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
        output, errors = io.StringIO(), io.StringIO()
        saved_stdin = sys.stdin
        sys.stdin = io.StringIO(DEFAULT_PASSWORD + "\n")
        try:
            with contextlib.redirect_stdout(output), contextlib.redirect_stderr(errors):
                code = cli.main(["--profile", self.directory, "fetch", ACCOUNT, "--quiet", "--password-stdin"])
        finally:
            sys.stdin = saved_stdin
            for number, handler in saved_handlers.items():
                signal.signal(number, handler)
        return code, output.getvalue() + errors.getvalue()


def process_command(kind: str, profile: Profile) -> list[str]:
    if kind == "cli":
        return [sys.executable, "-m", "app", "fetch", ACCOUNT, "--password-stdin"]
    # The desktop app (through the test driver, which only adds reporting hooks): its start-up
    # check fetches the account at once, with the password from the (test) keyring.
    return [sys.executable, "-m", "tests.ui.gui_driver", "--profile", profile.directory]


def gui_environment(environment: dict[str, str], tmp_path: Path) -> dict[str, str]:
    return dict(environment, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "config"))


# -- kill plans -------------------------------------------------------------------------------------

class Anchor(enum.Enum):
    """What a kill delay counts from."""

    START = "start"  # the process was started
    CONNECTION = "connection"  # the server accepted a connection from it
    RETR = "RETR"  # the server received the n-th RETR of the run
    FIRST_DELE = "first DELE"  # the server received its first DELE
    QUIT = "QUIT"  # the server received QUIT


@dataclass(frozen=True)
class KillPlan:
    anchor: Anchor
    delay: float  # seconds after the anchor
    faults: Faults  # how the server behaves during this run
    retr_number: int = 0  # for Anchor.RETR

    def __str__(self) -> str:
        anchor = f"RETR #{self.retr_number}" if self.anchor is Anchor.RETR else self.anchor.value
        return f"{self.delay:.3f}s after {anchor}"


def kill_plan(rng: random.Random, iteration: int, connect_seconds: float, pending: int, on_server: int) -> KillPlan:
    stratum = iteration % STRATA
    if stratum == 0:
        return KillPlan(Anchor.START, rng.uniform(0, connect_seconds), FAULTS)
    if stratum == 1:
        return KillPlan(Anchor.CONNECTION, rng.uniform(0, OVERSHOOT * LOGIN_PHASE_SECONDS), LOGIN_PHASE_FAULTS)
    if stratum < 2 + DOWNLOAD_SLICES:
        fraction = (stratum - 2 + rng.random()) / DOWNLOAD_SLICES
        number = min(pending, 1 + int(fraction * pending))
        if stratum - 2 < EARLY_SLICES:
            return KillPlan(Anchor.RETR, rng.uniform(0, EARLY_RETR_SECONDS), EARLY_FAULTS, retr_number=number)
        return KillPlan(Anchor.RETR, rng.uniform(0, RETR_SECONDS), FAULTS, retr_number=number)
    if stratum == STRATA - 2:
        dele_phase_seconds = on_server * DELE_PHASE_FAULTS.slow_reply_seconds
        return KillPlan(Anchor.FIRST_DELE, rng.uniform(0, OVERSHOOT * dele_phase_seconds), DELE_PHASE_FAULTS)
    return KillPlan(Anchor.QUIT, rng.uniform(0, AFTER_QUIT_SECONDS), Faults())


def session_lines(server: FakePop3Server, sessions_before: int) -> list[list[str]]:
    with server.mailbox.lock:
        return [list(session) for session in server.mailbox.commands[sessions_before:]]


def anchor_reached(plan: KillPlan, server: FakePop3Server, sessions_before: int) -> bool:
    sessions = session_lines(server, sessions_before)
    if plan.anchor is Anchor.CONNECTION:
        return bool(sessions)
    verbs = [line.split(" ", 1)[0].upper() for session in sessions for line in session]
    if plan.anchor is Anchor.RETR:
        return verbs.count("RETR") >= plan.retr_number
    if plan.anchor is Anchor.FIRST_DELE:
        return "DELE" in verbs
    return "QUIT" in verbs


_PHASES = {"CAPA": "login", "AUTH": "login", "USER": "login", "PASS": "login", "APOP": "login",
           "STAT": "listing", "LIST": "listing", "UIDL": "listing", "TOP": "listing",
           "RETR": "download", "DELE": "delete", "QUIT": "quit", "RSET": "abort", "NOOP": "other"}


def phase_reached(server: FakePop3Server, sessions_before: int) -> str:
    """The last step the server saw from the sessions opened since ``sessions_before``."""
    sessions = session_lines(server, sessions_before)
    if not sessions:
        return "start-up"
    if not sessions[-1]:
        return "tls/greeting"
    verb = sessions[-1][-1].split(" ", 1)[0].upper()
    return _PHASES.get(verb, "login")  # anything else is a SASL continuation line


@dataclass(frozen=True)
class KillOutcome:
    kind: str
    iteration: int
    plan: KillPlan
    phase: str
    returncode: int
    stored_before: int
    stored_after: int
    pending: int

    @property
    def killed(self) -> bool:
        return self.returncode == -signal.SIGKILL

    @property
    def mid_download(self) -> bool:
        """Killed after some of this run's downloads were committed, before all of them were."""
        return self.killed and 0 < self.stored_after - self.stored_before < self.pending

    def __str__(self) -> str:
        return (f"{self.kind} #{self.iteration}: kill {self.plan}: rc={self.returncode}, last step "
                f"{self.phase}, stored {self.stored_after - self.stored_before} of {self.pending} pending")


# -- running and killing ---------------------------------------------------------------------------

@dataclass
class Timeline:
    """Seconds from process start to the server's accept, as measured in this run."""

    samples: list[float] = field(default_factory=list)

    def connect_seconds(self, kind: str) -> float:
        return statistics.median(self.samples) if self.samples else CONNECT_GUESS_SECONDS[kind]


def run_and_kill(command: list[str], environment: dict[str, str], plan: KillPlan, server: FakePop3Server,
                 sessions_before: int, timeline: Timeline) -> tuple[int, bytes]:
    """Start ``command``, SIGKILL it at ``plan`` unless it ended by then; (exit status, stderr)."""
    # stderr goes to a file: nobody has to read a pipe while the test waits for its moment.
    with tempfile.TemporaryFile() as stderr:
        started = time.monotonic()
        process = subprocess.Popen(command, env=environment, cwd=REPOSITORY, stdin=subprocess.PIPE,
                                   stdout=subprocess.DEVNULL, stderr=stderr)
        try:
            assert process.stdin is not None
            process.stdin.write(PASSWORD_LINE)  # fits the pipe buffer: read or not, it never blocks
            process.stdin.close()
            deadline = started + PROCESS_TIMEOUT_SECONDS
            connected = False
            pause = threading.Event()
            while process.poll() is None and time.monotonic() < deadline:
                if not connected and server.mailbox.sessions > sessions_before:
                    connected = True
                    timeline.samples.append(time.monotonic() - started)
                if plan.anchor is Anchor.START or anchor_reached(plan, server, sessions_before):
                    break
                pause.wait(POLL_SECONDS)
            try:
                process.wait(timeout=plan.delay)
            except subprocess.TimeoutExpired:
                os.kill(process.pid, signal.SIGKILL)
            process.wait(REAP_TIMEOUT_SECONDS)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(REAP_TIMEOUT_SECONDS)
        stderr.seek(0)
        return process.returncode, stderr.read()


def check_store(profile: Profile, source: MessageSource, server: FakePop3Server, context: str) -> set[str]:
    """Invariants that must hold after any kill; returns the stored UIDLs."""
    rows = profile.stored()
    counts = collections.Counter(uidl for _, uidl, _ in rows)
    duplicates = {uidl: count for uidl, count in counts.items() if count > 1}
    assert not duplicates, f"{context}: stored more than once: {duplicates}"
    for _, uidl, digest in rows:
        assert uidl in source.originals, f"{context}: unknown UIDL {uidl!r}"
        assert digest == sha256(source.originals[uidl]), f"{context}: {uidl} differs from the original"
    stored = set(counts)
    with server.mailbox.lock:
        deleted = set(server.mailbox.deleted_uidls)
    # Invariant 1: a message leaves the server only after its commit.
    assert deleted <= stored, f"{context}: deleted on the server but never stored: {sorted(deleted - stored)}"
    return stored


@dataclass
class CrashRun:
    """Kills one kind of process again and again against one server and one profile."""

    kind: str
    profile: Profile
    server: FakePop3Server
    source: MessageSource
    rng: random.Random
    outcomes: list[KillOutcome] = field(default_factory=list)
    timeline: Timeline = field(default_factory=Timeline)

    def kill_once(self, iteration: int) -> None:
        context = f"seed {SEED}, {self.kind} kill #{iteration}"
        stored = check_store(self.profile, self.source, self.server, context)
        self.source.deliver(self.server, PENDING_PER_RUN)
        on_server = len(self.server.mailbox.current_uidls())
        pending = on_server - len(stored & set(self.server.mailbox.current_uidls()))
        plan = kill_plan(self.rng, iteration, self.timeline.connect_seconds(self.kind), pending, on_server)
        sessions_before = self.server.mailbox.sessions
        self.server.faults = plan.faults  # read by each new session

        returncode, stderr = run_and_kill(process_command(self.kind, self.profile), self.profile.environment,
                                          plan, self.server, sessions_before, self.timeline)

        # A killed client's session ends when the server reads EOF; that releases the fake's
        # maildrop lock, so the rerun cannot meet [IN-USE] from its dead predecessor.
        assert self.server.wait_until_idle(SERVER_IDLE_TIMEOUT_SECONDS), f"{context}: server still busy"
        assert returncode in (0, -signal.SIGKILL), (
            f"{context}: the fetch failed by itself: {stderr.decode('utf-8', 'replace')}")
        after_kill = check_store(self.profile, self.source, self.server, f"{context}, after the kill")
        self.outcomes.append(KillOutcome(self.kind, iteration, plan, phase_reached(self.server, sessions_before),
                                         returncode, len(stored), len(after_kill), pending))

        self.server.faults = Faults()
        code, printed = self.profile.rerun()
        assert code == cli.EXIT_OK, f"{context}: the rerun failed: {printed}"
        assert self.server.wait_until_idle(SERVER_IDLE_TIMEOUT_SECONDS)
        assert self.server.mailbox.current_uidls() == [], f"{context}: the rerun left mail on the server"
        after_rerun = check_store(self.profile, self.source, self.server, f"{context}, after the rerun")
        assert after_rerun == set(self.source.originals), f"{context}: lost {set(self.source.originals) - after_rerun}"
        assert self.profile.integrity() == "ok", f"{context}: PRAGMA integrity_check failed"

    def summary(self) -> str:
        killed = sum(outcome.killed for outcome in self.outcomes)
        phases = collections.Counter(outcome.phase for outcome in self.outcomes if outcome.killed)
        return (f"seed {SEED}: {self.kind}: {len(self.outcomes)} runs, {killed} killed, "
                f"{sum(outcome.mid_download for outcome in self.outcomes)} mid-download with some mail "
                f"committed; last step at the kill: {dict(sorted(phases.items()))}; "
                f"{len(self.source.originals)} messages, lost 0, duplicated 0")


@contextlib.contextmanager
def crash_run(kind: str, environment: dict[str, str], certificates: TestCertificates) -> Iterator[CrashRun]:
    server = FakePop3Server(mode="tls", ssl_context=certificates.server_context(), faults=FAULTS)
    with server:
        profile = Profile(environment)
        profile.add_account(certificates, server)
        seed_offset = 0 if kind == "cli" else 1
        try:
            yield CrashRun(kind, profile, server, MessageSource(seed=SEED + seed_offset),
                           random.Random(SEED * 2 + seed_offset))
        finally:
            if kind == "gui":
                remove_stale_instance_socket(Path(profile.directory))
        assert server.handler_errors == []


def remove_stale_instance_socket(profile_directory: Path) -> None:
    """The killed app's single-instance socket stays in the temporary folder; the next start would
    clear it, but there is no next start."""
    from PySide6.QtNetwork import QLocalServer

    from app.ui.single_instance import server_name

    QLocalServer.removeServer(server_name(profile_directory))


def final_checks(run: CrashRun, tmp_path: Path) -> None:
    """Everything ever delivered is stored exactly once, and exports byte for byte."""
    rows = run.profile.stored()
    assert collections.Counter(uidl for _, uidl, _ in rows) == collections.Counter(run.source.originals.keys())
    folder = tmp_path / f"exported-{run.kind}"
    result = run_cli(run.profile.environment, "export", "--account", ACCOUNT, "--format", "eml", str(folder),
                     timeout=PROCESS_TIMEOUT_SECONDS)
    assert result.returncode == 0, result.stderr
    # Byte-exact: the exported files are exactly the delivered messages, each once.
    exported = collections.Counter(sha256(path.read_bytes()) for path in folder.iterdir())
    assert exported == collections.Counter(sha256(raw) for raw in run.source.originals.values())
    summary = "\n".join(map(str, run.outcomes))
    print(f"\n{summary}\n{run.summary()}")
    assert sum(outcome.killed for outcome in run.outcomes) >= len(run.outcomes) // 2, summary


# -- the tests ------------------------------------------------------------------------------------

def test_kill_9_of_the_cli_loses_nothing_and_duplicates_nothing(
        cli_environment: dict[str, str], certificates: TestCertificates, tmp_path: Path) -> None:
    print(f"\nkill -9 seed: {SEED} (set POPLARK_KILL9_SEED={SEED} to aim at the same moments)")
    with crash_run("cli", cli_environment, certificates) as run:
        for iteration in range(CLI_KILLS):
            run.kill_once(iteration)
    final_checks(run, tmp_path)
    if CLI_KILLS >= STRATA:
        assert any(outcome.mid_download for outcome in run.outcomes), (
            "no kill interrupted a download after a commit; the timing assumptions are off:\n"
            + "\n".join(map(str, run.outcomes)))


def test_kill_9_of_the_desktop_app_loses_nothing_and_duplicates_nothing(
        cli_environment: dict[str, str], certificates: TestCertificates, tmp_path: Path) -> None:
    print(f"\nkill -9 seed: {SEED} (set POPLARK_KILL9_SEED={SEED} to aim at the same moments)")
    with crash_run("gui", gui_environment(cli_environment, tmp_path), certificates) as run:
        for iteration in range(GUI_KILLS):
            run.kill_once(iteration)
    final_checks(run, tmp_path)
    if GUI_KILLS >= STRATA:
        assert any(outcome.mid_download for outcome in run.outcomes), (
            "no kill interrupted the desktop app's download after a commit:\n" + "\n".join(map(str, run.outcomes)))
