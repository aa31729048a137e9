"""What the rules dialog calls fields, operators, actions and folders, in the user's language.

The core names them in English for the command line (``app/cli/rules.py``); the window says the
same things through Qt's translations (context ``RuleTexts``).
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from app.core.model import Folder
from app.core.rules.model import Action, ActionKind, Field, Operator
from app.core.store import Store
from app.ui.tags.look import display_name

_FIELDS: dict[Field, object] = {
    Field.FROM: QT_TRANSLATE_NOOP("RuleTexts", "From"),
    Field.TO_CC: QT_TRANSLATE_NOOP("RuleTexts", "To or Cc"),
    Field.SUBJECT: QT_TRANSLATE_NOOP("RuleTexts", "Subject"),
    Field.BODY: QT_TRANSLATE_NOOP("RuleTexts", "Body"),
    Field.HEADER: QT_TRANSLATE_NOOP("RuleTexts", "Header named"),
    Field.SIZE: QT_TRANSLATE_NOOP("RuleTexts", "Size (KB)"),
    Field.ACCOUNT: QT_TRANSLATE_NOOP("RuleTexts", "Account"),
    Field.DATE: QT_TRANSLATE_NOOP("RuleTexts", "Date"),
    Field.HAS_ATTACHMENT: QT_TRANSLATE_NOOP("RuleTexts", "Has attachment"),
}

_OPERATORS: dict[Operator, object] = {
    Operator.CONTAINS: QT_TRANSLATE_NOOP("RuleTexts", "contains"),
    Operator.NOT_CONTAINS: QT_TRANSLATE_NOOP("RuleTexts", "does not contain"),
    Operator.IS: QT_TRANSLATE_NOOP("RuleTexts", "is"),
    Operator.BEGINS_WITH: QT_TRANSLATE_NOOP("RuleTexts", "begins with"),
    Operator.MATCHES: QT_TRANSLATE_NOOP("RuleTexts", "matches (regular expression)"),
    Operator.GREATER_THAN: QT_TRANSLATE_NOOP("RuleTexts", "is greater than"),
    Operator.LESS_THAN: QT_TRANSLATE_NOOP("RuleTexts", "is less than"),
    Operator.BEFORE: QT_TRANSLATE_NOOP("RuleTexts", "is before"),
    Operator.AFTER: QT_TRANSLATE_NOOP("RuleTexts", "is after"),
}

_ACTIONS: dict[ActionKind, object] = {
    ActionKind.MOVE: QT_TRANSLATE_NOOP("RuleTexts", "Move to folder"),
    ActionKind.COPY: QT_TRANSLATE_NOOP("RuleTexts", "Copy to folder"),
    ActionKind.TAG: QT_TRANSLATE_NOOP("RuleTexts", "Tag with"),
    ActionKind.MARK_READ: QT_TRANSLATE_NOOP("RuleTexts", "Mark as read"),
    ActionKind.FLAG: QT_TRANSLATE_NOOP("RuleTexts", "Flag"),
    ActionKind.DELETE: QT_TRANSLATE_NOOP("RuleTexts", "Delete (to Trash)"),
    ActionKind.DELETE_FROM_SERVER: QT_TRANSLATE_NOOP("RuleTexts", "Delete from the server"),
    ActionKind.FORWARD: QT_TRANSLATE_NOOP("RuleTexts", "Forward to"),
    ActionKind.STOP: QT_TRANSLATE_NOOP("RuleTexts", "Stop processing more rules"),
}

_BUILT_IN: dict[str, object] = {
    Folder.INBOX.value: QT_TRANSLATE_NOOP("RuleTexts", "Inbox (of the message's account)"),
    Folder.JUNK.value: QT_TRANSLATE_NOOP("RuleTexts", "Junk (of the message's account)"),
    Folder.TRASH.value: QT_TRANSLATE_NOOP("RuleTexts", "Trash (of the message's account)"),
}

_DELETED_TAG = QT_TRANSLATE_NOOP("RuleTexts", "(a deleted tag)")

#: The built-in folders a rule may move or copy to.
BUILT_IN_TARGETS = tuple(_BUILT_IN)


def _tr(text: object) -> str:
    return QCoreApplication.translate("RuleTexts", str(text))


def field_name(field: Field) -> str:
    return _tr(_FIELDS[field])


def operator_name(operator: Operator) -> str:
    return _tr(_OPERATORS[operator])


def action_name(kind: ActionKind) -> str:
    return _tr(_ACTIONS[kind])


_ALL_ACCOUNTS: dict[str, object] = {
    Folder.INBOX.value: QT_TRANSLATE_NOOP("RuleTexts", "Inbox (every account)"),
    Folder.JUNK.value: QT_TRANSLATE_NOOP("RuleTexts", "Junk (every account)"),
    Folder.TRASH.value: QT_TRANSLATE_NOOP("RuleTexts", "Trash (every account)"),
}


def folder_choices(store: Store, *, to_run_on: bool = False) -> list[tuple[str, str]]:
    """(folder key, name to show) of every folder a rule may send mail to: the built-in ones,
    then the user's, by account ("On this computer" for local ones) and path. ``to_run_on``:
    the folders "run now" can look at, where a built-in folder means that of every account."""
    choices = [(key, _tr(text)) for key, text in (_ALL_ACCOUNTS if to_run_on else _BUILT_IN).items()]
    accounts = {account.id: account.name for account in store.accounts()}
    local = _tr(QT_TRANSLATE_NOOP("RuleTexts", "On this computer"))
    found = [(f"{accounts.get(folder.account_id, local) if folder.account_id else local} / "
              f"{store.folder_path(folder.id)}", folder.key) for folder in store.user_folders()]
    choices += [(key, label) for label, key in sorted(found)]
    return choices


def tag_choices(store: Store) -> list[tuple[str, str]]:
    """(tag id as text, name to show), in the tags' own order."""
    return [(str(tag.id), display_name(tag)) for tag in store.tags()]


def describe_action(action: Action, folders: dict[str, str], tags: dict[str, str]) -> str:
    """One action as a sentence piece: "Move to folder 财务/2026"."""
    name = action_name(action.kind)
    if action.kind in (ActionKind.MOVE, ActionKind.COPY):
        where = folders.get(action.argument) or _tr(QT_TRANSLATE_NOOP("RuleTexts", "(a deleted folder)"))
        return f"{name} {where}"
    if action.kind is ActionKind.TAG:
        return f"{name} {tags.get(action.argument) or _tr(_DELETED_TAG)}"
    if action.kind is ActionKind.FORWARD:
        return f"{name} {action.argument}"
    return name


__all__ = ["BUILT_IN_TARGETS", "action_name", "describe_action", "field_name", "folder_choices", "operator_name",
           "tag_choices"]
