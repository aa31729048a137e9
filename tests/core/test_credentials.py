"""Passwords live only in a keyring that keeps them secret; anything else is a clear error."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import keyring
import keyring.backends.fail
import keyring.backends.null
import pytest

from app.core import credentials
from app.core.errors import CredentialsError
from tests.conftest import REPOSITORY, skip_or_fail
from tests.fakes.keyrings import MemoryKeyring


def test_round_trip_through_the_keyring(memory_keyring: MemoryKeyring) -> None:
    credentials.store_password("pop3://alice@pop.example.com:995", "pässwörd-密码")
    assert credentials.load_password("pop3://alice@pop.example.com:995") == "pässwörd-密码"
    assert memory_keyring.passwords == {
        (credentials.SERVICE_NAME, "pop3://alice@pop.example.com:995"): "pässwörd-密码"}
    credentials.delete_password("pop3://alice@pop.example.com:995")
    assert credentials.load_password("pop3://alice@pop.example.com:995") is None
    credentials.delete_password("pop3://alice@pop.example.com:995")  # twice is fine


@pytest.mark.parametrize("backend", [keyring.backends.fail.Keyring, keyring.backends.null.Keyring])
def test_no_secure_backend_is_refused_with_advice(backend: type) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(backend())
    try:
        assert credentials.secure_storage_available() is False
        with pytest.raises(CredentialsError, match="gnome-keyring") as raised:
            credentials.store_password("key", "secret")
        assert "--password-stdin" in str(raised.value)
        with pytest.raises(CredentialsError):
            credentials.load_password("key")
    finally:
        keyring.set_keyring(previous)


def test_keyrings_alt_counts_as_insecure() -> None:
    plaintext = type("PlaintextKeyring", (MemoryKeyring,), {"__module__": "keyrings.alt.file"})
    previous = keyring.get_keyring()
    keyring.set_keyring(plaintext())
    try:
        assert credentials.secure_storage_available() is False
    finally:
        keyring.set_keyring(previous)


def test_real_secret_service_round_trip(secret_service: dict[str, str]) -> None:
    from keyring.backends import SecretService

    previous = keyring.get_keyring()
    try:
        keyring.set_keyring(SecretService.Keyring())
    except Exception as error:  # noqa: BLE001
        skip_or_fail(f"Secret Service not usable here: {error}")
    try:
        assert credentials.secure_storage_available()
        credentials.store_password("pop3://bob@127.0.0.1:995", "s3cr3t-密码")
        assert credentials.load_password("pop3://bob@127.0.0.1:995") == "s3cr3t-密码"
        credentials.delete_password("pop3://bob@127.0.0.1:995")
        assert credentials.load_password("pop3://bob@127.0.0.1:995") is None
    finally:
        keyring.set_keyring(previous)


#: Prints the backend keyring chooses and every backend's verdict, as credentials.py loads keyring
#: (``poplark``) or as keyring alone does (``keyring``).
DETECTION = """
import ctypes.util, json, sys
searched = []
search = ctypes.util.find_library
ctypes.util.find_library = lambda name: searched.append(name) or search(name)
if sys.argv[1] == "poplark":
    from app.core import credentials
    chosen = credentials.backend_name()
import keyring, keyring.backend
if sys.argv[1] == "keyring":
    backend = keyring.get_keyring()
    chosen = f"{type(backend).__module__}.{type(backend).__name__}"
verdicts = {}
for candidate in keyring.backend.get_all_keyring():
    verdicts[type(candidate).__module__] = candidate.priority
print(json.dumps([chosen, verdicts, searched]))
"""


def detect(how: str, environment: dict[str, str]) -> tuple[str, dict[str, float], list[str]]:
    environment = {name: value for name, value in environment.items() if name != "PYTHON_KEYRING_BACKEND"}
    completed = subprocess.run([sys.executable, "-c", DETECTION, how], capture_output=True, text=True, timeout=60,
                               cwd=REPOSITORY, env=environment, check=False)
    assert completed.returncode == 0, completed.stderr
    chosen, verdicts, searched = json.loads(completed.stdout)
    return chosen, verdicts, searched


def test_the_backend_is_the_one_keyring_chooses_without_the_macos_library_search(
        secret_service: dict[str, str]) -> None:
    # credentials.py keeps keyring's macOS backend from searching for the Security framework at
    # import (ldconfig, ~50 ms on Linux): the choice and every backend's verdict stay keyring's own.
    chosen, verdicts, searched = detect("poplark", secret_service)
    keyring_chosen, keyring_verdicts, keyring_searched = detect("keyring", secret_service)
    assert (chosen, verdicts) == (keyring_chosen, keyring_verdicts)
    assert chosen == "keyring.backends.SecretService.Keyring"
    assert "keyring.backends.macOS" not in verdicts  # not viable off macOS, with or without the search
    assert searched == [] and "Security" in keyring_searched


@pytest.fixture
def searched(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[int]:
    """A process where keyring has chosen nothing yet and its search finds ``MemoryKeyring``;
    counts the searches. The credentials module remembers in ``tmp_path / "backend"``."""
    import keyring.backend
    import keyring.core

    searches: list[int] = []

    def search() -> list[keyring.backend.KeyringBackend]:
        searches.append(1)
        return [MemoryKeyring(), keyring.backends.fail.Keyring()]

    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    monkeypatch.setattr(keyring.core, "load_config", lambda: None)  # the user's keyringrc stays out
    monkeypatch.setattr(keyring.core, "_keyring_backend", None)
    monkeypatch.setattr(keyring.backend, "get_all_keyring", search)
    monkeypatch.setattr(credentials, "_remembered_backend", None)
    monkeypatch.setattr(credentials, "_backend_chosen", False)
    return searches


def fresh_process(monkeypatch: pytest.MonkeyPatch, remembered_in: Path) -> None:
    """As the next ``poplark`` run would start: keyring has chosen nothing."""
    import keyring.core

    monkeypatch.setattr(keyring.core, "_keyring_backend", None)
    credentials.remember_backend_in(remembered_in)


def test_the_backend_found_is_remembered_and_used_next_time_without_a_search(
        searched: list[int], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    remembered = tmp_path / "backend"
    fresh_process(monkeypatch, remembered)
    assert credentials.backend_name() == "tests.fakes.keyrings.MemoryKeyring"
    assert searched == [1]
    assert remembered.read_text().strip() == "tests.fakes.keyrings.MemoryKeyring"
    fresh_process(monkeypatch, remembered)
    credentials.store_password("key", "secret")  # the next run: no search
    assert searched == [1]
    assert credentials.backend_name() == "tests.fakes.keyrings.MemoryKeyring"


def test_a_remembered_backend_that_is_gone_means_a_new_search(
        searched: list[int], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    remembered = tmp_path / "backend"
    remembered.write_text("keyrings.uninstalled.Keyring\n")
    fresh_process(monkeypatch, remembered)
    assert credentials.secure_storage_available()
    assert searched == [1]
    assert remembered.read_text().strip() == "tests.fakes.keyrings.MemoryKeyring"


def test_a_backend_no_longer_usable_here_means_a_new_search(
        searched: list[int], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    remembered = tmp_path / "backend"
    remembered.write_text("keyring.backends.fail.Keyring\n")  # its priority refuses to be used
    fresh_process(monkeypatch, remembered)
    assert credentials.backend_name() == "tests.fakes.keyrings.MemoryKeyring"
    assert searched == [1]


def test_an_insecure_backend_found_is_not_remembered(
        searched: list[int], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import keyring.backend

    monkeypatch.setattr(keyring.backend, "get_all_keyring", lambda: [keyring.backends.fail.Keyring()])
    remembered = tmp_path / "backend"
    fresh_process(monkeypatch, remembered)
    assert credentials.secure_storage_available() is False
    assert not remembered.exists()


def test_the_users_own_choice_of_backend_wins_over_the_remembered_one(
        searched: list[int], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    remembered = tmp_path / "backend"
    remembered.write_text("tests.fakes.keyrings.MemoryKeyring\n")
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    fresh_process(monkeypatch, remembered)
    assert credentials.backend_name() == "keyring.backends.null.Keyring"
    assert remembered.read_text().strip() == "tests.fakes.keyrings.MemoryKeyring"
