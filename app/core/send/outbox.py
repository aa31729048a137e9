"""The outbox worker: committed messages to the SMTP server and into Sent, exactly once or honestly
"may have been sent" (docs/architecture.md, "Sending mail").

One sender per account at a time, across threads and processes (an OS file lock that dies with
its process). Holding it, the worker first settles what a dead sender left in "sending"
(:meth:`~app.core.store.outbox.OutboxTable.settle_interrupted`), then sends each due message:

1. ``claim``: "sending", committed, before any byte goes out;
2. MAIL FROM, RCPT TO (one refused recipient stops the message for everyone), DATA;
3. ``mark_final_dot``, committed, then the final "." — the only moment after which a crash
   leaves the message "unsure": it is never resent without the user's word;
4. the server's 250: ``mark_sent`` moves it into Sent, byte-exact, in one transaction.

A temporary failure (4xx, a lost link before the final dot) puts the message back in the queue
with a growing delay (a server that answers 4xx for days fails it, as mail servers bounce; an
unreachable one never does); a permanent one (5xx, a refused recipient, too large) marks it failed
with the server's words, for the user.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from app.core.cancel import CancelToken
from app.core.error_policy import Recovery, recovery_for
from app.core.errors import FetchInProgress, PoplarkError, TemporaryServerError
from app.core.locking import AccountLock
from app.core.model import Account, SmtpSettings
from app.core.pop3.auth import Secret
from app.core.send.replies import DeliveryUnknown, ServiceClosing
from app.core.send.smtp import SmtpSession
from app.core.store import Store

#: Delays after the 1st, 2nd, ... temporary failure; the last repeats.
RETRY_DELAYS_SECONDS = (60, 300, 900, 1800, 3600)
#: A message the server keeps answering with 4xx fails after this long, as mail servers bounce
#: after some days (RFC 5321 section 4.5.4.1 suggests 4-5). An unreachable server never fails it.
GIVE_UP_SECONDS = 4 * 24 * 3600


def _day(timestamp: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(timestamp))


def retry_delay(attempts: int) -> float:
    return float(RETRY_DELAYS_SECONDS[min(max(attempts, 1), len(RETRY_DELAYS_SECONDS)) - 1])


@dataclass
class SendReport:
    """What one run of the worker did, per outbox id."""

    account: str
    sent: dict[int, int] = field(default_factory=dict)          # outbox id -> message id in Sent
    failed: dict[int, PoplarkError] = field(default_factory=dict)
    retry_later: dict[int, PoplarkError] = field(default_factory=dict)
    unsure: list[int] = field(default_factory=list)
    #: An error that stopped the whole run (connection, login), after the messages were put back.
    error: PoplarkError | None = None


class SendLock(AccountLock):
    """``send-<id>.lock``: one sender per account (a fetch of the same account may run meanwhile)."""

    def __init__(self, directory: Path, account_id: int, account_name: str) -> None:
        super().__init__(directory, account_id, account_name)
        self.path = directory / f"send-{account_id}.lock"

    def __enter__(self) -> SendLock:
        try:
            super().__enter__()
        except FetchInProgress as error:
            raise FetchInProgress(f"{self.account_name} is already sending in another Poplark window or "
                                  "command") from error
        return self


SessionFactory = Callable[[Account, SmtpSettings, CancelToken | None], SmtpSession]


def open_session(account: Account, smtp: SmtpSettings, cancel: CancelToken | None) -> SmtpSession:
    return SmtpSession(smtp.host, smtp.effective_port, smtp.security, timeout=account.timeout_seconds,
                       ca_file=account.ca_file, pinned_cert_sha256=account.pinned_cert_sha256, cancel=cancel)


def send_queued(store: Store, account: Account, password: str | Secret, lock_directory: Path, *,
                only: Sequence[int] | None = None, cancel: CancelToken | None = None,
                session_factory: SessionFactory = open_session) -> SendReport:
    """Send the account's due messages (or only the ids in ``only``); see the module docstring.

    ``password`` may be an OAuth2 access token (a :class:`Secret`); a refused one ends the run
    with :class:`~app.core.errors.TokenRejected` in ``report.error`` and every message still due,
    so the caller can run again with a fresh token."""
    assert account.id is not None
    report = SendReport(account.name)
    with SendLock(lock_directory, account.id, account.name):
        report.unsure.extend(store.settle_interrupted(account.id))
        due = [item.id for item in store.due(account.id, time.time()) if only is None or item.id in only]
        if not due:
            return report
        if account.smtp is None:
            from app.core.errors import ConfigError

            raise ConfigError(f"{account.name} has no SMTP server: set one in the account settings (poplark "
                              f"account smtp {account.name}), then send from the outbox")
        session = session_factory(account, account.smtp, cancel)
        try:
            session.connect()
            session.login(account.smtp_user, password, allow_insecure_auth=account.allow_insecure_auth)
        except PoplarkError as error:
            session.close()
            _put_back(store, due, error, report)
            report.error = error
            return report
        try:
            for index, outbox_id in enumerate(due):
                if not _send_one(store, session, outbox_id, report):
                    _put_back(store, due[index + 1:], None, report)
                    break
        finally:
            session.quit()
    return report


def _send_one(store: Store, session: SmtpSession, outbox_id: int, report: SendReport) -> bool:
    """Send one message; whether the session can go on to the next."""
    if not store.claim(outbox_id):
        return True  # removed or changed by the user meanwhile
    item = store.outbox_item(outbox_id)
    raw = store.outbox_raw(outbox_id)
    dot_sent = False

    def before_final_dot() -> None:
        nonlocal dot_sent
        store.mark_final_dot(outbox_id)
        dot_sent = True

    try:
        session.send(item.sender, item.recipients, raw, before_final_dot)
    except DeliveryUnknown as error:
        store.mark_unsure(outbox_id, str(error))
        report.unsure.append(outbox_id)
        return False
    except PoplarkError as error:
        recovery = recovery_for(error)
        if recovery is Recovery.SILENT:  # cancelled
            if dot_sent:
                store.mark_unsure(outbox_id, "sending was cancelled after the whole message was handed to the "
                                             "server: it may have been delivered")
                report.unsure.append(outbox_id)
            else:
                store.mark_retry(outbox_id, "sending was cancelled", time.time())
            raise
        if recovery is Recovery.ASK_USER:
            store.mark_failed(outbox_id, str(error))
            report.failed[outbox_id] = error
            return True  # refused for this message only: the session is still in step (RSET)
        if isinstance(error, TemporaryServerError) and time.time() - item.queued_at > GIVE_UP_SECONDS:
            # The server itself has said "not now" for days: as a mail server would, stop and say so.
            store.mark_failed(outbox_id, f"the server has not taken the message since {_day(item.queued_at)}, "
                                         f"the last time saying: {error}")
            report.failed[outbox_id] = error
            return True
        store.mark_retry(outbox_id, str(error), time.time() + retry_delay(item.attempts))  # claimed: counted
        report.retry_later[outbox_id] = error
        # A 4xx to this message leaves the session in step (RSET): the next message may go. A lost
        # link, a timeout or a 421 ends it.
        return isinstance(error, TemporaryServerError) and not isinstance(error, ServiceClosing)
    except BaseException:
        if dot_sent:
            store.mark_unsure(outbox_id, "Poplark stopped after handing the whole message to the server: it may "
                                         "have been delivered")
        else:
            store.mark_retry(outbox_id, "Poplark stopped while sending", time.time())
        raise
    report.sent[outbox_id] = store.mark_sent(outbox_id)
    return True


def _put_back(store: Store, ids: Sequence[int], error: PoplarkError | None, report: SendReport) -> None:
    """Messages not tried because the session failed: they wait (with the error, if there was one)."""
    for outbox_id in ids:
        if error is None:
            continue  # untouched: still queued, tried at the next run
        item = store.outbox_item(outbox_id)
        if recovery_for(error) is Recovery.RETRY_SOON:
            # Unreachable, busy: the delays grow, but never give up (a laptop offline for a week
            # still sends when it is back).
            store.mark_retry(outbox_id, str(error), time.time() + retry_delay(item.attempts + 1), count_attempt=True)
            report.retry_later[outbox_id] = error
        else:
            # Login refused, certificate, settings: the message is fine; it waits, queued, until
            # the user fixes the account (then any send run takes it).
            store.mark_retry(outbox_id, str(error), time.time())
            report.retry_later[outbox_id] = error
