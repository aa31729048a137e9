"""The remote mailbox against a real Dovecot: ``poplark remote list|fetch|delete`` over TLS.

Dovecot's UIDLs, its LIST sizes (CRLF-counted) and its TOP are the real thing here; the protocol
log shows on the wire that a large message is listed and deleted without a RETR, and that the
listing's CAPA, LIST and UIDL go out in one write after the login reply, as a fetch's do.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.fakes.certs import TestCertificates
from tests.fakes.dovecot import PrivateDovecot, wire_bytes
from tests.integration.test_false_alarms_dovecot import pipelining_broken_at
from tests.integration.test_listing_pipelined_dovecot import exchanges

pytestmark = pytest.mark.dovecot

ACCOUNT = "dovecot"
FILES = [
    b"From: Bob <bob@example.org>\nSubject: first\nDate: Wed, 3 Jan 2024 09:00:00 +0000\n\n.hidden\nend\n",
    (b"From: =?gb2312?B?1cXI/Q==?= <zhang@example.cn>\r\nSubject: =?gb2312?B?u+HS6c2o1qo=?=\r\n\r\n"
     + "中文邮件正文".encode("gbk") + b"\r\n"),
    b"From: big@example.org\nSubject: holiday videos\n\n" + (b"v" * 998 + b"\n") * 3000,
    b"From: carol@example.org\nSubject: fourth\n\nbody\n",
]


def remote(environment: dict[str, str], *arguments: str) -> subprocess.CompletedProcess[str]:
    return run_cli(environment, "remote", *arguments, "--password-stdin", input_text="secret\n", timeout=60)


def listing(environment: dict[str, str]) -> list[dict[str, object]]:
    result = remote(environment, "list", ACCOUNT, "--json")
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


@pytest.fixture
def environment(dovecot: PrivateDovecot, certificates: TestCertificates,
                cli_environment: dict[str, str]) -> dict[str, str]:
    dovecot.deliver_many("alice", FILES)
    added = run_cli(cli_environment, "account", "add", ACCOUNT, "--host", "localhost", "--port",
                    str(dovecot.pop3s_port), "--security", "tls", "--user", "alice", "--ca-file",
                    str(certificates.ca_pem), "--leave-on-server", "--password-stdin", input_text="secret\n")
    assert added.returncode == 0, added.stderr
    return cli_environment


def test_remote_list_fetch_and_delete_against_dovecot(dovecot: PrivateDovecot, environment: dict[str, str],
                                                      tmp_path: Path) -> None:
    rows = listing(environment)
    assert [row["subject"] for row in rows] == ["first", "会议通知", "holiday videos", "fourth"]
    assert rows[1]["from"] == "张三 <zhang@example.cn>" and rows[0]["date"] == 1704272400.0
    assert [row["size"] for row in rows] == [len(wire_bytes(file)) for file in FILES]
    assert not any(row["stored"] for row in rows)
    uidls = [str(row["uidl"]) for row in rows]

    fetched = remote(environment, "fetch", ACCOUNT, uidls[1], "--delete")
    assert fetched.returncode == 0, fetched.stderr
    exported = tmp_path / "export"
    assert run_cli(environment, "export", "--format", "eml", str(exported)).returncode == 0
    assert [hashlib.sha256(path.read_bytes()).digest() for path in exported.iterdir()] == [
        hashlib.sha256(wire_bytes(FILES[1])).digest()]

    # Dovecot now numbers the big message 2, not 3: the delete goes by its UIDL all the same.
    log = tmp_path / "protocol.log"
    deleted = remote(environment, "delete", ACCOUNT, uidls[2], "--protocol-log", str(log))
    assert deleted.returncode == 0, deleted.stderr
    wire = log.read_text(encoding="utf-8")
    assert "DELE 2" in wire and "RETR" not in wire
    assert [row["subject"] for row in listing(environment)] == ["first", "fourth"]
    assert dovecot.message_count_on_server("alice") == 2

    refused = remote(environment, "delete", ACCOUNT, uidls[2])
    assert refused.returncode == 1 and "not on the server" in refused.stderr
    assert dovecot.message_count_on_server("alice") == 2


def test_headers_only_then_complete_against_dovecot(dovecot: PrivateDovecot, environment: dict[str, str],
                                                    tmp_path: Path) -> None:
    fetched = run_cli(environment, "fetch", ACCOUNT, "--headers-only", "--password-stdin", input_text="secret\n")
    assert fetched.returncode == 0, fetched.stderr
    assert fetched.stdout.startswith(f"{ACCOUNT}: {len(FILES)} new message(s), headers only")
    rows = [json.loads(line) for line in run_cli(environment, "list", "--json").stdout.splitlines()]
    assert sorted(str(row["subject"]) for row in rows) == sorted(["first", "会议通知", "holiday videos", "fourth"])
    big = next(row["id"] for row in rows if row["subject"] == "holiday videos")
    assert "MB left on the server" in run_cli(environment, "show", str(big)).stdout
    completed = run_cli(environment, "complete", str(big), "--password-stdin", input_text="secret\n")
    assert completed.returncode == 0, completed.stderr
    exported = tmp_path / "export"
    assert run_cli(environment, "export", "--format", "eml", str(exported)).returncode == 0
    digests = {hashlib.sha256(path.read_bytes()).digest() for path in exported.iterdir()}
    assert hashlib.sha256(wire_bytes(FILES[2])).digest() in digests
    assert dovecot.message_count_on_server("alice") == len(FILES)  # headers only deletes nothing


def test_the_first_part_of_a_large_message_then_the_rest_against_dovecot(
        dovecot: PrivateDovecot, environment: dict[str, str], tmp_path: Path) -> None:
    edited = run_cli(environment, "account", "edit", ACCOUNT, "--partial-over-mb", "1", "--partial-first-kb", "10")
    assert edited.returncode == 0 and "the first 10 KB of messages over 1 MB" in edited.stdout
    fetched = run_cli(environment, "fetch", ACCOUNT, "--password-stdin", input_text="secret\n")
    assert fetched.returncode == 0, fetched.stderr
    assert "4 new message(s)" in fetched.stdout and "1 of them downloaded in part" in fetched.stdout
    rows = {row["subject"]: row for row in
            (json.loads(line) for line in run_cli(environment, "list", "--json").stdout.splitlines())}
    big = wire_bytes(FILES[2])
    before = tmp_path / "before"
    assert run_cli(environment, "export", "--format", "eml", str(before)).returncode == 0
    part = next(data for data in (path.read_bytes() for path in before.iterdir()) if b"holiday videos" in data)
    # Dovecot's TOP n L of 1,000-octet lines, cut after the whole lines within 10 KB of body.
    body = len(part) - part.index(b"\r\n\r\n") - 4
    assert big.startswith(part) and part.endswith(b"\r\n") and 9 * 1024 < body <= 10 * 1024
    assert rows["first"]["size"] == len(wire_bytes(FILES[0]))
    completed = run_cli(environment, "complete", str(rows["holiday videos"]["id"]), "--password-stdin",
                        input_text="secret\n")
    assert completed.returncode == 0, completed.stderr
    exported = tmp_path / "export"
    assert run_cli(environment, "export", "--format", "eml", str(exported)).returncode == 0
    assert hashlib.sha256(big).digest() in {hashlib.sha256(path.read_bytes()).digest() for path in exported.iterdir()}
    assert dovecot.message_count_on_server("alice") == len(FILES)


def test_remote_list_sends_capa_list_and_uidl_in_one_write_against_dovecot(
        environment: dict[str, str], tmp_path: Path) -> None:
    log = tmp_path / "protocol.log"
    listed = remote(environment, "list", ACCOUNT, "--json", "--protocol-log", str(log))
    assert listed.returncode == 0, listed.stderr
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [row["subject"] for row in rows] == ["first", "会议通知", "holiday videos", "fourth"]
    assert all(row["uidl"] for row in rows)
    # The trace records a command when sent and a reply when read: three "C:" in a row after the
    # login reply went out before the first of their replies was read.
    entries = exchanges(log.read_text(encoding="utf-8"))
    login = next(index for index, entry in enumerate(entries) if entry.startswith("C: AUTH"))
    assert entries[login + 1].startswith("S: +OK")
    assert entries[login + 2:login + 5] == ["C: CAPA", "C: LIST", "C: UIDL"]
    assert "C: LIST 2" in entries  # Dovecot's CAPA after login keeps PIPELINING: the TOPs were pipelined
    assert pipelining_broken_at(environment) == [None]
