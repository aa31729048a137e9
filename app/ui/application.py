"""Starting the desktop app: QApplication, translations, the profile's store, the main window."""

from __future__ import annotations

import os
import sys
import time
from typing import TYPE_CHECKING

from app.core.errors import PoplarkError
from app.core.store import Profile, Store

if TYPE_CHECKING:
    from PySide6.QtCore import QLocale, QTranslator
    from PySide6.QtWidgets import QApplication


def create_application() -> QApplication:
    """The QApplication with Poplark's names, which QSettings, the desktop entry's
    StartupWMClass and the Wayland app id rely on. Shared by the app and ``--self-test``."""
    from PySide6.QtWidgets import QApplication

    application = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(application, QApplication)
    application.setApplicationName("Poplark")
    application.setOrganizationName("Poplark")
    application.setDesktopFileName("io.github.poplark.Poplark")
    application.setQuitOnLastWindowClosed(False)  # the tray may keep us alive; quit is explicit
    return application


def run_gui(profile_directory: str | None) -> int:
    from PySide6.QtCore import QLocale, QTimer
    from PySide6.QtWidgets import QMessageBox

    application = create_application()
    translators = _install_translations(application, QLocale())

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


def _install_translations(application: QApplication, locale: QLocale) -> list[QTranslator]:
    """Qt's own strings and Poplark's, for the user's language, when the files exist.

    A language chosen in Preferences (``preferences/language``) overrides ``locale`` (the
    system's); it also becomes the default QLocale, so dates and sizes follow the same choice.
    """
    from PySide6.QtCore import QLibraryInfo, QLocale, QSettings, QTranslator

    from app.core.providers import resources_directory
    from app.ui.dialogs.preferences import saved_language

    chosen = saved_language(QSettings())
    if chosen:
        locale = QLocale(chosen)
        QLocale.setDefault(locale)
    installed: list[QTranslator] = []
    for name, directory in (("qtbase", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
                            ("poplark", str(resources_directory() / "translations"))):
        translator = QTranslator()
        if translator.load(locale, name, "_", directory):
            application.installTranslator(translator)
            installed.append(translator)
    return installed
