"""The flaky-network soak, shared by tests/integration/test_soak.py and bench/soak_bench.py.

One soak: a mailbox of mixed messages delivered to a private Dovecot, a :class:`FaultProxy` in
front of it, and many fetch sessions of the real engine through the proxy, each with faults drawn
from a seeded random generator (cuts at a random byte in either direction, stalls longer than the
read timeout, latency with a bandwidth limit, some clean sessions). Then clean sessions finish the
job, and the outcome is checked the way a user would: every message stored exactly once, byte for
byte what Dovecot serves (SHA-256 of ``wire_bytes``), the server empty in delete mode and untouched
in keep mode, the database sound (``PRAGMA integrity_check``), and every failed session failed with
the error vocabulary of app/core/errors.py, never with another exception.

Given the same seed, the mailbox and the faults of every session are the same; which command a
fault lands in can still vary a little with timing. The seed is in every report.

This module must not import pytest: the benchmark uses it too.
"""

from __future__ import annotations

import base64
import hashlib
import random
import sqlite3
import time
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from app.core.errors import MailboxBusy, PoplarkError
from app.core.fetch.engine import fetch_account
from app.core.model import Account, LeaveMode, Security, ServerPolicy
from app.core.store import Profile, Store
from tests.fakes.dovecot import PrivateDovecot, wire_bytes
from tests.fakes.fault_proxy import TO_CLIENT, TO_SERVER, ConnectionFaults, FaultProxy

KIB = 1024
#: Words for generated text: ASCII and Chinese, so the index and the CJK paths both see real input.
_WORDS = ("meeting", "report", "budget", "lunch", "release", "invoice", "Friday", "draft", "review",
          "schedule", "quarterly", "numbers", "please", "thanks", "attached", "update")
_CHINESE = "会议通知请于周五下午三点参加关于预算和发布计划的讨论谢谢附件报告"
#: Lines that dot-stuffing must get right (RFC 1939 section 3).
_DOT_LINES = (".", "..", ".hidden", "..two dots", ". space", "...")


# -- the mailbox ----------------------------------------------------------------------------------

def _words(rng: random.Random, count: int) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(count))


def _chinese(rng: random.Random, count: int) -> str:
    return "".join(rng.choice(_CHINESE) for _ in range(count))


def _encoded_word(text: str, charset: str) -> str:
    return f"=?{charset}?B?{base64.b64encode(text.encode(charset)).decode('ascii')}?="


def _text_lines(rng: random.Random, size: int, *, dots: bool, chinese: bool) -> list[str]:
    lines: list[str] = []
    total = 0
    while total < size:
        if dots and rng.random() < 0.05:
            line = rng.choice(_DOT_LINES)
        elif chinese and rng.random() < 0.5:
            line = _chinese(rng, rng.randint(5, 30))
        else:
            line = _words(rng, rng.randint(3, 12))
        lines.append(line)
        total += len(line.encode("utf-8")) + 1
    return lines


def soak_mailbox(seed: int, count: int, *, large_kib: int = 250) -> list[bytes]:
    """``count`` distinct Maildir files: tiny to ``large_kib`` KiB, multipart, dot-lines, CJK.

    Mostly LF line endings (as a delivery agent stores mail), a fifth CRLF, a few without a final
    newline. Each has its own Message-ID, so no two are the same bytes.
    """
    rng = random.Random(seed)
    files: list[bytes] = []
    for index in range(count):
        kind = rng.choices(("tiny", "text", "chinese", "multipart", "large"), weights=(10, 47, 20, 18, 5))[0]
        chinese = kind == "chinese" or rng.random() < 0.1
        charset = rng.choice(("utf-8", "gb2312")) if chinese else "us-ascii"
        subject = (_encoded_word(_chinese(rng, rng.randint(2, 8)), "utf-8" if charset == "us-ascii" else charset)
                   if chinese else _words(rng, rng.randint(1, 6)))
        headers = [
            "Return-Path: <sender@example.org>",
            f"From: {_encoded_word('张三', 'utf-8') if chinese else 'Sender'} <sender{index % 17}@example.org>",
            "To: alice@example.org",
            f"Subject: {subject} #{index}",
            f"Date: Thu, 26 Nov 2026 {index % 24:02d}:{index % 60:02d}:00 +0800",
            f"Message-ID: <soak-{seed}-{index}@poplark.test>",
            "MIME-Version: 1.0",
        ]
        dots = rng.random() < 0.3
        if kind == "tiny":
            body_lines = [_words(rng, 2)] if rng.random() < 0.7 else [rng.choice(_DOT_LINES)]
            headers.append("Content-Type: text/plain; charset=us-ascii")
        elif kind in ("text", "chinese"):
            size = rng.randint(200, 20 * KIB)
            body_lines = _text_lines(rng, size, dots=dots, chinese=chinese)
            headers.append(f"Content-Type: text/plain; charset={charset}")
        else:
            attachment_size = (rng.randint(100 * KIB, large_kib * KIB) if kind == "large"
                               else rng.randint(2 * KIB, 40 * KIB))
            encoded = base64.encodebytes(rng.randbytes(attachment_size)).decode("ascii").splitlines()
            boundary = f"soak-boundary-{index}"
            headers.append(f'Content-Type: multipart/mixed; boundary="{boundary}"')
            body_lines = [
                "This is a multi-part message in MIME format.",
                f"--{boundary}",
                f"Content-Type: text/plain; charset={charset}",
                "",
                *_text_lines(rng, rng.randint(100, 4 * KIB), dots=dots, chinese=chinese),
                f"--{boundary}",
                "Content-Type: application/octet-stream",
                "Content-Transfer-Encoding: base64",
                f'Content-Disposition: attachment; filename="file-{index}.bin"',
                "",
                *encoded,
                f"--{boundary}--",
            ]
        text = "\n".join(headers) + "\n\n" + "\n".join(body_lines)
        data = text.encode("gb2312" if charset == "gb2312" else "utf-8")
        ending = rng.random()
        if ending < 0.2:
            data = data.replace(b"\n", b"\r\n") + b"\r\n"
        elif ending < 0.95:
            data += b"\n"
        # else: no newline at the end; Dovecot adds CRLF (see wire_bytes)
        files.append(data)
    return files


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# -- the soak -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SoakSettings:
    """How hard and how long to shake one soak. Shares are fractions of the faulted sessions."""

    seed: int
    sessions: int
    #: The account's read timeout during faulted sessions; stalls last longer than this.
    timeout_seconds: float = 1.0
    stall_seconds: float = 1.6
    #: The timeout for the clean sessions at the end (a loaded machine must not fail those).
    clean_timeout_seconds: float = 30.0
    cut_share: float = 0.55
    stall_share: float = 0.15
    slow_share: float = 0.15
    #: Stop starting faulted sessions after this long (None: no limit); the clean ones still run.
    time_budget_seconds: float | None = None
    #: Before a session, forget with this probability that pipelining went out of step, so both
    #: pipelined and one-command-at-a-time sessions keep being shaken.
    pipelining_retry_share: float = 0.5
    #: Clean sessions at the end: at most this many, backing off when the server says [IN-USE].
    #: Dovecot keeps counting a session whose client vanished right around login for up to a
    #: minute (until it kills the idle process); after mail_max_userip_connections (10) of those
    #: it refuses logins with [IN-USE] until they expire. Poplark reports that as MailboxBusy and
    #: tries again later, as here.
    clean_session_limit: int = 12
    busy_backoff_seconds: float = 10.0
    #: Mail keeps arriving: this share of the mailbox is there at the start, the rest comes in
    #: a wave every ``wave_every`` sessions (all of it before the last fifth of the faulted
    #: sessions), so later sessions have messages to retrieve and delete, not only to list.
    initial_share: float = 0.4
    wave_every: int = 4
    #: Share of the faults aimed at the end of a session (DELE, QUIT and their replies).
    tail_share: float = 0.25


@dataclass
class SoakResult:
    seed: int
    mode: str
    security: str
    messages: int
    wire_bytes: int
    sessions_run: int = 0
    sessions_ok: int = 0
    failures: Counter[str] = field(default_factory=Counter)
    #: Sessions that ended in an exception outside the error vocabulary (must stay empty).
    unexpected: list[str] = field(default_factory=list)
    connections: int = 0
    cuts: int = 0
    stalls: int = 0
    slow_sessions: int = 0
    clean_sessions: int = 0
    stored: int = 0
    losses: int = 0
    duplicates: int = 0
    mismatches: int = 0
    left_on_server: int = 0
    integrity: str = ""
    elapsed_seconds: float = 0.0
    final_error: str = ""
    #: Time spent backing off because the server said [IN-USE] before the clean sessions ran.
    busy_wait_seconds: float = 0.0
    #: One line per session: its faults, its outcome, how long it took.
    log: list[str] = field(default_factory=list)

    @property
    def expected_on_server(self) -> int:
        return 0 if self.mode == "delete" else self.messages

    @property
    def passed(self) -> bool:
        return (not self.unexpected and not self.final_error and self.losses == 0 and self.duplicates == 0
                and self.mismatches == 0 and self.stored == self.messages and self.integrity == "ok"
                and self.left_on_server == self.expected_on_server)

    def describe(self) -> str:
        failures = ", ".join(f"{name} {count}" for name, count in sorted(self.failures.items())) or "none"
        lines = [
            f"soak seed {self.seed} ({self.mode} mode, {self.security}): {self.messages} messages, "
            f"{self.wire_bytes / 1e6:.1f} MB on the wire",
            f"  sessions {self.sessions_run} (ok {self.sessions_ok}; failed: {failures}); "
            f"connections {self.connections}, cuts {self.cuts}, stalls {self.stalls}, "
            f"slow {self.slow_sessions}; clean sessions at the end {self.clean_sessions}"
            + (f" (after {self.busy_wait_seconds:.0f} s of [IN-USE] back-off)" if self.busy_wait_seconds else ""),
            f"  stored {self.stored}, losses {self.losses}, duplicates {self.duplicates}, "
            f"byte mismatches {self.mismatches}, left on server {self.left_on_server} "
            f"(expected {self.expected_on_server}), integrity {self.integrity!r}, "
            f"{self.elapsed_seconds:.1f} s",
        ]
        if self.final_error:
            lines.append(f"  the clean sessions at the end failed: {self.final_error}")
        lines.extend(f"  UNEXPECTED: {entry}" for entry in self.unexpected)
        return "\n".join(lines)


@dataclass(frozen=True)
class SessionSpan:
    """About how many bytes the next session moves each way, and how many of them come last
    (DELE, QUIT and their replies): where a fault can land."""

    to_client: int
    to_server: int
    tail_to_client: int
    tail_to_server: int


class FaultPicker:
    """Draws each session's faults from the seeded generator, sized to what is left to fetch."""

    def __init__(self, settings: SoakSettings, rng: random.Random) -> None:
        self.settings = settings
        self.rng = rng

    def pick(self, span: SessionSpan) -> ConnectionFaults:
        settings, rng = self.settings, self.rng
        roll = rng.random()
        direction = TO_CLIENT if rng.random() < 0.75 else TO_SERVER
        total, tail = ((span.to_client, span.tail_to_client) if direction == TO_CLIENT
                       else (span.to_server, span.tail_to_server))
        if rng.random() < settings.tail_share:
            where = max(0, total - rng.randint(0, tail))
        else:
            # A little past the end too: some faults then land in QUIT or never happen at all.
            where = rng.randint(0, max(1, int(total * 1.1)))
        if roll < settings.cut_share:
            return ConnectionFaults(cut_after_bytes=where, cut_direction=direction,
                                    cut_with_reset=rng.random() < 0.3)
        roll -= settings.cut_share
        if roll < settings.stall_share:
            return ConnectionFaults(stall_after_bytes=where, stall_direction=direction,
                                    stall_seconds=settings.stall_seconds)
        roll -= settings.stall_share
        if roll < settings.slow_share:
            # Slow but whole (a cut rides along half the time, so slow sessions end early too).
            cut = where if rng.random() < 0.5 else None
            return ConnectionFaults(latency_seconds=rng.choice((0.001, 0.003, 0.01)),
                                    bytes_per_second=rng.choice((5e6, 2e7, 5e7)),
                                    cut_after_bytes=cut, cut_direction=direction)
        return ConnectionFaults()


def run_soak(dovecot: PrivateDovecot, user: str, password: str, files: list[bytes], directory: Path,
             settings: SoakSettings, *, policy: ServerPolicy, security: Security = Security.NONE,
             ca_file: str | None = None, progress: Callable[[str], None] | None = None) -> SoakResult:
    """Deliver ``files`` to ``user`` (in waves), run the soak, check everything.

    The result says what happened; nothing is asserted here (tests and the benchmark decide).
    """
    started = time.monotonic()
    expected = {digest(wire_bytes(file)): len(wire_bytes(file)) for file in files}
    if len(expected) != len(files):
        raise ValueError("the soak needs distinct messages")
    mode = "delete" if policy.leave_mode is LeaveMode.DELETE_AFTER_DOWNLOAD else "keep"
    result = SoakResult(settings.seed, mode, security.value, len(files), sum(expected.values()))
    initial = max(1, int(len(files) * settings.initial_share))
    dovecot.deliver_many(user, files[:initial])
    pending = files[initial:]
    #: What the server has been given so far (digest -> size on the wire): where faults can land.
    delivered = {digest(wire_bytes(file)): len(wire_bytes(file)) for file in files[:initial]}
    wave_every = max(1, settings.wave_every)
    waves = max(1, int(settings.sessions * 0.8) // wave_every)
    wave_size = -(-len(pending) // waves)
    target = dovecot.pop3s_port if security is Security.TLS else dovecot.pop3_port
    profile = Profile(directory / "profile").ensure()
    store = Store.open(profile)
    rng = random.Random(settings.seed)
    picker = FaultPicker(settings, rng)
    try:
        with FaultProxy(target) as proxy:
            account = store.add_account(Account(
                name="soak", host="127.0.0.1", port=proxy.port, security=security, user=user, policy=policy,
                ca_file=ca_file, allow_insecure_auth=security is Security.NONE,
                timeout_seconds=settings.timeout_seconds))
            assert account.id is not None

            def session(faults: ConnectionFaults, session_account: Account) -> PoplarkError | None:
                proxy.set_faults(faults)
                result.sessions_run += 1
                session_started = time.monotonic()
                outcome: PoplarkError | None = None
                try:
                    outcome = _one_session(faults, session_account)
                    return outcome
                finally:
                    result.log.append(f"{result.sessions_run}: {faults.describe()} -> "
                                      f"{type(outcome).__name__ if outcome else 'ok'} "
                                      f"({time.monotonic() - session_started:.2f} s)")

            def _one_session(faults: ConnectionFaults, session_account: Account) -> PoplarkError | None:
                try:
                    fetch_account(store, profile.lock_directory, session_account, password)
                except PoplarkError as error:
                    result.failures[type(error).__name__] += 1
                    return error
                except Exception as error:  # noqa: BLE001 - the point: report anything outside the vocabulary
                    result.unexpected.append(f"session {result.sessions_run} ({faults.describe()}): "
                                             + "".join(traceback.format_exception(error)).strip())
                    return PoplarkError(f"unexpected {type(error).__name__}")
                finally:
                    # Dovecot must see the old connection end before the next one starts.
                    if not proxy.wait_until_idle(settings.stall_seconds + 5.0):
                        result.log.append(f"the connection of session {result.sessions_run} stayed open")
                result.sessions_ok += 1
                return None

            for number in range(settings.sessions):
                budget = settings.time_budget_seconds
                if budget is not None and time.monotonic() - started > budget:
                    break
                if pending and number > 0 and number % wave_every == 0:
                    dovecot.deliver_many(user, pending[:wave_size])
                    delivered.update((digest(wire_bytes(file)), len(wire_bytes(file))) for file in pending[:wave_size])
                    pending = pending[wave_size:]
                faults = picker.pick(_session_span(store, account.name, delivered, dovecot, user, mode, security))
                if faults.bytes_per_second:
                    result.slow_sessions += 1
                if rng.random() < settings.pipelining_retry_share:
                    store.set_pipelining_broken_at(account.id, None)
                outcome = session(faults, account)
                if progress is not None and (number + 1) % 25 == 0:
                    progress(f"{number + 1} sessions, last: {faults.describe()} -> "
                             f"{type(outcome).__name__ if outcome else 'ok'}")

            if pending:  # the time budget ran out first: the last mail arrives now
                dovecot.deliver_many(user, pending)
            clean_account = replace(account, timeout_seconds=settings.clean_timeout_seconds)
            for _ in range(settings.clean_session_limit):
                result.clean_sessions += 1
                error = session(ConnectionFaults(), clean_account)
                result.final_error = "" if error is None else f"{type(error).__name__}: {error}"
                if error is None:
                    break
                if isinstance(error, MailboxBusy):
                    # As the app would: back off, then try again (the server is still counting
                    # sessions that ended abruptly; see clean_session_limit).
                    time.sleep(settings.busy_backoff_seconds)
                    result.busy_wait_seconds += settings.busy_backoff_seconds
            if result.final_error:
                # For the report: what the server said about its side of it.
                result.log.extend(f"dovecot: {line}" for line in dovecot.log_text().splitlines()[-40:])
            counters = proxy.counters()
        result.connections, result.cuts, result.stalls = counters.connections, counters.cuts, counters.stalls
        _check(result, store, "soak", expected)
    finally:
        store.close()
    result.left_on_server = dovecot.message_count_on_server(user)
    result.integrity = integrity_check(profile.database_path)
    result.elapsed_seconds = time.monotonic() - started
    return result


def _session_span(store: Store, account_name: str, delivered: dict[str, int], dovecot: PrivateDovecot,
                  user: str, mode: str, security: Security) -> SessionSpan:
    have = {summary.sha256 for summary in store.messages(account_name)}
    missing = [size for sha, size in delivered.items() if sha not in have]
    on_server = dovecot.message_count_on_server(user)
    # Greeting, CAPA, login (plus the TLS handshake, whose certificate chain is most of it).
    start_to_client, start_to_server = (400, 120) if security is Security.NONE else (3000, 800)
    tail_to_client, tail_to_server = 40, 10  # QUIT and its reply
    if mode == "delete":
        tail_to_client += on_server * 25
        tail_to_server += on_server * 10
    return SessionSpan(
        to_client=start_to_client + on_server * 40 + sum(missing) + len(missing) * 30 + tail_to_client,
        to_server=start_to_server + len(missing) * 10 + tail_to_server,
        tail_to_client=tail_to_client, tail_to_server=tail_to_server)


def _check(result: SoakResult, store: Store, account_name: str, expected: dict[str, int]) -> None:
    summaries = store.messages(account_name)
    result.stored = len(summaries)
    contents: Counter[str] = Counter()
    uidls: Counter[str] = Counter()
    for summary in summaries:
        raw_digest = digest(store.raw(summary.id))
        if raw_digest != summary.sha256 or raw_digest not in expected:
            result.mismatches += 1
        contents[raw_digest] += 1
        uidls[summary.uidl] += 1
    result.losses = sum(1 for sha in expected if contents[sha] == 0)
    result.duplicates = max(sum(count - 1 for count in contents.values() if count > 1),
                            sum(count - 1 for count in uidls.values() if count > 1))


def integrity_check(database: Path) -> str:
    """SQLite's own verdict on the file: "ok" or the problems it lists."""
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=10)
    try:
        rows = connection.execute("PRAGMA integrity_check").fetchall()
    finally:
        connection.close()
    return "; ".join(str(row[0]) for row in rows)


__all__ = ["FaultPicker", "SessionSpan", "SoakResult", "SoakSettings", "digest", "integrity_check", "run_soak",
           "soak_mailbox"]
