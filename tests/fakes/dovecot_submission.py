"""A private Dovecot that also takes mail in: SMTP submission (RFC 6409) with SASL, and delivery.

The sending tier needs a mail server that accepts a message the way a provider does, so the test
does not hand the bytes to the mailbox itself. What runs here is Dovecot's own code, unprivileged
and on loopback like :class:`~tests.fakes.dovecot.PrivateDovecot` (as root and as a normal user):

    poplark send --STARTTLS, AUTH PLAIN--> Dovecot submission (checks the login against the
    same passdb as POP3) --SMTP relay--> relay below --LMTP--> Dovecot LMTP --> the Maildir

Dovecot's submission service relays over SMTP only, and its LMTP service speaks only LMTP (it
answers EHLO with "500 5.5.1 Unknown command"), so a small relay in between turns one into the
other: an aiosmtpd server that passes each message, unchanged, to LMTP (the standard library's
``smtplib.LMTP``). Postfix and OpenSMTPD were the first choice but run only as root; this chain
runs as any user, and every step that accepts, authenticates and stores mail is Dovecot's.

As a real MTA does, the chain adds trace fields at the top: Dovecot's submission a ``Received:``,
its LMTP ``Return-Path:`` and ``Delivered-To:``. The bytes below them are the sent message.
"""

from __future__ import annotations

import asyncio
import smtplib
import threading
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP

from tests.fakes.dovecot import PrivateDovecot, _pick_free_ports

_TIMEOUT = 20.0
#: Where Debian's dovecot-submissiond and dovecot-lmtpd put their services.
_SERVICES_DIRECTORY = Path("/usr/lib/dovecot")
INSTALL_HINT = "apt-get install dovecot-submissiond dovecot-lmtpd"


def submission_available() -> bool:
    """Whether Dovecot's submission and LMTP services are installed (besides POP3)."""
    return all((_SERVICES_DIRECTORY / service).exists() for service in ("submission", "submission-login", "lmtp"))


class _LmtpHandOn:
    def __init__(self, relay: SmtpToLmtpRelay) -> None:
        self.relay = relay

    async def handle_DATA(self, server: SMTP, session: Any, envelope: Any) -> str:
        content: bytes = envelope.original_content
        return await asyncio.get_running_loop().run_in_executor(
            None, self.relay.hand_on, str(envelope.mail_from), list(envelope.rcpt_tos), content)


class SmtpToLmtpRelay:
    """An SMTP server on 127.0.0.1 that delivers each message through LMTP to ``lmtp_port``."""

    def __init__(self) -> None:
        self.lmtp_port = 0
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="smtp-to-lmtp", daemon=True)
        self._server: asyncio.Server | None = None

    def hand_on(self, sender: str, recipients: list[str], content: bytes) -> str:
        """Deliver through LMTP; the SMTP reply for the relaying server (LMTP's first refusal)."""
        try:
            with smtplib.LMTP("127.0.0.1", self.lmtp_port, timeout=_TIMEOUT) as lmtp:
                refused = lmtp.sendmail(sender, recipients, content)
        except smtplib.SMTPResponseException as error:
            text = error.smtp_error
            return f"{error.smtp_code} {text.decode('utf-8', 'replace') if isinstance(text, bytes) else text}"
        except (OSError, smtplib.SMTPException) as error:
            return f"451 4.3.0 LMTP delivery failed: {error}"
        if refused:
            code, text = next(iter(refused.values()))
            return f"{code} {text.decode('utf-8', 'replace')}"
        return "250 2.0.0 delivered"

    def start(self) -> SmtpToLmtpRelay:
        self._thread.start()

        async def listen() -> asyncio.Server:
            return await self._loop.create_server(
                lambda: SMTP(_LmtpHandOn(self), hostname="relay.example.test", loop=self._loop), "127.0.0.1", 0)

        self._server = asyncio.run_coroutine_threadsafe(listen(), self._loop).result(_TIMEOUT)
        self.port = int(self._server.sockets[0].getsockname()[1])
        return self

    def stop(self) -> None:
        server = self._server
        if server is not None:
            async def close() -> None:
                server.close()
                await server.wait_closed()

            asyncio.run_coroutine_threadsafe(close(), self._loop).result(_TIMEOUT)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(_TIMEOUT)


class DovecotWithSubmission(PrivateDovecot):
    """:class:`PrivateDovecot` plus submission on ``submission_port`` (STARTTLS) and LMTP delivery
    through ``relay`` (started and stopped with it). Recipients are the users' names at any domain
    (``alice@example.org`` is alice)."""

    def __init__(self, base_dir: Path, **settings: Any) -> None:
        super().__init__(base_dir, **settings)
        self.relay = SmtpToLmtpRelay()
        self.submission_port = 0
        self.lmtp_port = 0

    def start(self, timeout: float = 20.0) -> None:
        if self.running:
            return
        self.relay.start()
        try:
            super().start(timeout)
        except BaseException:
            self.relay.stop()
            raise

    def stop(self, *, graceful: bool = True) -> None:
        try:
            super().stop(graceful=graceful)
        finally:
            if self.relay.port:
                self.relay.stop()
                self.relay.port = 0

    def _write_files(self) -> None:
        # Called for each start attempt, after the POP3 ports are picked: new ports each time too.
        self.submission_port, self.lmtp_port = _pick_free_ports(2)
        self.relay.lmtp_port = self.lmtp_port
        super()._write_files()

    def _config_text(self, certificate_path: Path, key_path: Path, passwd_path: Path) -> str:
        text = super()._config_text(certificate_path, key_path, passwd_path)
        assert "protocols = pop3\n" in text
        # Rootless: no chroot for the login process, as for pop3-login.
        unchrooted = "" if self._is_root else "service submission-login {\n  chroot =\n}\n"
        return text.replace("protocols = pop3\n", "protocols = pop3 lmtp submission\n") + unchrooted + f"""
hostname = mail.example.test
# alice@example.org is the user alice, for LMTP's recipients and submission's logins alike.
auth_username_format = %Ln
submission_relay_host = 127.0.0.1
submission_relay_port = {self.relay.port}
submission_relay_trusted = yes
service lmtp {{
  inet_listener lmtp {{
    address = 127.0.0.1
    port = {self.lmtp_port}
  }}
}}
service submission-login {{
  inet_listener submission {{
    address = 127.0.0.1
    port = {self.submission_port}
  }}
}}
"""
