"""The interface language: the translations to install and the locale for dates and sizes, at
start-up and again when the choice changes in Preferences (no restart).

Installing or removing a QTranslator makes Qt send every widget a LanguageChange event; windows
that build their texts once answer it by setting them again (``MainWindow.changeEvent``).

The locale that formats dates is the system's whenever the chosen language is the system's own:
"English" on an en_GB desktop keeps day-month dates, exactly as "System default" shows them; only
a language the system does not speak brings that language's own formats.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QLibraryInfo, QLocale, QTranslator

from app.core.providers import resources_directory

#: The translators this module installed last (Qt's own strings, then Poplark's).
_installed: list[QTranslator] = []


def format_locale(chosen: str, system: QLocale) -> QLocale:
    """The locale for dates and sizes: ``system`` for "" or the system's own language, else ``chosen``'s."""
    if not chosen:
        return system
    wanted = QLocale(chosen)
    if (wanted.language(), wanted.script()) == (system.language(), system.script()):
        return system
    return wanted


def load_translators(chosen: str, system: QLocale) -> list[QTranslator]:
    """Qt's and Poplark's translators for the chosen language (the system's for ""), those that exist."""
    locale = QLocale(chosen) if chosen else system
    loaded: list[QTranslator] = []
    for name, directory in (("qtbase", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
                            ("poplark", str(resources_directory() / "translations"))):
        translator = QTranslator()
        if translator.load(locale, name, "_", directory):
            loaded.append(translator)
    return loaded


def apply_language(application: QCoreApplication, chosen: str, system: QLocale | None = None) -> list[QTranslator]:
    """Install the translations for ``chosen`` ("" = the system's) in place of the previous ones,
    and make its format locale the default. Returns the translators now installed."""
    system = system if system is not None else QLocale.system()
    while _installed:
        application.removeTranslator(_installed.pop())
    QLocale.setDefault(format_locale(chosen, system))
    for translator in load_translators(chosen, system):
        application.installTranslator(translator)
        _installed.append(translator)
    # Qt announces a translator only while the event loop runs, and none when none came or went
    # (English on an English system) though the date formats may have changed: say it once here.
    QCoreApplication.sendEvent(application, QEvent(QEvent.Type.LanguageChange))
    return list(_installed)


__all__ = ["apply_language", "format_locale", "load_translators"]
