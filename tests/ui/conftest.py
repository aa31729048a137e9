"""UI fixtures: the shipped Chinese translation installed for one test, then removed again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from app.core.providers import resources_directory

TRANSLATIONS = resources_directory() / "translations"


def translation_file(language: str, suffix: str) -> Path:
    return TRANSLATIONS / f"poplark_{language}.{suffix}"


@pytest.fixture
def chinese_ui(qapp: QApplication) -> Iterator[QTranslator]:
    """Poplark's zh_CN strings, Qt's own (OK, Cancel) and a zh_CN default locale, as
    app.ui.application sets them up on a Chinese desktop; all removed afterwards."""
    previous_locale = QLocale()
    translator = QTranslator()
    assert translator.load(str(translation_file("zh_CN", "qm"))), "run resources/translations/update.sh"
    qt_translator = QTranslator()
    qt_translator.load(QLocale("zh_CN"), "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
    for installed in (qt_translator, translator):
        if not installed.isEmpty():
            assert qapp.installTranslator(installed)
    QLocale.setDefault(QLocale("zh_CN"))
    yield translator
    for installed in (translator, qt_translator):
        qapp.removeTranslator(installed)
    QLocale.setDefault(previous_locale)
