"""Shared fixtures. Qt is forced offscreen before anything can create a QApplication."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # no display here; see docs/architecture.md, Pitfalls
if not os.environ.get("XDG_RUNTIME_DIR"):
    # CI and containers have no login session: Qt then warns (QStandardPaths) the first time anything
    # asks for the runtime folder, and Qt warnings fail the tests. A private folder, as a session has.
    import tempfile

    os.environ["XDG_RUNTIME_DIR"] = tempfile.mkdtemp(prefix="poplark-test-runtime-")

import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import keyring
import pytest

from app.core.errors import PoplarkError
from app.core.model import Security
from app.core.pop3.client import Pop3Client
from tests.fakes.certs import TestCertificates, make_test_certificates
from tests.fakes.keyrings import FILE_VARIABLE, MemoryKeyring
from tests.fakes.pop3_server import FakePop3Server

REPOSITORY = Path(__file__).resolve().parent.parent
REQUIRE_INTEGRATION = os.environ.get("POPLARK_REQUIRE_DOVECOT") == "1"


def skip_or_fail(reason: str) -> None:
    """Skip locally; in CI (POPLARK_REQUIRE_DOVECOT=1) a missing real part is a failure."""
    if REQUIRE_INTEGRATION:
        pytest.fail(f"{reason} (required because POPLARK_REQUIRE_DOVECOT=1)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> TestCertificates:
    return make_test_certificates(tmp_path_factory.mktemp("certs"))


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def cli_environment(tmp_path: Path) -> dict[str, str]:
    """Environment for running ``poplark`` as a subprocess with a private profile and keyring."""
    environment = dict(os.environ)
    environment["POPLARK_HOME"] = str(tmp_path / "profile")
    environment["PYTHON_KEYRING_BACKEND"] = "tests.fakes.keyrings.FileKeyring"
    environment[FILE_VARIABLE] = str(tmp_path / "test-keyring.json")
    environment["PYTHONPATH"] = str(REPOSITORY) + os.pathsep + environment.get("PYTHONPATH", "")
    return environment


def run_cli(environment: dict[str, str], *arguments: str, input_text: str | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "app", *arguments], env=environment, input=input_text,
                          capture_output=True, text=True, timeout=timeout, cwd=REPOSITORY)


def run_cli_ok(environment: dict[str, str], *arguments: str, input_text: str | None = None,
               timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """:func:`run_cli` for a step that must succeed: fails the test with poplark's own words otherwise."""
    from app.cli import EXIT_OK

    result = run_cli(environment, *arguments, input_text=input_text, timeout=timeout)
    assert result.returncode == EXIT_OK, result.stderr
    return result


@pytest.fixture(scope="session")
def secret_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A real Secret Service: a private D-Bus session bus and an unlocked gnome-keyring-daemon."""
    if not (shutil.which("dbus-daemon") and shutil.which("gnome-keyring-daemon")):
        skip_or_fail("a real keyring needs the dbus and gnome-keyring packages")
    home = tmp_path_factory.mktemp("keyring-home")
    environment = dict(os.environ, HOME=str(home), XDG_DATA_HOME=str(home / "data"),
                       XDG_RUNTIME_DIR=str(home / "run"))
    os.makedirs(environment["XDG_RUNTIME_DIR"], mode=0o700)
    started = subprocess.run(["dbus-daemon", "--session", "--fork", "--nopidfile", "--print-address=1",
                              "--print-pid=1"], env=environment, capture_output=True, text=True,
                             check=True, timeout=30)
    address, bus_pid = started.stdout.split()
    environment["DBUS_SESSION_BUS_ADDRESS"] = address
    subprocess.run(["gnome-keyring-daemon", "--unlock", "--components=secrets"], input="test-password",
                   env=environment, capture_output=True, text=True, check=True, timeout=30)
    names = ("DBUS_SESSION_BUS_ADDRESS", "HOME", "XDG_DATA_HOME", "XDG_RUNTIME_DIR")
    saved = {name: os.environ.get(name) for name in names}
    os.environ.update({name: environment[name] for name in names})
    try:
        yield environment
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        os.kill(int(bus_pid), signal.SIGTERM)  # gnome-keyring-daemon exits with its bus


def error_vocabulary() -> set[type[PoplarkError]]:
    """Every class of app/core/errors.py: the tables of the error tests must cover them all."""
    from app.core import errors

    found: set[type[PoplarkError]] = set()
    pending: list[type[PoplarkError]] = [errors.PoplarkError]
    while pending:
        kind = pending.pop()
        if kind.__module__ == errors.__name__ and kind not in found:
            found.add(kind)
            pending.extend(kind.__subclasses__())
    return found


# -- fake POP3 servers, for the protocol and UI tiers ----------------------------------------------
# One ``serve`` for every module. A module names what a server holds when a test gives no messages
# (``DEFAULT_MESSAGES``) and how it is reached (``DEFAULT_MODE``: "plain", "starttls" or "tls");
# every server is stopped after the test and must have handled its sessions without an error.

ServerFactory = Callable[..., FakePop3Server]


@pytest.fixture
def serve(certificates: TestCertificates, request: pytest.FixtureRequest) -> Iterator[ServerFactory]:
    """Start fake servers; TLS modes get the test CA's certificate unless told otherwise."""
    default_messages: Sequence[bytes] = getattr(request.module, "DEFAULT_MESSAGES", ())
    default_mode: str = getattr(request.module, "DEFAULT_MODE", "plain")
    started: list[FakePop3Server] = []

    def start(messages: Sequence[bytes] | None = None, *, mode: str | None = None, certificate: str = "good",
              **options: Any) -> FakePop3Server:
        chosen_mode = default_mode if mode is None else mode
        context = certificates.server_context(certificate) if chosen_mode != "plain" else None  # type: ignore[arg-type]
        server = FakePop3Server(list(default_messages if messages is None else messages),
                                mode=chosen_mode, ssl_context=context, **options)  # type: ignore[arg-type]
        started.append(server.start())
        return server

    yield start
    for server in started:
        server.stop()
    for server in started:
        assert server.handler_errors == []


def client_for(server: FakePop3Server, certificates: TestCertificates, security: Security = Security.NONE, *,
               host: str = "localhost", timeout: float = 5.0, **options: Any) -> Pop3Client:
    """A client for ``server`` that trusts the test CA (not yet connected)."""
    return Pop3Client(host, server.address[1], security, timeout=timeout, ca_file=str(certificates.ca_pem),
                      **options)
