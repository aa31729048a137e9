"""Rules as a JSON file (docs/rules.md): folders by path and tags by name, so a file moves
between profiles; ``poplark rules export`` / ``import``.

Import creates the folders and tags a rule names when the profile lacks them, refuses a rule
that cannot run (a bad regular expression, an account this profile does not have) before any is
saved, and skips a rule identical to one already there, so importing a file twice adds nothing.
"""

from __future__ import annotations

import json
from typing import Any

from app.core.model import Folder
from app.core.rules.model import Action, ActionKind, Condition, Field, Operator, Rule, RuleError, check_rule
from app.core.store.rules import definition_of
from app.core.store.store import Store
from app.core.store.user_folders import folder_key_of, user_folder_id

FORMAT = "poplark-rules"
VERSION = 1
#: Colour of a tag an import creates (the file names tags, not their colours).
NEW_TAG_COLOUR = "#808080"


def export_rules(store: Store) -> str:
    """Every rule as the JSON document of docs/rules.md."""
    accounts = {account.id: account.name for account in store.accounts()}
    tags = {tag.id: tag.name for tag in store.tags()}
    rules = []
    for rule in store.rules():
        rules.append({
            "name": rule.name, "enabled": rule.enabled, "match": "all" if rule.match_all else "any",
            "conditions": [{"field": condition.field.value, "operator": condition.operator.value,
                            "value": condition.value, **({"header": condition.header} if condition.header else {})}
                           for condition in rule.conditions],
            "actions": [_export_action(store, action, accounts, tags) for action in rule.actions],
        })
    return json.dumps({"format": FORMAT, "version": VERSION, "rules": rules}, ensure_ascii=False, indent=2) + "\n"


def _export_action(store: Store, action: Action, accounts: dict[int | None, str],
                   tags: dict[int, str]) -> dict[str, Any]:
    item: dict[str, Any] = {"action": action.kind.value}
    if action.kind in (ActionKind.MOVE, ActionKind.COPY):
        folder_id = user_folder_id(action.argument)
        if folder_id is None:
            item["folder"] = {"builtin": action.argument}
        else:
            folder = store.user_folder(folder_id)
            item["folder"] = {"path": store.folder_path(folder_id), "account": accounts.get(folder.account_id)}
    elif action.kind is ActionKind.TAG:
        item["tag"] = tags.get(int(action.argument), action.argument)
    elif action.kind is ActionKind.FORWARD:
        item["to"] = action.argument
    return item


def read_rules(store: Store, text: str) -> list[Rule]:
    """The rules of a file, checked, with folders and tags as this profile names them (missing
    ones are created). Raises :class:`RuleError` for a file that is not such a document."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise RuleError(f"the file is not JSON ({error.msg} at line {error.lineno}): export rules with "
                        "'poplark rules export FILE' to see the format") from None
    if (not isinstance(document, dict) or document.get("format") != FORMAT
            or not isinstance(document.get("rules"), list)):
        raise RuleError(f"the file is not a Poplark rules file (it needs \"format\": \"{FORMAT}\" and a list of "
                        "rules): see docs/rules.md")
    if int(document.get("version", VERSION)) > VERSION:
        raise RuleError("the file was written by a newer Poplark: update Poplark to import it")
    # Check every rule before creating any folder or tag, so a bad file changes nothing.
    parsed = [_parse_rule(item) for item in document["rules"]]
    for rule, _ in parsed:
        check_rule(rule)
    return [_resolve(store, rule, targets) for rule, targets in parsed]


def import_rules(store: Store, text: str) -> tuple[int, int]:
    """Add the rules of a file after the existing ones; return (added, skipped as already there)."""
    rules = read_rules(store, text)
    existing = {(rule.name, definition_of(rule)) for rule in store.rules()}
    added = skipped = 0
    for rule in rules:
        if (rule.name, definition_of(rule)) in existing:
            skipped += 1
            continue
        store.save_rule(rule)
        existing.add((rule.name, definition_of(rule)))
        added += 1
    return added, skipped


def _field(item: dict[str, Any], key: str, rule: str) -> str:
    value = item.get(key)
    if not isinstance(value, str):
        raise RuleError(f"rule '{rule}': '{key}' is missing or not text")
    return value


def _parse_rule(item: Any) -> tuple[Rule, list[Any]]:
    if not isinstance(item, dict):
        raise RuleError("each rule in the file must be an object with a name, conditions and actions")
    name = str(item.get("name", "")).strip() or "(no name)"
    try:
        conditions = tuple(Condition(Field(_field(c, "field", name)), Operator(_field(c, "operator", name)),
                                     str(c.get("value", "")), str(c.get("header", "")))
                           for c in item.get("conditions", ()))
        kinds = [ActionKind(_field(a, "action", name)) for a in item.get("actions", ())]
    except ValueError as error:
        raise RuleError(f"rule '{name}': {error}; see docs/rules.md for the fields, operators and actions") from None
    targets: list[Any] = []
    actions: list[Action] = []
    for kind, raw in zip(kinds, item.get("actions", ()), strict=True):
        target = raw.get("folder") if kind in (ActionKind.MOVE, ActionKind.COPY) else raw.get("tag") \
            if kind is ActionKind.TAG else None
        targets.append(target)
        # A placeholder argument, so check_rule sees the action complete; resolved below.
        argument = str(raw.get("to", "")) if kind is ActionKind.FORWARD else ("?" if target else "")
        actions.append(Action(kind, argument))
    return Rule(name=name, conditions=conditions, actions=tuple(actions), match_all=item.get("match", "all") != "any",
                enabled=bool(item.get("enabled", True))), targets


def _resolve(store: Store, rule: Rule, targets: list[Any]) -> Rule:
    actions: list[Action] = []
    for action, target in zip(rule.actions, targets, strict=True):
        if action.kind in (ActionKind.MOVE, ActionKind.COPY):
            actions.append(Action(action.kind, _folder_key(store, rule.name, target)))
        elif action.kind is ActionKind.TAG:
            tag = store.tag_by_name(str(target))
            actions.append(Action(action.kind, str(tag.id if tag is not None
                                                   else store.create_tag(str(target), NEW_TAG_COLOUR))))
        else:
            actions.append(action)
    return Rule(name=rule.name, conditions=rule.conditions, actions=tuple(actions), match_all=rule.match_all,
                enabled=rule.enabled)


def _folder_key(store: Store, rule: str, target: Any) -> str:
    if not isinstance(target, dict):
        raise RuleError(f"rule '{rule}': a folder is written {{\"path\": \"财务/2026\"}} or {{\"builtin\": \"junk\"}}")
    if "builtin" in target:
        try:
            return Folder(str(target["builtin"])).value
        except ValueError:
            raise RuleError(f"rule '{rule}': there is no built-in folder '{target['builtin']}'") from None
    account_id: int | None = None
    if target.get("account"):
        account_id = store.account(str(target["account"])).id
    path = str(target.get("path", "")).strip("/")
    if not path:
        raise RuleError(f"rule '{rule}': the folder has no path")
    folder = store.folder_by_path(account_id, path)
    if folder is not None:
        return folder.key
    parent: int | None = None
    built = ""
    for name in path.split("/"):
        built = f"{built}/{name}" if built else name
        found = store.folder_by_path(account_id, built)
        parent = found.id if found is not None else store.create_folder(account_id, name, parent)
    assert parent is not None
    return folder_key_of(parent)


__all__ = ["FORMAT", "VERSION", "export_rules", "import_rules", "read_rules"]
