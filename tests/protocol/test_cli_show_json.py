"""``poplark show ID --json`` (issue 13): the real CLI prints one JSON object from the reader's own
parse: decoded headers, the body's charset and how it was chosen, the text, the attachments."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from tests.conftest import ServerFactory
from tests.fakes.certs import TestCertificates
from tests.fakes.pop3_server import crlf
from tests.protocol.test_cli import EXIT_OK, Poplark, sha256

DEFAULT_MODE = "tls"


@pytest.fixture
def poplark(cli_environment: dict[str, str], certificates: TestCertificates) -> Poplark:
    return Poplark(cli_environment, certificates)

BIG5_BODY = "各位同事：明天下午三點開會。"
REPORT = "第一季報告 PDF".encode()  # any bytes: the attachment's size is what is checked
BIG5_MESSAGE = (
    b"From: =?big5?B?" + base64.b64encode("陳大文".encode("big5")) + b"?= <chan@example.com.hk>\r\n"
    b"To: =?UTF-8?Q?\"J=C3=BCrgen\"?= <j@example.de>\r\n"
    b"Cc: =?UTF-8?Q?M=C3=BCller=2C_J.?= <m@example.de>\r\n"
    b"Subject: =?big5?B?" + base64.b64encode("會議通知".encode("big5")) + b"?=\r\n"
    b"Date: Tue, 01 Dec 2026 09:30:00 +0800\r\n"
    b'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n'
    b"--b1\r\nContent-Type: text/plain; charset=big5\r\n\r\n" + BIG5_BODY.encode("big5") + b"\r\n"
    b"--b1\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=report.pdf\r\n"
    b"Content-Transfer-Encoding: base64\r\n\r\n" + base64.b64encode(REPORT) + b"\r\n--b1--\r\n"
)
KOREAN_MISLABELLED = (b"From: kim@example.kr\r\nSubject: " + "회의 일정".encode("euc-kr") + b"\r\n"
                      b"Content-Type: text/plain; charset=iso-8859-1\r\n\r\n" + "안녕하세요".encode("euc-kr") + b"\r\n")
UNDECLARED = crlf("From: a@example.com\nSubject: plain\n\ncaf\u00e9 cr\u00e8me br\u00fbl\u00e9e\n")


def show_json(poplark: Poplark, message_id: int, *options: str) -> dict[str, Any]:
    result = poplark.run("show", str(message_id), "--json", *options)
    assert result.returncode == EXIT_OK, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1  # one object, one line
    decoded: dict[str, Any] = json.loads(lines[0])
    return decoded


def test_show_json_prints_the_decoded_message_as_one_object(poplark: Poplark, serve: ServerFactory) -> None:
    server = serve([BIG5_MESSAGE, KOREAN_MISLABELLED, UNDECLARED])
    poplark.add_account_ok(server.address[1], "--leave-on-server")
    assert "3 new message(s)" in poplark.fetch_ok()
    ids = poplark.id_by_sha256()

    big5 = show_json(poplark, ids[sha256(BIG5_MESSAGE)])
    assert big5["subject"] == "會議通知"
    assert big5["from"] == "陳大文 <chan@example.com.hk>"
    assert big5["to"] == "Jürgen <j@example.de>"
    assert big5["cc"] == "Müller, J. <m@example.de>"
    assert big5["date"] == "2026-12-01T01:30:00+00:00"
    assert big5["charset"].startswith("big5") and big5["charset_source"] == "declared"
    assert BIG5_BODY in big5["body"]
    assert big5["attachments"] == [{"filename": "report.pdf", "content_type": "application/pdf",
                                    "size": len(REPORT)}]

    guessed = show_json(poplark, ids[sha256(UNDECLARED)])
    assert guessed["charset"] == "utf-8" and guessed["charset_source"] == "guessed"
    assert "café crème brûlée" in guessed["body"] and guessed["attachments"] == [] and guessed["cc"] == ""

    korean = show_json(poplark, ids[sha256(KOREAN_MISLABELLED)], "--charset", "euc-kr")
    assert korean["subject"] == "회의 일정"
    assert "안녕하세요" in korean["body"]
    assert korean["charset"] in ("euc-kr", "ks_c_5601-1987")  # EUC-KR, or its superset CP949
    assert korean["charset_source"] == "overridden"


def test_show_with_a_charset_re_reads_the_subject_with_the_body(poplark: Poplark, serve: ServerFactory) -> None:
    cyrillic = ("Привет из Москвы", "Добрый день")  # KOI8-R under a Windows-1251 label
    raw = (b"From: ivan@example.ru\r\nSubject: " + cyrillic[0].encode("koi8-r")
           + b"\r\nContent-Type: text/plain; charset=windows-1251\r\n\r\n" + cyrillic[1].encode("koi8-r") + b"\r\n")
    server = serve([raw])
    poplark.add_account_ok(server.address[1], "--leave-on-server")
    assert "1 new message(s)" in poplark.fetch_ok()
    message_id = str(poplark.id_by_sha256()[sha256(raw)])

    automatic = poplark.run("show", message_id)
    chosen = poplark.run("show", message_id, "--charset", "koi8-r")

    assert automatic.returncode == EXIT_OK, automatic.stderr
    assert cyrillic[0] not in automatic.stdout and cyrillic[1] not in automatic.stdout
    assert chosen.returncode == EXIT_OK, chosen.stderr
    assert f"Subject: {cyrillic[0]}" in chosen.stdout
    assert cyrillic[1] in chosen.stdout
