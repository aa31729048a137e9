"""Knowing, after a restart, that a fetch was interrupted: a marker file per account.

:func:`fetch_account` writes ``locks/account-<id>.fetching`` when a session starts, under the
account's lock, makes it durable (:func:`make_durable`) once the plan says the session will
download or delete something, and removes it when the session ends by itself, done or failed. A fetch that
is killed (``kill -9``, a crash, a power cut) or cancelled leaves it behind; the window removes
it again after a cancel the user asked for, and keeps it when the cancel came from quitting. The
next start of the window finds it (:func:`interrupted_accounts`), says once that the fetch was
interrupted, and starts it again: nothing of the first one was lost (invariants 1-3), so the
new fetch simply goes on where it stopped.

A marker whose account lock is held belongs to a fetch running now (another window or ``poplark
fetch``), so it is not an interruption; the lock is taken to look, as it is to fetch.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from pathlib import Path

from app.core.errors import FetchInProgress, StoreError
from app.core.locking import AccountLock


def marker_path(lock_directory: Path, account_id: int) -> Path:
    return lock_directory / f"account-{account_id}.fetching"


def mark_started(lock_directory: Path, account_id: int, *, durable: bool = True) -> None:
    """Write the marker; ``durable``: make it survive a crash right after (file and directory synced).

    Not durable, it still outlives a killed process (the kernel has it) but not a power cut: the
    engine syncs it only when the session will change something, so a no-op check of a mailbox
    pays no fsync (two of them cost 1-10 ms, more on a busy disk), and a power cut during such a
    check loses only the news of a check that had nothing to do.
    """
    path = marker_path(lock_directory, account_id)
    with open(path, "w", encoding="ascii") as handle:
        handle.write(f"{os.getpid()}\n")
        if durable:
            handle.flush()
            os.fsync(handle.fileno())
    if durable:
        _sync_directory(lock_directory)


def make_durable(lock_directory: Path, account_id: int) -> None:
    """Sync a marker written with ``durable=False``, and its directory, to disk."""
    descriptor = os.open(marker_path(lock_directory, account_id), os.O_WRONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    _sync_directory(lock_directory)


def mark_ended(lock_directory: Path, account_id: int) -> None:
    # Already gone is fine; a marker that cannot be removed only costs one needless sentence later.
    with contextlib.suppress(OSError):
        marker_path(lock_directory, account_id).unlink()


def interrupted_accounts(lock_directory: Path, account_ids: Iterable[int]) -> list[int]:
    """The accounts whose last fetch was interrupted and is not running now."""
    found = []
    for account_id in account_ids:
        if not marker_path(lock_directory, account_id).exists():
            continue
        try:
            with AccountLock(lock_directory, account_id, str(account_id)):
                found.append(account_id)
        except (FetchInProgress, StoreError):
            continue  # a fetch of it runs now, or the lock cannot be had: not ours to judge
    return found


def forget(lock_directory: Path, account_id: int) -> None:
    """Drop the marker of an account no fetch runs for (after a cancel the user asked for)."""
    try:
        with AccountLock(lock_directory, account_id, str(account_id)):
            mark_ended(lock_directory, account_id)
    except (FetchInProgress, StoreError):
        pass  # a new fetch has begun meanwhile: the marker is its own now


def _sync_directory(directory: Path) -> None:
    if os.name != "posix":
        return  # Windows cannot open a directory; NTFS journals the new name itself
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
