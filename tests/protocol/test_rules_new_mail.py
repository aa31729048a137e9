"""Mail sorted as it arrives: ``poplark fetch`` from the fake POP3 server on 127.0.0.1 runs the
rules (imported with ``poplark rules import``) on each committed group, once; ``poplark rules
apply`` over a folder, with and without --dry-run; a rule's "delete from the server" goes out at
the next fetch of an account that keeps mail on the server. Real processes, a real store file."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from app.cli.presenter import EXIT_FAILED, EXIT_OK
from app.core.fetch.engine import FetchObserver, fetch_account
from app.core.model import Account, LeaveMode, MessageSummary, Security, ServerPolicy
from app.core.rules.model import Action, ActionKind, Condition, Field, Operator, Rule
from app.core.rules.new_mail import NewMailSorter
from app.core.store import Profile, Store
from tests.conftest import ServerFactory
from tests.core.rules_corpus import CORPUS
from tests.fakes.certs import TestCertificates
from tests.fakes.pop3_server import DEFAULT_PASSWORD
from tests.protocol.test_cli import Poplark

DEFAULT_MODE = "tls"

RULES = {"format": "poplark-rules", "version": 1, "rules": [
    {"name": "发票", "match": "any",
     "conditions": [{"field": "subject", "operator": "contains", "value": "发票"},
                    {"field": "body", "operator": "contains", "value": "发票"}],
     "actions": [{"action": "move", "folder": {"path": "财务/2026"}}, {"action": "tag", "tag": "Work"},
                 {"action": "stop"}]},
    {"name": "Boss", "conditions": [{"field": "from", "operator": "is", "value": "boss@example.com"}],
     "actions": [{"action": "flag"}]},
    {"name": "List", "conditions": [{"field": "header", "header": "List-Id", "operator": "contains",
                                     "value": "dev.lists.example.org"}],
     "actions": [{"action": "copy", "folder": {"path": "Lists"}}]},
]}


@pytest.fixture
def poplark(cli_environment: dict[str, str], certificates: TestCertificates) -> Poplark:
    return Poplark(cli_environment, certificates)


def folders(database: Path) -> dict[str, list[str]]:
    """Subject line (raw) of each stored message -> the folder names it is in."""
    with sqlite3.connect(database) as db:
        paths = {f"user:{folder_id}": name for folder_id, name in db.execute("SELECT id, name FROM folders")}
        found: dict[str, list[str]] = {}
        for uidl, folder in db.execute("SELECT uidl, folder FROM messages ORDER BY id"):
            found.setdefault(uidl, []).append(paths.get(folder, folder))
    return found


def test_a_fetch_sorts_mail_as_it_arrives_and_once(poplark: Poplark, serve: ServerFactory, tmp_path: Path) -> None:
    chosen = ["invoice-utf8", "invoice-gb", "invoice-body", "boss", "list", "plain"]
    server = serve([CORPUS[name] for name in chosen], uidls=chosen)
    poplark.add_account_ok(server.address[1], "--leave-on-server")
    rules_file = tmp_path / "rules.json"
    rules_file.write_text(json.dumps(RULES, ensure_ascii=False), encoding="utf-8")
    imported = poplark.run("rules", "import", str(rules_file))
    assert imported.returncode == EXIT_OK, imported.stderr
    assert imported.stdout == "3 rule(s) added\n"
    fetched = poplark.fetch()
    assert fetched.returncode == EXIT_OK, fetched.stderr
    assert fetched.stdout.splitlines() == ["work: 6 new message(s) (0.0 MB), 6 on the server",
                                           "rules: 5 new message(s) sorted (3 moved, 1 copied, 3 tagged, 0 forward(s)"
                                           " queued)"]
    database = poplark.profile / "poplark.sqlite3"
    assert folders(database) == {"invoice-utf8": ["2026"], "invoice-gb": ["2026"], "invoice-body": ["2026"],
                                 "boss": ["inbox"], "list": ["inbox", "Lists"], "plain": ["inbox"]}
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT flagged FROM messages WHERE uidl = 'boss'").fetchone() == (1,)
    # A second fetch brings nothing new and changes nothing; nor does running the rules now.
    assert "rules:" not in poplark.fetch_ok()
    applied = poplark.run("rules", "apply")
    assert applied.returncode == EXIT_OK, applied.stderr
    assert applied.stdout.endswith("0 message(s): 0 moved, 0 copied, 0 tagged, 0 marked, 0 forward(s) queued,"
                                   " 0 to delete from the server at the next fetch\n")
    assert folders(database)["list"] == ["inbox", "Lists"]


def test_rules_apply_dry_run_prints_and_changes_nothing(poplark: Poplark, serve: ServerFactory, tmp_path: Path) -> None:
    server = serve([CORPUS["invoice-utf8"], CORPUS["plain"]], uidls=["invoice-utf8", "plain"])
    poplark.add_account_ok(server.address[1], "--leave-on-server")
    poplark.fetch_ok()  # no rules yet: the mail stays in the Inbox
    rules_file = tmp_path / "rules.json"
    rules_file.write_text(json.dumps(RULES, ensure_ascii=False), encoding="utf-8")
    assert poplark.run("rules", "import", str(rules_file)).returncode == EXIT_OK
    database = poplark.profile / "poplark.sqlite3"
    dry = poplark.run("rules", "apply", "--folder", "inbox", "--dry-run")
    assert dry.returncode == EXIT_OK, dry.stderr
    lines = dry.stdout.splitlines()
    assert lines[0].endswith("\t增值税发票 2026年11月\t-> 发票: move to 财务/2026, tag Work, stop")
    assert lines[-1] == "1 message(s) would be changed (dry run: nothing was)"
    assert folders(database)["invoice-utf8"] == ["inbox"]
    done = poplark.run("rules", "apply")
    assert "1 message(s): 1 moved" in done.stdout
    assert folders(database)["invoice-utf8"] == ["2026"]
    listing = poplark.run("rules", "list")
    assert listing.stdout.splitlines()[0] == ('  1 [on ] 发票: if subject contains "发票" or body contains "发票" then '
                                              'move to 财务/2026; tag Work; stop')
    assert json.loads(poplark.run("rules", "list", "--json").stdout)["rules"][2]["name"] == "List"
    exported = tmp_path / "out.json"
    assert poplark.run("rules", "export", str(exported)).stdout == f"3 rule(s) written to {exported}\n"
    missing = poplark.run("rules", "apply", "--folder", "Nowhere")
    assert missing.returncode == EXIT_FAILED
    assert "there is no folder 'Nowhere'" in missing.stderr


def test_delete_from_the_server_goes_out_at_the_next_fetch(serve: ServerFactory, tmp_path: Path) -> None:
    """Through the engine and the sorter, as the window's fetch controller runs them."""
    server = serve([CORPUS["attachment"], CORPUS["plain"]], mode="plain", uidls=["attachment", "plain"])
    profile = Profile(tmp_path / "profile").ensure()
    store = Store.open(profile)
    account = store.add_account(Account(name="work", host="127.0.0.1", port=server.address[1], user="alice",
                                        security=Security.NONE, allow_insecure_auth=True,
                                        policy=ServerPolicy(leave_mode=LeaveMode.KEEP_FOREVER)))
    store.save_rule(_partner_rule())
    seen: list[list[int]] = []

    class Recording(FetchObserver):
        def messages_stored(self, summaries: list[MessageSummary]) -> None:
            seen.append([summary.id for summary in summaries])

    sorter = NewMailSorter(store.path)
    report = fetch_account(store, profile.lock_directory, account, DEFAULT_PASSWORD,
                           observer=sorter.observing(Recording()))
    outcome = sorter.finish()
    assert report.new_messages == 2 and report.deleted_on_server == 0
    assert outcome.rules.server_deletions == 1 and len(seen) == 1
    second = fetch_account(store, profile.lock_directory, account, DEFAULT_PASSWORD)
    assert second.deleted_on_server == 1 and second.on_server == 2  # counted before the QUIT
    assert [uidl for uidl, _ in server.mailbox.messages] == ["plain"]
    assert store.raw(seen[0][0]) == CORPUS["attachment"]  # the copy here stays
    store.close()


def _partner_rule() -> Rule:
    return Rule("Partner", (Condition(Field.HAS_ATTACHMENT, Operator.IS, "yes"),),
                (Action(ActionKind.DELETE_FROM_SERVER),))
