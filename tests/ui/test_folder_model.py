"""FolderModel: accounts with Inbox and Trash, unread counts that follow the inbox, a unified inbox."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPersistentModelIndex, Qt
from pytestqt.qtbot import QtBot

from app.core.model import Account, Folder
from app.core.store import Profile, Store
from app.ui.models.folder_model import UNREAD_COUNT_ROLE, FolderModel
from app.ui.models.inbox_model import InboxModel

#: Any Qt warning (the C++ model tester reports through them) fails the test.
pytestmark = pytest.mark.qt_log_level_fail("WARNING")


def raw_message(subject: str) -> bytes:
    return f"From: a@example.com\r\nSubject: {subject}\r\n\r\nbody\r\n".encode()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(Profile(tmp_path / "profile"))
    yield opened
    opened.close()


def add_account(store: Store, name: str, messages: int, **settings: Any) -> Account:
    account = store.add_account(Account(name=name, host="pop.example.com", user=name, **settings))
    for number in range(messages):
        store.add_message(account, f"{name}-{number}", raw_message(f"{name} {number}"))
    store.commit()
    return account


def texts(model: FolderModel) -> list[str | list[str]]:
    """The tree as nested lists of display texts."""
    shown: list[str | list[str]] = []
    for row in range(model.rowCount()):
        top = model.index(row, 0)
        shown.append(top.data())
        children = [model.index(child, 0, top).data() for child in range(model.rowCount(top))]
        if children:
            shown.append(children)
    return shown


def is_bold(model: FolderModel, account_id: int | None, folder: Folder) -> bool:
    font = model.index_for(account_id, folder).data(Qt.ItemDataRole.FontRole)
    return font is not None and font.bold()


@pytest.mark.parametrize("force_py", [False, True], ids=["qt-tester", "python-tester"])
def test_passes_the_model_tester(qtmodeltester: Any, qtbot: QtBot, store: Store, force_py: bool) -> None:
    work = add_account(store, "work", 3)
    model = FolderModel(store)
    qtmodeltester.check(model, force_py=force_py)
    add_account(store, "home", 1)
    model.refresh()  # a rebuild: one account became two, "All Inboxes" appears
    inbox = InboxModel(store)
    inbox.set_folder(work.id, Folder.INBOX)
    inbox.set_seen([0], True)
    model.refresh()  # counts only, in place
    assert model.rowCount() == 4  # All Inboxes, two accounts, On this computer


def test_one_account_has_no_unified_inbox(qtbot: QtBot, store: Store) -> None:
    work = add_account(store, "work", 3, email="me@example.com", display_name="Me")
    model = FolderModel(store)
    assert texts(model) == ["work", ["Inbox (3)", "Drafts", "Sent", "Outbox", "Junk", "Trash"], "On this computer"]
    assert is_bold(model, work.id, Folder.INBOX)
    assert not is_bold(model, work.id, Folder.TRASH)
    assert model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole) == "Me <me@example.com>"
    # (None, Inbox) means "every inbox", which is this one.
    assert model.index_for(None, Folder.INBOX) == model.index_for(work.id, Folder.INBOX)


def test_two_accounts_get_all_inboxes_on_top(qtbot: QtBot, store: Store) -> None:
    work = add_account(store, "work", 2)
    home = add_account(store, "home", 5)
    store.move_to_folder([store.message_ids(home.id)[0]], Folder.TRASH)
    model = FolderModel(store)
    # Accounts are listed by name, as the store returns them.
    assert texts(model) == ["All Inboxes (6)", "home", ["Inbox (4)", "Drafts", "Sent", "Outbox", "Junk", "Trash (1)"],
                            "work", ["Inbox (2)", "Drafts", "Sent", "Outbox", "Junk", "Trash"], "On this computer"]
    assert is_bold(model, None, Folder.INBOX)
    assert model.index_for(None, Folder.INBOX).data(UNREAD_COUNT_ROLE) == 6
    assert model.folder_at(model.index(0, 0)) == (None, Folder.INBOX)
    for account in (work, home):
        for folder in (Folder.INBOX, Folder.TRASH):  # Sent and Drafts: not shown yet (issue 16)
            index = model.index_for(account.id, folder)
            assert index.isValid()
            assert model.folder_at(index) == (account.id, folder)
    # An account's own item opens its inbox.
    assert model.folder_at(model.index(1, 0)) == (home.id, Folder.INBOX)
    assert model.folder_at(model.index(-1, 0)) is None
    assert not model.index_for(12345, Folder.INBOX).isValid()


def test_counts_follow_set_seen_without_rebuilding(qtbot: QtBot, store: Store) -> None:
    work = add_account(store, "work", 3)
    add_account(store, "home", 1)
    model = FolderModel(store)
    inbox = InboxModel(store)
    inbox.set_folder(work.id, Folder.INBOX)
    inbox.counts_changed.connect(model.refresh)  # how the window wires the two together
    selected = QPersistentModelIndex(model.index_for(work.id, Folder.INBOX))
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))
    with qtbot.waitSignal(model.dataChanged, timeout=1000):
        inbox.set_seen([0, 1], True)
    assert selected.data() == "Inbox (1)"
    assert model.index_for(None, Folder.INBOX).data() == "All Inboxes (2)"
    inbox.set_seen([2], True)
    assert selected.data() == "Inbox"
    assert not is_bold(model, work.id, Folder.INBOX)
    assert resets == [] and selected.isValid()


def test_counts_follow_new_mail_and_moves_to_trash(qtbot: QtBot, store: Store) -> None:
    work = add_account(store, "work", 1)
    model = FolderModel(store)
    inbox = InboxModel(store)
    inbox.set_folder(work.id, Folder.INBOX)
    inbox.counts_changed.connect(model.refresh)
    new = store.add_message(work, "later", raw_message("later"))
    store.commit()
    inbox.add_new_messages([new.id])
    assert model.index_for(work.id, Folder.INBOX).data() == "Inbox (2)"
    store.move_to_folder([new.id], Folder.TRASH)
    inbox.remove_ids([new.id])
    assert model.index_for(work.id, Folder.INBOX).data() == "Inbox (1)"
    assert model.index_for(work.id, Folder.TRASH).data() == "Trash (1)"


def test_removing_an_account_rebuilds_the_tree(qtbot: QtBot, store: Store) -> None:
    add_account(store, "work", 1)
    add_account(store, "home", 1)
    model = FolderModel(store)
    assert model.rowCount() == 4
    store.remove_account("home")
    model.refresh()
    assert texts(model) == ["work", ["Inbox (1)", "Drafts", "Sent", "Outbox", "Junk", "Trash"], "On this computer"]


def test_no_account_is_an_empty_tree(qtbot: QtBot, store: Store) -> None:
    model = FolderModel(store)
    assert model.rowCount() == 0
    assert model.index_for(None, Folder.INBOX).isValid() is False
