"""The junk filter on the store: classify new mail (the new-mail hook's first step), train and
untrain from the user's "Junk" and "Not Junk", and say how the model stands.

Cost, since every fetch passes here (docs/architecture.md, "Junk filter"): while the filter is off
or untrained, one query per group (``junk_state``, a few rows); once trained, per message: its
raw bytes read back, its body parsed once (as the search indexer does), one indexed look-up of
its tokens, and the arithmetic. Senders are looked up in the address book (indexed) and in the
recipients of Sent and the outbox (read once per group) only for a message that would be junk.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from app.core.junk.scoring import Score, score
from app.core.junk.senders import is_blocked
from app.core.junk.settings import MIN_TRAINED_PER_CLASS, JunkSettings, Verdict
from app.core.junk.tokens import message_tokens, sender_address, sender_and_tokens
from app.core.model import Folder
from app.core.store.junk_tables import TrainedMessage
from app.core.store.store import Store

#: The folder key of each account's Junk folder.
JUNK_FOLDER = str(Folder.JUNK)


@dataclass(frozen=True)
class JunkModel:
    """The state read once per group of new messages."""

    settings: JunkSettings
    junk_messages: int
    ham_messages: int
    blacklist: frozenset[str]

    @property
    def trained(self) -> bool:
        return min(self.junk_messages, self.ham_messages) >= MIN_TRAINED_PER_CLASS


@dataclass(frozen=True)
class Classification:
    """What the filter makes of one message. ``probability`` is None while untrained; ``reason``
    is ``score``, ``blocked`` (blacklist), ``trusted`` (contact or written to: never junk) or
    ``untrained``."""

    message_id: int
    verdict: Verdict
    reason: str
    probability: float | None = None
    sender: str = ""
    clues: tuple[tuple[str, float], ...] = field(default=())


@dataclass(frozen=True)
class TrainingOutcome:
    learned: int  # newly trained, or trained the other way
    unchanged: int  # already trained so
    moved_ids: tuple[int, ...] = ()  # moved to Junk, or out of it to the Inbox

    @property
    def moved(self) -> int:
        return len(self.moved_ids)


def load_model(store: Store) -> JunkModel:
    """The one query a group of new mail costs while the filter is untrained."""
    state = store.junk_state()
    blacklist = frozenset(key.removeprefix("block:") for key in state if key.startswith("block:"))
    return JunkModel(JunkSettings.from_state(state), _count(state, "junk_messages"), _count(state, "ham_messages"),
                     blacklist)


def _count(state: dict[str, str], key: str) -> int:
    try:
        return max(0, int(state.get(key, "0")))
    except ValueError:
        return 0


class TrustedSenders:
    """Whom the user trusts: the address book (asked per sender, indexed) and everyone written to
    (Sent and the outbox, read once, when first needed)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._written_to: set[str] | None = None

    def trusts(self, address: str) -> bool:
        if not address:
            return False
        if self.store.contact_addresses_among([address]):
            return True
        if self._written_to is None:
            self._written_to = self.store.written_to_addresses()
        return address in self._written_to


def classify_raw(store: Store, model: JunkModel, message_id: int, raw: bytes,
                 trust: TrustedSenders | None = None) -> Classification:
    """The verdict on one message: trusted senders are never junk, blocked ones always, the rest
    by score (once trained). ``trust`` is shared by the messages of one group."""
    result: Score | None = None
    if model.trained:
        sender, tokens = sender_and_tokens(raw)  # the header read once for both
    else:
        sender, tokens = sender_address(raw), frozenset()
    if is_blocked(sender, model.blacklist):
        verdict, reason = Verdict.JUNK, "blocked"
    elif model.trained:
        result = score(store.token_counts(sorted(tokens)), model.junk_messages, model.ham_messages)
        verdict, reason = model.settings.verdict(result.probability), "score"
    else:
        verdict, reason = Verdict.UNSURE, "untrained"
    if verdict is Verdict.JUNK and model.settings.trust_contacts and (trust or TrustedSenders(store)).trusts(sender):
        verdict, reason = Verdict.GOOD, "trusted"
    return Classification(message_id, verdict, reason, result.probability if result else None, sender,
                          result.clues if result else ())


def classify(store: Store, message_ids: Sequence[int]) -> list[Classification]:
    """Each stored message's classification (``poplark junk classify``); missing ids are skipped."""
    model = load_model(store)
    trust = TrustedSenders(store)
    found: list[Classification] = []
    for message_id in message_ids:
        row = store.query("SELECT raw FROM message_raw WHERE message_id = ?", (message_id,)).fetchone()
        if row is not None:
            found.append(classify_raw(store, model, message_id, bytes(row[0]), trust))
    return found


def classify_new(store: Store, ids: Sequence[int]) -> set[int]:
    """Move the junk among freshly stored messages to their account's Junk folder; return their ids.

    Called by the new-mail hook right after each group is committed. Does nothing (one cheap query)
    while the filter is off, or untrained with no blocked sender. Only messages still in the
    Inbox and never trained by the user are judged, so a rerun changes nothing.
    """
    if not ids:
        return set()
    model = load_model(store)
    if not model.settings.enabled or not (model.trained or model.blacklist):
        return set()
    rows = store.query(
        "SELECT m.id, r.raw FROM messages m JOIN message_raw r ON r.message_id = m.id"
        " WHERE m.id IN (SELECT value FROM json_each(?)) AND m.folder = ?"
        " AND m.id NOT IN (SELECT message_id FROM junk_trained)",
        (json.dumps(list(ids)), str(Folder.INBOX))).fetchall()
    trust = TrustedSenders(store)
    junk = [int(message_id) for message_id, raw in rows
            if classify_raw(store, model, int(message_id), bytes(raw), trust).verdict is Verdict.JUNK]
    if junk:
        store.move_messages(junk, JUNK_FOLDER)
    return set(junk)


def train(store: Store, ids: Sequence[int], junk: bool) -> TrainingOutcome:
    """Train messages as junk or as good mail; one trained the other way is untrained first (the
    user changed their mind), one trained so already is left alone."""
    existing = store.trained_messages(ids)
    forget: list[TrainedMessage] = []
    stale: list[int] = []
    learn: list[TrainedMessage] = []
    unchanged = 0
    for message_id, sha256, raw in _messages(store, ids):
        old = existing.get(message_id)
        if old is not None and old.sha256 == sha256:
            if old.junk == junk:
                unchanged += 1
                continue
            forget.append(old)
        elif old is not None:
            stale.append(message_id)  # the id of a deleted message, reused: its counts stay
        learn.append(TrainedMessage(message_id, sha256, junk, message_tokens(raw)))
    if learn:
        store.apply_training(forget, learn, stale)
    return TrainingOutcome(len(learn), unchanged)


def untrain(store: Store, ids: Sequence[int]) -> int:
    """Take back what these messages taught the filter; returns how many had been trained."""
    existing = store.trained_messages(ids)
    current = {message_id: sha256 for message_id, sha256, _ in _messages(store, ids)}
    forget = [record for record in existing.values() if current.get(record.message_id, record.sha256) == record.sha256]
    if forget:
        store.apply_training(forget, [])
    return len(forget)


def mark(store: Store, ids: Sequence[int], junk: bool) -> TrainingOutcome:
    """The user's "Junk" (train, then move to Junk) or "Not Junk" (train, then move what is in
    Junk back to the Inbox)."""
    outcome = train(store, ids, junk)
    if junk:
        movable = _in_folders(store, ids, exclude=(JUNK_FOLDER, str(Folder.SENT), str(Folder.DRAFTS),
                                                   str(Folder.TRASH)))
        target = JUNK_FOLDER
    else:
        movable = _in_folders(store, ids, only=JUNK_FOLDER)
        target = str(Folder.INBOX)
    if movable:
        store.move_messages(movable, target)
    return TrainingOutcome(outcome.learned, outcome.unchanged, tuple(movable))


def _in_folders(store: Store, ids: Sequence[int], *, only: str | None = None,
                exclude: Sequence[str] = ()) -> list[int]:
    rows = store.query("SELECT id, folder FROM messages WHERE id IN (SELECT value FROM json_each(?))",
                       (json.dumps(list(ids)),)).fetchall()
    return [int(message_id) for message_id, folder in rows
            if (only is None or folder == only) and folder not in exclude]


def _messages(store: Store, ids: Sequence[int]) -> list[tuple[int, str, bytes]]:
    found: list[tuple[int, str, bytes]] = []
    for message_id in dict.fromkeys(ids):
        row = store.query("SELECT m.sha256, r.raw FROM messages m JOIN message_raw r ON r.message_id = m.id"
                          " WHERE m.id = ?", (message_id,)).fetchone()
        if row is not None:
            found.append((int(message_id), str(row[0]), bytes(row[1])))
    return found
