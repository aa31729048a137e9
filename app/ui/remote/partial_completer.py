"""Download Now for a partial message (issue 18): the rest is downloaded off the GUI thread and put
in place of the partial message (same id, folder, read and flag state: app.core.store.partial).

One job at a time per message. When it has ended the store's listeners hear that the message
changed, and the reader shows the whole message; a failure is said in the reader's bar, truly:
a message gone from the server cannot be completed, and its headers stay.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from app.core.errors import PoplarkError
from app.core.model import Account, MessageSummary
from app.core.remote.partial import GoneFromServer, complete_message
from app.core.store import Profile, Store
from app.ui.errors import user_message
from app.ui.store_events import Change, MessageChange, StoreEvents
from app.ui.widgets.preview import PreviewPane
from app.ui.workers.account_secret import with_account_secret
from app.ui.workers.background import BackgroundJob, ProgressCallback


class PartialCompleter(QObject):
    """Runs ``complete_message`` jobs; lives on the GUI thread."""

    #: The message is whole now (its new summary).
    completed = Signal(object)
    #: (message id, what to tell the user).
    failed = Signal(int, str)

    def __init__(self, profile: Profile, events: StoreEvents, accounts: Callable[[], dict[str, Account]],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.profile = profile
        self.events = events
        self.accounts = accounts
        self._jobs: dict[int, BackgroundJob] = {}

    def complete(self, message_id: int) -> None:
        if message_id in self._jobs:
            return
        profile = self.profile
        accounts = list(self.accounts().values())
        #: The account's name, for the sentence of a failure (written by the job, read after it).
        named: list[str] = []

        def run(report: ProgressCallback) -> MessageSummary:
            with Store.open(profile) as store:
                partial = store.partial_message(message_id)
                account = next((item for item in accounts if partial is not None and item.id == partial.account_id),
                               None)
                if partial is None or account is None:
                    return store.message(message_id)  # completed meanwhile (or its account is gone)
                named.append(account.name)
                return with_account_secret(account, lambda secret: complete_message(
                    store, profile.lock_directory, account, secret, message_id))

        job = BackgroundJob(run, self)
        job.succeeded.connect(self._succeeded)
        job.failed.connect(lambda error: self._failed(message_id, error, named[0] if named else ""))
        job.finished.connect(lambda: self._jobs.pop(message_id, None))
        self._jobs[message_id] = job
        job.start()

    def _succeeded(self, summary: MessageSummary) -> None:
        self.events.announce(MessageChange(Change.UPDATED, (summary.id,), None))
        self.completed.emit(summary)

    def attach(self, preview: PreviewPane) -> None:
        """Serve the Download Now of ``preview``'s bar, and show the outcome there."""
        bar = preview.partial_bar
        bar.downloads_enabled = True
        bar.download_requested.connect(self.complete)
        self.completed.connect(lambda summary: preview.show_message(summary)
                               if preview.message_id == summary.id else None)
        self.failed.connect(lambda message_id, text: bar.set_failed(text)
                            if preview.message_id == message_id else None)

    def _failed(self, message_id: int, error: object, account_name: str) -> None:
        if isinstance(error, GoneFromServer):
            text = self.tr("The rest of this message is no longer on the server (it was deleted there), so it "
                           "cannot be downloaded. Its headers stay here; delete the message if you do not need it.")
        elif isinstance(error, PoplarkError):
            text = user_message(error, account_name).text
        else:
            text = self.tr("The rest of this message could not be downloaded: {0}. Try again.").format(error)
        self.failed.emit(message_id, text)

    def wait_for_jobs(self, milliseconds: int = 5000) -> None:
        for job in list(self._jobs.values()):
            job.wait(milliseconds)
