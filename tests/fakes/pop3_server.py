"""A fake POP3 server for protocol tests: real sockets on loopback, scriptable faults.

It speaks enough of RFC 1939 (POP3), RFC 2449 (CAPA, response codes, PIPELINING), RFC 2595 (STLS),
RFC 3206 ([SYS/*] and [AUTH] codes) and RFC 5034 (AUTH PLAIN and LOGIN; XOAUTH2 and OAUTHBEARER,
RFC 7628, when given a ``token_checker``) to exercise a client end to end, and it can be told to
misbehave in the ways real servers do (see :class:`Faults`).

Typical use::

    server = FakePop3Server(messages=[crlf("Subject: hi\\n\\nbody\\n")])
    with server:
        host, port = server.address
        ...  # run the client
        server.wait_until_idle()
        assert server.mailbox.current_uidls() == []

Byte contract. A message is given as the exact bytes a correct client must store, and every line of it
must end in CRLF (:func:`crlf` builds such bytes from text). On the wire the fake sends the message
dot-stuffed and followed by ``.\\r\\n`` (RFC 1939 §3), so a client that removes the terminator and
one leading dot from stuffed lines gets the original bytes back. NUL, bare CR inside a line, 8-bit
bytes and very long lines are passed through untouched, because real servers pass them through too.

Mailbox model. ``server.mailbox`` is shared by all sessions. A session takes a snapshot of the
messages when it authenticates (RFC 1939 §4: messages are numbered per session), DELE only marks, and
the marks are applied when QUIT arrives in the TRANSACTION state (RFC 1939 §6, the UPDATE state). A
dropped connection applies nothing. Applied deletions remove the messages, so the next session numbers
the survivors from 1 again, as a real server does.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import ipaddress
import re
import socket
import socketserver
import ssl
import sys
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Literal, NoReturn

from tests.fakes.oauth_sasl import OAUTH_MECHANISMS, TokenChecker, error_challenge, parse_bearer_message

SecurityMode = Literal["plain", "stls", "tls"]

DEFAULT_USER = "alice"
DEFAULT_PASSWORD = "secret"
# RFC 1939 §7 (APOP): the greeting carries a msg-id style timestamp the client hashes with the secret.
DEFAULT_GREETING_TIMESTAMP = "<1234.5678@fake.example>"
DEFAULT_AUTH_FAILURE_REPLY = "-ERR [AUTH] Invalid credentials"
GARBAGE_REPLY = b"HELLO GARBAGE\r\n"

# RFC 2449 §4: a command line, CRLF included, is at most 255 octets. Enforced so that a client which
# forgets the limit (for example with a long AUTH initial response) fails here as it would in the wild.
MAX_COMMAND_LINE_OCTETS = 255
# SASL continuation lines (RFC 5034 §4) are exempt from the 255-octet rule but must still be bounded.
MAX_CONTINUATION_LINE_OCTETS = 64 * 1024
# Every session socket gets this timeout so that no handler thread can hang forever.
DEFAULT_HANDLER_TIMEOUT_SECONDS = 30.0
# How long a login waits for another session's mailbox lock before answering [IN-USE]. A client that
# drops its connection and reconnects at once would otherwise race the old session's clean-up.
DEFAULT_IN_USE_WAIT_SECONDS = 1.0
RECEIVE_CHUNK_OCTETS = 64 * 1024
STOP_JOIN_SECONDS = 5.0
# An endless reply stops here at the latest (a client that never gives up must not hang a test).
ENDLESS_REPLY_LIMIT_OCTETS = 1024 * 1024 * 1024
SERVE_POLL_SECONDS = 0.05

# RFC 1939 §7 (UIDL): a unique-id is 1 to 70 characters in the range 0x21 to 0x7E.
_UIDL_PATTERN = re.compile(r"[\x21-\x7e]{1,70}")
_LINE_FEED_WITHOUT_CARRIAGE_RETURN = re.compile(rb"(?<!\r)\n")

_AUTHORIZATION = "AUTHORIZATION"
_TRANSACTION = "TRANSACTION"
# RFC 1939 §4, §5 and §7; RFC 2449 §5 (CAPA is valid in both states); RFC 2595 §4; RFC 5034 §4.
_AUTHORIZATION_VERBS = frozenset({"USER", "PASS", "APOP", "AUTH", "STLS", "UTF8"})
_TRANSACTION_VERBS = frozenset({"STAT", "LIST", "UIDL", "TOP", "RETR", "DELE", "RSET", "NOOP"})
_ANY_STATE_VERBS = frozenset({"CAPA", "QUIT"})
_SASL_MECHANISMS = ("PLAIN", "LOGIN")


def crlf(text: str | bytes) -> bytes:
    """Return ``text`` with every bare LF turned into CRLF and a final CRLF added if missing.

    Strings are encoded as UTF-8. A bare CR inside a line is left alone. An empty input stays empty.
    """
    data = text.encode("utf-8") if isinstance(text, str) else bytes(text)
    data = _LINE_FEED_WITHOUT_CARRIAGE_RETURN.sub(b"\r\n", data)
    if data and not data.endswith(b"\r\n"):
        data += b"\r\n"
    return data


def check_wire_safe(raw: bytes) -> None:
    """Raise ValueError unless every line of ``raw`` ends in CRLF (see the module's byte contract)."""
    if raw and not raw.endswith(b"\r\n"):
        raise ValueError("message must end with CRLF; build it with crlf()")
    if raw.count(b"\n") != raw.count(b"\r\n"):
        raise ValueError("message contains a bare LF; build it with crlf()")


def dot_stuff(raw: bytes) -> bytes:
    """Return ``raw`` as a multi-line POP3 response body, terminator included (RFC 1939 §3).

    Every line starting with "." gets one more "."; then ".\\r\\n" ends the response. Works on whole
    buffers with ``bytes.replace`` so that megabyte messages cost no Python-level loop.
    """
    stuffed = raw.replace(b"\r\n.", b"\r\n..")
    if stuffed.startswith(b"."):
        stuffed = b"." + stuffed
    return stuffed + b".\r\n"


def top_of_message(raw: bytes, body_line_count: int) -> bytes:
    """RFC 1939 §7 (TOP): the header, the blank line after it, then that many body lines."""
    if raw.startswith(b"\r\n"):
        header_end = 2
    else:
        separator = raw.find(b"\r\n\r\n")
        if separator < 0:
            return raw  # No blank line: the whole message is header.
        header_end = separator + 4
    position = header_end
    for _ in range(body_line_count):
        line_end = raw.find(b"\r\n", position)
        if line_end < 0:
            break
        position = line_end + 2
    return raw[:position]


def apop_digest(timestamp: str, password: str) -> str:
    """RFC 1939 §7 (APOP): lowercase hex MD5 of the greeting timestamp followed by the secret."""
    return hashlib.md5((timestamp + password).encode("utf-8"), usedforsecurity=False).hexdigest()


@dataclass
class Faults:
    """Ways the server misbehaves. All off by default.

    Verbs are matched case-insensitively. Message numbers are the session's own numbers. Every fault
    applies to every session unless ``sessions`` names the 1-based session numbers it applies to.
    The faults that script a reply (garbage, err, raw, duplicate, drop) name the single-message
    forms of LIST and UIDL "LIST N" and "UIDL N", so "LIST" scripts only the listing.
    """

    sessions: set[int] | None = None
    # Close the connection after sending half of the wire form of RETR for this message number.
    drop_mid_retr: int | None = None
    # Close the connection right after the N-th completed RETR of the session.
    drop_after_retr_count: int | None = None
    # Close the connection on receiving the N-th DELE of the session, before answering it.
    drop_mid_dele: int | None = None
    # On QUIT, apply nothing and close without a reply.
    drop_before_quit_reply: bool = False
    # Answer this verb with GARBAGE_REPLY instead of a POP3 reply; the command has no effect.
    garbage_reply_to: str | None = None
    # Advertise PIPELINING, but when a read brings several commands, answer the first and throw away
    # the rest: a broken pipeliner. The client must notice a timeout or an out-of-step reply.
    out_of_step_pipelining: bool = False
    # Send the complete reply to this verb twice, putting every later reply out of step.
    duplicate_reply_to: str | None = None
    # A broken pipeliner that loses one command: the ``drop_command_occurrence``-th command with
    # this verb gets no reply at all and has no effect; the replies after it come one early.
    drop_command: str | None = None
    drop_command_occurrence: int = 1
    # Courier without UTF8 (RFC 6856): CAPA offers "UTF8 USER"; until the client sends UTF8, RETR
    # of a message with 8-bit bytes in its header sends a short wrapper instead, announced with
    # the wrapper's size in "+OK N octets" while LIST keeps the original size.
    courier_utf8: bool = False
    # The UTF8 command answers -ERR (whether or not CAPA offers it).
    refuse_utf8: bool = False
    # CAPA after login answers exactly these lines, as Dovecot drops SASL and USER then (RFC 2449
    # section 6.5: LOGIN-DELAY and EXPIRE may change after login; the rest need not be repeated).
    capa_after_login: list[str] | None = None
    # Wait this long before answering the verbs in ``slow_verbs`` (every verb when that set is empty).
    slow_reply_seconds: float = 0.0
    slow_verbs: set[str] = field(default_factory=set)
    # Never answer these verbs; wait until the client closes the connection.
    stall_verbs: set[str] = field(default_factory=set)
    # Send half of RETR for this message number, then wait until the client closes the connection.
    stall_mid_retr: int | None = None
    # Verb -> complete reply line (such as "-ERR [SYS/TEMP] try later") sent instead of the normal
    # reply; the command has no effect. For AUTH the reply comes at once, before any continuation.
    err_reply: dict[str, str] = field(default_factory=dict)
    # UIDL answers -ERR and is not advertised (RFC 1939 §7 makes UIDL optional).
    no_uidl: bool = False
    # CAPA answers -ERR, as on a server that predates RFC 2449.
    no_capa: bool = False
    # TOP answers -ERR and is not advertised.
    no_top: bool = False
    # STLS answers -ERR (whether or not it is advertised).
    refuse_stls: bool = False
    # In "stls" mode, whether CAPA lists STLS before the upgrade.
    advertise_stls: bool = True
    # In "stls" mode, bytes sent right after "+OK Begin TLS negotiation" and before the handshake.
    # RFC 2595 §4 leaves the client nothing to read there, so a client must not take them as TLS data
    # it trusts (compare the STARTTLS command injection flaw, CVE-2011-0411).
    pre_tls_injection: bytes | None = None
    # DELE answers +OK but QUIT removes nothing, like a provider set to "forbid client delete".
    ignore_dele: bool = False
    # Advertise "LOGIN-DELAY n" (RFC 2449 §6) and refuse a login with [LOGIN-DELAY] when the previous
    # successful login to this mailbox was less than n seconds ago.
    login_delay: int | None = None
    # Advertise "EXPIRE <value>" (RFC 2449 §6), for example "0" or "NEVER".
    expire: str | None = None
    # Sizes in STAT, LIST and the RETR status line are off by this many octets; sizes are only hints.
    list_size_delta: int = 0
    # Hostile servers (tests/protocol/test_hostile_servers.py). Exact bytes sent instead of the
    # greeting (no line ending added: a greeting with a bare LF, a bare CR or none at all).
    greeting_bytes: bytes | None = None
    # Close the connection right after the greeting.
    close_after_greeting: bool = False
    # Verb -> exact bytes sent instead of the reply (no line ending added); the command has no effect.
    raw_reply: dict[str, bytes] = field(default_factory=dict)
    # Answer this verb with a reply that never ends: "line" streams one line with no line ending,
    # "body" sends "+OK" and then body lines without the terminating dot. Streaming stops when the
    # client goes away (or after ENDLESS_REPLY_LIMIT_OCTETS, so a broken client cannot hang a test).
    endless_reply_to: str | None = None
    endless_reply_kind: Literal["line", "body"] = "line"
    # When above 0, the endless reply drips: one byte, then this pause, never quite idle ("slowloris").
    endless_drip_seconds: float = 0.0
    # Message number -> raw bytes sent (dot-stuffed) for RETR of that number instead of the message
    # itself, while LIST and the RETR status line still give the true size: a wrong message, or a
    # reply far larger than LIST said.
    retr_substitute: dict[int, bytes] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # POP3 keywords are case-insensitive (RFC 1939 §3), so store verbs in upper case once.
        self.slow_verbs = {verb.upper() for verb in self.slow_verbs}
        self.stall_verbs = {verb.upper() for verb in self.stall_verbs}
        self.err_reply = {verb.upper(): line.rstrip("\r\n") for verb, line in self.err_reply.items()}
        if self.garbage_reply_to is not None:
            self.garbage_reply_to = self.garbage_reply_to.upper()
        if self.duplicate_reply_to is not None:
            self.duplicate_reply_to = self.duplicate_reply_to.upper()
        if self.drop_command is not None:
            self.drop_command = self.drop_command.upper()
        self.raw_reply = {verb.upper(): reply for verb, reply in self.raw_reply.items()}
        if self.endless_reply_to is not None:
            self.endless_reply_to = self.endless_reply_to.upper()
        if self.sessions is not None:
            self.sessions = set(self.sessions)

    def applies_to(self, session_number: int) -> bool:
        """Whether these faults are active in the given 1-based session."""
        return self.sessions is None or session_number in self.sessions


class _MaildropRefused(Exception):
    """The mailbox cannot be opened now; the argument is the -ERR line to send."""


class Mailbox:
    """The maildrop shared by all sessions of one server. Every access holds ``lock``.

    Attributes: ``messages`` (list of (uidl, raw bytes) in maildrop order), ``deleted_uidls`` (the
    UIDLs actually removed by a QUIT), ``sessions`` (connections accepted so far) and ``commands``
    (one list per session of every line received from the client, SASL continuation lines included,
    decoded as Latin-1, without the line ending) and ``queued`` (one list per session: for each
    command answered, the command and how many complete command lines had already arrived behind
    it, so a test can prove that commands were pipelined: sent before the reply to the first).
    """

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.messages: list[tuple[str, bytes]] = []
        self.deleted_uidls: set[str] = set()
        self.sessions = 0
        self.commands: list[list[str]] = []
        self.queued: list[list[tuple[str, int]]] = []
        self._lock_released = threading.Condition(self.lock)
        self._locked_by_session: int | None = None
        self._last_login_time: float | None = None
        self._uidls_ever_used: set[str] = set()
        self._added_count = 0
        #: popa3d derives UIDLs from headers, so two messages can share one; allowed when True.
        self.shared_uidls = False

    def add(self, raw: bytes, uidl: str | None = None) -> str:
        """Append a message and return its UIDL (by default "uid-<n>", n counting every addition)."""
        check_wire_safe(raw)
        with self.lock:
            self._added_count += 1
            if uidl is None:
                uidl = f"uid-{self._added_count}"
            if not _UIDL_PATTERN.fullmatch(uidl):
                raise ValueError(f"invalid UIDL {uidl!r} (RFC 1939: 1-70 chars 0x21-0x7E)")
            # RFC 1939 §7: a server should never reuse a unique-id in a given maildrop.
            if uidl in self._uidls_ever_used and not self.shared_uidls:
                raise ValueError(f"UIDL {uidl!r} already used in this mailbox")
            self._uidls_ever_used.add(uidl)
            self.messages.append((uidl, bytes(raw)))
            return uidl

    def current_uidls(self) -> list[str]:
        """UIDLs of the messages still in the maildrop, in order."""
        with self.lock:
            return [uidl for uidl, _ in self.messages]

    def open_session(self) -> tuple[int, list[str], list[tuple[str, int]]]:
        """Count a new connection; return its 1-based number, its command log and its queue log."""
        with self.lock:
            self.sessions += 1
            command_log: list[str] = []
            queue_log: list[tuple[str, int]] = []
            self.commands.append(command_log)
            self.queued.append(queue_log)
            return self.sessions, command_log, queue_log

    def open_maildrop(
        self,
        session_number: int,
        *,
        exclusive: bool,
        wait_seconds: float,
        login_delay: int | None,
    ) -> list[tuple[str, bytes]]:
        """Lock the maildrop for a session that just authenticated; return its snapshot.

        Raises _MaildropRefused with an RFC 2449 §8 response code when the login must be refused.
        """
        with self.lock:
            now = time.monotonic()
            if (
                login_delay is not None
                and self._last_login_time is not None
                and now - self._last_login_time < login_delay
            ):
                raise _MaildropRefused(f"-ERR [LOGIN-DELAY] Minimum time between logins is {login_delay} seconds")
            if exclusive:
                # RFC 1939 §4: the server acquires an exclusive-access lock on the maildrop.
                deadline = now + wait_seconds
                while self._locked_by_session is not None:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        raise _MaildropRefused("-ERR [IN-USE] Mailbox is locked by another session")
                    self._lock_released.wait(remaining)
                self._locked_by_session = session_number
            self._last_login_time = time.monotonic()
            return list(self.messages)

    def close_maildrop(self, session_number: int) -> None:
        """Release the session's maildrop lock, if it holds it."""
        with self.lock:
            if self._locked_by_session == session_number:
                self._locked_by_session = None
                self._lock_released.notify_all()

    def remove_entries(self, entries: Iterable[tuple[str, bytes]]) -> int:
        """Remove these snapshot entries (the UPDATE state), by identity: UIDLs may be shared."""
        doomed = {id(entry) for entry in entries}
        with self.lock:
            present = [entry for entry in self.messages if id(entry) in doomed]
            self.messages = [entry for entry in self.messages if id(entry) not in doomed]
            self.deleted_uidls |= {uidl for uidl, _ in present}
            return len(present)

    def remove(self, uidls: Iterable[str]) -> int:
        """Remove the messages with these UIDLs (the UPDATE state); return how many were removed."""
        doomed = set(uidls)
        with self.lock:
            present = {uidl for uidl, _ in self.messages} & doomed
            self.messages = [(uidl, raw) for uidl, raw in self.messages if uidl not in doomed]
            self.deleted_uidls |= present
            return len(present)


class _ConnectionDropped(Exception):
    """Ends a session at once: no further reply, and no UPDATE state."""


class Pop3SessionHandler(socketserver.BaseRequestHandler):
    """One POP3 session. Each command ``VERB`` is handled by the method ``cmd_VERB``.

    Replies are collected in ``pending_output`` and flushed after each command, in order, so a client
    may send many commands before reading any reply (RFC 2449 §6: PIPELINING).
    """

    server: FakePop3Server

    def setup(self) -> None:
        self.thread = threading.current_thread()
        self.connection: socket.socket = self.request
        self.connection.settimeout(self.server.handler_timeout)
        # Replies are small and written one command at a time; without this, Nagle's algorithm and
        # the client's delayed ACK would add up to 40 ms per pipelined reply.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        # A duplicate of the descriptor lets stop() shut the connection down from another thread even
        # while this thread sits inside a TLS handshake on the original socket object.
        self._control_socket: socket.socket | None = self.connection.dup()
        # Non-blocking, so that draining unread input at the end never waits. The descriptors share
        # one file description, which a socket with a timeout already keeps in non-blocking mode.
        self._control_socket.setblocking(False)
        self._control_lock = threading.Lock()
        self.session_number, self.command_log, self.queue_log = self.server.mailbox.open_session()
        server_faults = self.server.faults
        self.faults = server_faults if server_faults.applies_to(self.session_number) else Faults()
        self.input_buffer = bytearray()
        self.pending_output: list[bytes] = []
        self.state = _AUTHORIZATION
        self.tls_active = False
        self.pending_user: bytes | None = None
        self.holds_maildrop = False
        self.session_messages: list[tuple[str, bytes]] = []
        self.marked_for_deletion: set[int] = set()
        self.retr_count = 0
        self.dele_count = 0
        self.drop_count = 0
        # RFC 6856: the client sent UTF8, so mail goes out as stored (see Faults.courier_utf8).
        self.utf8 = False
        self.server._register_session(self)

    def handle(self) -> None:
        if self.server.stopping.is_set():
            return
        try:
            if self.server.mode == "tls":
                self._start_tls()
            if self.faults.greeting_bytes is not None:
                self._write(self.faults.greeting_bytes)
            else:
                self._write_line(self._greeting())
            self._flush()
            if self.faults.close_after_greeting:
                return
            while True:
                line = self._read_line(MAX_CONTINUATION_LINE_OCTETS)
                if line is None or not self._handle_command_line(line):
                    return
        except (_ConnectionDropped, OSError):
            # A dropped or failed connection is an ordinary outcome here (TLS handshake refused by
            # the client, client gone, scripted fault); nothing is applied to the maildrop.
            return

    def finish(self) -> None:
        if self.holds_maildrop:
            self.server.mailbox.close_maildrop(self.session_number)
            self.holds_maildrop = False
        self._close_connection()
        self.server._unregister_session(self)

    def abort(self) -> None:
        """Shut the connection down from another thread so that this session's thread ends."""
        with self._control_lock:
            if self._control_socket is not None:
                try:
                    self._control_socket.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    # Reading and writing -------------------------------------------------------------------------

    def _read_line(self, limit: int) -> bytes | None:
        """Return the next line, line ending included, or None at end of stream."""
        while True:
            line_end = self.input_buffer.find(b"\n")
            if line_end >= 0:
                line = bytes(self.input_buffer[: line_end + 1])
                del self.input_buffer[: line_end + 1]
                if self.faults.out_of_step_pipelining and self.input_buffer:
                    # The broken pipeliner: whatever else arrived with this line is lost.
                    self.input_buffer.clear()
                return line
            if len(self.input_buffer) > limit:
                raise _ConnectionDropped("line too long without a line ending")
            chunk = self.connection.recv(RECEIVE_CHUNK_OCTETS)
            if not chunk:
                return None
            self.input_buffer += chunk

    def _read_continuation(self) -> bytes:
        """Read one SASL client response line (RFC 5034 §4), logged like a command."""
        line = self._read_line(MAX_CONTINUATION_LINE_OCTETS)
        if line is None:
            raise _ConnectionDropped("client closed during AUTH")
        text = _strip_line_ending(line)
        self.command_log.append(text.decode("latin-1"))
        return text

    def _write(self, data: bytes) -> None:
        self.pending_output.append(data)

    def _write_line(self, line: str) -> None:
        self._write(line.encode("utf-8") + b"\r\n")

    def _write_multiline(self, status: str, lines: Iterable[str]) -> None:
        body = "".join(f"{line}\r\n" for line in lines).encode("utf-8")
        self._write_line(status)
        self._write(dot_stuff(body))

    def _flush(self, copies: int = 1) -> None:
        if not self.pending_output:
            return
        data = b"".join(self.pending_output)
        self.pending_output.clear()
        for _ in range(copies):
            self.connection.sendall(data)

    def _close_connection(self) -> None:
        with self._control_lock:
            control_socket, self._control_socket = self._control_socket, None
        if control_socket is not None:
            try:
                # Send FIN after everything already written, then discard unread input: closing
                # with unread data would make the kernel send RST, and the client could lose the
                # bytes (such as half a RETR) that a test expects it to see before the end.
                control_socket.shutdown(socket.SHUT_WR)
                while control_socket.recv(RECEIVE_CHUNK_OCTETS):
                    pass
            except OSError:
                pass
            control_socket.close()
        try:
            self.connection.close()
        except OSError:
            pass

    def _stall_until_client_closes(self) -> NoReturn:
        """Answer nothing more; wait for the client (or the handler timeout, or stop()) to end it."""
        self._flush()
        while not self.server.stopping.is_set():
            try:
                if not self.connection.recv(RECEIVE_CHUNK_OCTETS):
                    break
            except OSError:
                break
        raise _ConnectionDropped("stalled")

    def _stream_endless_reply(self) -> NoReturn:
        """Send a reply that never ends (see Faults.endless_reply_to) until the client goes away."""
        if self.faults.endless_reply_kind == "line":
            self._write(b"+OK ")
            chunk = b"x" * RECEIVE_CHUNK_OCTETS
        else:
            self._write(b"+OK here it comes\r\n")
            chunk = b"endless body line\r\n" * (RECEIVE_CHUNK_OCTETS // 19)
        self._flush()
        sent = 0
        drip = self.faults.endless_drip_seconds
        if drip > 0:
            chunk = chunk[:1]
        # sendall raises once the client has closed (broken pipe or reset): that ends the stream.
        while sent < ENDLESS_REPLY_LIMIT_OCTETS and not self.server.stopping.is_set():
            self.connection.sendall(chunk)
            sent += len(chunk)
            if drip > 0:
                self.server.stopping.wait(drip)
        raise _ConnectionDropped("endless reply stopped")

    def _start_tls(self) -> None:
        context = self.server.ssl_context
        assert context is not None  # Checked by FakePop3Server for the "stls" and "tls" modes.
        # The handshake runs here, under the socket timeout set in setup().
        self.connection = context.wrap_socket(self.connection, server_side=True)
        self.tls_active = True

    # Dispatch ------------------------------------------------------------------------------------

    def _handle_command_line(self, raw_line: bytes) -> bool:
        """Answer one command line; return False when the session is over."""
        line = _strip_line_ending(raw_line)
        self.command_log.append(line.decode("latin-1"))
        self.queue_log.append((line.decode("latin-1"), self.input_buffer.count(b"\n")))
        if len(raw_line) > MAX_COMMAND_LINE_OCTETS:
            self._write_line("-ERR Command line too long")
            self._flush()
            return True
        verb_bytes, _, argument = line.partition(b" ")
        verb = verb_bytes.decode("latin-1").upper()
        faults = self.faults

        if verb in faults.stall_verbs:
            self._stall_until_client_closes()
        if faults.slow_reply_seconds > 0 and (not faults.slow_verbs or verb in faults.slow_verbs):
            # An Event wait instead of sleep, so that stop() is not held up by a slow reply.
            self.server.stopping.wait(faults.slow_reply_seconds)
        # Scripted replies meant for a listing must not hit "LIST n" / "UIDL n" (the form a client
        # pipelines after each RETR); those are scripted as "LIST N" and "UIDL N".
        scripted = f"{verb} N" if verb in ("LIST", "UIDL") and argument.strip() else verb
        if scripted == faults.garbage_reply_to:
            self._write(GARBAGE_REPLY)
            self._flush()
            return True
        if scripted in faults.err_reply:
            self._write_line(faults.err_reply[scripted])
            self._flush()
            return True
        if scripted in faults.raw_reply:
            self._write(faults.raw_reply[scripted])
            self._flush()
            return True
        if verb == faults.endless_reply_to:
            self._stream_endless_reply()
        if scripted == faults.drop_command and self._drop_once():
            return True

        keep_going = self._dispatch(verb, argument)
        self._flush(copies=2 if scripted == faults.duplicate_reply_to else 1)
        return keep_going

    def _drop_once(self) -> bool:
        """Faults.drop_command: whether to ignore this occurrence (the N-th one) without a reply."""
        self.drop_count += 1
        return self.drop_count == self.faults.drop_command_occurrence

    def _dispatch(self, verb: str, argument: bytes) -> bool:
        known = verb in _AUTHORIZATION_VERBS | _TRANSACTION_VERBS | _ANY_STATE_VERBS
        if not known:
            self._write_line("-ERR Unknown command")
            return True
        if (verb in _AUTHORIZATION_VERBS and self.state != _AUTHORIZATION) or (
            verb in _TRANSACTION_VERBS and self.state != _TRANSACTION
        ):
            self._write_line(f"-ERR {verb} is not valid in the {self.state} state")
            return True
        handler = getattr(self, f"cmd_{verb}")
        return handler(argument) is not False

    # Greeting and capabilities -------------------------------------------------------------------

    def _greeting(self) -> str:
        timestamp = self.server.greeting_timestamp
        return "+OK POP3 fake ready" + (f" {timestamp}" if timestamp else "")

    def _stls_available(self) -> bool:
        # RFC 2595 §4: STLS is an AUTHORIZATION-state command and cannot be repeated once TLS is on.
        return self.server.mode == "stls" and not self.tls_active and self.state == _AUTHORIZATION

    def _capabilities(self) -> list[str]:
        faults = self.faults
        if self.server.capabilities is not None:
            capabilities = list(self.server.capabilities)
        else:
            capabilities = []
            if not faults.no_top:
                capabilities.append("TOP")
            if not faults.no_uidl:
                capabilities.append("UIDL")
            capabilities += ["USER", "RESP-CODES", "AUTH-RESP-CODE"]
            if self.server.pipelining or faults.out_of_step_pipelining:
                capabilities.append("PIPELINING")
            capabilities.append("SASL " + " ".join(self.server.sasl_mechanisms))
            if faults.login_delay is not None:
                capabilities.append(f"LOGIN-DELAY {faults.login_delay}")
            if faults.expire is not None:
                capabilities.append(f"EXPIRE {faults.expire}")
            capabilities.append("IMPLEMENTATION fake")
            if faults.advertise_stls:
                capabilities.append("STLS")
            if faults.courier_utf8:
                capabilities.append("UTF8 USER")
        if not self._stls_available():
            # RFC 2595 §4: after the upgrade the client re-issues CAPA and must not see STLS again.
            capabilities = [item for item in capabilities if item.upper() != "STLS"]
        return capabilities

    def cmd_CAPA(self, argument: bytes) -> None:
        if self.faults.no_capa:
            self._write_line("-ERR Unknown command")
            return
        if self.state == _TRANSACTION and self.faults.capa_after_login is not None:
            self._write_multiline("+OK Capability list follows", self.faults.capa_after_login)
            return
        self._write_multiline("+OK Capability list follows", self._capabilities())

    # AUTHORIZATION state -------------------------------------------------------------------------

    def cmd_STLS(self, argument: bytes) -> None:
        if self.server.mode != "stls" or self.tls_active:
            self._write_line("-ERR STLS not permitted now")
            return
        if self.faults.refuse_stls:
            self._write_line("-ERR [SYS/TEMP] TLS not available")
            return
        self._write_line("+OK Begin TLS negotiation")
        if self.faults.pre_tls_injection:
            self._write(self.faults.pre_tls_injection)
        self._flush()
        # Plaintext the client sent after STLS must never be read as a command once TLS is up: that
        # is the STARTTLS command injection flaw (CVE-2011-0411). Discard it.
        self.input_buffer.clear()
        self._start_tls()
        # RFC 2595 §4: the session starts over; forget anything negotiated in the clear.
        self.pending_user = None

    def cmd_UTF8(self, argument: bytes) -> None:
        # RFC 6856 section 2: valid in the AUTHORIZATION state only (the dispatcher checks).
        if self.faults.refuse_utf8 or not self.faults.courier_utf8:
            self._write_line("-ERR UTF8 not available")
            return
        self.utf8 = True
        self._write_line("+OK UTF8 enabled")

    def cmd_USER(self, argument: bytes) -> None:
        if not argument:
            self._write_line("-ERR Missing user name")
            return
        # Always +OK: refusing here would tell a stranger which accounts exist.
        self.pending_user = argument
        self._write_line("+OK User accepted, send PASS")

    def cmd_PASS(self, argument: bytes) -> None:
        user, self.pending_user = self.pending_user, None
        if user is None:
            self._write_line("-ERR Send USER first")
            return
        self._finish_login(self._credentials_match(user, argument))

    def cmd_APOP(self, argument: bytes) -> None:
        timestamp = self.server.greeting_timestamp
        if not timestamp:
            self._write_line("-ERR APOP not supported")
            return
        name, _, digest = argument.partition(b" ")
        if not name or not digest:
            self._write_line("-ERR Usage: APOP name digest")
            return
        expected = apop_digest(timestamp, self.server.password).encode("ascii")
        matches = name == self.server.user.encode("utf-8") and digest.lower() == expected
        self._finish_login(matches)

    def cmd_AUTH(self, argument: bytes) -> None:
        if not argument:
            # Without a mechanism many servers list what they support (the RFC 1734 habit).
            self._write_multiline("+OK Supported mechanisms follow", self.server.sasl_mechanisms)
            return
        mechanism_bytes, _, initial_response = argument.partition(b" ")
        mechanism = mechanism_bytes.decode("latin-1").upper()
        if mechanism == "PLAIN":
            self._auth_plain(initial_response)
        elif mechanism == "LOGIN":
            self._auth_login(initial_response)
        elif mechanism in OAUTH_MECHANISMS and self.server.token_checker is not None:
            self._auth_bearer(mechanism, initial_response)
        else:
            self._write_line("-ERR Unsupported authentication mechanism")

    def _auth_plain(self, initial_response: bytes) -> None:
        # RFC 4616: the message is authzid NUL authcid NUL password.
        payload = self._sasl_response(initial_response, challenge=b"")
        if payload is None:
            return
        parts = payload.split(b"\0")
        if len(parts) != 3:
            self._finish_login(False)
            return
        authorization_id, authentication_id, password = parts
        # Acting as another user is not supported: the authzid must be empty or the same user.
        acting_as_self = authorization_id in (b"", authentication_id)
        self._finish_login(acting_as_self and self._credentials_match(authentication_id, password))

    def _auth_login(self, initial_response: bytes) -> None:
        # The LOGIN mechanism (draft-murchison-sasl-login): prompts "Username:" then "Password:".
        user = self._sasl_response(initial_response, challenge=b"Username:")
        if user is None:
            return
        password = self._sasl_response(b"", challenge=b"Password:")
        if password is None:
            return
        self._finish_login(self._credentials_match(user, password))

    def _auth_bearer(self, mechanism: str, initial_response: bytes) -> None:
        # XOAUTH2 and OAUTHBEARER: one response with the token. A refused token gets the JSON
        # error challenge (unless the server is told to answer like Microsoft's, with a bare -ERR),
        # the client's dummy response to it, then the failure reply.
        server = self.server
        assert server.token_checker is not None
        if initial_response and server.oauth_two_line_only:
            self._write_line("-ERR Send the token after the continuation, not on the AUTH line")
            return
        payload = self._sasl_response(initial_response, challenge=b"")
        if payload is None:
            return
        login = parse_bearer_message(mechanism, payload)
        if login is None:
            self._write_line("-ERR [AUTH] Malformed OAuth2 message")
            return
        verdict = server.token_checker(login.user, login.token)
        if verdict is None and login.user == server.user:
            self._finish_login(True)
            return
        if server.oauth_json_errors:
            challenge = error_challenge(verdict or "invalid_token", server.oauth_scope)
            self._write(b"+ " + base64.b64encode(challenge) + b"\r\n")
            self._flush()
            server.oauth_error_acks.append(self._read_continuation())
        self._write_line(server.auth_failure_reply)

    def _sasl_response(self, initial_response: bytes, challenge: bytes) -> bytes | None:
        """Return the client's decoded response, or None after writing the -ERR that ends AUTH.

        RFC 5034 §4: an initial response "=" means empty; otherwise the server sends "+ " and the
        base64 challenge and reads one line; "*" cancels; undecodable base64 rejects the command.
        """
        if initial_response:
            encoded = b"" if initial_response == b"=" else initial_response
        else:
            self._write(b"+ " + base64.b64encode(challenge) + b"\r\n")
            self._flush()
            encoded = self._read_continuation()
            if encoded == b"*":
                self._write_line("-ERR Authentication cancelled")
                return None
        try:
            return base64.b64decode(encoded, validate=True)
        except binascii.Error:
            self._write_line("-ERR Invalid base64 in authentication response")
            return None

    def _credentials_match(self, user: bytes, password: bytes) -> bool:
        # Compared as UTF-8 bytes, so a non-ASCII password works the same over PASS, APOP and AUTH.
        return user == self.server.user.encode("utf-8") and password == self.server.password.encode("utf-8")

    def _finish_login(self, credentials_ok: bool) -> None:
        if not credentials_ok:
            self._write_line(self.server.auth_failure_reply)
            return
        try:
            self.session_messages = self.server.mailbox.open_maildrop(
                self.session_number,
                exclusive=self.server.exclusive,
                wait_seconds=self.server.in_use_wait_seconds,
                login_delay=self.faults.login_delay,
            )
        except _MaildropRefused as refusal:
            self._write_line(str(refusal))
            return
        self.holds_maildrop = True
        self.state = _TRANSACTION
        count, size = self._maildrop_totals()
        self._write_line(f"+OK Logged in, {count} messages ({size} octets)")

    # TRANSACTION state ---------------------------------------------------------------------------

    def _reported_size(self, raw: bytes) -> int:
        return max(0, len(raw) + self.faults.list_size_delta)

    def _live_numbers(self) -> list[int]:
        return [number for number in range(1, len(self.session_messages) + 1) if number not in self.marked_for_deletion]

    def _maildrop_totals(self) -> tuple[int, int]:
        numbers = self._live_numbers()
        size = sum(self._reported_size(self.session_messages[number - 1][1]) for number in numbers)
        return len(numbers), size

    def _message_number(self, argument: bytes) -> int | None:
        """Parse a message number; write -ERR and return None when it names no live message."""
        text = argument.strip()
        if not text.isdigit():
            self._write_line("-ERR Invalid message number")
            return None
        number = int(text)
        if not 1 <= number <= len(self.session_messages):
            self._write_line("-ERR No such message")
            return None
        if number in self.marked_for_deletion:
            self._write_line(f"-ERR Message {number} already deleted")
            return None
        return number

    def cmd_STAT(self, argument: bytes) -> None:
        count, size = self._maildrop_totals()
        self._write_line(f"+OK {count} {size}")

    def cmd_LIST(self, argument: bytes) -> None:
        if argument.strip():
            number = self._message_number(argument)
            if number is not None:
                raw = self.session_messages[number - 1][1]
                self._write_line(f"+OK {number} {self._reported_size(raw)}")
            return
        count, size = self._maildrop_totals()
        lines = [
            f"{number} {self._reported_size(self.session_messages[number - 1][1])}" for number in self._live_numbers()
        ]
        self._write_multiline(f"+OK {count} messages ({size} octets)", lines)

    def cmd_UIDL(self, argument: bytes) -> None:
        if self.faults.no_uidl:
            self._write_line("-ERR Unknown command")
            return
        if argument.strip():
            number = self._message_number(argument)
            if number is not None:
                self._write_line(f"+OK {number} {self.session_messages[number - 1][0]}")
            return
        lines = [f"{number} {self.session_messages[number - 1][0]}" for number in self._live_numbers()]
        self._write_multiline("+OK Unique-ID listing follows", lines)

    def cmd_TOP(self, argument: bytes) -> None:
        if self.faults.no_top:
            self._write_line("-ERR Unknown command")
            return
        number_text, _, line_count_text = argument.strip().partition(b" ")
        line_count_text = line_count_text.strip()
        if not line_count_text.isdigit():
            self._write_line("-ERR Usage: TOP message lines")
            return
        number = self._message_number(number_text)
        if number is None:
            return
        raw = self.session_messages[number - 1][1]
        self._write_line("+OK Top of message follows")
        self._write(dot_stuff(top_of_message(raw, int(line_count_text))))

    def cmd_RETR(self, argument: bytes) -> None:
        number = self._message_number(argument)
        if number is None:
            return
        raw = self.session_messages[number - 1][1]
        sent = self.faults.retr_substitute.get(number, raw)
        announced = self._reported_size(raw)
        if self.faults.courier_utf8 and not self.utf8 and _has_8bit_header(raw):
            sent = courier_wrapper(raw)
            announced = len(sent)
        wire = dot_stuff(sent)
        self._write_line(f"+OK {announced} octets")
        if number in (self.faults.drop_mid_retr, self.faults.stall_mid_retr):
            self._write(wire[: len(wire) // 2])
            self._flush()
            if number == self.faults.drop_mid_retr:
                raise _ConnectionDropped(f"scripted drop in the middle of RETR {number}")
            self._stall_until_client_closes()
        self._write(wire)
        self.retr_count += 1
        if self.retr_count == self.faults.drop_after_retr_count:
            self._flush()
            raise _ConnectionDropped(f"scripted drop after {self.retr_count} RETR")

    def cmd_DELE(self, argument: bytes) -> None:
        self.dele_count += 1
        if self.dele_count == self.faults.drop_mid_dele:
            raise _ConnectionDropped(f"scripted drop on DELE number {self.dele_count}")
        number = self._message_number(argument)
        if number is None:
            return
        # RFC 1939 §5: only a mark; the message goes away in the UPDATE state, after QUIT.
        self.marked_for_deletion.add(number)
        self._write_line(f"+OK Message {number} deleted")

    def cmd_RSET(self, argument: bytes) -> None:
        self.marked_for_deletion.clear()
        count, size = self._maildrop_totals()
        self._write_line(f"+OK Maildrop has {count} messages ({size} octets)")

    def cmd_NOOP(self, argument: bytes) -> None:
        self._write_line("+OK")

    def cmd_QUIT(self, argument: bytes) -> bool:
        if self.faults.drop_before_quit_reply:
            raise _ConnectionDropped("scripted drop before the QUIT reply")
        if self.state != _TRANSACTION:
            self._write_line("+OK Bye")
            return False
        # RFC 1939 §6 (UPDATE state): remove the marked messages, release the lock, then reply. The
        # lock goes before the reply so that a client reconnecting at once finds the maildrop free.
        doomed = [self.session_messages[number - 1] for number in self.marked_for_deletion]
        removed = 0 if self.faults.ignore_dele else self.server.mailbox.remove_entries(doomed)
        self.server.mailbox.close_maildrop(self.session_number)
        self.holds_maildrop = False
        self._write_line(f"+OK Bye, {removed} messages deleted")
        return False


def _has_8bit_header(raw: bytes) -> bool:
    end = raw.find(b"\r\n\r\n")
    return any(byte > 0x7F for byte in (raw if end < 0 else raw[:end]))


def courier_wrapper(raw: bytes) -> bytes:
    """What Courier sends instead of a message with 8-bit headers to a client without UTF8."""
    return crlf("From: Mail Delivery Subsystem <MAILER-DAEMON@fake.example>\n"
                "Subject: Message cannot be displayed\n"
                "MIME-Version: 1.0\nContent-Type: text/plain\n\n"
                f"This message ({len(raw)} bytes) has Unicode headers that your mail program cannot show.\n")


def _strip_line_ending(line: bytes) -> bytes:
    """Remove one trailing LF and then one CR; a CR that belongs to an argument is kept."""
    if line.endswith(b"\n"):
        line = line[:-1]
    if line.endswith(b"\r"):
        line = line[:-1]
    return line


class FakePop3Server(socketserver.ThreadingTCPServer):
    """A POP3 server on a loopback port chosen by the kernel. Use it as a context manager.

    ``mode`` is "plain" (no TLS), "stls" (plain socket, upgraded by STLS as in RFC 2595 §4) or "tls"
    (TLS from the first byte); the TLS modes need ``ssl_context`` (see tests/fakes/certs.py).
    ``capabilities``, when given, replaces the computed CAPA list verbatim (except that STLS is hidden
    once unavailable). ``greeting_timestamp`` is the APOP timestamp in the greeting; None leaves it
    out and disables APOP, and a malformed one such as "<abc>" tests a client's strict check.
    With ``exclusive`` a second concurrent login gets "-ERR [IN-USE]" (RFC 2449 §8). With
    ``shared_uidls`` two messages may have one UIDL, as popa3d gives them. ``token_checker``
    offers XOAUTH2 and OAUTHBEARER; ``oauth_two_line_only`` refuses the token on the AUTH line and
    ``oauth_json_errors=False`` refuses a token with a bare -ERR (both as Microsoft's server).
    """

    daemon_threads = True
    allow_reuse_address = True
    # stop() joins the handler threads itself, with a bound; server_close() must not wait forever.
    block_on_close = False

    def __init__(
        self,
        messages: Sequence[bytes] = (),
        uidls: Sequence[str] | None = None,
        user: str = DEFAULT_USER,
        password: str = DEFAULT_PASSWORD,
        mode: SecurityMode = "plain",
        ssl_context: ssl.SSLContext | None = None,
        faults: Faults | None = None,
        capabilities: Sequence[str] | None = None,
        greeting_timestamp: str | None = DEFAULT_GREETING_TIMESTAMP,
        exclusive: bool = True,
        *,
        host: str = "127.0.0.1",
        pipelining: bool = True,
        auth_failure_reply: str = DEFAULT_AUTH_FAILURE_REPLY,
        handler_timeout: float = DEFAULT_HANDLER_TIMEOUT_SECONDS,
        in_use_wait_seconds: float = DEFAULT_IN_USE_WAIT_SECONDS,
        shared_uidls: bool = False,
        token_checker: TokenChecker | None = None,
        oauth_two_line_only: bool = False,
        oauth_json_errors: bool = True,
        oauth_scope: str = "https://mail.example/pop",
    ) -> None:
        if mode not in ("plain", "stls", "tls"):
            raise ValueError(f"unknown mode {mode!r}")
        if mode != "plain" and ssl_context is None:
            raise ValueError(f"mode {mode!r} needs an ssl_context")
        if uidls is not None and len(uidls) != len(messages):
            raise ValueError("uidls must have one entry per message")
        if not ipaddress.ip_address(host).is_loopback:
            raise ValueError("the fake server binds to loopback addresses only")

        self.user = user
        self.password = password
        self.mode: SecurityMode = mode
        self.ssl_context = ssl_context
        self.faults = faults if faults is not None else Faults()
        self.capabilities = list(capabilities) if capabilities is not None else None
        self.greeting_timestamp = greeting_timestamp
        self.exclusive = exclusive
        self.pipelining = pipelining
        self.auth_failure_reply = auth_failure_reply
        self.handler_timeout = handler_timeout
        self.in_use_wait_seconds = in_use_wait_seconds
        # XOAUTH2 and OAUTHBEARER are offered only with a token checker (tests/fakes/oauth_sasl.py).
        self.token_checker = token_checker
        self.oauth_two_line_only = oauth_two_line_only
        self.oauth_json_errors = oauth_json_errors
        self.oauth_scope = oauth_scope
        #: The client's answers to the JSON error challenge, for tests to check.
        self.oauth_error_acks: list[bytes] = []
        self.sasl_mechanisms = _SASL_MECHANISMS + (OAUTH_MECHANISMS if token_checker is not None else ())
        self.mailbox = Mailbox()
        self.mailbox.shared_uidls = shared_uidls
        for index, raw in enumerate(messages):
            self.mailbox.add(raw, uidls[index] if uidls is not None else None)

        self.stopping = threading.Event()
        # Unexpected exceptions raised by handlers: bugs in the fake; a test may assert it is empty.
        self.handler_errors: list[BaseException] = []
        self._sessions_changed = threading.Condition()
        self._live_sessions: set[Pop3SessionHandler] = set()
        self._serve_thread: threading.Thread | None = None
        if ipaddress.ip_address(host).version == 6:
            self.address_family = socket.AF_INET6
        super().__init__((host, 0), Pop3SessionHandler)

    @property
    def address(self) -> tuple[str, int]:
        """(host, port) to connect to."""
        host, port = self.server_address[:2]
        return str(host), int(port)

    def add_message(self, raw: bytes, uidl: str | None = None) -> str:
        """Deliver a new message (seen by sessions that log in afterwards); return its UIDL."""
        return self.mailbox.add(raw, uidl)

    def start(self) -> FakePop3Server:
        if self._serve_thread is None:
            self._serve_thread = threading.Thread(
                target=self.serve_forever,
                kwargs={"poll_interval": SERVE_POLL_SECONDS},
                name=f"fake-pop3-{self.address[1]}",
                daemon=True,
            )
            self._serve_thread.start()
        return self

    def stop(self) -> None:
        """Stop accepting, end every live session without applying it, and close the listener."""
        self.stopping.set()
        if self._serve_thread is not None:
            self.shutdown()
            self._serve_thread.join(STOP_JOIN_SECONDS)
            self._serve_thread = None
        self.server_close()
        with self._sessions_changed:
            live_sessions = list(self._live_sessions)
        for session in live_sessions:
            session.abort()
        for session in live_sessions:
            session.thread.join(STOP_JOIN_SECONDS)

    def wait_until_idle(self, timeout: float = 5.0) -> bool:
        """Wait until no session is running (the server has seen every client leave)."""
        with self._sessions_changed:
            return self._sessions_changed.wait_for(lambda: not self._live_sessions, timeout)

    def __enter__(self) -> FakePop3Server:
        return self.start()

    def __exit__(
        self,
        exception_type: type[BaseException] | None,
        exception: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def handle_error(self, request: object, client_address: object) -> None:
        error = sys.exc_info()[1]
        if error is not None:
            self.handler_errors.append(error)
        super().handle_error(request, client_address)  # type: ignore[arg-type]

    def _register_session(self, session: Pop3SessionHandler) -> None:
        with self._sessions_changed:
            self._live_sessions.add(session)
            self._sessions_changed.notify_all()

    def _unregister_session(self, session: Pop3SessionHandler) -> None:
        with self._sessions_changed:
            self._live_sessions.discard(session)
            self._sessions_changed.notify_all()
