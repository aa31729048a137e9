"""Qt's own strings (standard buttons, context menus, file dialogs) in Chinese, as the app installs them.

app.ui.application loads qtbase_zh_CN.qm from PySide6's translations folder next to Poplark's own
translator; the bundle keeps Qt's English and Chinese files only (packaging/poplark.spec).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLineEdit
from pytestqt.qtbot import QtBot

from app.ui import application
from app.ui.dialogs import preferences as preferences_module


@pytest.fixture
def installed_chinese(qapp: QApplication, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The app's own start-up translation step on a Chinese desktop (no language chosen in Preferences)."""
    previous = QLocale()
    monkeypatch.setattr(preferences_module, "saved_language", lambda _settings: "")
    translators = application._install_translations(qapp, QLocale("zh_CN"))
    assert len(translators) == 2, "Qt's and Poplark's Chinese translators"
    yield
    for translator in translators:
        qapp.removeTranslator(translator)
    QLocale.setDefault(previous)


def test_standard_buttons_read_in_chinese(qtbot: QtBot, installed_chinese: None) -> None:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(buttons)
    cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
    assert cancel is not None and cancel.text().startswith("取消"), cancel.text()


def test_a_line_edits_context_menu_reads_in_chinese(qtbot: QtBot, installed_chinese: None) -> None:
    editor = QLineEdit()
    qtbot.addWidget(editor)
    menu = editor.createStandardContextMenu()
    assert menu is not None
    texts = [action.text().split("\t")[0] for action in menu.actions() if not action.isSeparator()]
    menu.deleteLater()
    assert any(text.startswith("复制") for text in texts), texts
    assert any(text.startswith("全选") for text in texts), texts


def test_english_stays_english(qtbot: QtBot, qapp: QApplication, monkeypatch: pytest.MonkeyPatch) -> None:
    previous = QLocale()
    monkeypatch.setattr(preferences_module, "saved_language", lambda _settings: "")
    translators = application._install_translations(qapp, QLocale("en_US"))
    try:
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        qtbot.addWidget(buttons)
        cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        assert cancel is not None and cancel.text().replace("&", "") == "Cancel"
    finally:
        for translator in translators:
            qapp.removeTranslator(translator)
        QLocale.setDefault(previous)
