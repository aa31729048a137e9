"""The outbox worker with a real store and a real SMTP server (issue 16): sent exactly once and
byte-exact in Sent; temporary failures wait with a delay, permanent ones for the user; a message
that may have been delivered is never resent by itself."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.compose.build import build_message
from app.core.compose.draft import Draft
from app.core.errors import AuthError
from app.core.model import Account, Folder, OutboxState, Security, SmtpSettings
from app.core.send.outbox import send_queued
from app.core.store import Store
from tests.fakes.certs import TestCertificates
from tests.fakes.smtp_server import DEFAULT_PASSWORD, DEFAULT_USER, FakeSmtpServer
from tests.protocol.test_smtp import SmtpFactory, smtp_serve

__all__ = ["smtp_serve"]  # the fixture, imported for pytest


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store(tmp_path / "poplark.sqlite3")
    (tmp_path / "locks").mkdir()
    yield opened
    opened.close()


def account_for(store: Store, server: FakeSmtpServer, certificates: TestCertificates) -> Account:
    smtp = SmtpSettings(host="localhost", port=server.port, security=Security.TLS, user=DEFAULT_USER)
    return store.add_account(Account(name="work", host="pop.example.org", user="alice", email=DEFAULT_USER,
                                     ca_file=str(certificates.ca_pem), timeout_seconds=5, smtp=smtp))


def queue(store: Store, account: Account, subject: str = "周报", to: str = "bob@example.com") -> int:
    assert account.id is not None
    built = build_message(Draft(from_address=DEFAULT_USER, from_name="张三", to=[to], bcc=["boss@example.com"],
                                subject=subject, text="正文\n.点\n"))
    return store.queue(account.id, built.raw, built.sender, built.recipients, subject=subject,
                       message_id=built.message_id)


def run(store: Store, account: Account, password: str = DEFAULT_PASSWORD):  # type: ignore[no-untyped-def]
    return send_queued(store, account, password, store.path.parent / "locks")


def test_sent_once_and_byte_exact_in_sent(store: Store, smtp_serve: SmtpFactory,
                                          certificates: TestCertificates) -> None:
    server = smtp_serve("tls")
    account = account_for(store, server, certificates)
    first, second = queue(store, account, "one"), queue(store, account, "two")
    report = run(store, account)
    assert set(report.sent) == {first, second} and report.error is None
    assert store.outbox() == []
    sent = store.messages("work", folder=Folder.SENT.value)
    assert sorted(summary.subject for summary in sent) == ["one", "two"]
    by_subject = {summary.subject: store.raw(summary.id) for summary in sent}
    assert [received.data for received in server.received] == [by_subject["one"], by_subject["two"]]
    assert all(summary.seen for summary in sent)
    assert run(store, account).sent == {}  # nothing left: nothing sent twice
    assert len(server.received) == 2


def test_a_refused_recipient_fails_for_the_user_and_the_rest_still_go(
        store: Store, smtp_serve: SmtpFactory, certificates: TestCertificates) -> None:
    server = smtp_serve("tls", rcpt_replies={"nobody@example.com": "550 5.1.1 no such user"})
    account = account_for(store, server, certificates)
    bad = queue(store, account, "bad", to="nobody@example.com")
    good = queue(store, account, "good")
    report = run(store, account)
    assert list(report.failed) == [bad] and list(report.sent) == [good]
    item = store.outbox_item(bad)
    assert item.state is OutboxState.FAILED and "nobody@example.com" in item.last_error
    assert "no such user" in item.last_error
    # The user's decision: send it again (the server now takes it).
    server.faults.rcpt_replies.clear()
    store.requeue(bad)
    assert list(run(store, account).sent) == [bad]
    assert [received.rcpt_tos[0] for received in server.received] == ["bob@example.com", "nobody@example.com"]


def test_a_temporary_failure_waits_with_a_delay(store: Store, smtp_serve: SmtpFactory,
                                                certificates: TestCertificates) -> None:
    server = smtp_serve("tls", mail_reply="451 4.3.0 greylisted, try later")
    account = account_for(store, server, certificates)
    assert account.id is not None
    outbox_id = queue(store, account)
    report = run(store, account)
    assert list(report.retry_later) == [outbox_id]
    item = store.outbox_item(outbox_id)
    assert item.state is OutboxState.QUEUED and item.attempts == 1 and "greylisted" in item.last_error
    assert item.next_attempt_at is not None and item.next_attempt_at >= time.time() + 30
    assert store.due(account.id, time.time()) == []
    server.faults.mail_reply = None
    assert run(store, account).sent == {}  # not yet due
    assert store.due(account.id, item.next_attempt_at + 1) != []


def test_a_refused_login_keeps_every_message_queued(store: Store, smtp_serve: SmtpFactory,
                                                    certificates: TestCertificates) -> None:
    server = smtp_serve("tls")
    account = account_for(store, server, certificates)
    outbox_id = queue(store, account)
    report = run(store, account, password="wrong")
    assert isinstance(report.error, AuthError)
    item = store.outbox_item(outbox_id)
    assert item.state is OutboxState.QUEUED and item.attempts == 0 and "535" in item.last_error
    assert list(run(store, account).sent) == [outbox_id]  # the right password: it goes at once


def test_may_have_been_sent_is_never_resent_by_itself(store: Store, smtp_serve: SmtpFactory,
                                                      certificates: TestCertificates) -> None:
    server = smtp_serve("tls", drop_after_data=True)
    account = account_for(store, server, certificates)
    outbox_id = queue(store, account)
    report = run(store, account)
    assert report.unsure == [outbox_id]
    assert store.outbox_item(outbox_id).state is OutboxState.UNSURE
    server.faults.drop_after_data = False
    assert run(store, account).sent == {}
    assert len(server.held) == 1
    # The user says it did not arrive: sent again, knowingly.
    store.requeue(outbox_id)
    assert list(run(store, account).sent) == [outbox_id]


def test_a_dead_senders_rows_are_settled_by_whether_the_final_dot_was_recorded(
        store: Store, smtp_serve: SmtpFactory, certificates: TestCertificates) -> None:
    server = smtp_serve("tls")
    account = account_for(store, server, certificates)
    assert account.id is not None
    before_dot, after_dot = queue(store, account, "before"), queue(store, account, "after")
    assert store.claim(before_dot) and store.claim(after_dot)
    assert not store.claim(after_dot)  # already sending: a second sender cannot take it
    store.mark_final_dot(after_dot)
    report = run(store, account)
    assert report.unsure == [after_dot] and list(report.sent) == [before_dot]
    item = store.outbox_item(after_dot)
    assert item.state is OutboxState.UNSURE and "may have been delivered" in item.last_error
    assert [received.data for received in server.received] == [store.raw(report.sent[before_dot])]


def test_drafts_are_saved_replaced_and_leave_when_queued(store: Store, smtp_serve: SmtpFactory,
                                                         certificates: TestCertificates) -> None:
    server = smtp_serve("tls")
    account = account_for(store, server, certificates)
    assert account.id is not None
    draft = Draft(from_address=DEFAULT_USER, to=["bob@example.com"], bcc=["boss@example.com"], subject="草稿")
    first = store.save_draft(account.id, build_message(draft, for_draft=True).raw)
    draft.text = "more"
    second = store.save_draft(account.id, build_message(draft, for_draft=True).raw, first)
    drafts = store.messages("work", folder=Folder.DRAFTS.value)
    assert [summary.id for summary in drafts] == [second]
    assert b"Bcc: boss@example.com" in store.raw(second)
    built = build_message(draft)
    store.queue(account.id, built.raw, built.sender, built.recipients, replaces_draft=second)
    assert store.messages("work", folder=Folder.DRAFTS.value) == []
    assert len(store.outbox()) == 1


def test_sent_and_drafts_come_back_from_trash_where_they_were(store: Store, smtp_serve: SmtpFactory,
                                                              certificates: TestCertificates) -> None:
    server = smtp_serve("tls")
    account = account_for(store, server, certificates)
    assert account.id is not None
    queue(store, account, "sent one")
    [sent_id] = run(store, account).sent.values()
    draft_id = store.save_draft(account.id, build_message(Draft(from_address=DEFAULT_USER), for_draft=True).raw)
    received_id = store.import_message(account.id, b"Subject: received\r\n\r\nhello\r\n")
    store.move_to_folder([sent_id, draft_id, received_id], Folder.TRASH)
    assert {summary.id for summary in store.messages("work", folder=Folder.TRASH.value)} == {
        sent_id, draft_id, received_id}
    store.restore([sent_id, draft_id, received_id])
    assert [summary.id for summary in store.messages("work", folder=Folder.SENT.value)] == [sent_id]
    assert [summary.id for summary in store.messages("work", folder=Folder.DRAFTS.value)] == [draft_id]
    assert [summary.id for summary in store.messages("work")] == [received_id]


def test_an_unreachable_server_delays_more_each_time_and_never_fails_the_message(
        store: Store, smtp_serve: SmtpFactory, certificates: TestCertificates) -> None:
    server = smtp_serve("tls")
    account = account_for(store, server, certificates)
    outbox_id = queue(store, account)
    server.stop()
    store.query("UPDATE outbox SET queued_at = queued_at - 30 * 86400")  # queued a month ago
    delays = []
    for _ in range(3):
        report = run(store, account)
        assert report.error is not None and list(report.retry_later) == [outbox_id]
        item = store.outbox_item(outbox_id)
        assert item.state is OutboxState.QUEUED and item.next_attempt_at is not None
        delays.append(item.next_attempt_at - time.time())
        store.query("UPDATE outbox SET next_attempt_at = 0")  # as if the delay had passed
    assert store.outbox_item(outbox_id).attempts == 3
    assert delays[0] < delays[1] < delays[2] and delays[0] > 30


def test_a_server_that_says_not_now_for_days_fails_the_message(store: Store, smtp_serve: SmtpFactory,
                                                               certificates: TestCertificates) -> None:
    server = smtp_serve("tls", mail_reply="452 4.3.1 mailbox full, try later")
    account = account_for(store, server, certificates)
    fresh, old = queue(store, account, "fresh"), queue(store, account, "old")
    store.query("UPDATE outbox SET queued_at = queued_at - 5 * 86400 WHERE id = ?", (old,))
    report = run(store, account)  # a 4xx to one message: the session goes on to the next
    assert list(report.retry_later) == [fresh] and list(report.failed) == [old]
    assert store.outbox_item(fresh).state is OutboxState.QUEUED
    item = store.outbox_item(old)
    assert item.state is OutboxState.FAILED
    assert "has not taken the message since" in item.last_error and "mailbox full" in item.last_error
