"""The POP3 client: one object per session, commands as methods, errors from the vocabulary.

Usage, as the fetch engine does it::

    client = Pop3Client("pop.example.com", 995, Security.TLS, timeout=60)
    client.connect()                      # TCP, TLS (or STLS), greeting, CAPA
    client.login(user, password)          # strongest offered mechanism, CAPA again
    uids = client.unique_ids(); sizes = client.list_sizes()
    for item in client.retrieve_many(requests, pipelined=True): ...
    client.delete_many(numbers, pipelined=True)
    client.quit()                         # deletions happen only now (RFC 1939 section 6)

On any failure the caller uses :meth:`abort`: RSET and QUIT while the stream is in step,
otherwise just close, so nothing marked for deletion is ever removed by accident.
"""

from __future__ import annotations

import base64
import logging
import re
import ssl
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from hashlib import md5
from types import TracebackType

from app.core.cancel import CancelToken
from app.core.errors import (
    AuthError,
    Cancelled,
    ConfigError,
    ConnectError,
    MessageTooLarge,
    OutOfStep,
    PipelineStalled,
    PoplarkError,
    ProtocolError,
    ServerTimeout,
    StartTlsUnavailable,
    TemporaryServerError,
    TlsError,
    TlsPortWithoutTls,
)
from app.core.model import Security
from app.core.pop3.capabilities import Capabilities, parse_capabilities
from app.core.pop3.connection import (
    CertificateRejected,
    Connection,
    TlsInfo,
    handshake,
    make_tls_context,
    open_tcp,
    silent_tls_port,
    tls_info,
    unverified_context,
)
from app.core.pop3.listing import (
    Retrieved,
    announced_octets,
    check_not_a_repeat,
    check_sentinel,
    listed_size,
    parse_listing,
    plausible_size,
    sentinel_command,
)
from app.core.pop3.responses import Status, error_for, parse_status
from app.core.protocol_log import REDACTED, ProtocolLog, redact_command, remember

log = logging.getLogger("poplark.pop3")

#: RFC 2449 section 4: a command line, CRLF included, is at most 255 octets. RFC 5034 section 4
#: says an AUTH initial response that would break this goes on a continuation line instead.
MAX_COMMAND_OCTETS = 255
#: Messages in flight at once when pipelining (RFC 2449 section 6.6), each RETR with its LIST
#: sentinel. mpop keeps 100 commands in flight; the send side stays a few KB, well under any socket
#: buffer, so the client never deadlocks on send.
PIPELINE_WINDOW = 100
#: Refill the window when this few replies are still outstanding.
PIPELINE_REFILL_AT = 25
#: On abort, spend at most this long reading replies still in flight before RSET and QUIT.
ABORT_DRAIN_SECONDS = 3.0
#: APOP's timestamp must be a msg-id, "<" local "@" domain ">" (RFC 1939 section 7); the loose
#: "<.*>" that poplib accepts allows the CVE-2007-1558 attack.
_APOP_TIMESTAMP = re.compile(rb"<[\x21-\x3b\x3d\x3f-\x7e]+@[\x21-\x3b\x3d\x3f-\x7e]+>")
#: Bounds on multi-line replies other than messages, so a hostile server cannot fill memory.
#: CAPA is a handful of lines; a UIDL line is at most about 83 octets (RFC 1939 section 7), so
#: 64 MiB is some 800,000 messages.
MAX_CAPA_OCTETS = 64 * 1024
MAX_LISTING_OCTETS = 64 * 1024 * 1024
#: A single message larger than this is refused when the caller sets no cap (memory safety).
DEFAULT_MESSAGE_LIMIT = 512 * 1024 * 1024
#: The header block from TOP n 0; real ones are a few KB, spam with huge headers some MB.
MAX_HEADER_OCTETS = 16 * 1024 * 1024


class Pop3Client:
    """A POP3 session over socket + ssl. Not thread-safe: one thread drives one client."""

    def __init__(self, host: str, port: int, security: Security, *, timeout: float = 60.0,
                 ca_file: str | None = None, pinned_cert_sha256: str | None = None,
                 cancel: CancelToken | None = None) -> None:
        self.host = host
        self.port = port
        self.security = security
        self.timeout = timeout
        self.ca_file = ca_file
        self.pinned_cert_sha256 = pinned_cert_sha256.lower() if pinned_cert_sha256 else None
        self.cancel = cancel
        self.greeting = ""
        self.capabilities = Capabilities()
        self.tls: TlsInfo | None = None
        self.mechanism = ""
        #: Whether the server accepted UTF8 (RFC 6856) for this session.
        self.utf8 = False
        self._connection: Connection | None = None
        self._apop_timestamp: bytes | None = None
        # One entry per command sent and not yet answered: True when its reply is multi-line.
        self._pending: deque[bool] = deque()
        # False once a read failed midway: the stream position is unknown, so only close() is safe.
        # A cancel is not such a failure: it is only raised between socket reads, and what was
        # read so far stays in the buffer.
        self._in_step = True
        # True between a +OK to a multi-line command and the end of its body.
        self._body_pending = False
        # True once the server accepted a DELE this session (and no RSET undid it).
        self._deletions_marked = False
        #: The conversation, secrets redacted, bodies as byte counts (see app/core/protocol_log).
        self.protocol_log = ProtocolLog(f"{host}:{port}")

    # -- session lifecycle ------------------------------------------------------------------

    def __enter__(self) -> Pop3Client:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        if kind is None:
            self.quit()
        else:
            self.abort(value)

    def connect(self) -> None:
        """Connect, secure the link as the account says, read the greeting and CAPA."""
        remember(self.protocol_log)
        self.protocol_log.note(f"connecting to {self.host}:{self.port}, security {self.security.value}")
        try:
            self._open(make_tls_context(self.ca_file))
        except CertificateRejected as rejected:
            self._open_with_rejected_certificate(rejected.reason)

    def _open_with_rejected_certificate(self, reason: str) -> None:
        # Read the certificate over an unverified handshake: either it is the exact certificate
        # the user pinned (go on, sending no secret before this check), or report its fingerprint.
        self._open(unverified_context())
        assert self.tls is not None
        if self.pinned_cert_sha256 and self.tls.fingerprint_sha256 == self.pinned_cert_sha256:
            self.tls = replace(self.tls, pinned=True)
            return
        fingerprint, subject = self.tls.fingerprint_sha256, self.tls.subject
        self.close()
        changed = " and it is not the certificate you chose to trust" if self.pinned_cert_sha256 else ""
        raise TlsError(f"the server's certificate is not trusted: {reason}{changed}",
                       fingerprint_sha256=fingerprint, subject=subject)

    def _open(self, context: ssl.SSLContext) -> None:
        self._pending.clear()
        self._in_step = True
        self._body_pending = False
        self._deletions_marked = False
        self.tls = None
        raw = open_tcp(self.host, self.port, self.timeout, self.cancel)
        if self.security is Security.TLS:
            secured = handshake(raw, self.host, self.port, context, self.timeout, self.cancel)
            self.tls = tls_info(secured)
            self._note_tls()
            self._connection = Connection(secured, idle_timeout=self.timeout, cancel=self.cancel)
        else:
            self._connection = Connection(raw, idle_timeout=self.timeout, cancel=self.cancel)
        try:
            self._read_greeting()
            self.capabilities = self._capa()
            if self.security is Security.STARTTLS:
                self._start_tls(context)
        except BaseException:
            self.close()
            raise

    def _read_greeting(self) -> None:
        if self.security is not Security.TLS and silent_tls_port(self._conn, self.host, self.port):
            self.protocol_log.note("no greeting, and the port answers a TLS handshake: a TLS port")
            raise TlsPortWithoutTls(f"connected to {self.host}:{self.port}, but the server sent no greeting: "
                                    "that port expects TLS from the start")
        line = self._conn.read_line()
        status = parse_status(line)
        self.greeting = status.text
        if not status.ok:
            raise error_for(status, during="connecting") if status.code else TemporaryServerError(
                "the server is not accepting connections now", server_text=status.text)
        match = _APOP_TIMESTAMP.search(line)
        self._apop_timestamp = match.group(0) if match else None

    def _start_tls(self, context: ssl.SSLContext) -> None:
        if self.capabilities.known and not self.capabilities.stls:
            # RFC 2595 section 4 / RFC 8314: STLS was asked for, so never continue in cleartext.
            raise StartTlsUnavailable("the server does not offer STARTTLS")
        status = self._command("STLS")
        if not status.ok:
            raise StartTlsUnavailable("the server refused STARTTLS", server_text=status.text)
        secured = handshake(self._conn.sock, self.host, self.port, context, self.timeout, self.cancel)
        self._conn.replace_socket(secured)
        self.tls = tls_info(secured)
        self._note_tls()
        # RFC 2595 section 4: capabilities from before the handshake must be discarded.
        self.capabilities = self._capa()

    def _note_tls(self) -> None:
        if self.tls is not None:
            self.protocol_log.note(f"TLS established: {self.tls.version} {self.tls.cipher}, "
                                   f"certificate {self.tls.subject} (SHA-256 {self.tls.fingerprint_sha256})")

    def login(self, user: str, password: str, *, allow_insecure_auth: bool = False,
              use_apop: bool = False) -> str:
        """Authenticate with the strongest mechanism offered; returns its name.

        Order: APOP when the user enabled it; SASL PLAIN; SASL LOGIN; USER/PASS. Sending a
        password in clear text over an unencrypted link needs ``allow_insecure_auth``.
        """
        previous_label = self.protocol_log.label
        self.protocol_log.label = f"{user}@{self.host}:{self.port}"
        remember(self.protocol_log, previous_label)
        self._enable_utf8()
        if use_apop:
            if self._apop_timestamp is None:
                raise ConfigError("APOP is switched on for this account, but the server's greeting "
                                  "offers no valid APOP timestamp: switch APOP off")
            digest = md5(self._apop_timestamp + password.encode("utf-8"), usedforsecurity=False)
            self._authenticate("APOP", lambda: self._command(
                f"APOP {user} {digest.hexdigest()}", secret=True))
        else:
            if self.tls is None and not allow_insecure_auth:
                raise ConfigError("refusing to send the password over an unencrypted connection: "
                                  "choose SSL/TLS or STARTTLS, or allow insecure authentication "
                                  "for this account")
            mechanisms = self.capabilities.sasl_mechanisms
            if "PLAIN" in mechanisms:
                plain = b"\0" + user.encode("utf-8") + b"\0" + password.encode("utf-8")
                self._authenticate("PLAIN", lambda: self._sasl("PLAIN", [plain], initial=True))
            elif "LOGIN" in mechanisms:
                self._authenticate("LOGIN", lambda: self._sasl(
                    "LOGIN", [user.encode("utf-8"), password.encode("utf-8")], initial=False))
            else:
                self._authenticate("USER", lambda: self._user_pass(user, password))
        if self.capabilities.known:
            # RFC 2449 section 6.5/6.7: LOGIN-DELAY and EXPIRE may differ per user after login.
            self.capabilities = self._capa()
        return self.mechanism

    def _enable_utf8(self) -> None:
        """RFC 6856: ask for mail as stored when the server offers UTF8 (before authenticating).

        Without it Courier replaces each message with raw 8-bit headers by a wrapper, and the
        user never sees the real one. A -ERR only means the server keeps downgrading: go on.
        """
        self.utf8 = False
        if self.capabilities.has("UTF8"):
            self.utf8 = self._command("UTF8").ok
            if not self.utf8:
                self.protocol_log.note("the server offers UTF8 but refused it; going on without it")

    def _authenticate(self, mechanism: str, attempt: Callable[[], Status]) -> None:
        status = attempt()
        if not status.ok:
            error = error_for(status, during="login", auth_phase=True,
                              auth_resp_code=self.capabilities.has("AUTH-RESP-CODE"))
            if isinstance(error, AuthError):
                error.host, error.mechanism = self.host, mechanism
            raise error
        self.mechanism = mechanism

    def _user_pass(self, user: str, password: str) -> Status:
        status = self._command(f"USER {user}")
        if not status.ok:
            return status
        return self._command(f"PASS {password}", secret=True)

    def _sasl(self, mechanism: str, responses: list[bytes], *, initial: bool) -> Status:
        """RFC 5034 AUTH exchange. Each response is base64'd; "=" stands for an empty one."""
        encoded = [base64.b64encode(item).decode("ascii") or "=" for item in responses]
        command = f"AUTH {mechanism}"
        if initial and len(command) + 1 + len(encoded[0]) + 2 <= MAX_COMMAND_OCTETS:
            self._send_line(f"{command} {encoded.pop(0)}", secret=True)
        else:
            self._send_line(command)
        self._pending.append(False)
        cancelled = False
        while True:
            line = self._read_raw_line()
            if line.startswith(b"+ ") or line.rstrip(b"\r\n") == b"+":
                if cancelled:
                    # A server that goes on challenging after "*" would keep us here forever.
                    self._in_step = False
                    raise ProtocolError("the server kept asking for more after authentication "
                                        "was cancelled")
                if not encoded:
                    # The server wants more than we have: cancel the exchange (RFC 5034 section 4).
                    self._send_line("*")
                    cancelled = True
                    continue
                self._send_line(encoded.pop(0), secret=True)
                continue
            self._pending.popleft()
            return parse_status(line)

    # -- transaction state ------------------------------------------------------------------

    def stat(self) -> tuple[int, int]:
        """(message count, total octets) as the server states them."""
        status = self._command_ok("STAT")
        parts = status.text.split()
        try:
            return int(parts[0]), int(parts[1])
        except (IndexError, ValueError) as error:
            raise ProtocolError(f"the server sent a malformed STAT reply: {status.text!r}") from error

    def list_sizes(self) -> dict[int, int]:
        """Message number -> size in octets (a hint: some servers miscount)."""
        return {number: listed_size(value, "LIST") for number, value in self._numbered_listing("LIST")}

    def unique_ids(self) -> dict[int, str]:
        """Message number -> UIDL. Raises PermanentServerError when UIDL is not supported."""
        return dict(self._numbered_listing("UIDL"))

    def _numbered_listing(self, verb: str) -> list[tuple[int, str]]:
        self._command_ok(verb, multiline=True)
        return parse_listing(self._read_body(MAX_LISTING_OCTETS), verb)

    def top(self, number: int, lines: int = 0) -> bytes:
        """The headers (and ``lines`` body lines) of a message, byte-exact."""
        self._command_ok(f"TOP {number} {lines}", multiline=True)
        return self._read_body(DEFAULT_MESSAGE_LIMIT, drain_oversized=True)

    def retrieve(self, number: int, max_bytes: int | None = None) -> bytes:
        outcome = next(self.retrieve_many([(number, None)], pipelined=False, max_bytes=max_bytes))
        if outcome.error is not None:
            raise outcome.error
        assert outcome.data is not None
        return outcome.data

    def headers_many(self, numbers: Sequence[int], *, pipelined: bool) -> Iterator[Retrieved]:
        """TOP n 0 for each number: the header block of each message, in order."""
        return self.retrieve_many([(number, None) for number in numbers], pipelined=pipelined,
                                  command="TOP {} 0")

    def retrieve_many(self, requests: Sequence[tuple[int, int | None]], *, pipelined: bool,
                      max_bytes: int | None = None, window: int = PIPELINE_WINDOW,
                      command: str = "RETR {}") -> Iterator[Retrieved]:
        """RETR each (number, listed size), yielding results in order.

        Pipelined, up to ``window`` messages are in flight, so many small messages cost about one
        round trip per window, and each RETR is followed by a ``LIST n`` sentinel whose reply names
        the message (see :mod:`app.core.pop3.listing`): a reply missing, repeated or added anywhere
        raises :class:`OutOfStep` before the message it would mislabel is yielded. The caller
        should then run later sessions without pipelining.
        """
        check_size = command.startswith("RETR")
        limit = max_bytes if max_bytes is not None else DEFAULT_MESSAGE_LIMIT if check_size else MAX_HEADER_OCTETS
        queue = deque(requests)
        in_flight: deque[tuple[int, int | None]] = deque()
        window = window if pipelined else 1
        refill_at = min(PIPELINE_REFILL_AT, window - 1) if pipelined else 0
        previous_sentinel: Status | None = None
        while queue or in_flight:
            if queue and len(in_flight) <= refill_at:
                batch: list[tuple[str, bool]] = []
                while queue and len(in_flight) < window:
                    request = queue.popleft()
                    in_flight.append(request)
                    batch.append((command.format(request[0]), True))
                    if pipelined:
                        batch.append((sentinel_command(request[0]), False))
                self._send_batch(batch)
            number, listed = in_flight.popleft()
            try:
                status = self._read_status(in_flight=len(self._pending) - 1)
                if pipelined:
                    check_not_a_repeat(status, previous_sentinel, number)
                outcome = self._one_reply(number, listed, status, limit, check_size)
                if pipelined:
                    previous_sentinel = self._read_status(in_flight=len(self._pending) - 1)
                    check_sentinel(previous_sentinel, number, delivered=outcome.data is not None)
            except OutOfStep:
                self._in_step = False
                self._note_listing(number, listed, "replies out of step")
                raise
            yield outcome
        if pipelined:
            self._check_nothing_left()

    def _one_reply(self, number: int, listed: int | None, status: Status, limit: int,
                   check_size: bool) -> Retrieved:
        """Read the body of one RETR or TOP reply whose status line was ``status``."""
        if not status.ok:
            return Retrieved(number, None, error_for(status, during=f"retrieving message {number}"))
        announced = announced_octets(status)
        if check_size and listed is not None and announced is not None and announced != listed:
            # Informational (RFC 1939): Courier sends a wrapper unless UTF8 was enabled; Dovecot
            # counts LF line ends. Logged, so a bug report shows it, and nothing more.
            self._note_listing(number, listed, f"the reply announced {announced} octets")
        try:
            data = self._read_body(limit, drain_oversized=True)
        except MessageTooLarge as error:
            return Retrieved(number, None, error)
        if check_size and listed is not None and not plausible_size(len(data), listed):
            self._note_listing(number, listed, f"received {len(data)} bytes: not this message, not stored")
            return Retrieved(number, None, ProtocolError(
                f"the server sent {len(data)} bytes for message {number} where its listing said "
                f"{listed}: that cannot be the same message, so it was left on the server"))
        return Retrieved(number, data)

    def _note_listing(self, number: int, listed: int | None, what: str) -> None:
        """Put the LIST line of ``number`` in the protocol log next to what contradicted it."""
        shown = f"the LIST line was '{number} {listed}'" if listed is not None else "its size was not listed"
        self.protocol_log.note(f"message {number}: {what}; {shown}")

    def delete_many(self, numbers: Sequence[int], *, pipelined: bool) -> list[int]:
        """DELE each number; returns the numbers the server accepted. Applied only at QUIT.

        Pipelined, a STAT rides along with the last batch: its reply ("+OK count size") looks
        like no DELE reply, so a duplicated or missing reply cannot hide until QUIT, where the
        server would then apply deletions we misread.
        """
        accepted: list[int] = []
        queue = deque(numbers)
        window = PIPELINE_WINDOW if pipelined else 1
        while queue:
            batch = [queue.popleft() for _ in range(min(window, len(queue)))]
            sentinel = pipelined and not queue
            lines = [f"DELE {number}" for number in batch] + (["STAT"] if sentinel else [])
            self._send_batch([(line, False) for line in lines])
            for position, number in enumerate(batch):
                status = self._read_status(in_flight=len(lines) - position - 1)
                if status.ok:
                    accepted.append(number)
                    self._deletions_marked = True
                else:
                    log.warning("DELE %d refused: %s", number, status.text)
            if sentinel:
                self._check_stat_sentinel(self._read_status(in_flight=0))
        if pipelined:
            self._check_nothing_left()
        return accepted

    def _check_stat_sentinel(self, status: Status) -> None:
        parts = status.text.split()
        if not (status.ok and len(parts) >= 2 and parts[0].isdigit() and parts[1].isdigit()):
            self._in_step = False
            raise OutOfStep(f"expected the STAT reply after pipelined DELE, got {status.text[:60]!r}: "
                            "replies are out of step")

    def reset(self) -> None:
        self._command_ok("RSET")
        self._deletions_marked = False

    def noop(self) -> None:
        self._command_ok("NOOP")

    def quit(self) -> None:
        """QUIT: the server now removes messages marked deleted (the UPDATE state)."""
        if self._connection is None or self._connection.closed:
            return
        try:
            status = self._command("QUIT")
            if not status.ok:
                if self._deletions_marked:
                    # RFC 1939 section 6: -ERR here means the UPDATE state failed, so the
                    # deletions cannot be taken as done; the caller must not record them.
                    raise TemporaryServerError("the server could not finish the session; messages "
                                               "marked for deletion stay on the server",
                                               server_text=status.text)
                # Nothing was to be deleted: the session did all it had to.
                log.warning("the server answered QUIT with an error: %s", status.text)
        finally:
            self.close()

    def abort(self, reason: BaseException | None = None) -> None:
        """End a session that failed or was cancelled without deleting anything.

        RFC 1939 section 6: DELE takes effect only at QUIT, and RSET unmarks everything first.
        Replies still in flight are read first (briefly), so the server sees a clean QUIT and
        does not keep the mailbox locked; when the stream is out of step, closing without QUIT
        is the safe choice. ``reason``, the error that ended the session, goes in the protocol
        log: a trace that stops without saying why explains nothing.
        """
        if reason is not None:
            self.protocol_log.note(f"session ends because of {type(reason).__name__}: {reason}")
        connection = self._connection
        if connection is None or connection.closed:
            return
        if not self._in_step:
            self.protocol_log.note("replies are out of step: closing without QUIT, so nothing is deleted")
            self.close()
            return
        connection.cancel = None  # an abort must finish even after the user pressed Cancel
        connection.idle_timeout = min(connection.idle_timeout, ABORT_DRAIN_SECONDS)
        deadline = time.monotonic() + ABORT_DRAIN_SECONDS
        self.protocol_log.note("ending the session without deleting anything (RSET, QUIT)")
        try:
            if self._body_pending:
                self._read_body(MAX_LISTING_OCTETS)
            while self._pending and time.monotonic() < deadline:
                multiline = self._pending[0]
                status = self._read_status(in_flight=0)
                if status.ok and multiline:
                    self._read_body(MAX_LISTING_OCTETS)
            if not self._pending:
                self._command("RSET")
                self._command("QUIT")
        except (PoplarkError, OSError):
            pass
        finally:
            self.close()

    def close(self) -> None:
        if self._connection is not None:
            if not self._connection.closed:
                self.protocol_log.note("connection closed")
            self._connection.close()

    # -- command plumbing ---------------------------------------------------------------------

    @property
    def _conn(self) -> Connection:
        if self._connection is None or self._connection.closed:
            raise ConnectError("not connected to the server")
        return self._connection

    def _send_line(self, line: str, *, secret: bool = False) -> None:
        # ``secret``: the line holds a password, digest or SASL response. The trace redacts it;
        # a SASL continuation line is secret as a whole (its first word is the secret itself).
        self.protocol_log.sent(line, secret=secret)
        if log.isEnabledFor(logging.DEBUG):
            shown = redact_command(line)
            log.debug("C: %s", REDACTED if secret and shown == line else shown)
        encoded = line.encode("utf-8") + b"\r\n"
        if len(encoded) > MAX_COMMAND_OCTETS and not secret:
            raise ProtocolError(f"command too long for POP3: {line[:40]}...")
        self._conn.send(encoded)

    def _send_batch(self, commands: list[tuple[str, bool]]) -> None:
        """Send (command, multi-line reply?) pairs in one write: the pipelined form."""
        log.debug("C: %s (+%d pipelined)", commands[0][0] if commands else "", max(0, len(commands) - 1))
        for line, _ in commands:
            self.protocol_log.sent(line)
        self._conn.send(b"".join(line.encode("ascii") + b"\r\n" for line, _ in commands))
        self._pending.extend(multiline for _, multiline in commands)

    def _command(self, line: str, *, multiline: bool = False, secret: bool = False) -> Status:
        self._send_line(line, secret=secret)
        self._pending.append(multiline)
        return self._read_status(in_flight=0)

    def _command_ok(self, line: str, *, multiline: bool = False) -> Status:
        status = self._command(line, multiline=multiline)
        if not status.ok:
            raise error_for(status, during=line.split(" ", 1)[0])
        return status

    def _read_raw_line(self) -> bytes:
        try:
            line = self._conn.read_line()
            self.protocol_log.received(line)
            return line
        except Cancelled:
            raise
        except BaseException:
            self._in_step = False
            raise

    def _read_status(self, *, in_flight: int) -> Status:
        try:
            line = self._conn.read_line()
            self.protocol_log.received(line)
            status = parse_status(line)
        except ServerTimeout as error:
            self._in_step = False
            stopped_mid_line = self._connection is not None and bool(self._connection.buffer)
            if in_flight and not stopped_mid_line:
                # A server that silently drops pipelined commands looks exactly like this, and so
                # does a link that stalled between two replies. With part of a reply line
                # received, it can only be the link: a plain ServerTimeout.
                raise PipelineStalled(f"{error.message} with {in_flight + 1} pipelined commands in flight"
                                      ) from error
            raise
        except ProtocolError as error:
            self._in_step = False
            if in_flight:
                raise OutOfStep(f"{error.message} while pipelining") from error
            raise
        except Cancelled:
            raise
        except BaseException:
            self._in_step = False
            raise
        multiline = self._pending.popleft() if self._pending else False
        self._body_pending = multiline and status.ok
        log.debug("S: %s", line[:200].rstrip(b"\r\n").decode("latin-1"))
        return status

    def _read_body(self, max_bytes: int, *, drain_oversized: bool = False) -> bytes:
        try:
            body = self._conn.read_body(max_bytes, drain_oversized=drain_oversized)
        except MessageTooLarge:
            self._body_pending = False
            self.protocol_log.note(f"reply over the limit of {max_bytes} bytes, drained")
            raise  # the body was drained: the stream is still in step
        except Cancelled:
            raise  # the partial body stays buffered; abort() can finish reading it
        except BaseException:
            self._in_step = False
            raise
        self._body_pending = False
        self.protocol_log.body(len(body))
        return body

    def _check_nothing_left(self) -> None:
        if self._conn.buffer:
            self._in_step = False
            raise OutOfStep("the server sent more replies than commands while pipelining")

    def _capa(self) -> Capabilities:
        status = self._command("CAPA", multiline=True)
        if not status.ok:
            # RFC 1939-only servers: carry on with defaults, as Thunderbird does.
            return Capabilities()
        return parse_capabilities(self._read_body(MAX_CAPA_OCTETS).split(b"\r\n"))

