"""A real freedesktop notification daemon for the UI tests: a private D-Bus session bus, an Xvfb
display and dunst on it, with a dunst rule that writes every notification it shows (application,
summary, body, urgency) to a file, one a line: what a person would see on the screen.

Needs ``dbus-daemon``, ``Xvfb`` and ``dunst`` (``make test`` installs them: .ci/system-packages.sh).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path
from types import TracebackType

TOOLS = ("dbus-daemon", "dbus-send", "Xvfb", "dunst", "dunstctl")
START_TIMEOUT_SECONDS = 20.0


def missing_tools() -> list[str]:
    return [tool for tool in TOOLS if shutil.which(tool) is None]


class NotificationDaemon:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.log = directory / "notifications.log"
        self.address = ""
        self.environment: dict[str, str] = {}
        self._processes: list[subprocess.Popen[bytes]] = []

    def __enter__(self) -> NotificationDaemon:
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.stop()

    def _start(self) -> None:
        bus = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--print-address=1"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self._processes.append(bus)
        assert bus.stdout is not None
        self.address = bus.stdout.readline().decode().strip()
        assert self.address.startswith("unix:"), "dbus-daemon gave no address"
        read_end, write_end = os.pipe()
        display = subprocess.Popen(["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1024x768x24", "-nolisten",
                                    "tcp"], pass_fds=(write_end,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self._processes.append(display)
        os.close(write_end)
        with os.fdopen(read_end) as pipe:
            number = pipe.readline().strip()
        assert number.isdigit(), "Xvfb gave no display number"
        script = self.directory / "log-notification.sh"
        script.write_text('#!/bin/sh\nprintf \'%s\\t%s\\t%s\\t%s\\n\' "$1" "$2" "$3" "$5" >> "$POPLARK_NOTIFY_LOG"\n')
        script.chmod(0o755)
        config = self.directory / "dunstrc"
        config.write_text(f'[global]\n    font = Monospace 10\n[log_everything]\n    appname = "*"\n'
                          f'    script = {script}\n')
        environment = dict(os.environ, DISPLAY=f":{number}", DBUS_SESSION_BUS_ADDRESS=self.address,
                           POPLARK_NOTIFY_LOG=str(self.log))
        self.environment = environment
        dunst = subprocess.Popen(["dunst", "-config", str(config)], env=environment,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self._processes.append(dunst)
        self._wait_for_name(environment)

    def _wait_for_name(self, environment: dict[str, str]) -> None:
        """Until dunst owns org.freedesktop.Notifications on the bus."""
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            names = subprocess.run(["dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.DBus",
                                    "/org/freedesktop/DBus", "org.freedesktop.DBus.ListNames"],
                                   env=environment, capture_output=True, text=True, timeout=10).stdout
            if "org.freedesktop.Notifications" in names:
                return
            if self._processes[-1].poll() is not None:
                error = self._processes[-1].stderr.read().decode() if self._processes[-1].stderr else ""
                raise AssertionError(f"dunst ended at start: {error}")
            time.sleep(0.05)
        raise AssertionError("dunst did not take org.freedesktop.Notifications")

    def click_first(self) -> None:
        """A click on the notice on top, as a person would (dunst's default action)."""
        subprocess.run(["dunstctl", "action", "0"], env=self.environment, check=True, capture_output=True,
                       timeout=10)

    def seen(self) -> list[tuple[str, ...]]:
        """(application, summary, body, urgency) of every notification shown so far."""
        try:
            return [tuple(line.split("\t")) for line in self.log.read_text(encoding="utf-8").splitlines()]
        except FileNotFoundError:
            return []

    def stop(self) -> None:
        for process in reversed(self._processes):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(10)
        self._processes.clear()
