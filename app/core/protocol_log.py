"""A bounded trace of the POP3 conversation, safe to attach to a bug report.

Every :class:`~app.core.pop3.client.Pop3Client` records its session here: commands sent, status
lines received, and multi-line bodies as byte counts only (never their content, which is the
user's mail). Secrets never enter the trace: the argument of PASS, the APOP digest and every AUTH
response (initial or on a continuation line) are replaced by ``<redacted>`` before they are stored,
so an export cannot leak them whatever the caller does later (docs/architecture.md, invariant 5).

The trace is a ring buffer: a session of 80,000 messages keeps only its last
:data:`MAX_ENTRIES` entries, so memory stays bounded and recording stays cheap (one tuple append).
The last session of each server login is kept per process (:func:`recent_logs`), so the CLI's
``--protocol-log FILE`` and the GUI's "Save Protocol Log..." can write it after the fact.
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict, deque
from pathlib import Path

#: Entries kept per session: enough for the login and the last few hundred commands.
MAX_ENTRIES = 2000
#: Sessions kept per process (one per account and server, the newest wins).
MAX_SESSIONS = 32
#: Status lines longer than this are cut in the trace (a hostile server can send 64 KiB).
MAX_SHOWN_LINE = 200
REDACTED = "<redacted>"

_SECRET_VERBS = frozenset({"PASS", "APOP", "AUTH"})
# Entry kinds.
_SENT = "C"
_RECEIVED = "S"
_NOTE = "#"


def redact_command(line: str) -> str:
    """The form of a command line that may be shown: secrets replaced by ``<redacted>``.

    Also applied to lines the client did not mark secret, as a second line of defence.
    """
    verb, _, rest = line.partition(" ")
    upper = verb.upper()
    if upper == "PASS":
        return f"{verb} {REDACTED}"
    if upper == "APOP":
        user = rest.split(" ", 1)[0]
        return f"{verb} {user} {REDACTED}"
    if upper == "AUTH":
        mechanism, _, initial_response = rest.partition(" ")
        return f"{verb} {mechanism} {REDACTED}" if initial_response else line
    return line


class ProtocolLog:
    """The trace of one session. Thread-safe: a worker records while the GUI may export."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.started = time.time()
        self._entries: deque[tuple[float, str, str | bytes | int]] = deque(maxlen=MAX_ENTRIES)
        self._lock = threading.Lock()
        self.dropped = 0

    def _add(self, kind: str, payload: str | bytes | int) -> None:
        with self._lock:
            if len(self._entries) == MAX_ENTRIES:
                self.dropped += 1
            self._entries.append((time.time(), kind, payload))

    def sent(self, line: str, *, secret: bool = False) -> None:
        """A command line; ``secret`` marks a line that is all secret (a SASL response)."""
        shown = line
        if secret or line[:4].upper() in _SECRET_VERBS:  # cheap test first: RETR and DELE are most lines
            shown = redact_command(line)
            if secret and shown == line:
                shown = REDACTED
        self._add(_SENT, shown)

    def sent_batch(self, lines: list[str]) -> None:
        """Command lines sent in one write (pipelined): an entry each, as :meth:`sent` makes it,
        for one lock and one clock reading (a fetch sends hundreds of thousands of them)."""
        moment = time.time()
        entries = [(moment, _SENT, redact_command(line) if line[:4].upper() in _SECRET_VERBS else line)
                   for line in lines]
        with self._lock:
            self.dropped += max(0, len(self._entries) + len(entries) - MAX_ENTRIES)
            self._entries.extend(entries)

    def received(self, line: bytes) -> None:
        """A status or continuation line, stored cut and undecoded (decoding waits for export)."""
        self._add(_RECEIVED, line[:MAX_SHOWN_LINE])

    def body(self, octets: int) -> None:
        """A multi-line body: only its size is recorded, never its content."""
        self._add(_RECEIVED, octets)

    def note(self, text: str) -> None:
        """Something the client did or decided (connected, TLS up, gave up)."""
        self._add(_NOTE, text)

    def lines(self) -> list[str]:
        with self._lock:
            entries = list(self._entries)
            dropped = self.dropped
        out = [f"# session {self.label}, started {_clock(self.started, full=True)}"]
        if dropped:
            out.append(f"# ({dropped} earlier entries were dropped to bound the log's size)")
        for moment, kind, payload in entries:
            if isinstance(payload, int):
                text = f"({payload} bytes of multi-line data, content not recorded)"
            elif isinstance(payload, bytes):
                text = payload.rstrip(b"\r\n").decode("latin-1")
                text = text.encode("unicode_escape").decode("ascii")  # control bytes made visible
            else:
                text = payload
            out.append(f"{_clock(moment)} {kind}: {text}")
        return out


def _clock(moment: float, *, full: bool = False) -> str:
    text = time.strftime("%Y-%m-%dT%H:%M:%S" if full else "%H:%M:%S", time.gmtime(moment))
    return f"{text}.{int(moment % 1 * 1000):03d}" + ("Z" if full else "")


_recent: OrderedDict[str, ProtocolLog] = OrderedDict()
_recent_lock = threading.Lock()


def remember(log: ProtocolLog, previous_label: str | None = None) -> None:
    """Keep ``log`` as the latest session for its label (replacing its entry under another label)."""
    with _recent_lock:
        if previous_label is not None and _recent.get(previous_label) is log:
            del _recent[previous_label]
        _recent.pop(log.label, None)
        _recent[log.label] = log
        while len(_recent) > MAX_SESSIONS:
            _recent.popitem(last=False)


def recent_logs() -> list[ProtocolLog]:
    """The last session per label, oldest first."""
    with _recent_lock:
        return list(_recent.values())


def forget_all() -> None:
    """Drop every remembered session (tests; a fresh CLI process starts empty anyway)."""
    with _recent_lock:
        _recent.clear()


HEADER = ("# Poplark protocol log. Passwords and authentication data are shown as <redacted>;\n"
          "# message bodies appear as byte counts only. It does show user and server names.\n"
          "# Times are UTC.\n")


def render(logs: list[ProtocolLog] | None = None) -> str:
    chosen = recent_logs() if logs is None else logs
    if not chosen:
        return HEADER + "# (no POP3 session in this run)\n"
    return HEADER + "\n".join("\n".join(log.lines()) + "\n" for log in chosen)


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` readable by the owner only (mode 0600), replacing its content."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(descriptor, 0o600)  # an existing file keeps its old mode otherwise
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            descriptor = -1
            handle.write(text)
    finally:
        if descriptor >= 0:
            os.close(descriptor)
