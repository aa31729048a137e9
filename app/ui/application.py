"""Starting the desktop app: QApplication, translations, the profile's store, the main window."""

from __future__ import annotations

import os
import sys
import time
from typing import TYPE_CHECKING

from app.core import credentials
from app.core.errors import StoreError
from app.core.store import Profile, Store

if TYPE_CHECKING:
    from PySide6.QtCore import QLocale, QTranslator
    from PySide6.QtWidgets import QApplication


def create_application() -> QApplication:
    """The QApplication with Poplark's names, which QSettings, the desktop entry's
    StartupWMClass and the Wayland app id rely on. Shared by the app and ``--self-test``."""
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is None:
        # As root, QtWebEngine needs its sandbox off or the first HTML message ends the process:
        # decided here, before anything of QtWebEngine starts.
        from app.ui.webengine_sandbox import prepare_webengine

        prepare_webengine()
        # The HTML viewer's URL scheme: QtWebEngine accepts it only before the QApplication exists.
        from app.ui.widgets.mail_scheme import register_url_scheme

        register_url_scheme()
    application = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(application, QApplication)
    application.setApplicationName("Poplark")
    application.setOrganizationName("Poplark")
    application.setDesktopFileName("io.github.poplark.Poplark")
    application.setQuitOnLastWindowClosed(False)  # the tray may keep us alive; quit is explicit
    return application


def run_gui(profile_directory: str | None) -> int:
    from PySide6.QtCore import QLocale, QTimer

    from app.ui.single_instance import SingleInstance, activate_running_instance, server_name

    application = create_application()
    profile = Profile.locate(profile_directory)
    # The keyring backend the command line uses too (app.core.credentials): the same passwords.
    credentials.remember_backend_in(profile.keyring_backend_path)
    # A second start on this profile brings the first window forward instead of racing it.
    instance_name = server_name(profile.directory)
    if activate_running_instance(instance_name):
        return 0
    translators = _install_translations(application, QLocale())

    from app.ui.icons import application_icon
    from app.ui.main_window import MainWindow

    application.setWindowIcon(application_icon())
    store = _open_store(profile)
    if store is None:
        return 1
    window = MainWindow(store, profile, quit_application_on_close=True)
    instance = SingleInstance(instance_name, window)
    instance.activation_requested.connect(window.show_from_tray)
    if not instance.listen() and instance.another_instance_answered:
        # Another start began listening after our first check: it has come forward, we leave.
        window.close_for_good()
        store.close()
        return 0
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


def _open_store(profile: Profile) -> Store | None:
    """The profile's store, or None after telling the user why not (a dialog, never a traceback).

    A damaged file was moved aside by the store (see app/core/store/recovery.py): say so, then go
    on with a new, empty store.
    """
    from PySide6.QtWidgets import QMessageBox

    from app.core.store.recovery import StoreMovedAside
    from app.ui.errors import store_open_message

    try:
        return Store.open(profile)
    except StoreError as error:
        message = store_open_message(error)
        if not isinstance(error, StoreMovedAside):
            QMessageBox.critical(None, message.title, message.text)
            return None
        QMessageBox.warning(None, message.title, message.text)
    try:
        return Store.open(profile)
    except StoreError as error:
        message = store_open_message(error)
        QMessageBox.critical(None, message.title, message.text)
        return None


def _install_translations(application: QApplication, locale: QLocale) -> list[QTranslator]:
    """Qt's own strings and Poplark's for the language chosen in Preferences
    (``preferences/language``; "" follows ``locale``, the system's), and the default QLocale for
    dates and sizes (see app/ui/language.py, which Preferences also uses to switch live)."""
    from PySide6.QtCore import QSettings

    from app.ui.dialogs.preferences import saved_language
    from app.ui.language import apply_language

    return apply_language(application, saved_language(QSettings()), locale)
