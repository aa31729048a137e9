"""Desktop notifications: the freedesktop notification service where there is one, else the tray.

Qt sends a notice only through a tray icon (``QSystemTrayIcon.showMessage``), and a desktop
without a tray (GNOME by default, many tiling window managers) then shows nothing at all, though
its notification daemon is running. On Linux and the BSDs the notice therefore goes straight to
``org.freedesktop.Notifications.Notify`` on the session bus (the Desktop Notifications
Specification, 1.2), through jeepney: QtDBus from Python cannot send the ``uint32`` and the empty
``as`` that the method's signature demands, and the daemon refuses any other. One thread of
its own holds the bus connection, so a slow or absent daemon never holds up the window, and
hears the click on a notice (ActionInvoked "default", sent only to the connection that sent the
notice), which shows the window. When there is no session bus, or the call fails, the tray's
own balloon is the fallback. Windows and macOS use the tray.
"""

from __future__ import annotations

import logging
import os
import queue
import sys
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal, Slot

log = logging.getLogger(__name__)

#: The icon name the desktop entry and the icon theme use (packaging/linux).
ICON_NAME = "io.github.poplark.Poplark"
DESKTOP_ENTRY = "io.github.poplark.Poplark"
#: Seconds to wait for the daemon's answer (it answers at once; a hung one must not hold up the rest).
REPLY_TIMEOUT_SECONDS = 5.0
#: How often the bus thread looks for a new notice or a click (seconds).
POLL_SECONDS = 0.2


def session_bus_available() -> bool:
    """Whether this desktop may have a freedesktop notification daemon to ask."""
    if not sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return False
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    return bool(os.environ.get("DBUS_SESSION_BUS_ADDRESS")) or bool(runtime and os.path.exists(f"{runtime}/bus"))


_ADDRESS = ("/org/freedesktop/Notifications", "org.freedesktop.Notifications")


class _BusThread(threading.Thread):
    """One session-bus connection for the life of the app: it sends the notices and hears the
    daemon's ActionInvoked, which the daemon sends only to the connection that sent the notice.
    ``report(what, payload)`` is called from this thread; see :class:`Notifier`."""

    def __init__(self, report: Callable[[str, object], None]) -> None:
        super().__init__(name="notifications", daemon=True)
        self.report = report
        self.requests: queue.Queue[tuple[str, str, int]] = queue.Queue()
        self.stopping = threading.Event()
        self._connection: Any = None
        self._clicks: Any = None

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                request: tuple[str, str, int] | None = self.requests.get(timeout=POLL_SECONDS)
            except queue.Empty:
                request = None
            if request is not None:
                self._send(*request)
            self._hear_clicks()
        self._close()

    def _open(self) -> None:
        from jeepney import MatchRule
        from jeepney.bus_messages import message_bus
        from jeepney.io.blocking import open_dbus_connection

        connection = open_dbus_connection(bus="SESSION")
        rule = MatchRule(type="signal", interface=_ADDRESS[1], path=_ADDRESS[0], member="ActionInvoked")
        connection.send_and_get_reply(message_bus.AddMatch(rule), timeout=REPLY_TIMEOUT_SECONDS)
        self._clicks = connection.filter(rule, bufsize=16)
        self._connection = connection

    def _send(self, title: str, body: str, timeout_ms: int) -> None:
        from jeepney import DBusAddress, new_method_call

        try:
            if self._connection is None:
                self._open()
            address = DBusAddress(_ADDRESS[0], bus_name=_ADDRESS[1], interface=_ADDRESS[1])
            hints = {"desktop-entry": ("s", DESKTOP_ENTRY), "category": ("s", "email.arrived")}
            # "default" is the action of a click on the notice itself: it shows the window.
            actions = ["default", QCoreApplication.translate("MainWindow", "Show Poplark")]
            message = new_method_call(address, "Notify", "susssasa{sv}i",
                                      ("Poplark", 0, ICON_NAME, title, body, actions, hints, timeout_ms))
            reply = self._connection.send_and_get_reply(message, timeout=REPLY_TIMEOUT_SECONDS)
            if reply.header.message_type.name == "error":
                raise OSError(f"the notification service refused: {reply.body}")
            self.report("delivered", int(reply.body[0]))
        except Exception as error:  # noqa: BLE001 - no bus, no daemon, a refusal: the tray takes over
            self._close()
            self.report("failed", (title, body, str(error) or type(error).__name__))

    def _hear_clicks(self) -> None:
        if self._connection is None:
            return
        try:
            while True:
                message = self._connection.recv_until_filtered(self._clicks.queue, timeout=POLL_SECONDS)
                notification_id, action = message.body
                if action == "default":
                    self.report("clicked", int(notification_id))
        except TimeoutError:
            return
        except Exception as error:  # noqa: BLE001 - the bus went away: reconnect at the next notice
            log.info("notification bus closed: %s", error)
            self._close()

    def _close(self) -> None:
        if self._clicks is not None:
            self._clicks.close()
            self._clicks = None
        if self._connection is not None:
            self._connection.close()
            self._connection = None


class Notifier(QObject):
    """Shows notices; ``fallback(title, body)`` is the tray's balloon."""

    #: The daemon took the notice (its id): it is on screen.
    delivered = Signal(int)
    #: The daemon could not be asked, or refused; the fallback was used (the reason).
    failed = Signal(str)
    #: The user clicked one of our notices: show the window.
    clicked = Signal()
    #: From the bus thread to the GUI thread (queued): (what, payload).
    _from_bus = Signal(str, object)

    def __init__(self, fallback: Callable[[str, str], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.fallback = fallback
        self._bus: _BusThread | None = None
        self._ours: set[int] = set()
        self._from_bus.connect(self._bus_event, Qt.ConnectionType.QueuedConnection)

    def notify(self, title: str, body: str, timeout_ms: int) -> None:
        if not session_bus_available():
            self.fallback(title, body)
            return
        if self._bus is None or not self._bus.is_alive():
            self._bus = _BusThread(self._from_bus.emit)
            self._bus.start()
        self._bus.requests.put((title, body, timeout_ms))

    @Slot(str, object)
    def _bus_event(self, what: str, payload: object) -> None:
        if what == "delivered" and isinstance(payload, int):
            self._ours.add(payload)
            self.delivered.emit(payload)
        elif what == "clicked" and payload in self._ours:
            self.clicked.emit()
        elif what == "failed" and isinstance(payload, tuple):
            title, body, reason = payload
            log.info("no notification service (%s); using the tray", reason)
            self.fallback(str(title), str(body))
            self.failed.emit(str(reason))

    def shut_down(self, seconds: float = 2.0) -> None:
        """Stop the bus thread (a notice still being sent gets ``seconds`` to arrive)."""
        if self._bus is not None:
            self._bus.stopping.set()
            self._bus.join(seconds)
            self._bus = None
