"""One path for every change to the mail: operations announce through StoreEvents, and the panes
(message list, folder counts, tray, title, pending deletions) follow the announcement; operations on
many rows run off the GUI thread, and a store failure in one is reported in the one place."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

import pytest
from pytestqt.qtbot import QtBot

from app.core.errors import StoreBusy, StoreError
from app.core.model import Folder, LeaveMode
from app.core.store import Store
from app.ui.dialogs.preferences import Preferences
from app.ui.main_window import MainWindow
from app.ui.operations import runner as runner_module
from app.ui.store_events import STREAM_COUNTS_MS, Change, MessageChange, StoreEvents
from tests.fakes.pop3_server import FakePop3Server
from tests.ui.mailbox_window import MESSAGES, ids_in_view, message

pytestmark = pytest.mark.usefixtures("release_web_pages")


def inbox_label(window: MainWindow) -> str:
    account = window.folder_model.index(0, 0)
    return str(window.folder_model.index(0, 0, account).data())


def quiet_window(mailbox_window: Callable[..., MainWindow], *args: object, **kwargs: object) -> MainWindow:
    window = mailbox_window(*args, **kwargs)
    window.preferences = Preferences(mark_read_when_shown=False)  # only the actions under test mark
    return window


def recorded_changes(window: MainWindow) -> list[MessageChange]:
    changes: list[MessageChange] = []
    window.events.messages_changed.connect(changes.append)
    return changes


# -- StoreEvents on its own ---------------------------------------------------------------------------


def test_a_stream_of_changes_reads_the_counts_once_and_settle_reads_them_now(qtbot: QtBot) -> None:
    events = StoreEvents()
    counted: list[None] = []
    events.counts_changed.connect(lambda: counted.append(None))
    with qtbot.waitSignal(events.counts_changed, timeout=5000):
        for message_id in range(3):
            events.announce(MessageChange(Change.ADDED, (message_id,), Folder.INBOX), streaming=True)
        assert counted == []  # a burst: the counts wait for a pause
    assert len(counted) == 1
    events.announce(MessageChange(Change.UPDATED, (1,)))  # a user's action: at once
    assert len(counted) == 2
    events.announce(MessageChange(Change.ADDED, (4,), Folder.INBOX), streaming=True)
    events.settle()  # the fetch ended
    assert len(counted) == 3


def test_after_stop_nothing_is_announced(qtbot: QtBot) -> None:
    """A job that ends after the window shut down must not make the panes read the closed store."""
    events = StoreEvents()
    heard: list[object] = []
    for signal in (events.messages_changed, events.counts_changed, events.accounts_changed):
        signal.connect(lambda *arguments: heard.append(arguments))
    events.announce(MessageChange(Change.ADDED, (1,), Folder.INBOX), streaming=True)  # a burst under way
    events.stop()
    events.announce(MessageChange(Change.ADDED, (2,), Folder.INBOX))
    events.settle()
    events.announce_accounts()
    qtbot.wait(STREAM_COUNTS_MS + 200)  # past the burst's counts timer: it was stopped too
    assert heard == [(MessageChange(Change.ADDED, (1,), Folder.INBOX),)]


def test_a_change_touches_its_ids_or_everything_when_they_are_unknown() -> None:
    assert MessageChange(Change.MOVED, (1, 2), Folder.TRASH).touches(2)
    assert not MessageChange(Change.MOVED, (1, 2), Folder.TRASH).touches(3)
    assert MessageChange(Change.DELETED, None).touches(3)
    assert not MessageChange(Change.DELETED, None).touches(None)


# -- operations announce, panes follow --------------------------------------------------------------


def test_marking_read_in_the_list_updates_the_folder_count_the_tray_and_the_title(
        qtbot: QtBot, mailbox_window: Callable[..., MainWindow]) -> None:
    window = quiet_window(mailbox_window)
    changes = recorded_changes(window)
    assert inbox_label(window).endswith(f"({len(MESSAGES)})")
    assert window.tray.unread_total == len(MESSAGES)
    window.message_view.selectRow(0)
    first = window.inbox_model.message_id(0)
    with qtbot.waitSignal(window.events.counts_changed, timeout=5000):
        window.window_actions.mark_read.trigger()
    assert changes == [MessageChange(Change.UPDATED, (first,))]
    assert window.store.message(first).seen
    assert window.inbox_model.summary(0).seen  # the list row follows
    assert inbox_label(window).endswith(f"({len(MESSAGES) - 1})")
    assert window.tray.unread_total == len(MESSAGES) - 1
    assert f"({len(MESSAGES) - 1})" in window.windowTitle()


def test_the_panes_follow_an_announcement_of_a_change_made_elsewhere(
        qtbot: QtBot, mailbox_window: Callable[..., MainWindow]) -> None:
    window = quiet_window(mailbox_window, mode=LeaveMode.DELETE_WHEN_DELETED_LOCALLY)
    ids = ids_in_view(window)
    assert not window.inbox_model.summary(0).seen  # the list has read its rows
    window.store.set_seen(ids, True)  # as another part of the app would, without touching a pane
    window.store.move_to_folder(ids[:1], Folder.TRASH)
    with qtbot.waitSignal(window.events.counts_changed, timeout=5000):
        window.events.announce(MessageChange(Change.UPDATED, tuple(ids)))
        window.events.announce(MessageChange(Change.MOVED, tuple(ids[:1]), Folder.TRASH))
    assert ids_in_view(window) == ids[1:]
    assert all(window.inbox_model.summary(row).seen for row in range(window.inbox_model.rowCount()))
    assert "(" not in inbox_label(window)  # no unread left
    assert window.tray.unread_total == 0 and window.windowTitle() == "Poplark"
    assert window.pending_deletions_label.isVisible()  # mirror mode: one DELE queued


def test_new_mail_from_a_fetch_is_announced_and_shown(qtbot: QtBot,
                                                      mailbox_window: Callable[..., MainWindow]) -> None:
    server = FakePop3Server([]).start()
    server.mailbox.add(message(7, "Fresh"), "fresh-7")  # the window's store holds uid-0 to uid-4
    try:
        window = quiet_window(mailbox_window, server=server)
        changes = recorded_changes(window)
        before = window.inbox_model.rowCount()
        with qtbot.waitSignal(window.controller.idle, timeout=20000):
            window.get_mail()
        added = [change for change in changes if change.kind is Change.ADDED]
        assert added and all(change.folder is Folder.INBOX for change in added)
        new_ids = [message_id for change in added for message_id in change.ids or ()]
        assert len(new_ids) == 1 and window.store.message(new_ids[0]).subject == "Fresh 7"
        assert window.inbox_model.rowCount() == before + 1
        assert window.tray.unread_total == len(MESSAGES) + 1
    finally:
        server.stop()


# -- many rows: off the GUI thread ----------------------------------------------------------------------


def record_threads(monkeypatch: pytest.MonkeyPatch, name: str) -> list[threading.Thread]:
    """Wrap ``Store.<name>`` to note the thread each call runs on."""
    threads: list[threading.Thread] = []
    original = getattr(Store, name)

    def recorded(store: Store, *args: object) -> object:
        threads.append(threading.current_thread())
        return original(store, *args)

    monkeypatch.setattr(Store, name, recorded)
    return threads


def test_marking_many_rows_runs_off_the_gui_thread(qtbot: QtBot, mailbox_window: Callable[..., MainWindow],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    window = quiet_window(mailbox_window)
    monkeypatch.setattr(runner_module, "BACKGROUND_ROWS", 2)  # five messages are "many"
    threads = record_threads(monkeypatch, "set_seen")
    window.message_view.selectAll()
    with qtbot.waitSignal(window.operations.finished, timeout=10000):
        window.window_actions.mark_read.trigger()
        assert window.operations.running()
    assert threads and all(thread is not threading.main_thread() for thread in threads)
    assert all(summary.seen for summary in window.store.summaries(ids_in_view(window)).values())
    assert all(window.inbox_model.summary(row).seen for row in range(window.inbox_model.rowCount()))
    assert window.tray.unread_total == 0


def test_a_few_rows_are_marked_at_once_on_the_gui_thread(qtbot: QtBot, mailbox_window: Callable[..., MainWindow],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    window = quiet_window(mailbox_window)
    threads = record_threads(monkeypatch, "set_seen")
    window.message_view.selectRow(0)
    window.window_actions.mark_read.trigger()
    assert threads == [threading.main_thread()]
    assert not window.operations.running()
    assert window.store.message(window.inbox_model.message_id(0)).seen


def test_deleting_many_rows_moves_them_off_the_gui_thread_and_selects_the_next(
        qtbot: QtBot, mailbox_window: Callable[..., MainWindow], monkeypatch: pytest.MonkeyPatch) -> None:
    window = quiet_window(mailbox_window, [*MESSAGES, message(8), message(9)])
    monkeypatch.setattr(runner_module, "BACKGROUND_ROWS", 2)
    threads = record_threads(monkeypatch, "move_to_folder")
    window.message_view.selectRow(0)
    selection = window.message_view.selectionModel()
    for row in (1, 2):
        selection.select(window.inbox_model.index(row, 0),
                         selection.SelectionFlag.Select | selection.SelectionFlag.Rows)
    doomed = window.selected_ids()
    assert len(doomed) == 3
    with qtbot.waitSignal(window.operations.finished, timeout=10000):
        window.delete_selected()
    assert threads and all(thread is not threading.main_thread() for thread in threads)
    assert {window.store.message(message_id).folder for message_id in doomed} == {Folder.TRASH}
    assert not set(doomed) & set(ids_in_view(window))
    assert window.selected_rows() == [0]  # what took their place is selected


def test_a_store_failure_in_a_background_operation_is_reported_once(
        qtbot: QtBot, mailbox_window: Callable[..., MainWindow], monkeypatch: pytest.MonkeyPatch) -> None:
    window = quiet_window(mailbox_window)
    monkeypatch.setattr(runner_module, "BACKGROUND_ROWS", 2)
    failures: list[StoreError] = []
    monkeypatch.setattr(window, "show_store_failure", failures.append)

    def busy(store: Store, ids: Sequence[int], seen: bool) -> None:
        raise StoreBusy("database is locked")

    monkeypatch.setattr(Store, "set_seen", busy)
    changes = recorded_changes(window)
    window.message_view.selectAll()
    with qtbot.waitSignal(window.operations.finished, timeout=10000):
        window.window_actions.mark_read.trigger()
    assert len(failures) == 1 and isinstance(failures[0], StoreBusy)
    assert changes == []  # nothing changed, so nothing is announced
    assert not any(window.inbox_model.summary(row).seen for row in range(window.inbox_model.rowCount()))
