"""``poplark rules list|import|export|apply``: the filter rules the window's dialog edits.

The grammar is here with only argparse imported: the command line's start-up stays light; the
rules' modules are imported when the command runs.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.cli.presenter import EXIT_OK
from app.core.errors import ConfigError

if TYPE_CHECKING:
    from app.core.rules.apply import RunOutcome
    from app.core.rules.model import Action
    from app.core.store import Profile, Store


def add_rules_parser(commands: Any) -> None:
    """The ``rules`` command's grammar, added to the top-level subparsers."""
    rules = commands.add_parser("rules", help="filter rules: list, import, export, apply")
    actions = rules.add_subparsers(dest="rules_command", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="list the rules in the order they run")
    listing.add_argument("--json", action="store_true", help="the rules as the JSON file format (docs/rules.md)")
    imported = actions.add_parser("import", help="add the rules of a JSON file (docs/rules.md) after the others")
    imported.add_argument("file", type=Path)
    exported = actions.add_parser("export", help="write every rule to a JSON file (folders by path, tags by name)")
    exported.add_argument("file", type=Path)
    apply = actions.add_parser("apply", help="run the enabled rules over the mail of a folder now")
    apply.add_argument("--folder", default="inbox", metavar="F",
                       help="inbox (the default), junk, trash, or a folder's path such as 财务/2026")
    apply.add_argument("--account", metavar="NAME", help="only this account's mail (and its folder of that path)")
    apply.add_argument("--dry-run", action="store_true", help="print what would happen and change nothing")


def command_rules(store: Store, profile: Profile, arguments: argparse.Namespace) -> int:
    command = arguments.rules_command
    if command == "list":
        return _list(store, arguments.json)
    if command == "export":
        from app.core.rules.exchange import export_rules

        text = export_rules(store)
        try:
            arguments.file.write_text(text, encoding="utf-8")
        except OSError as error:
            raise ConfigError(f"cannot write {arguments.file}: {error.strerror or error}; "
                              "choose another file") from None
        print(f"{len(store.rules())} rule(s) written to {arguments.file}")
        return EXIT_OK
    if command == "import":
        from app.core.rules.exchange import import_rules

        try:
            text = arguments.file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise ConfigError(f"cannot read {arguments.file}: {error}; check the file's name") from None
        added, skipped = import_rules(store, text)
        print(f"{added} rule(s) added" + (f", {skipped} already there" if skipped else ""))
        return EXIT_OK
    return _apply(store, arguments)


def _list(store: Store, as_json: bool) -> int:
    if as_json:
        from app.core.rules.exchange import export_rules

        sys.stdout.write(export_rules(store))
        return EXIT_OK
    rules = store.rules()
    if not rules:
        print("no rules yet: add them in the window (Tools > Filter Rules) or with 'poplark rules import FILE'")
    for number, rule in enumerate(rules, 1):
        state = "on " if rule.enabled else "off"
        joiner = " and " if rule.match_all else " or "
        conditions = joiner.join(_condition_text(condition) for condition in rule.conditions)
        actions = "; ".join(describe_action(store, action) for action in rule.actions)
        print(f"{number:>3} [{state}] {rule.name}: if {conditions} then {actions}")
    return EXIT_OK


def _condition_text(condition: Any) -> str:
    field = condition.header if condition.header else condition.field.value.replace("_", "/")
    return f"{field} {condition.operator.value.replace('_', ' ')} {json.dumps(condition.value, ensure_ascii=False)}"


def describe_action(store: Store, action: Action) -> str:
    from app.core.rules.model import ActionKind
    from app.core.store.user_folders import user_folder_id

    kind = action.kind
    if kind in (ActionKind.MOVE, ActionKind.COPY):
        folder_id = user_folder_id(action.argument)
        try:
            where = store.folder_path(folder_id) if folder_id is not None else action.argument.capitalize()
        except ConfigError:
            where = "(a deleted folder)"
        return f"{kind.value} to {where}"
    if kind is ActionKind.TAG:
        names = {str(tag.id): tag.name for tag in store.tags()}
        return f"tag {names.get(action.argument, '(a deleted tag)')}"
    if kind is ActionKind.FORWARD:
        return f"forward to {action.argument}"
    return kind.value.replace("_", " ")


def _folder_key(store: Store, folder: str, account_id: int | None) -> str:
    from app.core.model import Folder

    try:
        return Folder(folder.lower()).value
    except ValueError:
        pass
    found = store.folder_by_path(account_id, folder)
    if found is None and account_id is not None:
        found = store.folder_by_path(None, folder)
    if found is None:
        raise ConfigError(f"there is no folder '{folder}': 'poplark folder list' shows them")
    return found.key


def _apply(store: Store, arguments: argparse.Namespace) -> int:
    from app.core.rules.apply import run_rules_on_folder

    account_id = store.account(arguments.account).id if arguments.account else None
    key = _folder_key(store, arguments.folder, account_id)
    if not [rule for rule in store.rules() if rule.enabled]:
        print("no enabled rule: nothing to do (see 'poplark rules list')")
        return EXIT_OK
    outcome = run_rules_on_folder(store, key, account_id, dry_run=arguments.dry_run)
    _print_outcome(store, outcome, arguments.dry_run)
    if not arguments.dry_run and outcome.created:
        from app.cli.catch_up import index_pending_mail

        index_pending_mail(store)  # copies are new messages: searchable before we return
    return EXIT_OK


def _print_outcome(store: Store, outcome: RunOutcome, dry_run: bool) -> None:
    summaries = store.summaries([decision.message_id for decision in outcome.decisions])
    for decision in outcome.decisions:
        summary = summaries.get(decision.message_id)
        subject = summary.subject if summary is not None else ""
        steps = "; ".join(f"{rule.name}: " + ", ".join(describe_action(store, action) for action in rule.actions)
                          for rule in decision.rules)
        print(f"{decision.message_id}\t{subject}\t-> {steps}")
    if dry_run:
        print(f"{len(outcome.decisions)} message(s) would be changed (dry run: nothing was)")
        return
    print(f"{len(outcome.decisions)} message(s): {outcome.moved} moved, {outcome.copied} copied, "
          f"{outcome.tagged} tagged, {outcome.marked} marked, {outcome.forwarded} forward(s) queued, "
          f"{outcome.server_deletions} to delete from the server at the next fetch")
    for problem in outcome.problems:
        print(f"poplark: warning: {problem}", file=sys.stderr)


__all__ = ["add_rules_parser", "command_rules", "describe_action"]
