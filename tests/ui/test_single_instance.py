"""One window per profile: a second start activates the first, also after a crash left a socket.

In-process tests drive :class:`SingleInstance` with a real QLocalServer; the process tests start
the real entry point twice (through tests/ui/gui_driver.py, which reports to a marker file).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtNetwork import QLocalServer
from pytestqt.qtbot import QtBot

from app.ui.single_instance import SingleInstance, activate_running_instance, server_name
from tests.conftest import REPOSITORY

START_TIMEOUT_SECONDS = 60.0
SECOND_INSTANCE_TIMEOUT_SECONDS = 30.0
POLL_SECONDS = 0.05


@pytest.fixture
def name(tmp_path: Path) -> str:
    return server_name(tmp_path / "profile")


def test_the_name_depends_on_the_profile_and_fits_a_socket_path(tmp_path: Path) -> None:
    first = server_name(tmp_path / "one")
    assert first == server_name(tmp_path / "one")
    assert first == server_name(tmp_path / "two" / ".." / "one")
    assert first != server_name(tmp_path / "two")
    server = QLocalServer()
    assert server.listen(first)
    try:
        assert len(os.fsencode(server.fullServerName())) < 100  # sun_path holds 104 to 108 bytes
    finally:
        server.close()


@pytest.mark.skipif(sys.platform == "win32", reason="a Unix socket file in a folder")
def test_the_socket_lives_where_other_users_cannot_reach_it(qapp: object, tmp_path: Path) -> None:
    # In the shared temporary folder another user could bind the name first (it is easy to
    # compute): every start would then "activate" the stranger and quit, and Poplark never opens.
    server = QLocalServer()
    assert server.listen(server_name(tmp_path / "profile"))
    try:
        folder = os.stat(Path(server.fullServerName()).parent)
    finally:
        server.close()
    assert folder.st_uid == os.getuid()
    assert folder.st_mode & 0o077 == 0


def test_a_second_instance_activates_the_first(qtbot: QtBot, name: str) -> None:
    first = SingleInstance(name)
    assert first.listen()
    try:
        with qtbot.waitSignal(first.activation_requested, timeout=5000):
            assert activate_running_instance(name)
    finally:
        first.close()


def test_without_a_first_instance_nobody_is_activated(qapp: object, name: str) -> None:
    assert not activate_running_instance(name)


def test_other_bytes_on_the_socket_activate_nothing(qtbot: QtBot, name: str) -> None:
    from PySide6.QtNetwork import QLocalSocket

    first = SingleInstance(name)
    assert first.listen()
    activations: list[bool] = []
    first.activation_requested.connect(lambda: activations.append(True))
    try:
        stranger = QLocalSocket()
        stranger.connectToServer(name)
        assert stranger.waitForConnected(1000)
        stranger.write(b"x" * 200)
        assert stranger.waitForBytesWritten(1000)
        qtbot.waitUntil(lambda: stranger.state() == QLocalSocket.LocalSocketState.UnconnectedState, timeout=5000)
        # Then a real request on a new connection still works, and is the only activation.
        with qtbot.waitSignal(first.activation_requested, timeout=5000):
            assert activate_running_instance(name)
        assert activations == [True]
    finally:
        first.close()


@pytest.mark.skipif(sys.platform == "win32", reason="a stale socket file is a Unix matter")
def test_a_stale_socket_left_by_a_crash_is_replaced(qtbot: QtBot, name: str) -> None:
    # What kill -9 leaves: the socket file of a server that no longer exists.
    probe = QLocalServer()
    assert probe.listen(name)
    path = probe.fullServerName()
    probe.close()  # removes the file; put a dead one in its place, as a crash would leave it
    dead = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    dead.bind(path)
    dead.close()
    assert os.path.exists(path)
    assert not activate_running_instance(name)
    first = SingleInstance(name)
    assert first.listen()
    try:
        with qtbot.waitSignal(first.activation_requested, timeout=5000):
            assert activate_running_instance(name)
    finally:
        first.close()


def test_a_live_instance_is_not_replaced(qtbot: QtBot, name: str) -> None:
    first = SingleInstance(name)
    assert first.listen()
    racer = SingleInstance(name)
    try:
        with qtbot.waitSignal(first.activation_requested, timeout=5000):
            assert not racer.listen()  # it finds the first alive and asks it to come forward
    finally:
        racer.close()
        first.close()


# -- two real processes -----------------------------------------------------------------------------

class GuiProcess:
    """``poplark`` (the real entry point through gui_driver) with a marker file to read."""

    def __init__(self, environment: dict[str, str], marker: Path, profile: Path) -> None:
        self.marker = marker
        self.profile = profile
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.ui.gui_driver", "--profile", str(profile)],
            env=dict(environment, POPLARK_TEST_MARKER=str(marker)), cwd=REPOSITORY,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def lines(self) -> list[str]:
        return self.marker.read_text(encoding="utf-8").splitlines() if self.marker.exists() else []

    def wait_for(self, condition: Callable[[list[str]], bool], timeout: float) -> list[str]:
        deadline = time.monotonic() + timeout
        pause = threading.Event()
        while not condition(self.lines()):
            if self.process.poll() is not None:
                pytest.fail(f"the app ended early: {self.stop()}")
            assert time.monotonic() < deadline, f"timed out; marker says {self.lines()}"
            pause.wait(POLL_SECONDS)
        return self.lines()

    def stop(self, sig: int = signal.SIGTERM) -> str:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        _, stderr = self.process.communicate(timeout=30)
        return stderr.decode("utf-8", "replace")


@pytest.fixture
def gui_environment(tmp_path: Path) -> dict[str, str]:
    environment = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "config"),
                       PYTHON_KEYRING_BACKEND="tests.fakes.keyrings.FileKeyring")
    environment["PYTHONPATH"] = str(REPOSITORY) + os.pathsep + environment.get("PYTHONPATH", "")
    environment.pop("POPLARK_QUIT_AFTER_SHOW", None)
    return environment


@pytest.fixture
def started() -> Iterator[list[GuiProcess]]:
    processes: list[GuiProcess] = []
    yield processes
    for process in processes:
        process.stop(signal.SIGKILL)
        QLocalServer.removeServer(server_name(process.profile))  # what the kill left in the temp folder


def run_second_instance(environment: dict[str, str], profile: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "app", "--profile", str(profile)], env=environment,
                          cwd=REPOSITORY, capture_output=True, text=True, timeout=SECOND_INSTANCE_TIMEOUT_SECONDS)


def test_a_second_process_brings_the_hidden_first_window_forward_and_exits(
        gui_environment: dict[str, str], tmp_path: Path, started: list[GuiProcess]) -> None:
    profile = tmp_path / "profile"
    first = GuiProcess(dict(gui_environment, POPLARK_TEST_HIDE="1"), tmp_path / "first.txt", profile)
    started.append(first)
    first.wait_for(lambda lines: "listening" in lines, START_TIMEOUT_SECONDS)

    second = run_second_instance(gui_environment, profile)

    assert second.returncode == 0, second.stderr
    assert first.wait_for(lambda lines: any(line.startswith("activated") for line in lines),
                          START_TIMEOUT_SECONDS)[-1] == "activated visible=1"
    # Another profile is another instance: it starts its own window.
    other = GuiProcess(gui_environment, tmp_path / "other.txt", tmp_path / "other-profile")
    started.append(other)
    assert other.wait_for(lambda lines: bool(lines), START_TIMEOUT_SECONDS) == ["listening"]
    assert first.process.poll() is None


def test_a_start_that_loses_the_race_leaves_instead_of_running_a_second_window(
        gui_environment: dict[str, str], tmp_path: Path, started: list[GuiProcess]) -> None:
    # Two starts at once: the second's first check comes before the first listens; when the
    # second then finds the name taken by a live instance, it must bring that one forward and go.
    profile = tmp_path / "profile"
    first = GuiProcess(dict(gui_environment, POPLARK_TEST_HIDE="1"), tmp_path / "first.txt", profile)
    started.append(first)
    first.wait_for(lambda lines: "listening" in lines, START_TIMEOUT_SECONDS)

    late = GuiProcess(dict(gui_environment, POPLARK_TEST_FIRST_CHECK_MISSES="1"), tmp_path / "late.txt", profile)
    started.append(late)
    try:
        returncode = late.process.wait(timeout=SECOND_INSTANCE_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the late start kept running beside the first: {late.lines()}")
    assert returncode == 0, late.stop()
    assert late.lines() == ["not-listening"]
    first.wait_for(lambda lines: any(line.startswith("activated") for line in lines), START_TIMEOUT_SECONDS)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is a POSIX signal")
def test_after_a_crash_the_next_start_takes_over_the_stale_socket(
        gui_environment: dict[str, str], tmp_path: Path, started: list[GuiProcess]) -> None:
    profile = tmp_path / "profile"
    crashed = GuiProcess(gui_environment, tmp_path / "crashed.txt", profile)
    started.append(crashed)
    crashed.wait_for(lambda lines: "listening" in lines, START_TIMEOUT_SECONDS)
    crashed.stop(signal.SIGKILL)

    successor = GuiProcess(gui_environment, tmp_path / "successor.txt", profile)
    started.append(successor)
    assert successor.wait_for(lambda lines: bool(lines), START_TIMEOUT_SECONDS) == ["listening"]
    second = run_second_instance(gui_environment, profile)
    assert second.returncode == 0, second.stderr
    successor.wait_for(lambda lines: any(line.startswith("activated") for line in lines), START_TIMEOUT_SECONDS)
