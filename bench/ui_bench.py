"""UI benchmark: start-up, the message list model and scrolling over a 100,000-message store.

Run from the repository root::

    .venv/bin/python bench/ui_bench.py                         # 100,000 messages, 5 runs
    .venv/bin/python bench/ui_bench.py --profile /tmp/big      # build once, reuse on later runs
    .venv/bin/python bench/ui_bench.py --quick                 # smoke run: 5,000 messages, 3 runs

What it measures, all with ``QT_QPA_PLATFORM=offscreen``:

1. **Store.** Builds (or reuses, when ``--profile`` already holds a store of the right size) a
   profile with two accounts and ``--messages`` messages by direct ``executemany`` into
   ``messages``/``message_raw``/``server_uids``: the fetch path parses every message and would
   take minutes. Each raw message is a real small RFC 5322 message; its size and SHA-256 are the
   stored ones, as the store's invariants require. About 5 % are in Trash, 70 % seen.
2. **Launch.** ``python -m app --profile DIR`` with ``POPLARK_QUIT_AFTER_SHOW=1``: wall time from
   process start to exit right after the main window is shown (so the exit is included), one
   untimed warm-up, then the median of ``--runs``; the same against an empty profile shows what
   the store adds.
3. **Model.** In this process: ``InboxModel(store)`` + ``set_folder(None, Inbox)`` (the id query,
   the unified inbox, the biggest list) + ``data()`` of the first 50 rows in every column for the
   display and font roles, as a view's first paint asks. First run and median of ``--runs``
   (each with a new model, so no summary cache is shared). Also: ``sort()`` per column and order,
   ``refresh()``, and ``add_new_messages()`` of one new newest message (rolled back afterwards).
4. **Scrolling.** A ``QTableView`` of 1000x700 over the model, shown offscreen; the vertical scroll
   bar moves one page at a time from top to bottom, each step followed by a synchronous
   ``viewport().repaint()`` and ``processEvents()``. One frame = one step, and every step shows
   only rows not on screen before, so each frame paints the whole viewport (a wheel step of three
   rows repaints far less). Also 300 random jumps (each lands on a page not read yet, so it pays
   for a query). Median, 95th percentile and worst frame in ms, both wall time and this thread's
   CPU time (the CPU time is steadier on a busy machine), and the cells the view asked the model
   for per frame (proof that rows were really painted).

5. **Search.** Indexes every message not indexed yet with ``index_pending`` (timed once, when the
   store is new: messages per second), then times ``Store.message_ids(..., text=...)``, the call
   the search box makes, for a Chinese 2-character word, an English word, an address, a prefix
   still being typed and a rarer name, over all accounts and over one account. First run,
   median of ``--runs`` and the same median in this thread's CPU time, with the number of hits,
   and the size of the index's tables (from SQLite's ``dbstat``, when it has one).
   The store's vocabulary is small (20 words), so its words occur in almost every message:
   those searches return ~93,000 ids, the worst case; the address and the name are selective.
   ``--search-only`` skips steps 2-4.

Results are printed as a table and written to ``bench/results/ui-<date>.json``. Benchmarks report;
they assert nothing about timings.
"""

from __future__ import annotations

import argparse
import email.header
import email.utils
import hashlib
import json
import os
import platform
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import: there is no display

REPOSITORY = Path(__file__).resolve().parent.parent
if str(REPOSITORY) not in sys.path:
    sys.path.insert(0, str(REPOSITORY))

from app.core.model import Account, Folder  # noqa: E402 - after the path and platform are set
from app.core.store import Profile, Store  # noqa: E402

#: Messages per executemany batch while building: bounded memory, few transactions.
BUILD_BATCH = 5000
WORDS = ("meeting", "report", "invoice", "Re:", "update", "weekly", "release", "budget", "question", "draft",
         "会议", "通知", "报告", "项目", "周报", "发票", "Q3", "plan", "review", "lunch")
NAMES = ("Alice Zhang", "Bob Li", "张三", "李四", "Carol White", "王五", "Dave Brown", "eve", "Frank Müller")


# -- the store ------------------------------------------------------------------------------------


def raw_message(chooser: random.Random, number: int, sent: datetime, attachment: bool) -> tuple[bytes, str, str]:
    """(raw bytes, From as shown, Subject) of one plausible message."""
    name = chooser.choice(NAMES)
    sender = f"{name} <user{chooser.randrange(500)}@example.com>"
    subject = " ".join(chooser.choice(WORDS) for _ in range(chooser.randrange(2, 9)))
    body = "\r\n".join(" ".join(chooser.choice(WORDS) for _ in range(12)) for _ in range(chooser.randrange(2, 30)))
    encoded_subject = subject if subject.isascii() else email.header.Header(subject, "utf-8").encode()
    address = sender.split("<")[1]
    encoded_sender = sender if name.isascii() else f"{email.header.Header(name, 'utf-8').encode()} <{address}"
    headers = (f"From: {encoded_sender}\r\nTo: me@example.com\r\nSubject: {encoded_subject}\r\n"
               f"Date: {email.utils.format_datetime(sent)}\r\nMessage-ID: <{number}@bench.example>\r\n"
               "MIME-Version: 1.0\r\n")
    if attachment:
        raw = (headers + 'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n'
               'Content-Type: text/plain; charset=utf-8\r\n\r\n' + body + '\r\n--b\r\n'
               'Content-Type: application/pdf; name="file.pdf"\r\nContent-Disposition: attachment\r\n'
               'Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b--\r\n')
    else:
        raw = headers + "Content-Type: text/plain; charset=utf-8\r\n\r\n" + body + "\r\n"
    return raw.encode("utf-8"), sender, subject


def build_store(profile: Profile, message_count: int) -> dict[str, Any]:
    """Create the store unless the profile already has one with ``message_count`` messages."""
    started = time.perf_counter()
    profile.ensure()
    with Store.open(profile) as store:
        if store.message_count() == message_count and len(store.accounts()) == 2:
            return {"built": False, "seconds": time.perf_counter() - started}
    for suffix in ("", "-wal", "-shm"):
        Path(str(profile.database_path) + suffix).unlink(missing_ok=True)
    with Store.open(profile) as store:
        # Bench data only: durability does not matter while building, speed does.
        store.db.execute("PRAGMA synchronous = OFF")
        accounts = [store.add_account(Account(name=name, host="pop.example.com", user=name,
                                              email=f"{name}@example.com")) for name in ("work", "home")]
        chooser = random.Random(20240601)
        now = datetime(2024, 6, 1, 9, 0, tzinfo=timezone(timedelta(hours=8)))
        for batch_start in range(0, message_count, BUILD_BATCH):
            messages, raws, uids = [], [], []
            for number in range(batch_start, min(batch_start + BUILD_BATCH, message_count)):
                account = accounts[0] if chooser.random() < 0.7 else accounts[1]
                sent = now - timedelta(minutes=number * 7 + chooser.randrange(60))
                attachment = chooser.random() < 0.1
                raw, sender, subject = raw_message(chooser, number, sent, attachment)
                received = sent.timestamp() + chooser.randrange(5, 600)
                folder = Folder.TRASH.value if chooser.random() < 0.05 else Folder.INBOX.value
                message_id = number + 1
                uidl = f"bench-{number}"
                messages.append((message_id, account.id, uidl, received, sent.timestamp(), sent.timestamp(), sender,
                                 "me@example.com", subject, f"<{number}@bench.example>", len(raw),
                                 hashlib.sha256(raw).hexdigest(), int(attachment), int(chooser.random() < 0.7),
                                 int(chooser.random() < 0.02), folder))
                raws.append((message_id, raw))
                uids.append((account.id, uidl, received, "stored", message_id))
            store.db.execute("BEGIN")
            store.db.executemany(
                "INSERT INTO messages (id, account_id, uidl, received_at, date, sort_date, sender, recipients,"
                " subject, message_id, size, sha256, has_attachments, seen, flagged, folder)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", messages)
            store.db.executemany("INSERT INTO message_raw (message_id, raw) VALUES (?, ?)", raws)
            store.db.executemany("INSERT INTO server_uids (account_id, uidl, first_seen, state, message_id)"
                                 " VALUES (?, ?, ?, ?, ?)", uids)
            store.db.execute("COMMIT")
        store.db.execute("ANALYZE")
    return {"built": True, "seconds": time.perf_counter() - started}


# -- measurements ---------------------------------------------------------------------------------


def milliseconds(seconds: float) -> float:
    return round(seconds * 1000, 2)


def summarize(samples: list[float]) -> dict[str, Any]:
    """Median, 95th percentile and worst of samples in seconds, reported in ms."""
    ordered = sorted(samples)
    return {"median_ms": milliseconds(statistics.median(ordered)),
            "p95_ms": milliseconds(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]),
            "worst_ms": milliseconds(ordered[-1]), "count": len(ordered)}


def time_launch(profile_directory: Path, runs: int) -> dict[str, Any]:
    environment = dict(os.environ, POPLARK_QUIT_AFTER_SHOW="1", QT_QPA_PLATFORM="offscreen")
    command = [sys.executable, "-m", "app", "--profile", str(profile_directory)]
    samples: list[float] = []
    to_window: list[float] = []
    for run in range(runs + 1):
        started_wall = time.time()
        started = time.perf_counter()
        result = subprocess.run(command, env=environment, cwd=REPOSITORY, capture_output=True, text=True,
                                timeout=300)
        elapsed = time.perf_counter() - started
        if result.returncode != 0:
            return {"error": f"exit {result.returncode}: {result.stderr.strip()[-500:]}"}
        shown = [line.split()[1] for line in result.stderr.splitlines() if line.startswith("poplark-window-shown-at ")]
        if run:  # the first run only warms the file cache and the .pyc files
            samples.append(elapsed)
            if shown:
                to_window.append(float(shown[0]) - started_wall)
    report: dict[str, Any] = {"median_ms": milliseconds(statistics.median(samples)),
                              "runs_ms": [milliseconds(s) for s in samples]}
    if to_window:
        # Launch to a usable window (the first event-loop turn after show), without the exit.
        report["to_window_median_ms"] = milliseconds(statistics.median(to_window))
        report["to_window_runs_ms"] = [milliseconds(s) for s in to_window]
    return report


def time_call(function: Callable[[], object]) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def bench_model(store: Store, runs: int) -> dict[str, Any]:
    from PySide6.QtCore import Qt

    from app.ui.models.inbox_model import Column, InboxModel

    display, font = Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.FontRole
    open_samples: list[float] = []
    first_rows_samples: list[float] = []
    total_samples: list[float] = []
    rows = 0
    for _ in range(runs):
        started = time.perf_counter()
        model = InboxModel(store)
        model.set_folder(None, Folder.INBOX)
        opened = time.perf_counter()
        for row in range(min(50, model.rowCount())):
            for column in Column:
                index = model.index(row, column)
                model.data(index, display)
                model.data(index, font)
        finished = time.perf_counter()
        open_samples.append(opened - started)
        first_rows_samples.append(finished - opened)
        total_samples.append(finished - started)
        rows = model.rowCount()
    result: dict[str, Any] = {
        "rows": rows,
        "construct_and_set_folder": {"first_ms": milliseconds(open_samples[0]),
                                     "median_ms": milliseconds(statistics.median(open_samples))},
        "first_50_rows_data": {"first_ms": milliseconds(first_rows_samples[0]),
                               "median_ms": milliseconds(statistics.median(first_rows_samples))},
        "total": {"first_ms": milliseconds(total_samples[0]),
                  "median_ms": milliseconds(statistics.median(total_samples))},
    }
    model = InboxModel(store)
    model.set_folder(None, Folder.INBOX)
    sorts: dict[str, float] = {}
    for column in (Column.SENDER, Column.SUBJECT, Column.SIZE, Column.DATE):
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            name = f"{column.name.lower()}_{'asc' if order == Qt.SortOrder.AscendingOrder else 'desc'}"
            sorts[name] = milliseconds(time_call(lambda column=column, order=order: model.sort(column, order)))
    result["sort_ms"] = sorts
    result["refresh_ms"] = milliseconds(time_call(model.refresh))
    # One new newest message, as a fetch reports it; rolled back so the cached store stays as built.
    account = store.accounts()[0]
    raw = (f"From: New <new@example.com>\r\nSubject: just arrived\r\n"
           f"Date: {email.utils.format_datetime(datetime.now(UTC))}\r\n\r\nhello\r\n").encode()
    model.data(model.index(0, Column.SUBJECT))  # a view on the top rows has read them
    new = store.add_message(account, "bench-new-message", raw)
    result["add_new_messages_1_ms"] = milliseconds(time_call(lambda: model.add_new_messages([new.id])))
    store.rollback()
    return result


def bench_scrolling(store: Store, jumps: int) -> dict[str, Any]:
    from PySide6.QtWidgets import QAbstractItemView, QApplication, QHeaderView, QTableView

    from app.ui.models.inbox_model import Column, InboxModel

    application = QApplication.instance()
    assert application is not None
    cells = [0]

    class CountingModel(InboxModel):
        """Counts the cells the view asks for, to show that each frame really painted rows."""

        def multiData(self, *arguments: Any) -> None:
            cells[0] += 1
            super().multiData(*arguments)

    model = CountingModel(store)
    model.set_folder(None, Folder.INBOX)
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setShowGrid(False)
    view.verticalHeader().hide()
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.verticalHeader().setDefaultSectionSize(24)
    for column, width in ((Column.SEEN, 24), (Column.ATTACHMENT, 24), (Column.FLAG, 24), (Column.SENDER, 200),
                          (Column.SUBJECT, 420), (Column.DATE, 140), (Column.SIZE, 80)):
        view.setColumnWidth(column, width)
    view.resize(1000, 700)
    view.show()
    application.processEvents()
    bar = view.verticalScrollBar()
    step = max(1, bar.pageStep())

    def frame(value: int) -> tuple[float, float]:
        """(wall, CPU) seconds to move the scroll bar and paint the viewport once, synchronously."""
        wall, cpu = time.perf_counter(), time.thread_time()
        bar.setValue(value)
        view.viewport().repaint()  # paints now; the processEvents() after it finds nothing left to paint
        application.processEvents()
        return time.perf_counter() - wall, time.thread_time() - cpu

    cells[0] = 0
    linear = [frame(value) for value in range(0, bar.maximum() + 1, step)]
    cells_per_frame = round(cells[0] / len(linear))
    # Jumps land on rows never shown (each page is read once), so every one pays for a query.
    chooser = random.Random(7)
    frame(0)
    model_for_jumps = InboxModel(store)
    model_for_jumps.set_folder(None, Folder.INBOX)
    view.setModel(model_for_jumps)
    application.processEvents()
    jumps_samples = [frame(chooser.randrange(bar.maximum() + 1)) for _ in range(jumps)]
    view.close()
    return {
        "rows_per_step": step, "cells_per_frame": cells_per_frame,
        "linear_page_steps": {"wall": summarize([wall for wall, _ in linear]),
                              "cpu": summarize([cpu for _, cpu in linear])},
        "random_jumps": {"wall": summarize([wall for wall, _ in jumps_samples]),
                         "cpu": summarize([cpu for _, cpu in jumps_samples])},
    }


#: (label, text, one account?) for the search bench; see the module docstring.
SEARCHES = (
    ("chinese 2-char word", "会议", False),
    ("english word", "meeting", False),
    ("address", "user42@example.com", False),
    ("prefix while typing", "mee", False),
    ("prefix of an address", "user7@exa", False),
    ("chinese name (10% of mail)", "张三", False),
    ("no match", "zebra", False),
    ("chinese 2-char word, one account", "会议", True),
    ("english word, one account", "meeting", True),
    ("address, one account", "user42@example.com", True),
)


def bench_search(store: Store, runs: int) -> dict[str, Any]:
    from app.core.store.search import index_pending

    result: dict[str, Any] = {}
    pending = store.pending_search_count()
    if pending:
        started = time.perf_counter()
        indexed = 0
        while done := index_pending(store, 1000):
            indexed += done
        seconds = time.perf_counter() - started
        result["indexing"] = {"messages": indexed, "seconds": round(seconds, 1),
                              "messages_per_second": round(indexed / seconds)}
    account_id = store.accounts()[0].id
    queries: dict[str, Any] = {}
    for label, text, one_account in SEARCHES:
        scope = account_id if one_account else None
        walls: list[float] = []
        cpus: list[float] = []
        hits = 0
        for _ in range(runs + 1):
            wall, cpu = time.perf_counter(), time.thread_time()
            hits = len(store.message_ids(scope, Folder.INBOX, text=text))
            walls.append(time.perf_counter() - wall)
            cpus.append(time.thread_time() - cpu)
        queries[label] = {"text": text, "hits": hits, "first_ms": milliseconds(walls[0]),
                          "median_ms": milliseconds(statistics.median(walls[1:])),
                          "cpu_median_ms": milliseconds(statistics.median(cpus[1:]))}
    result["queries"] = queries
    walls = []
    for _ in range(runs):
        walls.append(time_call(lambda: store.message_ids(None, Folder.INBOX)))
    result["no_search_same_folder_median_ms"] = milliseconds(statistics.median(walls))
    result["index_mb"] = index_size_mb(store)
    return result


def index_size_mb(store: Store) -> dict[str, float] | None:
    """Megabytes of the search index, per table (None when SQLite lacks the dbstat table)."""
    try:
        rows = store.db.execute("SELECT name, sum(pgsize) FROM dbstat WHERE name LIKE 'message\\_search%'"
                                " ESCAPE '\\' GROUP BY name").fetchall()
    except sqlite3.Error:
        return None
    return {str(name): round(size / 1e6, 1) for name, size in rows}


# -- report ---------------------------------------------------------------------------------------


def search_lines(search: dict[str, Any]) -> list[tuple[str, str]]:
    lines: list[tuple[str, str]] = []
    if "indexing" in search:
        entry = search["indexing"]
        lines.append(("search indexing", f"{entry['messages']:,} messages in {entry['seconds']} s"
                                         f" ({entry['messages_per_second']:,}/s)"))
    for label, entry in search["queries"].items():
        lines.append((f"search {label} ({entry['text']})",
                      f"{entry['median_ms']:.1f} ms median ({entry['cpu_median_ms']:.1f} ms CPU),"
                      f" {entry['first_ms']:.1f} ms first, {entry['hits']:,} hits"))
    lines.append(("same folder without search", f"{search['no_search_same_folder_median_ms']:.1f} ms median"))
    if search.get("index_mb"):
        sizes = search["index_mb"]
        lines.append(("search index size", f"{sum(sizes.values()):.1f} MB ("
                      + ", ".join(f"{name} {size}" for name, size in sorted(sizes.items())) + ")"))
    return lines


def print_table(results: dict[str, Any]) -> None:
    if "launch" not in results:
        lines = search_lines(results["search"])
        width = max(len(label) for label, _ in lines)
        for label, value in lines:
            print(f"{label:<{width}}  {value}")
        return
    lines = [("store", f"{results['store']['messages']:,} messages, {results['store']['size_mb']} MB on disk,"
                       f" {'built' if results['store']['built'] else 'reused'} in {results['store']['seconds']:.1f} s")]
    launch = results["launch"]
    for name in ("big_profile", "empty_profile"):
        entry = launch[name]
        lines.append((f"launch to window ({name.replace('_', ' ')})",
                      entry.get("error") or f"{entry['median_ms']:.0f} ms median of {len(entry['runs_ms'])}"))
    model = results["model"]
    lines.append(("model rows (unified inbox)", f"{model['rows']:,}"))
    for name in ("construct_and_set_folder", "first_50_rows_data", "total"):
        lines.append((f"model {name.replace('_', ' ')}",
                      f"{model[name]['first_ms']:.1f} ms first, {model[name]['median_ms']:.1f} ms median"))
    lines.append(("sort (ms)", ", ".join(f"{name} {value:.0f}" for name, value in model["sort_ms"].items())))
    lines.append(("refresh", f"{model['refresh_ms']:.1f} ms"))
    lines.append(("add_new_messages (1 newest)", f"{model['add_new_messages_1_ms']:.2f} ms"))
    for name, entry in results["scrolling"].items():
        if not isinstance(entry, dict) or "wall" not in entry:
            continue
        for clock in ("wall", "cpu"):
            numbers = entry[clock]
            lines.append((f"scroll {name.replace('_', ' ')} ({clock})",
                          f"median {numbers['median_ms']:.1f} ms, p95 {numbers['p95_ms']:.1f} ms,"
                          f" worst {numbers['worst_ms']:.1f} ms over {numbers['count']} frames"))
    lines.append(("cells asked per frame", f"{results['scrolling']['cells_per_frame']}"
                                           f" ({results['scrolling']['rows_per_step']} rows per step)"))
    lines += search_lines(results["search"])
    width = max(len(label) for label, _ in lines)
    for label, value in lines:
        print(f"{label:<{width}}  {value}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--profile", type=Path, help="profile directory to build in or reuse"
                        " (default: a directory under the system temp dir, reused between runs)")
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--jumps", type=int, default=300)
    parser.add_argument("--quick", action="store_true", help="5,000 messages, 3 runs, 50 jumps")
    parser.add_argument("--search-only", action="store_true", help="build or reuse the store, time only search")
    arguments = parser.parse_args(argv)
    if arguments.quick:
        arguments.messages, arguments.runs, arguments.jumps = 5000, 3, 50
    directory = arguments.profile or Path(tempfile.gettempdir()) / f"poplark-ui-bench-{arguments.messages}"
    profile = Profile(directory)
    print(f"store: {directory} ...", flush=True)
    built = build_store(profile, arguments.messages)

    from PySide6 import __version__ as pyside_version
    from PySide6.QtWidgets import QApplication

    results: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "pyside6": pyside_version, "platform": platform.platform(),
                    "cpus": os.cpu_count(), "qpa": os.environ["QT_QPA_PLATFORM"]},
        "store": {"messages": arguments.messages, "directory": str(directory),
                  "size_mb": round(profile.database_path.stat().st_size / 1e6, 1), **built},
    }
    if not arguments.search_only:
        print("launch ...", flush=True)
        with tempfile.TemporaryDirectory() as empty:
            results["launch"] = {"big_profile": time_launch(directory, arguments.runs),
                                 "empty_profile": time_launch(Path(empty), arguments.runs)}
        application = QApplication.instance() or QApplication([sys.argv[0]])
        with Store.open(profile) as store:
            print("model ...", flush=True)
            results["model"] = bench_model(store, arguments.runs)
            print("scrolling ...", flush=True)
            results["scrolling"] = bench_scrolling(store, arguments.jumps)
        del application
    with Store.open(profile) as store:
        print("search (indexes the store first when it is new) ...", flush=True)
        results["search"] = bench_search(store, arguments.runs)
    print()
    print_table(results)
    suffix = "-search" if arguments.search_only else ""
    output = REPOSITORY / "bench" / "results" / f"ui-{datetime.now().date().isoformat()}{suffix}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nwritten to {output.relative_to(REPOSITORY)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
