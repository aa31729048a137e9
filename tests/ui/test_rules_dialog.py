"""The filter rules dialog: building a rule in the editor (conditions, all/any, actions, folder
and tag choosers), a bad regular expression refused in words, enabling and ordering, and "run
now" on a folder with a preview first; pictures of it in English and Chinese
(docs/rules-dialog-*.png when POPLARK_SCREENSHOT_DIR is set)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from app.core.model import Account
from app.core.rules.model import Action, ActionKind, Condition, Field, Operator, Rule
from app.core.store import Store
from app.ui.main_window import MainWindow
from app.ui.rules.dialog import RulesDialog
from app.ui.rules.editor import RuleEditor
from app.ui.store_events import Change, MessageChange
from tests.core.rules_corpus import CORPUS, build_rules
from tests.fakes.pop3_server import FakePop3Server
from tests.ui.test_main_window import fake_server, fetch_and_wait, make_window  # noqa: F401 - fixtures


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store(tmp_path / "poplark.sqlite3")
    yield opened
    opened.close()


@pytest.fixture
def account(store: Store) -> Account:
    return store.add_account(Account(name="work", host="127.0.0.1", user="me"))


@pytest.fixture
def dialog(qtbot: QtBot, store: Store) -> RulesDialog:
    made = RulesDialog(store)
    qtbot.addWidget(made)
    return made


def accepting(editor: RuleEditor) -> RuleEditor:
    """The editor, its exec() pressing OK at once (accept() still checks the rule)."""
    def run() -> int:
        editor.accept()
        return editor.result()
    editor.exec = run  # type: ignore[method-assign]
    return editor


def test_a_rule_built_in_the_editor_is_saved_and_listed(qtbot: QtBot, store: Store, dialog: RulesDialog) -> None:
    folder = store.create_folder(None, "财务", None)
    dialog.reload()
    made: list[RuleEditor] = []

    def editor(rule: Rule | None) -> RuleEditor:
        created = RuleEditor(dialog.folders, dialog.tags, rule, dialog)
        created.name_edit.setText("发票")
        created.match_any.setChecked(True)
        first = created.condition_widgets()[0]
        first.text_edit.setText("发票")
        second = created.add_condition()
        second.field_box.setCurrentIndex(second.field_box.findData(Field.HEADER.value))
        second.header_edit.setText("List-Id")
        second.operator_box.setCurrentIndex(second.operator_box.findData(Operator.BEGINS_WITH.value))
        second.text_edit.setText("finance")
        move = created.action_widgets()[0]
        move.folder_box.setCurrentIndex(move.folder_box.findData(f"user:{folder}"))
        tag = created.add_action()
        tag.kind_box.setCurrentIndex(tag.kind_box.findData(ActionKind.TAG.value))
        tag.tag_box.setCurrentIndex(1)
        created.add_action().kind_box.setCurrentIndex(tag.kind_box.findData(ActionKind.STOP.value))
        made.append(created)
        return accepting(created)

    dialog.editor = editor  # type: ignore[method-assign]
    dialog.new_button.click()
    work = store.tags()[1]
    assert store.rules() == [Rule("发票", (Condition(Field.SUBJECT, Operator.CONTAINS, "发票"),
                                          Condition(Field.HEADER, Operator.BEGINS_WITH, "finance", "List-Id")),
                                  (Action(ActionKind.MOVE, f"user:{folder}"), Action(ActionKind.TAG, str(work.id)),
                                   Action(ActionKind.STOP)), match_all=False, id=store.rules()[0].id, position=0)]
    item = dialog.rule_list.item(0)
    assert item.text() == "发票" and item.checkState() == Qt.CheckState.Checked
    # Editing shows the rule as saved.
    dialog.editor = lambda rule: RuleEditor(dialog.folders, dialog.tags, rule, dialog)  # type: ignore[method-assign]
    shown = dialog.editor(store.rules()[0])
    assert shown.rule() == store.rules()[0]
    assert shown.match_any.isChecked() and len(shown.condition_widgets()) == 2


def test_a_bad_regular_expression_is_refused_in_words(qtbot: QtBot, dialog: RulesDialog) -> None:
    editor = RuleEditor(dialog.folders, dialog.tags, None, dialog)
    qtbot.addWidget(editor)
    editor.name_edit.setText("Orders")
    row = editor.condition_widgets()[0]
    row.operator_box.setCurrentIndex(row.operator_box.findData(Operator.MATCHES.value))
    row.text_edit.setText(r"order (#\d+")
    editor.action_widgets()[0].kind_box.setCurrentIndex(1 + 3)  # Flag
    editor.accept()
    assert editor.result() != QDialog.DialogCode.Accepted
    assert not editor.problem.isHidden()
    assert editor.problem.text() == ("The regular expression “order (#\\d+” cannot be used (missing ), unterminated "
                                     "subpattern, at character 7). Correct it, or choose “contains” to look for the "
                                     "text as written.")
    row.text_edit.setText(r"order #\d+")
    editor.accept()
    assert editor.result() == QDialog.DialogCode.Accepted


def test_enabling_and_ordering(qtbot: QtBot, store: Store, dialog: RulesDialog) -> None:
    for name in ("first", "second"):
        store.save_rule(Rule(name, (Condition(Field.SUBJECT, Operator.CONTAINS, name),), (Action(ActionKind.FLAG),)))
    dialog.reload()
    dialog.rule_list.item(0).setCheckState(Qt.CheckState.Unchecked)
    assert [rule.enabled for rule in store.rules()] == [False, True]
    dialog.rule_list.setCurrentRow(1)
    assert dialog.up_button.isEnabled() and not dialog.down_button.isEnabled()
    dialog.up_button.click()
    assert [rule.name for rule in store.rules()] == ["second", "first"]
    assert dialog.rule_list.currentRow() == 0 and dialog.rule_list.item(0).text() == "second"
    dialog.confirm_delete = lambda rule: True  # type: ignore[method-assign]
    dialog.delete_button.click()
    assert [rule.name for rule in store.rules()] == ["first"]


def test_run_now_previews_then_sorts_the_folder(qtbot: QtBot, store: Store, account: Account,
                                                dialog: RulesDialog) -> None:
    keys = build_rules(store, account)
    store.add_messages(account, [(uidl, raw, 0.0) for uidl, raw in CORPUS.items()])
    dialog.reload()
    dialog.folder_box.setCurrentIndex(dialog.folder_box.findData("inbox"))
    with qtbot.waitSignal(dialog.run_finished, timeout=30_000):
        dialog.preview_button.click()
    assert dialog.preview.topLevelItemCount() == 12
    assert dialog.run_status.text().startswith("12 message(s) would change. Nothing has been changed yet")
    first = dialog.preview.topLevelItem(0)
    assert (first.text(0), first.text(1)) == ("增值税发票 2026年11月",
                                              "发票: Move to folder On this computer / 财务/2026, Tag with Work, "
                                              "Stop processing more rules")
    assert store.messages(None, folder=keys["财务/2026"]) == []  # a preview changes nothing
    with qtbot.waitSignal(dialog.mail_changed, timeout=30_000), qtbot.waitSignal(dialog.run_finished, timeout=30_000):
        dialog.run_button.click()
    assert dialog.run_status.text() == "Done: 12 message(s) changed."
    assert len(store.messages(None, folder=keys["财务/2026"])) == 3
    with qtbot.waitSignal(dialog.run_finished, timeout=30_000):
        dialog.preview_button.click()
    assert dialog.run_status.text() == "No rule acts on the mail in this folder."


@pytest.fixture(params=["en", "zh_CN"])
def language(request: pytest.FixtureRequest) -> Iterator[str]:
    previous = QLocale()
    if request.param == "zh_CN":
        request.getfixturevalue("chinese_ui")
    else:
        QLocale.setDefault(QLocale("en_US"))
    yield request.param
    QLocale.setDefault(previous)


def test_pictures_of_the_dialog_and_the_editor(qtbot: QtBot, store: Store, account: Account, language: str,
                                               tmp_path: Path) -> None:
    build_rules(store, account)
    store.add_messages(account, [(uidl, raw, 0.0) for uidl, raw in CORPUS.items()])
    dialog = RulesDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(dialog.run_finished, timeout=30_000):
        dialog.preview_button.click()
    expected = {"en": ("Filter Rules", "Run the rules now"), "zh_CN": ("过滤规则", "立即运行规则")}[language]
    assert dialog.windowTitle() == expected[0]
    editor = dialog.editor(store.rules()[0])
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitExposed(editor)
    keep = os.environ.get("POPLARK_SCREENSHOT_DIR")
    for widget, name in ((dialog, f"rules-dialog-{language}.png"), (editor, f"rules-editor-{language}.png")):
        picture = widget.grab()
        assert not picture.isNull() and picture.save(str(tmp_path / name))
        if keep:
            assert picture.save(str(Path(keep) / name))


def test_the_window_opens_the_dialog_from_tools_and_sorts_fetched_mail(
        qtbot: QtBot, make_window: Callable[..., MainWindow],  # noqa: F811 - the fixtures
        fake_server: FakePop3Server) -> None:  # noqa: F811
    window = make_window(fake_server)
    store = window.store
    folder = store.create_folder(None, "Sorted", None)
    store.save_rule(Rule("Reports", (Condition(Field.SUBJECT, Operator.BEGINS_WITH, "REPORT"),),
                         (Action(ActionKind.MOVE, f"user:{folder}"),)))
    changes: list[MessageChange] = []
    window.events.messages_changed.connect(changes.append)
    fetch_and_wait(qtbot, window)
    moved = [change for change in changes if change.kind is Change.MOVED]
    assert moved and moved[-1].ids is None  # every pane reads again
    assert [summary.subject for summary in store.messages(None, folder="inbox")] == ["会议通知 3"]
    assert len(store.messages(None, folder=f"user:{folder}")) == 11
    titles = [action.text() for action in window.menuBar().actions()]
    assert titles[-2:] == ["&Tools", "&Help"]
    window.rules_menu.action.trigger()
    dialog = window.rules_menu.dialog
    assert dialog is not None and dialog.isVisible() and dialog.rule_list.item(0).text() == "Reports"
