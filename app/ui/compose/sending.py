"""Sending from the window: a written message into the outbox, then out through the core's sender.

The same path as ``poplark send`` (docs/architecture.md, "Sending mail", invariant 10): the draft is
built by :func:`~app.core.compose.build.build_message`, committed with
:meth:`~app.core.store.outbox.OutboxTable.queue` (its saved draft removed in the same transaction),
and sent by :func:`~app.core.send.outbox.send_queued`, each in a background job with its own store,
never on the GUI thread. One send job per account at a time (the core's lock also keeps other
processes out). What the core put back with a retry time is tried again then, by a timer; what
failed for good or "may have been sent" waits for the user in the Outbox, said in the info bar.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

from app.core import credentials
from app.core.cancel import CancelToken
from app.core.compose.draft import Draft
from app.core.errors import Cancelled, ConfigError, CredentialsError, PoplarkError, TokenRejected
from app.core.model import Account, AuthMethod, OutboxItem, OutboxState
from app.core.send.outbox import SendReport
from app.core.store import Store
from app.ui.compose.send_errors import send_error_text
from app.ui.store_events import Change, MessageChange, StoreEvents
from app.ui.workers.background import BackgroundJob, ProgressCallback

#: The longest the retry timer sleeps before looking at the outbox again (another process, such
#: as ``poplark send --queue-only``, may have queued mail meanwhile).
LONGEST_WAIT_MS = 15 * 60 * 1000
#: At start-up, what waits in the outbox is sent after this pause (the window shows first).
START_DELAY_MS = 5000


# lupdate finds the literal translate("ComposeWindow", "...") calls.
translate = QCoreApplication.translate


def queue_draft(store: Store, account: Account, draft: Draft, draft_id: int | None) -> tuple[int, str]:
    """Build ``draft`` (group names expanded) and commit it to the outbox; (outbox id, subject)."""
    from app.core.compose.build import build_message
    from app.core.contacts.groups import expand_recipients

    assert account.id is not None
    draft.to, draft.cc, draft.bcc = (expand_recipients(store, values) for values in (draft.to, draft.cc, draft.bcc))
    built = build_message(draft)
    outbox_id = store.queue(account.id, built.raw, built.sender, built.recipients, subject=draft.subject,
                            message_id=built.message_id, replaces_draft=draft_id)
    return outbox_id, draft.subject


def send_account(database_path: Path, lock_directory: Path, account_name: str, session_password: str | None,
                 cancel: CancelToken) -> SendReport:
    """The core's outbox worker for one account, with its password from the keyring or its OAuth2
    access token (read in this thread: the keyring and a token refresh may wait).
    ``session_password``: the POP3 password typed for this session of an account that does not
    store it, which SMTP shares unless it has its own."""
    from app.core.send.outbox import send_queued

    with Store(database_path) as store:
        account = store.account(account_name)  # its settings as they are now
        if account.auth is AuthMethod.OAUTH2:
            from app.core.oauth.account_tokens import token_source

            # As poplark outbox send does: a token the server refuses is refreshed and the run tried
            # once more (the login failed before anything was sent; every message is still due).
            source = token_source(account)
            report = send_queued(store, account, source.token(), lock_directory, cancel=cancel)
            if isinstance(report.error, TokenRejected):
                report = send_queued(store, account, source.token(fresh=True), lock_directory, cancel=cancel)
            return report
        shares_password = account.smtp_credential_key == account.credential_key
        if not account.remember_password and shares_password and session_password:
            password: str | None = session_password
        else:
            password = credentials.load_password(account.smtp_credential_key)
        if not password:
            raise CredentialsError(f"no SMTP password is stored for {account.name}")
        return send_queued(store, account, password, lock_directory, cancel=cancel)


class Sender(QObject):
    """Queues and sends for one main window. Its signals arrive on the GUI thread."""

    #: A short sentence for the status bar (sending, sent, waiting).
    status = Signal(str)
    #: A sentence that needs the user (failed for good, may have been sent, settings), for the info bar.
    problem = Signal(str)
    #: The outbox's rows changed (queued, sent, failed, retried, removed).
    outbox_changed = Signal()
    #: A send job ended (tests wait on it): the account's name.
    finished = Signal(str)

    def __init__(self, store: Store, lock_directory: Path, events: StoreEvents,
                 session_password: Callable[[Account], str | None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store  # the GUI thread's: outbox rows are read and changed one at a time
        self.database_path = store.path
        self.cancel = CancelToken()
        self.lock_directory = lock_directory
        self.events = events
        self.session_password = session_password
        self.jobs: dict[str, BackgroundJob] = {}
        self._again: set[str] = set()
        self.stopping = False
        self.retry_timer = QTimer(self)
        self.retry_timer.setObjectName("sendRetryTimer")
        self.retry_timer.setSingleShot(True)
        self.retry_timer.timeout.connect(self.send_due)

    # -- queueing ---------------------------------------------------------------------------------

    def queue(self, account: Account, draft: Draft, draft_id: int | None,
              queued: Callable[[], None], failed: Callable[[str], None]) -> None:
        """Commit ``draft`` to the outbox in a background job, then send it; ``queued`` or
        ``failed(sentence)`` is called on the GUI thread."""
        path = self.database_path

        def run(report: ProgressCallback) -> tuple[int, str]:
            with Store(path) as store:
                return queue_draft(store, account, draft, draft_id)

        def done(result: object) -> None:
            if draft_id is not None:
                self.events.announce(MessageChange(Change.DELETED, (draft_id,)))
            self.outbox_changed.emit()
            queued()
            self.send(account.name)

        def refused(error: object) -> None:
            detail = str(error).rstrip(".") if isinstance(error, PoplarkError) else repr(error)
            failed(translate("ComposeWindow",
                "The message could not be put in the Outbox: {detail}. It is still here (and in "
                "Drafts): correct it and send again.").replace("{detail}", detail))

        self._start(f"queue:{time.monotonic()}", run, done, refused)

    # -- sending ------------------------------------------------------------------------------

    def send(self, account_name: str) -> None:
        """Send what is due for the account (again right after, if a run is going on now)."""
        if self.stopping:
            return
        if account_name in self.jobs:
            self._again.add(account_name)
            return
        self.status.emit(translate("ComposeWindow", "Sending mail from {account}…").replace("{account}", account_name))
        path, locks = self.database_path, self.lock_directory
        password = self._session_password(account_name)

        cancel = self.cancel

        def run(report: ProgressCallback) -> SendReport:
            return send_account(path, locks, account_name, password, cancel)

        self._start(account_name, run, lambda report: self._sent(account_name, report),
                    lambda error: self._failed(account_name, error))

    def send_due(self) -> None:
        """Every account with mail due now (the retry timer, start-up)."""
        items = self.store.outbox()
        now = time.time()
        for name in sorted({item.account for item in items if item.state is OutboxState.QUEUED
                            and (item.next_attempt_at is None or item.next_attempt_at <= now)}):
            self.send(name)
        self._schedule(items)

    def start(self, delay_ms: int = START_DELAY_MS) -> None:
        """What waits from before (a crash, a quit, ``poplark send --queue-only``) goes soon."""
        self.retry_timer.start(delay_ms)

    def _session_password(self, account_name: str) -> str | None:
        try:
            account = self.store.account(account_name)
        except ConfigError:
            return None
        return self.session_password(account)

    def _sent(self, account_name: str, report: object) -> None:
        assert isinstance(report, SendReport)
        if report.sent:
            self.events.announce(MessageChange(Change.ADDED, tuple(report.sent.values())))
        for outbox_id, error in report.failed.items():
            self.problem.emit(send_error_text(error, account_name, self._subject(outbox_id)))
        for outbox_id in report.unsure:
            self.problem.emit(translate(
                "ComposeWindow",
                "\u201c{subject}\u201d from {account} may have been sent: the connection ended after the server had "
                "the whole message and before it confirmed it. It is not sent again by itself: ask a recipient or "
                "look in your provider's web mail, then in the Outbox choose \u201cIt Arrived\u201d or "
                "\u201cSend Again\u201d.").replace("{account}", account_name)
                .replace("{subject}", self._subject(outbox_id)))
        if report.error is not None:
            self.status.emit(send_error_text(report.error, account_name))
        elif report.retry_later:
            error = next(iter(report.retry_later.values()))
            self.status.emit(send_error_text(error, account_name))
        elif report.failed or report.unsure:
            # The info bar says what happened; the status bar must not go on saying "Sending...".
            waiting = len(report.failed) + len(report.unsure)
            self.status.emit(translate("ComposeWindow", "{account}: {sent} message(s) sent, {waiting} waiting for "
                                       "you in the Outbox.").replace("{account}", account_name)
                             .replace("{sent}", str(len(report.sent))).replace("{waiting}", str(waiting)))
        elif report.sent:
            self.status.emit(translate("ComposeWindow", "{account}: {count} message(s) sent.")
                             .replace("{account}", account_name).replace("{count}", str(len(report.sent))))
        else:
            self.status.emit("")  # nothing was due after all
        self.outbox_changed.emit()

    def _failed(self, account_name: str, error: object) -> None:
        if self.stopping or isinstance(error, Cancelled):
            return  # quitting: the core put the message back (or marked it unsure); nothing to say
        self.status.emit("")
        if isinstance(error, Exception):
            self.problem.emit(send_error_text(error, account_name))
        self.outbox_changed.emit()

    def _subject(self, outbox_id: int) -> str:
        try:
            return self.store.outbox_item(outbox_id).subject
        except ConfigError:  # removed meanwhile
            return ""

    # -- the outbox's buttons ---------------------------------------------------------------

    def retry(self, outbox_id: int) -> None:
        item = self.store.outbox_item(outbox_id)
        self.store.requeue(outbox_id)
        self.outbox_changed.emit()
        self.send(item.account)

    def remove(self, outbox_id: int) -> None:
        self.store.remove_from_outbox(outbox_id)
        self.outbox_changed.emit()

    def mark_sent(self, outbox_id: int) -> None:
        """The user found it arrived: into Sent without sending."""
        message_id = self.store.mark_sent(outbox_id)
        self.events.announce(MessageChange(Change.ADDED, (message_id,)))
        self.outbox_changed.emit()

    # -- jobs ---------------------------------------------------------------------------------

    def _start(self, key: str, run: Callable[[ProgressCallback], object], done: Callable[[object], None],
               failed: Callable[[object], None]) -> None:
        job = BackgroundJob(run, self)
        job.succeeded.connect(done)
        job.failed.connect(failed)
        job.finished.connect(lambda: self._ended(key))
        self.jobs[key] = job
        job.start()

    def _ended(self, key: str) -> None:
        self.jobs.pop(key, None)
        if key in self._again:
            self._again.discard(key)
            self.send(key)
        elif not key.startswith("queue:"):
            self.finished.emit(key)
            if not self.jobs:
                self.send_due_later()

    def send_due_later(self) -> None:
        self._schedule(self.store.outbox())

    def _schedule(self, items: list[OutboxItem]) -> None:
        """The retry timer set to the first retry time ahead (or a look now and then)."""
        if self.stopping:
            return
        now = time.time()
        waits = [item.next_attempt_at - now for item in items if item.state is OutboxState.QUEUED
                 and item.next_attempt_at is not None and item.next_attempt_at > now]
        wait_ms = min([int(wait * 1000) + 500 for wait in waits] + [LONGEST_WAIT_MS])
        self.retry_timer.start(max(wait_ms, 1000))

    def shut_down(self, milliseconds: int = 10000) -> None:
        """At quit: no new runs; the running ones end (the core's states make any end safe)."""
        self.stopping = True
        self.retry_timer.stop()
        self.cancel.cancel()
        for job in list(self.jobs.values()):
            job.wait(milliseconds)


__all__ = ["Sender", "queue_draft", "send_account"]
