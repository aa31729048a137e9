"""Desktop notifications: the freedesktop notification service where there is one, else the tray.

Qt sends a notice only through a tray icon (``QSystemTrayIcon.showMessage``), and a desktop
without a tray (GNOME by default, many tiling window managers) then shows nothing at all, though
its notification daemon is running. On Linux and the BSDs the notice therefore goes straight to
``org.freedesktop.Notifications.Notify`` on the session bus (the Desktop Notifications
Specification, 1.2), through jeepney: QtDBus from Python cannot send the ``uint32`` and the empty
``as`` that the method's signature demands, and the daemon refuses any other. The call runs in a
background job, so a slow or absent daemon never holds up the window; when there is no session
bus, or the call fails, the tray's own balloon is the fallback. Windows and macOS use the tray.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, Slot

from app.ui.workers.background import BackgroundJob, ProgressCallback

log = logging.getLogger(__name__)

#: The icon name the desktop entry and the icon theme use (packaging/linux).
ICON_NAME = "io.github.poplark.Poplark"
DESKTOP_ENTRY = "io.github.poplark.Poplark"
#: Seconds to wait for the daemon's answer (it answers at once; a hung one must not pile up jobs).
REPLY_TIMEOUT_SECONDS = 5.0


def session_bus_available() -> bool:
    """Whether this desktop may have a freedesktop notification daemon to ask."""
    if not sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return False
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    return bool(os.environ.get("DBUS_SESSION_BUS_ADDRESS")) or bool(runtime and os.path.exists(f"{runtime}/bus"))


def send_notification(title: str, body: str, timeout_ms: int) -> int:
    """Ask the session's notification daemon to show a notice; its id. Blocks: run it in a job."""
    from jeepney import DBusAddress, new_method_call
    from jeepney.io.blocking import open_dbus_connection

    address = DBusAddress("/org/freedesktop/Notifications", bus_name="org.freedesktop.Notifications",
                          interface="org.freedesktop.Notifications")
    hints = {"desktop-entry": ("s", DESKTOP_ENTRY), "category": ("s", "email.arrived")}
    message = new_method_call(address, "Notify", "susssasa{sv}i",
                              ("Poplark", 0, ICON_NAME, title, body, [], hints, timeout_ms))
    with open_dbus_connection(bus="SESSION") as connection:
        reply = connection.send_and_get_reply(message, timeout=REPLY_TIMEOUT_SECONDS)
    if reply.header.message_type.name == "error":
        raise OSError(f"the notification service refused: {reply.body}")
    return int(reply.body[0])


class Notifier(QObject):
    """Shows notices; ``fallback(title, body)`` is the tray's balloon."""

    #: The daemon took the notice (its id): it is on screen.
    delivered = Signal(int)
    #: The daemon could not be asked, or refused; the fallback was used (the reason).
    failed = Signal(str)

    def __init__(self, fallback: Callable[[str, str], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.fallback = fallback
        self._jobs: set[BackgroundJob] = set()
        self._pending: dict[BackgroundJob, tuple[str, str]] = {}  # each job's notice, for the fallback

    def notify(self, title: str, body: str, timeout_ms: int) -> None:
        if not session_bus_available():
            self.fallback(title, body)
            return

        def send(_report: ProgressCallback) -> int:
            return send_notification(title, body, timeout_ms)

        job = BackgroundJob(send)  # no parent: only the set below ends its life, after its thread
        job.succeeded.connect(self._delivered)
        self._pending[job] = (title, body)
        job.failed.connect(self._failed)
        job.finished.connect(self._ended)
        self._jobs.add(job)
        job.start()

    @Slot(object)
    def _delivered(self, notification_id: object) -> None:
        self.delivered.emit(int(str(notification_id)))

    @Slot(object)
    def _failed(self, error: object) -> None:
        job = self.sender()
        title, body = self._pending.get(job, ("", "")) if isinstance(job, BackgroundJob) else ("", "")
        log.info("no notification service (%s); using the tray", error)
        if title:
            self.fallback(title, body)
        self.failed.emit(str(error))

    @Slot()
    def _ended(self) -> None:
        job = self.sender()
        if isinstance(job, BackgroundJob):
            self._jobs.discard(job)
            self._pending.pop(job, None)

    def wait_for_jobs(self, milliseconds: int = 5000) -> None:
        for job in list(self._jobs):
            job.wait(milliseconds)
