"""Sending through a real mail server and reading it back (issue 16): ``poplark send`` hands a
Chinese message with a long Chinese attachment name to Dovecot's SMTP submission service
(STARTTLS, AUTH against the same passdb as POP3), which relays it for delivery by Dovecot's LMTP
into the Maildir (tests/fakes/dovecot_submission.py); ``poplark fetch`` gets it back over POP3 with
TLS. Below the trace fields the servers add (Received, Return-Path, Delivered-To), what arrives is
what Sent holds, byte for byte; the Bcc recipient got it, and no Bcc line is in it."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.cli import EXIT_OK
from app.core.message.view import parse_message, part_payload
from app.core.model import Folder
from app.core.store import Store
from app.core.store.profile import DATABASE_FILE_NAME
from tests.conftest import run_cli, run_cli_ok, skip_or_fail
from tests.fakes.certs import TestCertificates
from tests.fakes.dovecot import dovecot_binary, wire_bytes
from tests.fakes.dovecot_submission import INSTALL_HINT, DovecotWithSubmission, submission_available

pytestmark = pytest.mark.dovecot

SUBJECT = "关于第四季度财务报告的说明：请各部门负责人于本周五之前审阅并回复意见（附预算草案）"
ATTACHMENT = "二〇二六年第四季度财务报告及下一年度预算草案（最终版本，请勿外传）.pdf"
BODY = "各位同事：\n\n报告见附件，请审阅。\n.以点开头的一行\n-- \n王五\n"
#: What the servers on the way may put above the message: trace fields (RFC 5321 section 4.4).
TRACE_FIELD = re.compile(rb"(?:(?:Received|Return-Path|Delivered-To):[^\r\n]*\r\n(?:[ \t][^\r\n]*\r\n)*)*")


@pytest.fixture
def mail_server(tmp_path: Path, certificates: TestCertificates) -> Iterator[DovecotWithSubmission]:
    if dovecot_binary() is None or not submission_available():
        skip_or_fail(f"Dovecot's POP3, submission and LMTP are not all installed; run: {INSTALL_HINT}")
    server = DovecotWithSubmission(tmp_path / "dovecot", cert_chain_pem=certificates.server_cert_chain_pem,
                                   key_pem=certificates.server_key_pem,
                                   users={"alice": "secret", "audit": "audit-secret"})
    server.start()
    try:
        yield server
    finally:
        server.stop(graceful=False)


def _below_trace_fields(raw: bytes) -> tuple[bytes, bytes]:
    trace = TRACE_FIELD.match(raw)
    assert trace is not None
    return raw[:trace.end()], raw[trace.end():]


def test_a_message_sent_through_dovecot_submission_arrives_as_sent(
        mail_server: DovecotWithSubmission, certificates: TestCertificates, cli_environment: dict[str, str],
        tmp_path: Path) -> None:
    def run(*arguments: str, input_text: str | None = None) -> subprocess.CompletedProcess[str]:
        return run_cli_ok(cli_environment, *arguments, input_text=input_text)

    run("account", "add", "home", "--host", "localhost", "--port", str(mail_server.pop3s_port), "--security", "tls",
        "--user", "alice", "--email", "alice@example.org", "--ca-file", str(certificates.ca_pem),
        "--leave-on-server", "--smtp-host", "localhost", "--smtp-port", str(mail_server.submission_port),
        "--smtp-security", "starttls", "--password-stdin", input_text="secret\n")
    document = tmp_path / ATTACHMENT
    document.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 2000)
    run("send", "--account", "home", "--to", "张三 <alice@example.org>", "--bcc", "audit@example.org",
        "--subject", SUBJECT, "--body-file", "-", "--attach", str(document), input_text=BODY)
    run("fetch", "home")

    with Store(Path(cli_environment["POPLARK_HOME"]) / DATABASE_FILE_NAME) as store:
        [sent] = store.messages("home", folder=Folder.SENT.value)
        [fetched] = store.messages("home")
        sent_bytes, fetched_bytes = store.raw(sent.id), store.raw(fetched.id)
        assert fetched.subject == SUBJECT and fetched.has_attachments
    trace, message = _below_trace_fields(fetched_bytes)
    assert message == sent_bytes
    assert b"Received:" in trace and b"mail.example.test" in trace  # it did go through the server
    assert b"audit" not in message and b"Bcc" not in message
    view = parse_message(message)
    assert view.to == "张三 <alice@example.org>" and view.subject == SUBJECT
    assert view.plain_text == BODY
    [attachment] = view.attachments
    assert attachment.filename == ATTACHMENT
    assert part_payload(message, attachment.part_index)[0] == document.read_bytes()

    # The Bcc recipient's copy: delivered by the same server into audit's Maildir, the same bytes.
    [audit_copy] = [path for folder in ("new", "cur") for path in (mail_server.maildir("audit") / folder).iterdir()]
    assert _below_trace_fields(wire_bytes(audit_copy.read_bytes()))[1] == sent_bytes


def test_a_password_the_submission_server_refuses_keeps_the_message_in_the_outbox(
        mail_server: DovecotWithSubmission, certificates: TestCertificates, cli_environment: dict[str, str]) -> None:
    added = run_cli(cli_environment, "account", "add", "home", "--host", "localhost", "--port",
                    str(mail_server.pop3s_port), "--security", "tls", "--user", "alice", "--email",
                    "alice@example.org", "--ca-file", str(certificates.ca_pem), "--smtp-host", "localhost",
                    "--smtp-port", str(mail_server.submission_port), "--smtp-security", "starttls",
                    "--password-stdin", input_text="not-the-password\n", timeout=60)
    assert added.returncode == EXIT_OK, added.stderr
    sent = run_cli(cli_environment, "send", "--account", "home", "--to", "alice@example.org", "--subject", "测试",
                   "--body-file", "-", input_text="正文\n", timeout=60)
    assert sent.returncode != EXIT_OK
    assert "refused the login (535)" in sent.stderr and "Authentication failed" in sent.stderr
    assert "Check the user name and password" in sent.stderr and "wait in the outbox" in sent.stderr
    listed = run_cli(cli_environment, "outbox", "--json", timeout=60)
    waiting = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [(row["subject"], row["state"]) for row in waiting] == [("测试", "queued")]
    assert "535" in waiting[0]["last_error"]
    assert mail_server.message_count_on_server("alice") == 0
