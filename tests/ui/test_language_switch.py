"""The language chosen in Preferences applies at once, without a restart (issue 14, item 11), and
dates keep the system's format when the chosen language is the system's own (item 10)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import QLocale, Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from app.core.model import Folder
from app.ui.dialogs.preferences import PreferencesDialog
from app.ui.formatting import format_long_timestamp, format_timestamp
from app.ui.language import apply_language, format_locale
from app.ui.main_window import MainWindow

#: 2026-11-02 10:00 UTC: day and month differ, so a day-month and a month-day date differ.
WHEN = 1_793_613_600.0


@pytest.mark.parametrize(("chosen", "system", "expected"), [
    ("", "en_GB", "en_GB"),
    ("en", "en_GB", "en_GB"),  # English on an English system: the system's own formats
    ("en", "en_US", "en_US"),
    ("en", "zh_CN", "en_US"),  # a language the system does not speak brings its own
    ("zh_CN", "en_GB", "zh_CN"),
    ("zh_CN", "zh_CN", "zh_CN"),
    ("zh_CN", "zh_TW", "zh_CN"),  # another script is another language here
])
def test_the_format_locale(chosen: str, system: str, expected: str) -> None:
    assert format_locale(chosen, QLocale(system)).name() == expected


@pytest.mark.parametrize("system", ["en_GB", "en_US", "en_AU"])
def test_dates_read_the_same_under_system_default_and_english(system: str) -> None:
    system_locale = QLocale(system)
    for formatter in (format_timestamp, format_long_timestamp):
        assert formatter(WHEN, format_locale("en", system_locale)) == formatter(WHEN, format_locale("", system_locale))
    if system == "en_GB":
        assert format_timestamp(WHEN, format_locale("en", system_locale)).startswith("02/11/2026")


@pytest.fixture
def language_restored(qapp: QApplication) -> Iterator[None]:
    previous = QLocale()
    yield
    apply_language(qapp, "", previous)  # no translation left installed for the next test
    QLocale.setDefault(previous)


def choose_language(qtbot: QtBot, window: MainWindow, language: str) -> None:
    """Preferences, choose ``language``, OK: as a person does it."""
    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, PreferencesDialog):
            QTimer.singleShot(10, answer)
            return
        dialog.language_combo.setCurrentIndex(dialog.language_combo.findData(language))
        dialog.accept()

    QTimer.singleShot(0, answer)
    window.window_actions.preferences.trigger()


def texts(window: MainWindow) -> dict[str, str]:
    model = window.folder_model
    subject_name = window.preview.form.labelForField(window.preview.subject_label)
    assert isinstance(subject_name, QLabel)
    return {
        "get mail": window.window_actions.get_mail.text(),
        "remove account": window.window_actions.remove_account.text(),
        "file menu": window.menuBar().actions()[0].text(),
        "encoding": window.window_actions.encoding_menu.title(),
        "automatic": window.window_actions.encoding_group.actions()[0].text(),
        "inbox": str(model.index_for(window.accounts["test"].id, Folder.TRASH).data()),
        "from column": str(window.inbox_model.headerData(3, Qt.Orientation.Horizontal)),
        "subject row": subject_name.text(),
        "search": window.search_box.placeholderText(),
        "welcome": window.welcome.button.text(),
        "cancel fetch": window.fetch_status.cancel_button.text(),
        "details": window.fetch_status.details_link.text(),
        "show poplark": window.tray.contextMenu().actions()[0].text(),
        "close info": window.info_bar.close_button.toolTip(),
    }


ENGLISH = {"get mail": "Get Mail", "remove account": "Remove Account…", "file menu": "&File",
           "encoding": "Text Encoding", "automatic": "Automatic", "inbox": "Trash", "from column": "From",
           "subject row": "Subject:", "search": "Search messages", "welcome": "Add an account…",
           "cancel fetch": "Cancel", "details": '<a href="details">Details</a>', "show poplark": "Show Poplark",
           "close info": "Close"}
CHINESE = {"get mail": "收取邮件", "remove account": "删除账户…", "file menu": "文件(&F)",
           "encoding": "文字编码", "automatic": "自动", "inbox": "已删除", "from column": "发件人",
           "subject row": "主题：", "search": "搜索邮件", "welcome": "添加账户…",
           "cancel fetch": "取消", "details": '<a href="details">详细信息</a>', "show poplark": "显示 Poplark",
           "close info": "关闭"}


def test_switching_to_chinese_and_back_applies_at_once(qtbot: QtBot, qapp: QApplication,
                                                      mailbox_window: Callable[..., MainWindow],
                                                      language_restored: None) -> None:
    window = mailbox_window()
    apply_language(qapp, "en")
    english_date = format_timestamp(window.inbox_model.summary(0).date, format_locale("en", QLocale.system()))
    qtbot.waitUntil(lambda: window.inbox_model.data(window.inbox_model.index(0, 5)) == english_date, timeout=5000)
    assert texts(window) == ENGLISH

    choose_language(qtbot, window, "zh_CN")
    qtbot.waitUntil(lambda: texts(window)["get mail"] == "收取邮件", timeout=5000)
    assert texts(window) == CHINESE
    assert window.settings.value("preferences/language") == "zh_CN"
    assert QLocale().name() == "zh_CN"
    assert window.inbox_model.data(window.inbox_model.index(0, 5)) != english_date  # dates follow

    choose_language(qtbot, window, "en")
    qtbot.waitUntil(lambda: texts(window)["get mail"] == "Get Mail", timeout=5000)
    assert texts(window) == ENGLISH
    assert window.inbox_model.data(window.inbox_model.index(0, 5)) == english_date

