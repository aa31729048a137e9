"""Saving the message being written as a draft: a few seconds after a change, on Save and on close.

The first change starts a timer of a few seconds (not restarted by the next keystrokes), so someone
who types on and on is saved every few seconds and a crash or ``kill -9`` loses at most those. The
draft is built by the core (:func:`~app.core.compose.build.build_message` with ``for_draft``: Bcc
kept) and stored with :meth:`~app.core.store.outbox.OutboxTable.save_draft`, which replaces the
previous version in place; both run in a background job with its own store, because a draft with
attachments of tens of megabytes takes a while to encode and write. One save at a time: a change
during a save is saved right after it.

A recipient still being typed ("bo", not an address yet) is left out of the saved draft until it
becomes an address, since the core writes only addresses into headers; everything else is kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from app.core.compose.draft import Draft
from app.core.model import Account, Folder
from app.core.store import Store
from app.ui.compose.fields import invalid_recipients
from app.ui.workers.background import BackgroundJob, ProgressCallback

#: A few seconds of typing at most are lost to a crash.
AUTOSAVE_MS = 3000


def savable(draft: Draft) -> Draft:
    """``draft`` without the recipients that are not addresses yet (see the module docstring)."""
    def keep(values: list[str]) -> list[str]:
        return [value for value in values if not invalid_recipients([value])]

    return replace(draft, to=keep(draft.to), cc=keep(draft.cc), bcc=keep(draft.bcc))


def save_draft(store: Store, account: Account, draft: Draft, draft_id: int | None) -> int:
    """Build and store ``draft`` for ``account`` (replacing ``draft_id``); the new draft's id."""
    from app.core.compose.build import build_message

    assert account.id is not None
    built = build_message(savable(draft), for_draft=True)
    return store.save_draft(account.id, built.raw, draft_id)


class DraftKeeper(QObject):
    """Keeps one compose window's draft saved. Signals arrive on the GUI thread."""

    #: (previous draft id or None, new draft id) after each save.
    saved = Signal(object, int)
    #: A save failed: the error (the window says so; the next change tries again).
    failed = Signal(object)
    #: No save is running or waiting (after :meth:`stop`, the keeper may be dropped).
    idle = Signal()

    def __init__(self, database_path: Path, account: Callable[[], Account | None], draft: Callable[[], Draft],
                 draft_id: int | None, interval_ms: int = AUTOSAVE_MS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.database_path = database_path
        self.account = account
        self.draft = draft
        self.draft_id = draft_id
        self.changed = False
        self.stopped = False
        self._pending = False
        self._after_saves: list[Callable[[], None]] = []
        self._job: BackgroundJob | None = None
        self.timer = QTimer(self)
        self.timer.setObjectName("draftAutosaveTimer")
        self.timer.setSingleShot(True)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.save_now)

    def mark_changed(self) -> None:
        if self.stopped:
            return
        self.changed = True
        if not self.timer.isActive():
            self.timer.start()

    def save_if_changed(self) -> None:
        if self.changed:
            self.save_now()

    def save_now(self) -> None:
        """Save what is written now (after the save running, if one is)."""
        self.timer.stop()
        if self.stopped and not self.changed:
            return
        account = self.account()
        if account is None or account.id is None:
            return
        if self._job is not None:
            self._pending = True
            return
        self.changed = False
        draft, previous, path = self.draft(), self.draft_id, self.database_path

        def run(report: ProgressCallback) -> int:
            with Store(path) as store:  # this thread's own connection
                return save_draft(store, account, draft, previous)

        job = BackgroundJob(run, self)
        job.succeeded.connect(lambda new_id: self._saved(previous, int(new_id)))
        job.failed.connect(self._failed)
        job.finished.connect(self._job_ended)
        self._job = job
        job.start()

    def when_saved(self, then: Callable[[], None]) -> None:
        """Call ``then`` once no save is running (at once when none is): ``draft_id`` is final then."""
        if self._job is None:
            then()
        else:
            self._after_saves.append(then)

    def forget(self) -> None:
        """The message went to the outbox (its draft with it): save nothing more."""
        self.stopped = True
        self.changed = False
        self._pending = False
        self.timer.stop()

    def discard(self) -> None:
        """Delete the saved draft (into Trash, where it can still be found) and save nothing more."""
        self.forget()

        def move_to_trash() -> None:
            if self.draft_id is None:
                return
            draft_id, path = self.draft_id, self.database_path

            def run(report: ProgressCallback) -> int:
                with Store(path) as store:
                    store.move_to_folder([draft_id], Folder.TRASH.value)
                return draft_id

            job = BackgroundJob(run, self)
            job.succeeded.connect(lambda moved: self.saved.emit(moved, -1))
            job.finished.connect(self._job_ended)
            self._job = job
            job.start()

        self.when_saved(move_to_trash)

    def stop(self) -> None:
        """The window closes: no more timer; ``idle`` once the last save has ended. A save still
        waiting saves the message as it is now (the window is gone by the time it runs)."""
        if self._pending:
            draft, account = self.draft(), self.account()
            self.draft, self.account = (lambda: draft), (lambda: account)
        self.stopped = True
        self.timer.stop()
        if self._job is None:
            self.idle.emit()

    def running(self) -> bool:
        return self._job is not None

    def wait(self, milliseconds: int) -> bool:
        """Block until the save running ends (at quit only)."""
        return self._job.wait(milliseconds) if self._job is not None else True

    def _saved(self, previous: int | None, new_id: int) -> None:
        self.draft_id = new_id
        self.saved.emit(previous, new_id)

    def _failed(self, error: object) -> None:
        self.changed = True  # not saved: the next change or the close tries again
        self.failed.emit(error)

    def _job_ended(self) -> None:
        self._job = None
        if self._pending:
            self._pending = False
            self.changed = True
            self.save_now()
            return
        waiting, self._after_saves = self._after_saves, []
        for then in waiting:
            then()
        if self._job is None and self.stopped:
            self.idle.emit()


__all__ = ["AUTOSAVE_MS", "DraftKeeper", "savable", "save_draft"]
