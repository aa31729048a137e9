"""One window per profile: a second start brings the running Poplark to the front and leaves.

Two windows on one profile would race: both fetching on schedule, both writing one store, two
tray icons. The first instance listens on a local socket (a Unix socket or a Windows named pipe)
whose name is derived from the user and the profile folder; a later start connects, sends
``activate`` and exits 0, and the first shows, raises and activates its window, also when it was
hidden in the tray. Another profile gets another name, so two profiles still run side by side.
On Unix the socket is in the user's private runtime folder (see :func:`server_name`).

A first instance killed with ``kill -9`` leaves its Unix socket file behind. Listening then fails
with "address in use"; if nobody answers a connection on that name, the file is stale and is
removed (``QLocalServer.removeServer``) before listening again.
"""

from __future__ import annotations

import getpass
import hashlib
import os
import sys
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, Signal, Slot
from PySide6.QtNetwork import QAbstractSocket, QLocalServer, QLocalSocket

#: What a second instance sends; anything else on the socket is ignored.
ACTIVATE_MESSAGE = b"activate\n"
#: Local sockets answer in microseconds; a first instance too busy to accept within this long is
#: treated as absent (its window would not come to the front anyway).
CONNECT_TIMEOUT_MILLISECONDS = 1000
WRITE_TIMEOUT_MILLISECONDS = 1000
#: One line only; a peer that sends more is not Poplark.
MAXIMUM_MESSAGE_OCTETS = 64


def server_name(profile_directory: Path) -> str:
    """The local socket's name, the same for every start on this profile by this user.

    On Unix a path in the user's private runtime folder (``$XDG_RUNTIME_DIR``, or the one Qt
    makes with mode 0700): a bare name would put the socket in the shared temporary folder, where
    another user could bind it first and make every start "activate" the stranger and quit.
    """
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no user name in the environment or the password database
        user = ""
    key = f"{user}\0{profile_directory.expanduser().resolve()}"
    # Short: a Unix socket path must fit in about 100 bytes, folder included.
    name = "poplark-" + hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:24]
    if sys.platform == "win32":
        return name  # a named pipe: no folder
    runtime = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.RuntimeLocation)
    if runtime and len(os.fsencode(runtime)) < 60:
        return str(Path(runtime) / name)
    return name  # no usable private folder (Qt has warned): the shared one, as before


def activate_running_instance(name: str) -> bool:
    """Ask the instance listening on ``name`` to come to the front; True when it got the message."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(CONNECT_TIMEOUT_MILLISECONDS):
        return False
    socket.write(ACTIVATE_MESSAGE)
    delivered = socket.waitForBytesWritten(WRITE_TIMEOUT_MILLISECONDS)
    socket.disconnectFromServer()
    if socket.state() != QLocalSocket.LocalSocketState.UnconnectedState:
        socket.waitForDisconnected(WRITE_TIMEOUT_MILLISECONDS)
    return delivered


class SingleInstance(QObject):
    """The first instance's listening end. Emits :attr:`activation_requested` on the GUI thread."""

    activation_requested = Signal()

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        # No access options: with them Qt binds elsewhere and renames over the name, replacing a
        # live first instance's socket instead of failing with "address in use". A stranger who
        # connects can only bring the window forward.
        self.server = QLocalServer(self)
        self.server.newConnection.connect(self._accept)
        self._clients: list[QLocalSocket] = []
        #: Set when :meth:`listen` found a live instance on the name (and brought it forward):
        #: this start lost a race and should leave.
        self.another_instance_answered = False

    def listen(self) -> bool:
        """Start listening; clear a stale socket left by a crashed instance. False when impossible."""
        if self.server.listen(self.name):
            return True
        if self.server.serverError() != QAbstractSocket.SocketError.AddressInUseError:
            return False
        if activate_running_instance(self.name):
            self.another_instance_answered = True
            return False  # someone else is alive there after all (a start racing ours)
        QLocalServer.removeServer(self.name)
        return self.server.listen(self.name)

    def close(self) -> None:
        self.server.close()

    @Slot()
    def _accept(self) -> None:
        while self.server.hasPendingConnections():
            client = self.server.nextPendingConnection()
            self._clients.append(client)
            client.readyRead.connect(self._read)
            client.disconnected.connect(self._forget)
            if client.bytesAvailable():
                self._read_from(client)

    @Slot()
    def _read(self) -> None:
        client = self.sender()
        if isinstance(client, QLocalSocket):
            self._read_from(client)

    def _read_from(self, client: QLocalSocket) -> None:
        while client.canReadLine():
            line = bytes(client.readLine(MAXIMUM_MESSAGE_OCTETS).data())
            if line == ACTIVATE_MESSAGE:
                self.activation_requested.emit()
        if client.bytesAvailable() >= MAXIMUM_MESSAGE_OCTETS:
            client.abort()

    @Slot()
    def _forget(self) -> None:
        client = self.sender()
        if isinstance(client, QLocalSocket) and client in self._clients:
            # Drain what came with the disconnect: a quick second instance writes and leaves.
            self._read_from(client)
            self._clients.remove(client)
            client.deleteLater()


__all__ = ["SingleInstance", "activate_running_instance", "server_name"]
