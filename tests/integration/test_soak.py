"""Flaky-network soak: many fetch sessions through a fault-injecting proxy to a real Dovecot.

Each session of the real engine suffers faults drawn from a seeded generator (a cut at a random
byte in either direction, sometimes as a TCP reset; a stall longer than the read timeout; latency
with a bandwidth limit), in delete-after-download mode over TLS and in keep mode over STARTTLS.
Then clean sessions finish, and the user's questions are asked: is every message here exactly
once, byte for byte as Dovecot serves it; is the server empty (delete) or untouched (keep); is the
database sound; and did every failed session fail with the error vocabulary?

Bounded: about 300 messages (6 MB), at most 45 faulted sessions per mode and a time budget, so
the whole file takes well under a minute. The larger soak is bench/soak_bench.py. Set
POPLARK_SOAK_SEED to replay a failure; the seed is in every failure message.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.core.model import LeaveMode, Security, ServerPolicy
from tests.fakes.certs import TestCertificates
from tests.fakes.dovecot import PrivateDovecot
from tests.fakes.soak import SoakSettings, run_soak, soak_mailbox

pytestmark = pytest.mark.dovecot

SEED = int(os.environ.get("POPLARK_SOAK_SEED", "20261126"))
MESSAGE_COUNT = 300
SESSIONS = 45
#: Faulted sessions stop being started after this long; the clean ones at the end still run.
TIME_BUDGET_SECONDS = 20.0


# Keep mode over STARTTLS rather than plain text: Dovecot 2.3 leaves a plain-text session stuck
# when its client vanishes in the middle of a long LIST or UIDL reply, and after ten of those it
# refuses every login (docs/reliability.md, "Known limits"); that would test Dovecot, not Poplark.
@pytest.mark.parametrize(("mode", "security"), [("delete", Security.TLS), ("keep", Security.STARTTLS)],
                         ids=["delete-tls", "keep-starttls"])
def test_soak_stores_every_message_exactly_once_byte_exact(
        dovecot: PrivateDovecot, certificates: TestCertificates, tmp_path: Path, mode: str,
        security: Security) -> None:
    seed = SEED + (0 if mode == "delete" else 1)
    files = soak_mailbox(seed, MESSAGE_COUNT)
    policy = ServerPolicy(LeaveMode.DELETE_AFTER_DOWNLOAD if mode == "delete" else LeaveMode.KEEP_FOREVER)
    settings = SoakSettings(seed=seed, sessions=SESSIONS, timeout_seconds=1.0, stall_seconds=1.6,
                            time_budget_seconds=TIME_BUDGET_SECONDS)

    result = run_soak(dovecot, "alice", "secret", files, tmp_path, settings, policy=policy,
                      security=security, ca_file=str(certificates.ca_pem))
    report = result.describe()
    print(report)  # shown with -s, and by pytest on failure

    assert result.unexpected == [], report
    assert result.final_error == "", report
    assert (result.losses, result.duplicates, result.mismatches) == (0, 0, 0), report
    assert result.stored == MESSAGE_COUNT, report
    assert result.left_on_server == (0 if mode == "delete" else MESSAGE_COUNT), report
    assert result.integrity == "ok", report
    # The soak must actually have shaken something: faults happened and sessions failed.
    assert result.cuts >= 5 and result.stalls >= 1, report
    assert sum(result.failures.values()) >= 5, report
    assert result.passed, report
