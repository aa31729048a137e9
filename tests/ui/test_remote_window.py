"""The remote mailbox window (issue 18) against the fake POP3 server: the listing with what is
already here, sorting and search, marks by key and context menu, Execute by UIDL after the server
renumbered, the main window refreshed, and 5,000 messages listed while the window stays responsive."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, QSettings, Qt
from PySide6.QtWidgets import QApplication, QMenu
from pytestqt.qtbot import QtBot

from app.core.model import Account, Folder, LeaveMode, Security, ServerPolicy
from app.core.remote.execute import MarkAction
from app.core.store import Profile, Store
from app.ui.main_window import MainWindow
from app.ui.remote.remote_model import Column
from app.ui.remote.remote_window import RemoteMailboxWindow
from tests.fakes.keyrings import MemoryKeyring
from tests.fakes.pop3_server import FakePop3Server, Faults, crlf


def message(index: int, size: int = 0) -> bytes:
    return crlf(f"From: Sender {index} <s{index}@example.com>\nSubject: Report {index}\n"
                f"Date: Mon, {index % 28 + 1} Nov 2026 10:00:00 +0800\nMessage-ID: <m{index}@example.com>\n\n"
                f"body {index}\n" + "x" * size + "\n")


Setup = Callable[..., tuple[MainWindow, FakePop3Server, Account]]


@pytest.fixture
def remote_setup(qtbot: QtBot, tmp_path: Path, memory_keyring: MemoryKeyring) -> Iterator[Setup]:
    made: list[tuple[MainWindow, Store, FakePop3Server]] = []

    def make(messages: list[bytes], stored: int = 0, max_message_bytes: int | None = None,
             faults: Faults | None = None) -> tuple[MainWindow, FakePop3Server, Account]:
        server = FakePop3Server(messages, faults=faults).start()
        profile = Profile(tmp_path / "profile").ensure()
        store = Store.open(profile)
        account = store.add_account(Account(
            name="test", host="127.0.0.1", port=server.address[1], security=Security.NONE, user="alice",
            allow_insecure_auth=True, timeout_seconds=10.0, check_interval_minutes=0, check_at_startup=False,
            policy=ServerPolicy(LeaveMode.KEEP_FOREVER, max_message_bytes=max_message_bytes)))
        memory_keyring.set_password("Poplark", account.credential_key, "secret")
        for number in range(stored):  # as a fetch would have stored them
            store.add_message(account, f"uid-{number + 1}", messages[number])
        store.commit()
        window = MainWindow(store, profile, QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
        qtbot.addWidget(window)
        window.show()
        made.append((window, store, server))
        return window, server, account

    yield make
    for window, store, server in made:
        window.close_for_good()
        store.close()
        server.stop()
        assert server.handler_errors == []


def listed(qtbot: QtBot, window: MainWindow, account: Account, server: FakePop3Server) -> RemoteMailboxWindow:
    remote = window.remote_mailbox.open(account)
    qtbot.waitUntil(lambda: remote.listing is not None and remote.job is None, timeout=30_000)
    server.wait_until_idle()
    return remote


def row_of(remote: RemoteMailboxWindow, subject: str) -> int:
    """The table (proxy) row showing ``subject``."""
    for row in range(remote.proxy.rowCount()):
        if remote.proxy.index(row, Column.SUBJECT).data() == subject:
            return row
    raise AssertionError(f"{subject!r} is not shown")


def select(remote: RemoteMailboxWindow, *subjects: str) -> None:
    remote.table.clearSelection()
    for subject in subjects:
        remote.table.selectionModel().select(
            remote.proxy.index(row_of(remote, subject), 0),
            remote.table.selectionModel().SelectionFlag.Select | remote.table.selectionModel().SelectionFlag.Rows)


def test_the_listing_shows_the_server_with_what_is_here_sorted_and_searchable(
        qtbot: QtBot, remote_setup: Setup) -> None:
    window, server, account = remote_setup([message(1), message(2, 3000), message(3, 300_000)], stored=1,
                                           max_message_bytes=100_000)
    remote = listed(qtbot, window, account, server)
    assert "RETR" not in [line.split(" ", 1)[0] for line in server.mailbox.commands[-1]]
    cell = lambda subject, column: remote.proxy.index(row_of(remote, subject), column).data()  # noqa: E731
    assert (cell("Report 1", Column.HERE), cell("Report 2", Column.HERE)) == ("Yes", "")
    assert cell("Report 3", Column.HERE) == "No: too large"
    assert cell("Report 1", Column.SENDER) == "Sender 1 <s1@example.com>"
    assert "1 large message(s) left on the server" in remote.status_label.text()
    remote.table.sortByColumn(Column.SIZE, Qt.SortOrder.DescendingOrder)
    assert [remote.proxy.index(row, Column.SUBJECT).data() for row in range(3)] == ["Report 3", "Report 2", "Report 1"]
    remote.search_edit.setText("report 2")
    assert remote.proxy.rowCount() == 1 and remote.proxy.index(0, Column.SUBJECT).data() == "Report 2"


def test_marks_are_carried_out_by_uidl_after_the_server_renumbered(qtbot: QtBot, remote_setup: Setup) -> None:
    messages = [message(index) for index in range(1, 6)]
    window, server, account = remote_setup(messages)
    remote = listed(qtbot, window, account, server)
    select(remote, "Report 4")
    remote.table.setFocus()
    qtbot.keyClick(remote.table, Qt.Key.Key_Delete)  # delete on server
    select(remote, "Report 3")
    qtbot.keyClick(remote.table, Qt.Key.Key_B)  # download and delete
    select(remote, "Report 5")
    qtbot.keyClick(remote.table, Qt.Key.Key_D)  # download
    select(remote, "Report 2")
    remote.mark_actions[MarkAction.DOWNLOAD].trigger()
    remote.mark_actions[MarkAction.LEAVE].trigger()  # changed its mind
    assert remote.proxy.index(row_of(remote, "Report 4"), Column.MARK).data() == "Delete on server"
    # Another program deletes message 1: every number after it changes before Execute.
    server.mailbox.remove(["uid-1"])
    stored: list[bool] = []
    remote.stored = lambda: stored.append(True)  # the search index is asked to catch up
    with qtbot.waitSignal(window.events.messages_changed, timeout=30_000):
        remote.execute()
    qtbot.waitUntil(lambda: remote.job is None and remote.listing is not None
                    and len(remote.listing.messages) == 2, timeout=30_000)
    server.wait_until_idle()
    assert server.mailbox.current_uidls() == ["uid-2", "uid-5"]
    assert sorted(summary.subject for summary in window.store.messages(limit=-1)) == ["Report 3", "Report 5"]
    assert "Downloaded 2, deleted 2 from the server." in remote.result_label.text() and stored == [True]
    qtbot.waitUntil(lambda: window.inbox_model.rowCount() == 2, timeout=5000)  # the main window refreshed
    assert remote.proxy.index(row_of(remote, "Report 5"), Column.HERE).data() == "Yes"


def test_the_context_menu_offers_the_marks(qtbot: QtBot, remote_setup: Setup) -> None:
    window, server, account = remote_setup([message(1)])
    remote = listed(qtbot, window, account, server)
    menu = remote.context_menu()
    assert [(action.text(), action.shortcut().toString()) for action in menu.actions()] == [
        ("Download", "D"), ("Download and Delete", "B"), ("Delete on Server", "Del"), ("Leave", "L")]
    assert all(action.isEnabled() for action in menu.actions())


def test_the_account_menu_opens_the_window(qtbot: QtBot, remote_setup: Setup) -> None:
    window, server, account = remote_setup([message(1)])
    index = window.folder_model.index_for(account.id, Folder.INBOX)
    assert index is not None
    menu = window.folder_view.account_menu(index)
    assert menu is not None
    entry = next(action for action in menu.actions() if action.objectName() == "remoteMailbox")
    entry.trigger()
    qtbot.waitUntil(lambda: account.id in window.remote_mailbox.windows, timeout=5000)
    remote = window.remote_mailbox.windows[account.id or 0]
    qtbot.waitUntil(lambda: remote.job is None and remote.listing is not None, timeout=30_000)
    server.wait_until_idle()
    # File > Remote Mailbox… sits right after Account Settings and opens the current account's window.
    menu = next(item for item in window.window_actions.account_settings.associatedObjects() if isinstance(item, QMenu))
    actions = menu.actions()
    assert actions[actions.index(window.window_actions.account_settings) + 1] is window.remote_mailbox.action
    remote.close()
    window.remote_mailbox.action.trigger()
    qtbot.waitUntil(remote.isVisible, timeout=5000)


def test_five_thousand_messages_are_listed_while_the_window_keeps_answering(qtbot: QtBot, remote_setup: Setup) -> None:
    window, server, account = remote_setup([message(index) for index in range(1, 5001)])
    remote = window.remote_mailbox.open(account)
    seen: list[int] = []
    remote.progress.valueChanged.connect(seen.append)  # on the GUI thread: the loop ran during the listing
    qtbot.waitUntil(lambda: remote.listing is not None and remote.job is None, timeout=120_000)
    server.wait_until_idle()
    assert remote.model.rowCount() == 5000
    assert len([value for value in seen if 0 < value < 5000]) >= 10
    remote.search_edit.setText("Report 4999")
    assert remote.proxy.rowCount() == 1


def account_item_text(window: MainWindow, account: Account) -> str:
    index = window.folder_model.index_for(account.id, Folder.INBOX)
    while index.parent().isValid():
        index = index.parent()
    return str(index.data())


def test_large_messages_left_by_a_fetch_are_shown_in_the_folder_tree(qtbot: QtBot, remote_setup: Setup) -> None:
    window, server, account = remote_setup([message(1), message(2, 300_000), message(3, 300_000)],
                                           max_message_bytes=100_000)
    assert account_item_text(window, account) == "test"
    with qtbot.waitSignal(window.controller.finished, timeout=30_000):
        window.get_mail("test")
    server.wait_until_idle()
    qtbot.waitUntil(lambda: account_item_text(window, account) == "test (2 large message(s) left on the server)",
                    timeout=5000)
    # Deleted on the server from the remote mailbox: the tree says so after the listing.
    remote = listed(qtbot, window, account, server)
    select(remote, "Report 2", "Report 3")
    remote.mark_actions[MarkAction.DELETE].trigger()
    remote.execute()
    qtbot.waitUntil(lambda: remote.job is None and remote.listing is not None
                    and len(remote.listing.messages) == 1, timeout=30_000)
    server.wait_until_idle()
    assert account_item_text(window, account) == "test"


def test_the_window_follows_a_language_switch(qtbot: QtBot, qapp: QApplication, remote_setup: Setup) -> None:
    from app.ui.language import apply_language

    previous = QLocale()
    window, server, account = remote_setup([message(1)])
    remote = listed(qtbot, window, account, server)
    select(remote, "Report 1")
    remote.mark_actions[MarkAction.DOWNLOAD].trigger()
    try:
        apply_language(qapp, "zh_CN")
        qtbot.waitUntil(lambda: remote.windowTitle() == "远程邮箱管理：test", timeout=5000)
        assert remote.execute_action.text() == "执行" and window.remote_mailbox.action.text() == "远程邮箱管理…"
        assert remote.proxy.index(0, Column.MARK).data() == "下载"
        assert remote.model.headerData(Column.SUBJECT, Qt.Orientation.Horizontal) == "主题"
        apply_language(qapp, "en")
        qtbot.waitUntil(lambda: remote.windowTitle() == "Remote Mailbox: test", timeout=5000)
        assert remote.proxy.index(0, Column.MARK).data() == "Download"
    finally:
        apply_language(qapp, "", previous)
        QLocale.setDefault(previous)


def answer_question(qtbot: QtBot, button_text: str | None, seen: list[str]) -> None:
    """Answer the next modal question with the button named ``button_text`` (None: Cancel)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMessageBox

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, answer)
            return
        seen.append(box.text())
        target = next((button for button in box.buttons() if button.text() == button_text), None) \
            if button_text else box.button(QMessageBox.StandardButton.Cancel)
        assert target is not None
        target.click()

    QTimer.singleShot(0, answer)


def test_execute_asks_before_deleting_on_the_server(qtbot: QtBot, remote_setup: Setup) -> None:
    window, server, account = remote_setup([message(1), message(2)])
    remote = listed(qtbot, window, account, server)
    select(remote, "Report 1")
    remote.mark_actions[MarkAction.DELETE].trigger()
    seen: list[str] = []
    answer_question(qtbot, None, seen)
    remote.execute_action.trigger()
    assert seen == ["1 message(s) will be deleted from the server of test; this cannot be undone (those to "
                    "download are deleted only once they are stored here)."]
    assert remote.job is None and server.mailbox.current_uidls() == ["uid-1", "uid-2"]
    answer_question(qtbot, "Execute", seen)
    remote.execute_action.trigger()
    qtbot.waitUntil(lambda: remote.job is None and remote.listing is not None
                    and len(remote.listing.messages) == 1, timeout=30_000)
    server.wait_until_idle()
    assert server.mailbox.current_uidls() == ["uid-2"]


def test_a_server_without_uidl_is_listed_and_says_why_nothing_can_be_marked(
        qtbot: QtBot, remote_setup: Setup) -> None:
    window, server, account = remote_setup([message(1)], faults=Faults(no_uidl=True))
    remote = listed(qtbot, window, account, server)
    assert remote.model.rowCount() == 1 and remote.proxy.index(0, Column.SUBJECT).data() == "Report 1"
    assert "no UIDL" in remote.notes_label.text() and remote.notes_label.isVisible()
    assert not any(action.isEnabled() for action in remote.mark_actions.values())


def test_a_message_stored_in_part_is_listed_as_such(qtbot: QtBot, remote_setup: Setup) -> None:
    from app.core.remote.partial import fetch_headers_only

    window, server, account = remote_setup([message(1), message(2)], stored=1)
    with Store.open(window.profile) as store:
        assert fetch_headers_only(store, window.profile.lock_directory, account, "secret").stored == 1
    server.wait_until_idle()
    remote = listed(qtbot, window, account, server)
    assert [remote.proxy.index(row_of(remote, subject), Column.HERE).data()
            for subject in ("Report 1", "Report 2")] == ["Yes", "In part"]


def test_sorting_keeps_the_selection_and_the_marks_on_their_messages(qtbot: QtBot, remote_setup: Setup) -> None:
    window, server, account = remote_setup([message(1, 9000), message(2), message(3, 4000)])
    remote = listed(qtbot, window, account, server)
    select(remote, "Report 3")
    remote.mark_actions[MarkAction.DELETE].trigger()
    ascending, descending = Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder
    for column, order, expected in ((Column.SIZE, ascending, ["Report 2", "Report 3", "Report 1"]),
                                    (Column.SUBJECT, descending, ["Report 3", "Report 2", "Report 1"])):
        remote.table.sortByColumn(column, order)
        assert [remote.proxy.index(row, Column.SUBJECT).data() for row in range(3)] == expected
        assert remote.proxy.index(row_of(remote, "Report 3"), Column.MARK).data() == "Delete on server"
        assert [remote.proxy.index(index.row(), Column.SUBJECT).data()
                for index in remote.table.selectionModel().selectedRows()] == ["Report 3"]
    remote.search_edit.setText("  REPORT 1 ")
    assert [remote.proxy.index(row, Column.SUBJECT).data() for row in range(remote.proxy.rowCount())] == ["Report 1"]
