"""Identical messages side by side, fetched with pipelining from a real Dovecot (issue 12).

A list post that arrives twice is two byte-identical Maildir files next to each other. A pipelined
fetch must store both, exit 0, keep pipelining on and fetch nothing on the rerun.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.fakes.certs import TestCertificates
from tests.fakes.dovecot import PrivateDovecot
from tests.integration.test_fetch_dovecot import (
    add_account,
    expected_digests,
    exported_digests,
    poplark,
)
from tests.integration.test_fetch_dovecot import environment as environment  # the fixture, re-used

pytestmark = pytest.mark.dovecot

POST = b"From: list@example.org\nTo: alice@example.org\nSubject: twice\nMessage-ID: <post@example.org>\n\nhi\n"


def pipelining_broken_at(environment: dict[str, str]) -> list[object]:
    database = Path(environment["POPLARK_HOME"]) / "poplark.sqlite3"
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5) as connection:
        return [row[0] for row in connection.execute("SELECT pipelining_broken_at FROM accounts")]


@pytest.mark.parametrize("keep", [True, False], ids=["keep", "delete"])
@pytest.mark.parametrize("security", ["none", "tls"])
def test_identical_messages_side_by_side_are_fetched_with_pipelining(
        dovecot: PrivateDovecot, certificates: TestCertificates, environment: dict[str, str],
        tmp_path: Path, security: str, keep: bool) -> None:
    files = [b"Subject: before\n\nfirst\n", POST, POST, POST, b"Subject: after\n\nlast\n", POST]
    dovecot.deliver_many("alice", files)
    add_account(environment, dovecot, certificates, security, keep=keep)

    first = poplark(environment, "fetch", "--protocol-log", str(tmp_path / "trace.log"))
    assert first.returncode == 0, first.stderr
    assert f"{len(files)} new message(s)" in first.stdout
    assert "out of step" not in first.stderr and "warning" not in first.stderr
    trace = (tmp_path / "trace.log").read_text(encoding="utf-8")
    assert "C: LIST 2" in trace  # it did pipeline, with a sentinel after each RETR
    assert pipelining_broken_at(environment) == [None]
    assert exported_digests(environment, tmp_path / "export") == expected_digests(files)
    assert dovecot.message_count_on_server("alice") == (len(files) if keep else 0)

    again = poplark(environment, "fetch")
    assert again.returncode == 0, again.stderr
    assert "0 new message(s)" in again.stdout
