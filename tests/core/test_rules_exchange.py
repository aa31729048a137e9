"""The rules file (docs/rules.md): export, import into another profile, export again gives the
same file; folders travel by path and tags by name; a bad file changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.core.model import Account
from app.core.rules.exchange import export_rules, import_rules
from app.core.rules.model import RuleError
from app.core.store import Store
from tests.core.rules_corpus import build_rules


def new_store(path: Path) -> tuple[Store, Account]:
    store = Store(path)
    return store, store.add_account(Account(name="work", host="127.0.0.1", user="me"))


def test_export_import_export_round_trip_between_profiles(tmp_path: Path) -> None:
    source, account = new_store(tmp_path / "a.sqlite3")
    build_rules(source, account)
    source.create_tag("客户", "#123456")
    exported = export_rules(source)
    target, _ = new_store(tmp_path / "b.sqlite3")
    target.create_folder(None, "unrelated", None)  # folder ids differ between the two profiles
    assert import_rules(target, exported) == (11, 0)
    assert export_rules(target) == exported
    # The folders named by path exist now, under the same account (by name) or on this computer.
    assert target.folder_by_path(None, "财务/2026") is not None
    assert target.folder_by_path(account.id, "Lists") is None  # ids of accounts differ: matched by name
    work = target.account("work")
    assert target.folder_by_path(work.id, "Lists") is not None
    document = json.loads(exported)
    first = document["rules"][0]
    assert first["actions"][0] == {"action": "move", "folder": {"path": "财务/2026", "account": None}}
    assert first["actions"][1] == {"action": "tag", "tag": "Work"}
    # Importing the same file again adds nothing.
    assert import_rules(target, exported) == (0, 11)
    source.close()
    target.close()


def test_a_new_tag_named_in_a_file_is_created(tmp_path: Path) -> None:
    store, _ = new_store(tmp_path / "a.sqlite3")
    text = json.dumps({"format": "poplark-rules", "version": 1, "rules": [{
        "name": "客户", "match": "any",
        "conditions": [{"field": "from", "operator": "contains", "value": "@client.cn"}],
        "actions": [{"action": "tag", "tag": "客户"}, {"action": "move", "folder": {"builtin": "junk"}}]}]})
    assert import_rules(store, text) == (1, 0)
    tag = store.tag_by_name("客户")
    assert tag is not None
    rule = store.rules()[0]
    assert [action.argument for action in rule.actions] == [str(tag.id), "junk"]
    assert not rule.match_all
    store.close()


@pytest.mark.parametrize(("text", "words"), [
    ("not json", "not JSON"),
    ('{"rules": []}', "not a Poplark rules file"),
    ('{"format": "poplark-rules", "rules": [{"name": "r", "conditions": [{"field": "colour", "operator": "is",'
     ' "value": "x"}], "actions": [{"action": "flag"}]}]}', "'colour' is not a valid Field"),
    ('{"format": "poplark-rules", "rules": [{"name": "ok", "conditions": [{"field": "subject", "operator": '
     '"contains", "value": "x"}], "actions": [{"action": "move", "folder": {"path": "New"}}]}, {"name": "bad",'
     ' "conditions": [{"field": "subject", "operator": "matches", "value": "[a-"}], "actions": [{"action": "flag"}]}]}',
     "regular expression '\\[a-' cannot be used"),
])
def test_a_bad_file_is_refused_and_changes_nothing(tmp_path: Path, text: str, words: str) -> None:
    store, _ = new_store(tmp_path / "a.sqlite3")
    with pytest.raises(RuleError, match=words):
        import_rules(store, text)
    assert store.rules() == [] and store.user_folders() == []
    store.close()


def test_the_example_in_the_documentation_imports(tmp_path: Path) -> None:
    import re

    document = (Path(__file__).parents[2] / "docs" / "rules.md").read_text(encoding="utf-8")
    example = re.search(r"```json\n(.*?)```", document, re.DOTALL)
    assert example is not None
    store, _ = new_store(tmp_path / "a.sqlite3")
    assert import_rules(store, example.group(1)) == (3, 0)
    assert [rule.name for rule in store.rules()] == ["发票", "Mailing list", "Spam words"]
    assert store.folder_by_path(store.account("work").id, "Lists") is not None
    store.close()
