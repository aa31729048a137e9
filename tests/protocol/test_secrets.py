"""Secrets and privacy (issue 5, docs/architecture.md, invariant 5): the password is in the keyring and nowhere else.

A full CLI session runs with a distinctive password; afterwards every file of the profile (SQLite
database, WAL, shared memory, locks), the protocol logs, and everything printed are searched for it in
every form it takes on the wire (plain, base64, the base64 AUTH PLAIN blob). The scanner is shown to
find a planted copy, so a leak could not pass unnoticed. The protocol log itself is tested for
redaction of every authentication mechanism, with DEBUG logging on. A last test greps ``app/`` for
network calls: no telemetry, no update checks, nothing but the mail servers.
"""

from __future__ import annotations

import base64
import logging
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

import pytest

from app.core import protocol_log
from app.core.model import Security
from app.core.pop3.client import Pop3Client
from tests.conftest import REPOSITORY, run_cli
from tests.fakes.certs import TestCertificates
from tests.fakes.keyrings import FILE_VARIABLE
from tests.fakes.pop3_server import FakePop3Server, crlf

SECRET = "Zq7-correct-horse-SECRET-91"
USER = "alice"
ServerFactory = Callable[..., FakePop3Server]
MESSAGES = [crlf(f"From: friend{index}@example.com\nSubject: hello {index}\n\nSee you at {index}.\n")
            for index in range(1, 4)]


def secret_forms(password: str = SECRET, user: str = USER) -> dict[str, bytes]:
    """Every form in which the password could be written down by mistake."""
    plain = password.encode("utf-8")
    return {
        "plain": plain,
        "utf-16": password.encode("utf-16-le"),
        "base64": base64.b64encode(plain),
        "base64 AUTH PLAIN": base64.b64encode(b"\0" + user.encode() + b"\0" + plain),
        # The distinctive core alone: catches a copy cut or wrapped differently.
        "core": b"correct-horse-SECRET",
    }


def files_under(*roots: Path) -> Iterator[Path]:
    for root in roots:
        if root.is_file():
            yield root
        elif root.is_dir():
            yield from (path for path in sorted(root.rglob("*")) if path.is_file())


def find_secret(files: Iterable[Path] = (), texts: Mapping[str, str | bytes] | None = None,
                forms: dict[str, bytes] | None = None) -> list[str]:
    """Where the password appears: "file or text name: form" for each hit."""
    forms = forms or secret_forms()
    hits: list[str] = []
    sources: list[tuple[str, bytes]] = [(str(path), path.read_bytes()) for path in files]
    for name, text in (texts or {}).items():
        sources.append((name, text.encode("utf-8") if isinstance(text, str) else text))
    for name, data in sources:
        hits += [f"{name}: {form}" for form, needle in forms.items() if needle in data]
    return hits


def test_the_scanner_finds_a_planted_secret(tmp_path: Path) -> None:
    # Without this, a scanner that looked in the wrong place would pass every leak test.
    (tmp_path / "deep" / "er").mkdir(parents=True)
    (tmp_path / "deep" / "er" / "db-wal").write_bytes(b"\x00junk" + SECRET.encode() + b"junk")
    (tmp_path / "trace.log").write_bytes(b"C: AUTH PLAIN " + secret_forms()["base64 AUTH PLAIN"])
    (tmp_path / "clean.txt").write_text("nothing here")
    hits = find_secret(files_under(tmp_path), {"stderr": "PASS " + SECRET})
    assert any(hit.endswith("db-wal: plain") for hit in hits)
    assert any(hit.endswith("trace.log: base64 AUTH PLAIN") for hit in hits)
    assert "stderr: plain" in hits
    assert not any("clean.txt" in hit for hit in hits)


# -- the protocol log -----------------------------------------------------------------------------

@pytest.fixture
def tls_server(certificates: TestCertificates) -> Iterator[ServerFactory]:
    started: list[FakePop3Server] = []

    def start(capabilities: list[str] | None = None, mode: str = "tls") -> FakePop3Server:
        server = FakePop3Server(MESSAGES, password=SECRET, mode=mode,  # type: ignore[arg-type]
                                ssl_context=certificates.server_context("good"), capabilities=capabilities)
        started.append(server.start())
        return server

    yield start
    for server in started:
        server.stop()


BASE_CAPABILITIES = ["TOP", "UIDL", "PIPELINING", "RESP-CODES"]


@pytest.mark.parametrize("mechanism,capabilities,apop", [
    ("PLAIN", [*BASE_CAPABILITIES, "SASL PLAIN"], False),
    ("LOGIN", [*BASE_CAPABILITIES, "SASL LOGIN"], False),
    ("USER", [*BASE_CAPABILITIES, "USER"], False),
    ("APOP", BASE_CAPABILITIES, True),
])
def test_protocol_log_and_debug_log_redact_every_mechanism(
        tls_server: ServerFactory, certificates: TestCertificates, caplog: pytest.LogCaptureFixture,
        mechanism: str, capabilities: list[str], apop: bool) -> None:
    caplog.set_level(logging.DEBUG, logger="poplark")
    server = tls_server(capabilities)
    client = Pop3Client("localhost", server.address[1], Security.TLS, timeout=5.0, ca_file=str(certificates.ca_pem))
    client.connect()
    assert client.login(USER, SECRET, use_apop=apop) == mechanism
    client.list_sizes()
    assert client.retrieve(1) == MESSAGES[0]
    client.quit()
    trace = "\n".join(client.protocol_log.lines())
    # The conversation is there, the secret is not.
    assert "S: +OK" in trace and "C: LIST" in trace and "C: RETR 1" in trace
    assert f"({len(MESSAGES[0])} bytes of multi-line data" in trace
    assert "See you at 1" not in trace  # bodies are summarized, never copied
    assert "<redacted>" in trace
    expected_redaction = {"PLAIN": "AUTH PLAIN <redacted>", "LOGIN": "C: <redacted>", "USER": "PASS <redacted>",
                          "APOP": f"APOP {USER} <redacted>"}[mechanism]
    assert expected_redaction in trace
    assert find_secret(texts={"protocol log": trace, "debug log": caplog.text}) == []
    # The redaction is in the log only: the server received the real credentials.
    assert all("<redacted>" not in line for line in server.mailbox.commands[0])


def test_protocol_log_is_a_bounded_ring() -> None:
    log = protocol_log.ProtocolLog("ring")
    for number in range(protocol_log.MAX_ENTRIES * 3):
        log.sent(f"RETR {number}")
    lines = log.lines()
    assert len(lines) == protocol_log.MAX_ENTRIES + 2  # the header and the "dropped" note
    assert lines[-1].endswith(f"RETR {protocol_log.MAX_ENTRIES * 3 - 1}")
    assert "dropped" in lines[1]
    log.received(b"+OK " + b"x" * 70_000 + b"\r\n")
    assert len(log.lines()[-1]) < protocol_log.MAX_SHOWN_LINE + 30


@pytest.mark.parametrize("line,shown", [
    ("PASS " + SECRET, "PASS <redacted>"),
    ("pass " + SECRET, "pass <redacted>"),
    ("APOP alice 0123456789abcdef", "APOP alice <redacted>"),
    ("AUTH PLAIN AGFsaWNlAHNlY3JldA==", "AUTH PLAIN <redacted>"),
    ("AUTH LOGIN", "AUTH LOGIN"),
    ("USER alice", "USER alice"),
    ("RETR 5", "RETR 5"),
])
def test_commands_are_redacted_even_when_not_marked_secret(line: str, shown: str) -> None:
    assert protocol_log.redact_command(line) == shown


def test_the_protocol_log_file_is_private(tmp_path: Path) -> None:
    target = tmp_path / "trace.log"
    target.write_text("old and longer content that must go")
    target.chmod(0o644)
    protocol_log.write_private(target, "new\n")
    assert target.read_text() == "new\n"
    if os.name == "posix":
        assert stat.S_IMODE(target.stat().st_mode) == 0o600


# -- a whole CLI session --------------------------------------------------------------------------

@pytest.mark.parametrize("capabilities", [None, [*BASE_CAPABILITIES, "SASL LOGIN"]], ids=["auth-plain", "auth-login"])
def test_a_full_cli_session_leaves_the_password_only_in_the_keyring(
        tls_server: ServerFactory, certificates: TestCertificates, cli_environment: dict[str, str],
        tmp_path: Path, capabilities: list[str] | None) -> None:
    server = tls_server(capabilities)
    profile = Path(cli_environment["POPLARK_HOME"])
    fetch_log, test_log = tmp_path / "fetch-protocol.log", tmp_path / "test-protocol.log"
    outputs: dict[str, str] = {}

    def run(*arguments: str, input_text: str | None = None) -> None:
        result = run_cli(cli_environment, *arguments, input_text=input_text)
        outputs[" ".join(arguments) + " (stdout)"] = result.stdout
        outputs[" ".join(arguments) + " (stderr)"] = result.stderr
        assert result.returncode == 0, result.stderr

    run("account", "add", "mail", "--host", "localhost", "--port", str(server.address[1]), "--security", "tls",
        "--user", USER, "--ca-file", str(certificates.ca_pem), "--leave-on-server", "--password-stdin",
        input_text=SECRET + "\n")
    run("fetch", "mail", "--protocol-log", str(fetch_log))
    run("list")
    run("show", "1")
    run("account", "test", "mail", "--protocol-log", str(test_log))
    run("account", "list")

    # The session really happened, with this password, and the logs were written privately.
    assert server.mailbox.sessions == 2
    assert "See you at" in outputs["show 1 (stdout)"]
    fetch_trace = fetch_log.read_text("utf-8")
    assert "RETR 3" in fetch_trace and "<redacted>" in fetch_trace
    assert "Login: OK" in outputs["account test mail --protocol-log " + str(test_log) + " (stdout)"]
    assert "STAT" in test_log.read_text("utf-8")
    assert stat.S_IMODE(fetch_log.stat().st_mode) == 0o600
    profile_files = list(files_under(profile))
    assert any("sqlite" in path.name for path in profile_files)  # the scan covers the database

    # The keyring's own storage is where the password belongs: the scanner finds it there...
    keyring_file = Path(cli_environment[FILE_VARIABLE])
    assert find_secret([keyring_file]) != []
    # ...and nowhere else: not the database, its WAL or SHM, lock files, logs, or output.
    leaks = find_secret([*profile_files, fetch_log, test_log], outputs)
    assert leaks == []


def test_the_protocol_log_is_written_when_the_fetch_fails(
        tls_server: ServerFactory, certificates: TestCertificates, cli_environment: dict[str, str],
        tmp_path: Path) -> None:
    # A failed session is exactly when a user needs the log for a bug report.
    server = tls_server([*BASE_CAPABILITIES, "USER"])
    trace = tmp_path / "failed.log"
    added = run_cli(cli_environment, "account", "add", "mail", "--host", "localhost", "--port",
                    str(server.address[1]), "--user", USER, "--ca-file", str(certificates.ca_pem),
                    "--password-stdin", input_text="not-the-password\n")
    assert added.returncode == 0, added.stderr
    result = run_cli(cli_environment, "fetch", "mail", "--protocol-log", str(trace))
    assert result.returncode == 1 and "password" in result.stderr
    text = trace.read_text("utf-8")
    assert "C: PASS <redacted>" in text and "S: -ERR [AUTH]" in text and "TLS established" in text
    assert "not-the-password" not in text
    assert stat.S_IMODE(trace.stat().st_mode) == 0o600


# -- no telemetry, no update checks ---------------------------------------------------------------

#: Network entry points, and the only places allowed to use each (mail servers only).
NETWORK_CALLS = {
    # urllib.parse is string handling; urllib.request is the network.
    # The OAuth2 sign-in's token endpoint (issue 17), only where the provider table points.
    # The OAuth2 sign-in's token endpoint (issue 17), only where the provider table points; the
    # account dialog's autodiscovery reads the mail domain's own autoconfig file (issue 14).
    r"\burllib\.request\b|\burlopen\(|\burllib3\b|from urllib import request": {
        "app/core/oauth/http.py", "app/core/discovery/autoconfig.py"},
    r"\bhttp\.client\b|\bhttplib\b": set(),
    # (not "self.requests.get": a queue's name is no HTTP library)
    r"(?<!\.)\brequests\b\s*\.|\bimport requests\b|\bhttpx\b|\baiohttp\b": set(),
    # Autodiscovery resolves the mail domain and probes its likely POP3 hosts, for the user who
    # typed the address (issue 14).
    r"socket\.create_connection|socket\.getaddrinfo|\bgetaddrinfo\(|socket\.socket\(": {
        "app/core/pop3/connection.py", "app/core/discovery/dns_lookup.py", "app/core/discovery/probe.py"},
    r"\bconnect_ex\(|\.connect\(\(": {"app/core/pop3/connection.py"},
    r"QNetworkAccessManager|QNetworkRequest|QTcpSocket|QSslSocket|QUdpSocket|QDnsLookup": set(),
    # The OAuth2 sign-in opens the provider's page in the user's browser (issue 17); sending talks
    # SMTP to the account's own server (issue 16).
    r"\bftplib\b|\bsmtplib\b|\bxmlrpc\b|\bwebbrowser\.open\b": {
        "app/cli/oauth.py", "app/core/send/__init__.py", "app/core/send/smtp.py"},
}


def network_calls(root: Path) -> list[str]:
    found: list[str] = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root.parent).as_posix()
        text = path.read_text("utf-8")
        for pattern, allowed in NETWORK_CALLS.items():
            for match in re.finditer(pattern, text):
                if relative not in allowed:
                    line = text.count("\n", 0, match.start()) + 1
                    found.append(f"{relative}:{line}: {match.group(0)}")
    return found


def test_no_network_access_except_to_the_mail_servers() -> None:
    unexpected = network_calls(REPOSITORY / "app")
    assert unexpected == [], "network calls outside app/core/pop3 (telemetry? update check?):\n" + \
        "\n".join(unexpected)


def test_the_network_grep_finds_a_planted_call(tmp_path: Path) -> None:
    planted = tmp_path / "app" / "ui"
    planted.mkdir(parents=True)
    (planted / "updates.py").write_text("import urllib.request\nurllib.request.urlopen('https://x')\n"
                                        "from PySide6.QtNetwork import QNetworkAccessManager\n")
    (tmp_path / "app" / "core" / "pop3").mkdir(parents=True)
    (tmp_path / "app" / "core" / "pop3" / "connection.py").write_text("socket.getaddrinfo(host, port)\n")
    found = network_calls(tmp_path / "app")
    assert any("updates.py:1" in item for item in found)
    assert any("QNetworkAccessManager" in item for item in found)
    assert not any("connection.py" in item for item in found)
