"""The junk filter's precision and recall on a held-out set, and what it costs a fetch per message.

A corpus of English and Chinese junk and good mail is generated (tests/fakes/junk_corpus.py: no
corpus is copied), the filter is trained on one part and judges another it never saw, through the
same functions the window and the new-mail hook use. Printed: precision and recall of "junk"
(unsure counts as not junk, since it stays in the Inbox), per language, and the CPU time per
message of ``classify_new`` while untrained (its one query per group) and trained; the same as
JSON in bench/results/junk-<date>-train<N>.json.

    .venv/bin/python bench/junk_bench.py [--train 600] [--test 2000] [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from app.core.junk.filter import classify, classify_new, train  # noqa: E402
from app.core.junk.settings import Verdict  # noqa: E402
from app.core.model import Account  # noqa: E402
from app.core.store import Profile, Store  # noqa: E402
from tests.fakes.junk_corpus import CorpusMessage, corpus  # noqa: E402

GROUP = 100  # messages per group, as the fetch writer commits them (roughly)
RESULTS = REPO_ROOT / "bench" / "results"


def _store(store: Store, account: Account, messages: list[CorpusMessage], prefix: str) -> list[int]:
    ids = [store.add_message(account, f"{prefix}{index}", message.raw).id for index, message in enumerate(messages)]
    store.commit()
    return ids


def _report(name: str, pairs: list[tuple[CorpusMessage, Verdict]]) -> dict[str, float]:
    counts = Counter((message.junk, verdict is Verdict.JUNK) for message, verdict in pairs)
    caught, missed, false = counts[(True, True)], counts[(True, False)], counts[(False, True)]
    unsure = sum(1 for _, verdict in pairs if verdict is Verdict.UNSURE)
    precision = caught / (caught + false) if caught + false else 1.0
    recall = caught / (caught + missed) if caught + missed else 1.0
    junk = caught + missed
    print(f"{name:8} {len(pairs):5} messages ({junk} junk): precision {precision:.3f}, recall {recall:.3f},"
          f" good mail called junk {false}, junk missed {missed}, unsure {unsure}")
    return {"messages": len(pairs), "junk": junk, "precision": round(precision, 4), "recall": round(recall, 4),
            "false_positives": false, "missed": missed, "unsure": unsure}


def _cost(store: Store, account: Account, messages: list[CorpusMessage], prefix: str) -> float:
    """CPU milliseconds per message of the new-mail hook's junk step (CPU time: on a shared
    machine the wall clock measures the neighbours)."""
    ids = _store(store, account, messages, prefix)
    started = time.process_time()
    for start in range(0, len(ids), GROUP):
        classify_new(store, ids[start:start + GROUP])
    return (time.process_time() - started) / len(ids) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=int, default=600)
    parser.add_argument("--test", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, Store.open(Profile(Path(folder) / "profile")) as store:
        account = store.add_account(Account(name="bench", host="pop.example.com", user="me"))
        untrained_ms = _cost(store, account, corpus(1000, arguments.seed + 100), "cost-untrained-")
        learning = corpus(arguments.train, arguments.seed)
        ids = _store(store, account, learning, "train-")
        started = time.process_time()
        train(store, [i for i, message in zip(ids, learning, strict=True) if message.junk], True)
        train(store, [i for i, message in zip(ids, learning, strict=True) if not message.junk], False)
        training_ms = (time.process_time() - started) / len(ids) * 1000
        held_out = corpus(arguments.test, arguments.seed + 1, held_out=True)
        test_ids = _store(store, account, held_out, "test-")
        verdicts = {c.message_id: c.verdict for c in classify(store, test_ids)}
        pairs = [(message, verdicts[i]) for i, message in zip(test_ids, held_out, strict=True)]
        print(f"trained on {arguments.train} messages (seed {arguments.seed}), judged {arguments.test} others"
              f" (seed {arguments.seed + 1}, with a quarter of the phrasings never trained)")
        results: dict[str, object] = {
            "train": arguments.train, "test": arguments.test, "seed": arguments.seed,
            "all": _report("all", pairs),
            "english": _report("English", [pair for pair in pairs if not pair[0].chinese]),
            "chinese": _report("Chinese", [pair for pair in pairs if pair[0].chinese])}
        trained_ms = _cost(store, account, corpus(1000, arguments.seed + 200), "cost-trained-")
        print(f"CPU per message: classify_new untrained {untrained_ms:.4f} ms, trained {trained_ms:.3f} ms;"
              f" training {training_ms:.3f} ms")
        results["cpu_ms_per_message"] = {"untrained": round(untrained_ms, 4), "trained": round(trained_ms, 3),
                                         "training": round(training_ms, 3)}
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"junk-{date.today().isoformat()}-train{arguments.train}.json"
    path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"written to {path.relative_to(REPO_ROOT)}")


if __name__ == "__main__":
    main()
