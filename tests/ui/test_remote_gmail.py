"""What the remote mailbox tells a Gmail user (issue 18): the count of a session that lists about
250 messages, how to see the next ones, and the recent: user-name prefix; nothing for other servers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QLocale

from app.core.model import Account
from app.ui.remote.gmail import GMAIL_SESSION_LIMIT, gmail_note


@pytest.fixture(autouse=True)
def english(qapp: object) -> Iterator[None]:
    """The sentences in English (no translator is installed by default)."""
    previous = QLocale()
    QLocale.setDefault(QLocale("en_US"))
    yield
    QLocale.setDefault(previous)


def account(host: str, user: str = "alice@gmail.com") -> Account:
    return Account(name="gmail", host=host, user=user)


def test_a_full_session_says_there_may_be_more_and_names_recent() -> None:
    note = gmail_note(account("pop.gmail.com"), GMAIL_SESSION_LIMIT)
    assert note.startswith(f"Gmail lists at most about {GMAIL_SESSION_LIMIT} messages per session: 250 listed.")
    assert "press List Again for the next ones" in note and "(recent:alice@gmail.com)" in note


def test_a_small_mailbox_is_only_counted() -> None:
    assert gmail_note(account("POP.gmail.com "), 12) == "Gmail lists at most about 250 messages per session: 12 listed."


def test_recent_mode_is_said_as_such() -> None:
    note = gmail_note(account("pop.gmail.com", "recent:alice@gmail.com"), 300)
    assert note.startswith("Gmail lists the mail of the last 30 days here (300 message(s))")


def test_other_servers_get_no_note() -> None:
    assert gmail_note(account("pop.qq.com"), 500) == ""
