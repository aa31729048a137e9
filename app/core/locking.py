"""One fetch per account at a time, across threads and processes: an OS file lock.

The lock dies with the process (even on kill -9), so a crash never leaves an account stuck.
"""

from __future__ import annotations

import sys
from pathlib import Path
from types import TracebackType
from typing import IO

from app.core.errors import FetchInProgress, StoreError


class AccountLock:
    """Non-blocking exclusive lock on ``directory/account-<id>.lock``."""

    def __init__(self, directory: Path, account_id: int, account_name: str) -> None:
        self.path = directory / f"account-{account_id}.lock"
        self.account_name = account_name
        self._file: IO[bytes] | None = None

    def __enter__(self) -> AccountLock:
        try:
            handle = open(self.path, "a+b")
        except OSError as error:
            raise StoreError(f"cannot create the lock file {self.path}: {error.strerror}") from error
        try:
            _lock(handle)
        except OSError as error:
            handle.close()
            raise FetchInProgress(f"{self.account_name} is already being fetched by another "
                                  "Poplark window or command") from error
        self._file = handle
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        if self._file is not None:
            _unlock(self._file)
            self._file.close()
            self._file = None


if sys.platform == "win32":
    import msvcrt

    def _lock(handle: IO[bytes]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(handle: IO[bytes]) -> None:
        handle.seek(0)
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
        except OSError:
            pass
else:
    import fcntl

    def _lock(handle: IO[bytes]) -> None:
        # flock locks belong to the open file description, so two threads of one process that
        # each open the file also exclude each other, as two processes do.
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(handle: IO[bytes]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


__all__ = ["AccountLock"]
