"""InboxModel: the Qt model contract, lazy paging, SQL sorting, live inserts, flags, unified inbox."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPersistentModelIndex, Qt
from PySide6.QtGui import QFont
from pytestqt.qtbot import QtBot

from app.core.model import Account, Folder, SortColumn
from app.core.store import Profile, Store
from app.ui.models.inbox_model import (
    CACHE_ROWS,
    MESSAGE_ID_ROLE,
    PAGE_SIZE,
    Column,
    InboxModel,
    human_size,
)

#: Any Qt warning (the C++ model tester reports through them) fails the test.
pytestmark = pytest.mark.qt_log_level_fail("WARNING")

DISPLAY = Qt.ItemDataRole.DisplayRole
#: Senders and subjects that exercise NOCASE (ASCII only), CJK and empty values.
SENDERS = ["alice <a@example.com>", "Bob <b@example.com>", "张三 <z@example.cn>", "ángel <n@example.es>",
           "carol@example.com", "", "ALICE <a2@example.com>", "Émile <e@example.fr>"]
SUBJECTS = ["Meeting", "meeting", "会议通知", "Ärger", "zebra", "", "Apple", "apple pie", "Zulu"]
BASE_TIME = 1_700_000_000.0


@dataclass
class Row:
    """What the test inserted for one message, to compute the expected SQL order independently."""

    id: int
    account_id: int
    folder: str
    date: float | None
    received_at: float
    sender: str
    subject: str
    size: int
    seen: bool

    @property
    def sort_date(self) -> float:
        return self.date if self.date is not None else self.received_at


def insert_rows(store: Store, account: Account, count: int, *, seed: int = 1, folder: str = "inbox",
                first_uidl: int = 0) -> list[Row]:
    """Insert ``count`` messages with executemany: the fast way to build a big store for a test."""
    assert account.id is not None
    chooser = random.Random(seed)
    start = store.db.execute("SELECT coalesce(max(id), 0) FROM messages").fetchone()[0] + 1
    rows: list[Row] = []
    for offset in range(count):
        received = BASE_TIME + chooser.randrange(0, 10_000_000)
        # Some dates missing (sorted by arrival then) and some equal (the id breaks the tie).
        date = None if offset % 11 == 0 else BASE_TIME + chooser.randrange(0, 1000) * 3600
        rows.append(Row(start + offset, account.id, folder, date, received, chooser.choice(SENDERS),
                        chooser.choice(SUBJECTS) + ("" if offset % 3 else f" {offset}"),
                        chooser.choice([300, 1024, 4096, 20_000, 1_500_000]), chooser.random() < 0.3))
    store.db.execute("BEGIN")
    store.db.executemany(
        "INSERT INTO messages (id, account_id, uidl, received_at, date, sort_date, sender, subject, size,"
        " sha256, has_attachments, seen, folder) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(row.id, row.account_id, f"uid{first_uidl + index}", row.received_at, row.date, row.sort_date,
          row.sender, row.subject, row.size, "0" * 64, int(row.size > 10_000), int(row.seen), row.folder)
         for index, row in enumerate(rows)])
    store.db.executemany("INSERT INTO message_raw (message_id, raw) VALUES (?, ?)",
                         [(row.id, b"Subject: x\r\n\r\nbody\r\n") for row in rows])
    store.db.executemany(
        "INSERT INTO server_uids (account_id, uidl, first_seen, state, message_id) VALUES (?, ?, ?, 'stored', ?)",
        [(row.account_id, f"uid{first_uidl + index}", row.received_at, row.id) for index, row in enumerate(rows)])
    store.db.execute("COMMIT")
    return rows


def raw_message(subject: str, sender: str = "Dan <d@example.com>", date: str = "Tue, 14 Nov 2023 10:00:00 +0000",
                attachment: bool = False) -> bytes:
    headers = f"From: {sender}\r\nSubject: {subject}\r\nDate: {date}\r\n"
    if not attachment:
        return (headers + "\r\nhello\r\n").encode()
    return (headers + 'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n'
            'hi\r\n--b\r\nContent-Type: application/pdf; name="a.pdf"\r\nContent-Disposition: attachment\r\n\r\n'
            'JVBERi0=\r\n--b--\r\n').encode()


def expected_order(rows: list[Row], column: SortColumn, descending: bool) -> list[int]:
    """The order the store must give, computed here without SQL (NOCASE folds ASCII only)."""
    def nocase(text: str) -> str:
        return "".join(character.lower() if "A" <= character <= "Z" else character for character in text)

    keys: dict[SortColumn, Any] = {
        SortColumn.DATE: lambda row: (row.sort_date, row.id),
        SortColumn.SENDER: lambda row: (nocase(row.sender), row.id),
        SortColumn.SUBJECT: lambda row: (nocase(row.subject), row.id),
        SortColumn.SIZE: lambda row: (row.size, row.id),
    }
    return [row.id for row in sorted(rows, key=keys[column], reverse=descending)]


class SummariesSpy:
    """Counts the store queries the model makes, by wrapping the two read methods."""

    def __init__(self, store: Store) -> None:
        self.summary_calls: list[list[int]] = []
        self.id_calls = 0
        original_summaries, original_ids = store.summaries, store.message_ids

        def summaries(ids: Any) -> Any:
            self.summary_calls.append(list(ids))
            return original_summaries(ids)

        def message_ids(*arguments: Any, **keywords: Any) -> list[int]:
            self.id_calls += 1
            return original_ids(*arguments, **keywords)

        store.summaries = summaries  # type: ignore[method-assign]
        store.message_ids = message_ids  # type: ignore[method-assign]



@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(Profile(tmp_path / "profile"))
    yield opened
    opened.close()


@pytest.fixture
def account(store: Store) -> Account:
    return store.add_account(Account(name="work", host="pop.example.com", user="me"))


def model_ids(model: InboxModel) -> list[int]:
    return [model.message_id(row) for row in range(model.rowCount())]


# -- the Qt contract ------------------------------------------------------------------------------


@pytest.mark.parametrize("force_py", [False, True], ids=["qt-tester", "python-tester"])
def test_passes_the_model_tester_through_every_change(qtmodeltester: Any, qtbot: QtBot, store: Store,
                                                      account: Account, force_py: bool) -> None:
    insert_rows(store, account, 300)
    model = InboxModel(store)
    model.set_folder(account.id, Folder.INBOX)
    qtmodeltester.check(model, force_py=force_py)
    # The tester stays attached: every change below is checked against the model's signals.
    selected = QPersistentModelIndex(model.index(5, Column.SUBJECT))
    selected_id = model.message_id(5)
    model.sort(Column.SUBJECT, Qt.SortOrder.AscendingOrder)
    assert model.message_id(selected.row()) == selected_id
    model.set_seen([0, 1, 2, 50], True)
    model.set_flagged([3], True)
    new = store.add_message(account, "new-1", raw_message("aaa first"))
    store.commit()
    model.add_new_messages([new.id])
    model.remove_ids([model.message_id(10), model.message_id(11), model.message_id(200)])
    model.sort(Column.DATE, Qt.SortOrder.DescendingOrder)
    model.refresh()
    model.set_folder(None, Folder.TRASH)
    assert model.rowCount() == 0


def test_headers_and_roles(qtbot: QtBot, store: Store, account: Account) -> None:
    message = store.add_message(account, "u1", raw_message("x" * 80, attachment=True), received_at=BASE_TIME)
    store.commit()
    model = InboxModel(store)
    model.set_folder(account.id, Folder.INBOX)
    headers = [model.headerData(column, Qt.Orientation.Horizontal) for column in Column]
    assert headers[Column.SENDER:] == ["From", "Subject", "Date", "Size"]
    assert model.headerData(Column.SEEN, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole) == "Read status"

    def cell(column: Column, role: int = DISPLAY) -> Any:
        return model.data(model.index(0, column), role)

    assert cell(Column.SEEN) == "●"
    assert cell(Column.ATTACHMENT) == ""  # an icon, not a glyph few fonts have
    assert not cell(Column.ATTACHMENT, Qt.ItemDataRole.DecorationRole).isNull()
    assert cell(Column.FLAG) == ""
    assert cell(Column.SENDER) == "Dan"  # the name; the full address is the tooltip
    assert cell(Column.SENDER, Qt.ItemDataRole.ToolTipRole) == "Dan <d@example.com>"
    assert cell(Column.SUBJECT, Qt.ItemDataRole.ToolTipRole) == "x" * 80
    assert cell(Column.DATE) != ""
    assert cell(Column.SEEN, Qt.ItemDataRole.AccessibleTextRole) == "Unread"
    assert cell(Column.SUBJECT, MESSAGE_ID_ROLE) == message.id
    assert model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsSelectable
    assert model.summary(0).id == message.id
    assert model.row_of(message.id) == 0
    assert model.row_of(999_999) is None


def test_a_view_delegate_sees_what_data_returns(qtbot: QtBot, store: Store, account: Account) -> None:
    # Qt 6 delegates ask multiData() for all their roles at once; it must agree with data().
    from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

    store.add_message(account, "u1", raw_message("subject one"))
    store.add_message(account, "u2", raw_message("subject two"))
    store.commit()
    model = InboxModel(store)
    model.set_folder(account.id, Folder.INBOX)
    model.set_seen([1], True)
    delegate = QStyledItemDelegate()
    for row in range(2):
        for column in Column:
            option = QStyleOptionViewItem()
            delegate.initStyleOption(option, model.index(row, column))
            assert option.text == model.data(model.index(row, column))
            assert option.font.bold() == (row == 0)
    option = QStyleOptionViewItem()
    delegate.initStyleOption(option, model.index(0, Column.SIZE))
    assert option.displayAlignment & Qt.AlignmentFlag.AlignRight


def test_short_subjects_have_no_tooltip_and_missing_dates_show_arrival(store: Store, account: Account,
                                                                        qtbot: QtBot) -> None:
    store.add_message(account, "u1", b"Subject: short\r\n\r\nno date header\r\n", received_at=BASE_TIME)
    store.commit()
    model = InboxModel(store)
    model.set_folder(account.id, Folder.INBOX)
    assert model.data(model.index(0, Column.SUBJECT), Qt.ItemDataRole.ToolTipRole) is None
    from app.ui.formatting import format_timestamp

    assert model.data(model.index(0, Column.DATE)) == format_timestamp(BASE_TIME)


@pytest.mark.parametrize(("size", "text"), [(0, "0 B"), (1023, "1023 B"), (12 * 1024, "12 KB"),
                                            (1_258_291, "1.2 MB"), (3 * 1024**3, "3.0 GB")])
def test_sizes_read_like_a_person_writes_them(qapp: Any, size: int, text: str) -> None:
    from PySide6.QtCore import QLocale

    assert human_size(size, QLocale.c()) == text


# -- laziness -------------------------------------------------------------------------------------


def test_constructing_and_opening_a_folder_reads_only_ids(qtbot: QtBot, store: Store, account: Account) -> None:
    insert_rows(store, account, 5000)
    spy = SummariesSpy(store)
    model = InboxModel(store)
    assert spy.id_calls == 0  # nothing until a folder is chosen
    model.set_folder(account.id, Folder.INBOX)
    assert model.rowCount() == 5000
    assert spy.id_calls == 1
    assert spy.summary_calls == []


def test_a_far_row_loads_only_its_own_page(qtbot: QtBot, store: Store, account: Account) -> None:
    insert_rows(store, account, 5000)
    model = InboxModel(store)
    model.set_folder(account.id, Folder.INBOX)
    spy = SummariesSpy(store)
    ids = model_ids(model)
    assert model.data(model.index(4000, Column.SUBJECT)) is not None
    assert spy.summary_calls == [ids[4000:4000 + PAGE_SIZE]]
    for row in range(4000, 4000 + PAGE_SIZE):  # the rest of the page, every column: no query
        for column in Column:
            model.data(model.index(row, column))
    assert len(spy.summary_calls) == 1
    model.data(model.index(4000 + PAGE_SIZE, Column.SUBJECT))
    assert spy.summary_calls[1] == ids[4000 + PAGE_SIZE:4000 + 2 * PAGE_SIZE]


def test_the_cache_is_bounded_and_evicts_the_oldest_pages(qtbot: QtBot, store: Store, account: Account) -> None:
    insert_rows(store, account, 5000)
    model = InboxModel(store)
    model.set_folder(account.id, Folder.INBOX)
    spy = SummariesSpy(store)
    pages = model.rowCount() // PAGE_SIZE
    assert pages * PAGE_SIZE > CACHE_ROWS  # the walk below must overflow the cache
    for page in range(pages):
        model.data(model.index(page * PAGE_SIZE, Column.SUBJECT))
    assert len(spy.summary_calls) == pages
    model.data(model.index(model.rowCount() - 1, Column.SUBJECT))  # recent: still cached
    assert len(spy.summary_calls) == pages
    model.data(model.index(0, Column.SUBJECT))  # the first page was evicted
    assert len(spy.summary_calls) == pages + 1


# -- sorting --------------------------------------------------------------------------------------


SORTS = [(column, sort_column, order) for column, sort_column in
         [(Column.DATE, SortColumn.DATE), (Column.SENDER, SortColumn.SENDER),
          (Column.SUBJECT, SortColumn.SUBJECT), (Column.SIZE, SortColumn.SIZE)]
         for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder)]


@pytest.mark.parametrize(("column", "sort_column", "order"), SORTS)
def test_sorting_follows_sql_order(qtbot: QtBot, store: Store, account: Account, column: Column,
                                   sort_column: SortColumn, order: Qt.SortOrder) -> None:
    rows = insert_rows(store, account, 2000)
    model = InboxModel(store)
    model.set_folder(account.id, Folder.INBOX)
    other = Column.SIZE if column != Column.SIZE else Column.DATE
    model.sort(other, order)  # from another order, so this sort has something to do
    with qtbot.waitSignal(model.layoutChanged, timeout=1000):
        model.sort(column, order)
    descending = order == Qt.SortOrder.DescendingOrder
    assert model_ids(model) == expected_order(rows, sort_column, descending)
    assert model.sort_column == column and model.sort_order == order


def test_the_default_order_is_newest_first(qtbot: QtBot, store: Store, account: Account) -> None:
    rows = insert_rows(store, account, 500)
    model = InboxModel(store)
    model.set_folder(account.id, Folder.INBOX)
    assert model_ids(model) == expected_order(rows, SortColumn.DATE, descending=True)


def test_the_same_sort_again_costs_nothing(qtbot: QtBot, store: Store, account: Account) -> None:
    insert_rows(store, account, 100)
    model = InboxModel(store)
    model.set_folder(account.id, Folder.INBOX)
    spy = SummariesSpy(store)
    model.sort(Column.DATE, Qt.SortOrder.DescendingOrder)  # what setSortingEnabled() sends
    assert spy.id_calls == 0


def test_marker_columns_group_then_newest_first(qtbot: QtBot, store: Store, account: Account) -> None:
    insert_rows(store, account, 200)
    model = InboxModel(store)
    model.set_folder(account.id, Folder.INBOX)
    model.set_flagged([5, 50], True)
    flagged = {model.message_id(5), model.message_id(50)}
    model.sort(Column.FLAG, Qt.SortOrder.DescendingOrder)
    ids = model_ids(model)
    assert set(ids[:2]) == flagged
    summaries = store.summaries(ids[2:])
    dates = [summaries[i].date if summaries[i].date is not None else summaries[i].received_at for i in ids[2:]]
    assert dates == sorted(dates, reverse=True)
    before = model_ids(model)
    model.sort(-1, Qt.SortOrder.AscendingOrder)  # what a view sends to clear its sort: ignored
    assert model_ids(model) == before

def test_a_selection_follows_its_message_through_a_sort(qtbot: QtBot, store: Store, account: Account) -> None:
    insert_rows(store, account, 1000)
    model = InboxModel(store)
    model.set_folder(account.id, Folder.INBOX)
    kept = {QPersistentModelIndex(model.index(row, Column.SUBJECT)): model.message_id(row) for row in (0, 17, 999)}
    model.sort(Column.SIZE, Qt.SortOrder.AscendingOrder)
    for index, message_id in kept.items():
        assert model.message_id(index.row()) == message_id
        assert index.column() == Column.SUBJECT


# -- rows arriving and leaving --------------------------------------------------------------------


@pytest.mark.parametrize(("column", "sort_column", "order"), SORTS)
def test_new_messages_land_where_sql_would_put_them(qtbot: QtBot, store: Store, account: Account, column: Column,
                                                    sort_column: SortColumn, order: Qt.SortOrder) -> None:
    insert_rows(store, account, 1500)
    model = InboxModel(store)
    model.set_folder(account.id, Folder.INBOX)
    model.sort(column, order)
    new_ids = []
    for number, (subject, sender, date) in enumerate([
            ("Apple", "alice <x@example.com>", "Wed, 01 Jan 2031 00:00:00 +0000"),  # newest of all
            ("meeting", "Bob <y@example.com>", "Mon, 01 Jan 2024 00:00:00 +0000"),  # in the middle
            ("", "", "Thu, 01 Jan 1970 00:00:00 +0000"),  # oldest, empty fields
            ("Apple", "alice <x@example.com>", "Wed, 01 Jan 2031 00:00:00 +0000")]):  # ties the first
        new_ids.append(store.add_message(account, f"new{number}", raw_message(subject, sender, date)).id)
    store.commit()
    inserted: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda parent, first, last: inserted.append((first, last)))
    model.add_new_messages(new_ids)
    assert inserted, "rowsInserted was not emitted"
    assert sum(last - first + 1 for first, last in inserted) == 4
    descending = order == Qt.SortOrder.DescendingOrder
    assert model_ids(model) == store.message_ids(account.id, Folder.INBOX, sort=sort_column, descending=descending)


def test_newest_mail_is_inserted_at_the_top_without_a_reset(qtbot: QtBot, store: Store, account: Account) -> None:
    insert_rows(store, account, 5000)
    model = InboxModel(store)
    model.set_folder(account.id, Folder.INBOX)
    model.data(model.index(0, Column.SUBJECT))  # what a view on the top of the list has read
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))
    new = store.add_message(account, "fresh", raw_message("fresh", date="Wed, 01 Jan 2031 00:00:00 +0000"))
    store.commit()
    spy = SummariesSpy(store)
    with qtbot.waitSignal(model.rowsInserted, timeout=1000) as blocker:
        model.add_new_messages([new.id])
    assert blocker.args is not None and blocker.args[1:] == [0, 0]
    assert model.message_id(0) == new.id and model.rowCount() == 5001
    assert resets == []
    # One query for the new summary, and the top row was enough to place it.
    assert spy.id_calls == 0 and len(spy.summary_calls) <= 2


def test_ids_of_other_folders_accounts_or_already_shown_are_ignored(qtbot: QtBot, store: Store,
                                                                    account: Account) -> None:
    other = store.add_account(Account(name="home", host="pop.example.org", user="me"))
    insert_rows(store, account, 50)
    model = InboxModel(store)
    model.set_folder(account.id, Folder.INBOX)
    foreign = store.add_message(other, "o1", raw_message("other account")).id
    trashed = store.add_message(account, "t1", raw_message("to trash")).id
    store.commit()
    store.move_to_folder([trashed], Folder.TRASH)
    inserted: list[int] = []
    model.rowsInserted.connect(lambda parent, first, last: inserted.append(first))
    model.add_new_messages([foreign, trashed, model.message_id(3), 987_654])
    assert inserted == [] and model.rowCount() == 50


def test_remove_ids_takes_rows_out(qtbot: QtBot, store: Store, account: Account) -> None:
    insert_rows(store, account, 100)
    model = InboxModel(store)
    model.set_folder(account.id, Folder.INBOX)
    ids = model_ids(model)
    doomed = [ids[0], ids[1], ids[50], ids[99]]
    store.move_to_folder(doomed, Folder.TRASH)
    removed: list[tuple[int, int]] = []
    model.rowsRemoved.connect(lambda parent, first, last: removed.append((first, last)))
    model.remove_ids([*doomed, 123_456])
    assert removed == [(99, 99), (50, 50), (0, 1)]  # bottom up: each range is in the rows of its time
    assert model_ids(model) == [message_id for message_id in ids if message_id not in doomed]
    assert model.row_of(ids[2]) == 0


def test_refresh_picks_up_another_connections_changes_without_a_reset(qtbot: QtBot, store: Store,
                                                                       account: Account, tmp_path: Path) -> None:
    insert_rows(store, account, 300)
    model = InboxModel(store)
    model.set_folder(account.id, Folder.INBOX)
    ids = model_ids(model)
    selected = QPersistentModelIndex(model.index(150, Column.SUBJECT))
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))
    with Store.open(Profile(tmp_path / "profile")) as fetch_thread_store:  # as a fetch thread would
        new = fetch_thread_store.add_message(account, "n1", raw_message("new", date="Wed, 01 Jan 2031 00:00:00 +0000"))
        fetch_thread_store.commit()
        fetch_thread_store.move_to_folder([ids[10]], Folder.TRASH)
        fetch_thread_store.set_seen([ids[150]], True)
    model.refresh()
    assert resets == []
    assert model_ids(model) == [new.id] + [message_id for message_id in ids if message_id != ids[10]]
    assert model.message_id(selected.row()) == ids[150]
    assert model.summary(selected.row()).seen  # the cache was dropped, so flags are current


def test_a_message_deleted_elsewhere_shows_blank_and_has_no_summary(qtbot: QtBot, store: Store,
                                                                     account: Account) -> None:
    insert_rows(store, account, 10)
    model = InboxModel(store)
    model.set_folder(account.id, Folder.INBOX)
    store.db.execute("DELETE FROM messages WHERE id = ?", (model.message_id(4),))
    assert model.data(model.index(4, Column.SUBJECT)) is None
    with pytest.raises(KeyError):
        model.summary(4)
    assert model.data(model.index(5, Column.SUBJECT)) is not None
    with pytest.raises(IndexError):
        model.message_id(10)


# -- seen and flagged -----------------------------------------------------------------------------


def test_set_seen_writes_the_store_and_changes_the_font(qtbot: QtBot, store: Store, account: Account) -> None:
    for number in range(3):
        store.add_message(account, f"u{number}", raw_message(f"subject {number}"))
    store.commit()
    model = InboxModel(store)
    model.set_folder(account.id, Folder.INBOX)
    font = model.data(model.index(1, Column.SUBJECT), Qt.ItemDataRole.FontRole)
    assert isinstance(font, QFont) and font.bold()
    with qtbot.waitSignals([model.dataChanged, model.counts_changed], timeout=1000):
        model.set_seen([1], True)
    assert store.summaries([model.message_id(1)])[model.message_id(1)].seen
    font = model.data(model.index(1, Column.SUBJECT), Qt.ItemDataRole.FontRole)
    assert font is None or not font.bold()
    assert model.data(model.index(1, Column.SEEN)) == ""
    assert model.summary(1).seen
    model.set_seen([1], False)
    assert not store.summaries([model.message_id(1)])[model.message_id(1)].seen
    assert model.data(model.index(1, Column.SUBJECT), Qt.ItemDataRole.FontRole).bold()


def test_set_flagged_writes_the_store_and_shows_the_flag(qtbot: QtBot, store: Store, account: Account) -> None:
    insert_rows(store, account, 20)
    model = InboxModel(store)
    model.set_folder(account.id, Folder.INBOX)
    changed: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda top, bottom, roles: changed.append((top.row(), bottom.row())))
    model.set_flagged([2, 3, 4, 9], True)
    assert changed == [(2, 4), (9, 9)]
    flagged = {model.message_id(row) for row in (2, 3, 4, 9)}
    assert {message_id for message_id, summary in store.summaries(model_ids(model)).items()
            if summary.flagged} == flagged
    assert model.data(model.index(3, Column.FLAG)) == "★"
    assert model.summary(9).flagged


# -- the unified inbox ----------------------------------------------------------------------------


def test_the_unified_inbox_shows_every_account(qtbot: QtBot, store: Store, account: Account) -> None:
    other = store.add_account(Account(name="home", host="pop.example.org", user="me"))
    work_rows = insert_rows(store, account, 400, seed=1)
    home_rows = insert_rows(store, other, 300, seed=2, first_uidl=1000)
    insert_rows(store, other, 30, seed=3, folder="trash", first_uidl=5000)
    model = InboxModel(store)
    model.set_folder(None, Folder.INBOX)
    assert model_ids(model) == expected_order(work_rows + home_rows, SortColumn.DATE, descending=True)
    tooltip = model.data(model.index(0, Column.SENDER), Qt.ItemDataRole.ToolTipRole)
    assert "Account:" in tooltip
    new_work = store.add_message(account, "nw", raw_message("w")).id
    new_home = store.add_message(other, "nh", raw_message("h")).id
    store.commit()
    model.add_new_messages([new_work, new_home])
    assert model.row_of(new_work) is not None and model.row_of(new_home) is not None
    model.set_folder(other.id, Folder.INBOX)
    assert model.rowCount() == 301
    model.set_folder(other.id, Folder.TRASH)
    assert model.rowCount() == 30
    model.set_folder(None, Folder.TRASH)
    assert model.rowCount() == 30


def test_search_filters_by_subject_or_sender(qtbot: QtBot, store: Store, account: Account) -> None:
    for index, (subject, sender) in enumerate([("会议通知", "张三 <z@example.cn>"), ("Weekly report", "Alice <a@x>"),
                                               ("100% off_sale", "Shop <s@x>")]):
        store.add_message(account, f"s{index}", f"Subject: {subject}\r\nFrom: {sender}\r\n\r\n".encode(),
                          received_at=BASE_TIME + index)
    store.commit()
    model = InboxModel(store)
    model.set_folder(account.id, Folder.INBOX)
    model.set_search("会议")
    assert [model.summary(row).subject for row in range(model.rowCount())] == ["会议通知"]
    model.set_search("alice")
    assert [model.summary(row).subject for row in range(model.rowCount())] == ["Weekly report"]
    model.set_search("0% off_")  # LIKE wildcards are taken literally
    assert [model.summary(row).subject for row in range(model.rowCount())] == ["100% off_sale"]
    model.set_search("_")
    assert model.rowCount() == 1
    model.set_search("")
    assert model.rowCount() == 3


@pytest.mark.parametrize(("locale_name", "text"), [("zh_CN", "2026/11/20 09:12"), ("en_US", "11/20/26 9:12 AM"),
                                                   ("de_DE", "20.11.26 09:12"), ("C", "2026-11-20 09:12")])
def test_dates_follow_the_locale(qapp: Any, locale_name: str, text: str) -> None:
    from PySide6.QtCore import QDateTime, QLocale

    from app.ui.formatting import format_timestamp

    when = QDateTime.fromString("2026-11-20T09:12:00", "yyyy-MM-ddTHH:mm:ss").toSecsSinceEpoch()  # local time
    # CLDR puts a narrow no-break space before AM; which space it is does not matter here.
    assert format_timestamp(when, QLocale(locale_name)).replace("\u202f", " ") == text
