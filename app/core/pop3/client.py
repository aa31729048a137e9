"""The POP3 client: one object per session, commands as methods, errors from the vocabulary.

Usage, as the fetch engine does it::

    client = Pop3Client("pop.example.com", 995, Security.TLS, timeout=60)
    client.connect()                      # TCP, TLS (or STLS), greeting, CAPA
    client.login(user, password)          # a str or a Secret; strongest mechanism, CAPA again
    uids = client.unique_ids(); sizes = client.list_sizes()
    for item in client.retrieve_many(requests, pipelined=True): ...
    client.delete_many(numbers, pipelined=True)
    client.quit()                         # deletions happen only now (RFC 1939 section 6)

On any failure the caller uses :meth:`abort`: RSET and QUIT while the stream is in step,
otherwise just close, so nothing marked for deletion is ever removed by accident.
"""

from __future__ import annotations

import logging
import ssl
import time
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import replace
from types import TracebackType

from app.core.cancel import CancelToken
from app.core.errors import (
    ConnectError,
    MessageTooLarge,
    OutOfStep,
    PoplarkError,
    ProtocolError,
    StartTlsUnavailable,
    TemporaryServerError,
    TlsError,
    TlsPortWithoutTls,
)
from app.core.model import Security
from app.core.pop3.after_login import Listings, capa_list_uidl
from app.core.pop3.auth import Secret, SecretKind, apop_timestamp, as_secret, authenticate, choose_mechanism
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
    listing_sizes,
    listing_values,
    plausible_size,
    sentinel_command,
)
from app.core.pop3.responses import Status, error_for, parse_status
from app.core.pop3.wire import Wire
from app.core.protocol_log import ProtocolLog, remember

log = logging.getLogger("poplark.pop3")

#: Messages in flight at once when pipelining (RFC 2449 section 6.6), each RETR with its LIST
#: sentinel. The refill is sent while half the window is still to be read, so the link never
#: idles. 1,000 as the bench's bare client: with 300 and refills of 150, 1,000 messages over a
#: 20 ms round trip took 0.28 s to download instead of 0.20 (with 100 and 25, the link stalled at
#: every refill, as mpop's window of 100 commands does). A batch is at most 1,000 x "RETR n" +
#: "LIST n", about 24 KB: under the send buffer the connection asks for
#: (:data:`app.core.pop3.connection.SEND_BUFFER_BYTES`), so a send can never wait on a server that
#: waits for us to read (the deadlock RFC 2449 warns of).
PIPELINE_WINDOW = 1000
#: Refill the window when this few replies are still outstanding.
PIPELINE_REFILL_AT = 500
#: On abort, spend at most this long reading replies still in flight before RSET and QUIT.
ABORT_DRAIN_SECONDS = 3.0
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
        # The command stream of the current connection (replies owed, in step or not).
        self._wire: Wire | None = None
        self._apop_timestamp: bytes | None = None
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
        self._deletions_marked = False
        self.tls = None
        raw = open_tcp(self.host, self.port, self.timeout, self.cancel)
        if self.security is Security.TLS:
            secured = handshake(raw, self.host, self.port, context, self.timeout, self.cancel)
            self.tls = tls_info(secured)
            self._note_tls()
            connection = Connection(secured, idle_timeout=self.timeout, cancel=self.cancel)
        else:
            connection = Connection(raw, idle_timeout=self.timeout, cancel=self.cancel)
        self._wire = Wire(connection, self.protocol_log)
        try:
            self._read_greeting()
            self.capabilities = self._capa()
            if self.security is Security.STARTTLS:
                self._start_tls(context)
        except BaseException:
            self.close()
            raise

    def _read_greeting(self) -> None:
        if self.security is not Security.TLS and silent_tls_port(self._io.connection, self.host, self.port):
            self.protocol_log.note("no greeting, and the port answers a TLS handshake: a TLS port")
            raise TlsPortWithoutTls(f"connected to {self.host}:{self.port}, but the server sent no greeting: "
                                    "that port expects TLS from the start")
        line = self._io.connection.read_line()
        status = parse_status(line)
        self.greeting = status.text
        if not status.ok:
            raise error_for(status, during="connecting") if status.code else TemporaryServerError(
                "the server is not accepting connections now", server_text=status.text)
        self._apop_timestamp = apop_timestamp(line)

    def _start_tls(self, context: ssl.SSLContext) -> None:
        if self.capabilities.known and not self.capabilities.stls:
            # RFC 2595 section 4 / RFC 8314: STLS was asked for, so never continue in cleartext.
            raise StartTlsUnavailable("the server does not offer STARTTLS")
        status = self._io.command("STLS")
        if not status.ok:
            raise StartTlsUnavailable("the server refused STARTTLS", server_text=status.text)
        connection = self._io.connection
        secured = handshake(connection.sock, self.host, self.port, context, self.timeout, self.cancel)
        connection.replace_socket(secured)
        self.tls = tls_info(secured)
        self._note_tls()
        # RFC 2595 section 4: capabilities from before the handshake must be discarded.
        self.capabilities = self._capa()

    def _note_tls(self) -> None:
        if self.tls is not None:
            self.protocol_log.note(f"TLS established: {self.tls.version} {self.tls.cipher}, "
                                   f"certificate {self.tls.subject} (SHA-256 {self.tls.fingerprint_sha256})")

    def login(self, user: str, secret: str | Secret, *, allow_insecure_auth: bool = False,
              use_apop: bool = False, two_line_auth: bool | None = None,
              refresh_capabilities: bool = True) -> str:
        """Authenticate with the strongest mechanism offered; returns its name.

        ``secret``: a :class:`Secret`, or a ``str`` that is a password. The mechanism comes from
        :func:`~app.core.pop3.auth.choose_mechanism`: APOP when the user enabled it; SASL PLAIN;
        SASL LOGIN; USER/PASS; for an access token OAUTHBEARER or XOAUTH2, with the token after
        the "+" when ``two_line_auth`` (Microsoft's form; None: as the OAuth2 provider table says
        for this host). Sending a password in clear text over an
        unencrypted link needs ``allow_insecure_auth``. ``refresh_capabilities=False``: the
        caller sends the post-login CAPA itself, with LIST and UIDL (:meth:`pipelined_listings`).
        """
        secret = as_secret(secret)
        previous_label = self.protocol_log.label
        self.protocol_log.label = f"{user}@{self.host}:{self.port}"
        remember(self.protocol_log, previous_label)
        self._enable_utf8()
        if two_line_auth is None:
            two_line_auth = secret.kind is SecretKind.BEARER_TOKEN and _two_line_host(self.host)
        mechanism = choose_mechanism(self.capabilities, secret.kind, encrypted=self.tls is not None,
                                     apop_timestamp=self._apop_timestamp, use_apop=use_apop,
                                     allow_insecure_auth=allow_insecure_auth, two_line=two_line_auth)
        authenticate(self._io, mechanism, user, secret, host=self.host,
                     auth_resp_code=self.capabilities.has("AUTH-RESP-CODE"))
        self.mechanism = mechanism.name
        if self.capabilities.known and refresh_capabilities:
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
            self.utf8 = self._io.command("UTF8").ok
            if not self.utf8:
                self.protocol_log.note("the server offers UTF8 but refused it; going on without it")

    # -- transaction state ------------------------------------------------------------------

    def stat(self) -> tuple[int, int]:
        """(message count, total octets) as the server states them."""
        status = self._io.command_ok("STAT")
        parts = status.text.split()
        try:
            return int(parts[0]), int(parts[1])
        except (IndexError, ValueError) as error:
            raise ProtocolError(f"the server sent a malformed STAT reply: {status.text!r}") from error

    def list_sizes(self) -> dict[int, int]:
        """Message number -> size in octets (a hint: some servers miscount)."""
        self._io.command_ok("LIST", multiline=True)
        return listing_sizes(self._io.read_body(MAX_LISTING_OCTETS))

    def pipelined_listings(self) -> Listings:
        """After ``login(refresh_capabilities=False)``: CAPA, LIST and UIDL in one write, when the
        server advertised PIPELINING (:mod:`app.core.pop3.after_login`). Sets :attr:`capabilities`."""
        self.capabilities, listings = capa_list_uidl(self._io, max_capa_octets=MAX_CAPA_OCTETS,
                                                     max_listing_octets=MAX_LISTING_OCTETS)
        return listings

    def unique_ids(self) -> dict[int, str]:
        """Message number -> UIDL. Raises PermanentServerError when UIDL is not supported."""
        self._io.command_ok("UIDL", multiline=True)
        return listing_values(self._io.read_body(MAX_LISTING_OCTETS), "UIDL")

    def top(self, number: int, lines: int = 0) -> bytes:
        """The headers (and ``lines`` body lines) of a message, byte-exact."""
        self._io.command_ok(f"TOP {number} {lines}", multiline=True)
        return self._io.read_body(DEFAULT_MESSAGE_LIMIT, drain_oversized=True)

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
        io = self._io  # one link for the whole run (its reads still check that it is open)
        while queue or in_flight:
            if queue and len(in_flight) <= refill_at:
                batch: list[tuple[str, bool]] = []
                while queue and len(in_flight) < window:
                    request = queue.popleft()
                    in_flight.append(request)
                    batch.append((command.format(request[0]), True))
                    if pipelined:
                        batch.append((sentinel_command(request[0]), False))
                io.send_batch(batch)
            number, listed = in_flight.popleft()
            try:
                status = io.read_status(in_flight=len(io.pending) - 1, pipelined=pipelined)
                if pipelined:
                    check_not_a_repeat(status, previous_sentinel, number)
                outcome = self._one_reply(number, listed, status, limit, check_size)
                if pipelined:
                    previous_sentinel = io.read_status(in_flight=len(io.pending) - 1, pipelined=True)
                    check_sentinel(previous_sentinel, number, delivered=outcome.data is not None)
            except OutOfStep:
                io.in_step = False
                self._note_listing(number, listed, "replies out of step")
                raise
            yield outcome
        if pipelined:
            io.check_nothing_left()

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
            data = self._io.read_body(limit, drain_oversized=True)
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
            self._io.send_batch([(line, False) for line in lines])
            for position, number in enumerate(batch):
                status = self._io.read_status(in_flight=len(lines) - position - 1, pipelined=pipelined)
                if status.ok:
                    accepted.append(number)
                    self._deletions_marked = True
                else:
                    log.warning("DELE %d refused: %s", number, status.text)
            if sentinel:
                self._check_stat_sentinel(self._io.read_status(in_flight=0, pipelined=True))
        if pipelined:
            self._io.check_nothing_left()
        return accepted

    def _check_stat_sentinel(self, status: Status) -> None:
        parts = status.text.split()
        if not (status.ok and len(parts) >= 2 and parts[0].isdigit() and parts[1].isdigit()):
            self._io.in_step = False
            raise OutOfStep(f"expected the STAT reply after pipelined DELE, got {status.text[:60]!r}: "
                            "replies are out of step")

    def reset(self) -> None:
        self._io.command_ok("RSET")
        self._deletions_marked = False

    def noop(self) -> None:
        self._io.command_ok("NOOP")

    def quit(self) -> None:
        """QUIT: the server now removes messages marked deleted (the UPDATE state)."""
        if self._wire is None or self._wire.connection.closed:
            return
        try:
            status = self._io.command("QUIT")
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
        wire = self._wire
        if wire is None or wire.connection.closed:
            return
        if not wire.in_step:
            self.protocol_log.note("replies are out of step: closing without QUIT, so nothing is deleted")
            self.close()
            return
        connection = wire.connection
        connection.cancel = None  # an abort must finish even after the user pressed Cancel
        connection.idle_timeout = min(connection.idle_timeout, ABORT_DRAIN_SECONDS)
        deadline = time.monotonic() + ABORT_DRAIN_SECONDS
        self.protocol_log.note("ending the session without deleting anything (RSET, QUIT)")
        try:
            if wire.body_pending:
                wire.read_body(MAX_LISTING_OCTETS)
            while wire.pending and time.monotonic() < deadline:
                multiline = wire.pending[0]
                status = wire.read_status(in_flight=0)
                if status.ok and multiline:
                    wire.read_body(MAX_LISTING_OCTETS)
            if not wire.pending:
                wire.command("RSET")
                wire.command("QUIT")
        except (PoplarkError, OSError):
            pass
        finally:
            self.close()

    def close(self) -> None:
        if self._wire is not None:
            if not self._wire.connection.closed:
                self.protocol_log.note("connection closed")
            self._wire.connection.close()

    # -- command plumbing ---------------------------------------------------------------------

    @property
    def _io(self) -> Wire:
        if self._wire is None or self._wire.connection.closed:
            raise ConnectError("not connected to the server")
        return self._wire

    def _capa(self) -> Capabilities:
        status = self._io.command("CAPA", multiline=True)
        if not status.ok:
            # RFC 1939-only servers: carry on with defaults, as Thunderbird does.
            return Capabilities()
        return parse_capabilities(self._io.read_body(MAX_CAPA_OCTETS).split(b"\r\n"))


def _two_line_host(host: str) -> bool:
    # Imported here: the table is read only when a token logs in.
    from app.core.oauth.providers import provider_for_host

    provider = provider_for_host(host)
    return provider is not None and provider.pop3_two_line_auth
