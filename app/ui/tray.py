"""The tray icon: its menu, the unread count of the Inboxes and the user's own folders (where rules
file new mail; from the store), new-mail notices
(through the desktop's notification service where there is one: app/ui/notifications.py)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QSystemTrayIcon, QWidget

from app.core.model import Folder
from app.core.store import Store
from app.ui.actions import SOURCE_TEXT
from app.ui.icons import application_icon
from app.ui.notifications import Notifier
from app.ui.store_events import StoreEvents

#: How long a new-mail notice stays (ms).
NOTICE_MS = 8000


class Tray(QSystemTrayIcon):
    """Shown where the desktop has a tray; follows the unread count through StoreEvents."""

    #: The user asked for the window (a click on the icon or "Show Poplark").
    show_requested = Signal()
    #: The unread count of all Inboxes and user folders changed (the window shows it in its title).
    unread_changed = Signal(int)

    def __init__(self, store: Store, events: StoreEvents, get_mail: QAction, quit_action: QAction,
                 parent: QWidget) -> None:
        super().__init__(application_icon(), parent)
        self.store = store
        self.setObjectName("trayIcon")
        self.unread_total = 0
        self.last_notification: tuple[str, int] | None = None
        self.notifier = Notifier(self._balloon, self)
        self.notifier.clicked.connect(self.show_requested)  # a click on a new-mail notice
        menu = QMenu(parent)
        show_action = menu.addAction(QCoreApplication.translate("MainWindow", "Show Poplark"))
        show_action.setObjectName("showPoplarkAction")
        show_action.setProperty(SOURCE_TEXT, "Show Poplark")  # WindowActions.retranslate() renames it
        show_action.triggered.connect(self.show_requested)
        menu.addAction(get_mail)
        menu.addSeparator()
        menu.addAction(quit_action)
        self.setContextMenu(menu)
        self.activated.connect(self._activated)
        events.counts_changed.connect(self.refresh_unread)
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.show()

    @Slot()
    def refresh_unread(self) -> None:
        # Junk, Trash, Sent and Drafts are not waiting to be read; mail the rules filed away is.
        unread = sum(count for (_, folder), count in self.store.unread_counts().items()
                     if folder == Folder.INBOX or folder.startswith("user:"))
        self.unread_total = unread
        self.setToolTip(QCoreApplication.translate("MainWindow", "Poplark: {0} unread").format(unread)
                        if unread else "Poplark")
        self.unread_changed.emit(unread)

    def notify_new_mail(self, account_name: str, count: int) -> None:
        """A notice on the desktop: through its notification service, even without a tray
        (app/ui/notifications.py), else as the tray icon's balloon."""
        self.last_notification = (account_name, count)
        translate = QCoreApplication.translate
        body = (translate("MainWindow", "{0}: 1 new message").format(account_name) if count == 1
                else translate("MainWindow", "{0}: {1} new messages").format(account_name, count))
        self.notifier.notify(translate("MainWindow", "New mail"), body, NOTICE_MS)

    def _balloon(self, title: str, body: str) -> None:
        if self.isVisible():
            self.showMessage(title, body, QSystemTrayIcon.MessageIcon.Information, NOTICE_MS)

    def shut_down(self) -> None:
        """Hide the icon and let a notice still on its way arrive (its thread must end first)."""
        self.hide()
        self.notifier.shut_down()

    @Slot(QSystemTrayIcon.ActivationReason)
    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger, QSystemTrayIcon.ActivationReason.DoubleClick):
            self.show_requested.emit()
