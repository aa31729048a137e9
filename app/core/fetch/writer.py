"""Writing received groups of messages on a second thread, so the socket is read meanwhile.

A fetch alternates between reading replies and committing groups (parsing the list's columns,
hashing, inserting the bytes, ``fsync``). Done on one thread, the network sat idle during every
commit, and the commit during every read. SQLite, ``hashlib`` and the socket all release the
interpreter lock while they work, so a writer thread with its own connection overlaps most of
the commit with the next group's download.

The engine's invariants hold unchanged (docs/architecture.md): a group is handed over whole and
committed in one transaction; the engine waits for every handed group (:meth:`GroupWriter.flush`)
before any DELE, and before it ends a failed session, so nothing received is dropped that could
have been kept. The writer holds one group at a time: memory stays bounded by two groups, the one
being written and the one being received. An error in the writer (a full disk, say) is raised on
the engine's thread at the next hand-over or flush; groups handed after it are not written, so
their messages stay on the server for the next session.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Sequence
from pathlib import Path

from app.core.model import Account, MessageSummary
from app.core.store.store import Store

Group = Sequence[tuple[str, bytes, float]]


class GroupWriter:
    """Commits groups of (key, raw, received_at) for one account, in order, on its own thread."""

    def __init__(self, database_path: Path, account: Account) -> None:
        self._database_path = database_path
        self._account = account
        self._waiting: queue.Queue[Group | None] = queue.Queue(maxsize=1)
        self._stored: queue.SimpleQueue[list[MessageSummary]] = queue.SimpleQueue()
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None

    def submit(self, group: Group) -> None:
        """Hand over a group; first waits until the writer is done with the previous one, so at
        most two groups are held: the one being written and the one being received."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="poplark-store-writer", daemon=True)
            self._thread.start()
        self._waiting.join()
        self._raise_if_failed()
        self._waiting.put(group)

    def stored(self) -> list[list[MessageSummary]]:
        """The summaries of the groups committed since the last call, oldest first."""
        groups: list[list[MessageSummary]] = []
        if self._stored.empty():  # asked after every message: no exception raised for nothing
            return groups
        while True:
            try:
                groups.append(self._stored.get_nowait())
            except queue.Empty:
                return groups

    def flush(self) -> None:
        """Wait until every group handed over is committed; raise the writer's error if it had one."""
        if self._thread is not None:
            self._waiting.join()
        self._raise_if_failed()

    def close(self) -> None:
        """End the thread (after the groups already handed over). Safe to call more than once."""
        thread, self._thread = self._thread, None
        if thread is not None:
            self._waiting.put(None)
            thread.join()

    def _raise_if_failed(self) -> None:
        if self._error is not None:
            raise self._error

    def _run(self) -> None:
        store: Store | None = None
        try:
            while True:
                group = self._waiting.get()
                try:
                    if group is None:
                        return
                    if self._error is None:
                        if store is None:  # SQLite connections belong to the thread that opens them
                            store = Store(self._database_path)
                        self._stored.put(store.add_messages(self._account, group))
                except BaseException as error:  # noqa: BLE001 - handed to the engine's thread
                    self._error = error
                finally:
                    self._waiting.task_done()
        finally:
            if store is not None:
                store.close()


__all__ = ["GroupWriter"]
