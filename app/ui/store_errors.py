"""Sentences for a mail store that failed: what happened, and the one next step that is true.

"Free some disk space" only when the disk is full; "another Poplark is busy" only when a lock was
held too long; "restart Poplark" when the store's files changed under this process, since only a
fresh start opens the files that are there now. The kinds come from app/core/store/failures.py.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Concatenate, ParamSpec, Protocol, TypeVar

from PySide6.QtCore import QCoreApplication

from app.core.errors import (
    StoreBusy,
    StoreChanged,
    StoreDamaged,
    StoreError,
    StoreFull,
    StoreIOError,
    StoreReadOnly,
)


def store_advice(error: StoreError) -> str:
    """The next step for this kind of store failure, as one translated sentence."""
    translate = QCoreApplication.translate  # a local name: lupdate finds translate("store_errors", ...)
    if isinstance(error, StoreFull):
        return translate("store_errors", "The disk is full: free some disk space, then try again. Nothing was lost.")
    if isinstance(error, StoreBusy):
        return translate("store_errors", "Another Poplark window or command kept the mail store busy; try again "
                                         "in a moment. Nothing was lost.")
    if isinstance(error, StoreReadOnly):
        return translate("store_errors", "Poplark may not write to its profile folder: check its permissions and "
                                         "that the disk is not mounted read-only, then try again.")
    if isinstance(error, StoreChanged):
        return translate("store_errors", "Another program moved, replaced or deleted the mail store's files while "
                                         "Poplark was using them. Quit Poplark and start it again; keep backup and "
                                         "sync tools away from the profile folder while Poplark runs.")
    if isinstance(error, StoreDamaged):
        return translate("store_errors", "Part of the mail store is damaged. Quit Poplark and keep a copy of the "
                                         "profile folder before anything else, so that mail can be recovered "
                                         "from it.")
    if isinstance(error, StoreIOError):
        return translate("store_errors", "The disk reported an error. Check that it is still connected and "
                                         "healthy, then start Poplark again.")
    return translate("store_errors", "Try again; if it happens again, quit Poplark and start it again.")


def store_fetch_text(error: StoreError, account: str) -> str:
    """Mail of ``account`` could not be saved: what the fetch left behind, and the next step."""
    translate = QCoreApplication.translate
    what = translate("store_errors", "Poplark could not save mail for {account} on this computer ({detail}). "
                                     "Nothing was removed from the server that is not saved here.")
    return f"{what.replace('{account}', account).replace('{detail}', _detail(error))} {store_advice(error)}"


def store_action_text(error: StoreError) -> str:
    """A mailbox action or a read failed in the window (no account involved)."""
    translate = QCoreApplication.translate
    what = translate("store_errors", "The mail store could not be used ({detail}).")
    return f"{what.replace('{detail}', _detail(error))} {store_advice(error)}"


def store_open_text(error: StoreError) -> str:
    """The store could not be opened at start-up for a reason that is not damage or a newer version."""
    translate = QCoreApplication.translate
    what = translate("store_errors", "Poplark cannot open its mail store ({detail}).")
    return f"{what.replace('{detail}', _detail(error))} {store_advice(error)}"


class ReportsStoreFailures(Protocol):
    def show_store_failure(self, error: StoreError) -> None: ...


_Window = TypeVar("_Window", bound=ReportsStoreFailures)
_Parameters = ParamSpec("_Parameters")


def reports_store_failures(action: Callable[Concatenate[_Window, _Parameters], object],
                           ) -> Callable[Concatenate[_Window, _Parameters], None]:
    """Wrap a window's mailbox action so that a store failure is told to the user.

    Without it the exception would end in the slot, where Qt only logs it: the user would see a
    click that did nothing.
    """
    @functools.wraps(action)
    def guarded(window: _Window, /, *args: _Parameters.args, **kwargs: _Parameters.kwargs) -> None:
        try:
            action(window, *args, **kwargs)
        except StoreError as error:
            window.show_store_failure(error)

    return guarded


def _detail(error: StoreError) -> str:
    return str(error).rstrip(".")


__all__ = ["reports_store_failures", "store_action_text", "store_advice", "store_fetch_text", "store_open_text"]
