"""The headless command line, run as a real ``python -m app`` subprocess against the fake server.

Every test gets a private profile and a file-backed test keyring (``cli_environment``) and talks
implicit TLS to a FakePop3Server on 127.0.0.1 whose certificate comes from the test CA, which the
account trusts through ``--ca-file``. The assertions are about what a user or a cron job sees: exit
codes (0 ok, 1 the user must fix something, 75 try again later), one-line messages, and the exact
bytes that end up stored or exported.
"""

from __future__ import annotations

import base64
import email.header
import hashlib
import json
import mailbox
import os
import re
import socket
import sqlite3
import ssl
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from app.core.fingerprint import format_fingerprint
from tests.conftest import REPOSITORY, ServerFactory, run_cli
from tests.fakes.certs import TestCertificates
from tests.fakes.keyrings import FILE_VARIABLE
from tests.fakes.pop3_server import DEFAULT_PASSWORD, FakePop3Server, Faults, crlf

# Generous for a loopback session; a hung command fails the test instead of the whole run.
CLI_TIMEOUT_SECONDS = 30.0
SERVER_IDLE_TIMEOUT_SECONDS = 10.0
ACCOUNT = "work"
EXIT_OK, EXIT_FAILED, EXIT_TEMPORARY = 0, 1, 75

# "会议通知" ("meeting notice") as Chinese mailers send it: GB2312 bytes in an RFC 2047 word.
GBK_SUBJECT = "会议通知"
GBK_BODY = "请于周五下午三点参加会议。"
GBK_SENDER = "李雷"


def _encoded_word(text: str, charset: str = "gb2312") -> str:
    return f"=?{charset}?B?{base64.b64encode(text.encode(charset)).decode('ascii')}?="


PLAIN_MESSAGE = crlf(
    "From: Bob Example <bob@example.com>\n"
    "To: alice@example.com\n"
    "Subject: Lunch on Friday\n"
    "Date: Mon, 01 Jan 2024 10:00:00 +0000\n"
    "Message-ID: <lunch-1@example.com>\n"
    "\n"
    "Shall we meet at noon?\n"
)
GBK_MESSAGE = crlf(
    f"From: {_encoded_word(GBK_SENDER)} <lilei@example.cn>\n"
    "To: alice@example.com\n"
    f"Subject: {_encoded_word(GBK_SUBJECT)}\n"
    "Date: Tue, 02 Jan 2024 09:30:00 +0800\n"
    "Message-ID: <meeting-2@example.cn>\n"
    "MIME-Version: 1.0\n"
    "Content-Type: text/plain; charset=gb2312\n"
    "Content-Transfer-Encoding: base64\n"
    "\n"
    f"{base64.b64encode(GBK_BODY.encode('gb2312')).decode('ascii')}\n"
)
# Everything a store must keep byte for byte: lines starting with ".", a lone "." line, NUL, a bare
# CR inside a line, raw 8-bit bytes, and a body line starting "From " that mbox must quote.
TRICKY_MESSAGE = (
    b"From: Carol <carol@example.com>\r\n"
    b"To: alice@example.com\r\n"
    b"Subject: Tricky bytes\r\n"
    b"Date: Wed, 03 Jan 2024 08:00:00 +0000\r\n"
    b"Message-ID: <tricky-3@example.com>\r\n"
    b"\r\n"
    b".a line starting with a dot\r\n"
    b"..two dots\r\n"
    b".\r\n"
    b"From the desk of Carol\r\n"
    b"nul \x00 byte and a bare \r carriage return\r\n"
    b"8-bit \xe4\xf6\xfc \xff bytes\r\n"
)
MESSAGES = [PLAIN_MESSAGE, GBK_MESSAGE, TRICKY_MESSAGE]
#: What serve() delivers (tests/protocol/conftest.py): these three, over implicit TLS.
DEFAULT_MESSAGES = MESSAGES
DEFAULT_MODE = "tls"
SUBJECTS = ["Lunch on Friday", GBK_SUBJECT, "Tricky bytes"]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def leaf_fingerprint(chain_pem: Path) -> str:
    """SHA-256 of the DER form of the first (leaf) certificate in a PEM chain, as the CLI prints it."""
    text = chain_pem.read_text("ascii")
    footer = "-----END CERTIFICATE-----"
    leaf = text[: text.index(footer) + len(footer)]
    return hashlib.sha256(ssl.PEM_cert_to_DER_cert(leaf)).hexdigest()


def closed_port() -> int:
    """A loopback port nobody listens on: bound by us, then released."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def one_line(text: str) -> str:
    """The single non-empty line of ``text``; fails when there are more or none."""
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one line, got {lines!r}"
    return lines[0]


@dataclass
class Poplark:
    """The ``poplark`` command for one test: private profile, test keyring, the test CA."""

    environment: dict[str, str]
    certificates: TestCertificates

    @property
    def profile(self) -> Path:
        return Path(self.environment["POPLARK_HOME"])

    @property
    def keyring_file(self) -> Path:
        return Path(self.environment[FILE_VARIABLE])

    def run(self, *arguments: str, input_text: str | None = None,
            environment: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return run_cli(environment or self.environment, *arguments, input_text=input_text,
                       timeout=CLI_TIMEOUT_SECONDS)

    def run_bytes(self, *arguments: str) -> subprocess.CompletedProcess[bytes]:
        """Like :meth:`run`, but stdout comes back as the exact bytes written."""
        return subprocess.run([sys.executable, "-m", "app", *arguments], env=self.environment,
                              capture_output=True, text=False, timeout=CLI_TIMEOUT_SECONDS, cwd=REPOSITORY)

    def add_account(self, port: int, *options: str, name: str = ACCOUNT, password: str = DEFAULT_PASSWORD,
                    environment: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return self.run("account", "add", name, "--host", "127.0.0.1", "--port", str(port),
                        "--security", "tls", "--user", "alice", "--ca-file", str(self.certificates.ca_pem),
                        "--password-stdin", *options, input_text=password + "\n", environment=environment)

    def add_account_ok(self, port: int, *options: str, password: str = DEFAULT_PASSWORD) -> None:
        result = self.add_account(port, *options, password=password)
        assert result.returncode == EXIT_OK, result.stderr
        assert f"added account {ACCOUNT}" in result.stdout

    def fetch(self, *arguments: str) -> subprocess.CompletedProcess[str]:
        return self.run("fetch", ACCOUNT, *arguments)

    def fetch_ok(self, *arguments: str) -> str:
        result = self.fetch(*arguments)
        assert result.returncode == EXIT_OK, result.stderr
        return one_line(result.stdout)

    def listing(self, *arguments: str) -> list[dict[str, Any]]:
        result = self.run("list", "--json", *arguments)
        assert result.returncode == EXIT_OK, result.stderr
        return [json.loads(line) for line in result.stdout.splitlines()]

    def id_by_sha256(self) -> dict[str, int]:
        return {row["sha256"]: row["id"] for row in self.listing()}


@pytest.fixture
def poplark(cli_environment: dict[str, str], certificates: TestCertificates) -> Poplark:
    return Poplark(cli_environment, certificates)


@pytest.fixture
def server(serve: ServerFactory) -> FakePop3Server:
    return serve()


@pytest.fixture
def fetched(poplark: Poplark, server: FakePop3Server) -> FakePop3Server:
    """The three MESSAGES fetched into the profile (and kept on the server)."""
    poplark.add_account_ok(server.address[1], "--leave-on-server")
    assert "3 new message(s)" in poplark.fetch_ok()
    return server


# -- accounts ----------------------------------------------------------------------------------

def test_account_add_then_list_shows_it(poplark: Poplark, server: FakePop3Server) -> None:
    port = server.address[1]
    poplark.add_account_ok(port)

    result = poplark.run("account", "list")

    assert result.returncode == EXIT_OK, result.stderr
    assert one_line(result.stdout).split("\t") == [
        ACCOUNT, f"alice@127.0.0.1:{port}", "tls", "delete from server after download", "whole messages",
        "no SMTP server: cannot send"]


def test_account_remove_removes_the_account_its_messages_and_its_password(
        poplark: Poplark, fetched: FakePop3Server) -> None:
    assert len(poplark.listing()) == 3
    assert json.loads(poplark.keyring_file.read_text("utf-8")), "the password should be in the keyring"

    result = poplark.run("account", "remove", ACCOUNT)

    assert result.returncode == EXIT_OK, result.stderr
    assert f"removed account {ACCOUNT}" in result.stdout
    assert poplark.run("account", "list").stdout == ""
    assert poplark.listing() == []
    with sqlite3.connect(poplark.profile / "poplark.sqlite3") as database:
        for table in ("accounts", "messages", "message_raw", "server_uids"):
            assert database.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table
    assert json.loads(poplark.keyring_file.read_text("utf-8")) == {}
    assert fetched.mailbox.current_uidls() == ["uid-1", "uid-2", "uid-3"]


def test_adding_an_account_name_twice_fails_clearly(poplark: Poplark, server: FakePop3Server) -> None:
    poplark.add_account_ok(server.address[1])
    keyring_before = poplark.keyring_file.read_bytes()

    result = poplark.add_account(server.address[1], "--leave-on-server", password="another password")

    assert result.returncode == EXIT_FAILED
    message = one_line(result.stderr)
    assert ACCOUNT in message and "already exists" in message
    listed = poplark.run("account", "list").stdout
    assert len(listed.splitlines()) == 1
    assert "delete from server after download" in listed
    assert poplark.keyring_file.read_bytes() == keyring_before  # the first account's password is kept
    assert "3 new message(s)" in poplark.fetch_ok()


def test_removing_one_account_keeps_the_password_of_another_on_the_same_mailbox(
        poplark: Poplark, server: FakePop3Server) -> None:
    # Two accounts for one user@host:port (say, a trial one with other settings). Removing one must
    # not take the other's password with it.
    poplark.add_account_ok(server.address[1])
    copy = poplark.add_account(server.address[1], "--leave-on-server", name="trial")
    assert copy.returncode == EXIT_OK, copy.stderr

    removed = poplark.run("account", "remove", "trial")

    assert removed.returncode == EXIT_OK, removed.stderr
    result = poplark.fetch()
    assert result.returncode == EXIT_OK, result.stderr
    assert "3 new message(s)" in result.stdout


def test_an_empty_password_is_refused(poplark: Poplark, server: FakePop3Server) -> None:
    result = poplark.add_account(server.address[1], password="")

    assert result.returncode == EXIT_FAILED
    assert "password is empty" in one_line(result.stderr)
    assert poplark.run("account", "list").stdout == ""


def test_removing_an_unknown_account_fails_clearly(poplark: Poplark) -> None:
    result = poplark.run("account", "remove", "nosuch")

    assert result.returncode == EXIT_FAILED
    assert "no account named 'nosuch'" in one_line(result.stderr)


# -- passwords -----------------------------------------------------------------------------------

def test_password_stdin_drops_only_the_trailing_newline(poplark: Poplark, server: FakePop3Server) -> None:
    # "secret\n" logs in, so the newline was not sent; "secret \n" does not, so nothing else is trimmed.
    poplark.add_account_ok(server.address[1], password="secret")
    assert "3 new message(s)" in poplark.fetch_ok()

    wrong = poplark.run("account", "test", ACCOUNT, "--password-stdin", input_text="secret \n")

    assert wrong.returncode == EXIT_FAILED
    assert "Login: FAILED" in wrong.stdout


def test_the_password_is_in_no_file_of_the_profile(poplark: Poplark, serve: ServerFactory) -> None:
    password = "pässwörd-密码-XYZ"
    server = serve(password=password)
    results = [poplark.add_account(server.address[1], "--leave-on-server", password=password)]
    results.append(poplark.run("account", "test", ACCOUNT))
    results.append(poplark.fetch())
    results.append(poplark.run("fetch", ACCOUNT, "--password-stdin", input_text=password + "\n"))
    results.append(poplark.run("list", "--json"))
    assert [result.returncode for result in results] == [EXIT_OK] * len(results), [r.stderr for r in results]
    assert "Login: OK" in results[1].stdout
    assert "3 new message(s)" in results[2].stdout

    # Proof that the password did reach a store: the test keyring, outside the profile.
    assert password in json.loads(poplark.keyring_file.read_text("utf-8")).values()
    plain_auth = base64.b64encode(b"\0alice\0" + password.encode("utf-8"))
    needles = [password.encode("utf-8"), password.encode("utf-16-le"), password.encode("utf-16-be"),
               plain_auth, json.dumps(password).encode("ascii")]
    files = [path for path in poplark.profile.rglob("*") if path.is_file()]
    assert any(path.name == "poplark.sqlite3" for path in files)
    for path in files:
        data = path.read_bytes()
        for needle in needles:
            assert needle not in data, f"the password appears in {path}"
    for result in results:
        assert password not in result.stdout + result.stderr


def test_without_a_keyring_account_add_refuses_and_creates_nothing(poplark: Poplark,
                                                                    server: FakePop3Server) -> None:
    no_keyring = dict(poplark.environment, PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")

    result = poplark.add_account(server.address[1], environment=no_keyring)

    assert result.returncode == EXIT_FAILED
    message = one_line(result.stderr)
    assert "gnome-keyring" in message and "--no-store-password" in message
    assert poplark.run("account", "list", environment=no_keyring).stdout == ""


def test_without_a_keyring_no_store_password_accounts_fetch_with_password_stdin(
        poplark: Poplark, server: FakePop3Server) -> None:
    no_keyring = dict(poplark.environment, PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    added = poplark.add_account(server.address[1], "--no-store-password", environment=no_keyring)
    assert added.returncode == EXIT_OK, added.stderr
    assert ACCOUNT in poplark.run("account", "list", environment=no_keyring).stdout

    fetched = poplark.run("fetch", ACCOUNT, "--password-stdin", input_text="secret\n", environment=no_keyring)

    assert fetched.returncode == EXIT_OK, fetched.stderr
    assert "3 new message(s)" in one_line(fetched.stdout)
    assert server.wait_until_idle(SERVER_IDLE_TIMEOUT_SECONDS)
    assert server.mailbox.current_uidls() == []
    # Without --password-stdin and without a terminal there is no way to ask: say how, do not hang.
    unattended = poplark.run("fetch", ACCOUNT, environment=no_keyring)
    assert unattended.returncode == EXIT_FAILED
    assert "--password-stdin" in one_line(unattended.stderr)


def test_a_fetch_uses_the_keyring_backend_the_profile_remembers(poplark: Poplark, server: FakePop3Server) -> None:
    # keyring's search for a backend costs every cron check 60 ms: the command line uses the one it
    # found last, named in the profile. Here the search would find no usable keyring (or one
    # without this password): only the remembered test backend has it.
    poplark.add_account_ok(server.address[1])
    assert not (poplark.profile / "keyring-backend").exists()  # the user chose (the environment)
    (poplark.profile / "keyring-backend").write_text("tests.fakes.keyrings.FileKeyring\n")
    searching = {name: value for name, value in poplark.environment.items() if name != "PYTHON_KEYRING_BACKEND"}

    fetched = poplark.run("fetch", ACCOUNT, environment=searching)

    assert fetched.returncode == EXIT_OK, fetched.stderr
    assert "3 new message(s)" in one_line(fetched.stdout)


# -- account test ----------------------------------------------------------------------------------

def test_account_test_reports_tls_certificate_capabilities_and_login(
        poplark: Poplark, server: FakePop3Server, certificates: TestCertificates) -> None:
    poplark.add_account_ok(server.address[1])

    result = poplark.run("account", "test", ACCOUNT)

    assert result.returncode == EXIT_OK, result.stderr
    output = result.stdout
    assert re.search(r"^TLS: TLSv1\.[23]\b", output, re.MULTILINE), output
    fingerprint = leaf_fingerprint(certificates.server_cert_chain_pem)
    # The one fingerprint format of the window and the command line: AB:12:...
    assert f"Certificate SHA-256: {format_fingerprint(fingerprint)}" in output
    capabilities = re.search(r"^Capabilities: (.*)$", output, re.MULTILINE)
    assert capabilities is not None, output
    assert {"PIPELINING", "UIDL"} <= set(capabilities.group(1).split(", "))
    assert "Login: OK" in output
    assert "Mailbox: 3 message(s)" in output
    assert server.wait_until_idle(SERVER_IDLE_TIMEOUT_SECONDS)
    assert server.mailbox.current_uidls() == ["uid-1", "uid-2", "uid-3"]


def test_account_test_with_a_wrong_password_says_login_failed(poplark: Poplark, server: FakePop3Server) -> None:
    poplark.add_account_ok(server.address[1], password="not the password")

    result = poplark.run("account", "test", ACCOUNT)

    assert result.returncode == EXIT_FAILED
    assert "Login: FAILED" in result.stdout
    assert "authorization code" not in result.stdout  # 127.0.0.1 is not QQ, 163 or 126
    assert "PIPELINING" in result.stdout  # the capabilities are still worth showing


def test_account_test_against_an_untrusted_certificate_shows_its_fingerprint(
        poplark: Poplark, serve: ServerFactory, certificates: TestCertificates) -> None:
    server = serve(certificate="untrusted")
    poplark.add_account_ok(server.address[1])

    result = poplark.run("account", "test", ACCOUNT)

    assert result.returncode == EXIT_FAILED
    assert format_fingerprint(leaf_fingerprint(certificates.untrusted_cert_chain_pem)) in result.stdout
    assert "Login: OK" not in result.stdout
    assert "not trusted" in one_line(result.stderr)
    # No session got past the handshake, so no password can have been sent.
    assert server.wait_until_idle(SERVER_IDLE_TIMEOUT_SECONDS)
    assert all(not any(line.startswith(("AUTH", "PASS")) for line in session)
               for session in server.mailbox.commands)


def test_account_test_shows_the_sasl_mechanisms_offered_before_login(
        poplark: Poplark, serve: ServerFactory) -> None:
    # Like Dovecot, the CAPA after login lists no SASL: the report must not say "SASL: none"
    # next to "Login: OK (PLAIN)".
    server = serve(faults=Faults(capa_after_login=["TOP", "UIDL", "PIPELINING", "EXPIRE 30"]))
    poplark.add_account_ok(server.address[1])
    result = poplark.run("account", "test", ACCOUNT)
    assert result.returncode == EXIT_OK, result.stderr
    assert "Login: OK (PLAIN)" in result.stdout
    assert "SASL: PLAIN LOGIN" in result.stdout and "SASL: none" not in result.stdout
    assert "EXPIRE: 30 day(s)" in result.stdout  # per-user values still come from after login


def _plain_server(**options: Any) -> FakePop3Server:
    return FakePop3Server(list(MESSAGES), mode="plain", **options).start()


def test_starttls_against_a_server_without_stls_says_try_port_995(poplark: Poplark) -> None:
    server = _plain_server()
    try:
        poplark.add_account_ok(server.address[1], "--security", "starttls")
        result = poplark.fetch()
    finally:
        server.stop()
    assert result.returncode == EXIT_FAILED
    message = one_line(result.stderr)
    assert "the server does not offer STARTTLS: try SSL/TLS on port 995" in message
    assert "certificate" not in message


def test_tls_against_a_plain_port_asks_whether_the_port_is_tls(poplark: Poplark) -> None:
    server = _plain_server()
    try:
        poplark.add_account_ok(server.address[1])  # security tls
        result = poplark.fetch()
    finally:
        server.stop()
    assert result.returncode == EXIT_FAILED
    message = one_line(result.stderr)
    assert "plain text, not TLS" in message and "is this port TLS? Try STARTTLS or port 110/995" in message
    assert "certificate" not in message


def test_plain_against_a_tls_port_says_so_at_once_and_that_it_connected(
        poplark: Poplark, server: FakePop3Server) -> None:
    # The account's timeout is the default 60 s; the command must end long before that (the CLI
    # helper gives up after CLI_TIMEOUT_SECONDS), because the port answers a TLS handshake.
    poplark.add_account_ok(server.address[1], "--security", "none", "--allow-insecure-auth")
    result = poplark.run("account", "test", ACCOUNT)
    assert result.returncode == EXIT_FAILED
    assert "Reachable: yes" in result.stdout and "Reachable: no" not in result.stdout
    assert "Greeting: none" in result.stdout
    assert "it may be a TLS port; choose SSL/TLS (usually port 995)" in one_line(result.stderr)
    fetched = poplark.fetch()
    assert fetched.returncode == EXIT_FAILED and "may be a TLS port" in one_line(fetched.stderr)
    assert server.wait_until_idle(SERVER_IDLE_TIMEOUT_SECONDS)
    assert all(not any(line.startswith(("AUTH", "PASS", "USER")) for line in session)
               for session in server.mailbox.commands)


# -- fetch ---------------------------------------------------------------------------------------

def test_fetch_deletes_after_download_and_a_second_fetch_finds_nothing_new(
        poplark: Poplark, server: FakePop3Server) -> None:
    poplark.add_account_ok(server.address[1])

    first = poplark.fetch()

    assert first.returncode == EXIT_OK, first.stderr
    assert re.match(rf"{ACCOUNT}: 3 new message\(s\) \(.* MB\), 3 deleted from the server, 0 left there$",
                    one_line(first.stdout))
    assert first.stderr == ""
    assert server.wait_until_idle(SERVER_IDLE_TIMEOUT_SECONDS)
    assert server.mailbox.current_uidls() == []
    assert sorted(row["sha256"] for row in poplark.listing()) == sorted(map(sha256, MESSAGES))

    second = poplark.fetch_ok()
    assert re.match(rf"{ACCOUNT}: 0 new message\(s\)", second)
    assert len(poplark.listing()) == 3


def test_fetch_with_leave_on_server_keeps_the_mailbox(poplark: Poplark, server: FakePop3Server) -> None:
    poplark.add_account_ok(server.address[1], "--leave-on-server")

    assert "3 new message(s)" in poplark.fetch_ok()
    assert "0 new message(s)" in poplark.fetch_ok()

    assert server.wait_until_idle(SERVER_IDLE_TIMEOUT_SECONDS)
    assert server.mailbox.current_uidls() == ["uid-1", "uid-2", "uid-3"]
    assert server.mailbox.deleted_uidls == set()
    assert len(poplark.listing()) == 3


def test_fetch_with_a_wrong_password_exits_1_with_advice(poplark: Poplark, server: FakePop3Server) -> None:
    poplark.add_account_ok(server.address[1], password="web-password")

    result = poplark.fetch()

    assert result.returncode == EXIT_FAILED
    message = one_line(result.stderr)
    assert "login failed" in message and "Check the user name and password" in message
    assert "authorization code" not in message  # advice for QQ, 163 and 126 only
    assert result.stdout == ""
    assert poplark.listing() == []
    assert server.mailbox.current_uidls() == ["uid-1", "uid-2", "uid-3"]


def test_fetch_from_an_unreachable_server_exits_75(poplark: Poplark) -> None:
    port = closed_port()
    poplark.add_account_ok(port)

    result = poplark.fetch()

    assert result.returncode == EXIT_TEMPORARY
    message = one_line(result.stderr)
    assert f"127.0.0.1:{port}" in message and "refused" in message
    assert result.stdout == ""


def test_fetch_from_a_busy_mailbox_over_sasl_exits_75(poplark: Poplark, serve: ServerFactory) -> None:
    # The fake offers SASL PLAIN, which the client prefers, so the refusal answers AUTH.
    server = serve(faults=Faults(err_reply={"AUTH": "-ERR [IN-USE] locked"}))
    poplark.add_account_ok(server.address[1])

    result = poplark.fetch()

    assert result.returncode == EXIT_TEMPORARY
    assert "busy" in one_line(result.stderr)
    assert any(line.startswith("AUTH PLAIN") for line in server.mailbox.commands[-1])
    assert server.mailbox.current_uidls() == ["uid-1", "uid-2", "uid-3"]


def test_fetch_from_a_busy_mailbox_over_user_pass_exits_75(poplark: Poplark, serve: ServerFactory) -> None:
    # No SASL advertised, so the client logs in with USER/PASS and the refusal answers PASS.
    server = serve(capabilities=["TOP", "UIDL", "USER", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING"],
                   faults=Faults(err_reply={"PASS": "-ERR [IN-USE] locked"}))
    poplark.add_account_ok(server.address[1])

    result = poplark.fetch()

    assert result.returncode == EXIT_TEMPORARY
    assert "busy" in one_line(result.stderr)
    verbs = [line.split(" ", 1)[0] for line in server.mailbox.commands[-1]]
    assert "PASS" in verbs and "AUTH" not in verbs
    assert server.mailbox.current_uidls() == ["uid-1", "uid-2", "uid-3"]


def test_fetch_of_an_unknown_account_exits_1(poplark: Poplark, server: FakePop3Server) -> None:
    poplark.add_account_ok(server.address[1])

    result = poplark.run("fetch", "nosuch")

    assert result.returncode == EXIT_FAILED
    assert "no account named 'nosuch'" in one_line(result.stderr)
    assert server.mailbox.sessions == 0


# -- reading -------------------------------------------------------------------------------------

def test_list_json_gives_one_object_per_message(poplark: Poplark, fetched: FakePop3Server) -> None:
    rows = poplark.listing()

    assert len(rows) == 3
    expected_keys = {"id", "account", "uidl", "date", "from", "subject", "size", "sha256"}
    for row in rows:
        assert expected_keys <= row.keys()
        assert row["account"] == ACCOUNT
    by_uidl = {row["uidl"]: row for row in rows}
    assert sorted(by_uidl) == ["uid-1", "uid-2", "uid-3"]
    for uidl, raw, subject in zip(("uid-1", "uid-2", "uid-3"), MESSAGES, SUBJECTS, strict=True):
        row = by_uidl[uidl]
        assert row["subject"] == subject
        assert row["sha256"] == sha256(raw)
        assert row["size"] == len(raw)
    assert GBK_SENDER in by_uidl["uid-2"]["from"]
    assert by_uidl["uid-1"]["date"] == "2024-01-01T10:00:00+00:00"
    assert by_uidl["uid-2"]["date"] == "2024-01-02T01:30:00+00:00"
    assert len({row["id"] for row in rows}) == 3


def test_list_json_of_an_unknown_account_exits_1(poplark: Poplark) -> None:
    result = poplark.run("list", "--json", "--account", "nosuch")

    assert result.returncode == EXIT_FAILED
    assert "no account named 'nosuch'" in one_line(result.stderr)


def test_show_prints_the_headers_and_decoded_body(poplark: Poplark, fetched: FakePop3Server) -> None:
    ids = poplark.id_by_sha256()

    plain = poplark.run("show", str(ids[sha256(PLAIN_MESSAGE)]))
    chinese = poplark.run("show", str(ids[sha256(GBK_MESSAGE)]))

    assert plain.returncode == EXIT_OK, plain.stderr
    assert re.search(r"^From: +Bob Example <bob@example.com>$", plain.stdout, re.MULTILINE)
    assert re.search(r"^Subject: +Lunch on Friday$", plain.stdout, re.MULTILINE)
    assert "Shall we meet at noon?" in plain.stdout
    assert chinese.returncode == EXIT_OK, chinese.stderr
    assert re.search(rf"^Subject: +{GBK_SUBJECT}$", chinese.stdout, re.MULTILINE)
    assert GBK_SENDER in chinese.stdout
    assert GBK_BODY in chinese.stdout


def test_show_raw_writes_exactly_the_stored_bytes(poplark: Poplark, fetched: FakePop3Server) -> None:
    ids = poplark.id_by_sha256()

    for raw in MESSAGES:
        result = poplark.run_bytes("show", str(ids[sha256(raw)]), "--raw")
        assert result.returncode == EXIT_OK, result.stderr
        assert result.stdout == raw


def test_show_of_an_unknown_id_exits_1(poplark: Poplark, fetched: FakePop3Server) -> None:
    result = poplark.run("show", "999999")

    assert result.returncode == EXIT_FAILED
    assert "999999" in one_line(result.stderr)


# -- export --------------------------------------------------------------------------------------

def test_export_eml_writes_the_original_bytes_and_never_overwrites(
        poplark: Poplark, fetched: FakePop3Server, tmp_path: Path) -> None:
    out = tmp_path / "exported"

    result = poplark.run("export", "--format", "eml", str(out))

    assert result.returncode == EXIT_OK, result.stderr
    files = sorted(out.iterdir())
    assert len(files) == 3
    assert all(path.suffix == ".eml" for path in files)
    assert sorted(sha256(path.read_bytes()) for path in files) == sorted(map(sha256, MESSAGES))

    # A file the user changed after the first export must survive a second export untouched.
    edited = b"the user's own notes\r\n"
    files[0].write_bytes(edited)
    before = {path.name: path.read_bytes() for path in files}
    again = poplark.run("export", "--format", "eml", str(out))

    assert again.returncode == EXIT_FAILED
    assert "already exists" in one_line(again.stderr)
    assert {path.name: path.read_bytes() for path in out.iterdir()} == before
    assert files[0].read_bytes() == edited


def test_export_mbox_writes_a_readable_mbox(poplark: Poplark, fetched: FakePop3Server, tmp_path: Path) -> None:
    target = tmp_path / "mail.mbox"

    result = poplark.run("export", "--format", "mbox", str(target))

    assert result.returncode == EXIT_OK, result.stderr
    box = mailbox.mbox(target, create=False)
    try:
        messages = list(box)
    finally:
        box.close()
    assert len(messages) == 3  # the body line "From the desk ..." was quoted, not taken as a separator
    subjects = sorted(str(email.header.make_header(email.header.decode_header(message["Subject"])))
                      for message in messages)
    assert subjects == sorted(SUBJECTS)
    tricky = next(message for message in messages if message["Subject"] == "Tricky bytes")
    body = tricky.get_payload(decode=True)
    assert isinstance(body, bytes)
    assert b"nul \x00 byte and a bare \r carriage return\n" in body
    assert b"8-bit \xe4\xf6\xfc \xff bytes\n" in body
    assert b"From the desk of Carol" in body

    again = poplark.run("export", "--format", "mbox", str(target))
    assert again.returncode == EXIT_FAILED
    assert "already exists" in one_line(again.stderr)
    assert os.path.getsize(target) > 0
