"""Quick filter benchmark: how long the list's id query takes with the filter bar's choices, alone,
combined, and with search text typed one character at a time, over a 100,000-message store.

Run from the repository root::

    .venv/bin/python bench/quick_filter_bench.py                      # 100,000 messages, 5 runs
    .venv/bin/python bench/quick_filter_bench.py --profile /tmp/big   # reuse ui_bench.py's store

The store is ui_bench.py's (two accounts, 70 % read, 2 % flagged, 10 % with an attachment), built
once; this script adds, once, 10 % of the messages tagged Work, 1 % tagged Important, and 40
contacts whose addresses are senders of about 8 % of the mail, and indexes the bodies for search.
Each query runs once untimed, then ``--runs`` times: the median wall time and this thread's CPU time
are printed with the number of hits. Timings, never asserts: the tests check the results.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPOSITORY = Path(__file__).resolve().parent.parent
if str(REPOSITORY) not in sys.path:
    sys.path.insert(0, str(REPOSITORY))

from app.core.contacts.model import Contact, ContactAddress  # noqa: E402
from app.core.model import Folder  # noqa: E402
from app.core.store import Profile, Store  # noqa: E402
from app.core.store.quick_filter import QuickFilter  # noqa: E402
from app.core.store.search import index_pending  # noqa: E402
from bench.ui_bench import build_store  # noqa: E402 - after the path is set


def prepare(store: Store) -> tuple[int, int]:
    """Tags and contacts, once; the ids of Work and Important."""
    work, important = store.tag_by_name("Work"), store.tag_by_name("Important")
    assert work is not None and important is not None
    if not store.tagged_count(work.id):
        ids = store.message_ids(None, Folder.INBOX)
        store.add_tag(ids[::10], work.id)
        store.add_tag(ids[::100], important.id)
    if not store.contact_count():
        store.save_contacts([Contact(f"Contact {number}", (ContactAddress(f"user{number}@example.com"),))
                             for number in range(0, 500, 12)])
    while index_pending(store, 2000):
        pass
    return work.id, important.id


def timed(function: Callable[[], list[int]], runs: int) -> dict[str, Any]:
    hits = len(function())
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.thread_time()
        function()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.thread_time() - cpu)
    return {"hits": hits, "median_ms": round(statistics.median(walls) * 1000, 1),
            "cpu_median_ms": round(statistics.median(cpus) * 1000, 1), "worst_ms": round(max(walls) * 1000, 1)}


def bench_window_model(profile: Profile, runs: int) -> None:
    """The list model as the window uses it: how long the GUI thread is held per keystroke while
    a filter is on (the query runs in a job), and how long until the rows are shown."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from app.ui.models.filtered_inbox import FilteredInboxModel

    application = QApplication.instance() or QApplication([])
    store = Store.open(profile)
    model = FilteredInboxModel(store)
    model.set_folder(None, Folder.INBOX)

    def wait_filtered(change: Callable[[], None]) -> tuple[float, float]:
        loop = QEventLoop()
        model.filtered.connect(loop.quit)
        QTimer.singleShot(30000, loop.quit)
        started = time.perf_counter()
        change()
        held = time.perf_counter() - started
        loop.exec()
        model.filtered.disconnect(loop.quit)
        return held, time.perf_counter() - started

    print(f"\n{'window model, filter: unread + from a contact':52} {'GUI held':>9} {'rows shown':>11}")
    wait_filtered(lambda: model.set_quick_filter(QuickFilter(unread=True, from_contact=True)))
    for typed in ("m", "me", "mee", "meet", "meeting", "", "发", "发票"):
        helds, shown = [], []
        for _ in range(runs):
            wait_filtered(lambda: model.set_search(""))
            held, total = wait_filtered(lambda typed=typed: model.set_search(typed))
            helds.append(held)
            shown.append(total)
        print(f"{'typed ' + repr(typed):52} {statistics.median(helds) * 1000:>6.1f} ms"
              f" {statistics.median(shown) * 1000:>8.1f} ms")
    model.shut_down()
    store.close()
    del application


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", type=Path, help="a profile folder to build the store in, or reuse")
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    arguments = parser.parse_args(argv)
    location = arguments.profile or Path(tempfile.mkdtemp(prefix="poplark-quick-filter-bench-"))
    profile = Profile(location)
    built = build_store(profile, arguments.messages)
    print(f"store: {arguments.messages} messages ({'built' if built['built'] else 'reused'}, "
          f"{built['seconds']:.0f} s)")
    with Store.open(profile) as store:
        work, important = prepare(store)
        cases: list[tuple[str, str, QuickFilter]] = [
            ("no filter", "", QuickFilter()),
            ("unread", "", QuickFilter(unread=True)),
            ("flagged", "", QuickFilter(flagged=True)),
            ("has attachment", "", QuickFilter(has_attachment=True)),
            ("tag Work (10 %)", "", QuickFilter(tag_id=work)),
            ("tag Important (1 %)", "", QuickFilter(tag_id=important)),
            ("from a contact", "", QuickFilter(from_contact=True)),
            ("unread + from a contact + tag Work", "", QuickFilter(unread=True, from_contact=True, tag_id=work)),
            ("all five", "", QuickFilter(True, True, True, work, True)),
        ]
        # Typing "meeting" and "发票报告" with unread + a contact on: one query per keystroke.
        for typed in ("m", "me", "mee", "meet", "meeting", "发", "发票", "发票报", "发票报告"):
            cases.append((f"typed {typed!r}, unread + from a contact", typed,
                          QuickFilter(unread=True, from_contact=True)))
            cases.append((f"typed {typed!r}, tag Important", typed, QuickFilter(tag_id=important)))
        print(f"{'query':52} {'hits':>7} {'median':>8} {'cpu':>8} {'worst':>8}")
        for label, text, quick in cases:
            result = timed(lambda text=text, quick=quick: store.message_ids(None, Folder.INBOX, text=text,
                                                                             quick=quick), arguments.runs)
            print(f"{label:52} {result['hits']:>7} {result['median_ms']:>6} ms {result['cpu_median_ms']:>6} ms"
                  f" {result['worst_ms']:>6} ms")
    bench_window_model(profile, arguments.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
