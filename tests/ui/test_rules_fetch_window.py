"""The window's fetches sort new mail as it arrives: the fetch controller runs junk and the rules
on each committed group in a thread of their own and says so on the GUI thread (mail_sorted),
so the panes read again. Real threads, a real store, the fake POP3 server on 127.0.0.1."""

from __future__ import annotations

from typing import Any

from pytestqt.qtbot import QtBot

from app.core.rules.model import Action, ActionKind, Condition, Field, Operator, Rule
from app.core.rules.new_mail import NewMailOutcome
from tests.fakes.pop3_server import crlf
from tests.ui.test_fetch_controller import KEEP, World, world  # noqa: F401 - the fixture

INVOICE = crlf("From: finance@vendor.cn\nSubject: =?utf-8?B?5aKe5YC856iO5Y+R56Wo?=\n\nSee attached.\n")
OTHER = crlf("From: friend@example.com\nSubject: Lunch\n\nNoon?\n")


def test_a_fetch_in_the_window_sorts_new_mail_and_says_so(qtbot: QtBot, world: World) -> None:  # noqa: F811
    folder = world.store.create_folder(None, "财务", None)
    world.store.save_rule(Rule("发票", (Condition(Field.SUBJECT, Operator.CONTAINS, "发票"),),
                               (Action(ActionKind.MOVE, f"user:{folder}"),)))
    sorted_signals: list[tuple[str, Any]] = []
    world.controller.mail_sorted.connect(lambda name, outcome: sorted_signals.append((name, outcome)))
    server = world.server([INVOICE, OTHER])
    account = world.account(server, policy=KEEP)
    outcome, report = world.fetch(qtbot, account)
    assert outcome == "finished" and report.new_messages == 2
    folders = {summary.subject: summary.folder for summary in world.store.messages(None, folder=f"user:{folder}")}
    assert folders == {"增值税发票": f"user:{folder}"}
    assert [summary.subject for summary in world.store.messages(None, folder="inbox")] == ["Lunch"]
    assert len(sorted_signals) == 1
    name, done = sorted_signals[0]
    assert name == "work" and isinstance(done, NewMailOutcome) and done.rules.moved == 1
    # The next fetch finds nothing new and sorts nothing again.
    sorted_signals.clear()
    world.fetch(qtbot, account)
    assert sorted_signals == []


def test_without_rules_nothing_is_said(qtbot: QtBot, world: World) -> None:  # noqa: F811
    sorted_signals: list[object] = []
    world.controller.mail_sorted.connect(sorted_signals.append)
    outcome, _ = world.fetch(qtbot, world.account(world.server([OTHER]), policy=KEEP))
    assert outcome == "finished" and sorted_signals == []
