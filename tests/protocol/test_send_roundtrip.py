"""The whole way round (issue 16): a Chinese message with a long Chinese attachment name written and
sent by ``poplark send`` over SMTP, delivered into a POP3 mailbox, fetched back by ``poplark fetch``:
the fetched bytes equal the bytes in Sent, and every header decodes right in our reader. The SMTP
password is set apart from the POP3 one, so both keyring entries are used.

The delivery step is the fakes' (aiosmtpd's received bytes put into the fake POP3 server's
mailbox); the issue's CI round trip through a real MTA and Dovecot is still to come.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from app.cli import EXIT_OK
from app.core.message.view import parse_message, part_payload
from app.core.model import Folder
from app.core.store import Store
from app.core.store.profile import DATABASE_FILE_NAME
from tests.conftest import ServerFactory, run_cli
from tests.fakes.certs import TestCertificates
from tests.fakes.pop3_server import DEFAULT_PASSWORD as POP3_PASSWORD
from tests.fakes.smtp_server import DEFAULT_PASSWORD as SMTP_PASSWORD
from tests.fakes.smtp_server import DEFAULT_USER, FakeSmtpServer

DEFAULT_MODE = "tls"
SUBJECT = "关于第四季度财务报告的说明：请各部门负责人于本周五之前审阅并回复意见"
ATTACHMENT = "二〇二六年第四季度财务报告及下一年度预算草案（最终版本，请勿外传）.pdf"


def test_send_then_fetch_gives_back_the_bytes_in_sent(cli_environment: dict[str, str], certificates: TestCertificates,
                                                      serve: ServerFactory, tmp_path: Path) -> None:
    pop3 = serve([])
    smtp = FakeSmtpServer("tls", certificates).start()
    try:
        def run(*arguments: str, input_text: str | None = None) -> subprocess.CompletedProcess[str]:
            result = run_cli(cli_environment, *arguments, input_text=input_text, timeout=60)
            assert result.returncode == EXIT_OK, result.stderr
            return result

        run("account", "add", "home", "--host", "127.0.0.1", "--port", str(pop3.address[1]), "--user", "alice",
            "--email", DEFAULT_USER, "--ca-file", str(certificates.ca_pem), "--leave-on-server",
            "--smtp-host", "localhost", "--smtp-port", str(smtp.port), "--smtp-security", "tls",
            "--smtp-user", DEFAULT_USER, "--smtp-password-stdin", "--password-stdin",
            input_text=f"{POP3_PASSWORD}\n{SMTP_PASSWORD}\n")
        keys = json.loads(Path(cli_environment["POPLARK_TEST_KEYRING_FILE"]).read_text("utf-8"))
        assert sorted(keys.values()) == sorted([POP3_PASSWORD, SMTP_PASSWORD])
        document = tmp_path / ATTACHMENT
        document.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 400)
        run("send", "--account", "home", "--to", "张三 <alice@example.org>", "--cc", "李四 <li.si@example.cn>",
            "--subject", SUBJECT,
            "--body-file", "-", "--attach", str(document), input_text="各位：\n\n报告见附件。\n-- \n王五\n")
        [received] = smtp.received
        pop3.add_message(received.data)
        run("fetch", "home")
        with Store(Path(cli_environment["POPLARK_HOME"]) / DATABASE_FILE_NAME) as store:
            [sent] = store.messages("home", folder=Folder.SENT.value)
            [fetched] = store.messages("home")
            assert store.raw(fetched.id) == store.raw(sent.id) == received.data
            assert fetched.subject == sent.subject == SUBJECT
            assert fetched.sender == sent.sender
            assert fetched.has_attachments
        view = parse_message(received.data)
        assert view.sender == f"{DEFAULT_USER}" or view.sender.endswith(f"<{DEFAULT_USER}>")
        assert view.to == "张三 <alice@example.org>" and view.cc == "李四 <li.si@example.cn>"
        assert view.plain_text == "各位：\n\n报告见附件。\n-- \n王五\n"
        [attachment] = view.attachments
        assert attachment.filename == ATTACHMENT
        assert part_payload(received.data, attachment.part_index)[0] == document.read_bytes()
    finally:
        smtp.stop()
