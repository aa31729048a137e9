"""User folders: nested folders of an account or of "On this computer", and moving and copying
mail between any two folders.

A message's ``folder`` column holds a *folder key*: the name of a built-in folder (``inbox``,
``trash``, ``sent``, ``drafts``, ``junk``: :class:`~app.core.model.Folder`) or ``user:<id>`` of a
row of the ``folders`` table (schema 10). A user folder's key names it alone: a message of any
account can be filed in any folder, and a folder lists what it holds whatever account it came
from. Moving changes that one column in one transaction, so a message is always in exactly one
folder, even when the process is killed in the middle (tests/core/test_user_folders_kill9.py).
Moving to or from Trash goes through :meth:`~app.core.store.folders.MailboxActions.move_to_folder`,
which also queues or cancels the server DELE of the "delete from the server" policy.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Sequence
from dataclasses import dataclass

from app.core.errors import ConfigError
from app.core.model import Folder
from app.core.store.folders import MailboxActions

#: What a user folder's key starts with; the rest is its id.
USER_FOLDER_PREFIX = "user:"
#: Separates the names of a folder path ("财务/2026"), so no name contains it.
PATH_SEPARATOR = "/"
#: Longest folder name, in characters (a name is a label in a tree, not a text).
MAX_NAME_LENGTH = 120
#: Ids per statement: under SQLite's historic limit of 999 variables.
_CHUNK = 500


@dataclass(frozen=True)
class UserFolder:
    """A folder the user made. ``account_id`` None: "On this computer"; ``parent_id`` None: top level."""

    id: int
    account_id: int | None
    parent_id: int | None
    name: str

    @property
    def key(self) -> str:
        """What ``messages.folder`` holds for mail in this folder."""
        return folder_key_of(self.id)


class NameProblem(enum.Enum):
    """Why a folder name was refused (the window words each one in the user's language)."""

    EMPTY = "empty"
    SEPARATOR = "separator"
    TOO_LONG = "too long"
    TAKEN = "taken"


class FolderNameError(ConfigError):
    """A folder name that cannot be used; ``problem`` says why."""

    def __init__(self, problem: NameProblem, message: str) -> None:
        super().__init__(message)
        self.problem = problem


def folder_key_of(folder_id: int) -> str:
    """The folder key of the user folder ``folder_id``."""
    return f"{USER_FOLDER_PREFIX}{folder_id}"


def user_folder_id(key: str) -> int | None:
    """The id of the user folder a key names; None for a built-in folder's key (or a bad one)."""
    if not key.startswith(USER_FOLDER_PREFIX):
        return None
    rest = key[len(USER_FOLDER_PREFIX):]
    return int(rest) if rest.isdigit() else None


def as_folder_key(key: str) -> str:
    """``key`` as callers compare it: the :class:`Folder` member for a built-in folder (so ``is
    Folder.TRASH`` works), the key itself for a user folder."""
    try:
        return Folder(key)
    except ValueError:
        return key


def name_problem(name: str) -> NameProblem | None:
    """What is wrong with ``name`` on its own (after stripping spaces); None when it can be used."""
    name = name.strip()
    if not name:
        return NameProblem.EMPTY
    if PATH_SEPARATOR in name:
        return NameProblem.SEPARATOR
    if len(name) > MAX_NAME_LENGTH:
        return NameProblem.TOO_LONG
    return None


def _checked_name(name: str) -> str:
    problem = name_problem(name)
    if problem is NameProblem.EMPTY:
        raise FolderNameError(problem, "a folder needs a name: type one")
    if problem is NameProblem.SEPARATOR:
        raise FolderNameError(problem, f"a folder name cannot contain '{PATH_SEPARATOR}' (it separates the"
                                       " folders of a path such as 财务/2026): choose another name")
    if problem is NameProblem.TOO_LONG:
        raise FolderNameError(problem, f"a folder name can have at most {MAX_NAME_LENGTH} characters:"
                                       " choose a shorter one")
    return " ".join(name.split()) if "\n" in name or "\t" in name else name.strip()


class UserFolders(MailboxActions):
    """Create, rename, move and delete user folders; move and copy messages between folders."""

    # -- reading ------------------------------------------------------------------------------

    def user_folders(self) -> list[UserFolder]:
        """Every user folder, of every account and of "On this computer", ordered by name."""
        rows = self._execute("SELECT id, account_id, parent_id, name FROM folders ORDER BY name COLLATE NOCASE, id")
        return [UserFolder(*row) for row in rows]

    def user_folder(self, folder_id: int) -> UserFolder:
        row = self._execute("SELECT id, account_id, parent_id, name FROM folders WHERE id = ?",
                            (folder_id,)).fetchone()
        if row is None:
            raise ConfigError(f"there is no folder with id {folder_id} (it may have been deleted):"
                              " list the folders with 'poplark folder list'")
        return UserFolder(*row)

    def folder_path(self, folder_id: int) -> str:
        """The names from the top level down to this folder, joined by "/" ("财务/2026")."""
        names: list[str] = []
        current: int | None = folder_id
        seen: set[int] = set()
        while current is not None and current not in seen:
            seen.add(current)
            folder = self.user_folder(current)
            names.append(folder.name)
            current = folder.parent_id
        return PATH_SEPARATOR.join(reversed(names))

    def folder_by_path(self, account_id: int | None, path: str) -> UserFolder | None:
        """The folder at ``path`` ("财务/2026", names compared ignoring case) of an account, or of
        "On this computer" when ``account_id`` is None; None when there is none."""
        parent: UserFolder | None = None
        for name in (part.strip() for part in path.strip(PATH_SEPARATOR).split(PATH_SEPARATOR)):
            row = self._execute(
                "SELECT id, account_id, parent_id, name FROM folders WHERE ifnull(account_id, 0) = ?"
                " AND ifnull(parent_id, 0) = ? AND name = ? COLLATE NOCASE",
                (account_id or 0, parent.id if parent else 0, name)).fetchone()
            if row is None:
                return None
            parent = UserFolder(*row)
        return parent

    def folder_label(self, key: str) -> str:
        """A user folder's name, or a built-in folder's key ("inbox"): for file names and messages."""
        folder_id = user_folder_id(key)
        if folder_id is None:
            return str(key)
        row = self._execute("SELECT name FROM folders WHERE id = ?", (folder_id,)).fetchone()
        return str(row[0]) if row is not None else str(key)

    def folder_exists(self, key: str) -> bool:
        """Whether ``key`` names a folder a message can be in (built-in, or a user folder that exists)."""
        folder_id = user_folder_id(key)
        if folder_id is None:
            return key in Folder._value2member_map_
        return self._execute("SELECT 1 FROM folders WHERE id = ?", (folder_id,)).fetchone() is not None

    def folder_message_count(self, folder_id: int, *, with_subfolders: bool = True) -> int:
        """How many messages a user folder holds (and its subfolders): what deleting it would move."""
        ids = self._folder_subtree(folder_id) if with_subfolders else [folder_id]
        keys = [folder_key_of(each) for each in ids]
        return int(self._execute(f"SELECT count(*) FROM messages WHERE folder IN ({','.join('?' * len(keys))})",
                                 keys).fetchone()[0])

    def user_folder_counts(self) -> dict[str, tuple[int, int]]:
        """(messages, unread) per user folder key that holds mail."""
        rows = self._execute("SELECT folder, count(*), sum(seen = 0) FROM messages WHERE folder >= 'user:'"
                             " AND folder < 'user;' GROUP BY folder")
        return {str(key): (int(total), int(unread or 0)) for key, total, unread in rows}

    def accounts_of(self, ids: Sequence[int]) -> set[int]:
        """The accounts these messages belong to (a drag says them, so built-in folders of another
        account can refuse the drop)."""
        found: set[int] = set()
        for start in range(0, len(ids), _CHUNK):
            chunk = list(ids[start:start + _CHUNK])
            found.update(row[0] for row in self._execute(
                f"SELECT DISTINCT account_id FROM messages WHERE id IN ({','.join('?' * len(chunk))})", chunk))
        return found

    # -- changing folders ---------------------------------------------------------------------

    def create_folder(self, account_id: int | None, name: str, parent_id: int | None = None) -> int:
        """Make a folder (in ``parent_id``, else at the top level); return its id.

        A subfolder belongs to its parent's account. Raises :class:`FolderNameError` for a name
        that cannot be used (also when a sibling has it already).
        """
        name = _checked_name(name)
        self._begin()
        try:
            if parent_id is not None:
                account_id = self.user_folder(parent_id).account_id
            elif account_id is not None and self._execute("SELECT 1 FROM accounts WHERE id = ?",
                                                          (account_id,)).fetchone() is None:
                raise ConfigError(f"there is no account with id {account_id}")
            self._refuse_taken_folder_name(account_id, parent_id, name, None)
            cursor = self._execute("INSERT INTO folders (account_id, parent_id, name, created_at) VALUES (?, ?, ?, ?)",
                                   (account_id, parent_id, name, time.time()))
            self.commit()
        except BaseException:
            self.rollback()
            raise
        assert cursor.lastrowid is not None
        return int(cursor.lastrowid)

    def rename_folder(self, folder_id: int, name: str) -> None:
        name = _checked_name(name)
        self._begin()
        try:
            folder = self.user_folder(folder_id)
            self._refuse_taken_folder_name(folder.account_id, folder.parent_id, name, folder_id)
            self._execute("UPDATE folders SET name = ? WHERE id = ?", (name, folder_id))
            self.commit()
        except BaseException:
            self.rollback()
            raise

    def move_folder(self, folder_id: int, parent_id: int | None) -> None:
        """Put a folder (with its subfolders and mail) inside ``parent_id``, or at the top level of
        its account when None. A folder cannot go into itself or one of its subfolders, nor to
        another account's tree (its mail would not follow the account's settings)."""
        self._begin()
        try:
            folder = self.user_folder(folder_id)
            if parent_id is not None:
                parent = self.user_folder(parent_id)
                if parent_id in self._folder_subtree(folder_id):
                    raise ConfigError(f"the folder '{folder.name}' cannot go inside itself or one of its"
                                      " subfolders: choose another folder")
                if parent.account_id != folder.account_id:
                    raise ConfigError(f"the folder '{folder.name}' can move only among the folders of its own"
                                      " account (or of On this computer): choose a folder there")
            self._refuse_taken_folder_name(folder.account_id, parent_id, folder.name, folder_id)
            self._execute("UPDATE folders SET parent_id = ? WHERE id = ?", (parent_id, folder_id))
            self.commit()
        except BaseException:
            self.rollback()
            raise

    def delete_folder(self, folder_id: int) -> int:
        """Delete a folder and its subfolders; their mail goes to Trash (each message to its own
        account's Trash), all in one transaction. Return how many messages went to Trash."""
        self._begin()
        try:
            keys = [folder_key_of(each) for each in self._folder_subtree(folder_id)]
            marks = ",".join("?" * len(keys))
            ids = [row[0] for row in self._execute(f"SELECT id FROM messages WHERE folder IN ({marks})", keys)]
            self._move_rows(ids, Folder.TRASH)
            # Subfolders go by ON DELETE CASCADE.
            self._execute("DELETE FROM folders WHERE id = ?", (folder_id,))
            self.commit()
        except BaseException:
            self.rollback()
            raise
        return len(ids)

    # -- moving and copying mail --------------------------------------------------------------

    def move_messages(self, ids: Sequence[int], folder_key: str) -> None:
        """Move messages to the folder ``folder_key`` in one transaction (see :meth:`move_to_folder`)."""
        self._begin()
        try:
            self._check_folder_target(folder_key)
            self._move_rows(ids, folder_key)
            self.commit()
        except BaseException:
            self.rollback()
            raise

    def copy_messages(self, ids: Sequence[int], folder_key: str) -> list[int]:
        """Copy messages (bytes, list fields, marks and tags) into a folder, in one transaction; return
        the new ids in the order of ``ids`` (ids that no longer exist are skipped).

        A copy is local only: it has no server_uids row, so deleting it never deletes anything on
        a server, and deleting the original leaves it alone. The indexer picks it up for search.
        """
        copied: list[int] = []
        deleted_at = time.time() if folder_key == Folder.TRASH else None
        self._begin()
        try:
            self._check_folder_target(folder_key)
            for message_id in ids:
                cursor = self._execute(
                    "INSERT INTO messages (account_id, uidl, received_at, date, sort_date, sender, recipients,"
                    " subject, message_id, size, sha256, has_attachments, seen, flagged, folder, deleted_at,"
                    " parse_error, indexed, addresses_seen, whole_size)"
                    " SELECT account_id, uidl, received_at, date, sort_date, sender, recipients, subject,"
                    " message_id, size, sha256, has_attachments, seen, flagged, ?, ?, parse_error, 0, 1,"
                    " whole_size FROM messages WHERE id = ?", (str(folder_key), deleted_at, message_id))
                if not cursor.rowcount:
                    continue
                new_id = cursor.lastrowid
                assert new_id is not None
                self._execute("INSERT INTO message_raw (message_id, raw) SELECT ?, raw FROM message_raw"
                              " WHERE message_id = ?", (new_id, message_id))
                # A copy keeps its tags, as in Thunderbird (they belong to the message).
                self._execute("INSERT INTO message_tags (message_id, tag_id) SELECT ?, tag_id FROM message_tags"
                              " WHERE message_id = ?", (new_id, message_id))
                copied.append(int(new_id))
            self.commit()
        except BaseException:
            self.rollback()
            raise
        return copied

    # -- internals ----------------------------------------------------------------------------

    def _check_folder_target(self, folder_key: str) -> None:
        if not self.folder_exists(folder_key):
            raise ConfigError("the folder chosen no longer exists (it was deleted meanwhile): choose another one")

    def _folder_subtree(self, folder_id: int) -> list[int]:
        """``folder_id`` and the ids of every folder inside it."""
        rows = self._execute(
            "WITH RECURSIVE tree(id) AS (SELECT ? UNION SELECT f.id FROM folders f JOIN tree t ON f.parent_id = t.id)"
            " SELECT id FROM tree", (folder_id,))
        return [int(row[0]) for row in rows]

    def _refuse_taken_folder_name(self, account_id: int | None, parent_id: int | None, name: str,
                                  itself: int | None) -> None:
        row = self._execute(
            "SELECT id FROM folders WHERE ifnull(account_id, 0) = ? AND ifnull(parent_id, 0) = ?"
            " AND name = ? COLLATE NOCASE AND id IS NOT ?", (account_id or 0, parent_id or 0, name, itself)).fetchone()
        if row is not None:
            raise FolderNameError(NameProblem.TAKEN, f"there is already a folder named '{name}' there:"
                                                     " choose another name")


__all__ = ["MAX_NAME_LENGTH", "PATH_SEPARATOR", "USER_FOLDER_PREFIX", "FolderNameError", "NameProblem",
           "UserFolder", "UserFolders", "as_folder_key", "folder_key_of", "name_problem", "user_folder_id"]
