"""Tags in the window (issue 19): number keys 1-9 and 0 on the list, the Tag submenu (Message menu
and context menu), the coloured marks in the Subject column, the tag manager, and the quick
filter bar's toggles alone and with the search text, in English and Chinese.
POPLARK_SCREENSHOT_DIR keeps the pictures (docs/tags-*.png)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from app.core.contacts.model import Contact, ContactAddress
from app.core.store.tags import Tag
from app.ui.main_window import MainWindow
from app.ui.models.message_rows import Column
from app.ui.tags.feature import TagFeature
from tests.fakes.pop3_server import crlf
from tests.ui.mailbox_window import message

ATTACHED = crlf(
    "From: 王经理 <boss@example.cn>\nTo: me@example.com\nSubject: 增值税发票 三月\n"
    "Date: Tue, 10 Nov 2026 10:00:00 +0800\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n"
    "--b\nContent-Type: text/plain; charset=utf-8\n\n请查收发票。\n--b\nContent-Type: application/pdf\n"
    "Content-Disposition: attachment; filename=fapiao.pdf\n\nJVBE\n--b--\n")
MESSAGES = [
    message(1, "关于下周会议", "下周会议改在周三下午。"),
    message(2, "Weekly report"),
    message(3, "会议纪要"),
    message(4, "Lunch"),
    ATTACHED,
]


def feature(window: MainWindow) -> TagFeature:
    tagging = window.tagging
    assert isinstance(tagging, TagFeature)
    return tagging


def tag(window: MainWindow, name: str) -> Tag:
    found = window.store.tag_by_name(name)
    assert found is not None
    return found


def row_of(window: MainWindow, subject: str) -> int:
    model = window.inbox_model
    return next(row for row in range(model.rowCount()) if model.summary(row).subject.startswith(subject))


def select(window: MainWindow, *subjects: str) -> list[int]:
    view = window.message_view
    view.clearSelection()
    for subject in subjects:
        index = window.inbox_model.index(row_of(window, subject), 0)
        view.selectionModel().select(index, view.selectionModel().SelectionFlag.Select
                                     | view.selectionModel().SelectionFlag.Rows)
    return view.selected_ids()


def tags_of(window: MainWindow, ids: list[int]) -> dict[int, list[int]]:
    return window.store.tags_of(ids)


def subjects_shown(window: MainWindow) -> set[str]:
    model = window.inbox_model
    return {model.summary(row).subject for row in range(model.rowCount())}


def keep_picture(window: MainWindow, name: str) -> None:
    picture = window.grab()
    assert not picture.isNull()
    keep = os.environ.get("POPLARK_SCREENSHOT_DIR")
    if keep:
        assert picture.save(str(Path(keep) / f"{name}.png"))


def test_number_keys_toggle_the_tag_at_that_place_and_zero_removes_all(
        qtbot: QtBot, mailbox_window: Callable[..., MainWindow]) -> None:
    window = mailbox_window(MESSAGES)
    ids = select(window, "关于下周会议", "Lunch")
    window.message_view.setFocus()
    qtbot.keyClick(window.message_view, Qt.Key.Key_2)
    work, later = tag(window, "Work"), tag(window, "Later")
    assert tags_of(window, ids) == {ids[0]: [work.id], ids[1]: [work.id]}
    qtbot.keyClick(window.message_view, Qt.Key.Key_5, Qt.KeyboardModifier.KeypadModifier)  # the keypad too
    assert tags_of(window, ids) == {ids[0]: [work.id, later.id], ids[1]: [work.id, later.id]}
    qtbot.keyClick(window.message_view, Qt.Key.Key_2)  # all have it: taken off
    assert tags_of(window, ids) == {ids[0]: [later.id], ids[1]: [later.id]}
    qtbot.keyClick(window.message_view, Qt.Key.Key_9)  # no ninth tag: nothing happens
    qtbot.keyClick(window.message_view, Qt.Key.Key_0)
    assert tags_of(window, ids) == {}
    # Digits typed in the search box search; they tag nothing.
    window.search_box.setFocus()
    qtbot.keyClick(window.search_box, Qt.Key.Key_1)
    assert tags_of(window, ids) == {} and window.search_box.text() == "1"


def test_a_toggle_tags_every_selected_message_when_only_some_have_it(
        qtbot: QtBot, mailbox_window: Callable[..., MainWindow]) -> None:
    window = mailbox_window(MESSAGES)
    important = tag(window, "Important")
    first = select(window, "Weekly report")
    qtbot.keyClick(window.message_view, Qt.Key.Key_1)
    both = select(window, "Weekly report", "会议纪要")
    qtbot.keyClick(window.message_view, Qt.Key.Key_1)
    assert set(tags_of(window, both)) == set(both) and first[0] in both
    assert all(tag_ids == [important.id] for tag_ids in tags_of(window, both).values())


def test_tagged_rows_show_dots_colour_and_names(qtbot: QtBot, mailbox_window: Callable[..., MainWindow]) -> None:
    window = mailbox_window(MESSAGES)
    ids = select(window, "Lunch")
    qtbot.keyClick(window.message_view, Qt.Key.Key_1)
    qtbot.keyClick(window.message_view, Qt.Key.Key_3)
    model = window.inbox_model
    index = model.index(row_of(window, "Lunch"), Column.SUBJECT)
    assert model.data(index, Qt.ItemDataRole.DecorationRole) is not None
    assert model.data(index, Qt.ItemDataRole.ForegroundRole) == QColor(tag(window, "Important").colour)
    assert model.data(index, Qt.ItemDataRole.ToolTipRole) == "Tags: Important, Personal"
    assert model.data(index, Qt.ItemDataRole.AccessibleTextRole) == "Lunch 4, Tags: Important, Personal"
    plain = model.index(row_of(window, "Weekly report"), Column.SUBJECT)
    assert model.data(plain, Qt.ItemDataRole.DecorationRole) is None
    assert model.data(plain, Qt.ItemDataRole.ForegroundRole) is None
    assert ids


def test_the_tag_submenu_in_the_message_menu_and_the_context_menu(
        qtbot: QtBot, mailbox_window: Callable[..., MainWindow]) -> None:
    window = mailbox_window(MESSAGES)
    menu = feature(window).menu
    assert menu.menuAction() in window.message_view.actions()  # the list's context menu
    menus = [action.menu() for action in window.menuBar().actions()]
    assert any(isinstance(parent, QMenu) and menu.menuAction() in parent.actions() for parent in menus)
    personal = tag(window, "Personal")
    ids = select(window, "会议纪要")
    feature(window).fill_menu()  # as aboutToShow does
    entry = menu.findChild(type(menu.actions()[0]), f"tagAction{personal.id}")
    assert entry is not None and entry.isEnabled() and not entry.isChecked()
    assert entry.text() == "Personal\t3"
    entry.trigger()
    assert tags_of(window, ids) == {ids[0]: [personal.id]}
    feature(window).fill_menu()
    entry = menu.findChild(type(menu.actions()[0]), f"tagAction{personal.id}")
    assert entry is not None and entry.isChecked()
    remove = menu.findChild(type(menu.actions()[0]), "removeAllTagsAction")
    assert remove is not None
    remove.trigger()
    assert tags_of(window, ids) == {}
    window.message_view.clearSelection()
    feature(window).fill_menu()
    assert all(not action.isEnabled() for action in menu.actions()
               if action.objectName().startswith("tagAction"))  # nothing selected: nothing to tag


def click(qtbot: QtBot, window: MainWindow, button: object) -> None:
    """Click a toggle of the bar and wait for the rows it asks for (queried off the GUI thread)."""
    with qtbot.waitSignal(window.inbox_model.filtered):
        button.click()  # type: ignore[attr-defined]


def open_bar(qtbot: QtBot, window: MainWindow) -> None:
    feature(window).bar_action.trigger()
    assert feature(window).bar.isVisible()


def test_each_filter_toggle_then_combined_with_search_text(
        qtbot: QtBot, mailbox_window: Callable[..., MainWindow]) -> None:
    window = mailbox_window(MESSAGES)
    store = window.store
    everything = subjects_shown(window)
    assert len(everything) == 5
    ids = {subject: window.inbox_model.summary(row_of(window, subject)).id for subject in everything}
    store.set_seen([ids["Weekly report 2"], ids["Lunch 4"]], True)
    store.set_flagged([ids["会议纪要 3"]], True)
    store.add_tag([ids["关于下周会议 1"], ids["增值税发票 三月"]], tag(window, "Work").id)
    store.save_contact(Contact("王经理", (ContactAddress("boss@example.cn"),)))
    store.save_contact(Contact("Sender 3", (ContactAddress("s3@example.com"),)))
    window.inbox_model.refresh()
    open_bar(qtbot, window)
    bar = feature(window).bar
    click(qtbot, window, bar.unread)
    assert subjects_shown(window) == {"关于下周会议 1", "会议纪要 3", "增值税发票 三月"}
    assert bar.count.text() == "3 messages"
    click(qtbot, window, bar.unread)
    click(qtbot, window, bar.flagged)
    assert subjects_shown(window) == {"会议纪要 3"} and bar.count.text() == "1 message"
    click(qtbot, window, bar.flagged)
    click(qtbot, window, bar.attachment)
    assert subjects_shown(window) == {"增值税发票 三月"}
    click(qtbot, window, bar.attachment)
    click(qtbot, window, bar.contact)
    assert subjects_shown(window) == {"会议纪要 3", "增值税发票 三月"}
    click(qtbot, window, bar.contact)
    with qtbot.waitSignal(window.inbox_model.filtered):
        bar.tag.setCurrentIndex(bar.tag.findData(tag(window, "Work").id))
    assert subjects_shown(window) == {"关于下周会议 1", "增值税发票 三月"}
    # Combined, and with the search text (Chinese): all ANDed, the count following each query.
    click(qtbot, window, bar.unread)
    with qtbot.waitSignal(window.inbox_model.filtered):
        window.search_box.setText("会议")  # setText: keyClicks aborts on non-ASCII (architecture.md, Pitfalls)
    assert subjects_shown(window) == {"关于下周会议 1"} and bar.count.text() == "1 message"
    with qtbot.waitSignal(window.inbox_model.filtered):
        window.search_box.setText("发票")
    assert subjects_shown(window) == {"增值税发票 三月"}
    click(qtbot, window, bar.contact)
    assert subjects_shown(window) == {"增值税发票 三月"}
    with qtbot.waitSignal(window.inbox_model.filtered):
        window.search_box.setText("lunch")
    assert subjects_shown(window) == set()
    assert bar.count.text() == "No messages match. Switch a filter off or change the search."
    # Closing the bar switches the filter off: nothing stays hidden unseen.
    with qtbot.waitSignal(window.inbox_model.filtered):
        window.search_box.setText("")
    bar.close_button.click()
    assert not bar.isVisible() and not feature(window).bar_action.isChecked()
    assert subjects_shown(window) == everything


def test_new_mail_is_filtered_as_it_arrives(qtbot: QtBot, mailbox_window: Callable[..., MainWindow]) -> None:
    window = mailbox_window(MESSAGES)
    open_bar(qtbot, window)
    click(qtbot, window, feature(window).bar.flagged)
    assert subjects_shown(window) == set()
    account = window.accounts["test"]
    fresh = window.store.add_message(account, "uid-new", message(9, "Flag me"))
    window.store.commit()
    window.inbox_model.add_new_messages([fresh.id])
    assert subjects_shown(window) == set()  # not flagged: stays out


def test_the_tag_manager_creates_renames_recolours_orders_and_deletes(
        qtbot: QtBot, mailbox_window: Callable[..., MainWindow], monkeypatch: object) -> None:
    from app.ui.tags.manager import TagManager

    window = mailbox_window(MESSAGES)
    manager = TagManager(window.store, window)
    qtbot.addWidget(manager)
    manager.tags_changed.connect(feature(window).tags_changed)
    answers = iter(["财务", "财务 2026"])
    manager.ask_name = lambda title, current: next(answers)  # type: ignore[method-assign]
    manager.ask_colour = lambda current: "#123456"  # type: ignore[method-assign]
    manager.confirm_delete = lambda tag, messages: True  # type: ignore[method-assign]
    manager.create_new()
    created = tag(window, "财务")
    assert manager.list.count() == 6 and manager.current_tag() == created
    assert feature(window).bar.tag.findData(created.id) >= 0  # the filter bar follows
    manager.rename_current()
    manager.recolour_current()
    assert window.store.tag_by_name("财务 2026") == Tag(created.id, "财务 2026", "#123456", created.position)
    for _ in range(5):
        manager.move_current(-1)
    assert window.store.tags()[0].id == created.id and not manager.up_button.isEnabled()
    ids = select(window, "Lunch")
    qtbot.keyClick(window.message_view, Qt.Key.Key_1)  # the first tag is now 财务 2026
    assert tags_of(window, ids) == {ids[0]: [created.id]}
    index = window.inbox_model.index(row_of(window, "Lunch"), Column.SUBJECT)
    assert window.inbox_model.data(index, Qt.ItemDataRole.ForegroundRole) == QColor("#123456")
    manager.delete_current()
    assert window.store.tag_by_name("财务 2026") is None and tags_of(window, ids) == {}
    assert window.inbox_model.data(index, Qt.ItemDataRole.DecorationRole) is None
    # A name already taken (as shown, in any case) is refused before anything is written.
    warned: list[str] = []
    monkeypatch.setattr("app.ui.tags.manager.QMessageBox.warning",  # type: ignore[attr-defined]
                        lambda parent, title, text: warned.append(text))
    manager.ask_name = lambda title, current: "work"  # type: ignore[method-assign]
    manager.create_new()
    assert warned == ["There is already a tag named “work”. Choose another name."] and len(window.store.tags()) == 5


def test_screenshot_of_tags_and_the_filter_bar_in_english(
        qtbot: QtBot, mailbox_window: Callable[..., MainWindow]) -> None:
    window = mailbox_window(MESSAGES)
    window.resize(1100, 640)
    decorate(qtbot, window)
    keep_picture(window, "tags-filter-bar-en")


def test_chinese_names_menu_and_filter_bar(qtbot: QtBot, chinese_ui: object,
                                           mailbox_window: Callable[..., MainWindow]) -> None:
    window = mailbox_window(MESSAGES)
    window.resize(1100, 640)
    decorate(qtbot, window)
    bar = feature(window).bar
    assert bar.unread.text() == "● 未读" and bar.tag.itemText(0) == "任意标签"
    assert bar.count.text() == "2 封邮件"
    feature(window).fill_menu()
    names = [action.text() for action in feature(window).menu.actions() if action.objectName().startswith("tagAction")]
    assert names == ["重要\t1", "工作\t2", "个人\t3", "待办\t4", "稍后\t5"]
    index = window.inbox_model.index(row_of(window, "关于下周会议"), Column.SUBJECT)
    assert window.inbox_model.data(index, Qt.ItemDataRole.ToolTipRole) == "标签：重要、工作"
    keep_picture(window, "tags-filter-bar-zh_CN")


def decorate(qtbot: QtBot, window: MainWindow) -> None:
    """Tags on three messages, the bar open with Unread on and a tag chosen."""
    select(window, "关于下周会议")
    qtbot.keyClick(window.message_view, Qt.Key.Key_1)
    qtbot.keyClick(window.message_view, Qt.Key.Key_2)
    select(window, "增值税发票")
    qtbot.keyClick(window.message_view, Qt.Key.Key_2)
    select(window, "Lunch")
    qtbot.keyClick(window.message_view, Qt.Key.Key_4)
    open_bar(qtbot, window)
    bar = feature(window).bar
    click(qtbot, window, bar.unread)
    with qtbot.waitSignal(window.inbox_model.filtered):
        bar.tag.setCurrentIndex(bar.tag.findData(tag(window, "Work").id))
    select(window, "关于下周会议")
    qtbot.waitUntil(lambda: bar.count.width() >= bar.count.sizeHint().width())  # laid out for the picture


def test_only_the_latest_change_is_shown_when_answers_overlap(
        qtbot: QtBot, mailbox_window: Callable[..., MainWindow]) -> None:
    window = mailbox_window(MESSAGES)
    window.store.set_flagged([window.inbox_model.summary(row_of(window, "Lunch")).id], True)
    open_bar(qtbot, window)
    bar = feature(window).bar
    bar.attachment.click()  # its answer may come after the next change: it must not be shown
    bar.attachment.click()
    bar.flagged.click()
    qtbot.waitUntil(lambda: subjects_shown(window) == {"Lunch 4"})
    qtbot.waitUntil(lambda: not window.inbox_model._jobs)  # every answer is in: none replaced it
    assert subjects_shown(window) == {"Lunch 4"} and bar.count.text() == "1 message"


def test_switching_to_chinese_while_open_translates_the_bar_menu_and_names(
        qtbot: QtBot, qapp: object, mailbox_window: Callable[..., MainWindow]) -> None:
    from PySide6.QtCore import QLocale

    from app.ui.language import apply_language

    window = mailbox_window(MESSAGES)
    open_bar(qtbot, window)
    bar = feature(window).bar
    select(window, "Lunch")
    qtbot.keyClick(window.message_view, Qt.Key.Key_2)
    index = window.inbox_model.index(row_of(window, "Lunch"), Column.SUBJECT)
    assert window.inbox_model.data(index, Qt.ItemDataRole.ToolTipRole) == "Tags: Work"
    previous = QLocale()
    try:
        apply_language(qapp, "zh_CN")  # type: ignore[arg-type]
        qtbot.waitUntil(lambda: bar.unread.text() == "● 未读")
        qtbot.waitUntil(lambda: window.inbox_model.data(index, Qt.ItemDataRole.ToolTipRole) == "标签：工作")
        assert bar.tag.itemText(bar.tag.findData(tag(window, "Work").id)) == "工作"
        assert feature(window).menu.title() == "标签(&T)" and feature(window).bar_action.text() == "快速筛选"
    finally:
        apply_language(qapp, "", previous)  # type: ignore[arg-type]
        QLocale.setDefault(previous)
    qtbot.waitUntil(lambda: bar.unread.text() == "● Unread")


def test_an_answer_older_than_a_refresh_is_dropped(qtbot: QtBot, mailbox_window: Callable[..., MainWindow]) -> None:
    window = mailbox_window(MESSAGES)
    open_bar(qtbot, window)
    feature(window).bar.unread.click()  # its query starts in a job...
    fresh = window.store.add_message(window.accounts["test"], "uid-new", message(9, "Arrived meanwhile"))
    window.store.commit()
    window.inbox_model.refresh()  # ...and the list reads the store at once, new mail included
    assert "Arrived meanwhile 9" in subjects_shown(window)
    qtbot.waitUntil(lambda: not window.inbox_model._jobs)  # the job's answer came, and did not win
    assert "Arrived meanwhile 9" in subjects_shown(window) and fresh.id
