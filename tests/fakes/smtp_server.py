"""A scriptable SMTP submission server on 127.0.0.1 for the sending tests: ``aiosmtpd`` (a real
SMTP implementation) on its own event loop thread, with the faults a real server shows.

Modes: ``plain``, ``starttls`` (STARTTLS offered and required before AUTH) and ``tls`` (implicit
TLS), with the test CA's certificates (tests/fakes/certs.py). AUTH PLAIN and LOGIN against one user,
and XOAUTH2 against one OAuth2 access token (``token``).
Faults, set on :class:`Faults` before or during a test:

- ``greeting_reply``, ``auth_reply``, ``mail_reply`` / ``rcpt_replies`` / ``data_command_reply`` /
  ``data_reply``: a reply instead of the good one at that step (e.g. "451 4.3.0 later");
- ``size_limit``: the SIZE the server announces and enforces;
- ``hold_data``: the whole message arrived (after the final dot) and the reply is held until the
  event is set, so a test can kill the sender in the "may have been sent" window;
- ``drop_after_data``: the whole message arrived, and the connection is closed without a reply;
- ``drop_mid_data``: after 354 and ``mid_data_octets`` octets, the connection is closed;
- ``stall_mid_data``: after 354 and ``mid_data_octets`` octets the server stops reading (TCP
  back-pressure then blocks the sender before its final dot); ``mid_data`` is set when reached;
- ``no_starttls``: STARTTLS is not offered (a stripping attacker, or a misconfigured server);
- ``data_reply_delay``: seconds before the reply to the final dot (the message is delivered even
  if the client is gone by then, as with a real server).

``received`` holds every message accepted with 250, its bytes exactly as the server stored them
(dot-unstuffed); ``held`` those that arrived whole, whatever the reply.
"""

from __future__ import annotations

import asyncio
import base64
import json
import threading
import warnings
from dataclasses import dataclass, field
from typing import Any

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

from tests.fakes.certs import TestCertificates

DEFAULT_USER = "alice@example.org"
DEFAULT_PASSWORD = "smtp-密码-secret"


@dataclass
class Faults:
    mail_reply: str | None = None
    rcpt_replies: dict[str, str] = field(default_factory=dict)
    data_reply: str | None = None
    size_limit: int | None = None
    hold_data: threading.Event | None = None
    drop_after_data: bool = False
    drop_mid_data: bool = False
    stall_mid_data: bool = False
    mid_data_octets: int = 1024
    no_starttls: bool = False
    #: Offer SMTPUTF8 (RFC 6531): addresses with non-ASCII letters before the @.
    smtputf8: bool = True
    #: Instead of "220 ...": the greeting, after which the server hangs up (e.g. "554 no service").
    greeting_reply: str | None = None
    #: The answer to any AUTH, whatever the password (e.g. "454 4.7.0 try later").
    auth_reply: str | None = None
    #: The answer to the DATA command instead of 354.
    data_command_reply: str | None = None
    #: Seconds the server takes to answer the final dot (as a real one scanning for viruses does).
    data_reply_delay: float = 0.0


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes


class _Handler:
    def __init__(self, server: FakeSmtpServer) -> None:
        self.server = server

    async def handle_MAIL(self, server: SMTP, session: Any, envelope: Any, address: str,
                          options: list[str]) -> str:
        if self.server.faults.mail_reply:
            return self.server.faults.mail_reply
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(self, server: SMTP, session: Any, envelope: Any, address: str,
                          options: list[str]) -> str:
        reply = self.server.faults.rcpt_replies.get(address)
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Any, envelope: Any) -> str:
        faults = self.server.faults
        message = Received(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.original_content))
        self.server.held.append(message)
        self.server.data_complete.set()
        if faults.hold_data is not None:
            while not faults.hold_data.is_set() and not self.server.stopping:
                await asyncio.sleep(0.05)
        if faults.data_reply_delay:
            await asyncio.sleep(faults.data_reply_delay)
        if faults.drop_after_data:
            server.transport.close()
            return "421 closing"  # never reaches the client: the transport is closed
        if faults.data_reply:
            return faults.data_reply
        self.server.received.append(message)
        return "250 2.0.0 Ok: queued as 42"


class _Smtp(SMTP):
    """aiosmtpd's server with the mid-DATA faults and a switch for STARTTLS."""

    def __init__(self, fake: FakeSmtpServer, **options: Any) -> None:
        super().__init__(_Handler(fake), **options)
        self.fake = fake

    async def smtp_EHLO(self, hostname: str) -> None:
        if self.fake.faults.no_starttls:
            context, self.tls_context = self.tls_context, None
            try:
                await super().smtp_EHLO(hostname)
            finally:
                self.tls_context = context
            return
        await super().smtp_EHLO(hostname)

    async def smtp_STARTTLS(self, arg: str) -> None:
        if self.fake.faults.no_starttls:
            await self.push("502 5.5.1 command not implemented")
            return
        await super().smtp_STARTTLS(arg)

    async def auth_XOAUTH2(self, server: SMTP, args: list[str]) -> AuthResult:
        """Google's XOAUTH2 with the fake's ``token``; a wrong one gets the JSON error challenge."""
        given = base64.b64decode(args[1]).decode("utf-8") if len(args) > 1 else ""
        if self.fake.token and given == f"user={self.fake.user}\x01auth=Bearer {self.fake.token}\x01\x01":
            self.fake.logins.append("XOAUTH2")
            return AuthResult(success=True, handled=False)
        self.fake.refused_tokens.append(given.partition("auth=Bearer ")[2].rstrip("\x01"))
        await self.challenge_auth(json.dumps({"status": "401", "schemes": "bearer"}))
        return AuthResult(success=False, handled=False, message="535 5.7.8 Username and Password not accepted")

    async def _handle_client(self) -> None:
        reply = self.fake.faults.greeting_reply
        if reply is None:
            await super()._handle_client()
            return
        await self.push(reply)
        assert self.transport is not None
        self.transport.close()

    async def smtp_DATA(self, arg: str) -> None:
        faults = self.fake.faults
        if faults.data_command_reply and self.envelope and self.envelope.rcpt_tos:
            await self.push(faults.data_command_reply)
            return
        if not (faults.drop_mid_data or faults.stall_mid_data) or not self.envelope or not self.envelope.rcpt_tos:
            await super().smtp_DATA(arg)
            return
        await self.push("354 End data with <CR><LF>.<CR><LF>")
        read = 0
        while read < faults.mid_data_octets:
            chunk = await self._reader.read(faults.mid_data_octets - read)
            if not chunk:
                return
            read += len(chunk)
        self.fake.mid_data.set()
        if faults.drop_mid_data:
            assert self.transport is not None
            self.transport.close()
            return
        while not self.fake.stopping:  # stall: read nothing more, until the test ends
            await asyncio.sleep(0.05)


class FakeSmtpServer:
    def __init__(self, mode: str = "plain", certificates: TestCertificates | None = None, *,
                 user: str = DEFAULT_USER, password: str = DEFAULT_PASSWORD, faults: Faults | None = None,
                 token: str | None = None) -> None:
        assert mode in ("plain", "starttls", "tls")
        assert mode == "plain" or certificates is not None
        self.mode = mode
        self.certificates = certificates
        self.user, self.password = user, password
        #: The OAuth2 access token XOAUTH2 accepts (None: every token is refused).
        self.token = token
        self.refused_tokens: list[str] = []
        self.faults = faults or Faults()
        self.received: list[Received] = []
        self.held: list[Received] = []
        self.data_complete = threading.Event()
        self.mid_data = threading.Event()
        self.stopping = False
        self.logins: list[str] = []
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="fake-smtp", daemon=True)
        self._server: asyncio.AbstractServer | None = None

    def _authenticate(self, server: SMTP, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        if self.faults.auth_reply:
            return AuthResult(success=False, handled=False, message=self.faults.auth_reply)
        ok = (isinstance(data, LoginPassword) and data.login.decode("utf-8") == self.user
              and data.password.decode("utf-8") == self.password)
        if ok:
            self.logins.append(mechanism)
        return AuthResult(success=ok, handled=False)

    def _factory(self) -> SMTP:
        context = self.certificates.server_context() if self.certificates is not None else None
        with warnings.catch_warnings():
            # aiosmtpd warns about AUTH without STARTTLS: implicit TLS is encrypted from the start,
            # and plain mode exists to test that the client refuses to send a password there.
            warnings.simplefilter("ignore", UserWarning)
            return _Smtp(self, data_size_limit=self.faults.size_limit, hostname="smtp.test",
                         tls_context=context if self.mode == "starttls" else None,
                         require_starttls=self.mode == "starttls", authenticator=self._authenticate,
                         auth_required=True, auth_require_tls=self.mode == "starttls",
                         enable_SMTPUTF8=self.faults.smtputf8, loop=self._loop)

    def start(self) -> FakeSmtpServer:
        self._thread.start()
        context = self.certificates.server_context() if self.mode == "tls" and self.certificates else None

        async def listen() -> asyncio.AbstractServer:
            return await self._loop.create_server(self._factory, "127.0.0.1", 0, ssl=context)

        self._server = asyncio.run_coroutine_threadsafe(listen(), self._loop).result(10)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        """Close the listener and every session; a second call does nothing."""
        self.stopping = True
        if not self._thread.is_alive():
            return
        if self._server is not None:
            server = self._server

            async def close() -> None:
                server.close()
                for task in asyncio.all_tasks():
                    if task is not asyncio.current_task():
                        task.cancel()

            asyncio.run_coroutine_threadsafe(close(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
