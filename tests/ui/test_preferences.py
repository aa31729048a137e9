"""Preferences: stored and read back, shown in the dialog, and the language honoured at start-up."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QSettings
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.ui import application
from app.ui.dialogs import preferences as preferences_module
from app.ui.dialogs.preferences import Preferences, PreferencesDialog, RemoteContent


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def restore_locale() -> Iterator[None]:
    previous = QLocale()
    yield
    QLocale.setDefault(previous)


CHANGED = Preferences(close_to_tray=True, notify_new_mail=False, mark_read_when_shown=True,
                      mark_read_delay_seconds=5, default_check_interval_minutes=30, language="zh_CN",
                      remote_content=RemoteContent.ASK)


def test_defaults_when_nothing_is_stored(settings: QSettings) -> None:
    loaded = Preferences.load(settings)
    assert loaded == Preferences()
    assert loaded.remote_content is RemoteContent.NEVER
    assert loaded.mark_read_delay_seconds == 0
    assert loaded.language == ""


def test_round_trip_through_an_ini_file(settings: QSettings, tmp_path: Path) -> None:
    CHANGED.save(settings)
    again = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)  # strings, as INI gives back
    assert Preferences.load(again) == CHANGED
    assert again.value("preferences/language") == "zh_CN"


@pytest.mark.parametrize(("key", "value"), [("preferences/markReadDelaySeconds", "soon"),
                                            ("preferences/defaultCheckIntervalMinutes", "-4"),
                                            ("preferences/language", "tlh"),
                                            ("preferences/remoteContent", "always")])
def test_nonsense_in_the_file_falls_back_to_something_sane(settings: QSettings, key: str, value: str) -> None:
    settings.setValue(key, value)
    loaded = Preferences.load(settings)
    assert loaded.mark_read_delay_seconds == 0
    assert loaded.default_check_interval_minutes in (0, Preferences().default_check_interval_minutes)
    assert loaded.language == ""
    assert loaded.remote_content is RemoteContent.NEVER


def test_the_dialog_shows_and_returns_every_field(qtbot: QtBot) -> None:
    dialog = PreferencesDialog(CHANGED)
    qtbot.addWidget(dialog)
    assert dialog.preferences() == CHANGED
    dialog.mark_read.setChecked(False)
    assert not dialog.mark_read_delay.isEnabled()
    dialog.language_combo.setCurrentIndex(dialog.language_combo.findData("en"))
    dialog.remote_content_combo.setCurrentIndex(dialog.remote_content_combo.findData("never"))
    dialog.check_interval.setValue(0)
    changed = dialog.preferences()
    assert (changed.mark_read_when_shown, changed.language, changed.remote_content,
            changed.default_check_interval_minutes) == (False, "en", RemoteContent.NEVER, 0)
    assert "as soon as you press OK" in dialog.language_note.text()


def qapp_instance() -> QApplication:
    instance = QApplication.instance()
    assert isinstance(instance, QApplication)
    return instance


def install(monkeypatch: pytest.MonkeyPatch, chosen: str, system: str) -> list[object]:
    monkeypatch.setattr(preferences_module, "saved_language", lambda _settings: chosen)
    return list(application._install_translations(qapp_instance(), QLocale(system)))


def remove(translators: list[object]) -> None:
    for translator in translators:
        QApplication.instance().removeTranslator(translator)  # type: ignore[union-attr]


def test_a_chosen_language_overrides_the_system_locale(qapp: QApplication, monkeypatch: pytest.MonkeyPatch,
                                                       restore_locale: None) -> None:
    translators = install(monkeypatch, "zh_CN", "en_US")
    try:
        assert QCoreApplication.translate("MainWindow", "Get Mail") == "收取邮件"
        assert QLocale().name() == "zh_CN"  # dates and sizes follow the choice too
    finally:
        remove(translators)


def test_english_on_a_chinese_system_stays_english(qapp: QApplication, monkeypatch: pytest.MonkeyPatch,
                                                   restore_locale: None) -> None:
    translators = install(monkeypatch, "en", "zh_CN")
    try:
        assert QCoreApplication.translate("MainWindow", "Get Mail") == "Get Mail"
    finally:
        remove(translators)


def test_system_default_follows_the_system_locale(qapp: QApplication, monkeypatch: pytest.MonkeyPatch,
                                                  restore_locale: None) -> None:
    translators = install(monkeypatch, "", "zh_CN")
    try:
        assert QCoreApplication.translate("FolderModel", "Inbox") == "收件箱"
    finally:
        remove(translators)


def test_screenshot_of_the_preferences_in_chinese(qtbot: QtBot, chinese_ui: object, tmp_path: Path) -> None:
    """docs/preferences-zh_CN.png when POPLARK_SCREENSHOT_DIR is set."""
    dialog = PreferencesDialog(Preferences(mark_read_delay_seconds=3))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.windowTitle() == "首选项"
    assert dialog.language_combo.itemText(0) == "跟随系统"
    # Nothing cut off: every check box gets at least the width its text needs.
    for box in (dialog.close_to_tray, dialog.notify, dialog.mark_read):
        assert box.width() >= box.sizeHint().width()
    picture = dialog.grab()
    assert not picture.isNull() and picture.save(str(tmp_path / "preferences-zh_CN.png"))
    keep = os.environ.get("POPLARK_SCREENSHOT_DIR")
    if keep:
        assert picture.save(str(Path(keep) / "preferences-zh_CN.png"))
