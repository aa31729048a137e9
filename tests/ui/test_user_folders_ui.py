"""User folders in the window: the tree (nested under accounts and "On this computer", unread
counts), its menus (new, new subfolder, rename, delete that asks first when there is mail), drag
and drop of messages (Ctrl copies) and of folders, and Move to / Copy to with the folder chooser.

The pane, the list, the runner and FolderActions are put together as the window does, over a real
store; the user's answers come from :class:`Answers` instead of dialogs.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, QPointF, Qt
from PySide6.QtGui import QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QHBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from app.core.errors import StoreError
from app.core.model import Account, Folder
from app.core.store import Profile, Store
from app.core.store.user_folders import folder_key_of
from app.ui.dialogs.folder_chooser import FolderChooser
from app.ui.folder_actions import FolderActions
from app.ui.models import folder_model, user_folder_items
from app.ui.operations.runner import BACKGROUND_ROWS, OperationRunner
from app.ui.panes.folder_drops import folder_mime, message_mime
from app.ui.panes.folder_pane import FolderPane
from app.ui.panes.message_list import MessageList, search_box
from app.ui.store_events import StoreEvents

pytestmark = pytest.mark.qt_log_level_fail("WARNING")


class Answers:
    """What the user answers, given in advance; records what was asked."""

    def __init__(self) -> None:
        self.names: list[str | None] = []
        self.confirms: list[bool] = []
        self.folders: list[str | None] = []
        self.asked: list[str] = []
        self.told: list[str] = []

    def name(self, parent: QWidget, title: str, label: str, value: str) -> str | None:
        self.asked.append(f"name:{title}:{value}")
        return self.names.pop(0)

    def confirm(self, parent: QWidget, title: str, text: str) -> bool:
        self.asked.append(f"confirm:{text}")
        return self.confirms.pop(0)

    def folder(self, parent: QWidget, store: Store, accounts: set[int], copy: bool) -> str | None:
        self.asked.append(f"folder:{'copy' if copy else 'move'}:{sorted(accounts)}")
        return self.folders.pop(0)

    def tell(self, parent: QWidget, title: str, text: str) -> None:
        self.told.append(text)


class Harness(QWidget):
    """The folder pane and the message list wired as in the main window."""

    def __init__(self, store: Store, answers: Answers) -> None:
        super().__init__()
        self.store = store
        self.failures: list[StoreError] = []
        self.events = StoreEvents(self)
        self.runner = OperationRunner(store, self.events, self, self)
        self.pane = FolderPane(store, self.events, self)
        self.list = MessageList(store, self.events, search_box(self), self)
        layout = QHBoxLayout(self)
        layout.addWidget(self.pane)
        layout.addWidget(self.list)
        from PySide6.QtGui import QAction

        self.move_action, self.copy_action = QAction(self), QAction(self)
        self.actions = FolderActions(store, self.runner, self.events, self.pane, self.list, self.move_action,
                                     self.copy_action, self, asker=answers)
        self.pane.folder_opened.connect(lambda location: self.list.show_folder(*location))
        self.pane.reload(True)

    def show_store_failure(self, error: StoreError) -> None:
        self.failures.append(error)

    def open(self, account_id: int | None, key: str) -> None:
        index = self.pane.folder_model.index_for(account_id, key)
        assert index.isValid(), key
        self.pane.setCurrentIndex(index)

    def shown(self) -> list[int]:
        return [self.list.inbox_model.message_id(row) for row in range(self.list.inbox_model.rowCount())]


def _raw(index: int) -> bytes:
    return (f"From: s{index}@example.com\r\nSubject: 财务 report {index}\r\n"
            f"Date: Mon, {index % 28 + 1} Nov 2026 10:00:00 +0800\r\n\r\nbody {index}\r\n").encode()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(Profile(tmp_path / "profile"))
    yield opened
    opened.close()


@pytest.fixture
def work(store: Store) -> Account:
    account = store.add_account(Account(name="work", host="h", user="u"))
    store.add_messages(account, [(f"u{index}", _raw(index), 1.0e9 + index) for index in range(6)])
    return account


@pytest.fixture
def answers() -> Answers:
    return Answers()


@pytest.fixture
def harness(qtbot: QtBot, store: Store, work: Account, answers: Answers) -> Iterator[Harness]:
    made = Harness(store, answers)
    qtbot.addWidget(made)
    made.resize(900, 500)
    made.show()
    yield made
    made.runner.shut_down()


def _texts(model: folder_model.FolderModel, parent: QModelIndex | None = None) -> list[object]:
    parent = parent or QModelIndex()
    shown: list[object] = []
    for row in range(model.rowCount(parent)):
        index = model.index(row, 0, parent)
        shown.append(index.data())
        if model.rowCount(index):
            shown.append(_texts(model, index))
    return shown


def _drop(pane: FolderPane, index: QModelIndex, mime: object, modifiers: Qt.KeyboardModifier) -> bool:
    """Move the drag over ``index`` and drop it there; returns whether the pane accepted the move."""
    point = QPointF(pane.visualRect(index).center())
    actions = Qt.DropAction.MoveAction | Qt.DropAction.CopyAction
    move = QDragMoveEvent(point.toPoint(), actions, mime, Qt.MouseButton.LeftButton, modifiers)  # type: ignore[arg-type]
    pane.dragMoveEvent(move)
    proposed = Qt.DropAction.CopyAction if modifiers & Qt.KeyboardModifier.ControlModifier else Qt.DropAction.MoveAction
    drop = QDropEvent(point, actions, mime, Qt.MouseButton.LeftButton, modifiers)  # type: ignore[arg-type]
    drop.setDropAction(proposed)
    pane.dropEvent(drop)
    return move.isAccepted()


def test_tree_nests_user_folders_with_unread_counts(qtbot: QtBot, store: Store, work: Account) -> None:
    finance = store.create_folder(work.id, "财务")
    year = store.create_folder(work.id, "2026", finance)
    archive = store.create_folder(None, "Archive")
    ids = store.message_ids(work.id)
    store.move_messages(ids[:2], folder_key_of(year))
    store.move_messages(ids[2:3], folder_key_of(archive))
    store.set_seen(ids[1:2], True)
    model = folder_model.FolderModel(store)
    shown = _texts(model)
    assert shown[0] == "work" and shown[2:] == ["On this computer", ["Archive (1)"]]
    built_in = shown[1]
    assert isinstance(built_in, list) and built_in[0] == "Inbox (3)" and "Junk" in built_in
    # The account's own folders follow its built-in ones (Trash last of those), nested.
    assert built_in[built_in.index("Trash") + 1:] == ["财务", ["2026 (1)"]]
    index = model.index_for(None, folder_key_of(year))
    assert model.folder_at(index) == (work.id, folder_key_of(year))
    assert model.user_folder_at(index) == year
    assert model.folder_at(model.index_for(work.id, Folder.JUNK)) == (work.id, Folder.JUNK)
    assert model.is_local_root(model.index(1, 0))
    assert user_folder_items._FOLDER_ROLE == folder_model.FOLDER_ROLE


def test_menus_create_rename_and_nest(qtbot: QtBot, harness: Harness, answers: Answers, work: Account) -> None:
    model = harness.pane.folder_model
    account_item = model.index_for(work.id, Folder.INBOX).parent()
    menu = harness.pane.account_menu(account_item)
    assert menu is not None
    answers.names = ["a/b", "财务"]  # refused first (a "/"), then a good name
    harness.actions.new_folder(work.id, None)
    assert answers.told == ["A folder name cannot contain “/”. Choose another name."]
    finance = harness.store.folder_by_path(work.id, "财务")
    assert finance is not None and model.index_for(None, finance.key).isValid()
    from app.ui.panes.folder_menus import folder_menu

    folder_index = model.index_for(None, finance.key)
    menu = folder_menu(harness.pane, model, folder_index, harness.pane)
    assert menu is not None
    entries = {action.objectName(): action for action in menu.actions()}
    assert set(entries) == {"newSubfolder", "renameFolder", "deleteFolder"}
    answers.names = ["2026"]
    entries["newSubfolder"].trigger()
    year = harness.store.folder_by_path(work.id, "财务/2026")
    assert year is not None and year.parent_id == finance.id
    answers.names = ["Finance"]
    entries["renameFolder"].trigger()
    assert harness.store.user_folder(finance.id).name == "Finance"
    assert model.index_for(None, year.key).parent().data() == "Finance"
    harness.pane.setCurrentIndex(model.index_for(None, year.key))
    answers.names = ["2026年"]
    qtbot.keyClick(harness.pane, Qt.Key.Key_F2)  # F2 renames, as in Thunderbird
    assert harness.store.user_folder(year.id).name == "2026年"
    local = folder_menu(harness.pane, model, model.index(1, 0), harness.pane)
    assert local is not None and [action.objectName() for action in local.actions()] == ["newFolder"]
    answers.names = [None]  # cancelled: nothing happens
    local.actions()[0].trigger()
    assert [folder.name for folder in harness.store.user_folders() if folder.account_id is None] == []


def test_delete_asks_first_when_the_folder_has_mail(qtbot: QtBot, harness: Harness, answers: Answers,
                                                    work: Account) -> None:
    store = harness.store
    empty = store.create_folder(work.id, "Empty")
    full = store.create_folder(work.id, "Full")
    ids = store.message_ids(work.id)
    store.move_messages(ids[:2], folder_key_of(full))
    harness.events.settle()
    harness.actions.delete_folder(empty)  # no mail: no question
    assert answers.asked == [] and all(folder.id != empty for folder in store.user_folders())
    harness.open(work.id, folder_key_of(full))
    assert sorted(harness.shown()) == sorted(ids[:2])
    answers.confirms = [False]
    harness.actions.delete_folder(full)
    assert "hold 2 message(s)" in answers.asked[-1] and store.folder_exists(folder_key_of(full))
    answers.confirms = [True]
    harness.actions.delete_folder(full)
    assert not store.folder_exists(folder_key_of(full))
    assert sorted(store.message_ids(work.id, Folder.TRASH)) == sorted(ids[:2])
    # The open folder is gone: the list shows the account's Inbox again.
    assert harness.pane.current_folder() == (work.id, Folder.INBOX)
    assert sorted(harness.shown()) == sorted(ids[2:])


def test_drop_moves_and_ctrl_drop_copies(qtbot: QtBot, harness: Harness, work: Account) -> None:
    store = harness.store
    key = folder_key_of(store.create_folder(None, "Keep"))
    harness.events.settle()
    ids = harness.shown()
    model = harness.pane.folder_model
    target = model.index_for(None, key)
    assert _drop(harness.pane, target, message_mime(ids[:2], {work.id or 0}), Qt.KeyboardModifier.NoModifier)
    assert [store.message(each).folder for each in ids[:2]] == [key, key]
    assert harness.shown() == ids[2:]  # the list followed the announcement
    assert target.data() == "Keep (2)"
    assert _drop(harness.pane, target, message_mime(ids[2:3], {work.id or 0}), Qt.KeyboardModifier.ControlModifier)
    assert store.message(ids[2]).folder == Folder.INBOX and harness.shown() == ids[2:]  # copied: stays
    assert len(store.message_ids(None, key)) == 3
    # "On this computer" and Sent (where the tree shows it) take no messages, nor does another
    # account's Junk.
    refusing = [model.index(model.rowCount() - 1, 0), model.index_for(work.id, Folder.SENT)]
    assert model.is_local_root(refusing[0])
    for index in (index for index in refusing if index.isValid()):
        assert not _drop(harness.pane, index, message_mime(ids[3:4], {work.id or 0}), Qt.KeyboardModifier.NoModifier)
    assert not _drop(harness.pane, model.index_for(work.id, Folder.JUNK), message_mime(ids[3:4], {12345}),
                     Qt.KeyboardModifier.NoModifier)
    assert store.message(ids[3]).folder == Folder.INBOX
    assert _drop(harness.pane, model.index_for(work.id, Folder.JUNK), message_mime(ids[3:4], {work.id or 0}),
                 Qt.KeyboardModifier.NoModifier)
    assert store.message(ids[3]).folder == Folder.JUNK


def test_dragging_a_folder_onto_another_moves_it(qtbot: QtBot, harness: Harness, work: Account) -> None:
    store = harness.store
    top = store.create_folder(work.id, "Top")
    other = store.create_folder(work.id, "Other")
    local = store.create_folder(None, "Local")
    harness.events.settle()
    model = harness.pane.folder_model
    assert _drop(harness.pane, model.index_for(None, folder_key_of(top)), folder_mime(other),
                 Qt.KeyboardModifier.NoModifier)
    assert store.folder_path(other) == "Top/Other"
    assert model.index_for(None, folder_key_of(other)).parent().data() == "Top"
    # Not into itself, nor into another account's or the local tree.
    assert not _drop(harness.pane, model.index_for(None, folder_key_of(top)), folder_mime(top),
                     Qt.KeyboardModifier.NoModifier)
    assert not _drop(harness.pane, model.index_for(None, folder_key_of(local)), folder_mime(top),
                     Qt.KeyboardModifier.NoModifier)
    # Back to the top level: dropped on its account.
    assert _drop(harness.pane, model.index_for(work.id, Folder.INBOX).parent(), folder_mime(other),
                 Qt.KeyboardModifier.NoModifier)
    assert store.user_folder(other).parent_id is None
    harness.actions.move_folder(top, other)
    harness.actions.move_folder(other, top)  # a cycle: refused, said in words
    assert harness.actions.asker.told == [  # type: ignore[attr-defined]
        "A folder cannot go inside itself or one of its subfolders. Drop it on another folder."]


def test_move_to_and_copy_to_ask_for_a_folder(qtbot: QtBot, harness: Harness, answers: Answers,
                                              work: Account) -> None:
    store = harness.store
    key = folder_key_of(store.create_folder(work.id, "Projects"))
    ids = harness.shown()
    harness.list.selectRow(0)
    answers.folders = [key]
    harness.move_action.trigger()
    assert answers.asked == [f"folder:move:[{work.id}]"]
    assert store.message(ids[0]).folder == key and harness.shown() == ids[1:]
    assert harness.list.selected_ids() == [ids[1]]  # the next message is selected
    answers.folders = [key]
    harness.copy_action.trigger()
    assert store.message(ids[1]).folder == Folder.INBOX and len(store.message_ids(None, key)) == 2
    answers.folders = [None]  # cancelled
    harness.move_action.trigger()
    assert store.message(ids[1]).folder == Folder.INBOX


def test_many_messages_move_in_the_background(qtbot: QtBot, store: Store, work: Account, answers: Answers) -> None:
    count = BACKGROUND_ROWS * 2
    store.add_messages(work, [(f"bulk{index}", _raw(index), 2.0e9 + index) for index in range(count)])
    harness = Harness(store, answers)
    qtbot.addWidget(harness)
    key = folder_key_of(store.create_folder(None, "Bulk"))
    harness.events.settle()
    ids = harness.shown()
    harness.list.selectAll()
    answers.folders = [key]
    with qtbot.waitSignal(harness.runner.finished, timeout=10000):
        harness.move_action.trigger()
        assert harness.runner.running()  # not on the GUI thread
        assert harness.shown() == []  # the rows left the list at once
    assert harness.shown() == []
    assert sorted(store.message_ids(None, key)) == sorted(ids)
    harness.runner.shut_down()


def test_rows_taken_off_for_a_background_move_come_back_if_it_fails(qtbot: QtBot, store: Store, work: Account,
                                                                   answers: Answers,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    store.add_messages(work, [(f"bulk{index}", _raw(index), 2.0e9 + index) for index in range(BACKGROUND_ROWS)])
    harness = Harness(store, answers)
    qtbot.addWidget(harness)
    folder = store.create_folder(None, "Gone soon")
    harness.events.settle()
    before = harness.shown()
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: warnings.append(text))
    store.delete_folder(folder)  # by another window, while this one still shows it
    with qtbot.waitSignal(harness.runner.finished, timeout=10000):
        harness.actions.drop_messages(tuple(before), folder_key_of(folder), False)
        assert harness.shown() == []
    assert harness.shown() == before
    assert len(warnings) == 1 and "choose another" in warnings[0]
    harness.runner.shut_down()


def test_folder_chooser_filters_and_offers_built_ins_of_the_right_account(qtbot: QtBot, store: Store,
                                                                          work: Account) -> None:
    home = store.add_account(Account(name="home", host="h", user="v"))
    finance = store.create_folder(work.id, "财务")
    year = store.create_folder(work.id, "2026", finance)
    store.create_folder(None, "Archive")
    chooser = FolderChooser(store, {work.id or 0}, copy=False)
    qtbot.addWidget(chooser)
    assert chooser.choose(Folder.JUNK.value) and chooser.chosen_key() == "junk"
    chooser.filter_box.setText("2026")
    assert chooser.chosen_key() == folder_key_of(year)
    mixed = FolderChooser(store, {work.id or 0, home.id or 0}, copy=True)
    qtbot.addWidget(mixed)
    assert not mixed.choose(Folder.INBOX.value)  # two accounts' mail: no one Inbox to offer
    assert mixed.choose(folder_key_of(year))
    assert mixed.windowTitle() == "Copy to Folder"


def test_the_tray_counts_unread_mail_in_user_folders_but_not_in_junk(qtbot: QtBot, harness: Harness,
                                                                     work: Account) -> None:
    from PySide6.QtGui import QAction

    from app.ui.tray import Tray

    store = harness.store
    tray = Tray(store, harness.events, QAction(harness), QAction(harness), harness)
    ids = store.message_ids(work.id)
    tray.refresh_unread()
    assert tray.unread_total == 6
    harness.actions.drop_messages(tuple(ids[:2]), folder_key_of(store.create_folder(None, "Filed")), False)
    harness.actions.drop_messages(tuple(ids[2:3]), Folder.JUNK, False)
    assert tray.unread_total == 5  # followed the announcement; Junk's message is not waiting to be read
