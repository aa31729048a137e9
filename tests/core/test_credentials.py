"""Passwords live only in a keyring that keeps them secret; anything else is a clear error."""

from __future__ import annotations

import keyring
import keyring.backends.fail
import keyring.backends.null
import pytest

from app.core import credentials
from app.core.errors import CredentialsError
from tests.conftest import skip_or_fail
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
