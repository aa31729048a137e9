"""The main window end to end: a fake POP3 server, Get Mail, rows appearing, scheduled checks,
notifications, password prompts, reading, deleting, and quitting in the middle of a fetch."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from app.core.model import Account, Folder, LeaveMode, Security, ServerPolicy
from app.core.store import Profile, Store
from app.ui import fetch_outcomes as fetch_outcomes_module
from app.ui.dialogs.preferences import Preferences
from app.ui.main_window import MainWindow
from tests.fakes.keyrings import MemoryKeyring
from tests.fakes.pop3_server import FakePop3Server, Faults, crlf

MESSAGES = [crlf(f"From: Sender {index} <s{index}@example.com>\nSubject: {'会议通知' if index == 3 else 'Report'} "
                 f"{index}\nDate: Mon, {index} Nov 2026 10:00:00 +0800\n\n" + f"body line {index}\n" * 30)
            for index in range(1, 13)]


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def fake_server() -> Iterator[FakePop3Server]:
    server = FakePop3Server(MESSAGES).start()
    yield server
    server.stop()


@pytest.fixture
def make_window(qtbot: QtBot, tmp_path: Path, memory_keyring: MemoryKeyring) -> Iterator[Callable[..., MainWindow]]:
    windows: list[tuple[MainWindow, Store]] = []

    def make(server: FakePop3Server | None = None, *, policy: ServerPolicy | None = None,
             remember_password: bool = True, clock: Clock | None = None) -> MainWindow:
        profile = Profile(tmp_path / "profile").ensure()
        store = Store.open(profile)
        if server is not None and not store.accounts():
            account = store.add_account(Account(
                name="test", host="127.0.0.1", port=server.address[1], security=Security.NONE, user="alice",
                allow_insecure_auth=True, timeout_seconds=5.0, remember_password=remember_password,
                policy=policy or ServerPolicy(LeaveMode.DELETE_AFTER_DOWNLOAD)))
            if remember_password:
                memory_keyring.set_password("Poplark", account.credential_key, "secret")
        settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
        window = MainWindow(store, profile, settings, clock=clock or Clock())
        qtbot.addWidget(window)
        window.show()
        windows.append((window, store))
        return window

    yield make
    for window, store in windows:
        window.close_for_good()
        store.close()


def fetch_and_wait(qtbot: QtBot, window: MainWindow, trigger: Callable[[], object] | None = None) -> None:
    with qtbot.waitSignal(window.controller.idle, timeout=20000):
        (trigger or window.window_actions.get_mail.trigger)()


def test_first_run_shows_the_welcome_page(make_window: Callable[..., MainWindow]) -> None:
    window = make_window()
    assert window.stack.currentWidget() is window.welcome
    assert not window.window_actions.get_mail.isEnabled()


def test_the_welcome_text_is_not_cut_in_chinese(chinese_ui: object, make_window: Callable[..., MainWindow]) -> None:
    from PySide6.QtWidgets import QLabel

    window = make_window()
    text = window.welcome.findChild(QLabel, "welcomeText")
    assert "Poplark" in text.text() and "邮箱" in text.text()
    assert text.height() >= text.heightForWidth(text.width())


def test_get_mail_fills_the_list_and_reports(qtbot: QtBot, make_window: Callable[..., MainWindow],
                                             fake_server: FakePop3Server) -> None:
    window = make_window(fake_server)
    assert window.stack.currentIndex() == 1
    stored_batches: list[list[int]] = []
    window.controller.messages_stored.connect(lambda name, ids: stored_batches.append(ids))
    button = window.window_actions.get_mail_button
    fetch_and_wait(qtbot, window, lambda: qtbot.mouseClick(button, Qt.MouseButton.LeftButton))
    assert window.inbox_model.rowCount() == len(MESSAGES)
    assert sum(len(batch) for batch in stored_batches) == len(MESSAGES)
    assert "12 new message" in window.fetch_status.label.text()
    assert fake_server.mailbox.current_uidls() == []
    subjects = {window.inbox_model.summary(row).subject for row in range(window.inbox_model.rowCount())}
    assert "会议通知 3" in subjects
    assert "(12)" in window.windowTitle()  # unread count


def test_new_mail_on_a_scheduled_check_notifies(qtbot: QtBot, make_window: Callable[..., MainWindow],
                                                fake_server: FakePop3Server) -> None:
    clock = Clock()
    window = make_window(fake_server, clock=clock)
    with qtbot.waitSignal(window.controller.idle, timeout=20000):
        window.start()  # the start-up check
    assert window.inbox_model.rowCount() == len(MESSAGES)
    fake_server.add_message(crlf("From: late@example.com\nSubject: arrived later\n\nhi\n"))
    window.scheduler.check_now()
    assert window.controller.running() == []  # not due yet: the interval has not passed
    clock.now += 16 * 60
    with qtbot.waitSignal(window.controller.idle, timeout=20000):
        window.scheduler.check_now()
    assert window.tray.last_notification == ("test", 1)
    assert window.inbox_model.rowCount() == len(MESSAGES) + 1


def test_auth_error_asks_for_the_password_and_retries(qtbot: QtBot, make_window: Callable[..., MainWindow],
                                                      fake_server: FakePop3Server,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    window = make_window(fake_server, remember_password=False)
    asked: list[str] = []

    def answer(parent: object, account: Account, reason: str, *, can_remember: bool) -> tuple[str, bool]:
        asked.append(reason)
        return "secret", False

    monkeypatch.setattr(fetch_outcomes_module, "ask_password", answer)
    with qtbot.waitSignal(window.controller.finished, timeout=20000):
        window.window_actions.get_mail.trigger()
    assert len(asked) == 1
    assert window.inbox_model.rowCount() == len(MESSAGES)


def test_busy_mailbox_backs_off_quietly(qtbot: QtBot, make_window: Callable[..., MainWindow],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    server = FakePop3Server(MESSAGES, faults=Faults(err_reply={"AUTH": "-ERR [IN-USE] locked"})).start()
    try:
        window = make_window(server)
        monkeypatch.setattr(fetch_outcomes_module, "ask_password", lambda *args, **kwargs: pytest.fail("asked"))
        fetch_and_wait(qtbot, window)
        assert "busy" in window.fetch_status.label.text().lower() or "in use" in window.fetch_status.label.text()
    finally:
        server.stop()


def test_reading_marks_read_and_delete_moves_to_trash(qtbot: QtBot, make_window: Callable[..., MainWindow],
                                                      fake_server: FakePop3Server) -> None:
    window = make_window(fake_server)
    fetch_and_wait(qtbot, window)
    with qtbot.waitSignal(window.preview.shown, timeout=5000):
        window.message_view.selectRow(0)
    summary = window.inbox_model.summary(0)
    assert "body line" in window.preview.body.toPlainText()
    assert window.store.message(summary.id).seen
    window.window_actions.delete.trigger()
    assert window.inbox_model.rowCount() == len(MESSAGES) - 1
    assert window.store.message(summary.id).folder == Folder.TRASH


def test_quitting_mid_fetch_loses_nothing(qtbot: QtBot, make_window: Callable[..., MainWindow]) -> None:
    server = FakePop3Server(MESSAGES, faults=Faults(slow_reply_seconds=0.05, slow_verbs={"RETR"})).start()
    originals = dict(server.mailbox.messages)
    try:
        window = make_window(server)
        with qtbot.waitSignal(window.controller.messages_stored, timeout=20000):
            window.window_actions.get_mail.trigger()
        window.close_for_good()
        assert window.controller.running() == []
        stored = {summary.uidl: window.store.raw(summary.id) for summary in window.store.messages()}
        for uidl, raw in stored.items():
            assert hashlib.sha256(raw).digest() == hashlib.sha256(originals[uidl]).digest()
        # Nothing that is not stored here was deleted from the server.
        assert set(originals) - set(server.mailbox.current_uidls()) <= set(stored)
        server.wait_until_idle()
        again = make_window(server)
        fetch_and_wait(qtbot, again)
        assert sorted(summary.uidl for summary in again.store.messages()) == sorted(originals)
    finally:
        server.stop()


def test_layout_and_sort_are_remembered(qtbot: QtBot, make_window: Callable[..., MainWindow],
                                        fake_server: FakePop3Server) -> None:
    from app.ui.models.inbox_model import Column

    window = make_window(fake_server)
    window.resize(700, 500)  # the offscreen screen is 800x600: stay inside it
    window.message_view.sortByColumn(Column.SUBJECT, Qt.SortOrder.AscendingOrder)
    window.main_splitter.setSizes([250, 450])
    window.close_for_good()
    again = make_window(fake_server)
    header = again.message_view.horizontalHeader()
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (Column.SUBJECT,
                                                                            Qt.SortOrder.AscendingOrder)
    assert (again.size().width(), again.size().height()) == (700, 500)
    assert again.main_splitter.sizes()[0] == 250


SHOWCASE = [
    ("张三 <zhang.san@example.cn>", "会议通知：周五下午三点讨论第四季度预算", "Fri, 20 Nov 2026 09:12:00 +0800",
     "各位同事：\n\n本周五下午三点在三楼会议室讨论第四季度预算，请准时参加。\n\n张三"),
    ("Alice Zhang <alice@example.com>", "Weekly report: POP3 client performance", "Thu, 19 Nov 2026 17:40:00 +0000",
     "Hi team,\n\nthe fetch benchmark is green.\n\nAlice"),
    ("GitHub <noreply@github.com>", "[poplark] Pull request #42 merged", "Wed, 18 Nov 2026 08:00:00 +0000",
     "Merged."),
    ("李四 <lisi@example.com.cn>", "Re: 项目进度", "Tue, 17 Nov 2026 14:03:00 +0800", "收到，谢谢。"),
    ("Newsletter <news@example.org>", "November newsletter", "Mon, 16 Nov 2026 06:00:00 +0000", "Read online."),
]


def showcase_messages() -> list[bytes]:
    return [crlf(f"From: {sender}\nTo: me@example.com\nSubject: {subject}\nDate: {date}\n"
                 f"Content-Type: text/plain; charset=utf-8\n\n{body}\n")
            for sender, subject, date, body in SHOWCASE]


def open_showcase(qtbot: QtBot, make_window: Callable[..., MainWindow], server: FakePop3Server) -> MainWindow:
    """The screenshots' window: mail fetched, the first message shown."""
    window = make_window(server, policy=ServerPolicy(LeaveMode.KEEP_FOREVER))
    window.resize(1100, 700)
    fetch_and_wait(qtbot, window)
    with qtbot.waitSignal(window.preview.shown, timeout=5000):
        window.message_view.selectRow(0)
    return window


def test_screenshot_of_the_main_window_with_mail(qtbot: QtBot, make_window: Callable[..., MainWindow],
                                                 tmp_path: Path) -> None:
    """The README's picture; POPLARK_SCREENSHOT_DIR keeps it (docs/main-window.png)."""
    import os

    server = FakePop3Server(showcase_messages()).start()
    try:
        window = open_showcase(qtbot, make_window, server)
        account_item = window.folder_model.index(0, 0)
        qtbot.waitUntil(lambda: "(4)" in window.folder_model.index(0, 0, account_item).data(), timeout=5000)
        assert "三楼会议室" in window.preview.body.toPlainText()
        picture = window.grab()
        assert not picture.isNull() and picture.save(str(tmp_path / "main-window.png"))
        keep = os.environ.get("POPLARK_SCREENSHOT_DIR")
        if keep:
            assert picture.save(str(Path(keep) / "main-window.png"))
    finally:
        server.stop()


# -- mark as read after a delay ---------------------------------------------------------------------


def show_row(qtbot: QtBot, window: MainWindow, row: int) -> int:
    with qtbot.waitSignal(window.preview.shown, timeout=5000):
        window.message_view.selectRow(row)
    return window.inbox_model.summary(row).id


def test_with_no_delay_a_shown_message_is_read_at_once(qtbot: QtBot, make_window: Callable[..., MainWindow],
                                                      fake_server: FakePop3Server) -> None:
    window = make_window(fake_server)
    window.preferences = Preferences(mark_read_delay_seconds=0)
    fetch_and_wait(qtbot, window)
    message_id = show_row(qtbot, window, 0)
    assert window.store.message(message_id).seen
    assert not window.reader.mark_read_timer.isActive()


def test_with_a_delay_a_message_is_read_only_when_the_timer_fires(
        qtbot: QtBot, make_window: Callable[..., MainWindow], fake_server: FakePop3Server) -> None:
    window = make_window(fake_server)
    window.preferences = Preferences(mark_read_delay_seconds=1)
    fetch_and_wait(qtbot, window)
    message_id = show_row(qtbot, window, 0)
    assert window.reader.mark_read_timer.isActive()
    assert not window.store.message(message_id).seen
    qtbot.waitUntil(lambda: window.store.message(message_id).seen, timeout=5000)
    assert not window.reader.mark_read_timer.isActive()


def test_moving_on_before_the_delay_leaves_the_message_unread(
        qtbot: QtBot, make_window: Callable[..., MainWindow], fake_server: FakePop3Server) -> None:
    window = make_window(fake_server)
    window.preferences = Preferences(mark_read_delay_seconds=1)
    fetch_and_wait(qtbot, window)
    skipped = show_row(qtbot, window, 0)
    window.message_view.clearSelection()  # the selection changes: the pending mark is dropped
    assert not window.reader.mark_read_timer.isActive()
    kept = show_row(qtbot, window, 1)
    qtbot.waitUntil(lambda: window.store.message(kept).seen, timeout=5000)
    assert not window.store.message(skipped).seen


def test_marking_the_shown_message_unread_before_the_delay_keeps_it_unread(
        qtbot: QtBot, make_window: Callable[..., MainWindow], fake_server: FakePop3Server) -> None:
    # "Keep this one for later": the user's own Mark as Unread must win over the pending mark.
    window = make_window(fake_server)
    window.preferences = Preferences(mark_read_delay_seconds=1)
    fetch_and_wait(qtbot, window)
    message_id = show_row(qtbot, window, 0)
    assert window.reader.mark_read_timer.isActive()
    window.window_actions.mark_unread.trigger()
    qtbot.waitUntil(lambda: not window.reader.mark_read_timer.isActive(), timeout=5000)
    assert not window.store.message(message_id).seen


def test_mark_read_off_never_marks(qtbot: QtBot, make_window: Callable[..., MainWindow],
                                   fake_server: FakePop3Server) -> None:
    window = make_window(fake_server)
    window.preferences = Preferences(mark_read_when_shown=False)
    fetch_and_wait(qtbot, window)
    message_id = show_row(qtbot, window, 0)
    assert not window.reader.mark_read_timer.isActive()
    assert not window.store.message(message_id).seen


# -- keyboard -----------------------------------------------------------------------------------------


def test_every_toolbar_action_has_a_shortcut_and_a_menu_entry(make_window: Callable[..., MainWindow],
                                                              fake_server: FakePop3Server) -> None:
    from PySide6.QtWidgets import QToolBar

    window = make_window(fake_server)
    toolbar = window.findChild(QToolBar, "mainToolbar")
    toolbar_actions = [action for action in toolbar.actions() if action.text() and not action.isSeparator()]
    toolbar_actions.append(window.window_actions.get_mail_button.defaultAction())
    in_menus = {action for menu_action in window.menuBar().actions() for action in menu_action.menu().actions()}
    for action in toolbar_actions:
        assert not action.shortcut().isEmpty(), action.objectName()
        assert action in in_menus, action.objectName()
    for action in in_menus:
        # A submenu entry (Text Encoding) opens its menu; the actions inside it are the commands.
        if not action.isSeparator() and action is not window.window_actions.about and action.menu() is None:
            assert not action.shortcut().isEmpty(), action.objectName()


def test_tab_goes_from_folders_to_messages_to_the_preview(make_window: Callable[..., MainWindow],
                                                          fake_server: FakePop3Server) -> None:
    window = make_window(fake_server)
    stops = tab_stops(window.folder_view)
    assert stops[:3] == [window.folder_view, window.message_view, window.preview.body]


def tab_stops(start: QWidget) -> list[QWidget]:
    """The widgets Tab visits from ``start``, in order (the focus chain also holds scroll bars)."""
    stops: list[QWidget] = []
    widget = start
    while True:
        if (widget.focusPolicy() & Qt.FocusPolicy.TabFocus) and widget.isVisible() and widget.isEnabled():
            stops.append(widget)
        widget = widget.nextInFocusChain()
        if widget is start:
            return stops


def test_ctrl_f_goes_to_the_search_box(qtbot: QtBot, make_window: Callable[..., MainWindow],
                                       fake_server: FakePop3Server) -> None:
    window = make_window(fake_server)
    window.activateWindow()
    window.window_actions.search.trigger()
    assert window.window_actions.search.shortcut().toString() == "Ctrl+F"
    qtbot.waitUntil(lambda: window.search_box.hasFocus() or QApplication.focusWidget() is window.search_box,
                    timeout=2000)


def test_help_about_opens_the_about_dialog(qtbot: QtBot, make_window: Callable[..., MainWindow],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from app.ui.dialogs import about

    shown: list[about.AboutDialog] = []
    monkeypatch.setattr(about.AboutDialog, "exec", lambda dialog: shown.append(dialog) or 0)
    window = make_window()
    window.window_actions.about.trigger()
    assert len(shown) == 1 and "PySide6" in shown[0].component_names()


# -- in Chinese ---------------------------------------------------------------------------------------


def test_with_the_chinese_translation_the_actions_read_chinese(chinese_ui: object,
                                                               make_window: Callable[..., MainWindow],
                                                               fake_server: FakePop3Server) -> None:
    window = make_window(fake_server)
    assert window.window_actions.get_mail.text() == "收取邮件"
    assert window.window_actions.new_account.text() == "新建账户…"
    assert window.window_actions.account_settings.text() == "账户设置…"
    assert window.window_actions.delete.text() == "删除"
    assert window.window_actions.mark_read.text() == "标为已读"
    assert window.window_actions.mark_unread.text() == "标为未读"
    assert window.window_actions.preferences.text() == "首选项…"
    assert window.window_actions.about.text() == "关于 Poplark"
    menus = [action.text() for action in window.menuBar().actions()]
    assert menus == ["文件(&F)", "编辑(&E)", "邮件(&M)", "查看(&V)", "工具(&T)", "帮助(&H)"]
    account = window.folder_model.index(0, 0)
    assert window.folder_model.index(0, 0, account).data().startswith("收件箱")


def test_screenshot_of_the_main_window_in_chinese(qtbot: QtBot, chinese_ui: object,
                                                  make_window: Callable[..., MainWindow], tmp_path: Path) -> None:
    """docs/main-window-zh_CN.png when POPLARK_SCREENSHOT_DIR is set."""
    import os

    server = FakePop3Server(showcase_messages()).start()
    try:
        window = open_showcase(qtbot, make_window, server)
        account_item = window.folder_model.index(0, 0)
        qtbot.waitUntil(lambda: "（4）" in window.folder_model.index(0, 0, account_item).data(), timeout=5000)
        assert window.inbox_model.headerData(3, Qt.Orientation.Horizontal) == "发件人"
        assert "三楼会议室" in window.preview.body.toPlainText()
        picture = window.grab()
        assert not picture.isNull() and picture.save(str(tmp_path / "main-window-zh_CN.png"))
        keep = os.environ.get("POPLARK_SCREENSHOT_DIR")
        if keep:
            assert picture.save(str(Path(keep) / "main-window-zh_CN.png"))
    finally:
        server.stop()
