"""Remote mailbox benchmark: how long ``poplark remote list`` takes for a mailbox of 5,000 messages.

Run from the repository root (needs ``dovecot-pop3d`` and the test extras, as fetch_bench.py)::

    .venv/bin/python bench/remote_bench.py                 # 5,000 messages, 3 runs
    .venv/bin/python bench/remote_bench.py --messages 300 --runs 1    # smoke run
    .venv/bin/python bench/remote_bench.py --messages 200 --runs 5 --pipelined-only

A private Dovecot (tests/fakes/dovecot.py) gets ``--messages`` small messages (2-12 KB, realistic
headers, every fifth subject in RFC 2047 Chinese). Over implicit TLS on loopback, it times:

- ``list_remote`` in this process: LIST, UIDL and one ``TOP n 0`` per message, pipelined, each
  header block decoded; then the same with pipelining off (one round trip per TOP);
- both again through a proxy that holds each chunk ``--latency-ms`` (default 10 ms each way, a
  20 ms round trip), where pipelining is what keeps 5,000 messages at seconds, not minutes;
- ``poplark remote list NAME --json`` as a whole process (start-up included), on loopback.

``--pipelined-only`` skips the one-at-a-time series (minutes over the proxy with thousands of
messages), for comparing two versions of the pipelined session alternately.

It prints the medians and writes them to ``bench/results/remote-<date>.json``. Benchmarks report;
they assert nothing about timings.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from app.core.model import Account, LeaveMode, Security, ServerPolicy  # noqa: E402
from app.core.remote.listing import list_remote  # noqa: E402
from app.core.store import Profile, Store  # noqa: E402
from tests.fakes.certs import make_test_certificates  # noqa: E402
from tests.fakes.dovecot import PrivateDovecot  # noqa: E402
from tests.fakes.fault_proxy import ConnectionFaults, FaultProxy  # noqa: E402

PASSWORD = "secret"
ACCOUNT = "bench"


def make_message(number: int, rng: random.Random) -> bytes:
    subject = f"=?UTF-8?B?5Lya6K6u6YCa55+lIHt7fX0=?= {number}" if number % 5 == 0 else f"report {number}"
    sent = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(minutes=number)
    header = (f"Return-Path: <sender{number}@example.com>\nReceived: from mx.example.com by pop.example.org; "
              f"{format_datetime(sent)}\nFrom: Sender {number} <sender{number}@example.com>\n"
              f"To: alice@example.org\nSubject: {subject}\nDate: {format_datetime(sent)}\n"
              f"Message-ID: <{number}.{rng.getrandbits(48):012x}@bench.example>\nMIME-Version: 1.0\n"
              "Content-Type: text/plain; charset=utf-8\n\n")
    body = "".join(f"line {index} of message {number} " + "x" * rng.randint(20, 70) + "\n"
                   for index in range(rng.randint(20, 140)))
    return (header + body).encode("utf-8")


def time_listing(store: Store, profile: Profile, account: Account, runs: int) -> tuple[list[float], int]:
    seconds: list[float] = []
    count = 0
    for _ in range(runs):
        started = time.perf_counter()
        listing = list_remote(store, profile.lock_directory, account, PASSWORD)
        seconds.append(time.perf_counter() - started)
        count = sum(1 for message in listing.messages if message.headers_read)
    return seconds, count


def time_command(profile: Profile, runs: int) -> list[float]:
    environment = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    seconds: list[float] = []
    for _ in range(runs):
        started = time.perf_counter()
        completed = subprocess.run([sys.executable, "-m", "app", "--profile", str(profile.directory), "remote", "list",
                                    ACCOUNT, "--json", "--password-stdin"], input=PASSWORD + "\n", env=environment,
                                   capture_output=True, text=True, timeout=600, cwd=REPO_ROOT, check=False)
        seconds.append(time.perf_counter() - started)
        if completed.returncode != 0:
            print(f"poplark remote list failed: {completed.stderr}", file=sys.stderr)
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--latency-ms", type=float, default=10.0, help="added in each direction (0 skips it)")
    parser.add_argument("--pipelined-only", action="store_true", help="skip the one-at-a-time series")
    parser.add_argument("--output", type=Path)
    options = parser.parse_args()
    rng = random.Random(18)
    results: dict[str, object] = {"messages": options.messages, "runs": options.runs}
    with tempfile.TemporaryDirectory(prefix="poplark-remote-bench-") as scratch:
        base = Path(scratch)
        certificates = make_test_certificates(base / "certs")
        dovecot = PrivateDovecot(base / "dovecot", cert_chain_pem=certificates.server_cert_chain_pem,
                                 key_pem=certificates.server_key_pem, users={"alice": PASSWORD})
        dovecot.start()
        try:
            dovecot.deliver_many("alice", [make_message(number, rng) for number in range(1, options.messages + 1)])
            profile = Profile(base / "profile").ensure()
            with Store.open(profile) as store:
                account = store.add_account(Account(
                    name=ACCOUNT, host="localhost", port=dovecot.pop3s_port, security=Security.TLS, user="alice",
                    policy=ServerPolicy(LeaveMode.KEEP_FOREVER), ca_file=str(certificates.ca_pem),
                    remember_password=False))
                list_remote(store, profile.lock_directory, account, PASSWORD)  # untimed: Dovecot builds its index
                series = {"pipelined": account, "one at a time": replace(account, pipelining=False)}
                if options.pipelined_only:
                    del series["one at a time"]
                for name, chosen in series.items():
                    seconds, shown = time_listing(store, profile, chosen, options.runs)
                    results[f"loopback, {name}"] = {"seconds": seconds, "headers_shown": shown}
                if options.latency_ms:
                    with FaultProxy(dovecot.pop3s_port) as proxy:
                        proxy.set_faults(ConnectionFaults(latency_seconds=options.latency_ms / 1000))
                        for name, chosen in series.items():
                            seconds, shown = time_listing(store, profile, replace(chosen, port=proxy.port),
                                                          options.runs)
                            results[f"{2 * options.latency_ms:g} ms round trip, {name}"] = {
                                "seconds": seconds, "headers_shown": shown}
            results["poplark remote list --json (process)"] = {"seconds": time_command(profile, options.runs)}
        finally:
            dovecot.stop()
    for name, value in results.items():
        if isinstance(value, dict):
            seconds = value["seconds"]
            print(f"{name}: median {statistics.median(seconds):.2f} s over {len(seconds)} run(s)")
    output = options.output or REPO_ROOT / "bench" / "results" / f"remote-{datetime.now():%Y-%m-%d}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"results: {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
