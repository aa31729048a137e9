"""The window's sentences for sending failures (app/ui/compose/send_errors.py): each names what
happened, keeps the server's words, says where the message is and what to do, in English and in
Chinese; refused recipients are named; a failed message is named by its subject."""

from __future__ import annotations

import re

import pytest

from app.core.errors import (
    AuthError,
    ConfigError,
    ConnectError,
    CredentialsError,
    FetchInProgress,
    MessageTooLarge,
    PermanentServerError,
    PoplarkError,
    TemporaryServerError,
)
from app.core.send.replies import (
    RecipientsDeferred,
    RecipientsRefused,
    SmtpCertificateRejected,
    SmtpStartTlsUnavailable,
    reply_error,
)
from app.ui.compose.send_errors import send_error_text

FINGERPRINT = "ab" * 32

#: (error, words the English sentence must hold): what happened, the server's words, what next.
CASES: list[tuple[PoplarkError, tuple[str, ...]]] = [
    (RecipientsRefused({"nobody@example.com": "550 5.1.1 no such user"}),
     ("nobody@example.com", "no such user", "sent to no one", "Check the address")),
    (RecipientsDeferred({"slow@example.com": "450 4.2.0 mailbox busy"}),
     ("slow@example.com", "mailbox busy", "tried again later by itself")),
    (MessageTooLarge("too large", server_text="552 5.3.4 message size exceeds 20 MB"),
     ("too large", "552 5.3.4", "Remove or shrink attachments")),
    (reply_error(451, "4.3.0 try again later", "MAIL FROM"), ("try again later", "tried again later")),
    (reply_error(554, "5.7.1 spam detected", "DATA"), ("refused the message", "spam detected", "ask your provider")),
    (AuthError("refused", server_text="535 5.7.8 authentication failed"),
     ("did not accept the user name or password", "535 5.7.8", "account settings")),
    (CredentialsError("no SMTP password is stored for work"), ("no password", "account settings")),
    (SmtpStartTlsUnavailable("STARTTLS not offered"), ("STARTTLS", "never sends in clear text", "465")),
    (SmtpCertificateRejected("certificate verify failed", fingerprint_sha256=FINGERPRINT),
     ("certificate verify failed", "AB:AB", "nothing was sent")),
    (ConnectError("connection refused"), ("Could not reach", "connection refused", "tried again later")),
    (FetchInProgress("work is already sending"), ("already sending",)),
    (ConfigError("work has no SMTP server"), ("has no SMTP server", "wait in the Outbox")),
]


@pytest.mark.parametrize(("error", "words"), CASES, ids=[type(error).__name__ + str(number)
                                                         for number, (error, _) in enumerate(CASES)])
def test_each_failure_has_a_sentence_with_the_facts_and_the_next_step(qapp: object, error: PoplarkError,
                                                                      words: tuple[str, ...]) -> None:
    text = send_error_text(error, "work")
    for word in words:
        assert word.lower() in text.lower(), (word, text)
    assert "work" in text


def test_a_failed_message_is_named_and_told_where_it_waits(qapp: object) -> None:
    error = RecipientsRefused({"nobody@example.com": "550 5.1.1 no such user"})
    text = send_error_text(error, "work", "周报")
    assert text.startswith("\u201c周报\u201d was not sent.")
    assert "waits in the Outbox as failed" in text and "Send Again" in text


def test_the_kinds_are_told_apart(qapp: object) -> None:
    """A temporary refusal never reads as a permanent one, nor the other way round."""
    later = send_error_text(TemporaryServerError("busy", server_text="421 busy"), "work")
    never = send_error_text(PermanentServerError("no", server_text="550 no"), "work")
    assert "tried again later" in later and "tried again" not in never


@pytest.mark.parametrize(("error", "words"), CASES[:8], ids=[type(error).__name__ for error, _ in CASES[:8]])
def test_the_sentences_are_chinese_in_the_chinese_interface(chinese_ui: object, error: PoplarkError,
                                                            words: tuple[str, ...]) -> None:
    text = send_error_text(error, "work")
    without_quotes = re.sub(r"\u201c[^\u201d]*\u201d", "", text)  # the server's own words stay as they are
    assert re.search(r"[\u4e00-\u9fff]", without_quotes), text
    assert not re.search(r"\b(the|server|message|Outbox)\b", without_quotes), text
    if error.server_text:
        assert error.server_text in text
