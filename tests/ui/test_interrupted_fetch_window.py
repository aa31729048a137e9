"""The window's side of an interrupted fetch (issue 14, item 8): the user's own Cancel is not an
interruption to mention at the next start, and an interruption is named in the info bar once the
window starts. (The real kill and quit: tests/protocol/test_interrupted_fetch.py.)"""

from __future__ import annotations

from collections.abc import Callable

from pytestqt.qtbot import QtBot

from app.core.fetch import interruption
from app.core.model import FetchPhase, FetchProgress
from app.ui.main_window import MainWindow
from tests.fakes.pop3_server import FakePop3Server, Faults, crlf

MESSAGES = [crlf(f"From: s{index}@example.com\nSubject: message {index}\n\nbody {index}\n") for index in range(20)]


def test_a_cancel_the_user_asked_for_is_not_mentioned_later(
        qtbot: QtBot, mailbox_window: Callable[..., MainWindow]) -> None:
    with FakePop3Server(MESSAGES, faults=Faults(slow_reply_seconds=0.1, slow_verbs={"RETR"})) as server:
        window = mailbox_window([], server=server)
        account = window.accounts["test"]
        assert account.id is not None
        lock_directory = window.profile.lock_directory

        def cancel_when_downloading(progress: FetchProgress) -> None:
            if progress.phase is FetchPhase.DOWNLOADING and progress.messages_done >= 2:
                window.fetch_status.cancel_button.click()

        window.controller.progress.connect(cancel_when_downloading)
        with qtbot.waitSignal(window.controller.cancelled, timeout=20000):
            window.get_mail("test")
        qtbot.waitUntil(lambda: not window.controller.running())
        assert interruption.interrupted_accounts(lock_directory, [account.id]) == []
        window.fetching.resume_interrupted()
        assert not window.info_bar.isVisible()


def test_an_interrupted_fetch_is_named_and_started_again(
        qtbot: QtBot, mailbox_window: Callable[..., MainWindow]) -> None:
    with FakePop3Server(MESSAGES) as server:
        window = mailbox_window([], server=server)
        account = window.accounts["test"]
        assert account.id is not None
        interruption.mark_started(window.profile.lock_directory, account.id)  # as a killed fetch leaves it
        with qtbot.waitSignal(window.controller.finished, timeout=20000):
            window.fetching.resume_interrupted()
            assert window.info_bar.label.text() == "The previous fetch of test was interrupted; it has been resumed."
            assert window.info_bar.isVisible()
        assert window.inbox_model.rowCount() == len(MESSAGES)
        assert interruption.interrupted_accounts(window.profile.lock_directory, [account.id]) == []
