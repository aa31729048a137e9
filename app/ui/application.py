"""Starting the desktop app: QApplication, the main window, the event loop.

Until the full three-pane window lands, this shows the stored messages of the profile in a
read-only list, so a user who fetched with the command line can see their mail.
"""

from __future__ import annotations

import os
import sys

from app.core.store import Profile, Store


def run_gui(profile_directory: str | None) -> int:
    from PySide6.QtWidgets import QApplication

    from app.ui.main_window import MainWindow

    application = QApplication.instance() or QApplication(sys.argv[:1])
    application.setApplicationName("Poplark")
    application.setOrganizationName("Poplark")
    profile = Profile.locate(profile_directory)
    store = Store.open(profile)
    window = MainWindow(store)
    window.show()
    if os.environ.get("POPLARK_QUIT_AFTER_SHOW"):
        # Smoke tests and the start-up benchmark: show, then leave the loop at once.
        from PySide6.QtCore import QTimer

        QTimer.singleShot(0, application.quit)
    try:
        return application.exec()
    finally:
        store.close()
