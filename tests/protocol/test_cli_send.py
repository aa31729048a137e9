"""``poplark send`` and ``poplark outbox`` as subprocesses against a real SMTP server (issue 16),
including ``kill -9`` of the sender while the server holds DATA: exactly once, or an honest
"may have been sent" that is never resent without the user's word."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.cli import EXIT_FAILED, EXIT_OK, EXIT_TEMPORARY
from app.core.message.view import parse_message
from app.core.model import Folder
from app.core.store import Store
from app.core.store.profile import DATABASE_FILE_NAME
from tests.conftest import REPOSITORY, run_cli
from tests.fakes.certs import TestCertificates
from tests.fakes.smtp_server import DEFAULT_PASSWORD, DEFAULT_USER, FakeSmtpServer, Faults

TIMEOUT = 60


class Cli:
    def __init__(self, environment: dict[str, str], certificates: TestCertificates, server: FakeSmtpServer) -> None:
        self.environment, self.certificates, self.server = environment, certificates, server

    def run(self, *arguments: str, input_text: str | None = None) -> subprocess.CompletedProcess[str]:
        return run_cli(self.environment, *arguments, input_text=input_text, timeout=TIMEOUT)

    def start(self, *arguments: str) -> subprocess.Popen[str]:
        return subprocess.Popen([sys.executable, "-m", "app", *arguments], env=self.environment, cwd=REPOSITORY,
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def outbox(self) -> list[dict[str, Any]]:
        result = self.run("outbox", "--json")
        assert result.returncode == EXIT_OK, result.stderr
        return [json.loads(line) for line in result.stdout.splitlines()]

    def sent(self) -> list[bytes]:
        with Store(Path(self.environment["POPLARK_HOME"]) / DATABASE_FILE_NAME) as store:
            return [store.raw(summary.id) for summary in store.messages("work", folder=Folder.SENT.value)]


@pytest.fixture
def server(certificates: TestCertificates) -> Iterator[FakeSmtpServer]:
    started = FakeSmtpServer("tls", certificates, faults=Faults()).start()
    yield started
    started.stop()


@pytest.fixture
def cli(cli_environment: dict[str, str], certificates: TestCertificates, server: FakeSmtpServer) -> Cli:
    tool = Cli(cli_environment, certificates, server)
    added = tool.run("account", "add", "work", "--host", "127.0.0.1", "--port", "1", "--user", "alice",
                     "--email", DEFAULT_USER, "--ca-file", str(certificates.ca_pem), "--smtp-host", "localhost",
                     "--smtp-port", str(server.port), "--smtp-security", "tls", "--smtp-user", DEFAULT_USER,
                     "--timeout", "10", "--password-stdin", input_text=DEFAULT_PASSWORD + "\n")
    assert added.returncode == EXIT_OK, added.stderr
    assert f"sends via localhost:{server.port} tls" in added.stdout
    return tool


def send_arguments(tmp_path: Path, *extra: str) -> list[str]:
    attachment = tmp_path / "第四季度报告（最终版）.pdf"
    attachment.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 64)
    return ["send", "--account", "work", "--to", "李四 <li.si@example.cn>", "--bcc", "boss@example.org",
            "--subject", "周报：第四季度", "--body-file", "-", "--attach", str(attachment), *extra]


def test_send_delivers_and_sent_holds_the_exact_bytes(cli: Cli, server: FakeSmtpServer, tmp_path: Path) -> None:
    result = cli.run(*send_arguments(tmp_path), input_text="各位：\n附件是报告。\n")
    assert result.returncode == EXIT_OK, result.stderr
    message_id = result.stdout.split()[1]
    [received] = server.received
    assert received.rcpt_tos == ["li.si@example.cn", "boss@example.org"]
    assert cli.sent() == [received.data]
    view = parse_message(received.data)
    assert view.subject == "周报：第四季度" and view.message_id == message_id
    assert view.plain_text == "各位：\n附件是报告。\n"
    assert [attachment.filename for attachment in view.attachments] == ["第四季度报告（最终版）.pdf"]
    assert b"boss@example.org" not in received.data
    assert cli.outbox() == []


def test_send_an_eml_as_it_is(cli: Cli, server: FakeSmtpServer, tmp_path: Path) -> None:
    eml = tmp_path / "ready.eml"
    eml.write_bytes(b"From: Alice <alice@example.org>\nTo: bob@example.com\nBcc: carol@example.com\n"
                    b"Subject: ready\nMessage-ID: <ready@example.org>\nDate: Tue, 01 Dec 2026 10:00:00 +0000\n"
                    b"\n.a line with a dot\n")
    result = cli.run("send", "--account", "work", "--eml", str(eml))
    assert result.returncode == EXIT_OK, result.stderr
    assert result.stdout.strip() == "sent <ready@example.org>"
    [received] = server.received
    assert received.rcpt_tos == ["bob@example.com", "carol@example.com"]
    assert received.data == (b"From: Alice <alice@example.org>\r\nTo: bob@example.com\r\nSubject: ready\r\n"
                             b"Message-ID: <ready@example.org>\r\nDate: Tue, 01 Dec 2026 10:00:00 +0000\r\n"
                             b"\r\n.a line with a dot\r\n")


def test_a_refused_recipient_exits_1_and_waits_for_the_user(cli: Cli, server: FakeSmtpServer, tmp_path: Path) -> None:
    server.faults.rcpt_replies["li.si@example.cn"] = "550 5.1.1 <li.si@example.cn>: user unknown"
    result = cli.run(*send_arguments(tmp_path), input_text="x\n")
    assert result.returncode == EXIT_FAILED
    assert "li.si@example.cn" in result.stderr and "user unknown" in result.stderr
    assert "poplark outbox retry" in result.stderr
    [item] = cli.outbox()
    assert item["state"] == "failed" and "user unknown" in item["last_error"]
    assert cli.run("outbox", "remove", str(item["id"])).returncode == EXIT_OK
    assert cli.outbox() == [] and server.received == []


def test_a_temporary_failure_exits_75_and_the_message_waits(cli: Cli, server: FakeSmtpServer,
                                                            tmp_path: Path) -> None:
    server.faults.mail_reply = "451 4.7.1 greylisted, come back later"
    result = cli.run(*send_arguments(tmp_path), input_text="x\n")
    assert result.returncode == EXIT_TEMPORARY, result.stderr
    assert "greylisted" in result.stderr and "waits in the outbox" in result.stderr
    [item] = cli.outbox()
    assert item["state"] == "queued" and item["attempts"] == 1


def test_kill_9_after_the_final_dot_never_sends_twice_silently(cli: Cli, server: FakeSmtpServer,
                                                                tmp_path: Path) -> None:
    hold = server.faults.hold_data = threading.Event()
    process = cli.start(*send_arguments(tmp_path, "--body-file", str(_body(tmp_path))))
    try:
        assert server.data_complete.wait(TIMEOUT), process.communicate()
        os.kill(process.pid, signal.SIGKILL)
        process.wait(TIMEOUT)
    finally:
        hold.set()
        if process.poll() is None:
            process.kill()
        process.communicate()
    again = cli.run("outbox", "send")
    assert again.returncode == EXIT_FAILED
    assert "may have been sent" in again.stderr and "mark-sent" in again.stderr
    [item] = cli.outbox()
    assert item["state"] == "unsure" and "may have been delivered" in item["last_error"]
    assert len(server.held) == 1 and server.received == []  # never handed over a second time
    # The user checked: it did arrive. Into Sent, without sending.
    assert cli.run("outbox", "mark-sent", str(item["id"])).returncode == EXIT_OK
    assert cli.sent() == [server.held[0].data]
    assert cli.run("outbox", "send").returncode == EXIT_OK and len(server.held) == 1


def test_kill_9_in_the_middle_of_data_sends_exactly_once_on_the_rerun(cli: Cli, server: FakeSmtpServer,
                                                                      tmp_path: Path) -> None:
    server.faults.stall_mid_data, server.faults.mid_data_octets = True, 1 << 20
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(12 << 20))  # far more than the socket buffers: the sender blocks before the dot
    process = cli.start(*send_arguments(tmp_path, "--attach", str(big), "--body-file", str(_body(tmp_path))))
    try:
        assert server.mid_data.wait(TIMEOUT), process.communicate()
        os.kill(process.pid, signal.SIGKILL)
        process.wait(TIMEOUT)
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate()
    server.faults.stall_mid_data = False
    # The list tells the truth about the dead sender's row: it never had its final dot.
    [waiting] = cli.outbox()
    assert waiting["state"] == "queued" and waiting["attempts"] == 1
    again = cli.run("outbox", "send")
    assert again.returncode == EXIT_OK, again.stderr
    assert len(server.received) == 1 and server.held == server.received
    assert cli.sent() == [server.received[0].data]
    assert cli.outbox() == []


def _body(tmp_path: Path) -> Path:
    body = tmp_path / "body.txt"
    body.write_text("正文\n", "utf-8")
    return body


def test_account_test_smtp_reports_tls_size_and_login(cli: Cli, server: FakeSmtpServer) -> None:
    result = cli.run("account", "test", "work", "--smtp")
    assert result.returncode == EXIT_OK, result.stderr
    assert f"SMTP server: localhost:{server.port} (tls)" in result.stdout
    assert "TLS: TLSv1." in result.stdout and f"Login: OK ({DEFAULT_USER})" in result.stdout
    wrong = cli.run("account", "test", "work", "--smtp", "--password-stdin", input_text="wrong\n")
    assert wrong.returncode == EXIT_FAILED
    assert "Login: FAILED: login failed" in wrong.stdout and "535" in wrong.stdout


def test_reply_quotes_the_stored_message_and_threads(cli: Cli, server: FakeSmtpServer) -> None:
    original = ("From: =?gbk?b?1cXI/Q==?= <zhang.san@example.cn>\r\nTo: alice@example.org, li@example.cn\r\n"
                "Subject: =?gbk?b?u+HS6Q==?=\r\nDate: Tue, 01 Dec 2026 20:15:00 +0800\r\n"
                "Message-ID: <m2@example.cn>\r\nContent-Type: text/plain; charset=gbk\r\n\r\n").encode("ascii")
    original += "明天开会。\r\n".encode("gbk")
    with Store(Path(cli.environment["POPLARK_HOME"]) / DATABASE_FILE_NAME) as store:
        account = store.account("work")
        assert account.id is not None
        message_id = store.import_message(account.id, original)
    result = cli.run("reply", str(message_id), "--account", "work", "--all", "--language", "zh_CN",
                     "--body-file", "-", input_text="好的，我会参加。\n")
    assert result.returncode == EXIT_OK, result.stderr
    [received] = server.received
    assert received.rcpt_tos == ["zhang.san@example.cn", "li@example.cn"]  # not alice: that is us
    assert b"\r\nIn-Reply-To: <m2@example.cn>\r\nReferences: <m2@example.cn>\r\n" in received.data
    view = parse_message(received.data)
    assert view.subject == "回复：会议"
    assert view.plain_text is not None
    assert view.plain_text.startswith("好的，我会参加。\n\n在 2026年12月1日 ")
    assert "，张三 写道：\n> 明天开会。" in view.plain_text


def test_an_account_from_before_sending_gets_its_smtp_server(cli: Cli, server: FakeSmtpServer) -> None:
    added = cli.run("account", "add", "old", "--host", "127.0.0.1", "--port", "1", "--user", "bob",
                    "--email", "bob@example.org", "--ca-file", str(cli.certificates.ca_pem), "--password-stdin",
                    input_text=DEFAULT_PASSWORD + "\n")
    assert added.returncode == EXIT_OK and "no SMTP server: cannot send" in added.stdout
    refused = cli.run("send", "--account", "old", "--to", "x@example.com", "--subject", "s", "--body-file", "-",
                      input_text="x\n")
    assert refused.returncode == EXIT_FAILED and "poplark account smtp old" in refused.stderr
    assert cli.outbox() == []  # nothing was queued
    unknown = cli.run("account", "smtp", "old")
    assert unknown.returncode == EXIT_FAILED and "--smtp-host" in unknown.stderr
    set_ = cli.run("account", "smtp", "old", "--smtp-host", "localhost", "--smtp-port", str(server.port),
                   "--smtp-security", "tls", "--smtp-user", DEFAULT_USER, "--smtp-password-stdin",
                   input_text=DEFAULT_PASSWORD + "\n")
    assert set_.returncode == EXIT_OK and f"old sends via localhost:{server.port} tls" in set_.stdout
    sent = cli.run("send", "--account", "old", "--to", "x@example.com", "--subject", "s", "--body-file", "-",
                   input_text="x\n")
    assert sent.returncode == EXIT_OK, sent.stderr
    assert server.received[0].rcpt_tos == ["x@example.com"]
    preset = cli.run("account", "add", "qq", "--host", "pop.qq.com", "--user", "12345@qq.com", "--no-store-password")
    assert preset.returncode == EXIT_OK and "sends via smtp.qq.com:465 tls" in preset.stdout


def test_an_oauth2_account_sends_with_its_access_token(cli_environment: dict[str, str],
                                                       certificates: TestCertificates, tmp_path: Path) -> None:
    server = FakeSmtpServer("tls", certificates, token="ya29.fresh").start()
    try:
        tool = Cli(cli_environment, certificates, server)
        # The token command prints an expired token the first time, a fresh one after: the refused
        # token is refreshed once, as fetch does, and the message goes.
        script = tmp_path / "token.sh"
        script.write_text(f'if [ -e "{tmp_path}/used" ]; then echo ya29.fresh; else touch "{tmp_path}/used"; '
                          'echo ya29.expired; fi\n', "utf-8")
        added = tool.run("account", "add", "oauth", "--host", "127.0.0.1", "--port", "1", "--user", DEFAULT_USER,
                         "--email", DEFAULT_USER, "--ca-file", str(certificates.ca_pem), "--auth", "oauth2",
                         "--oauth2-token-command", f"sh {script}", "--smtp-host", "localhost", "--smtp-port",
                         str(server.port), "--smtp-security", "tls")
        assert added.returncode == EXIT_OK, added.stderr
        sent = tool.run("send", "--account", "oauth", "--to", "bob@example.com", "--subject", "token",
                        "--body-file", "-", input_text="sent with XOAUTH2\n")
        assert sent.returncode == EXIT_OK, sent.stderr
        assert server.refused_tokens == ["ya29.expired"] and server.logins == ["XOAUTH2"]
        assert len(server.received) == 1
    finally:
        server.stop()
