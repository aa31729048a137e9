"""One POP3 session for one account: connect, log in, list, plan, retrieve and store, delete, quit.

The contract is the invariants 1-4 of docs/architecture.md:

1. A DELE goes out only after the commit that holds that message (group commits, then DELEs).
2. On cancel or error: RSET and QUIT while the link is in step, otherwise just close.
3. A rerun after any interruption, ``kill -9`` included, fetches exactly what is missing, because
   the UIDL is committed in the same transaction as the message.
4. The stored bytes are the octets received, dot-unstuffed, nothing else.

The engine never touches a widget: it reports through a :class:`FetchObserver` and stops when
its :class:`CancelToken` is set.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from app.core.cancel import CancelToken
from app.core.errors import Cancelled, MessageTooLarge, OutOfStep, PermanentServerError, PipelineStalled, PoplarkError
from app.core.fetch import interruption, limits
from app.core.fetch.plan import FetchPlan, ServerMessage, assign_keys, plan
from app.core.fetch.session_start import (
    PIPELINING_PAUSE_SECONDS,
    PIPELINING_STALL_PAUSE_SECONDS,
    log_in,
    pause_after_break,
    pipelining_allowed,
    unique_ids,
)
from app.core.fetch.writer import GroupWriter
from app.core.locking import AccountLock
from app.core.memory import return_big_blocks_to_the_system
from app.core.model import Account, FetchPhase, FetchProgress, FetchReport, MessageSummary
from app.core.pop3.after_login import Listings
from app.core.pop3.auth import Secret
from app.core.pop3.client import Pop3Client
from app.core.pop3.listing import Retrieved
from app.core.store.store import Store

log = logging.getLogger("poplark.fetch")

#: Group commit limits: bound what a crash can make us fetch again, and the fsync rate. A
#: quarter of a second, not a whole one: the search indexer beside a big fetch
#: (app.cli.indexing) can index only what is committed, and over a slow link a second's worth of
#: messages was the whole download, so it started only when the download had ended.
COMMIT_EVERY_BYTES = 16 * 1024 * 1024
COMMIT_EVERY_MESSAGES = 1000
COMMIT_EVERY_SECONDS = 0.25
#: From this LIST size on, freed message buffers are handed back at once (app.core.memory).
BIG_MESSAGE_BYTES = 8 * 1024 * 1024
#: Without a size cap on the account, refuse single messages larger than this (memory safety).
HARD_MESSAGE_LIMIT = 512 * 1024 * 1024
#: Prefix of the content key used for servers that have no UIDL.
CONTENT_KEY_PREFIX = "poplark-content:"


class FetchObserver:
    """Receives progress from the engine. Methods are called on the engine's thread."""

    def progress(self, progress: FetchProgress) -> None:
        """A step was made."""

    def messages_stored(self, summaries: list[MessageSummary]) -> None:
        """These messages were just committed (they are now visible to other connections)."""


ClientFactory = Callable[[Account, CancelToken], Pop3Client]


def default_client(account: Account, cancel: CancelToken) -> Pop3Client:
    return Pop3Client(account.host, account.effective_port, account.security,
                      timeout=account.timeout_seconds, ca_file=account.ca_file,
                      pinned_cert_sha256=account.pinned_cert_sha256, cancel=cancel)


def fetch_account(store: Store, lock_directory: Path, account: Account, password: str | Secret, *,
                  observer: FetchObserver | None = None, cancel: CancelToken | None = None,
                  clock: Callable[[], float] = time.time,
                  client_factory: ClientFactory = default_client) -> FetchReport:
    """Run one session for ``account``. Raises the error vocabulary; the report says the rest.

    ``password``: a password, or a :class:`Secret` (an OAuth2 access token, issue 17).
    """
    assert account.id is not None, "the account must be saved first"
    with AccountLock(lock_directory, account.id, account.name):
        session = _Session(store, account, password, observer or FetchObserver(),
                           cancel or CancelToken(), clock, client_factory)
        try:
            # Synced only when the plan has work (_Session.before_changes): a no-op check pays no fsync.
            interruption.mark_started(lock_directory, account.id, durable=False)
            session.before_changes = lambda: _make_marker_durable(lock_directory, account)
        except OSError as error:  # only a note for the next start: the fetch goes on without it
            log.warning("cannot note the start of the fetch for %s: %s", account.name, error)
        try:
            report = session.run()
        except Cancelled:
            raise  # stopped from outside: the marker stays for whoever stopped it to judge
        except Exception:  # ended by itself, badly (a KeyboardInterrupt is an interruption)
            interruption.mark_ended(lock_directory, account.id)
            raise
        interruption.mark_ended(lock_directory, account.id)
        return report


def _make_marker_durable(lock_directory: Path, account: Account) -> None:
    assert account.id is not None
    try:
        interruption.make_durable(lock_directory, account.id)
    except OSError as error:  # as for writing it: only a note for the next start
        log.warning("cannot note the start of the fetch for %s: %s", account.name, error)


class _Session:
    def __init__(self, store: Store, account: Account, password: str | Secret, observer: FetchObserver,
                 cancel: CancelToken, clock: Callable[[], float], client_factory: ClientFactory) -> None:
        self.store = store
        self.account = account
        self.password: str | Secret = password
        self.observer = observer
        self.cancel = cancel
        self.clock = clock
        self.client = client_factory(account, cancel)
        self.report = FetchReport(account=account.name)
        #: Messages received but not yet handed to the writer: (uidl, raw, received_at), one group.
        self.uncommitted: list[tuple[str, bytes, float]] = []
        self.uncommitted_bytes = 0
        self.last_commit = time.monotonic()
        #: Commits groups on its own thread while the next one is read (app.core.fetch.writer).
        self.writer = GroupWriter(store.path, account)
        #: Called once the plan says this session downloads or deletes something, before it does.
        self.before_changes: Callable[[], None] = lambda: None

    def run(self) -> FetchReport:
        try:
            return self._run()
        finally:
            self.writer.close()

    def _run(self) -> FetchReport:
        assert self.account.id is not None
        try:
            self._progress(FetchPhase.CONNECTING)
            self.client.connect()
            self.cancel.raise_if_cancelled()
            allowed = pipelining_allowed(self.store, self.account, self.clock)
            # Advertised before login: CAPA, LIST and UIDL go out in one write after it (one
            # round trip instead of three); never before the login reply (app.core.pop3.after_login).
            early = log_in(self.client, self.account, self.password, allowed=allowed)
            self.password = ""  # not needed any more; keep it out of later tracebacks
            self._progress(FetchPhase.LISTING)
            listed = self.client.pipelined_listings() if early else None
            capabilities = self.client.capabilities
            self.report.login_delay_seconds = capabilities.login_delay
            # Decided from the CAPA after login, whichever way it was sent.
            pipelined = allowed and capabilities.pipelining
            self.report.pipelined = pipelined
            listing = self._listing(pipelined, listed)
            self.report.on_server = len(listing)
            known = self.store.known_uids(self.account.id)
            listing = assign_keys(listing, known)
            decided = plan(listing, known, self.account.policy, self.clock())
            self._check_ignored_deletions(listing, decided)
            self._note_plan(decided)
            partial: limits.PartialPlan | None = None
            if self.account.limits_downloads:  # once per session: nothing per message without limits
                has_uidl = not listing[0].uidl.startswith(CONTENT_KEY_PREFIX) if listing else True
                decided, partial = limits.split(decided, self.account, has_uidl)
            if decided.retrieve or decided.delete or (partial is not None and partial.messages):
                self.before_changes()
            retrieved = self._retrieve(decided, pipelined)
            self._commit()
            self._flush()  # invariant 1: every message is committed before any DELE
            if partial is not None:  # stored in part: never deleted in this session (not in `retrieved`)
                limits.store_partial(self.client, self.store, self.account, partial, pipelined=pipelined,
                                     cancel=self.cancel, clock=self.clock, report=self.report,
                                     stored=self.observer.messages_stored)
            self._delete(list(decided.delete) + (retrieved if decided.delete_after_retrieve else []),
                         pipelined)
        except (OutOfStep, PipelineStalled) as error:
            pause_after_break(self.store, self.account, self.clock, error)
            self._end_badly(error)
            raise
        except BaseException as error:
            self._end_badly(error)
            raise
        self.report.pending_server_deletions = self.store.pending_server_deletions(self.account.id)
        self._progress(FetchPhase.DONE)
        return self.report

    def _check_ignored_deletions(self, listing: list[ServerMessage], decided: FetchPlan) -> None:
        """Notice a server that confirmed DELE at QUIT but kept the messages; say so once.

        plan() never asks again for such a UIDL, so this is only about telling the user. The
        per-account marker makes the report say it in the first session that notices only.
        Locally deleted UIDLs the server no longer lists are done with: nothing is queued for them.
        """
        assert self.account.id is not None
        self.store.forget_gone_local_deletions(self.account.id, [message.key for message in listing])
        kept = decided.deleted_yet_listed
        if kept and self.store.dele_ignored_at(self.account.id) is None:
            self.store.set_dele_ignored_at(self.account.id, self.clock())
            self.report.ignored_deletions = kept

    def _end_badly(self, reason: BaseException) -> None:
        """Keep what was fully received, then end the session deleting nothing (invariant 2)."""
        try:
            self._commit()
            self._flush()
        except PoplarkError as error:
            if error is not reason:  # the writer's own failure ends the session: said once, by the caller
                log.exception("could not store the messages received before the session failed")
        self.client.abort(reason)

    # -- listing ------------------------------------------------------------------------------

    def _listing(self, pipelined: bool, listed: Listings | None) -> list[ServerMessage]:
        """``listed``: what the pipelined CAPA, LIST and UIDL brought; None: ask one by one."""
        sizes = listed.sizes if listed is not None else self.client.list_sizes()
        if not sizes:
            return []
        uids = listed.uids if listed is not None else unique_ids(self.client)
        if uids is None:
            uids = self._content_keys(sorted(sizes), pipelined)
        # Keyed by the UIDL (assign_keys changes that only for a shared one), built by the tuple's
        # own constructor, with no Python call per message: this runs for every listed message
        # in every check (20,000: 12 ms instead of 40 with ServerMessage(...)).
        new = tuple.__new__
        return [new(ServerMessage, (number, uidl, size, uidl, False))
                for number, size in sorted(sizes.items()) if (uidl := uids.get(number)) is not None]

    def _content_keys(self, numbers: list[int], pipelined: bool) -> dict[int, str]:
        """Without UIDL, identify each message by a hash of its header block (from TOP n 0).

        Headers carry Received lines and a Message-ID, so two different messages practically
        never share them; the same message always does.
        """
        self.report.warnings.append("the server does not support UIDL; messages are recognised "
                                    "by their headers instead")
        keys: dict[int, str] = {}
        for item in self.client.headers_many(numbers, pipelined=pipelined):
            self.cancel.raise_if_cancelled()
            if item.data is None:
                raise PermanentServerError("the server supports neither UIDL nor TOP, so Poplark "
                                           "cannot tell which messages it already has")
            keys[item.number] = CONTENT_KEY_PREFIX + hashlib.sha256(item.data).hexdigest()
        return keys

    def _note_plan(self, decided: FetchPlan) -> None:
        self.report.skipped_too_large = len(decided.too_large)
        if decided.too_large:
            self.report.warnings.append(
                f"{len(decided.too_large)} message(s) larger than the size limit were left on the server")
        if decided.undeletable:
            # Only what cannot be done: each copy is downloaded once (plan.assign_keys), but a
            # copy that shares UIDL and size with another cannot be told from it to delete it.
            named = ", ".join(f"{message.number} (UIDL {message.uidl}, {message.size} bytes)"
                              for message in decided.undeletable[:10])
            more = f" and {len(decided.undeletable) - 10} more" if len(decided.undeletable) > 10 else ""
            self.report.warnings.append(
                f"message(s) {named}{more} were left on the server: the server gives another message the "
                "same UIDL and size, so Poplark cannot tell which copy it already has; delete them in the "
                "provider's web mail if you want them gone")

    # -- retrieving ---------------------------------------------------------------------------

    def _retrieve(self, decided: FetchPlan, pipelined: bool) -> list[ServerMessage]:
        wanted = {message.number: message for message in decided.retrieve}
        if any(message.size >= BIG_MESSAGE_BYTES for message in decided.retrieve):
            return_big_blocks_to_the_system()
        total_bytes = decided.retrieve_bytes
        total = len(decided.retrieve)
        limit = self.account.policy.max_message_bytes or HARD_MESSAGE_LIMIT
        stored: list[ServerMessage] = []
        done_bytes = 0
        self._progress(FetchPhase.DOWNLOADING, 0, total, 0, total_bytes)
        replies: Iterable[Retrieved] = self.client.retrieve_many(
            [(message.number, message.size) for message in decided.retrieve],
            pipelined=pipelined, max_bytes=limit)
        for done, item in enumerate(replies, start=1):
            self.cancel.raise_if_cancelled()
            message = wanted[item.number]
            done_bytes += message.size
            if item.data is None:
                self._note_failure(message, item.error)
            else:
                # Two identical messages in a row are normal (a resend): the client's sentinel
                # replies, not the content, tell whether the replies are in step.
                self.uncommitted.append((message.key, item.data, self.clock()))
                self.uncommitted_bytes += len(item.data)
                self.report.new_messages += 1
                self.report.new_bytes += len(item.data)
                stored.append(message)
                if self._commit_due():
                    self._commit()
            self._report_stored()
            self._progress(FetchPhase.DOWNLOADING, done, total, done_bytes, total_bytes)
        return stored

    def _note_failure(self, message: ServerMessage, error: PoplarkError | None) -> None:
        if isinstance(error, MessageTooLarge):
            self.report.skipped_too_large += 1
        else:
            self.report.failed_messages += 1
        self.report.warnings.append(f"message {message.number} was not downloaded: {error}")

    def _commit_due(self) -> bool:
        return (self.uncommitted_bytes >= COMMIT_EVERY_BYTES
                or len(self.uncommitted) >= COMMIT_EVERY_MESSAGES
                or time.monotonic() - self.last_commit >= COMMIT_EVERY_SECONDS)

    def _commit(self) -> None:
        """Hand the received group to the writer, which commits it in one durable transaction
        while the next group is read; DELE waits for :meth:`_flush`."""
        self.last_commit = time.monotonic()
        if self.uncommitted:
            group, self.uncommitted, self.uncommitted_bytes = self.uncommitted, [], 0
            self.writer.submit(group)
        self._report_stored()

    def _flush(self) -> None:
        """Wait until every group handed over is committed (raises the writer's error)."""
        try:
            self.writer.flush()
        finally:
            self._report_stored()

    def _report_stored(self) -> None:
        """Tell the observer, on this thread, about the groups the writer has committed."""
        for summaries in self.writer.stored():
            self.observer.messages_stored(summaries)

    # -- deleting -----------------------------------------------------------------------------

    def _delete(self, doomed: list[ServerMessage], pipelined: bool) -> None:
        assert self.account.id is not None
        self.cancel.raise_if_cancelled()
        if doomed:
            self._progress(FetchPhase.DELETING, 0, len(doomed))
            by_number = {message.number: message for message in doomed}
            accepted = self.client.delete_many(sorted(by_number), pipelined=pipelined)
            # Last chance to change our mind: after QUIT the server deletes for real.
            self.cancel.raise_if_cancelled()
            self.client.quit()
            self.store.mark_deleted_on_server(self.account.id, [by_number[n].key for n in accepted])
            self.report.deleted_on_server = len(accepted)
            if len(accepted) < len(doomed):
                self.report.warnings.append(
                    f"the server refused to delete {len(doomed) - len(accepted)} message(s)")
        else:
            self.client.quit()

    def _progress(self, phase: FetchPhase, done: int = 0, total: int = 0, done_bytes: int = 0,
                  total_bytes: int = 0) -> None:
        self.observer.progress(FetchProgress(self.account.name, phase, done, total, done_bytes, total_bytes))


__all__ = ["PIPELINING_PAUSE_SECONDS", "PIPELINING_STALL_PAUSE_SECONDS", "FetchObserver", "fetch_account"]
