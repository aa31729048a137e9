"""The byte level of a POP3 session: connect, TLS, buffered reads with idle timeouts and cancel.

Everything above this module speaks in status lines and message bodies; everything below is a
socket. Reads never split on line length: a message may hold a 1 MiB line (real mail does), so the
multi-line reader looks for the terminator with ``bytes.find`` instead of reading line by line,
which also keeps large mailboxes fast.
"""

from __future__ import annotations

import errno
import functools
import hashlib
import os
import re
import select
import socket
import ssl
import time
from dataclasses import dataclass
from typing import Any

from app.core.cancel import CancelToken
from app.core.errors import ConnectError, MessageTooLarge, NotTlsPort, ProtocolError, ServerTimeout, TlsError
from app.core.pop3.multiline import BodyScan
from app.core.pop3.quick_ack import ask_for_quick_ack, send_without_delay

#: How much one recv() may return; large enough that a 25 MB message is a few hundred calls.
RECV_CHUNK = 256 * 1024
#: The socket's send buffer: a whole pipelined batch of commands (client.PIPELINE_WINDOW) fits,
#: so sending it never waits for the server to read (which may wait for us to read its replies).
SEND_BUFFER_BYTES = 64 * 1024
#: RFC 1939 section 3 caps a status line at 512 octets; allow generous slack for bad servers,
#: but never an unbounded line outside a message body.
MAX_STATUS_LINE = 64 * 1024
#: How often a blocked read wakes up to look at the cancel token.
CANCEL_POLL_SECONDS = 0.25
#: The multi-line terminator (RFC 1939 section 3): CRLF "." CRLF.
TERMINATOR = b"\r\n.\r\n"
#: A message over its size cap is read on and thrown away so the session stays in step, but
#: only this far (or as far as the cap itself, if larger): a server that never ends a reply
#: must not keep the client reading forever.
MIN_DRAIN_OCTETS = 64 * 1024 * 1024
#: The idle timeout alone does not bound a reply: a server can drip one byte just before each
#: timeout for ever ("slowloris"). So every reply must also keep up this average rate, after a
#: grace of REPLY_GRACE_TIMEOUTS idle timeouts. 1 KiB/s is far below any real link (GPRS is 5).
MIN_REPLY_OCTETS_PER_SECOND = 1024
REPLY_GRACE_TIMEOUTS = 2


@dataclass(frozen=True)
class TlsInfo:
    """What the user should know about the encrypted link (shown by 'Test connection')."""

    version: str
    cipher: str
    subject: str
    issuer: str
    not_after: str
    fingerprint_sha256: str
    pinned: bool = False


def make_tls_context(ca_file: str | None) -> ssl.SSLContext:
    """Verify against the system store (plus ``ca_file``), check the host name, TLS 1.2 or newer."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # verifies and checks host names by default
    _load_system_store(context)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if ca_file:
        try:
            context.load_verify_locations(cafile=ca_file)
        except (OSError, ssl.SSLError) as error:
            raise TlsError(f"cannot read the CA file {ca_file}: {error}") from error
    return context


def _load_system_store(context: ssl.SSLContext) -> None:
    """Trust the system's CAs, cheaply where the system allows it.

    ``load_default_certs`` parses the whole CA bundle (about 50 ms, a sixth of a no-op check).
    Where OpenSSL's hashed certificate directory exists (Debian, Ubuntu: /etc/ssl/certs), pointing
    at it is enough: OpenSSL reads only the certificates a handshake needs. Elsewhere (Windows,
    macOS, systems without hash links) the default loading is used.
    """
    paths = ssl.get_default_verify_paths()
    directory = paths.capath
    if directory and _has_hash_links(directory):
        context.load_verify_locations(capath=directory)
    else:
        context.load_default_certs(ssl.Purpose.SERVER_AUTH)


@functools.cache
def _has_hash_links(directory: str) -> bool:
    try:
        with os.scandir(directory) as entries:
            return any(_HASH_LINK.fullmatch(entry.name) for entry in entries)
    except OSError:
        return False


_HASH_LINK = re.compile(r"[0-9a-f]{8}\.[0-9]+")


def _describe_name(name: object) -> str:
    # getpeercert() gives ((('commonName', 'x'),), ...); flatten it to "commonName=x, ...".
    parts: list[str] = []
    if isinstance(name, tuple):
        for rdn in name:
            for attribute in rdn:
                if isinstance(attribute, tuple) and len(attribute) == 2:
                    parts.append(f"{attribute[0]}={attribute[1]}")
    return ", ".join(parts)


def tls_info(tls_socket: ssl.SSLSocket, *, pinned: bool = False) -> TlsInfo:
    der = tls_socket.getpeercert(binary_form=True) or b""
    decoded = tls_socket.getpeercert() or {}
    cipher = tls_socket.cipher()
    subject = _describe_name(decoded.get("subject", ()))
    issuer = _describe_name(decoded.get("issuer", ()))
    not_after = str(decoded.get("notAfter", ""))
    if not decoded and der:
        # An unverified handshake (a rejected or pinned certificate) gives only the DER form,
        # yet that is exactly when the user needs to see who the certificate claims to be.
        subject, issuer, not_after = _describe_der(der)
    return TlsInfo(
        version=tls_socket.version() or "",
        cipher=cipher[0] if cipher else "",
        subject=subject,
        issuer=issuer,
        not_after=not_after,
        fingerprint_sha256=hashlib.sha256(der).hexdigest(),
        pinned=pinned,
    )


def _describe_der(der: bytes) -> tuple[str, str, str]:
    """(subject with its DNS names, issuer, expiry) of a DER certificate; blanks if unreadable."""
    try:
        from cryptography import x509  # present with keyring's SecretStorage; optional elsewhere
    except ImportError:
        return "", "", ""
    try:
        certificate = x509.load_der_x509_certificate(der)
        subject = certificate.subject.rfc4514_string()
        try:
            names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
            alternatives = [str(value) for value in names.get_values_for_type(x509.DNSName)]
            alternatives += [str(value) for value in names.get_values_for_type(x509.IPAddress)]
        except x509.ExtensionNotFound:
            alternatives = []
        if alternatives:
            subject = (subject + "; " if subject else "") + "names: " + ", ".join(alternatives)
        return subject, certificate.issuer.rfc4514_string(), certificate.not_valid_after_utc.isoformat()
    except (ValueError, TypeError):
        return "", "", ""


def open_tcp(host: str, port: int, timeout: float, cancel: CancelToken | None = None) -> socket.socket:
    """Connect to the first address of ``host`` that answers; cancellable while waiting.

    A non-blocking connect polled every CANCEL_POLL_SECONDS, so Cancel (or quitting the app)
    does not wait for a silent address to time out. Name resolution itself cannot be
    interrupted, but fails fast without a network.
    """
    try:
        addresses = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise ConnectError(f"cannot find the server {host!r}: check the host name ({error.strerror})") from error
    except UnicodeError as error:
        raise ConnectError(f"{host!r} is not a valid server name") from error
    deadline = time.monotonic() + timeout
    last_error: OSError | None = None
    for family, kind, protocol, _, address in addresses:
        try:
            sock = socket.socket(family, kind, protocol)
        except OSError as error:
            last_error = error
            continue
        try:
            _connect_before(sock, address, deadline, cancel)
        except TimeoutError as error:
            sock.close()
            raise ConnectError(f"no answer from {host}:{port} within {timeout:.0f} s") from error
        except OSError as error:
            sock.close()
            last_error = error
            continue
        except BaseException:
            sock.close()
            raise
        sock.settimeout(timeout)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER_BYTES)
        send_without_delay(sock)  # the CAPA after STLS waited for the ACK of the handshake's last write
        return sock
    if isinstance(last_error, ConnectionRefusedError):
        raise ConnectError(f"{host}:{port} refused the connection: check the port and security setting") from last_error
    detail = (last_error.strerror or str(last_error)) if last_error else "no address"
    raise ConnectError(f"cannot connect to {host}:{port}: {detail}") from last_error


def _connect_before(sock: socket.socket, address: Any, deadline: float, cancel: CancelToken | None) -> None:
    sock.setblocking(False)
    code = sock.connect_ex(address)
    if code not in (0, errno.EINPROGRESS, errno.EWOULDBLOCK, errno.EAGAIN, _WSAEWOULDBLOCK):
        raise _os_error(code)
    while code != 0:
        if cancel is not None:
            cancel.raise_if_cancelled()
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("connect timed out")
        _, writable, failed = select.select([], [sock], [sock], min(remaining, CANCEL_POLL_SECONDS))
        if writable or failed:
            code = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if code != 0:
                raise _os_error(code)
            return


#: Windows' "operation would block" for a non-blocking connect in progress.
_WSAEWOULDBLOCK = 10035


def _os_error(code: int) -> OSError:
    if code == errno.ECONNREFUSED:
        return ConnectionRefusedError(code, os.strerror(code))
    return OSError(code, os.strerror(code))


class CertificateRejected(Exception):
    """Internal: verification failed; the client decides between a pin check and TlsError."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def handshake(raw: socket.socket, host: str, port: int, context: ssl.SSLContext,
              timeout: float, cancel: CancelToken | None = None) -> ssl.SSLSocket:
    """TLS handshake over ``raw`` with SNI; failures become the error vocabulary.

    Done in short slices so Cancel works while a server sits silent (a stalled handshake is also
    how a hostile server would hold a client: it ends at ``timeout``).
    """
    deadline = time.monotonic() + timeout
    # wrap_socket() takes over the descriptor of ``raw`` (raw.close() is then a no-op), so after
    # it only closing the TLS socket really ends the connection instead of leaving it to the GC.
    tls_socket: ssl.SSLSocket | None = None
    try:
        tls_socket = context.wrap_socket(raw, server_hostname=host, do_handshake_on_connect=False)
        tls_socket.settimeout(CANCEL_POLL_SECONDS)
        while True:
            try:
                tls_socket.do_handshake()
                break
            except TimeoutError:
                if cancel is not None and cancel.cancelled:
                    tls_socket.close()
                    cancel.raise_if_cancelled()
                if time.monotonic() >= deadline:
                    raise
        ask_for_quick_ack(tls_socket)  # the server's session tickets, which hold back its next write
        tls_socket.settimeout(timeout)
        return tls_socket
    except ssl.SSLCertVerificationError as error:
        (tls_socket or raw).close()
        raise CertificateRejected(error.verify_message or str(error)) from error
    except (ssl.SSLEOFError, ssl.SSLZeroReturnError) as error:
        # The link ended mid-handshake: a network cut (the soak test makes these), or a server
        # that hangs up on TLS. Neither is a certificate or TLS settings problem, so it must not
        # ask the user to edit settings; a retry later is right (ConnectError).
        (tls_socket or raw).close()
        raise ConnectError(f"the connection to {host}:{port} was closed during the TLS handshake; "
                           "if this keeps happening, check the port and security setting") from error
    except ssl.SSLError as error:
        (tls_socket or raw).close()
        if error.reason in _PLAIN_TEXT_REASONS:
            # OpenSSL read "+OK ..." as a TLS record header: a plain POP3 port (110), not a TLS one.
            raise NotTlsPort(f"TLS handshake with {host}:{port} failed: the server answered in plain text, "
                             f"not TLS ({error.reason})") from error
        raise TlsError(f"TLS handshake with {host}:{port} failed: {error.reason or error}") from error
    except TimeoutError as error:
        (tls_socket or raw).close()
        raise ConnectError(f"TLS handshake with {host}:{port} timed out") from error
    except OSError as error:
        (tls_socket or raw).close()
        raise ConnectError(f"connection to {host}:{port} lost during the TLS handshake: {error}") from error


#: What OpenSSL reports when the first bytes back are not a TLS record (versions differ in wording).
_PLAIN_TEXT_REASONS = frozenset({"WRONG_VERSION_NUMBER", "UNKNOWN_PROTOCOL", "PACKET_LENGTH_TOO_LONG",
                                 "RECORD_LAYER_FAILURE", "HTTP_REQUEST"})


#: Without a greeting this long after connecting, check whether the port expects TLS.
GREETING_PROBE_SECONDS = 3.0


def silent_tls_port(connection: Connection, host: str, port: int) -> bool:
    """Whether a server that sent no greeting yet is a TLS-only port reached without TLS.

    Such a port (995) waits for our handshake for ever; asking it for TLS on a second connection
    tells at once, instead of waiting out the whole timeout. A slow server that is not TLS gives
    False, and is then waited for as usual.
    """
    wait = min(GREETING_PROBE_SECONDS, connection.idle_timeout)
    if connection.wait_readable(wait):
        return False
    return speaks_tls(host, port, wait, connection.cancel)


def speaks_tls(host: str, port: int, timeout: float, cancel: CancelToken | None = None) -> bool:
    """Whether a TLS handshake (certificate unchecked: nothing is sent over it) works on ``port``."""
    try:
        raw = open_tcp(host, port, timeout, cancel)
        handshake(raw, host, port, unverified_context(), timeout, cancel).close()
    except (ConnectError, TlsError, CertificateRejected, OSError):
        return False
    return True


def unverified_context() -> ssl.SSLContext:
    """Only for reading a certificate that failed verification: to show its fingerprint or to
    compare it with the one exact certificate the user chose to trust (a pin)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


class Connection:
    """A socket with a receive buffer. Every read has an idle timeout and honours cancel."""

    def __init__(self, sock: socket.socket, *, idle_timeout: float, cancel: CancelToken | None) -> None:
        self.sock = sock
        self.idle_timeout = idle_timeout
        self.cancel = cancel
        self.buffer = bytearray()
        self.closed = False
        # Octets received so far, and when and at what count the current reply began (see
        # MIN_REPLY_OCTETS_PER_SECOND).
        self.received = 0
        self._reply_started = time.monotonic()
        self._reply_received_at_start = 0
        # settimeout() is a measurable cost per read at 80,000 reads a session: set it on change.
        self._socket_timeout: float | None = None

    def replace_socket(self, sock: socket.socket) -> None:
        """Switch to the TLS socket after STLS, dropping anything read before the handshake.

        RFC 2595 section 4 / the STARTTLS injection class (CVE-2011-0411 style): bytes that
        arrived in cleartext before the handshake must never be read as if protected.
        """
        self.sock = sock
        self.buffer.clear()
        self._socket_timeout = None

    def send(self, data: bytes) -> None:
        try:
            if self._socket_timeout != self.idle_timeout:
                self.sock.settimeout(self.idle_timeout)
                self._socket_timeout = self.idle_timeout
            self.sock.sendall(data)
            ask_for_quick_ack(self.sock)
        except TimeoutError as error:
            raise ServerTimeout("the server stopped responding (sending timed out)") from error
        except OSError as error:
            raise ConnectError(f"the connection was lost while sending: {error}") from error

    def wait_readable(self, seconds: float) -> bool:
        """Whether something arrives (or is buffered) within ``seconds``; honours cancel."""
        deadline = time.monotonic() + seconds
        while not self.buffer:
            if self.cancel is not None:
                self.cancel.raise_if_cancelled()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            try:
                readable, _, _ = select.select([self.sock], [], [], min(remaining, CANCEL_POLL_SECONDS))
            except (OSError, ValueError):
                return True  # let the read that follows report the broken socket
            if readable:
                return True
        return True

    def _begin_reply(self) -> None:
        self._reply_started = time.monotonic()
        self._reply_received_at_start = self.received

    def _fill(self) -> None:
        """Append at least one chunk to the buffer, or raise."""
        idle_deadline = time.monotonic() + self.idle_timeout
        progress_deadline = (self._reply_started + REPLY_GRACE_TIMEOUTS * self.idle_timeout
                             + (self.received - self._reply_received_at_start) / MIN_REPLY_OCTETS_PER_SECOND)
        deadline = min(idle_deadline, progress_deadline)
        while True:
            if self.cancel is not None:
                self.cancel.raise_if_cancelled()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                if progress_deadline < idle_deadline:
                    raise ServerTimeout("the server is sending far too slowly (under "
                                        f"{MIN_REPLY_OCTETS_PER_SECOND} bytes a second)")
                raise ServerTimeout(
                    f"the server stopped responding (nothing received for {self.idle_timeout:.0f} s)")
            wait = CANCEL_POLL_SECONDS if remaining >= CANCEL_POLL_SECONDS else remaining
            if wait != self._socket_timeout:
                self.sock.settimeout(wait)
                self._socket_timeout = wait
            try:
                chunk = self.sock.recv(RECV_CHUNK)
            except TimeoutError:
                continue
            except ssl.SSLError as error:
                raise ConnectError(f"the encrypted connection failed: {error.reason or error}") from error
            except OSError as error:
                raise ConnectError(f"the connection was lost: {error.strerror or error}") from error
            if not chunk:
                raise ConnectError("the server closed the connection unexpectedly")
            ask_for_quick_ack(self.sock)
            self.buffer += chunk
            self.received += len(chunk)
            return

    def read_line(self) -> bytes:
        """One line including its CRLF (a status line or a continuation)."""
        self._begin_reply()
        scanned = 0
        while True:
            index = self.buffer.find(b"\n", scanned)
            if index >= 0:
                line = bytes(self.buffer[: index + 1])
                del self.buffer[: index + 1]
                return line
            if len(self.buffer) > MAX_STATUS_LINE:
                raise ProtocolError("the server sent a reply line far longer than POP3 allows")
            scanned = len(self.buffer)
            self._fill()

    def read_body(self, max_bytes: int, *, drain_oversized: bool = True) -> bytes:
        """Read a multi-line body up to the terminator; return it dot-unstuffed, endings kept.

        The result is exactly the octets the server meant (RFC 1939 section 3: a line that
        begins with "." was sent with one more "."). Memory stays bounded by ``max_bytes``: a
        longer body is, with ``drain_oversized``, read on and thrown away, then
        :class:`MessageTooLarge` is raised and the session stays in step, so the next command
        works; without it (listings, CAPA: no honest server sends that much), or when draining
        goes past :data:`MIN_DRAIN_OCTETS`, :class:`ProtocolError` is raised and the stream is
        out of step.
        """
        self._begin_reply()
        while len(self.buffer) < 3:
            self._fill()
        if self.buffer.startswith(b".\r\n"):
            del self.buffer[:3]
            return b""
        scan = BodyScan()  # the terminator and the stuffed lines in one pass (app.core.pop3.multiline)
        while True:
            index = scan.find_end(self.buffer)
            if index >= 0:
                # One copy, not two (a bytearray slice is a copy of its own): a 20 MB message
                # otherwise needs 60 MB at this moment.
                body = scan.body(self.buffer, index)
                del self.buffer[: index + len(TERMINATOR)]
                return body
            if len(self.buffer) > max_bytes + len(TERMINATOR):
                if not drain_oversized:
                    raise ProtocolError(f"the server sent a reply longer than {max_bytes} bytes "
                                        "without ending it")
                self._discard_body(max(max_bytes, MIN_DRAIN_OCTETS))
                raise MessageTooLarge(f"the message is larger than the limit of {max_bytes} bytes")
            self._fill()

    def _discard_body(self, limit: int) -> None:
        discarded = 0
        while True:
            index = self.buffer.find(TERMINATOR)
            if index >= 0:
                del self.buffer[: index + len(TERMINATOR)]
                return
            keep_from = max(0, len(self.buffer) - len(TERMINATOR) + 1)
            discarded += keep_from
            del self.buffer[:keep_from]
            if discarded > limit:
                raise ProtocolError(f"the server sent a reply that does not end (gave up after "
                                    f"{discarded} bytes)")
            self._fill()

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        try:
            self.sock.close()
        except OSError:
            pass
