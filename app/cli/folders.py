"""``poplark folder list|create|rename|delete`` and ``poplark move ID... FOLDER``: the user's own
folders from a terminal, and the folder names ``list --folder`` and ``search --folder`` take.

A folder is named by its path, names joined by "/" ("财务/2026"), in an account's tree with
``--account NAME`` or in "On this computer" without it. Where no local folder has the path and
exactly one account has it, that one is meant; when several do, the command asks for
``--account``. The built-in folders are named by their key: inbox, junk, trash, sent, drafts.
"""

from __future__ import annotations

import argparse
import json
import sys

from app.cli.presenter import EXIT_OK
from app.core.errors import ConfigError
from app.core.model import Folder
from app.core.store import Profile, Store
from app.core.store.user_folders import PATH_SEPARATOR, UserFolder

_BUILT_IN = ", ".join(folder.value for folder in Folder)


def add_folder_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    folder = commands.add_parser("folder", help="list, create, rename or delete your own folders")
    actions = folder.add_subparsers(dest="folder_command", required=True, metavar="ACTION")
    listing = actions.add_parser("list", help="every folder with its path, messages and unread count")
    listing.add_argument("--account", metavar="NAME", help="only this account's folders")
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    create = actions.add_parser("create", help="make a folder (and the folders of its path that are missing)")
    rename = actions.add_parser("rename", help="give a folder another name (it stays where it is)")
    delete = actions.add_parser("delete", help="delete a folder and its subfolders; their mail goes to Trash")
    for parser in (create, rename, delete):
        parser.add_argument("path", metavar="PATH", help="the folder's path, e.g. 财务/2026")
        parser.add_argument("--account", metavar="NAME",
                            help="the folder is in this account's tree (default: On this computer)")
        parser.add_argument("--json", action="store_true", help="say what was done as one JSON object")
    rename.add_argument("name", metavar="NEW_NAME")
    delete.add_argument("--yes", action="store_true", help="delete it even when it holds mail")
    move = commands.add_parser("move", help="move stored messages to a folder")
    move.add_argument("ids", metavar="ID", type=int, nargs="+")
    move.add_argument("folder", metavar="FOLDER", help=f"a folder path (e.g. 财务/2026) or one of {_BUILT_IN}")
    move.add_argument("--account", metavar="NAME", help="the folder is in this account's tree")
    move.add_argument("--copy", action="store_true", help="copy instead of moving (the originals stay)")


def resolve_folder(store: Store, account_name: str | None, name: str) -> str:
    """The folder key ``name`` means: a built-in folder's key, or a user folder's path."""
    try:
        return Folder(name.strip().lower())
    except ValueError:
        pass
    return _folder_at(store, account_name, name).key


def _folder_at(store: Store, account_name: str | None, path: str) -> UserFolder:
    if account_name:
        account_id = store.account(account_name).id  # a clear error for an unknown name
        found = store.folder_by_path(account_id, path)
        if found is None:
            raise ConfigError(f"account {account_name!r} has no folder {path!r}: see 'poplark folder list"
                              f" --account {account_name}', or make it with 'poplark folder create'")
        return found
    found = store.folder_by_path(None, path)
    if found is not None:
        return found
    matches = [folder for account in store.accounts() if account.id is not None
               if (folder := store.folder_by_path(account.id, path)) is not None]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise ConfigError(f"several accounts have a folder {path!r}: name one with --account")
    raise ConfigError(f"there is no folder {path!r} (nor a built-in one: {_BUILT_IN}): see 'poplark folder list'")


def command_folder(store: Store, profile: Profile, arguments: argparse.Namespace) -> int:
    action = arguments.folder_command
    if action == "list":
        return _list(store, arguments)
    account_id = store.account(arguments.account).id if arguments.account else None
    if action == "create":
        folder_id = _create_path(store, account_id, arguments.path)
        _say(arguments, f"created {store.folder_path(folder_id)}", {"created": _described(store, folder_id)})
    elif action == "rename":
        folder = _folder_at(store, arguments.account, arguments.path)
        store.rename_folder(folder.id, arguments.name)
        _say(arguments, f"renamed {arguments.path} to {store.folder_path(folder.id)}",
             {"renamed": _described(store, folder.id)})
    else:
        folder = _folder_at(store, arguments.account, arguments.path)
        count = store.folder_message_count(folder.id)
        if count and not arguments.yes:
            raise ConfigError(f"{arguments.path} and its subfolders hold {count} message(s), which would go to"
                              " Trash: add --yes to delete it anyway")
        described = _described(store, folder.id)
        moved = store.delete_folder(folder.id)
        _say(arguments, f"deleted {arguments.path}; {moved} message(s) moved to Trash",
             {"deleted": described, "moved_to_trash": moved})
    return EXIT_OK


def command_move(store: Store, profile: Profile, arguments: argparse.Namespace) -> int:
    key = resolve_folder(store, arguments.account, arguments.folder)
    found = set(store.summaries(arguments.ids))
    missing = [message_id for message_id in arguments.ids if message_id not in found]
    if missing:
        raise ConfigError(f"there is no message with id {', '.join(map(str, missing))}: see 'poplark list'"
                          " for the ids (nothing was moved)")
    if arguments.copy:
        copies = store.copy_messages(arguments.ids, key)
        print(f"copied {len(copies)} message(s) to {arguments.folder} (new ids: {' '.join(map(str, copies))})")
    else:
        store.move_messages(arguments.ids, key)
        print(f"moved {len(arguments.ids)} message(s) to {arguments.folder}")
    return EXIT_OK


def _create_path(store: Store, account_id: int | None, path: str) -> int:
    """Make each folder of ``path`` that does not exist yet; return the last one's id."""
    parent: int | None = None
    names = [name for name in path.split(PATH_SEPARATOR) if name.strip()]
    if not names:
        raise ConfigError("a folder needs a name: give a path such as 财务/2026")
    for depth, name in enumerate(names):
        existing = store.folder_by_path(account_id, PATH_SEPARATOR.join(names[:depth + 1]))
        if existing is not None and depth < len(names) - 1:
            parent = existing.id
            continue
        parent = store.create_folder(account_id, name, parent)  # the last one existing: refused by name
    assert parent is not None
    return parent


def _described(store: Store, folder_id: int) -> dict[str, object]:
    folder = store.user_folder(folder_id)
    accounts = {account.id: account.name for account in store.accounts()}
    return {"id": folder.id, "account": accounts.get(folder.account_id) if folder.account_id else None,
            "path": store.folder_path(folder.id), "name": folder.name, "parent_id": folder.parent_id}


def _list(store: Store, arguments: argparse.Namespace) -> int:
    wanted = store.account(arguments.account).id if arguments.account else None
    counts = store.user_folder_counts()
    rows = []
    for folder in store.user_folders():
        if wanted is not None and folder.account_id != wanted:
            continue
        row = _described(store, folder.id)
        row["messages"], row["unread"] = counts.get(folder.key, (0, 0))
        rows.append(row)
    rows.sort(key=lambda row: (str(row["account"] or ""), str(row["path"]).casefold()))
    for row in rows:
        if arguments.json:
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        else:
            place = row["account"] or "On this computer"
            print(f"{place}: {row['path']}  ({row['messages']} messages, {row['unread']} unread)")
    if not rows and not arguments.json:
        print("no folders yet: make one with 'poplark folder create PATH' (add --account NAME for an account's)")
    return EXIT_OK


def _say(arguments: argparse.Namespace, text: str, data: dict[str, object]) -> None:
    if arguments.json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
    else:
        print(text)


__all__ = ["add_folder_parser", "command_folder", "command_move", "resolve_folder"]
