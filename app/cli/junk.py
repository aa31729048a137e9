"""``poplark junk train|untrain|classify|stats|set|block|unblock``: the junk filter, headless.

The same model and settings as the window (they live in the profile's database). Training by
message id moves the message as the window's Junk / Not Junk do: to the account's Junk folder, or
out of it back to the Inbox.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from app.cli.presenter import EXIT_FAILED, EXIT_OK
from app.core.store import Profile, Store


def add_junk_parser(commands: Any) -> None:
    """The ``junk`` command's grammar, added to the top-level subparsers."""
    junk = commands.add_parser("junk", help="the junk filter: train, classify, stats, settings, blocked senders")
    actions = junk.add_subparsers(dest="junk_command", metavar="ACTION", required=True)
    train = actions.add_parser("train", help="train messages as junk (moved to Junk) or not junk (moved back)")
    kind = train.add_mutually_exclusive_group(required=True)
    kind.add_argument("--junk", dest="junk", action="store_true", help="these messages are junk")
    kind.add_argument("--not-junk", dest="junk", action="store_false", help="these messages are not junk")
    train.add_argument("ids", nargs="+", type=int, metavar="ID")
    untrain = actions.add_parser("untrain", help="take back what these messages taught the filter")
    untrain.add_argument("ids", nargs="+", type=int, metavar="ID")
    classify = actions.add_parser("classify", help="print each message's junk score and verdict (moves nothing)")
    classify.add_argument("ids", nargs="+", type=int, metavar="ID")
    classify.add_argument("--json", action="store_true", help="one JSON object per line, with the deciding tokens")
    stats = actions.add_parser("stats", help="how much the filter has learnt, and its settings")
    stats.add_argument("--json", action="store_true")
    settings = actions.add_parser("set", help="change the filter's settings")
    switch = settings.add_mutually_exclusive_group()
    switch.add_argument("--enable", dest="enabled", action="store_true", default=None)
    switch.add_argument("--disable", dest="enabled", action="store_false")
    settings.add_argument("--junk-threshold", type=float, metavar="P",
                          help="scores from P (0-1) are junk (default 0.9)")
    settings.add_argument("--unsure-threshold", type=float, metavar="P",
                          help="scores below P are good mail, the rest up to the junk threshold unsure (default 0.2)")
    trust = settings.add_mutually_exclusive_group()
    trust.add_argument("--trust-contacts", dest="trust_contacts", action="store_true", default=None,
                       help="mail from the address book or from people you wrote to is never junk (default)")
    trust.add_argument("--no-trust-contacts", dest="trust_contacts", action="store_false")
    block = actions.add_parser("block", help="always treat mail from these addresses or domains as junk")
    block.add_argument("entries", nargs="+", metavar="ADDR|DOMAIN")
    unblock = actions.add_parser("unblock", help="remove addresses or domains from the blocked senders")
    unblock.add_argument("entries", nargs="+", metavar="ADDR|DOMAIN")


def command_junk(store: Store, profile: Profile, arguments: argparse.Namespace) -> int:
    handler = {"train": _train, "untrain": _untrain, "classify": _classify, "stats": _stats, "set": _set,
               "block": _block, "unblock": _unblock}[arguments.junk_command]
    return handler(store, arguments)


def _missing(store: Store, ids: list[int]) -> list[int]:
    found = set(store.summaries(ids))
    return [message_id for message_id in ids if message_id not in found]


def _train(store: Store, arguments: argparse.Namespace) -> int:
    from app.core.junk.filter import mark

    missing = _missing(store, arguments.ids)
    outcome = mark(store, [message_id for message_id in arguments.ids if message_id not in missing], arguments.junk)
    kind = "junk" if arguments.junk else "not junk"
    print(f"trained {outcome.learned} message(s) as {kind} ({outcome.unchanged} already were);"
          f" moved {outcome.moved} to {'Junk' if arguments.junk else 'the Inbox'}")
    return _report_missing(missing)


def _report_missing(missing: list[int]) -> int:
    if missing:
        print(f"poplark: no message with id {', '.join(map(str, missing))} (see 'poplark list')")
        return EXIT_FAILED
    return EXIT_OK


def _untrain(store: Store, arguments: argparse.Namespace) -> int:
    from app.core.junk.filter import untrain

    count = untrain(store, arguments.ids)
    print(f"untrained {count} message(s); {len(arguments.ids) - count} had not been trained")
    return EXIT_OK


def _classify(store: Store, arguments: argparse.Namespace) -> int:
    from app.core.junk.filter import classify

    results = classify(store, arguments.ids)
    for result in results:
        score = "-" if result.probability is None else f"{result.probability:.3f}"
        if arguments.json:
            print(json.dumps({"id": result.message_id, "score": result.probability, "verdict": str(result.verdict),
                              "reason": result.reason, "sender": result.sender,
                              "clues": [[token, round(p, 4)] for token, p in result.clues[:20]]},
                             ensure_ascii=False))
        else:
            why = {"score": "", "blocked": " (blocked sender)", "trusted": " (a contact or someone you wrote to)",
                   "untrained": " (not trained yet: mark at least 5 messages junk and 5 not junk)"}[result.reason]
            print(f"{result.message_id}\t{score}\t{result.verdict}{why}")
    return _report_missing([i for i in arguments.ids if i not in {r.message_id for r in results}])


def _stats(store: Store, arguments: argparse.Namespace) -> int:
    from app.core.junk.filter import load_model
    from app.core.junk.settings import MIN_TRAINED_PER_CLASS

    model = load_model(store)
    junk_folder = int(store.query("SELECT count(*) FROM messages WHERE folder = 'junk'").fetchone()[0])
    data = {"enabled": model.settings.enabled, "trained": model.trained,
            "junk_messages": model.junk_messages, "good_messages": model.ham_messages,
            "tokens": store.junk_token_count(), "junk_threshold": model.settings.junk_threshold,
            "unsure_threshold": model.settings.unsure_threshold, "trust_contacts": model.settings.trust_contacts,
            "blocked": sorted(model.blacklist), "in_junk_folders": junk_folder}
    if arguments.json:
        print(json.dumps(data, ensure_ascii=False))
        return EXIT_OK
    state = "on" if model.settings.enabled else "off (poplark junk set --enable)"
    print(f"junk filter: {state}")
    print(f"trained: {model.junk_messages} junk, {model.ham_messages} not junk, {data['tokens']} tokens")
    if not model.trained:
        print(f"  it moves nothing until at least {MIN_TRAINED_PER_CLASS} of each are trained"
              " (poplark junk train --junk ID... / --not-junk ID...)")
    print(f"junk from score {model.settings.junk_threshold}, unsure from {model.settings.unsure_threshold}")
    print("contacts and people you wrote to: " + ("never junk" if model.settings.trust_contacts else "judged too"))
    print("blocked: " + (", ".join(sorted(model.blacklist)) or "nobody"))
    print(f"messages in Junk folders: {junk_folder}")
    return EXIT_OK


def _set(store: Store, arguments: argparse.Namespace) -> int:
    from dataclasses import replace

    from app.core.junk.filter import load_model

    settings = load_model(store).settings
    changes: dict[str, Any] = {}
    for name in ("enabled", "junk_threshold", "unsure_threshold", "trust_contacts"):
        value = getattr(arguments, name)
        if value is not None:
            changes[name] = value
    settings = replace(settings, **changes)  # validates: raises ConfigError with the reason
    store.set_junk_state(settings.as_state())
    print(f"junk filter {'on' if settings.enabled else 'off'}: junk from {settings.junk_threshold},"
          f" unsure from {settings.unsure_threshold},"
          f" contacts {'trusted' if settings.trust_contacts else 'judged too'}")
    return EXIT_OK


def _block(store: Store, arguments: argparse.Namespace) -> int:
    from app.core.junk.senders import blacklist_entries

    entries = blacklist_entries([*store.junk_blacklist(), *arguments.entries])
    store.set_junk_blacklist(entries)
    print("blocked: " + ", ".join(entries))
    return EXIT_OK


def _unblock(store: Store, arguments: argparse.Namespace) -> int:
    from app.core.junk.senders import blacklist_entry

    gone = {blacklist_entry(entry) for entry in arguments.entries}
    current = store.junk_blacklist()
    unknown = sorted(gone - set(current))
    store.set_junk_blacklist([entry for entry in current if entry not in gone])
    if unknown:
        print(f"poplark: not blocked: {', '.join(unknown)} (see 'poplark junk stats')")
        return EXIT_FAILED
    print(f"unblocked {len(gone)}")
    return EXIT_OK
