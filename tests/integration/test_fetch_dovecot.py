"""End to end: the `poplark` command against a real Dovecot, with passwords in a real keyring.

The byte contract of a Maildir file served by Dovecot is in research/dovecot.md: what a correct
client stores is ``wire_bytes(file)``. Every test checks that through `export`, by SHA-256.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPOSITORY
from tests.fakes.certs import TestCertificates
from tests.fakes.dovecot import PrivateDovecot, wire_bytes

pytestmark = pytest.mark.dovecot

FILES = [
    b"From: Bob <bob@example.org>\nTo: alice@example.org\nSubject: dots\n\n.hidden\n..two\n.\nend\n",
    (b"From: =?gb2312?B?1cXI/Q==?= <zhang@example.cn>\r\nSubject: =?gb2312?B?u+HS6c2o1qo=?=\r\n\r\n"
     b"nul:\x00:end\r\n" + "中文邮件正文".encode("gbk") + b"\r\n"),
    b"From: dave@example.org\nSubject: tail\n\nno newline at the end",
    b"Subject: long line\n\n" + b"z" * (1024 * 1024) + b"\n",
    b"Subject: bare CR\n\none\rtwo\n",
]


def poplark(environment: dict[str, str], *arguments: str, input_text: str | None = None,
            ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "app", *arguments], env=environment, input=input_text,
                          capture_output=True, text=True, timeout=120, cwd=REPOSITORY)


@pytest.fixture
def environment(tmp_path: Path, secret_service: dict[str, str]) -> dict[str, str]:
    """A private profile; passwords go to the real gnome-keyring of the secret_service fixture."""
    return dict(secret_service, POPLARK_HOME=str(tmp_path / "profile"),
                PYTHON_KEYRING_BACKEND="keyring.backends.SecretService.Keyring",
                PYTHONPATH=str(REPOSITORY) + os.pathsep + os.environ.get("PYTHONPATH", ""))


def add_account(environment: dict[str, str], dovecot: PrivateDovecot, certificates: TestCertificates,
                security: str, *, user: str = "alice", password: str = "secret", keep: bool,
                name: str = "dovecot") -> None:
    port = dovecot.pop3s_port if security == "tls" else dovecot.pop3_port
    options = ["--ca-file", str(certificates.ca_pem)]
    if security == "none":
        options.append("--allow-insecure-auth")
    if keep:
        options.append("--leave-on-server")
    result = poplark(environment, "account", "add", name, "--host", "localhost", "--port", str(port),
                     "--security", security, "--user", user, "--password-stdin", *options,
                     input_text=password + "\n")
    assert result.returncode == 0, result.stderr


def exported_digests(environment: dict[str, str], directory: Path) -> list[str]:
    result = poplark(environment, "export", "--format", "eml", str(directory))
    assert result.returncode == 0, result.stderr
    return sorted(hashlib.sha256(path.read_bytes()).hexdigest() for path in directory.iterdir())


def expected_digests(files: list[bytes]) -> list[str]:
    return sorted(hashlib.sha256(wire_bytes(file)).hexdigest() for file in files)


@pytest.mark.parametrize("keep", [True, False], ids=["keep", "delete"])
@pytest.mark.parametrize("security", ["none", "starttls", "tls"])
def test_fetch_is_byte_exact_and_a_rerun_fetches_nothing(
        dovecot: PrivateDovecot, certificates: TestCertificates, environment: dict[str, str],
        tmp_path: Path, security: str, keep: bool) -> None:
    dovecot.deliver_many("alice", FILES)
    add_account(environment, dovecot, certificates, security, keep=keep)

    first = poplark(environment, "fetch")
    assert first.returncode == 0, first.stderr
    assert f"{len(FILES)} new message(s)" in first.stdout
    assert exported_digests(environment, tmp_path / "export") == expected_digests(FILES)
    assert dovecot.message_count_on_server("alice") == (len(FILES) if keep else 0)

    again = poplark(environment, "fetch")
    assert again.returncode == 0, again.stderr
    assert "0 new message(s)" in again.stdout

    late = b"Subject: arrived later\n\nhello\n"
    dovecot.deliver("alice", late)
    third = poplark(environment, "fetch")
    assert "1 new message(s)" in third.stdout, third.stderr
    assert exported_digests(environment, tmp_path / "export-2") == expected_digests([*FILES, late])
    assert dovecot.message_count_on_server("alice") == (len(FILES) + 1 if keep else 0)


def test_list_json_decodes_what_dovecot_served(dovecot: PrivateDovecot, certificates: TestCertificates,
                                               environment: dict[str, str]) -> None:
    import json

    dovecot.deliver_many("alice", FILES[:2])
    add_account(environment, dovecot, certificates, "tls", keep=True)
    assert poplark(environment, "fetch").returncode == 0
    rows = [json.loads(line) for line in poplark(environment, "list", "--json").stdout.splitlines()]
    assert sorted(row["subject"] for row in rows) == ["dots", "会议通知"]
    assert {row["sha256"] for row in rows} == set(expected_digests(FILES[:2]))


def test_non_ascii_password_and_wrong_password(dovecot: PrivateDovecot, certificates: TestCertificates,
                                               environment: dict[str, str]) -> None:
    dovecot.deliver("bob", FILES[0])
    add_account(environment, dovecot, certificates, "tls", user="bob", password="pässwörd-密码", keep=True)
    ok = poplark(environment, "fetch")
    assert "1 new message(s)" in ok.stdout, ok.stderr
    add_account(environment, dovecot, certificates, "tls", user="bob", password="wrong", keep=True, name="bad")
    failed = poplark(environment, "fetch", "bad")
    assert failed.returncode == 1
    assert "login failed" in failed.stderr


def test_account_test_reports_the_real_server(dovecot: PrivateDovecot, certificates: TestCertificates,
                                              environment: dict[str, str]) -> None:
    add_account(environment, dovecot, certificates, "starttls", keep=True)
    result = poplark(environment, "account", "test", "dovecot")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Login: OK" in result.stdout
    assert "PIPELINING: yes" in result.stdout
    assert "TLSv1.3" in result.stdout or "TLSv1.2" in result.stdout
    assert "Implementation" in result.stdout or "Capabilities" in result.stdout


def test_kill_during_fetch_then_rerun_against_dovecot(dovecot: PrivateDovecot, certificates: TestCertificates,
                                                      environment: dict[str, str], tmp_path: Path) -> None:
    import signal

    # About 60 MB: the first group commit (16 MB) comes well before the end of the download.
    files = [b"Subject: bulk %d\n\n" % index + b"line of text, line of text\n" * (1000 + index % 300)
             for index in range(2000)]
    dovecot.deliver_many("alice", files)
    add_account(environment, dovecot, certificates, "tls", keep=False)
    process = subprocess.Popen([sys.executable, "-m", "app", "fetch"], env=environment, cwd=REPOSITORY,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    database = Path(environment["POPLARK_HOME"]) / "poplark.sqlite3"
    # Kill once the first group commit is visible, i.e. in the middle of the download.
    deadline_reached = not _wait_for(lambda: _stored_count(database) > 0, seconds=60)
    process.send_signal(signal.SIGKILL)
    process.wait(30)
    assert not deadline_reached
    stored_at_kill = _stored_count(database)
    assert 0 < stored_at_kill < len(files), "the kill should land in the middle of the download"
    assert dovecot.message_count_on_server("alice") == len(files)  # nothing deleted by the killed run
    rerun = poplark(environment, "fetch")
    assert rerun.returncode == 0, rerun.stderr
    assert exported_digests(environment, tmp_path / "export") == expected_digests(files)
    assert dovecot.message_count_on_server("alice") == 0


def _stored_count(database: Path) -> int:
    import sqlite3

    if not database.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=1) as connection:
            return int(connection.execute("SELECT count(*) FROM messages").fetchone()[0])
    except sqlite3.Error:
        return 0


def _wait_for(condition: object, *, seconds: float) -> bool:
    import threading
    import time

    assert callable(condition)
    deadline = time.monotonic() + seconds
    pause = threading.Event()
    while time.monotonic() < deadline:
        if condition():
            return True
        pause.wait(0.005)
    return False
