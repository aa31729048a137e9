"""Flaky-network soak, the large one: many fetch sessions through the fault proxy to a private Dovecot.

Run from the repository root::

    .venv/bin/python bench/soak_bench.py                          # 1,000 messages, 300 sessions per mode
    .venv/bin/python bench/soak_bench.py --messages 300 --sessions 60   # a quick one

For each mode (delete after download, over implicit TLS; keep on server, over STARTTLS) it
delivers a seeded mailbox of mixed messages (tiny to a few hundred KB, multipart, dot-lines, CJK)
to a private Dovecot in waves, runs ``--sessions`` sessions of the real fetch engine through
``tests/fakes/fault_proxy.py`` with faults drawn from the seed (cuts at a random byte in either
direction, some as TCP resets; stalls longer than the read timeout; latency with a bandwidth
limit; some clean sessions), then clean sessions until one succeeds, and checks: every message
stored exactly once and byte-exact (SHA-256 against what Dovecot serves), the server empty in
delete mode and untouched in keep mode, ``PRAGMA integrity_check`` ok, and no session ended in an
exception outside the error vocabulary. The same logic runs, smaller, in tests/integration/test_soak.py.

It prints sessions, faults injected, messages, losses, duplicates, byte mismatches and the time,
writes JSON to ``bench/results/soak-<date>.json``, and exits 1 (printing the seed) when any check
fails. Everything runs on loopback; Dovecot and the temporary folders are removed at the end.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import sys
import tempfile
import time
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from app.core.model import LeaveMode, Security, ServerPolicy  # noqa: E402
from tests.fakes.certs import make_test_certificates  # noqa: E402
from tests.fakes.dovecot import PrivateDovecot  # noqa: E402
from tests.fakes.soak import SoakResult, SoakSettings, run_soak, soak_mailbox  # noqa: E402

MODES = {
    "delete": (ServerPolicy(LeaveMode.DELETE_AFTER_DOWNLOAD), Security.TLS),
    # Over STARTTLS, not plain text: Dovecot 2.3 leaves a plain-text pop3 process stuck when the
    # client vanishes in the middle of a long LIST or UIDL reply, and after ten of those refuses
    # every login with [IN-USE] (see docs/reliability.md, "Known limits"). --keep-security plain
    # shows it.
    "keep": (ServerPolicy(LeaveMode.KEEP_FOREVER), Security.STARTTLS),
}
PASSWORD = "soak-password"


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Flaky-network soak of the fetch engine against a private Dovecot.")
    parser.add_argument("--messages", type=int, default=1000, help="messages per mode (default 1000)")
    parser.add_argument("--sessions", type=int, default=300, help="faulted sessions per mode (default 300)")
    parser.add_argument("--seed", type=int, default=20261126, help="seed of the mailbox and the faults")
    parser.add_argument("--modes", default="delete,keep", help="comma-separated: delete (TLS), keep (STARTTLS)")
    parser.add_argument("--timeout", type=float, default=1.0, help="the account's read timeout in faulted sessions")
    parser.add_argument("--stall-seconds", type=float, default=1.6, help="how long a stall lasts (> --timeout)")
    parser.add_argument("--keep-security", choices=[item.value for item in Security], default="starttls",
                        help="security of the keep-mode soak (default starttls)")
    parser.add_argument("--large-kib", type=int, default=250, help="largest attachment, KiB")
    parser.add_argument("--output", type=Path, help="JSON file (default bench/results/soak-<date>.json)")
    arguments = parser.parse_args(argv)
    if arguments.stall_seconds <= arguments.timeout:
        parser.error("--stall-seconds must be longer than --timeout, or stalls prove nothing")
    unknown = set(arguments.modes.split(",")) - set(MODES)
    if unknown:
        parser.error(f"unknown mode(s): {', '.join(sorted(unknown))}")
    return arguments


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    scratch = Path(tempfile.mkdtemp(prefix="poplark-soak-"))
    results: list[SoakResult] = []
    started = time.monotonic()
    try:
        certificates = make_test_certificates(scratch / "certs")
        users = {mode: PASSWORD for mode in arguments.modes.split(",")}
        with PrivateDovecot(scratch / "dovecot", cert_chain_pem=certificates.server_cert_chain_pem,
                            key_pem=certificates.server_key_pem, users=users) as dovecot:
            for offset, mode in enumerate(arguments.modes.split(",")):
                seed = arguments.seed + offset
                policy, security = MODES[mode]
                if mode == "keep":
                    security = Security(arguments.keep_security)
                files = soak_mailbox(seed, arguments.messages, large_kib=arguments.large_kib)
                settings = SoakSettings(seed=seed, sessions=arguments.sessions, timeout_seconds=arguments.timeout,
                                        stall_seconds=arguments.stall_seconds)
                print(f"{mode}: {len(files)} messages, {arguments.sessions} faulted sessions, seed {seed}",
                      flush=True)
                result = run_soak(dovecot, mode, PASSWORD, files, scratch / mode, settings, policy=policy,
                                  security=security, ca_file=str(certificates.ca_pem),
                                  progress=lambda text: print(f"  {text}", flush=True))
                results.append(result)
                print(result.describe(), flush=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    elapsed = time.monotonic() - started
    print_table(results, elapsed)
    write_json(arguments, results, elapsed)
    failed = [result for result in results if not result.passed]
    for result in failed:
        print(f"SOAK FAILED: seed {result.seed} ({result.mode} mode); replay with --seed {arguments.seed} "
              f"--modes {result.mode} (the seed of mode number n is --seed + n)", file=sys.stderr)
        for line in result.log[-60:]:
            print(f"  {line}", file=sys.stderr)
    return 1 if failed else 0


def print_table(results: list[SoakResult], elapsed: float) -> None:
    print()
    print("| mode | security | messages | MB on the wire | sessions | failed sessions | cuts | stalls | slow "
          "| losses | duplicates | byte mismatches | left on server | integrity | [IN-USE] back-off s | seconds |")
    print("| --- | --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: "
          "| ---: |")
    for result in results:
        failures = ", ".join(f"{name} {count}" for name, count in sorted(result.failures.items()))
        print(f"| {result.mode} | {result.security} | {result.messages} | {result.wire_bytes / 1e6:.1f} "
              f"| {result.sessions_run} | {failures} | {result.cuts} | {result.stalls} | {result.slow_sessions} "
              f"| {result.losses} | {result.duplicates} | {result.mismatches} | {result.left_on_server} "
              f"| {result.integrity} | {result.busy_wait_seconds:.0f} | {result.elapsed_seconds:.1f} |")
    print(f"\nTotal {elapsed:.1f} s; unexpected exceptions: {sum(len(result.unexpected) for result in results)}")


def write_json(arguments: argparse.Namespace, results: list[SoakResult], elapsed: float) -> None:
    output = arguments.output or REPO_ROOT / "bench" / "results" / f"soak-{datetime.now(UTC):%Y-%m-%d}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "command": " ".join(["bench/soak_bench.py", *sys.argv[1:]]),
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "system": platform.platform()},
        "elapsed_seconds": round(elapsed, 1),
        "results": [{**{key: value for key, value in asdict(result).items() if key != "log"},
                     "failures": dict(result.failures), "passed": result.passed} for result in results],
    }
    output.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    print(f"JSON: {output.relative_to(REPO_ROOT) if output.is_relative_to(REPO_ROOT) else output}")


if __name__ == "__main__":
    sys.exit(main())
