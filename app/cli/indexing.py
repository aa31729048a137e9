"""Search indexing for the command line: ``poplark index``, and beside a big ``poplark fetch``.

"Indexing" here is putting the text of stored mail into the full-text index
(:mod:`app.core.store.search`); ``poplark index`` (and so the window's indexer) also gathers its
addresses for completion (:mod:`app.core.contacts.harvest`).

Indexing costs more CPU than the download itself (the text of every message is extracted and
tokenized into FTS5), and Python runs one thread at a time. A fetch that plans at least
:data:`OVERLAP_FROM_MESSAGES` messages therefore starts ``poplark index --until-input-closes`` as a
second process as soon as the download begins: it indexes each group the fetch commits, on the
other core, while the fetch reads the next one. When the sessions are over the fetch closes the
child's standard input and returns: the mail is stored (and deleted from the server, in delete
mode), which is what a fetch is for. The child indexes what is left, oldest first, and exits; it
does not hold the command (or a cron job) for the seconds that takes on a fast link, where the
download outruns the indexer.

Whoever wants the index complete helps from the other end: ``poplark search``, ``poplark index``
(the window's indexer) and a later fetch that starts no child index what is pending newest first
(:func:`app.cli.catch_up.index_pending_mail`), so the two meet in their last batches and neither repeats the
other's work. A search right after a big fetch therefore waits only for half of what is left, and
a child that failed or was killed costs time, never searchability. Small fetches index in-process
before they return: starting an interpreter costs more than indexing a few dozen messages.

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

from app.cli.catch_up import TAIL_BATCH, index_pending_mail
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
#: How often the child looks for newly committed mail when it has caught up.
FOLLOW_POLL_SECONDS = 0.05
#: How long a cancelled fetch waits for its stopped child.
CHILD_STOP_TIMEOUT_SECONDS = 10.0


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
                # The fetch has committed its last message and returned: the rest is ours, oldest
                # first, while whoever wants it sooner works from the newest end.
                while index_pending(store, TAIL_BATCH):
                    pass
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
        #: The child left indexing after :meth:`finish` (for tests, which wait for it).
        self.background: subprocess.Popen[bytes] | None = None

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
            # whoever indexes next does, so only a log line should tell of it.
            self.child_errors = tempfile.TemporaryFile()  # noqa: SIM115 - closed in finish()
            self.child = subprocess.Popen(index_command(self.profile.directory, "--until-input-closes"),
                                          stdin=subprocess.PIPE,
                                          stdout=subprocess.DEVNULL, stderr=self.child_errors)
        except OSError as error:  # no second process: the fetch indexes afterwards, as small ones do
            log.warning("cannot start the search indexer beside the fetch (%s); indexing afterwards", error)
            self.unavailable = True

    def finish(self, cancelled: bool) -> bool:
        """The sessions are over: leave the rest of the indexing to the child (stop it when
        cancelled). Returns whether the child goes on indexing after this command returns; when
        it does not (never started, failed, cancelled), the caller indexes what is pending."""
        child, self.child = self.child, None
        if child is None:
            return False
        _close_quietly(child.stdin)
        if cancelled:
            import subprocess

            child.terminate()
            try:
                child.wait(timeout=CHILD_STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
            self._close_errors()
            return False
        code = child.poll()
        if code is None:
            # Kept, so that nothing reaps it as abandoned before this process exits; its error
            # file stays open in the child, which logs nothing anyone waits for any more.
            self.background = child
            self._close_errors()
            return True
        if code != 0:
            log.warning("the search indexer beside the fetch ended with status %s (%s); indexing the rest here",
                        code, self._child_error_text())
        self._close_errors()
        return False

    def _close_errors(self) -> None:
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


__all__ = ["OVERLAP_FROM_MESSAGES", "OverlappedIndexer", "command_index"]
