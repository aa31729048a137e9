"""Filter rules over a generated corpus (English and Chinese) on a real store file: golden
results, a second run that changes nothing, a bad regular expression refused, and "delete from
the server" carried out by the next fetch's plan whatever the account's policy."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from app.core.fetch.plan import ServerMessage, plan
from app.core.model import Account, LeaveMode, ServerPolicy, SmtpSettings
from app.core.rules.apply import run_rules, run_rules_on_folder
from app.core.rules.matching import fold, text_matches
from app.core.rules.model import Action, ActionKind, Condition, Field, Operator, Rule, RuleError
from app.core.rules.new_mail import NewMailSorter, process_new_mail
from app.core.store import Store, UidState
from tests.core.rules_corpus import CORPUS, Expected, build_rules, expected


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store(tmp_path / "poplark.sqlite3")
    yield opened
    opened.close()


@pytest.fixture
def account(store: Store) -> Account:
    return store.add_account(Account(name="work", host="127.0.0.1", user="me"))


def stored(store: Store, account: Account) -> dict[str, int]:
    summaries = store.add_messages(account, [(uidl, raw, 1_764_000_000.0) for uidl, raw in CORPUS.items()])
    return {summary.uidl: summary.id for summary in summaries}


def state(store: Store) -> dict[int, Expected]:
    names = {tag.id: tag.name for tag in store.tags()}
    rows = store.query("SELECT id, folder, seen, flagged FROM messages ORDER BY id").fetchall()
    tags = store.tags_of([row[0] for row in rows])
    return {row[0]: Expected(row[1], frozenset(names[tag] for tag in tags.get(row[0], [])), bool(row[2]),
                             bool(row[3])) for row in rows}


def test_the_corpus_is_sorted_as_a_person_expects(store: Store, account: Account) -> None:
    keys = build_rules(store, account)
    ids = stored(store, account)
    outcome = run_rules(store, list(ids.values()))
    assert not outcome.problems
    now = state(store)
    assert {uidl: now[message_id] for uidl, message_id in ids.items()} == expected(keys)
    # The order message was copied (once) into Orders; the copy keeps its marks.
    copies = [message_id for message_id, found in now.items() if found.folder == keys["Orders"]]
    assert len(copies) == 1 and store.raw(copies[0]) == CORPUS["order"]
    assert outcome.created == copies
    # The partner's message is marked for deletion from the server; the copy here stays.
    assert store.known_uids(account.id or 0)["attachment"].state is UidState.DELETE_REQUESTED


def test_a_second_run_changes_nothing(store: Store, account: Account) -> None:
    keys = build_rules(store, account)
    ids = stored(store, account)
    run_rules(store, list(ids.values()))
    before = state(store)
    again = run_rules(store, list(ids.values()))
    assert again.decisions == [] and not again.changed
    # Over each folder, as "run rules now" does: still nothing (copies are not copied again).
    for key in ("inbox", keys["Orders"], keys["财务/2026"], "trash"):
        assert run_rules_on_folder(store, key).decisions == []
    assert state(store) == before


def test_the_new_mail_step_sorts_a_group_once_and_costs_one_query_without_rules(store: Store,
                                                                                  account: Account) -> None:
    ids = stored(store, account)
    statements: list[str] = []
    store.db.set_trace_callback(statements.append)
    outcome = process_new_mail(store, list(ids.values()))
    store.db.set_trace_callback(None)
    assert not outcome.changed
    rule_statements = [sql for sql in statements if "rules" in sql]
    assert rule_statements == ["SELECT EXISTS (SELECT 1 FROM rules WHERE enabled = 1)"]
    keys = build_rules(store, account)
    process_new_mail(store, list(ids.values()))
    assert process_new_mail(store, list(ids.values())).rules.decisions == []
    assert {uidl: state(store)[message_id] for uidl, message_id in ids.items()} == expected(keys)


def test_a_bad_regular_expression_is_refused_with_a_sentence(store: Store) -> None:
    rule = Rule("Broken", (Condition(Field.SUBJECT, Operator.MATCHES, "invoice (2026"),), (Action(ActionKind.FLAG),))
    with pytest.raises(RuleError) as refused:
        store.save_rule(rule)
    assert str(refused.value) == ("rule 'Broken': the regular expression 'invoice (2026' cannot be used: missing ), "
                                  "unterminated subpattern at character 9; correct it, or choose 'contains' to "
                                  "look for the text as written")
    assert store.rules() == []


@pytest.mark.parametrize(("rule", "words"), [
    (Rule("", (Condition(Field.SUBJECT, Operator.CONTAINS, "x"),), (Action(ActionKind.FLAG),)), "no name"),
    (Rule("r", (), (Action(ActionKind.FLAG),)), "no condition"),
    (Rule("r", (Condition(Field.SUBJECT, Operator.CONTAINS, "x"),), (Action(ActionKind.STOP),)), "does nothing"),
    (Rule("r", (Condition(Field.SIZE, Operator.CONTAINS, "x"),), (Action(ActionKind.FLAG),)), "cannot use"),
    (Rule("r", (Condition(Field.SIZE, Operator.GREATER_THAN, "big"),), (Action(ActionKind.FLAG),)), "not a size"),
    (Rule("r", (Condition(Field.DATE, Operator.BEFORE, "31/12/2026"),), (Action(ActionKind.FLAG),)), "year-month-day"),
    (Rule("r", (Condition(Field.HEADER, Operator.CONTAINS, "x"),), (Action(ActionKind.FLAG),)), "header's name"),
    (Rule("r", (Condition(Field.SUBJECT, Operator.CONTAINS, "x"),), (Action(ActionKind.MOVE),)), "choose a folder"),
    (Rule("r", (Condition(Field.SUBJECT, Operator.CONTAINS, "x"),), (Action(ActionKind.FORWARD, "nobody"),)),
     "not an e-mail address"),
])
def test_rules_that_cannot_run_are_refused(store: Store, rule: Rule, words: str) -> None:
    with pytest.raises(RuleError, match=words):
        store.save_rule(rule)


def test_text_is_folded_for_case_width_and_compatibility_forms() -> None:
    assert fold("ＵＲＧＥＮＴ：Ｉｎｖｏｉｃｅ①") == "urgent:invoice1"
    assert text_matches(Operator.CONTAINS, "发票", ["增值税发票"])
    assert text_matches(Operator.CONTAINS, "ｉｎｖｏｉｃｅ", ["Your INVOICE"])
    assert not text_matches(Operator.NOT_CONTAINS, "发票", ["增值税发票"])
    assert text_matches(Operator.IS, "Boss@Example.COM", ["The Boss <boss@example.com>", "boss@example.com"])
    assert not text_matches(Operator.IS, "boss", ["The Boss <boss@example.com>", "boss@example.com"])


def test_editing_a_rule_forgets_its_runs_so_it_runs_again(store: Store, account: Account) -> None:
    ids = stored(store, account)
    rule_id = store.save_rule(Rule("Lunch", (Condition(Field.SUBJECT, Operator.CONTAINS, "lunch"),),
                                   (Action(ActionKind.MARK_READ),)))
    assert len(run_rules(store, list(ids.values())).decisions) == 1
    store.save_rule(Rule("Lunch (renamed)", (Condition(Field.SUBJECT, Operator.CONTAINS, "lunch"),),
                         (Action(ActionKind.MARK_READ),), id=rule_id))
    assert run_rules(store, list(ids.values())).decisions == []  # a rename is the same rule
    store.save_rule(Rule("Lunch", (Condition(Field.SUBJECT, Operator.CONTAINS, "lunch"),),
                         (Action(ActionKind.FLAG),), id=rule_id))
    assert len(run_rules(store, list(ids.values())).decisions) == 1  # new actions: a new rule


def test_order_and_enabling(store: Store) -> None:
    first = store.save_rule(Rule("a", (Condition(Field.SUBJECT, Operator.CONTAINS, "x"),), (Action(ActionKind.FLAG),)))
    second = store.save_rule(Rule("b", (Condition(Field.SUBJECT, Operator.CONTAINS, "y"),), (Action(ActionKind.FLAG),)))
    store.set_rule_order([second, first])
    assert [rule.name for rule in store.rules()] == ["b", "a"]
    store.set_rule_enabled(second, False)
    store.set_rule_enabled(first, False)
    assert not store.has_enabled_rules()
    store.delete_rule(first)
    assert [rule.id for rule in store.rules()] == [second]


def test_delete_from_the_server_goes_out_at_the_next_fetch_even_when_the_account_keeps_mail(
        store: Store, account: Account) -> None:
    summary = store.add_messages(account, [("u1", CORPUS["plain"], 0.0), ("u2", CORPUS["boss"], 0.0)])
    assert store.request_server_deletion([summary[0].id]) == 1
    listing = [ServerMessage(1, "u1", 100), ServerMessage(2, "u2", 100)]
    decided = plan(listing, store.known_uids(account.id or 0), ServerPolicy(leave_mode=LeaveMode.KEEP_FOREVER), 0.0)
    assert [message.uidl for message in decided.delete] == ["u1"] and decided.retrieve == ()
    assert store.raw(summary[0].id) == CORPUS["plain"]  # the copy here stays


def test_forward_queues_once_in_the_outbox_and_says_when_it_cannot(store: Store, tmp_path: Path) -> None:
    sending = store.add_account(Account(name="sending", host="127.0.0.1", user="me", email="me@example.com",
                                        smtp=SmtpSettings("127.0.0.1")))
    silent = store.add_account(Account(name="silent", host="127.0.0.1", user="me", email="me@example.org"))
    ids = [store.add_messages(account, [("u", CORPUS["invoice-utf8"], 0.0)])[0].id for account in (sending, silent)]
    store.save_rule(Rule("To the accountant", (Condition(Field.SUBJECT, Operator.CONTAINS, "发票"),),
                         (Action(ActionKind.FORWARD, "accountant@example.com"),)))
    outcome = run_rules(store, ids)
    assert outcome.forwarded == 1
    assert outcome.problems == ["silent has no SMTP server, so message "
                                f"{ids[1]} was not forwarded to accountant@example.com: set one with "
                                "'poplark account smtp silent', then run the rules again"]
    queued = store.outbox()
    assert [(item.account_id, list(item.recipients)) for item in queued] == [(sending.id, ["accountant@example.com"])]
    assert "增值税发票" in queued[0].subject
    # Again: the forward queued is not queued twice; the one that could not be is tried again.
    again = run_rules(store, ids)
    assert [decision.message_id for decision in again.decisions] == [ids[1]] and len(store.outbox()) == 1
    store.update_account(replace(silent, smtp=SmtpSettings("127.0.0.1")))
    assert run_rules(store, ids).forwarded == 1 and len(store.outbox()) == 2
    assert run_rules(store, ids).decisions == []


def test_mail_a_killed_fetch_left_unsorted_is_sorted_by_the_next_fetch(store: Store, account: Account) -> None:
    rule_id = store.save_rule(Rule("Lunch", (Condition(Field.SUBJECT, Operator.CONTAINS, "lunch"),),
                                   (Action(ActionKind.FLAG),)))

    def group(name: str) -> list[int]:
        return [summary.id for summary in store.add_messages(account, [(name, CORPUS["plain"], 0.0)])]

    def flagged() -> set[int]:
        return {int(row[0]) for row in store.query("SELECT id FROM messages WHERE flagged = 1")}

    first = group("first")
    process_new_mail(store, first)  # sorted as it arrived
    killed = group("killed")  # committed, then the fetch was killed before its sorting
    sorter = NewMailSorter(store.path)
    after = group("after")
    sorter.submit(after, account.name)
    later = group("later")
    sorter.submit(later, account.name)  # only the first group of a fetch looks back
    outcome = sorter.finish()
    assert flagged() == set(first + killed + after + later)
    assert len(outcome.rules.decisions) == 3
    # Mail that came while every rule was off is not "missed": switching rules on leaves it alone.
    store.set_rule_enabled(rule_id, False)
    quiet = group("quiet")
    store.set_rule_enabled(rule_id, True)
    sorter = NewMailSorter(store.path)
    sorter.submit(group("next"), account.name)
    sorter.finish()
    assert quiet[0] not in flagged()
