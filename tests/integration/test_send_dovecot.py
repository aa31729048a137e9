"""Sent mail read back from a real POP3 server (issue 16): ``poplark send`` writes a Chinese message
with a long Chinese attachment name and sends it over SMTP (aiosmtpd, TLS, AUTH); its bytes are
delivered into a private Dovecot's Maildir as an MTA would hand them on; ``poplark fetch`` gets it
back over POP3 with TLS. What Dovecot served equals what Sent holds, byte for byte, and every header
and the attachment read right.

Here the delivery step is the test's (tests/fakes/dovecot.py ``deliver``), so the SMTP server's
faults stay scriptable; test_send_through_mta.py sends through Dovecot's own submission service and
LMTP delivery instead.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from app.core.message.view import parse_message, part_payload
from app.core.model import Folder
from app.core.store import Store
from app.core.store.profile import DATABASE_FILE_NAME
from tests.conftest import run_cli_ok
from tests.fakes.certs import TestCertificates
from tests.fakes.dovecot import PrivateDovecot, wire_bytes
from tests.fakes.smtp_server import DEFAULT_PASSWORD as SMTP_PASSWORD
from tests.fakes.smtp_server import FakeSmtpServer

pytestmark = pytest.mark.dovecot

SUBJECT = "关于第四季度财务报告的说明：请各部门负责人于本周五之前审阅并回复意见（附预算草案）"
ATTACHMENT = "二〇二六年第四季度财务报告及下一年度预算草案（最终版本，请勿外传）.pdf"
BODY = "各位同事：\n\n报告见附件，请审阅。\n.以点开头的一行\n-- \n王五\n"


def test_a_sent_message_fetched_from_dovecot_is_byte_identical_to_sent(
        dovecot: PrivateDovecot, certificates: TestCertificates, cli_environment: dict[str, str],
        tmp_path: Path) -> None:
    smtp = FakeSmtpServer("tls", certificates).start()
    try:
        def run(*arguments: str, input_text: str | None = None) -> subprocess.CompletedProcess[str]:
            return run_cli_ok(cli_environment, *arguments, input_text=input_text)

        run("account", "add", "home", "--host", "localhost", "--port", str(dovecot.pop3s_port), "--security", "tls",
            "--user", "alice", "--email", "alice@example.org", "--ca-file", str(certificates.ca_pem),
            "--leave-on-server", "--smtp-host", "localhost", "--smtp-port", str(smtp.port), "--smtp-security", "tls",
            "--smtp-user", "alice@example.org", "--smtp-password-stdin", "--password-stdin",
            input_text=f"secret\n{SMTP_PASSWORD}\n")
        document = tmp_path / ATTACHMENT
        document.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 2000)
        run("send", "--account", "home", "--to", "张三 <alice@example.org>", "--bcc", "audit@example.org",
            "--subject", SUBJECT, "--body-file", "-", "--attach", str(document), input_text=BODY)
        [received] = smtp.received
        dovecot.deliver("alice", received.data)
        run("fetch", "home")
        with Store(Path(cli_environment["POPLARK_HOME"]) / DATABASE_FILE_NAME) as store:
            [sent] = store.messages("home", folder=Folder.SENT.value)
            [fetched] = store.messages("home")
            assert store.raw(fetched.id) == wire_bytes(received.data) == received.data == store.raw(sent.id)
            assert fetched.subject == SUBJECT and fetched.has_attachments
        view = parse_message(received.data)
        assert view.to == "张三 <alice@example.org>" and "audit@example.org" not in received.data.decode("ascii")
        assert view.plain_text == BODY
        [attachment] = view.attachments
        assert attachment.filename == ATTACHMENT
        assert part_payload(received.data, attachment.part_index)[0] == document.read_bytes()
    finally:
        smtp.stop()
