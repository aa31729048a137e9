"""Partial messages: stored with only their header block, the rest left on the server (issue 18).

A partial message is an ordinary row of ``messages`` (the list, the reader and search treat it as
any other) with ``whole_size``, the LIST size of the whole message, set; its ``server_uids`` row is
in state PARTIAL, which no policy deletes from the server and no fetch downloads again.
Completing it replaces the bytes in place, in one transaction: the row keeps its id, folder,
read and flag state; its list fields and digest are those of the whole message, its search entry
is made again, and the UIDL becomes STORED.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from app.core.model import Account, Folder, MessageSummary
from app.core.store.messages import MessageTable
from app.core.store.search_index import SearchIndexTable
from app.core.store.uid_state import UidState


@dataclass(frozen=True)
class PartialMessage:
    """What is known of a stored partial message."""

    message_id: int
    account_id: int
    #: Its key in server_uids (the UIDL, unless the server shared it).
    uidl: str
    stored_size: int
    #: The whole message's LIST size when it was stored (a hint: servers miscount a little).
    whole_size: int

    @property
    def missing_octets(self) -> int:
        return max(self.whole_size - self.stored_size, 0)


class PartialMessages(MessageTable, SearchIndexTable):
    """Storing header blocks as partial messages, and completing them in place."""

    def add_partial_messages(self, account: Account, incoming: Sequence[tuple[str, bytes, float, int]]
                             ) -> list[MessageSummary]:
        """Store (key, header block, received_at, whole size) items in one durable transaction."""
        assert account.id is not None
        if not incoming:
            return []
        stored: list[MessageSummary] = []
        try:
            for key, raw, received, whole_size in incoming:
                summary = self._insert_message(account.id, account.name, key, raw, received, Folder.INBOX)
                self._execute("UPDATE messages SET whole_size = ? WHERE id = ?", (whole_size, summary.id))
                self._execute(
                    "INSERT INTO server_uids (account_id, uidl, first_seen, state, message_id) VALUES (?, ?, ?, ?, ?)"
                    " ON CONFLICT (account_id, uidl) DO UPDATE SET state = excluded.state,"
                    " message_id = excluded.message_id",
                    (account.id, key, received, UidState.PARTIAL.value, summary.id))
                stored.append(summary)
            self.commit()
        except BaseException:
            self.rollback()
            raise
        return stored

    def partial_message(self, message_id: int) -> PartialMessage | None:
        """The partial message ``message_id``, or None when it is whole (or unknown)."""
        row = self._execute("SELECT id, account_id, uidl, size, whole_size FROM messages"
                            " WHERE id = ? AND whole_size IS NOT NULL", (message_id,)).fetchone()
        return PartialMessage(*row) if row is not None else None

    def partial_ids(self, account_id: int) -> dict[str, int]:
        """Key (UIDL) -> message id of the account's partial messages."""
        rows = self._execute("SELECT uidl, id FROM messages WHERE account_id = ? AND whole_size IS NOT NULL",
                             (account_id,))
        return {uidl: message_id for uidl, message_id in rows}

    def partial_count(self, account_id: int | None = None) -> int:
        """How many partial messages are stored (for one account, or all)."""
        if account_id is None:
            row = self._execute("SELECT count(*) FROM messages WHERE whole_size IS NOT NULL").fetchone()
        else:
            row = self._execute("SELECT count(*) FROM messages WHERE whole_size IS NOT NULL AND account_id = ?",
                                (account_id,)).fetchone()
        return int(row[0])

    def complete_message(self, message_id: int, raw: bytes) -> MessageSummary:
        """Replace the partial message's bytes by the whole message's, keeping the row.

        Raises KeyError when the message is no longer partial (completed or deleted meanwhile).
        """
        from app.core.message.summary import summarize

        parsed = summarize(raw)
        digest = hashlib.sha256(raw).hexdigest()
        self._begin()
        try:
            row = self._execute("SELECT account_id, uidl, indexed FROM messages"
                                " WHERE id = ? AND whole_size IS NOT NULL", (message_id,)).fetchone()
            if row is None:
                raise KeyError(message_id)
            account_id, uidl, indexed = row
            if indexed:
                # Its search entry was made from the headers alone: forget it (the index is
                # contentless, see schema 2 -> 3) and let the indexer read the whole message.
                self._execute("INSERT OR IGNORE INTO message_search_deleted (message_id) VALUES (?)", (message_id,))
                self.purge_search_index()
            self._execute(
                "UPDATE messages SET date = ?, sender = ?, recipients = ?, subject = ?, message_id = ?, size = ?,"
                " sha256 = ?, has_attachments = ?, parse_error = ?, whole_size = NULL, indexed = 0 WHERE id = ?",
                (parsed.date, parsed.sender, parsed.recipients, parsed.subject, parsed.message_id, len(raw), digest,
                 int(parsed.has_attachments), parsed.error, message_id))
            self._execute("UPDATE message_raw SET raw = ? WHERE message_id = ?", (raw, message_id))
            self._execute("UPDATE server_uids SET state = ? WHERE account_id = ? AND uidl = ? AND state = ?",
                          (UidState.STORED.value, account_id, uidl, UidState.PARTIAL.value))
            self.commit()
        except BaseException:
            self.rollback()
            raise
        return self.message(message_id)
