"""The floors under issue 12's no-op and indexing targets: what the server, the interpreter and FTS5
leave for Poplark on this machine.

Run from the repository root::

    .venv/bin/python bench/floor_bench.py             # 9 alternated runs, 5,000 and 20,000 messages
    .venv/bin/python bench/floor_bench.py --quick     # smoke run: 500 and 2,000 messages, 3 runs

What it measures, with the mailboxes of ``bench/fetch_bench.py`` (the same generators and seeds)
on a private Dovecot, keep mode:

1. Start-up: ``python -c pass`` (the interpreter and its site packages) and ``python -c "import
   app.cli.fetching"`` (what a ``poplark fetch`` imports before it connects).
2. The no-op check of a kept mailbox whose every message is already stored, by three clients, each
   a process of its own, alternated:
   - mpop (its second run, with its UIDL file);
   - a minimal check written here that imports nothing of Poplark: connect, greeting, CAPA,
     AUTH PLAIN, CAPA+LIST+UIDL in one write, the listed UIDLs looked up in a set read from an
     SQLite file, QUIT. It is the least a Python client can do, so the time the target leaves
     for everything else is the target minus this;
   - ``poplark fetch`` (its second run).
3. Indexing the 5,000-message mailbox on one core (process CPU time): the text extraction alone
   (Poplark's own ``message_text`` and ``index_text``), and FTS5's inserts alone, in memory, in
   batches of 250, into the table exactly as the schema defines it and once more without its
   one-character prefix index.

Benchmarks report; they assert nothing about timings. Results go to
``bench/results/floor-<date>.json``.
"""

from __future__ import annotations

import argparse
import email.parser
import email.policy
import json
import re
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fetch_bench as fb  # the bench's mailboxes and clients; puts the repository on the path

from app.core.store import Store
from app.core.store.search import INDEX_READ_LIMIT, index_text, message_text
from tests.fakes.certs import make_test_certificates
from tests.fakes.dovecot import PrivateDovecot

FTS_BATCH = 250
SMALL_USER = "small"

#: Run as ``python -c`` with port, user, password and the SQLite file of known UIDLs.
MINIMAL_CHECK = r"""
import base64, socket, sqlite3, sys
port, user, password, database = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
connection = socket.create_connection(("127.0.0.1", port), timeout=60)
connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
replies = connection.makefile("rb", buffering=262144)
def status():
    line = replies.readline()
    if not line.startswith(b"+OK"):
        raise SystemExit(f"server said {line!r}")
def lines():
    status()
    found = []
    while (line := replies.readline()) != b".\r\n":
        found.append(line)
    return found
status()
connection.sendall(b"CAPA\r\n"); lines()
connection.sendall(b"AUTH PLAIN " + base64.b64encode(f"\0{user}\0{password}".encode()) + b"\r\n"); status()
connection.sendall(b"CAPA\r\nLIST\r\nUIDL\r\n"); lines(); lines()
listed = [line.split()[1] for line in lines()]
known = {uidl for (uidl,) in sqlite3.connect(database).execute("SELECT uidl FROM uids")}
new = [uidl for uidl in listed if uidl not in known]
connection.sendall(b"QUIT\r\n"); status()
print(b" ".join(new).decode() if sys.argv[5:] == ["--print-new"] else f"{len(listed)} listed, {len(new)} new")
"""


def seconds_of(command: list[str], *, input_text: str | None = None, cwd: Path | None = None) -> float:
    started = time.perf_counter()
    completed = subprocess.run(command, input=input_text, capture_output=True, text=True, cwd=cwd,
                               timeout=fb.FETCH_TIMEOUT_SECONDS, check=False)
    elapsed = time.perf_counter() - started
    if completed.returncode != 0:
        raise fb.BenchError(fb.describe_failure(command[0], completed))
    return elapsed


def summary(samples: list[float]) -> dict[str, float]:
    return {"median": statistics.median(samples), "min": min(samples), "max": max(samples)}


def known_uidl_file(directory: Path, port: int, user: str) -> Path:
    """An SQLite file with every UIDL the server lists, as a store that holds them all has."""
    database = directory / "uids.sqlite3"
    with sqlite3.connect(database) as connection:
        connection.execute("CREATE TABLE uids (uidl TEXT PRIMARY KEY) WITHOUT ROWID")
    listed = subprocess.run([sys.executable, "-c", MINIMAL_CHECK, str(port), user, fb.USERS[user], str(database),
                             "--print-new"], capture_output=True, text=True, check=False, timeout=60)
    if listed.returncode != 0:
        raise fb.BenchError(fb.describe_failure("the minimal check", listed))
    with sqlite3.connect(database) as connection:
        connection.executemany("INSERT OR IGNORE INTO uids VALUES (?)", [(uidl,) for uidl in listed.stdout.split()])
    return database


def no_op_checks(dovecot: PrivateDovecot, ca_file: Path, user: str, scratch: Path, runs: int) -> dict[str, object]:
    server = fb.Server(dovecot.pop3_port, "plain", user, True, ca_file)
    directory = Path(tempfile.mkdtemp(prefix=f"floor-{user}-", dir=scratch))
    known = known_uidl_file(directory, server.port, user)
    profile = directory / "poplark"
    fb.poplark_add_account(profile, server)
    fb.poplark_fetch(profile, server)
    fb.wait_for_poplark_processes(profile)
    clients: dict[str, Callable[[], float]] = {
        "minimal": lambda: seconds_of([sys.executable, "-c", MINIMAL_CHECK, str(server.port), user,
                                       fb.USERS[user], str(known)], cwd=directory),
        "poplark": lambda: seconds_of(fb.poplark_fetch_command(profile), input_text=fb.USERS[user] + "\n",
                                      cwd=fb.REPO_ROOT),
    }
    if fb.mpop_binary():
        mpop_directory = directory / "mpop"
        mpop_directory.mkdir()
        fb.mpop_fetch(mpop_directory, server)  # the first run downloads and writes its UIDL file
        config, _ = fb.write_mpop_config(mpop_directory, server)
        clients["mpop"] = lambda: seconds_of([str(fb.mpop_binary()), "-C", str(config), "-q", fb.ACCOUNT_NAME])
    samples: dict[str, list[float]] = {name: [] for name in clients}
    for run in range(runs):
        order = list(clients) if run % 2 == 0 else list(reversed(clients))
        for name in order:
            samples[name].append(clients[name]())
    return {name: summary(values) for name, values in samples.items()}


def start_up(runs: int) -> dict[str, object]:
    commands = {"interpreter": [sys.executable, "-c", "pass"],
                "poplark fetch imports": [sys.executable, "-c", "import app.cli, app.cli.fetching"]}
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            samples[name].append(seconds_of(command, cwd=fb.REPO_ROOT))
    return {name: summary(values) for name, values in samples.items()}


def index_rows(messages: list[bytes]) -> tuple[list[tuple[str, str, str]], float]:
    """The (subject, addresses, body) index text of each message, and the CPU seconds the body
    extraction took (the headers are read untimed: the fetch stores them for the list)."""
    parser = email.parser.BytesHeaderParser(policy=email.policy.default)
    wire = [message.replace(b"\n", b"\r\n") for message in messages]
    headers = [parser.parsebytes(raw) for raw in wire]
    started = time.process_time()
    bodies = [index_text(message_text(raw[:INDEX_READ_LIMIT])) for raw in wire]
    extraction = time.process_time() - started
    rows = [(index_text(str(header.get("Subject", ""))),
             index_text(f"{header.get('From', '')} {header.get('To', '')}"), body)
            for header, body in zip(headers, bodies, strict=True)]
    return rows, extraction


def fts_seconds(definition: str, hash_size: int, rows: list[tuple[str, str, str]]) -> float:
    connection = sqlite3.connect(":memory:", isolation_level=None)
    connection.execute(definition)
    connection.execute("INSERT INTO message_search (message_search, rank) VALUES ('hashsize', ?)", (hash_size,))
    started = time.process_time()
    for start in range(0, len(rows), FTS_BATCH):
        connection.execute("BEGIN")
        connection.executemany("INSERT INTO message_search (rowid, subject, addresses, body) VALUES (?, ?, ?, ?)",
                               [(start + offset + 1, *row) for offset, row in enumerate(rows[start:start + FTS_BATCH])])
        connection.execute("COMMIT")
    elapsed = time.process_time() - started
    connection.close()
    return elapsed


def indexing(messages: list[bytes], scratch: Path, runs: int) -> dict[str, object]:
    store = Store(scratch / "schema.sqlite3")  # the table as the migrations leave it
    definition = store.query("SELECT sql FROM sqlite_master WHERE name = 'message_search'").fetchone()[0]
    hash_size = int(store.query("SELECT v FROM message_search_config WHERE k = 'hashsize'").fetchone()[0])
    store.close()
    without_prefix = re.sub(r",\s*prefix\s*=\s*'1'", "", definition)
    if without_prefix == definition:
        raise fb.BenchError(f"cannot find the prefix option in {definition!r}")
    rows, extraction = index_rows(messages)
    variants = {"fts5 as defined": definition, "fts5 without the prefix index": without_prefix}
    samples: dict[str, list[float]] = {name: [] for name in variants}
    for run in range(runs):
        for name in (list(variants) if run % 2 == 0 else list(reversed(variants))):
            samples[name].append(fts_seconds(variants[name], hash_size, rows))
    result: dict[str, object] = {"messages": len(messages), "text extraction cpu s": extraction}
    for name, values in samples.items():
        result[f"{name} cpu s"] = summary(values)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--quick", action="store_true", help="500 and 2,000 messages, 3 runs")
    options = parser.parse_args()
    runs = 3 if options.quick else options.runs
    # `kill` as well as Ctrl-C: the finally blocks stop Dovecot and remove the temporary files.
    signal.signal(signal.SIGTERM, lambda number, frame: sys.exit(128 + number))
    count, small_count = (500, 2000) if options.quick else (5000, 20000)
    scratch = Path(tempfile.mkdtemp(prefix="poplark-floor-"))
    try:
        fb.use_private_bytecode_cache(scratch / "bytecode")
        mailbox = fb.generate_mailbox(count, count * 68 * fb.MB // 1000, fb.MAILBOX_SEED)  # 340 MB at 5,000
        small = fb.generate_tiny_mailbox(small_count, fb.MAILBOX_SEED + 2)
        users = {fb.KEEP_USER: fb.USERS[fb.KEEP_USER], SMALL_USER: "small-secret"}
        fb.USERS[SMALL_USER] = users[SMALL_USER]
        certificates = make_test_certificates(scratch / "certs")
        seconds_of([sys.executable, "-c", "import app.cli, app.cli.fetching"], cwd=fb.REPO_ROOT)  # bytecode
        results: dict[str, object] = {"when": datetime.now(UTC).isoformat(timespec="seconds"),
                                      "start-up s": start_up(runs)}
        with PrivateDovecot(scratch / "dovecot", cert_chain_pem=certificates.server_cert_chain_pem,
                            key_pem=certificates.server_key_pem, users=users) as dovecot:
            for user, box in ((fb.KEEP_USER, mailbox), (SMALL_USER, small)):
                dovecot.deliver_many(user, box.messages)
                fb.bare_fetch(dovecot.pop3_port, user, tls_context=None, delete=False)
                results[f"no-op check s, {len(box.messages)} messages"] = no_op_checks(
                    dovecot, certificates.ca_pem, user, scratch, runs)
        results["indexing"] = indexing(mailbox.messages, scratch, min(runs, 3))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(json.dumps(results, indent=2))
    output = fb.REPO_ROOT / "bench" / "results" / f"floor-{datetime.now(UTC):%Y-%m-%d}.json"
    if not options.quick:
        output.write_text(json.dumps(results, indent=2) + "\n")
        print(f"written to {output.relative_to(fb.REPO_ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
