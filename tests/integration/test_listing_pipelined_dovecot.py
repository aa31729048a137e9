"""CAPA, LIST and UIDL after login in one write, against a real Dovecot (issue 12).

The trace records a command when it is sent and a reply when it is read, so three "C:" lines in a
row after the login prove that the three commands went out before the first reply was read.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fakes.certs import TestCertificates
from tests.fakes.dovecot import PrivateDovecot
from tests.integration.test_false_alarms_dovecot import pipelining_broken_at
from tests.integration.test_fetch_dovecot import (
    add_account,
    expected_digests,
    exported_digests,
    poplark,
)
from tests.integration.test_fetch_dovecot import environment as environment  # the fixture, re-used

pytestmark = pytest.mark.dovecot

FILES = [b"Subject: one\n\nfirst\n", b"Subject: two\n\n.dot line\n", b"Subject: three\n\nlast\n"]


def exchanges(trace: str) -> list[str]:
    """The "C: ..." and "S: ..." entries of a trace, without their times."""
    return [line.split(" ", 1)[1] for line in trace.splitlines()
            if line[:1].isdigit() and line.split(" ", 1)[1][:3] in ("C: ", "S: ")]


@pytest.mark.parametrize("security", ["none", "tls"])
def test_the_listing_after_login_is_pipelined_and_the_fetch_byte_exact(
        dovecot: PrivateDovecot, certificates: TestCertificates, environment: dict[str, str],
        tmp_path: Path, security: str) -> None:
    dovecot.deliver_many("alice", FILES)
    add_account(environment, dovecot, certificates, security, keep=False)

    first = poplark(environment, "fetch", "--protocol-log", str(tmp_path / "trace.log"))
    assert first.returncode == 0, first.stderr
    assert f"{len(FILES)} new message(s)" in first.stdout
    entries = exchanges((tmp_path / "trace.log").read_text(encoding="utf-8"))
    login = next(index for index, entry in enumerate(entries) if entry.startswith("C: AUTH"))
    assert entries[login + 1].startswith("S: +OK")  # the login reply is read before anything else goes out
    assert entries[login + 2:login + 5] == ["C: CAPA", "C: LIST", "C: UIDL"]
    assert "C: LIST 2" in entries  # Dovecot's CAPA after login keeps PIPELINING: the RETRs were pipelined
    assert pipelining_broken_at(environment) == [None]
    assert exported_digests(environment, tmp_path / "export") == expected_digests(FILES)
    assert dovecot.message_count_on_server("alice") == 0

    dovecot.deliver("alice", b"Subject: later\n\nhello\n")
    again = poplark(environment, "fetch")
    assert again.returncode == 0, again.stderr
    assert "1 new message(s)" in again.stdout
