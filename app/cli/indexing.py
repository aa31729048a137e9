"""Search indexing for the command line: ``poplark index``, and beside a big ``poplark fetch``.

"Indexing" here is putting the text of stored mail into the full-text index
(:mod:`app.core.store.search`); ``poplark index`` (and so the window's indexer) also gathers its
addresses for completion (:mod:`app.core.contacts.harvest`).

``poplark fetch`` returns with the new mail searchable. Indexing costs more CPU than the
download itself (the text of every message is extracted and tokenized into FTS5), and Python
runs one thread at a time, so done after the download it doubled a fetch's time. A fetch that
plans at least :data:`OVERLAP_FROM_MESSAGES` messages therefore starts ``poplark index
--until-input-closes`` as a second process as soon as the download begins: it indexes each
group the fetch commits, on the other core, while the fetch reads the next one. When the
sessions are over the fetch closes the child's standard input, and the two split what is left:
the child indexes the messages of even id and exits, the fetch those of odd id, so the end of the
indexing runs on both cores (:data:`TAIL_SHARE_OF_CHILD`). Then the fetch indexes anything still
pending itself (nothing, unless the child failed or was killed). Small fetches index in-process
afterwards: starting an interpreter costs more than indexing a few dozen messages.

Both processes write through their own connections; the store's transactions are short
(docs/architecture.md, the shared store), and the index rows are matched to messages by id and
SHA-256, so neither can index a message twice or index a message that changed meanwhile.
"""

from __future__ import annotations

import argparse
import logging
import sys
import threading
from typing import IO, TYPE_CHECKING

from app.cli.interrupts import cancel_on_signals
from app.core.cancel import CancelToken
from app.core.fetch.engine import FetchObserver
from app.core.model import FetchPhase, FetchProgress, MessageSummary
from app.core.store import Profile, Store
from app.core.store.index_process import index_command

if TYPE_CHECKING:
    import subprocess

log = logging.getLogger("poplark.index")

#: A fetch planning this many messages indexes them in a second process while it downloads.
OVERLAP_FROM_MESSAGES = 200
#: Messages per indexing transaction in the child while the download runs: small enough to hold
#: the write lock (which the fetch's commits wait for) for about a tenth of a second at most,
#: large enough to spare FTS5 a flush and a merge per hundred messages (7 % of its CPU).
FOLLOW_BATCH = 250
#: Messages per transaction once the download is over: nothing waits for the lock but the other
#: indexer, and FTS5 does less work for fewer, larger transactions (a flush and a segment merge
#: each; 20,000 small messages: 15 % less CPU than in batches of 100). Near the end batches
#: shrink to half of what is left (not under TAIL_LAST_BATCH: a batch of 50 cost a third more CPU
#: per message than one of 500), so neither process is left with a long last batch while the
#: other has finished.
TAIL_BATCH = 500
TAIL_LAST_BATCH = 100
#: How often the child looks for newly committed mail when it has caught up.
FOLLOW_POLL_SECONDS = 0.05
#: How long a finished fetch waits for the child before it indexes the rest itself.
CHILD_FINISH_TIMEOUT_SECONDS = 600.0
#: Once the download is over, the fetch and its child split the backlog left by id (even ids to the
#: child, odd ones to the fetch): two cores instead of one, and while one process holds the write
#: lock for its batch the other extracts the text of its next one.
TAIL_SHARE_OF_CHILD = (0, 2)
TAIL_SHARE_OF_FETCH = (1, 2)


def index_pending_mail(store: Store, cancel: CancelToken | None = None, batch: int = 500, *,
                       addresses: bool = False) -> int:
    """Index every message not indexed yet for search (until cancelled); return how many.

    ``addresses``: also gather the addresses of new mail for completion
    (:mod:`app.core.contacts.harvest`). ``poplark fetch`` leaves that out: reading Chinese names
    loads pypinyin's dictionaries (about half a second), which a cron check must not pay; the
    window's indexer, ``poplark index`` and ``poplark contacts complete`` gather them.
    """
    from app.core.store.search import index_pending

    total = 0
    while cancel is None or not cancel.cancelled:
        done = index_pending(store, batch)
        if not done:
            break
        total += done
    if addresses:
        from app.core.contacts.harvest import harvest_pending

        while (cancel is None or not cancel.cancelled) and harvest_pending(store, batch):
            pass
    return total


def index_share(store: Store, share: tuple[int, int], cancel: CancelToken | None = None) -> int:
    """Index this process's share of the pending messages (after a download; see the module doc),
    then help with the other shares from their newest end, until nothing is left: the process that
    finishes first (the child starts later) does not sit idle while the other works alone."""
    from app.core.store.search import index_pending

    total = 0
    left = store.pending_search_count(share)  # the download is over: nothing new arrives
    while cancel is None or not cancel.cancelled:
        done = index_pending(store, min(TAIL_BATCH, max(TAIL_LAST_BATCH, left // 2)), share=share)
        if not done:
            break
        total += done
        left -= done
    remainder, count = share
    for other in [(index, count) for index in range(count) if index != remainder]:
        # Small batches from the far end: the owner works upwards, so the two meet in one batch.
        while (cancel is None or not cancel.cancelled) and (
                done := index_pending(store, TAIL_LAST_BATCH, share=other, newest_first=True)):
            total += done
    return total


def command_index(store: Store, profile: Profile, arguments: argparse.Namespace) -> int:
    """``poplark index``: make all stored mail searchable now."""
    if arguments.until_input_closes:
        _follow_until_input_closes(store)
        return 0
    cancel = CancelToken()
    cancel_on_signals(cancel)
    done = index_pending_mail(store, cancel, addresses=True)
    if not arguments.quiet:
        print(f"{done} message(s) indexed for search")
    return 0


def _follow_until_input_closes(store: Store) -> None:
    """The child of a fetch: index what the fetch commits until it closes our input, then the rest."""
    from app.core.store.search import index_pending

    parent_done = threading.Event()

    def wait_for_end_of_input() -> None:
        # Blocks until the fetch closes the pipe or dies (the kernel closes it then): portable,
        # where select() on a pipe is not (Windows).
        try:
            sys.stdin.buffer.read()
        finally:
            parent_done.set()

    threading.Thread(target=wait_for_end_of_input, name="poplark-index-input", daemon=True).start()
    try:
        while True:
            if parent_done.is_set():
                # The fetch has committed its last message and indexes the odd ids itself
                # (OverlappedIndexer.finish): this process takes the even ones.
                index_share(store, TAIL_SHARE_OF_CHILD)
                return
            if index_pending(store, FOLLOW_BATCH):
                continue
            parent_done.wait(FOLLOW_POLL_SECONDS)
    except KeyboardInterrupt:
        return  # Ctrl-C reaches the whole process group: the parent reports it


class OverlappedIndexer:
    """Runs the search indexer beside a big download (see the module doc), for one ``poplark fetch``."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self.child: subprocess.Popen[bytes] | None = None
        self.child_errors: IO[bytes] | None = None
        self.unavailable = False

    def observing(self, inner: FetchObserver) -> FetchObserver:
        """An observer for one account's session: forwards to ``inner``, starts the child when due."""
        return _StartsIndexer(self, inner)

    def start(self) -> None:
        if self.child is not None or self.unavailable:
            return
        # Imported here: a fetch that starts no indexer (most cron checks) needs neither.
        import subprocess
        import tempfile

        try:
            # The child's complaints go to a file, not the terminal: whatever it leaves undone,
            # this process does next, so only a log line should tell of it.
            self.child_errors = tempfile.TemporaryFile()  # noqa: SIM115 - closed in finish()
            self.child = subprocess.Popen(index_command(self.profile.directory, "--until-input-closes"),
                                          stdin=subprocess.PIPE,
                                          stdout=subprocess.DEVNULL, stderr=self.child_errors)
        except OSError as error:  # no second process: the fetch indexes afterwards, as small ones do
            log.warning("cannot start the search indexer beside the fetch (%s); indexing afterwards", error)
            self.unavailable = True

    def finish(self, cancelled: bool, store: Store | None = None, cancel: CancelToken | None = None) -> None:
        """The sessions are over: let the child index the rest and wait for it (stop it when cancelled).

        With ``store``, this process indexes its share of what is left (:data:`TAIL_SHARE_OF_FETCH`)
        while the child does the other.
        """
        child, self.child = self.child, None
        if child is None:
            return
        import subprocess

        _close_quietly(child.stdin)
        if cancelled:
            child.terminate()
        elif store is not None:
            index_share(store, TAIL_SHARE_OF_FETCH, cancel)
        try:
            code = child.wait(timeout=CHILD_FINISH_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            child.kill()
            code = child.wait()
        if code != 0 and not cancelled:
            log.warning("the search indexer beside the fetch ended with status %s (%s); indexing the rest here",
                        code, self._child_error_text())
        if self.child_errors is not None:
            self.child_errors.close()
            self.child_errors = None

    def _child_error_text(self) -> str:
        if self.child_errors is None:
            return ""
        self.child_errors.seek(0)
        return self.child_errors.read()[-2000:].decode("utf-8", "replace").strip()


class _StartsIndexer(FetchObserver):
    def __init__(self, indexer: OverlappedIndexer, inner: FetchObserver) -> None:
        self.indexer = indexer
        self.inner = inner

    def progress(self, progress: FetchProgress) -> None:
        if (progress.phase is FetchPhase.DOWNLOADING and progress.messages_done == 0
                and progress.messages_total >= OVERLAP_FROM_MESSAGES):
            self.indexer.start()
        self.inner.progress(progress)

    def messages_stored(self, summaries: list[MessageSummary]) -> None:
        self.inner.messages_stored(summaries)


def _close_quietly(stream: IO[bytes] | None) -> None:
    if stream is None:
        return
    try:
        stream.close()
    except OSError:
        pass  # the child is gone already: its end of the pipe closed with it


__all__ = ["OVERLAP_FROM_MESSAGES", "OverlappedIndexer", "command_index", "index_pending_mail"]
