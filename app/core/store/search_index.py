"""The search index tables: writing prepared text into FTS5 and forgetting deleted messages.

What text is indexed, and how a query is built, is :mod:`app.core.store.search`; this module only
writes and purges rows, in short transactions.
"""

from __future__ import annotations

import json
import struct
import zlib
from collections.abc import Mapping, Sequence

from app.core.store.base import StoreBase


class SearchIndexTable(StoreBase):
    """The FTS5 index rows and their compressed text."""

    def write_search_entries(self, entries: Sequence[tuple[int, str, str, str]], *,
                             sha256_of: Mapping[int, str] | None = None) -> int:
        """Write (message id, subject, addresses, body) index rows in one short transaction.

        The text is already prepared by :func:`app.core.store.search.index_text`. Messages
        deleted (or indexed by another thread) since the text was read are skipped, and so is
        an id whose message no longer has the SHA-256 in ``sha256_of`` (another message took
        the id meanwhile). Returns how many rows were written.
        """
        if not entries:
            return 0
        # Compressed before the transaction: the write lock is shared with the fetch and with a
        # second indexer, and holds only what must be atomic.
        packed_texts = [_pack_search_text(subject, addresses, body) for _, subject, addresses, body in entries]
        ids = [entry[0] for entry in entries]
        self._begin()
        try:
            # First forget deleted messages: an id SQLite gives again must not meet its old row.
            self.purge_search_index()
            # Which are still waiting, and still the same message: one look under the lock, then
            # three statements for the batch instead of three per message.
            waiting = dict(self._execute(
                "SELECT id, sha256 FROM messages INDEXED BY messages_pending_search"
                " WHERE indexed = 0 AND id BETWEEN ? AND ?", (min(ids), max(ids))).fetchall())
            chosen = []
            # In ascending id order, whatever order the batch was read in: FTS5 flushes its pending
            # terms to a new segment whenever a rowid is lower than the one before, so a batch
            # read newest first made one segment per message (indexing took twice as long).
            for entry, packed in sorted(zip(entries, packed_texts, strict=True), key=_by_message_id):
                digest = waiting.pop(entry[0], None)  # popped: an id given twice is written once
                if digest is not None and (sha256_of is None or sha256_of.get(entry[0]) in (None, digest)):
                    chosen.append((entry, packed))
            self._executemany("UPDATE messages SET indexed = 1 WHERE id = ?", [(entry[0],) for entry, _ in chosen])
            self._executemany("INSERT INTO message_search (rowid, subject, addresses, body) VALUES (?, ?, ?, ?)",
                              [entry for entry, _ in chosen])
            self._executemany("INSERT OR REPLACE INTO message_search_text (message_id, text) VALUES (?, ?)",
                              [(entry[0], packed) for entry, packed in chosen])
            self.commit()
        except BaseException:
            self.rollback()
            raise
        return len(chosen)

    def purge_search_index(self) -> int:
        """Forget the index rows of deleted messages (noted by the messages_search_delete
        trigger); return how many. Runs inside the caller's transaction when there is one.

        The index is contentless, so a row is forgotten by handing FTS5 the text it was made
        from again, which message_search_text keeps (compressed) until then.
        """
        rows = self._execute("SELECT d.message_id, t.text FROM message_search_deleted d"
                             " LEFT JOIN message_search_text t ON t.message_id = d.message_id").fetchall()
        for message_id, packed in rows:
            if packed is not None:
                self._execute("INSERT INTO message_search (message_search, rowid, subject, addresses, body)"
                              " VALUES ('delete', ?, ?, ?, ?)", (message_id, *_unpack_search_text(packed)))
                self._execute("DELETE FROM message_search_text WHERE message_id = ?", (message_id,))
            self._execute("DELETE FROM message_search_deleted WHERE message_id = ?", (message_id,))
        return len(rows)

    def raw_for_index(self, message_id: int, limit: int) -> bytes | None:
        """The first ``limit`` bytes of a stored message, read without loading the rest (None when
        it was deleted meanwhile)."""
        try:
            with self.db.blobopen("message_raw", "raw", message_id, readonly=True) as blob:
                return blob.read(limit)
        except Exception:  # noqa: BLE001 - no such row (sqlite3 raises a bare OperationalError)
            return None

    def pending_search_count(self) -> int:
        """How many messages wait for the search indexer."""
        return int(self._execute("SELECT count(*) FROM messages INDEXED BY messages_pending_search"
                                 " WHERE indexed = 0").fetchone()[0])


def _by_message_id(item: tuple[tuple[int, str, str, str], bytes]) -> int:
    return item[0][0]


#: First byte of the packed text since schema 8; before, it was JSON (which begins with "[").
_PACKED_V2 = b"\x01"
_LENGTHS = struct.Struct("<II")
#: First byte of a row compressed with LZ4 (a zlib stream, as rows written before it are, begins
#: with 0x78 or another byte whose low four bits are 8).
_LZ4 = b"\x02"


def _pack_search_text(subject: str, addresses: str, body: str) -> bytes:
    # "surrogatepass": whatever str SQLite accepted must come back identical. Lengths, not
    # JSON: encoding 7 KB of text as JSON cost as much as compressing it. LZ4, not zlib: zlib
    # (even at level 1, or Huffman only) compressed 40 MB/s here, 15 % of the whole indexing
    # time; LZ4 five times as fast, for a text about a fifth larger (20 against 13 MB for the
    # bench mailbox's 5,000 messages). The text is read back only to forget a deleted message.
    import lz4.block  # only when indexing: most commands never write the index

    parts = [text.encode("utf-8", "surrogatepass") for text in (subject, addresses, body)]
    payload = _PACKED_V2 + _LENGTHS.pack(len(parts[0]), len(parts[1])) + b"".join(parts)
    compressed: bytes = lz4.block.compress(payload, store_size=True)
    return _LZ4 + compressed


def check_text_packing() -> str:
    """Pack and unpack a sample as the index does (for ``--self-test``: the bundle carries LZ4)."""
    import lz4

    sample = ("会议 subject", "a@example.com", "body \ud800 text " * 20)
    if _unpack_search_text(_pack_search_text(*sample)) != sample:
        raise ValueError("the search text did not come back as it was packed")
    return f"lz4 {lz4.library_version_string()}"


def _unpack_search_text(packed: bytes) -> tuple[str, str, str]:
    if packed.startswith(_LZ4):
        import lz4.block

        data: bytes = lz4.block.decompress(packed[len(_LZ4):])
    else:
        data = zlib.decompress(packed)  # written before LZ4
    if not data.startswith(_PACKED_V2):
        subject, addresses, body = json.loads(data.decode("utf-8", "surrogatepass"))
        return str(subject), str(addresses), str(body)
    subject_size, addresses_size = _LENGTHS.unpack_from(data, 1)
    start = 1 + _LENGTHS.size
    texts = (data[start:start + subject_size], data[start + subject_size:start + subject_size + addresses_size],
             data[start + subject_size + addresses_size:])
    subject, addresses, body = (text.decode("utf-8", "surrogatepass") for text in texts)
    return subject, addresses, body
