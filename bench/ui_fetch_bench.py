"""Does the window stay responsive while it fetches? Frame times of a scrolling message list.

Run from the repository root (needs ``dovecot-pop3d`` and the test extras, like fetch_bench.py)::

    .venv/bin/python bench/ui_fetch_bench.py              # 2,000 messages (136 MB) into a 20,000-message list
    .venv/bin/python bench/ui_fetch_bench.py --quick      # 300 messages, 5,000 in the list

What happens, in this process with ``QT_QPA_PLATFORM=offscreen``, as in the window:

1. A private Dovecot (``tests/fakes/dovecot.py``) serves the fetch benchmark's generated mailbox
   (``bench/fetch_bench.py``) over plain POP3 on loopback; a profile holds a list store built
   like ``bench/ui_bench.py``'s (``--list-messages``) plus an account on that Dovecot.
2. A ``QTableView`` over the window's ``InboxModel`` (unified inbox) is shown; the window's own
   ``FetchController`` downloads the mailbox in its worker thread (new rows go into the list as
   each group is committed, as in the window), then the window's ``SearchIndexer`` indexes it.
3. Meanwhile the list scrolls one page per frame, wrapping at the end: each frame moves the
   scroll bar, repaints the viewport synchronously and processes pending events. The time of
   each frame is recorded, by phase: idle (before), downloading, indexing.

Reported: median, 95th percentile and worst frame (wall ms) per phase and the frame count. A
frame over ~50 ms is a visible stutter, over ~200 ms the list feels stuck. Benchmarks report;
they assert nothing. Results go to ``bench/results/ui-fetch-<date>.json``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import: there is no display

REPOSITORY = Path(__file__).resolve().parent.parent
if str(REPOSITORY) not in sys.path:
    sys.path.insert(0, str(REPOSITORY))

IDLE_FRAMES = 150
#: Bounds every wait: a stuck fetch or indexer ends the run instead of hanging it.
PHASE_TIMEOUT_SECONDS = 600.0


def load_bench_module(name: str) -> ModuleType:
    """The sibling benchmark scripts, which are not a package."""
    spec = importlib.util.spec_from_file_location(name, REPOSITORY / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def frame_summary(samples: list[float]) -> dict[str, Any]:
    if not samples:
        return {"frames": 0}
    ordered = sorted(samples)
    return {"frames": len(samples), "median_ms": round(statistics.median(ordered) * 1000, 1),
            "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1 if len(ordered) > 1 else 0] * 1000, 1),
            "worst_ms": round(ordered[-1] * 1000, 1)}


def run(options: argparse.Namespace) -> dict[str, Any]:
    fetch_bench = load_bench_module("fetch_bench")
    ui_bench = load_bench_module("ui_bench")
    from PySide6.QtWidgets import QAbstractItemView, QApplication, QTableView

    from app.core.contacts.harvest import harvest_all
    from app.core.model import Account, Folder, Security
    from app.core.store import Profile, Store
    from app.core.store.search import index_all
    from app.ui.models.inbox_model import InboxModel
    from app.ui.workers.fetch_controller import FetchController
    from app.ui.workers.search_indexer import SearchIndexer
    from tests.fakes.dovecot import PrivateDovecot

    mailbox = fetch_bench.generate_mailbox(options.messages, int(options.total_mb * fetch_bench.MB), options.seed)
    results: dict[str, Any] = {"messages": options.messages, "wire_bytes": mailbox.wire_bytes,
                               "list_messages": options.list_messages}
    with tempfile.TemporaryDirectory(prefix="poplark-ui-fetch-") as temporary:
        base = Path(temporary)
        certificates = fetch_bench.make_test_certificates(base / "certs")
        dovecot = PrivateDovecot(base / "dovecot", cert_chain_pem=certificates.server_cert_chain_pem,
                                 key_pem=certificates.server_key_pem, users=fetch_bench.USERS)
        dovecot.start()
        try:
            user = fetch_bench.KEEP_USER
            dovecot.deliver_many(user, mailbox.messages)
            fetch_bench.bare_fetch(dovecot.pop3_port, user, tls_context=None, delete=False)  # Dovecot's index
            profile = Profile(base / "profile")
            ui_bench.build_store(profile, options.list_messages)
            with Store.open(profile) as store:
                index_all(store)  # the list's own mail is searchable already, as in a window in use
                harvest_all(store)  # and its addresses gathered
                account = store.add_account(Account(
                    name="bench", host="127.0.0.1", port=dovecot.pop3_port, user=user, security=Security.NONE,
                    allow_insecure_auth=True, remember_password=False))
            application = QApplication.instance() or QApplication([])
            with Store.open(profile) as store:
                model = InboxModel(store)
                model.set_folder(None, Folder.INBOX)
                view = QTableView()
                view.setModel(model)
                view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
                view.resize(1000, 700)
                view.show()
                application.processEvents()
                bar = view.verticalScrollBar()
                position = [0]

                def frame() -> float:
                    started = time.perf_counter()
                    step = max(1, bar.pageStep())
                    position[0] = position[0] + step if position[0] + step <= bar.maximum() else 0
                    bar.setValue(position[0])
                    view.viewport().repaint()
                    application.processEvents()
                    return time.perf_counter() - started

                controller = FetchController(profile)
                indexer = SearchIndexer(profile.database_path)
                controller.messages_stored.connect(lambda name, ids: model.add_new_messages(ids))
                fetched: dict[str, Any] = {}
                controller.finished.connect(lambda name, report: fetched.update(report=report))
                controller.failed.connect(lambda name, error: fetched.update(error=str(error)))
                controller.finished.connect(lambda name, report: indexer.request())

                idle = [frame() for _ in range(IDLE_FRAMES)]
                started = time.perf_counter()
                controller.start(account, fetch_bench.USERS[user])
                downloading: list[float] = []
                while not fetched and time.perf_counter() - started < PHASE_TIMEOUT_SECONDS:
                    downloading.append(frame())
                download_seconds = time.perf_counter() - started
                indexing: list[float] = []
                index_started = time.perf_counter()
                application.processEvents()
                while indexer.is_running() and time.perf_counter() - index_started < PHASE_TIMEOUT_SECONDS:
                    indexing.append(frame())
                index_seconds = time.perf_counter() - index_started
                controller_report = fetched.get("report")
                results.update({
                    "fetched": getattr(controller_report, "new_messages", None), "error": fetched.get("error"),
                    "download_seconds": round(download_seconds, 2), "index_seconds": round(index_seconds, 2),
                    "pending_after": store.pending_search_count(),
                    "frames": {"idle": frame_summary(idle), "downloading": frame_summary(downloading),
                               "indexing": frame_summary(indexing)},
                })
                view.close()
                indexer.stop()
        finally:
            dovecot.stop()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--messages", type=int, default=2000, help="messages to fetch")
    parser.add_argument("--total-mb", type=float, default=136.0, help="their size, MB as stored")
    parser.add_argument("--list-messages", type=int, default=20_000, help="messages already in the list")
    parser.add_argument("--seed", type=int, default=20240611)
    parser.add_argument("--quick", action="store_true", help="300 messages (20 MB), 5,000 in the list")
    parser.add_argument("--output", type=Path)
    options = parser.parse_args(argv)
    if options.quick:
        options.messages, options.total_mb, options.list_messages = 300, 20.0, 5000
    started = datetime.now(UTC)
    results = run(options)
    results["date"] = started.isoformat(timespec="seconds")
    results["command"] = " ".join([".venv/bin/python", "bench/ui_fetch_bench.py", *(argv or sys.argv[1:])])
    print(f"fetched {results['fetched']} messages in {results['download_seconds']} s, indexed in "
          f"{results['index_seconds']} s (pending after: {results['pending_after']}, error: {results['error']})")
    for phase, summary in results["frames"].items():
        print(f"  {phase:12} {summary}")
    output = options.output or REPOSITORY / "bench" / "results" / f"ui-fetch-{started:%Y-%m-%d}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(f"results written to {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
