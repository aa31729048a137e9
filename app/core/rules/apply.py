"""Running the rules over stored messages and carrying out what they decide.

:func:`run_rules` reads the messages' list fields in one query, decides with
:mod:`app.core.rules.evaluate` (pure), and then acts in batches, each one store transaction:
copies first (from where the message is), then tags, read and flag marks, forwards (queued in
the outbox of issue 16, committed before any connection), "delete from the server" marks, and
last the move to the final folder (a later rule's move wins; "delete" is a move to Trash). The
runs are recorded last, so a run killed half-way is carried out again rather than lost; only a
copy made by the killed run can then be made twice. Forwards are the exception: their rule's run
is recorded right before the forward is queued, so a message is never forwarded twice.

``dry_run`` decides without writing: what ``poplark rules apply --dry-run`` and the dialog's
preview show.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from app.core.errors import PoplarkError
from app.core.model import Account
from app.core.rules.evaluate import CompiledRules, Decision
from app.core.rules.facts import MessageFacts, StoredRow
from app.core.rules.model import ActionKind, Rule
from app.core.rules.outcome import RunOutcome
from app.core.store.store import Store

log = logging.getLogger("poplark.rules")

_ROWS = ("SELECT m.id, m.account_id, a.name, m.uidl, m.size, m.sort_date, m.has_attachments, m.folder, m.subject"
         " FROM messages m JOIN accounts a ON a.id = m.account_id WHERE m.id IN ({marks}) ORDER BY m.id")


def stored_rows(store: Store, message_ids: Sequence[int]) -> list[StoredRow]:
    rows: list[StoredRow] = []
    for start in range(0, len(message_ids), 500):
        chunk = list(message_ids[start:start + 500])
        for row in store.query(_ROWS.format(marks=",".join("?" * len(chunk))), chunk):
            rows.append(StoredRow(int(row[0]), int(row[1]), str(row[2]), str(row[3]), int(row[4]), float(row[5]),
                                  bool(row[6]), str(row[7]), str(row[8])))
    return rows


def decide(store: Store, message_ids: Sequence[int], rules: list[Rule] | None = None) -> list[Decision]:
    """The decisions of the enabled rules for these messages (only those some rule acts on)."""
    compiled = CompiledRules(store.rules() if rules is None else rules)
    if not compiled.rules:
        return []
    applied = store.applied_rules(message_ids)
    decisions: list[Decision] = []
    for row in stored_rows(store, message_ids):
        decision = compiled.decide(MessageFacts(row, store.raw), applied.get(row.id, set()))
        if decision.rules:
            decisions.append(decision)
    return decisions


def run_rules(store: Store, message_ids: Sequence[int], *, dry_run: bool = False,
              rules: list[Rule] | None = None) -> RunOutcome:
    """Run the enabled rules over ``message_ids``; carry out their actions unless ``dry_run``."""
    outcome = RunOutcome(decide(store, message_ids, rules))
    if not dry_run and outcome.decisions:
        _carry_out(store, outcome)
    return outcome


def run_rules_on_folder(store: Store, folder_key: str, account_id: int | None = None, *,
                        dry_run: bool = False) -> RunOutcome:
    """"Run rules now" over one folder (of one account, or of every account)."""
    sql = "SELECT id FROM messages WHERE folder = ?" + (" AND account_id = ?" if account_id is not None else "")
    parameters: list[object] = [folder_key] + ([account_id] if account_id is not None else [])
    ids = [int(row[0]) for row in store.query(sql + " ORDER BY id", parameters)]
    return run_rules(store, ids, dry_run=dry_run)


@dataclass
class _Batches:
    copies: dict[str, list[int]] = field(default_factory=dict)
    tags: dict[int, list[int]] = field(default_factory=dict)
    read: list[int] = field(default_factory=list)
    flag: list[int] = field(default_factory=list)
    #: (message id, address, id of the rule that forwards)
    forwards: list[tuple[int, str, int | None]] = field(default_factory=list)
    server: list[int] = field(default_factory=list)
    moves: dict[str, list[int]] = field(default_factory=dict)


def _batches(outcome: RunOutcome) -> _Batches:
    batches = _Batches()
    for decision in outcome.decisions:
        target: str | None = None
        for owner, action in ((rule, action) for rule in decision.rules for action in rule.actions):
            if action.kind is ActionKind.COPY:
                batches.copies.setdefault(action.argument, []).append(decision.message_id)
            elif action.kind is ActionKind.TAG:
                batches.tags.setdefault(int(action.argument), []).append(decision.message_id)
            elif action.kind is ActionKind.MARK_READ:
                batches.read.append(decision.message_id)
            elif action.kind is ActionKind.FLAG:
                batches.flag.append(decision.message_id)
            elif action.kind is ActionKind.FORWARD:
                batches.forwards.append((decision.message_id, action.argument.strip(), owner.id))
            elif action.kind is ActionKind.DELETE_FROM_SERVER:
                batches.server.append(decision.message_id)
            elif action.kind is ActionKind.MOVE:
                target = action.argument
            elif action.kind is ActionKind.DELETE:
                target = "trash"
        if target is not None:
            batches.moves.setdefault(target, []).append(decision.message_id)
    return batches


def _carry_out(store: Store, outcome: RunOutcome) -> None:
    batches = _batches(outcome)
    # A copy counts as sorted by the rules its original was: "run rules now" over the folder it
    # went to must not copy it again (nor tag it twice).
    inherited: list[tuple[int, int]] = []
    rules_of = {decision.message_id: [rule.id for rule in decision.rules if rule.id is not None]
                for decision in outcome.decisions}
    for key, ids in batches.copies.items():
        # A copy into the folder the message is in already would only duplicate it.
        sources = [row.id for row in stored_rows(store, ids) if row.folder != key]

        copies: list[int] = []
        if _attempt(outcome, f"copy to {key}", _copy, store, sources, key, copies):
            outcome.created.extend(copies)
            if len(copies) == len(sources):
                inherited.extend((new, rule_id) for source, new in zip(sources, copies, strict=True)
                                 for rule_id in rules_of[source])
    outcome.copied = len(outcome.created)
    for tag_id, ids in batches.tags.items():
        if _attempt(outcome, f"tag {tag_id}", store.add_tag, ids, tag_id):
            outcome.tagged += len(ids)
    if batches.read:
        store.set_seen(batches.read, True)
    if batches.flag:
        store.set_flagged(batches.flag, True)
    outcome.marked = len(set(batches.read) | set(batches.flag))
    if batches.forwards:
        _forward(store, outcome, batches.forwards)
    if batches.server:
        outcome.server_deletions = store.request_server_deletion(batches.server)
    for key, ids in batches.moves.items():
        if _attempt(outcome, f"move to {key}", store.move_messages, ids, key):
            outcome.moved += len(ids)
    store.record_rule_runs([(decision.message_id, rule.id) for decision in outcome.decisions
                            for rule in decision.rules if rule.id is not None
                            and (decision.message_id, rule.id) not in outcome.unrecorded] + inherited)


def _copy(store: Store, sources: list[int], key: str, into: list[int]) -> None:
    into.extend(store.copy_messages(sources, key))


def _attempt(outcome: RunOutcome, what: str, step: Callable[..., object], *arguments: object) -> bool:
    """Carry out one batch; a store refusal (a folder or tag deleted meanwhile) becomes a problem
    to tell, and the other batches still run."""
    try:
        step(*arguments)
    except PoplarkError as error:
        log.warning("a rule could not %s: %s", what, error)
        outcome.problems.append(str(error))
        return False
    return True


def _forward(store: Store, outcome: RunOutcome, forwards: list[tuple[int, str, int | None]]) -> None:
    """Queue a forward of each message in the outbox of its account; sending happens as for any
    queued message (``poplark send``, ``poplark outbox``, the window's sender).

    At most once: the forwarding rule's run is recorded right before the forward is queued, so
    a run killed in between never queues a second forward. A forward that cannot be queued (no
    SMTP server) is not recorded, and the rule forwards the message when it runs again."""
    from app.core.compose.build import build_message
    from app.core.compose.respond import forward_inline

    accounts: dict[int, Account] = {account.id: account for account in store.accounts() if account.id is not None}
    rows = {row.id: row for row in stored_rows(store, [message_id for message_id, _, _ in forwards])}
    unsent: set[int] = set()
    for message_id, address, rule_id in forwards:
        row = rows.get(message_id)
        account = accounts.get(row.account_id) if row is not None else None
        if row is None or account is None or account.id is None:
            continue
        if account.smtp is None:
            outcome.problems.append(f"{account.name} has no SMTP server, so message {message_id} was not forwarded to "
                                    f"{address}: set one with 'poplark account smtp {account.name}', then run the "
                                    "rules again")
            if rule_id is not None:
                unsent.add(rule_id)
            continue
        if rule_id is not None:
            store.record_rule_runs([(message_id, rule_id)])
        draft = forward_inline(store.raw(message_id))
        draft.from_address, draft.from_name = account.email, account.display_name
        draft.to = [address]
        built = build_message(draft)
        store.queue(account.id, built.raw, built.sender, built.recipients, subject=draft.subject,
                    message_id=built.message_id)
        outcome.forwarded += 1
    outcome.unrecorded |= {(message_id, rule_id) for message_id, _, rule_id in forwards if rule_id in unsent}


__all__ = ["RunOutcome", "decide", "run_rules", "run_rules_on_folder", "stored_rows"]
