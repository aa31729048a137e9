"""Opening compose windows: New Message, Reply, Reply All, Forward (inline or as an attachment),
Edit as New, a saved draft reopened, and a message taken back out of the Outbox to be corrected.

The drafts are the core's (:mod:`app.core.compose.respond`, as ``poplark reply`` makes them): the
quote is the reader's text of the original, the attribution line in the window's language, the
subject prefix once, Reply All without any of the user's own addresses. The stored message is read
and parsed in a background job (a message can be tens of megabytes); the window opens when it is
ready. Each window's Send goes to the :class:`~app.ui.compose.sending.Sender`; its draft keeper
outlives it until its last save has ended.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any, cast

from PySide6.QtCore import QLocale, QObject, QSettings, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from app.core.compose.draft import Draft
from app.core.model import Account, Folder
from app.core.store import Store
from app.ui.compose.drafts import DraftKeeper
from app.ui.compose.sending import Sender
from app.ui.compose.window import ComposeWindow
from app.ui.store_events import Change, MessageChange, StoreEvents
from app.ui.workers.background import BackgroundJob, ProgressCallback


class Kind(enum.Enum):
    """How a compose window starts from a stored message."""

    REPLY = "reply"
    REPLY_ALL = "reply_all"
    FORWARD = "forward"
    FORWARD_ATTACHED = "forward_attached"
    EDIT_AS_NEW = "edit_as_new"
    DRAFT = "draft"


def draft_for(store: Store, kind: Kind, message_id: int, own_addresses: list[str], language: str) -> tuple[Draft, str]:
    """The draft ``kind`` makes of stored message ``message_id``, and the account it belongs to."""
    from app.core.compose import respond

    raw = store.raw(message_id)
    account = store.summaries([message_id])[message_id].account
    if kind in (Kind.REPLY, Kind.REPLY_ALL):
        return respond.reply(raw, own_addresses, language, reply_all=kind is Kind.REPLY_ALL), account
    if kind is Kind.FORWARD:
        return respond.forward_inline(raw, language), account
    if kind is Kind.FORWARD_ATTACHED:
        return respond.forward_as_attachment(raw, language), account
    if kind is Kind.EDIT_AS_NEW:
        return respond.edit_as_new(raw), account
    return respond.reopen_draft(raw), account


def ui_language() -> str:
    """The language of the attribution line: the window's (``zh_CN`` writes "在 ...，... 写道：")."""
    return QLocale().name()


class ComposeOpener(QObject):
    """Opens and keeps the compose windows of one main window."""

    #: A compose window is shown (tests and screenshots wait on it).
    opened = Signal(object)

    def __init__(self, store: Store, events: StoreEvents, sender: Sender, settings: QSettings,
                 accounts: Callable[[], list[Account]], parent: QWidget) -> None:
        super().__init__(parent)
        self.store = store
        self.events = events
        self.outbox_sender = sender
        self.settings = settings
        self.accounts = accounts
        self.window = parent
        self.windows: list[ComposeWindow] = []
        self.keepers: set[DraftKeeper] = set()
        self.jobs: set[BackgroundJob] = set()
        #: The address book's completion worker for the To/Cc/Bcc fields (None: no completion).
        self.completion: Any = None
        self.autosave_ms: int | None = None

    # -- the commands ---------------------------------------------------------------------------

    def new_message(self, account_id: int | None) -> ComposeWindow:
        return self.open(Draft(), account_id, None, with_signature=True)

    def respond(self, kind: Kind, message_id: int) -> None:
        """Open the window ``kind`` makes of a stored message, once it has been read."""
        path, language = self.store.path, ui_language()
        own = [account.email for account in self.accounts() if account.email]

        def run(report: ProgressCallback) -> tuple[Draft, str]:
            with Store(path) as store:
                return draft_for(store, kind, message_id, own, language)

        def ready(result: object) -> None:
            assert isinstance(result, tuple)
            draft, account_name = cast(tuple[Draft, str], result)
            account_id = next((account.id for account in self.accounts() if account.name == account_name), None)
            self.open(draft, account_id, message_id if kind is Kind.DRAFT else None,
                      with_signature=kind not in (Kind.DRAFT, Kind.EDIT_AS_NEW))

        def failed(error: object) -> None:
            QMessageBox.warning(self.window, self.tr("Cannot open the message"),
                                self.tr("The message could not be read ({detail}). It may have been deleted "
                                        "meanwhile; choose it again.").replace("{detail}", str(error)))

        job = BackgroundJob(run, self)
        job.succeeded.connect(ready)
        job.failed.connect(failed)
        job.finished.connect(lambda: self.jobs.discard(job))
        self.jobs.add(job)
        job.start()

    def edit_outbox_message(self, outbox_id: int) -> None:
        """Take a message out of the Outbox into a compose window (as a draft), to correct it."""
        from app.core.compose.respond import reopen_draft

        item = self.store.outbox_item(outbox_id)
        draft = reopen_draft(self.store.outbox_raw(outbox_id))
        draft.bcc = [address for address in item.recipients if not any(
            address.lower() in value.lower() for value in draft.to + draft.cc)]  # Bcc: only in the envelope
        self.outbox_sender.remove(outbox_id)
        window = self.open(draft, item.account_id, None)
        window.keeper.mark_changed()  # saved as a draft at once: it is in no other place now
        window.keeper.save_now()

    def open(self, draft: Draft, account_id: int | None, draft_id: int | None, *,
             with_signature: bool = False) -> ComposeWindow:
        groups = {name for name, _ in self.store.group_names()}
        options: dict[str, Any] = {} if self.autosave_ms is None else {"autosave_ms": self.autosave_ms}
        window = ComposeWindow(self.accounts(), draft, account_id=account_id, draft_id=draft_id,
                               database_path=self.store.path, settings=self.settings, groups=groups,
                               with_signature=with_signature, keeper_parent=self, completion=self.completion,
                               **options)
        self.windows.append(window)
        keeper = window.keeper
        self.keepers.add(keeper)
        keeper.saved.connect(self._draft_saved)
        keeper.idle.connect(lambda: self._keeper_idle(keeper))
        window.send_requested.connect(self._send)
        window.destroyed.connect(lambda _object=None, window=window: self._forget(window))
        window.show()
        self.opened.emit(window)
        return window

    # -- what the windows do ----------------------------------------------------------------

    def _send(self, window: ComposeWindow) -> None:
        account = window.current_account()
        assert account is not None
        draft = window.draft()
        keeper = window.keeper
        keeper.forget()  # no autosave may recreate the draft the queueing removes

        def failed(text: str) -> None:
            keeper.stopped = False
            window.send_failed(text)

        keeper.when_saved(lambda: self.outbox_sender.queue(account, draft, keeper.draft_id, window.queued, failed))

    def _draft_saved(self, previous: object, new_id: int) -> None:
        if isinstance(previous, int):
            if new_id < 0:  # discarded: moved to Trash
                self.events.announce(MessageChange(Change.MOVED, (previous,), Folder.TRASH))
                return
            self.events.announce(MessageChange(Change.DELETED, (previous,)))
        self.events.announce(MessageChange(Change.ADDED, (new_id,), Folder.DRAFTS))

    def _keeper_idle(self, keeper: DraftKeeper) -> None:
        if keeper in self.keepers and not any(window.keeper is keeper for window in self.windows):
            self.keepers.discard(keeper)

    def _forget(self, window: ComposeWindow) -> None:
        if window in self.windows:
            self.windows.remove(window)

    def shut_down(self, milliseconds: int = 10000) -> None:
        """At quit: every window closes (saving its draft), and the saves end before the store closes."""
        for window in list(self.windows):
            window.close()
        for job in list(self.jobs):
            job.wait(milliseconds)
        for keeper in list(self.keepers):
            keeper.wait(milliseconds)


__all__ = ["ComposeOpener", "Kind", "draft_for", "ui_language"]
