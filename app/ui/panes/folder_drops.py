"""Drag and drop between the message list and the folder tree, and of folders inside the tree.

What is dragged travels as MIME data of Poplark's own types: messages as their ids (and the
accounts they belong to, so the tree can refuse another account's Inbox without asking the store
on every mouse move), a user folder as its id. :func:`drop_target` says what a drop on an item
would do, or None when that item takes nothing of the kind; the folder pane accepts or refuses
the drag with it as the mouse moves, and carries it out on the drop. Holding Ctrl copies
messages instead of moving them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QMimeData, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QDrag
from PySide6.QtWidgets import QWidget

from app.core.model import Folder
from app.core.store.user_folders import user_folder_id
from app.ui.models.folder_model import FolderModel

#: Messages dragged from the list: JSON {"ids": [...], "accounts": [...]}.
MESSAGES_MIME = "application/x-poplark-message-ids"
#: A user folder dragged inside the tree: JSON {"id": n}.
FOLDER_MIME = "application/x-poplark-folder"
#: Built-in folders messages can be dropped on (Sent and Drafts hold what Poplark wrote).
_DROP_FOLDERS = (Folder.INBOX, Folder.JUNK, Folder.TRASH)


@dataclass(frozen=True)
class DraggedMessages:
    ids: tuple[int, ...]
    accounts: frozenset[int]


@dataclass(frozen=True)
class MessageDrop:
    """Messages dropped on a folder: move them there (or copy them, with Ctrl)."""

    ids: tuple[int, ...]
    folder_key: str


@dataclass(frozen=True)
class FolderDrop:
    """A user folder dropped on another (``parent_id``), or on its account or "On this computer"
    (None: to the top level)."""

    folder_id: int
    parent_id: int | None


def message_mime(ids: Sequence[int], accounts: set[int]) -> QMimeData:
    mime = QMimeData()
    mime.setData(MESSAGES_MIME, json.dumps({"ids": list(ids), "accounts": sorted(accounts)}).encode())
    return mime


def folder_mime(folder_id: int) -> QMimeData:
    mime = QMimeData()
    mime.setData(FOLDER_MIME, json.dumps({"id": folder_id}).encode())
    return mime


def dragged_messages(mime: QMimeData) -> DraggedMessages | None:
    if not mime.hasFormat(MESSAGES_MIME):
        return None
    try:
        data = json.loads(bytes(mime.data(MESSAGES_MIME).data()))
        return DraggedMessages(tuple(int(each) for each in data["ids"]),
                               frozenset(int(each) for each in data["accounts"]))
    except (ValueError, KeyError, TypeError):
        return None


def dragged_folder(mime: QMimeData) -> int | None:
    if not mime.hasFormat(FOLDER_MIME):
        return None
    try:
        return int(json.loads(bytes(mime.data(FOLDER_MIME).data()))["id"])
    except (ValueError, KeyError, TypeError):
        return None


def drop_target(model: FolderModel, index: QModelIndex | QPersistentModelIndex, mime: QMimeData,
                folder_account: dict[int, int | None]) -> MessageDrop | FolderDrop | None:
    """What dropping ``mime`` on ``index`` would do; None when it cannot go there.

    ``folder_account`` maps each user folder id to its account (None: on this computer).
    """
    messages = dragged_messages(mime)
    if messages is not None:
        return _message_drop(model, index, messages)
    folder_id = dragged_folder(mime)
    if folder_id is None or folder_id not in folder_account:
        return None
    account_id = folder_account[folder_id]
    target = model.user_folder_at(index)
    if target is not None:
        if target == folder_id or folder_account.get(target, -1) != account_id:
            return None  # deeper cycles are refused by the store, with a message
        return FolderDrop(folder_id, target)
    if model.is_local_root(index):
        return FolderDrop(folder_id, None) if account_id is None else None
    location = model.folder_at(index)
    if location is not None and not index.parent().isValid() and location[0] is not None \
            and location[0] == account_id:
        return FolderDrop(folder_id, None)  # on its account's own item: to the top level
    return None


def _message_drop(model: FolderModel, index: QModelIndex | QPersistentModelIndex,
                  messages: DraggedMessages) -> MessageDrop | None:
    location = model.folder_at(index)
    if location is None or not messages.ids:
        return None
    account_id, key = location
    if user_folder_id(key) is not None:
        return MessageDrop(messages.ids, key)
    # A built-in folder belongs to one account: only that account's messages can go there.
    if key in _DROP_FOLDERS and account_id is not None and messages.accounts == {account_id}:
        return MessageDrop(messages.ids, key)
    return None


def drop_copies(modifiers: Qt.KeyboardModifier) -> bool:
    """Whether a drop copies: Ctrl held while dropping; otherwise it moves. (The keys decide, not
    the proposed action: some platforms propose Copy for a plain drop between widgets.)"""
    return bool(modifiers & Qt.KeyboardModifier.ControlModifier)


def start_drag(source: QWidget, mime: QMimeData, actions: Qt.DropAction) -> None:
    """Run a drag from ``source`` (returns when it ends; the drop target does the work)."""
    drag = QDrag(source)
    drag.setMimeData(mime)
    drag.exec(actions, Qt.DropAction.MoveAction)


__all__ = ["FOLDER_MIME", "MESSAGES_MIME", "DraggedMessages", "FolderDrop", "MessageDrop", "dragged_folder",
           "dragged_messages", "drop_copies", "drop_target", "folder_mime", "message_mime", "start_drag"]
