"""Mailbox actions on stored mail: read and flag marks, Trash, deleting for good, importing files.

Moving to Trash marks the UIDL DELETED_LOCALLY, which the "delete from the server when I delete it
here" policy acts on at the next fetch; nothing here talks to a server.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from typing import Any

from app.core.errors import ConfigError
from app.core.model import Folder
from app.core.store.messages import MessageTable
from app.core.store.outbox import DRAFT_UIDL_PREFIX, SENT_UIDL_PREFIX
from app.core.store.search_index import SearchIndexTable
from app.core.store.uid_state import UidState

#: UIDL of a message imported from a file (followed by its SHA-256): it never came from a server.
IMPORTED_UIDL_PREFIX = "poplark-import:"

#: Messages deleted for good per transaction: other writers wait at most one chunk (about 60 ms).
#: Times 3 (the condition appears three times) plus its own parameters stays under SQLite's
#: historic limit of 999 variables.
DELETE_CHUNK = 300

#: The server_uids rows of the messages matching ``where`` (its parameters given twice), found by
#: primary key: server_uids has no index on message_id, and a scan of every UIDL the account ever
#: had costs 12 ms per 100,000 on each move to Trash.
_UIDL_ROWS = ("account_id IN (SELECT account_id FROM messages WHERE {where})"
              " AND uidl IN (SELECT uidl FROM messages WHERE {where})")


#: Folders of the messages Poplark wrote, by their UIDL prefix.
_WRITTEN_FOLDERS = ((SENT_UIDL_PREFIX, Folder.SENT), (DRAFT_UIDL_PREFIX, Folder.DRAFTS))


#: Built-in folders a message can be restored to (Trash itself is not one).
_BUILT_IN = frozenset(folder.value for folder in Folder if folder is not Folder.TRASH)


def _origin(uidl: str) -> Folder:
    return next((folder for prefix, folder in _WRITTEN_FOLDERS if uidl.startswith(prefix)), Folder.INBOX)


class MailboxActions(MessageTable, SearchIndexTable):
    """What the user does to stored mail."""

    def set_seen(self, ids: Sequence[int], seen: bool) -> None:
        self._update_messages("seen = ?", int(seen), ids)

    def set_flagged(self, ids: Sequence[int], flagged: bool) -> None:
        self._update_messages("flagged = ?", int(flagged), ids)

    def move_to_folder(self, ids: Sequence[int], folder: str) -> None:
        """Move messages to a folder (a built-in one or a user folder's key), in one transaction.

        Moving to Trash marks their UIDLs DELETED_LOCALLY, which the "delete from the server when
        I delete it here" policy acts on at the next fetch; moving out of Trash undoes that if the
        server has not deleted them yet.
        """
        self._begin()
        try:
            self._move_rows(ids, folder)
            self.commit()
        except BaseException:
            self.rollback()
            raise

    def _move_rows(self, ids: Sequence[int], folder: str) -> None:
        """The UPDATEs of :meth:`move_to_folder`, in the open transaction."""
        to_trash = folder == Folder.TRASH
        deleted_at = time.time() if to_trash else None
        for start in range(0, len(ids), 300):  # x3 below: under SQLite's 999
            chunk = list(ids[start:start + 300])
            marks = ",".join("?" * len(chunk))
            # A message going to Trash remembers where it was (restore puts it back there).
            self._execute("UPDATE messages SET trashed_from = CASE WHEN ? THEN"
                          " (CASE WHEN folder = 'trash' THEN trashed_from ELSE folder END) END,"
                          f" folder = ?, deleted_at = ? WHERE id IN ({marks})",
                          [int(to_trash), str(folder), deleted_at, *chunk])
            old: tuple[UidState, ...]
            if to_trash:
                old, new = (UidState.STORED,), UidState.DELETED_LOCALLY
            else:
                old, new = (UidState.DELETED_LOCALLY, UidState.GONE_FROM_SERVER), UidState.STORED
            states = ",".join("?" * len(old))
            self._execute(f"UPDATE server_uids SET state = ? WHERE state IN ({states})"
                          f" AND {_UIDL_ROWS.format(where=f'id IN ({marks})')} AND message_id IN ({marks})",
                          [new.value, *(state.value for state in old), *chunk, *chunk, *chunk])

    def restore(self, ids: Sequence[int]) -> None:
        """Move messages from Trash back where they came from: the folder they were deleted from
        while it exists, else the Inbox, or Sent and Drafts for what Poplark wrote (known by their
        UIDL); a pending server DELE is cancelled (unless the server has deleted them already)."""
        existing = {f"user:{row[0]}" for row in self._execute("SELECT id FROM folders")}
        origins: dict[str, list[int]] = {}
        for start in range(0, len(ids), 500):
            chunk = list(ids[start:start + 500])
            rows = self._execute("SELECT id, uidl, trashed_from FROM messages"
                                 f" WHERE id IN ({','.join('?' * len(chunk))})", chunk)
            for message_id, uidl, came_from in rows:
                back = came_from if came_from in _BUILT_IN or came_from in existing else _origin(str(uidl))
                origins.setdefault(str(back), []).append(int(message_id))
        for folder, found in origins.items():
            self.move_to_folder(found, folder)

    def empty_trash(self, account_id: int | None = None) -> int:
        """Delete the messages in Trash for good (rows, raw bytes and search index); return how many.

        Their ``server_uids`` rows stay, so a message still on the server is never downloaded
        again; in mirror mode they stay queued (DELETED_LOCALLY) for DELE at the next session.
        """
        where = "folder = ?"
        parameters: list[Any] = [Folder.TRASH.value]
        if account_id is not None:
            where += " AND account_id = ?"
            parameters.append(account_id)
        return self._delete_in_trash([row[0] for row in self._execute(
            f"SELECT id FROM messages WHERE {where}", parameters)])

    def delete_for_good(self, ids: Sequence[int]) -> int:
        """Delete these messages for good, as :meth:`empty_trash` does; return how many.

        Only messages in Trash are deleted (others are left alone): moving to Trash is what
        queues a server DELE in mirror mode, so nothing skips that step.
        """
        return self._delete_in_trash(ids)

    def _delete_in_trash(self, ids: Sequence[int]) -> int:
        """Delete those of ``ids`` that are in Trash, in transactions of :data:`DELETE_CHUNK`.

        Emptying a Trash of 20,000 messages in one transaction held the write lock for 4 s, and
        every other writer (a click in the window, a fetch of another process) waited that long.
        Each chunk checks the folder again, so a message restored meanwhile stays.
        """
        removed = 0
        for start in range(0, len(ids), DELETE_CHUNK):
            chunk = list(ids[start:start + DELETE_CHUNK])
            removed += self._delete_chunk(f"folder = ? AND id IN ({','.join('?' * len(chunk))})",
                                          [Folder.TRASH.value, *chunk])
        return removed

    def _delete_chunk(self, where: str, parameters: list[Any]) -> int:
        """Delete the messages matching ``where`` in one transaction. Their ``server_uids`` rows
        stay, so a message still on the server is never downloaded again."""
        self._begin()
        try:
            # Message ids may be reused once deleted: the UIDL state must not point at a newcomer.
            self._execute(f"UPDATE server_uids SET message_id = NULL WHERE {_UIDL_ROWS.format(where=where)}"
                          f" AND message_id IN (SELECT id FROM messages WHERE {where})", parameters * 3)
            # message_raw goes by ON DELETE CASCADE; the messages_search_delete trigger notes
            # the index rows, which are forgotten before the commit.
            removed = self._execute(f"DELETE FROM messages WHERE {where}", parameters).rowcount
            self.purge_search_index()
            self.commit()
        except BaseException:
            self.rollback()
            raise
        return int(removed)

    def import_message(self, account_id: int, raw: bytes, folder: Folder = Folder.INBOX) -> int:
        """Store a message from a file (a dropped .eml) byte-exact; return its id.

        It gets no ``server_uids`` row, so no session ever DELEs or re-downloads anything
        because of it. Importing bytes identical to a message the account already holds (in
        any folder) stores no second copy and returns the existing message's id.
        """
        digest = hashlib.sha256(raw).hexdigest()
        row = self._execute("SELECT name FROM accounts WHERE id = ?", (account_id,)).fetchone()
        if row is None:
            raise ConfigError(f"there is no account with id {account_id}")
        name = str(row[0])
        self._begin()
        try:
            existing = self._execute("SELECT id FROM messages WHERE account_id = ? AND sha256 = ? LIMIT 1",
                                     (account_id, digest)).fetchone()
            if existing is not None:
                self.commit()
                return int(existing[0])
            summary = self._insert_message(account_id, name, IMPORTED_UIDL_PREFIX + digest, raw, time.time(),
                                           folder)
            self.commit()
        except BaseException:
            self.rollback()
            raise
        return summary.id

    def _update_messages(self, assignment: str, value: object, ids: Sequence[int]) -> None:
        self._begin()
        try:
            for start in range(0, len(ids), 500):
                chunk = list(ids[start:start + 500])
                marks = ",".join("?" * len(chunk))
                self._execute(f"UPDATE messages SET {assignment} WHERE id IN ({marks})", [value, *chunk])
            self.commit()
        except BaseException:
            self.rollback()
            raise
