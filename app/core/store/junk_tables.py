"""The junk filter's tables (issue 19; :mod:`app.core.junk` decides, this module only reads and
writes): token counts, what each trained message was trained as, the settings and counts in
``junk_state``, the blocked senders, and the look-ups that say whom the user trusts.

Nothing here leaves the profile's database: the model is shared by the window and the command
line, and survives restarts, because it is these rows.
"""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from app.core.store.base import StoreBase

#: An address inside recipients kept as shown ("Name <a@b>, c@d") or as a JSON list.
_ADDRESS = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
#: Tokens looked up per statement: one JSON parameter, so no bound-variable limit applies; the
#: bound keeps one statement's work (and its result) small for very long messages.
_LOOKUP_CHUNK = 5_000


@dataclass(frozen=True)
class TrainedMessage:
    """What one message was trained as, with the tokens that were counted for it."""

    message_id: int
    sha256: str
    junk: bool
    tokens: frozenset[str]


def _pack(tokens: Iterable[str]) -> bytes:
    # NUL cannot occur in a token (the tokenizer keeps word characters and a few separators).
    return zlib.compress("\x00".join(sorted(tokens)).encode("utf-8"))


def _unpack(blob: bytes) -> frozenset[str]:
    text = zlib.decompress(blob).decode("utf-8")
    return frozenset(text.split("\x00")) if text else frozenset()


class JunkTables(StoreBase):
    """The junk filter's rows: counts, training records, settings and the blocked senders."""

    def junk_state(self) -> dict[str, str]:
        """Every setting and count of ``junk_state``, and each blocked entry under ``block:<entry>``:
        one cheap query, which is all the new-mail hook costs while the filter is untrained."""
        rows = self._execute("SELECT key, value FROM junk_state"
                             " UNION ALL SELECT 'block:' || entry, '' FROM junk_blacklist").fetchall()
        return {str(key): str(value) for key, value in rows}

    def set_junk_state(self, values: dict[str, str]) -> None:
        self._begin()
        try:
            for key, value in values.items():
                self._execute("INSERT INTO junk_state (key, value) VALUES (?, ?)"
                              " ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, value))
            self.commit()
        except BaseException:
            self.rollback()
            raise

    def junk_blacklist(self) -> list[str]:
        return [str(row[0]) for row in self._execute("SELECT entry FROM junk_blacklist ORDER BY entry")]

    def set_junk_blacklist(self, entries: Iterable[str]) -> None:
        """Replace the blocked senders and domains (already case-folded) in one transaction."""
        self._begin()
        try:
            self._execute("DELETE FROM junk_blacklist")
            self._insert_blacklist(entries)
            self.commit()
        except BaseException:
            self.rollback()
            raise

    def _insert_blacklist(self, entries: Iterable[str]) -> None:
        for entry in entries:
            self._execute("INSERT OR IGNORE INTO junk_blacklist (entry) VALUES (?)", (entry,))

    def token_counts(self, tokens: Sequence[str]) -> dict[str, tuple[int, int]]:
        """token -> (junk messages, good messages) that had it, for the tokens ever trained."""
        counts: dict[str, tuple[int, int]] = {}
        for start in range(0, len(tokens), _LOOKUP_CHUNK):
            chunk = json.dumps(list(tokens[start:start + _LOOKUP_CHUNK]), ensure_ascii=False)
            for token, junk, ham in self._execute(
                    "SELECT token, junk, ham FROM junk_tokens WHERE token IN (SELECT value FROM json_each(?))",
                    (chunk,)):
                counts[str(token)] = (int(junk), int(ham))
        return counts

    def trained_messages(self, ids: Sequence[int]) -> dict[int, TrainedMessage]:
        found: dict[int, TrainedMessage] = {}
        rows = self._execute("SELECT message_id, sha256, verdict, tokens FROM junk_trained"
                             " WHERE message_id IN (SELECT value FROM json_each(?))", (json.dumps(list(ids)),))
        for message_id, sha256, verdict, blob in rows:
            found[int(message_id)] = TrainedMessage(int(message_id), str(sha256), verdict == "junk",
                                                    _unpack(bytes(blob)))
        return found

    def apply_training(self, forget: Sequence[TrainedMessage], learn: Sequence[TrainedMessage],
                       forget_records: Sequence[int] = ()) -> None:
        """Take the counts of ``forget`` back, add those of ``learn`` and record them, and drop the
        records of ``forget_records``, all in one transaction (a crash leaves the model as it was).
        The class totals live in ``junk_state`` (``junk_messages``, ``ham_messages``)."""
        delta: dict[str, list[int]] = {}
        totals = [0, 0]
        for sign, messages in ((-1, forget), (1, learn)):
            for message in messages:
                column = 0 if message.junk else 1
                totals[column] += sign
                for token in message.tokens:
                    delta.setdefault(token, [0, 0])[column] += sign
        self._begin()
        try:
            self._execute(
                "INSERT INTO junk_tokens (token, junk, ham) SELECT key, json_extract(value, '$[0]'),"
                " json_extract(value, '$[1]') FROM json_each(?) WHERE true"
                " ON CONFLICT(token) DO UPDATE SET junk = max(0, junk + excluded.junk),"
                " ham = max(0, ham + excluded.ham)",
                (json.dumps({token: change for token, change in delta.items() if change != [0, 0]},
                            ensure_ascii=False),))
            # A token forgotten that was never counted (a model restored from elsewhere) would be
            # inserted negative: nothing is ever below zero.
            self._execute("UPDATE junk_tokens SET junk = max(0, junk), ham = max(0, ham)"
                          " WHERE (junk < 0 OR ham < 0) AND token IN (SELECT key FROM json_each(?))",
                          (json.dumps(delta, ensure_ascii=False),))
            self._execute("DELETE FROM junk_tokens WHERE junk <= 0 AND ham <= 0"
                          " AND token IN (SELECT key FROM json_each(?))", (json.dumps(delta, ensure_ascii=False),))
            for key, change in (("junk_messages", totals[0]), ("ham_messages", totals[1])):
                self._execute("INSERT INTO junk_state (key, value) VALUES (?, max(0, ?))"
                              " ON CONFLICT(key) DO UPDATE SET value = max(0, CAST(value AS INTEGER) + ?)",
                              (key, change, change))
            for message_id in [*forget_records, *(message.message_id for message in forget)]:
                self._execute("DELETE FROM junk_trained WHERE message_id = ?", (message_id,))
            for message in learn:
                self._execute("INSERT OR REPLACE INTO junk_trained (message_id, sha256, verdict, tokens)"
                              " VALUES (?, ?, ?, ?)", (message.message_id, message.sha256,
                                                       "junk" if message.junk else "ham", _pack(message.tokens)))
            self.commit()
        except BaseException:
            self.rollback()
            raise

    def junk_token_count(self) -> int:
        return int(self._execute("SELECT count(*) FROM junk_tokens").fetchone()[0])

    def contact_addresses_among(self, addresses: Iterable[str]) -> set[str]:
        """Those of ``addresses`` (case-folded) that are in the address book: one indexed look-up."""
        wanted = sorted({address for address in addresses if address})
        if not wanted:
            return set()
        rows = self._execute("SELECT address_key FROM contact_addresses"
                             " WHERE address_key IN (SELECT value FROM json_each(?))",
                             (json.dumps(wanted, ensure_ascii=False),))
        return {str(row[0]) for row in rows}

    def written_to_addresses(self) -> set[str]:
        """Every address (case-folded) the user wrote to: the recipients of Sent and of the
        outbox. One pass over those rows; the junk filter asks once per group of new mail, and
        only when a message would be junk."""
        found: set[str] = set()
        for (recipients,) in self._execute("SELECT recipients FROM messages WHERE folder = 'sent'"
                                           " UNION ALL SELECT recipients FROM outbox"):
            found.update(match.casefold() for match in _ADDRESS.findall(str(recipients)))
        return found
