"""The step after each group of new mail a fetch commits: the junk filter, then the user's rules.

:func:`process_new_mail` is called with the ids of one committed group, never before the commit
(the messages must be stored before anything moves them). The fetch never waits for it:
:class:`NewMailSorter` runs it on a thread of its own, with its own store connection, fed by
:meth:`NewMailSorter.observing`, an observer that hands the ids over through a queue (one
``put`` per group on the engine's thread, nothing more). The fetch path pays that and, per group,
one query when the user has no enabled rule and an untrained junk filter (the junk step's own
check): nothing per message. Each message is processed once: the junk step moves it once, and
the rules record what they carried out (``rule_runs``), so a second call changes nothing. A
fetch killed between a commit and the sorting leaves mail unsorted: while rules are on, the
step notes per account how far it got (``new_mail_sorted``), and the account's next fetch sorts
what was left first (:func:`with_missed_mail`).

Used by ``poplark fetch`` (:mod:`app.cli.fetching`) and the window's fetch controller (and so
its scheduler).
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from app.core.errors import PoplarkError
from app.core.fetch.engine import FetchObserver
from app.core.model import FetchProgress, MessageSummary
from app.core.rules.outcome import RunOutcome
from app.core.store.store import Store

log = logging.getLogger("poplark.rules")


@dataclass
class NewMailOutcome:
    """What the step did to a group (or, summed, to a whole fetch)."""

    #: Ids moved to Junk by the junk filter.
    junk: set[int] = field(default_factory=set)
    #: What the rules did.
    rules: RunOutcome = field(default_factory=RunOutcome)

    @property
    def changed(self) -> bool:
        return bool(self.junk) or self.rules.changed

    def add(self, other: NewMailOutcome) -> None:
        self.junk |= other.junk
        mine, theirs = self.rules, other.rules
        mine.decisions += theirs.decisions
        mine.problems += theirs.problems
        mine.created += theirs.created
        for name in ("moved", "copied", "tagged", "marked", "forwarded", "server_deletions"):
            setattr(mine, name, getattr(mine, name) + getattr(theirs, name))


def process_new_mail(store: Store, message_ids: Sequence[int]) -> NewMailOutcome:
    """Junk first, then the user's rules on the rest, for messages just committed by a fetch."""
    outcome = NewMailOutcome()
    if not message_ids:
        return outcome
    from app.core.junk.filter import classify_new  # in the sorter's thread, after the first group

    outcome.junk = set(classify_new(store, message_ids))
    if not store.has_enabled_rules():  # the one query of the common case
        return outcome
    from app.core.rules.apply import run_rules  # only now: the matching code is not part of start-up

    rest = [message_id for message_id in message_ids if message_id not in outcome.junk]
    outcome.rules = run_rules(store, rest)
    _note_sorted(store, message_ids)
    return outcome


def _note_sorted(store: Store, message_ids: Sequence[int]) -> None:
    """Remember, per account, how far fetched mail is sorted (see :func:`with_missed_mail`)."""
    for start in range(0, len(message_ids), 500):
        chunk = list(message_ids[start:start + 500])
        for account_id, highest in store.query(
                f"SELECT account_id, max(id) FROM messages WHERE id IN ({','.join('?' * len(chunk))})"
                " GROUP BY account_id", chunk).fetchall():
            store.note_new_mail_sorted(int(account_id), int(highest))


def with_missed_mail(store: Store, account_name: str, message_ids: Sequence[int]) -> list[int]:
    """``message_ids`` (an account's first group in a fetch), after the account's fetched Inbox
    mail that a killed fetch committed but never sorted; only while some rule is enabled."""
    if not message_ids or not store.has_enabled_rules():
        return list(message_ids)
    account_id = store.account(account_name).id
    assert account_id is not None
    return store.missed_new_mail(account_id, min(message_ids)) + list(message_ids)


class NewMailSorter:
    """Runs :func:`process_new_mail` for each committed group on its own thread, in order.

    The queue is unbounded: the engine's thread only puts a list of ids in it, and never waits.
    :meth:`finish` (after the fetch) waits for the groups handed over and returns the sum of
    what was done; :meth:`done` gives what is done so far without waiting. An error in the step
    is logged and told in the outcome's problems; the mail stays where the fetch put it.
    """

    def __init__(self, database_path: Path) -> None:
        self._database_path = database_path
        self._waiting: queue.SimpleQueue[tuple[list[int], str | None] | None] = queue.SimpleQueue()
        self._done: queue.SimpleQueue[NewMailOutcome] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        #: Accounts whose mail missed by a killed fetch was looked for (their first group).
        self._caught_up: set[str] = set()

    def submit(self, message_ids: Sequence[int], account: str | None = None) -> None:
        """Hand over a committed group; ``account``: its account's name (its first group also
        sorts what a killed fetch of the account left unsorted)."""
        if not message_ids:
            return
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="poplark-new-mail", daemon=True)
            self._thread.start()
        self._waiting.put((list(message_ids), account))

    def observing(self, inner: FetchObserver) -> FetchObserver:
        """An observer that hands each committed group over, then tells ``inner``."""
        return _HandsOver(self, inner)

    def done(self) -> NewMailOutcome:
        """What was done since the last call (without waiting)."""
        outcome = NewMailOutcome()
        while True:
            try:
                outcome.add(self._done.get_nowait())
            except queue.Empty:
                return outcome

    def finish(self) -> NewMailOutcome:
        """Wait for every group handed over; return what was done since the last :meth:`done`."""
        thread, self._thread = self._thread, None
        if thread is not None:
            self._waiting.put(None)
            thread.join()
        return self.done()

    def _run(self) -> None:
        store: Store | None = None
        try:
            while (item := self._waiting.get()) is not None:
                ids, account = item
                try:
                    if store is None:  # SQLite connections belong to the thread that opens them
                        store = Store(self._database_path)
                    if account is not None and account not in self._caught_up:
                        self._caught_up.add(account)
                        ids = with_missed_mail(store, account, ids)
                    self._done.put(process_new_mail(store, ids))
                except Exception as error:
                    if isinstance(error, PoplarkError):
                        log.warning("sorting new mail failed: %s", error)
                    else:
                        log.exception("sorting new mail failed")
                    failed = NewMailOutcome()
                    failed.rules.problems.append(str(error))
                    self._done.put(failed)
        finally:
            if store is not None:
                store.close()


class _HandsOver(FetchObserver):
    def __init__(self, sorter: NewMailSorter, inner: FetchObserver) -> None:
        self.sorter = sorter
        self.inner = inner

    def progress(self, progress: FetchProgress) -> None:
        self.inner.progress(progress)

    def messages_stored(self, summaries: list[MessageSummary]) -> None:
        self.sorter.submit([summary.id for summary in summaries], summaries[0].account if summaries else None)
        self.inner.messages_stored(summaries)


__all__ = ["NewMailOutcome", "NewMailSorter", "process_new_mail", "with_missed_mail"]
