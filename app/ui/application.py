"""Starting the desktop app: QApplication, translations, the profile's store, the main window."""

from __future__ import annotations

import os
import sys
import time

from app.core.errors import PoplarkError
from app.core.store import Profile, Store


def run_gui(profile_directory: str | None) -> int:
    from PySide6.QtCore import QLocale, QTimer, QTranslator
    from PySide6.QtWidgets import QApplication, QMessageBox

    application = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(application, QApplication)
    application.setApplicationName("Poplark")
    application.setOrganizationName("Poplark")
    application.setDesktopFileName("io.github.poplark.Poplark")
    application.setQuitOnLastWindowClosed(False)  # the tray may keep us alive; quit is explicit
    translators = _install_translations(application, QLocale(), QTranslator)

    from app.ui.icons import application_icon
    from app.ui.main_window import MainWindow

    application.setWindowIcon(application_icon())
    profile = Profile.locate(profile_directory)
    try:
        store = Store.open(profile)
    except PoplarkError as error:
        QMessageBox.critical(None, "Poplark", application.translate(
            "application", "Poplark cannot open its mail store:\n{0}").format(error))
        return 1
    window = MainWindow(store, profile, quit_application_on_close=True)
    window.show()
    if os.environ.get("POPLARK_QUIT_AFTER_SHOW"):
        # Smoke tests and the start-up benchmark: show, say when the window was usable (the
        # first turn of the event loop after show), then leave; no start-up mail check.
        def shown_then_quit() -> None:
            try:
                print(f"poplark-window-shown-at {time.time():.6f}", file=sys.stderr, flush=True)
            finally:
                window.quit()

        QTimer.singleShot(0, shown_then_quit)
    else:
        window.start()
    try:
        return application.exec()
    finally:
        window.close_for_good()
        store.close()
        del translators


def _install_translations(application: object, locale: object, translator_class: type) -> list[object]:
    """Qt's own strings and Poplark's, for the user's language, when the files exist.

    A language chosen in Preferences (``preferences/language``) overrides ``locale`` (the
    system's); it also becomes the default QLocale, so dates and sizes follow the same choice.
    """
    from PySide6.QtCore import QLibraryInfo, QLocale, QSettings

    from app.core.providers import resources_directory
    from app.ui.dialogs.preferences import saved_language

    assert isinstance(locale, QLocale)
    chosen = saved_language(QSettings())
    if chosen:
        locale = QLocale(chosen)
        QLocale.setDefault(locale)
    installed: list[object] = []
    qt_translator = translator_class()
    if qt_translator.load(locale, "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        application.installTranslator(qt_translator)  # type: ignore[attr-defined]
        installed.append(qt_translator)
    own = translator_class()
    if own.load(locale, "poplark", "_", str(resources_directory() / "translations")):
        application.installTranslator(own)  # type: ignore[attr-defined]
        installed.append(own)
    return installed
