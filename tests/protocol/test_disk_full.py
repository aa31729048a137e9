"""The disk fills up during a fetch: a clear error, no DELE for unsaved mail, and a clean retry.

The profile folder is a small tmpfs mounted for the test (root only; CI runs as root, so there a
missing mount is a failure, elsewhere a skip). The server holds more mail than fits. The fetch must
stop with "the disk is full ... (nothing was lost)", the server must have seen DELE only for
messages already committed, and the database must pass ``PRAGMA integrity_check``. After the
tmpfs is made bigger, the next fetch completes: every message stored exactly once, byte-exact, and
the server empty (delete-after-download).
"""

from __future__ import annotations

import collections
import hashlib
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.cli import EXIT_FAILED
from app.core.store.profile import DATABASE_FILE_NAME
from tests.conftest import run_cli, skip_or_fail
from tests.fakes.certs import TestCertificates
from tests.fakes.pop3_server import DEFAULT_PASSWORD, FakePop3Server, Faults

ACCOUNT = "full"
SMALL_DISK = "2m"
BIG_DISK = "64m"
MESSAGE_COUNT = 60
MESSAGE_OCTETS = 50_000  # 60 x 50 KB = 3 MB: more than the small disk holds
# The engine commits a group about every second; a slow RETR spreads the download over a few
# seconds so that some groups are committed (and may be DELE'd) before the disk fills.
SLOW_RETR = Faults(slow_reply_seconds=0.05, slow_verbs={"RETR"})
CLI_TIMEOUT_SECONDS = 120.0

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="tmpfs mounts are a Linux matter")


def message(number: int, rng: random.Random) -> bytes:
    header = (f"From: sender{number}@example.com\r\nTo: alice@example.com\r\n"
              f"Subject: disk full {number}\r\n\r\n").encode("ascii")
    body = rng.randbytes(MESSAGE_OCTETS * 3 // 4).hex()[:MESSAGE_OCTETS]  # incompressible text
    lines = [body[index:index + 76] for index in range(0, len(body), 76)]
    return header + "".join(line + "\r\n" for line in lines).encode("ascii")


def mount(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["mount", *arguments], capture_output=True, text=True, timeout=30)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MB tmpfs; unmounted afterwards whatever happens."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or shutil.which("mount") is None:
        skip_or_fail("mounting a small tmpfs needs root and mount(8)")
    directory = tmp_path / "small-disk"
    directory.mkdir()
    mounted = mount("-t", "tmpfs", "-o", f"size={SMALL_DISK},mode=0700", "tmpfs", str(directory))
    if mounted.returncode != 0:
        skip_or_fail(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield directory
    finally:
        result = subprocess.run(["umount", str(directory)], capture_output=True, text=True, timeout=30)
        if result.returncode != 0:
            subprocess.run(["umount", "-l", str(directory)], capture_output=True, timeout=30)


def stored_rows(environment: dict[str, str]) -> list[dict[str, object]]:
    result = run_cli(environment, "list", "--json", "--account", ACCOUNT, timeout=CLI_TIMEOUT_SECONDS)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def integrity(database: Path) -> str:
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        connection.close()


def deleted_numbers(server: FakePop3Server) -> list[int]:
    with server.mailbox.lock:
        return [int(line.split()[1]) for session in server.mailbox.commands for line in session
                if line.upper().startswith("DELE ")]


def test_disk_full_stops_the_fetch_cleanly_and_the_next_fetch_completes(
        small_disk: Path, cli_environment: dict[str, str], certificates: TestCertificates) -> None:
    environment = dict(cli_environment, POPLARK_HOME=str(small_disk / "profile"))
    rng = random.Random(5)
    originals = [message(number, rng) for number in range(MESSAGE_COUNT)]
    server = FakePop3Server(originals, mode="tls", ssl_context=certificates.server_context(), faults=SLOW_RETR)
    with server:
        listing = server.mailbox.current_uidls()  # the maildrop order: DELE n names listing[n - 1]
        by_uidl = dict(zip(listing, originals, strict=True))
        added = run_cli(environment, "account", "add", ACCOUNT, "--host", "127.0.0.1",
                        "--port", str(server.address[1]), "--security", "tls", "--user", "alice",
                        "--ca-file", str(certificates.ca_pem), "--password-stdin",
                        input_text=DEFAULT_PASSWORD + "\n", timeout=CLI_TIMEOUT_SECONDS)
        assert added.returncode == 0, added.stderr

        failed = run_cli(environment, "fetch", ACCOUNT, "--quiet", timeout=CLI_TIMEOUT_SECONDS)

        assert server.wait_until_idle(30)
        assert failed.returncode == EXIT_FAILED, failed.stdout + failed.stderr
        assert "disk is full" in failed.stderr and "nothing was lost" in failed.stderr, failed.stderr
        assert "Traceback" not in failed.stderr
        database = small_disk / "profile" / DATABASE_FILE_NAME
        assert integrity(database) == "ok"
        stored_after_failure = {str(row["uidl"]) for row in stored_rows(environment)}
        assert 0 < len(stored_after_failure) < MESSAGE_COUNT, "the disk was meant to fill up midway"
        dele_sent_for = {listing[number - 1] for number in deleted_numbers(server)}
        assert dele_sent_for <= stored_after_failure, "DELE went out for a message that was not saved"
        assert set(server.mailbox.current_uidls()) >= set(listing) - stored_after_failure

        grown = mount("-o", f"remount,size={BIG_DISK}", str(small_disk))
        assert grown.returncode == 0, grown.stderr
        again = run_cli(environment, "fetch", ACCOUNT, "--quiet", timeout=CLI_TIMEOUT_SECONDS)
        assert again.returncode == 0, again.stderr
        assert server.wait_until_idle(30)
        remaining = server.mailbox.current_uidls()

    assert remaining == []
    assert integrity(database) == "ok"
    rows = stored_rows(environment)
    assert collections.Counter(str(row["uidl"]) for row in rows) == collections.Counter(listing)
    for row in rows:
        assert row["sha256"] == hashlib.sha256(by_uidl[str(row["uidl"])]).hexdigest()
    print(f"\ndisk full: {len(stored_after_failure)} of {MESSAGE_COUNT} stored before the disk filled, "
          f"{len(dele_sent_for)} DELE sent for them; after more space: {len(rows)} stored once each")
