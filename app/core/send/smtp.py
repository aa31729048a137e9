"""An SMTP submission session over the standard library's smtplib, on Poplark's own sockets.

The socket comes from :mod:`app.core.pop3.connection` (cancellable connect, the same verified TLS
context and certificate pin rules as POP3): ``ssl`` is implicit TLS (465), ``starttls`` upgrades
after EHLO and never falls back to clear text when STARTTLS is missing or refused (587), ``none``
is clear text (a password only with the account's ``allow_insecure_auth``).

Sending is split where the outbox needs it (:meth:`SmtpSession.send`): the size is checked against
the server's SIZE before MAIL FROM; every recipient is asked before DATA and one refused recipient
stops the message for everyone (RSET), so a message is never half-delivered; the body goes out
without its final "." and ``before_final_dot`` runs (the outbox commits "may have been sent" from
there), then the dot and the reply. A session-wide timeout bounds every wait, and a cancel shuts
the socket at once, from any thread.
"""

from __future__ import annotations

import base64
import re
import select
import smtplib
import socket
import ssl
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from types import TracebackType
from typing import TypeVar

from app.core.cancel import CancelToken
from app.core.errors import (
    AuthError,
    ConfigError,
    ConnectError,
    MessageTooLarge,
    NotTlsPort,
    PermanentServerError,
    ServerTimeout,
)
from app.core.model import Security
from app.core.pop3.auth import Secret, SecretKind, as_secret
from app.core.pop3.connection import (
    GREETING_PROBE_SECONDS,
    CertificateRejected,
    TlsInfo,
    handshake,
    make_tls_context,
    open_tcp,
    speaks_tls,
    tls_info,
    unverified_context,
)
from app.core.send.replies import (
    DeliveryUnknown,
    RecipientsDeferred,
    RecipientsRefused,
    SmtpCertificateRejected,
    SmtpNotTlsPort,
    SmtpStartTlsUnavailable,
    SmtpTlsPortWithoutTls,
    reply_error,
)

_T = TypeVar("_T")

#: DATA goes out in pieces of this size, so a cancel or a stalled server is noticed between them.
DATA_CHUNK = 64 * 1024
#: How long the server may take to answer the final dot (RFC 5321 section 4.5.3.2.6).
FINAL_REPLY_SECONDS = 600.0
#: The name given in EHLO: a literal, not the host's name, which would tell every server it.
EHLO_NAME = "[127.0.0.1]"


class _Smtp(smtplib.SMTP):
    """smtplib on a socket handed in, with timeouts and lost links as the error vocabulary."""

    def __init__(self, sock: socket.socket, host: str, timeout: float) -> None:
        self._given = sock
        super().__init__(local_hostname=EHLO_NAME, timeout=timeout)
        self._host = host

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        return self._given

    def getreply(self) -> tuple[int, bytes]:
        try:
            return super().getreply()
        except smtplib.SMTPServerDisconnected as error:
            if isinstance(error.__context__, TimeoutError):
                raise ServerTimeout(f"the server stopped responding (nothing received for {self.timeout:.0f} s)"
                                    ) from error
            raise ConnectError("the server closed the connection unexpectedly") from error

    def send(self, s: bytes | str) -> None:  # type: ignore[override]
        try:
            super().send(s)
        except smtplib.SMTPServerDisconnected as error:
            if isinstance(error.__context__, TimeoutError):
                raise ServerTimeout("the server stopped responding (sending timed out)") from error
            raise ConnectError(f"the connection was lost while sending: {error}") from error


class SmtpSession:
    """One connection to an account's SMTP server. Not thread-safe, except :meth:`close`."""

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
        self.tls: TlsInfo | None = None
        self.greeting = ""
        self._smtp: _Smtp | None = None
        self._closed = threading.Event()

    def __enter__(self) -> SmtpSession:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        if kind is None:
            self.quit()
        else:
            self.close()

    # -- connecting -----------------------------------------------------------------------------

    def connect(self) -> None:
        """Connect, secure the link as the account says, EHLO. A certificate that fails
        verification is accepted only when it is the one the user pinned."""
        if self.cancel is not None:
            threading.Thread(target=self._watch_cancel, name="smtp-cancel", daemon=True).start()
        try:
            self._connect()
        except BaseException:
            self.close()  # also ends the cancel watcher
            raise

    def _connect(self) -> None:
        try:
            self._open(make_tls_context(self.ca_file))
        except CertificateRejected as rejected:
            self._open(unverified_context())
            assert self.tls is not None
            if self.pinned_cert_sha256 and self.tls.fingerprint_sha256 == self.pinned_cert_sha256:
                self.tls = replace(self.tls, pinned=True)
                return
            fingerprint, subject = self.tls.fingerprint_sha256, self.tls.subject
            self.close()
            changed = " and it is not the certificate you chose to trust" if self.pinned_cert_sha256 else ""
            raise SmtpCertificateRejected(f"the SMTP server's certificate is not trusted: {rejected.reason}{changed}",
                                          fingerprint_sha256=fingerprint, subject=subject) from None

    def _watch_cancel(self) -> None:
        assert self.cancel is not None
        while not self._closed.is_set():
            if self.cancel.wait(0.25):
                self._shutdown()
                return

    def _shutdown(self) -> None:
        # Unblocks a recv or sendall in the session's thread at once; it then sees the cancel.
        smtp = self._smtp
        if smtp is not None and smtp.sock is not None:
            try:
                smtp.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def _open(self, context: ssl.SSLContext) -> None:
        self.tls = None
        sock = open_tcp(self.host, self.port, self.timeout, self.cancel)
        if self.security is Security.TLS:
            try:
                secured = handshake(sock, self.host, self.port, context, self.timeout, self.cancel)
            except NotTlsPort as error:
                raise SmtpNotTlsPort(f"the TLS handshake with {self.host}:{self.port} was answered in plain text",
                                     server_text=error.server_text) from error
            self.tls = tls_info(secured)
            sock = secured
        elif self._silent_tls_port(sock):
            sock.close()
            raise SmtpTlsPortWithoutTls(f"connected to {self.host}:{self.port}, but the server sent no greeting: "
                                        "that port expects TLS from the start")
        self._smtp = smtp = _Smtp(sock, self.host, self.timeout)
        try:
            code, text = self._step(smtp.connect, self.host, self.port)
            self.greeting = _text(text)
            if code != 220:
                raise reply_error(code, self.greeting, "the greeting")
            self._ehlo()
            if self.security is Security.STARTTLS:
                self._start_tls(context)
        except BaseException:
            self._drop()  # not close(): connect() may try again (a pinned certificate), still cancellable
            raise

    def _silent_tls_port(self, sock: socket.socket) -> bool:
        """No greeting within a few seconds, and a TLS handshake works on the port: 465 reached
        with STARTTLS (it would wait for our handshake until the timeout)."""
        wait = min(GREETING_PROBE_SECONDS, self.timeout)
        deadline = time.monotonic() + wait
        while (remaining := deadline - time.monotonic()) > 0:
            if self.cancel is not None:
                self.cancel.raise_if_cancelled()
            readable, _, _ = select.select([sock], [], [], min(remaining, 0.25))
            if readable:
                return False
        return speaks_tls(self.host, self.port, wait, self.cancel)

    def _ehlo(self) -> None:
        smtp = self._required
        code, text = self._step(smtp.ehlo)
        if code != 250:
            code, text = self._step(smtp.helo)
            if code != 250:
                raise reply_error(code, _text(text), "EHLO")

    def _start_tls(self, context: ssl.SSLContext) -> None:
        smtp = self._required
        if not smtp.has_extn("starttls"):
            raise SmtpStartTlsUnavailable("the SMTP server does not offer STARTTLS, so nothing was sent in "
                                          "clear text")
        code, text = self._step(smtp.docmd, "STARTTLS")
        if code != 220:
            raise SmtpStartTlsUnavailable("the SMTP server refused STARTTLS, so nothing was sent in clear text",
                                          server_text=_text(text))
        assert smtp.sock is not None
        secured = handshake(smtp.sock, self.host, self.port, context, self.timeout, self.cancel)
        smtp.sock, smtp.file = secured, None
        self.tls = tls_info(secured)
        # RFC 3207 section 4.2: forget what was learnt before the handshake, ask again.
        smtp.helo_resp = smtp.ehlo_resp = None
        smtp.esmtp_features, smtp.does_esmtp = {}, False
        self._ehlo()

    # -- login ----------------------------------------------------------------------------------

    def login(self, user: str, secret: str | Secret, *, allow_insecure_auth: bool = False) -> None:
        """AUTH PLAIN, else LOGIN, in UTF-8 (RFC 4616; smtplib's own login encodes ASCII only, and
        a password may not be); an OAuth2 access token with XOAUTH2, else OAUTHBEARER (RFC 7628).
        A server that offers no AUTH (a relay on the local network) is used without login."""
        secret = as_secret(secret)
        smtp = self._required
        if not smtp.has_extn("auth"):
            return
        if self.tls is None and not allow_insecure_auth:
            raise ConfigError(f"refusing to send the {secret.kind.value} over an unencrypted connection: choose "
                              "SSL/TLS or STARTTLS for SMTP, or allow insecure authentication for this account")
        offered = smtp.esmtp_features.get("auth", "").upper().split()
        if secret.kind is SecretKind.BEARER_TOKEN:
            self._login_with_token(user, secret.value, offered)
            return
        password = secret.value
        if "PLAIN" in offered:
            token = _b64(b"\0" + user.encode("utf-8") + b"\0" + password.encode("utf-8"))
            code, text = self._step(smtp.docmd, "AUTH", "PLAIN " + token)
        elif "LOGIN" in offered:
            code, text = self._step(smtp.docmd, "AUTH", "LOGIN")
            if code == 334:
                code, text = self._step(smtp.docmd, _b64(user.encode("utf-8")))
            if code == 334:
                code, text = self._step(smtp.docmd, _b64(password.encode("utf-8")))
        else:
            raise ConfigError(f"the SMTP server offers no login mechanism Poplark knows ({' '.join(offered)}); "
                              "ask the provider for PLAIN or LOGIN over TLS")
        if code == 235:
            return
        if 400 <= code < 500:
            raise reply_error(code, _text(text), "AUTH")
        failure = AuthError(f"the SMTP server refused the login ({code})", server_text=_text(text))
        failure.host, failure.mechanism = self.host, "SMTP AUTH"
        raise failure

    def _login_with_token(self, user: str, token: str, offered: list[str]) -> None:
        """XOAUTH2 or OAUTHBEARER; a refused token comes as a 334 challenge with a JSON error,
        answered with the dummy response, then the failure (app.core.oauth.sasl reads it)."""
        from app.core.oauth import sasl

        smtp = self._required
        if "XOAUTH2" in offered:
            name, message, ack = "XOAUTH2", sasl.xoauth2_message(user, token), sasl.XOAUTH2_ERROR_ACK
        elif "OAUTHBEARER" in offered:
            name, message, ack = "OAUTHBEARER", sasl.oauthbearer_message(user, token), sasl.OAUTHBEARER_ERROR_ACK
        else:
            raise ConfigError(f"the SMTP server offers no OAuth2 login (XOAUTH2 or OAUTHBEARER) but "
                              f"{' '.join(offered) or 'none'}; ask the provider how to send with this account")
        code, text = self._step(smtp.docmd, "AUTH", f"{name} {_b64(message)}")
        failure = None
        if code == 334:
            try:
                failure = sasl.parse_failure(base64.b64decode(text, validate=True))
            except ValueError:
                failure = None
            code, text = self._step(smtp.docmd, _b64(ack))
        if code == 235:
            return
        if 400 <= code < 500 and failure is None:
            raise reply_error(code, _text(text), "AUTH")
        error = sasl.failure_error(failure, _text(text))
        error.host, error.mechanism = self.host, name
        raise error

    # -- sending --------------------------------------------------------------------------------

    @property
    def extensions(self) -> list[str]:
        """What the server announced after EHLO, e.g. ["8BITMIME", "AUTH PLAIN LOGIN", "SIZE 1000"]."""
        features = self._required.esmtp_features
        return [" ".join(f"{name.upper()} {value}".split()) for name, value in features.items()]

    @property
    def size_limit(self) -> int | None:
        """The largest message the server takes (RFC 1870 SIZE), or None when it does not say."""
        value = self._required.esmtp_features.get("size", "")
        return int(value) if value.strip().isdigit() and int(value) > 0 else None

    def send(self, sender: str, recipients: Sequence[str], raw: bytes,
             before_final_dot: Callable[[], None] = lambda: None) -> str:
        """Send ``raw`` (CRLF lines, not dot-stuffed); return the server's final reply text.

        Raises, without anything delivered: MessageTooLarge, RecipientsRefused, RecipientsDeferred,
        the vocabulary's server errors. Raises DeliveryUnknown when the link ends after the final
        dot and before the reply.
        """
        smtp = self._required
        limit = self.size_limit
        if limit is not None and len(raw) > limit:
            raise MessageTooLarge(f"the message is {len(raw):,} bytes and the server takes at most {limit:,}; "
                                  "remove or shrink attachments, then send it again")
        options = [f"SIZE={len(raw)}"] if smtp.has_extn("size") else []
        if not raw.isascii() and smtp.has_extn("8bitmime"):
            options.append("BODY=8BITMIME")
        if not sender.isascii() or not all(recipient.isascii() for recipient in recipients):
            if not smtp.has_extn("smtputf8"):
                raise PermanentServerError(
                    "the SMTP server cannot send to or from an address with non-ASCII letters before the @ (it does "
                    "not offer SMTPUTF8), so nothing was sent; use another address of that person, then send again")
            options.append("SMTPUTF8")  # RFC 6531; smtplib then writes the commands in UTF-8
        code, text = self._step(smtp.mail, sender, options)
        if code != 250:
            self._reset()
            raise reply_error(code, _text(text), "MAIL FROM")
        refused: dict[str, str] = {}
        deferred: dict[str, str] = {}
        for recipient in recipients:
            code, text = self._step(smtp.rcpt, recipient)
            if code >= 500:
                refused[recipient] = f"{code} {_text(text)}"
            elif code not in (250, 251):
                deferred[recipient] = f"{code} {_text(text)}"
        if refused or deferred:
            self._reset()
            raise RecipientsRefused(refused) if refused else RecipientsDeferred(deferred)
        code, text = self._step(smtp.docmd, "DATA")
        if code != 354:
            self._reset()
            raise reply_error(code, _text(text), "DATA")
        body = _stuffed(raw)
        for start in range(0, len(body), DATA_CHUNK):
            self._step(smtp.send, body[start:start + DATA_CHUNK])
        before_final_dot()
        try:
            self._step(smtp.send, b".\r\n")
            # RFC 5321 section 4.5.3.2.6: servers may scan the whole message before answering; a
            # client gives them 10 minutes. Giving up sooner would only make the message "unsure".
            smtp.timeout = max(self.timeout, FINAL_REPLY_SECONDS)
            if smtp.sock is not None:
                smtp.sock.settimeout(smtp.timeout)
            code, text = self._step(smtp.getreply)
        except (ConnectError, ServerTimeout) as error:
            raise DeliveryUnknown(f"the connection ended after the whole message was handed over and before the "
                                  f"server confirmed it ({error}); it may have been delivered") from error
        finally:
            smtp.timeout = self.timeout
            if smtp.sock is not None:
                smtp.sock.settimeout(self.timeout)
        if code != 250:
            raise reply_error(code, _text(text), "the end of DATA")
        return _text(text)

    def _reset(self) -> None:
        try:
            self._required.rset()
        except (smtplib.SMTPException, ConnectError, ServerTimeout, OSError):
            pass  # the session is ending anyway; the error that led here is what matters

    def _step(self, action: Callable[..., _T], *arguments: object) -> _T:
        """Run one smtplib call; a cancel (which shut the socket) surfaces as Cancelled."""
        if self.cancel is not None:
            self.cancel.raise_if_cancelled()
        try:
            return action(*arguments)
        except (ConnectError, ServerTimeout, smtplib.SMTPServerDisconnected, OSError) as error:
            if self.cancel is not None:
                self.cancel.raise_if_cancelled()
            if isinstance(error, ConnectError | ServerTimeout):
                raise
            raise ConnectError(f"the connection to {self.host}:{self.port} was lost: {error}") from error

    @property
    def _required(self) -> _Smtp:
        if self._smtp is None:
            raise ConnectError("not connected to the SMTP server")
        return self._smtp

    # -- ending ---------------------------------------------------------------------------------

    def quit(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, ConnectError, ServerTimeout, OSError):
                pass
        self.close()

    def close(self) -> None:
        self._closed.set()
        self._drop()

    def _drop(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            smtp.close()


def _stuffed(raw: bytes) -> bytes:
    """RFC 5321 section 4.5.2: a line starting with "." gets another; the body ends with CRLF."""
    if not raw.endswith(b"\r\n"):
        raw += b"\r\n"
    return re.sub(rb"(?m)^\.", b"..", raw)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
