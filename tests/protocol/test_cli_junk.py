"""The junk filter end to end: ``poplark fetch`` from the fake POP3 server on 127.0.0.1, training
with ``poplark junk train``, and the next fetch moving new junk to the account's Junk folder
through the new-mail hook; classify, stats, settings and blocked senders from the command line.
Real processes, a real store file."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from app.cli.presenter import EXIT_FAILED, EXIT_OK
from tests.conftest import ServerFactory
from tests.fakes.certs import TestCertificates
from tests.fakes.junk_corpus import corpus
from tests.protocol.test_cli import Poplark

DEFAULT_MODE = "tls"


@pytest.fixture
def poplark(cli_environment: dict[str, str], certificates: TestCertificates) -> Poplark:
    return Poplark(cli_environment, certificates)


def _folders(poplark: Poplark) -> dict[str, str]:
    """UIDL -> folder of every stored message."""
    with sqlite3.connect(poplark.profile / "poplark.sqlite3") as db:
        return dict(db.execute("SELECT uidl, folder FROM messages"))


def _ids(poplark: Poplark) -> dict[str, int]:
    with sqlite3.connect(poplark.profile / "poplark.sqlite3") as db:
        return dict(db.execute("SELECT uidl, id FROM messages"))


def test_a_fetch_moves_junk_once_the_filter_is_trained(poplark: Poplark, serve: ServerFactory) -> None:
    learning = corpus(60, seed=11)
    server = serve([message.raw for message in learning], uidls=[f"learn-{n}" for n in range(len(learning))])
    poplark.add_account_ok(server.address[1], "--leave-on-server")
    # Untrained: the fetch stores everything in the Inbox and says nothing about junk.
    first = poplark.fetch()
    assert first.returncode == EXIT_OK, first.stderr
    assert "junk" not in first.stdout
    assert set(_folders(poplark).values()) == {"inbox"}
    ids = _ids(poplark)
    junk_ids = [str(ids[f"learn-{n}"]) for n, message in enumerate(learning) if message.junk]
    good_ids = [str(ids[f"learn-{n}"]) for n, message in enumerate(learning) if not message.junk]
    trained = poplark.run("junk", "train", "--junk", *junk_ids)
    assert trained.returncode == EXIT_OK, trained.stderr
    assert trained.stdout == (f"trained {len(junk_ids)} message(s) as junk (0 already were);"
                              f" moved {len(junk_ids)} to Junk\n")
    assert poplark.run("junk", "train", "--not-junk", *good_ids).returncode == EXIT_OK
    stats = json.loads(poplark.run("junk", "stats", "--json").stdout)
    assert (stats["trained"], stats["junk_messages"], stats["good_messages"]) == (True, len(junk_ids), len(good_ids))
    # New mail arrives: the hook moves its junk to Junk right after the commit, once.
    arriving = corpus(20, seed=12)
    for number, message in enumerate(arriving):
        server.add_message(message.raw, f"new-{number}")
    second = poplark.fetch()
    assert second.returncode == EXIT_OK, second.stderr
    folders = _folders(poplark)
    moved = {f"new-{n}" for n, message in enumerate(arriving) if folders[f"new-{n}"] == "junk"}
    junk = {f"new-{n}" for n, message in enumerate(arriving) if message.junk}
    # No good mail in Junk; most junk caught (the generated corpus is scored in bench/junk_bench.py).
    assert moved <= junk and len(moved) >= len(junk) * 2 // 3, (moved, junk)
    assert {folders[f"new-{n}"] for n in range(len(arriving))} <= {"inbox", "junk"}
    assert f"junk filter: {len(moved)} new message(s) moved to Junk" in second.stdout
    assert "junk" not in poplark.fetch_ok()  # nothing new: nothing judged again
    # Changing one's mind: Not Junk takes a message back to the Inbox and retrains it.
    caught = str(_ids(poplark)[sorted(moved)[0]])
    back = poplark.run("junk", "train", "--not-junk", caught)
    assert back.stdout == "trained 1 message(s) as not junk (0 already were); moved 1 to the Inbox\n"
    assert json.loads(poplark.run("junk", "stats", "--json").stdout)["good_messages"] == len(good_ids) + 1


def test_classify_block_and_settings_from_the_command_line(poplark: Poplark, serve: ServerFactory) -> None:
    messages = corpus(2, seed=3)
    server = serve([message.raw for message in messages], uidls=["one", "two"])
    poplark.add_account_ok(server.address[1], "--leave-on-server")
    poplark.fetch_ok()
    ids = _ids(poplark)
    untrained = poplark.run("junk", "classify", str(ids["one"]))
    assert untrained.stdout.startswith(f"{ids['one']}\t-\tunsure (not trained yet")
    blocked = poplark.run("junk", "block", "@Promo-Deals.biz", "bad@example.org")
    assert blocked.stdout == "blocked: promo-deals.biz, bad@example.org\n"
    refused = poplark.run("junk", "block", "not an address")
    assert refused.returncode != EXIT_OK and "neither an address" in refused.stderr
    listing = json.loads(poplark.run("junk", "classify", "--json", str(ids["two"])).stdout)
    assert listing["verdict"] in {"junk", "unsure"} and listing["score"] is None
    assert poplark.run("junk", "unblock", "promo-deals.biz").stdout == "unblocked 1\n"
    unknown = poplark.run("junk", "unblock", "never.example")
    assert unknown.returncode == EXIT_FAILED and "not blocked: never.example" in unknown.stdout
    bad = poplark.run("junk", "set", "--junk-threshold", "0.1")
    assert bad.returncode != EXIT_OK and "junk threshold must be at least the unsure threshold" in bad.stderr
    changed = poplark.run("junk", "set", "--disable", "--junk-threshold", "0.95", "--no-trust-contacts")
    assert changed.stdout == "junk filter off: junk from 0.95, unsure from 0.2, contacts judged too\n"
    stats = json.loads(poplark.run("junk", "stats", "--json").stdout)
    assert (stats["enabled"], stats["junk_threshold"], stats["blocked"]) == (False, 0.95, ["bad@example.org"])
    missing = poplark.run("junk", "classify", "999999")
    assert missing.returncode == EXIT_FAILED and "no message with id 999999" in missing.stdout


def test_cli_junk_module_is_listed(tmp_path: Path) -> None:
    from app.cli import _HANDLERS

    assert _HANDLERS["junk"] == ("app.cli.junk", "command_junk")
