"""Self-tests of the fake POP3 server, driven with raw sockets and ssl only.

These tests check the fake itself, independently of the application's client: if the fake is wrong,
every protocol test built on it is wrong too. ``poplib`` appears once, as an independent reference
client.
"""

from __future__ import annotations

import base64
import poplib
import socket
import ssl
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.fakes.certs import ServerCertificateKind, TestCertificates, make_test_certificates
from tests.fakes.pop3_server import (
    DEFAULT_GREETING_TIMESTAMP,
    GARBAGE_REPLY,
    FakePop3Server,
    Faults,
    apop_digest,
    crlf,
    dot_stuff,
)

TIMEOUT_SECONDS = 5.0
# Long enough for a loopback reply, short enough for tests that expect no reply at all.
NO_REPLY_TIMEOUT_SECONDS = 0.5
ONE_MEBIBYTE = 1024 * 1024

# Everything a client must carry through byte for byte: a first line and other lines starting with
# ".", a line that is a lone ".", NUL, a bare CR inside a line, 8-bit bytes and a 1 MiB line.
TRICKY_MESSAGE = (
    b".From: leading-dot@example.com\r\n"
    b"Subject: tricky\r\n"
    b"\r\n"
    b".leading dot\r\n"
    b".\r\n"
    b"..two dots\r\n"
    b"nul \x00 byte and a bare \r carriage return\r\n"
    b"8-bit \xe4\xf6\xfc \xff\r\n" + b"x" * ONE_MEBIBYTE + b"\r\n" + b"last line\r\n"
)
SIMPLE_MESSAGES = [
    crlf("From: one@example.com\nSubject: one\n\nfirst body\nsecond line\n"),
    crlf("From: two@example.com\nSubject: two\n\nbody of two\n"),
    crlf("From: three@example.com\nSubject: three\n\nbody of three\n"),
]


class LineClient:
    """A minimal POP3 client over a socket, reading replies byte-exact."""

    def __init__(self, connection: socket.socket) -> None:
        self.connection = connection
        self.buffer = bytearray()
        self._searched_up_to = 0

    @classmethod
    def connect(
        cls,
        server: FakePop3Server,
        tls_context: ssl.SSLContext | None = None,
        server_hostname: str = "localhost",
    ) -> LineClient:
        connection = socket.create_connection(server.address, timeout=TIMEOUT_SECONDS)
        if tls_context is not None:
            connection = tls_context.wrap_socket(connection, server_hostname=server_hostname)
        return cls(connection)

    def send(self, *lines: str | bytes) -> None:
        """Send all lines in one write, which is what a pipelining client does."""
        encoded = [line.encode("utf-8") if isinstance(line, str) else line for line in lines]
        self.connection.sendall(b"".join(line + b"\r\n" for line in encoded))

    def _receive(self) -> bool:
        chunk = self.connection.recv(65536)
        self.buffer += chunk
        return bool(chunk)

    def read_line(self) -> bytes:
        """Return the next line with its line ending; raise EOFError at end of stream."""
        while True:
            line_end = self.buffer.find(b"\n", self._searched_up_to)
            if line_end >= 0:
                line = bytes(self.buffer[: line_end + 1])
                del self.buffer[: line_end + 1]
                self._searched_up_to = 0
                return line
            self._searched_up_to = len(self.buffer)
            if not self._receive():
                raise EOFError("connection closed")

    def read_exactly(self, count: int) -> bytes:
        while len(self.buffer) < count:
            if not self._receive():
                raise EOFError("connection closed")
        data = bytes(self.buffer[:count])
        del self.buffer[:count]
        self._searched_up_to = 0
        return data

    def read_reply(self) -> str:
        return self.read_line().decode("utf-8").rstrip("\r\n")

    def command(self, line: str | bytes) -> str:
        self.send(line)
        return self.read_reply()

    def read_multiline(self) -> bytes:
        """Read a multi-line body up to ".\\r\\n" and undo the dot-stuffing (RFC 1939 §3)."""
        lines = []
        while (line := self.read_line()) != b".\r\n":
            lines.append(line[1:] if line.startswith(b".") else line)
        return b"".join(lines)

    def read_to_end(self) -> bytes:
        data = bytes(self.buffer)
        self.buffer.clear()
        while chunk := self.connection.recv(65536):
            data += chunk
        return data

    def start_tls(self, context: ssl.SSLContext, server_hostname: str = "localhost") -> None:
        assert not self.buffer, "bytes left over from before the handshake"
        self.connection = context.wrap_socket(self.connection, server_hostname=server_hostname)

    def login(self, user: str = "alice", password: str = "secret") -> str:
        assert self.command(f"USER {user}").startswith("+OK")
        return self.command(f"PASS {password}")

    def close(self) -> None:
        self.connection.close()


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> TestCertificates:
    return make_test_certificates(Path(tmp_path_factory.mktemp("certificates")))


@pytest.fixture
def start_server() -> Iterator[Callable[..., FakePop3Server]]:
    """Start fake servers for a test and stop them afterwards, checking the fake raised nothing."""
    servers: list[FakePop3Server] = []

    def start(**options: object) -> FakePop3Server:
        options.setdefault("messages", SIMPLE_MESSAGES)
        server = FakePop3Server(**options).start()  # type: ignore[arg-type]
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
    for server in servers:
        assert server.handler_errors == []


@pytest.fixture
def connect() -> Iterator[Callable[..., LineClient]]:
    """Open clients that read the greeting first, and close them all at the end."""
    clients: list[LineClient] = []

    def open_client(server: FakePop3Server, tls_context: ssl.SSLContext | None = None) -> LineClient:
        client = LineClient.connect(server, tls_context)
        clients.append(client)
        assert client.read_reply().startswith("+OK")
        return client

    yield open_client
    for client in clients:
        client.close()


def plain_auth(user: str, password: str) -> str:
    return base64.b64encode(f"\0{user}\0{password}".encode()).decode("ascii")


def encode_base64(text: str) -> str:
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


# Greeting and authentication ---------------------------------------------------------------------


def test_greeting_carries_the_apop_timestamp(start_server: Callable[..., FakePop3Server]) -> None:
    server = start_server()
    client = LineClient.connect(server)
    try:
        assert client.read_line() == f"+OK POP3 fake ready {DEFAULT_GREETING_TIMESTAMP}\r\n".encode()
    finally:
        client.close()


def test_greeting_without_timestamp_disables_apop(start_server, connect) -> None:
    client = connect(start_server(greeting_timestamp=None))
    assert client.command(f"APOP alice {apop_digest('', 'secret')}").startswith("-ERR")


def test_user_pass_accepts_the_right_password(start_server, connect) -> None:
    client = connect(start_server())
    total = sum(len(message) for message in SIMPLE_MESSAGES)
    assert client.login() == f"+OK Logged in, 3 messages ({total} octets)"


def test_user_pass_rejects_a_wrong_password_with_the_auth_code(start_server, connect) -> None:
    client = connect(start_server())
    assert client.login(password="wrong") == "-ERR [AUTH] Invalid credentials"
    # The session stays in the AUTHORIZATION state, so the user may try again.
    assert client.login().startswith("+OK")


def test_non_ascii_password_works_over_pass_and_auth_plain(start_server, connect) -> None:
    password = "pässwörd-密码"
    server = start_server(password=password)
    first = connect(server)
    assert first.login(password=password).startswith("+OK")
    assert first.command("QUIT").startswith("+OK")
    second = connect(server)
    assert second.command(f"AUTH PLAIN {plain_auth('alice', password)}").startswith("+OK")


def test_auth_plain_with_initial_response(start_server, connect) -> None:
    client = connect(start_server())
    assert client.command(f"AUTH PLAIN {plain_auth('alice', 'wrong')}") == "-ERR [AUTH] Invalid credentials"
    assert client.command(f"AUTH PLAIN {plain_auth('alice', 'secret')}").startswith("+OK")


def test_auth_plain_with_continuation(start_server, connect) -> None:
    client = connect(start_server())
    assert client.command("AUTH PLAIN") == "+ "
    assert client.command(plain_auth("alice", "secret")).startswith("+OK")


def test_auth_login_prompts_for_user_name_then_password(start_server, connect) -> None:
    client = connect(start_server())
    assert client.command("AUTH LOGIN") == f"+ {encode_base64('Username:')}"
    assert client.command(encode_base64("alice")) == f"+ {encode_base64('Password:')}"
    assert client.command(encode_base64("secret")).startswith("+OK")


def test_auth_login_with_initial_response(start_server, connect) -> None:
    client = connect(start_server())
    assert client.command(f"AUTH LOGIN {encode_base64('alice')}").startswith("+ ")
    assert client.command(encode_base64("secret")).startswith("+OK")


def test_auth_is_cancelled_by_a_star_and_rejects_bad_base64(start_server, connect) -> None:
    client = connect(start_server())
    assert client.command("AUTH PLAIN") == "+ "
    assert client.command("*").startswith("-ERR")
    assert client.command("AUTH PLAIN not-base64!").startswith("-ERR")
    assert client.command("AUTH CRAM-MD5").startswith("-ERR")
    assert client.command("STAT").startswith("-ERR")  # Still not logged in.


def test_apop_checks_the_digest(start_server, connect) -> None:
    client = connect(start_server())
    assert client.command(f"APOP alice {apop_digest(DEFAULT_GREETING_TIMESTAMP, 'wrong')}") == (
        "-ERR [AUTH] Invalid credentials"
    )
    digest = apop_digest(DEFAULT_GREETING_TIMESTAMP, "secret")
    assert client.command(f"APOP alice {digest}").startswith("+OK")


def test_second_concurrent_login_gets_in_use(start_server, connect) -> None:
    server = start_server(in_use_wait_seconds=0.1)
    first = connect(server)
    assert first.login().startswith("+OK")
    second = connect(server)
    assert second.login().startswith("-ERR [IN-USE]")
    assert first.command("QUIT").startswith("+OK")
    assert second.login().startswith("+OK")


def test_non_exclusive_server_allows_concurrent_logins(start_server, connect) -> None:
    server = start_server(exclusive=False)
    assert connect(server).login().startswith("+OK")
    assert connect(server).login().startswith("+OK")


# CAPA ------------------------------------------------------------------------------------------


def test_capa_lists_the_default_capabilities(start_server, connect) -> None:
    client = connect(start_server())
    assert client.command("CAPA").startswith("+OK")
    assert client.read_multiline().decode().split("\r\n")[:-1] == [
        "TOP",
        "UIDL",
        "USER",
        "RESP-CODES",
        "AUTH-RESP-CODE",
        "PIPELINING",
        "SASL PLAIN LOGIN",
        "IMPLEMENTATION fake",
    ]


def test_capa_can_be_replaced_and_extended_by_faults(start_server, connect) -> None:
    client = connect(start_server(faults=Faults(login_delay=900, expire="NEVER", no_top=True)))
    client.command("CAPA")
    capabilities = client.read_multiline().decode().split("\r\n")
    assert "LOGIN-DELAY 900" in capabilities
    assert "EXPIRE NEVER" in capabilities
    assert "TOP" not in capabilities
    custom = connect(start_server(capabilities=["USER", "X-CUSTOM"]))
    custom.command("CAPA")
    assert custom.read_multiline() == b"USER\r\nX-CUSTOM\r\n"


# TRANSACTION state -------------------------------------------------------------------------------


def test_stat_list_and_uidl(start_server, connect) -> None:
    server = start_server(uidls=["alpha", "beta", "gamma"])
    client = connect(server)
    client.login()
    sizes = [len(message) for message in SIMPLE_MESSAGES]
    assert client.command("STAT") == f"+OK 3 {sum(sizes)}"
    assert client.command("LIST").startswith("+OK 3 messages")
    assert client.read_multiline().decode() == "".join(
        f"{number} {size}\r\n" for number, size in enumerate(sizes, start=1)
    )
    assert client.command("LIST 2") == f"+OK 2 {sizes[1]}"
    assert client.command("LIST 4").startswith("-ERR")
    assert client.command("UIDL").startswith("+OK")
    assert client.read_multiline() == b"1 alpha\r\n2 beta\r\n3 gamma\r\n"
    assert client.command("UIDL 3") == "+OK 3 gamma"
    assert client.command("UIDL x").startswith("-ERR")


def test_default_uidls_are_stable_and_count_additions(start_server) -> None:
    server = start_server()
    assert server.mailbox.current_uidls() == ["uid-1", "uid-2", "uid-3"]
    assert server.add_message(crlf("Subject: new\n\nnew\n")) == "uid-4"


def test_retr_round_trip_is_byte_exact(start_server, connect) -> None:
    server = start_server(messages=[TRICKY_MESSAGE, SIMPLE_MESSAGES[0]])
    client = connect(server)
    client.login()
    assert client.command("LIST 1") == f"+OK 1 {len(TRICKY_MESSAGE)}"
    assert client.command("RETR 1") == f"+OK {len(TRICKY_MESSAGE)} octets"
    assert client.read_multiline() == TRICKY_MESSAGE
    assert client.command("RETR 2").startswith("+OK")
    assert client.read_multiline() == SIMPLE_MESSAGES[0]


def test_dot_stuffing_on_the_wire() -> None:
    assert dot_stuff(b".a\r\nb\r\n.\r\n") == b"..a\r\nb\r\n..\r\n.\r\n"
    assert dot_stuff(b"") == b".\r\n"


def test_top_returns_the_header_and_the_requested_body_lines(start_server, connect) -> None:
    client = connect(start_server())
    client.login()
    assert client.command("TOP 1 0").startswith("+OK")
    assert client.read_multiline() == crlf("From: one@example.com\nSubject: one\n\n")
    assert client.command("TOP 1 1").startswith("+OK")
    assert client.read_multiline() == crlf("From: one@example.com\nSubject: one\n\nfirst body\n")
    assert client.command("TOP 1 99").startswith("+OK")
    assert client.read_multiline() == SIMPLE_MESSAGES[0]


def test_dele_is_applied_only_at_quit_and_renumbers(start_server, connect) -> None:
    server = start_server()
    client = connect(server)
    client.login()
    assert client.command("DELE 1").startswith("+OK")
    assert client.command("DELE 1").startswith("-ERR")  # Already marked.
    assert client.command("RETR 1").startswith("-ERR")
    assert client.command("STAT") == f"+OK 2 {len(SIMPLE_MESSAGES[1]) + len(SIMPLE_MESSAGES[2])}"
    assert server.mailbox.current_uidls() == ["uid-1", "uid-2", "uid-3"]
    assert client.command("QUIT") == "+OK Bye, 1 messages deleted"
    assert server.mailbox.current_uidls() == ["uid-2", "uid-3"]
    assert server.mailbox.deleted_uidls == {"uid-1"}

    next_session = connect(server)
    next_session.login()
    assert next_session.command("UIDL 1") == "+OK 1 uid-2"


def test_rset_unmarks_deleted_messages(start_server, connect) -> None:
    server = start_server()
    client = connect(server)
    client.login()
    client.command("DELE 2")
    assert client.command("RSET").startswith("+OK Maildrop has 3 messages")
    assert client.command("QUIT").startswith("+OK")
    assert server.mailbox.current_uidls() == ["uid-1", "uid-2", "uid-3"]


def test_dropped_connection_applies_nothing(start_server, connect) -> None:
    server = start_server()
    client = connect(server)
    client.login()
    client.command("DELE 1")
    client.close()
    assert server.wait_until_idle()
    assert server.mailbox.current_uidls() == ["uid-1", "uid-2", "uid-3"]
    assert server.mailbox.deleted_uidls == set()


def test_new_mail_is_seen_by_the_next_session_only(start_server, connect) -> None:
    server = start_server()
    client = connect(server)
    client.login()
    server.add_message(crlf("Subject: late\n\nlate\n"), uidl="late")
    assert client.command("STAT").startswith("+OK 3 ")
    client.command("QUIT")
    next_session = connect(server)
    next_session.login()
    assert next_session.command("UIDL 4") == "+OK 4 late"


def test_commands_are_case_insensitive_and_logged_per_session(start_server, connect) -> None:
    server = start_server()
    client = connect(server)
    assert client.command("user alice").startswith("+OK")
    assert client.command("pass secret").startswith("+OK")
    assert client.command("noop") == "+OK"
    assert client.command("quit").startswith("+OK")
    assert server.wait_until_idle()
    assert server.mailbox.sessions == 1
    assert server.mailbox.commands == [["user alice", "pass secret", "noop", "quit"]]


def test_unknown_wrong_state_and_overlong_commands_get_err(start_server, connect) -> None:
    client = connect(start_server())
    assert client.command("FROB") == "-ERR Unknown command"
    assert client.command("RETR 1").startswith("-ERR")
    # RFC 2449 §4: 255 octets at most, CRLF included.
    assert client.command("USER " + "a" * 251).startswith("-ERR Command line too long")
    assert client.command("USER " + "a" * 248).startswith("+OK")


# TLS ---------------------------------------------------------------------------------------------


def test_stls_upgrade_and_capa_after_it(start_server, connect, certificates: TestCertificates) -> None:
    server = start_server(mode="stls", ssl_context=certificates.server_context())
    client = connect(server)
    client.command("CAPA")
    assert "STLS" in client.read_multiline().decode().split("\r\n")
    assert client.command("STLS") == "+OK Begin TLS negotiation"
    client.start_tls(certificates.client_context())
    client.command("CAPA")
    assert "STLS" not in client.read_multiline().decode().split("\r\n")
    assert client.command("STLS").startswith("-ERR")
    assert client.login().startswith("+OK")
    assert client.command("RETR 1").startswith("+OK")
    assert client.read_multiline() == SIMPLE_MESSAGES[0]


def test_stls_sends_injected_bytes_before_the_handshake(start_server, connect, certificates: TestCertificates) -> None:
    injection = b"+OK injected before TLS\r\n"
    server = start_server(
        mode="stls",
        ssl_context=certificates.server_context(),
        faults=Faults(pre_tls_injection=injection),
    )
    client = connect(server)
    assert client.command("STLS").startswith("+OK")
    assert client.read_exactly(len(injection)) == injection
    client.start_tls(certificates.client_context())
    assert client.command("NOOP").startswith("-ERR")  # Not logged in: the session is fresh.


def test_stls_can_be_refused_or_hidden(start_server, connect, certificates) -> None:
    refusing = start_server(
        mode="stls",
        ssl_context=certificates.server_context(),
        faults=Faults(refuse_stls=True, advertise_stls=False),
    )
    client = connect(refusing)
    client.command("CAPA")
    assert "STLS" not in client.read_multiline().decode().split("\r\n")
    assert client.command("STLS").startswith("-ERR")
    plain = connect(start_server())
    assert plain.command("STLS").startswith("-ERR")


def test_implicit_tls(start_server, connect, certificates: TestCertificates) -> None:
    server = start_server(mode="tls", ssl_context=certificates.server_context())
    client = connect(server, certificates.client_context())
    assert client.login().startswith("+OK")
    client.command("CAPA")
    assert "STLS" not in client.read_multiline().decode().split("\r\n")


@pytest.mark.parametrize("kind", ["untrusted", "wrong_host"])
def test_bad_certificates_fail_client_verification(
    start_server, certificates: TestCertificates, kind: ServerCertificateKind
) -> None:
    server = start_server(mode="tls", ssl_context=certificates.server_context(kind))
    with pytest.raises(ssl.SSLCertVerificationError):
        LineClient.connect(server, certificates.client_context())
    assert server.wait_until_idle()


def test_poplib_reference_client_over_stls(start_server, certificates: TestCertificates) -> None:
    server = start_server(mode="stls", ssl_context=certificates.server_context())
    host, port = server.address
    reference = poplib.POP3(host, port, timeout=TIMEOUT_SECONDS)
    try:
        reference.stls(certificates.client_context())
        reference.user("alice")
        reference.pass_("secret")
        assert reference.stat() == (3, sum(len(message) for message in SIMPLE_MESSAGES))
        _, lines, _ = reference.retr(2)
        assert b"\r\n".join(lines) + b"\r\n" == SIMPLE_MESSAGES[1]
        _, uidl_lines, _ = reference.uidl()
        assert uidl_lines == [b"1 uid-1", b"2 uid-2", b"3 uid-3"]
        reference.dele(3)
        reference.quit()
    finally:
        reference.close()
    assert server.mailbox.current_uidls() == ["uid-1", "uid-2"]


def test_ipv6_loopback(start_server, connect) -> None:
    try:
        server = start_server(host="::1")
    except OSError:
        pytest.skip("no IPv6 loopback here")
    assert connect(server).login().startswith("+OK")


# Pipelining --------------------------------------------------------------------------------------


def test_pipelined_commands_are_answered_in_order(start_server, connect) -> None:
    server = start_server()
    client = connect(server)
    client.send("USER alice", "PASS secret", "STAT", "LIST", "RETR 1", "UIDL 2", "DELE 3", "QUIT")
    assert client.read_reply().startswith("+OK User")
    assert client.read_reply().startswith("+OK Logged in")
    assert client.read_reply().startswith("+OK 3 ")
    assert client.read_reply().startswith("+OK 3 messages")
    client.read_multiline()
    assert client.read_reply().startswith("+OK")
    assert client.read_multiline() == SIMPLE_MESSAGES[0]
    assert client.read_reply() == "+OK 2 uid-2"
    assert client.read_reply().startswith("+OK Message 3 deleted")
    assert client.read_reply() == "+OK Bye, 1 messages deleted"
    assert client.read_to_end() == b""
    assert server.mailbox.current_uidls() == ["uid-1", "uid-2"]


# Faults ------------------------------------------------------------------------------------------


def test_err_reply_replaces_the_normal_reply(start_server, connect) -> None:
    server = start_server(faults=Faults(err_reply={"pass": "-ERR [IN-USE] Mailbox locked"}))
    client = connect(server)
    assert client.login() == "-ERR [IN-USE] Mailbox locked"


def test_faults_apply_only_to_the_listed_sessions(start_server, connect) -> None:
    server = start_server(faults=Faults(sessions={2}, err_reply={"USER": "-ERR [SYS/TEMP] later"}))
    assert connect(server).command("USER alice").startswith("+OK")
    assert connect(server).command("USER alice") == "-ERR [SYS/TEMP] later"
    assert connect(server).command("USER alice").startswith("+OK")


def test_no_uidl_and_no_capa(start_server, connect) -> None:
    client = connect(start_server(faults=Faults(no_uidl=True)))
    client.command("CAPA")
    assert "UIDL" not in client.read_multiline().decode().split("\r\n")
    client.login()
    assert client.command("UIDL").startswith("-ERR")
    assert client.command("TOP 1 0").startswith("+OK")
    client.read_multiline()
    old_server_client = connect(start_server(faults=Faults(no_capa=True)))
    assert old_server_client.command("CAPA").startswith("-ERR")


def test_drop_mid_retr_sends_half_then_closes(start_server, connect) -> None:
    server = start_server(messages=[TRICKY_MESSAGE], faults=Faults(drop_mid_retr=1, sessions={1}))
    client = connect(server)
    client.login()
    client.command("DELE 1")
    client.command("RSET")
    assert client.command("RETR 1").startswith("+OK")
    partial = client.read_to_end()
    assert 0 < len(partial) < len(dot_stuff(TRICKY_MESSAGE))
    assert dot_stuff(TRICKY_MESSAGE).startswith(partial)
    assert server.wait_until_idle()
    assert server.mailbox.current_uidls() == ["uid-1"]

    retry = connect(server)
    retry.login()
    assert retry.command("RETR 1").startswith("+OK")
    assert retry.read_multiline() == TRICKY_MESSAGE


def test_drop_after_retr_count_and_mid_dele(start_server, connect) -> None:
    after_two = connect(start_server(faults=Faults(drop_after_retr_count=2)))
    after_two.login()
    for number in (1, 2):
        after_two.command(f"RETR {number}")
        after_two.read_multiline()
    assert after_two.read_to_end() == b""

    server = start_server(faults=Faults(drop_mid_dele=2))
    client = connect(server)
    client.login()
    assert client.command("DELE 1").startswith("+OK")
    client.send("DELE 2")
    assert client.read_to_end() == b""
    assert server.wait_until_idle()
    assert server.mailbox.current_uidls() == ["uid-1", "uid-2", "uid-3"]


def test_drop_before_quit_reply_applies_nothing(start_server, connect) -> None:
    server = start_server(faults=Faults(drop_before_quit_reply=True))
    client = connect(server)
    client.login()
    client.command("DELE 1")
    client.send("QUIT")
    assert client.read_to_end() == b""
    assert server.wait_until_idle()
    assert server.mailbox.current_uidls() == ["uid-1", "uid-2", "uid-3"]


def test_ignore_dele_keeps_messages_after_quit(start_server, connect) -> None:
    server = start_server(faults=Faults(ignore_dele=True))
    client = connect(server)
    client.login()
    assert client.command("DELE 1").startswith("+OK")
    assert client.command("QUIT").startswith("+OK")
    assert server.mailbox.current_uidls() == ["uid-1", "uid-2", "uid-3"]


def test_garbage_and_duplicate_replies(start_server, connect) -> None:
    client = connect(start_server(faults=Faults(garbage_reply_to="STAT", duplicate_reply_to="NOOP")))
    client.login()
    client.send("STAT")
    assert client.read_line() == GARBAGE_REPLY
    assert client.command("NOOP") == "+OK"
    assert client.command("LIST 1") == "+OK"  # The duplicate NOOP reply, out of step.


def test_out_of_step_pipelining_loses_the_rest_of_a_batch(start_server, connect) -> None:
    client = connect(start_server(faults=Faults(out_of_step_pipelining=True)))
    client.command("CAPA")
    assert "PIPELINING" in client.read_multiline().decode().split("\r\n")
    client.send("USER alice", "PASS secret")
    assert client.read_reply().startswith("+OK User")
    client.connection.settimeout(NO_REPLY_TIMEOUT_SECONDS)
    with pytest.raises(TimeoutError):
        client.read_line()
    # The PASS sent with USER was thrown away unanswered; sent again on its own, it is answered.
    assert client.command("PASS secret").startswith("+OK Logged in")


def test_stalled_and_slow_replies(start_server, connect) -> None:
    server = start_server(faults=Faults(stall_verbs={"noop"}, slow_reply_seconds=0.05, slow_verbs={"STAT"}))
    client = connect(server)
    client.login()
    assert client.command("STAT").startswith("+OK 3 ")
    client.connection.settimeout(NO_REPLY_TIMEOUT_SECONDS)
    client.send("NOOP")
    with pytest.raises(TimeoutError):
        client.read_line()
    client.close()
    assert server.wait_until_idle()


def test_stall_mid_retr_sends_half_then_nothing(start_server, connect) -> None:
    client = connect(start_server(faults=Faults(stall_mid_retr=1)))
    client.login()
    assert client.command("RETR 1").startswith("+OK")
    client.connection.settimeout(NO_REPLY_TIMEOUT_SECONDS)
    received = bytes(client.buffer)
    with pytest.raises(TimeoutError):
        while chunk := client.connection.recv(65536):
            received += chunk
    wire = dot_stuff(SIMPLE_MESSAGES[0])
    assert received == wire[: len(wire) // 2]


def test_login_delay_refuses_a_quick_second_login(start_server, connect) -> None:
    server = start_server(faults=Faults(login_delay=600))
    first = connect(server)
    assert first.login().startswith("+OK")
    first.command("QUIT")
    assert connect(server).login().startswith("-ERR [LOGIN-DELAY]")


def test_list_size_delta_skews_reported_sizes(start_server, connect) -> None:
    client = connect(start_server(faults=Faults(list_size_delta=-2)))
    client.login()
    assert client.command("LIST 1") == f"+OK 1 {len(SIMPLE_MESSAGES[0]) - 2}"
    assert client.command("RETR 1").startswith("+OK")
    assert client.read_multiline() == SIMPLE_MESSAGES[0]


# Construction and shutdown -----------------------------------------------------------------------


def test_crlf_helper() -> None:
    assert crlf("a\nb") == b"a\r\nb\r\n"
    assert crlf(b"a\r\nb\rc\n") == b"a\r\nb\rc\r\n"
    assert crlf("") == b""
    assert crlf("ü") == "ü\r\n".encode()


@pytest.mark.parametrize("message", [b"no final line ending", b"bare\nline feed\r\n"])
def test_constructor_rejects_messages_without_crlf_lines(message: bytes) -> None:
    with pytest.raises(ValueError):
        FakePop3Server(messages=[message])


def test_constructor_rejects_tls_modes_without_a_context() -> None:
    with pytest.raises(ValueError):
        FakePop3Server(mode="tls")


def test_stop_ends_live_sessions(start_server, connect) -> None:
    server = start_server()
    client = connect(server)
    client.login()
    client.command("DELE 1")
    server.stop()
    assert client.read_to_end() == b""
    assert server.mailbox.current_uidls() == ["uid-1", "uid-2", "uid-3"]
