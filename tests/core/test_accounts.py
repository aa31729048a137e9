"""Saving an account with its secret is one step: a keyring failure leaves the store as it was."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backends.fail
import keyring.errors
import pytest

from app.core import credentials
from app.core.accounts import save_account
from app.core.errors import ConfigError, CredentialsError, NoSecureStorage
from app.core.model import Account
from app.core.store import Store
from tests.fakes.keyrings import MemoryKeyring

SECRET = "Sekret-密码-42"


class RefusingKeyring(MemoryKeyring):
    """A secure keyring that is locked: every change is refused, as a real one does when locked."""

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.PasswordSetError("the collection is locked")

    def delete_password(self, service: str, username: str) -> None:
        raise keyring.errors.KeyringError("the collection is locked")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store(tmp_path / "poplark.sqlite3")
    yield opened
    opened.close()


@pytest.fixture
def refusing_keyring() -> Iterator[RefusingKeyring]:
    previous = keyring.get_keyring()
    backend = RefusingKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def new_account(**changes: object) -> Account:
    return dataclasses.replace(Account(name="work", host="pop.example.com", user="alice"), **changes)  # type: ignore[arg-type]


def stored(memory_keyring: MemoryKeyring, account: Account) -> str | None:
    return memory_keyring.passwords.get((credentials.SERVICE_NAME, account.credential_key))


def test_a_new_account_is_saved_with_its_secret(store: Store, memory_keyring: MemoryKeyring) -> None:
    saved = save_account(store, new_account(), SECRET)
    assert saved.id is not None
    assert store.account("work") == saved
    assert stored(memory_keyring, saved) == SECRET


def test_a_new_account_that_does_not_remember_stores_no_secret(store: Store,
                                                                memory_keyring: MemoryKeyring) -> None:
    saved = save_account(store, new_account(remember_password=False), SECRET)
    assert store.account("work") == saved
    assert memory_keyring.passwords == {}


def test_a_new_account_that_remembers_needs_a_secret(store: Store, memory_keyring: MemoryKeyring) -> None:
    with pytest.raises(ConfigError):
        save_account(store, new_account(), "")
    assert store.accounts() == []


def test_a_refused_secret_leaves_no_new_account_behind(store: Store, refusing_keyring: RefusingKeyring) -> None:
    with pytest.raises(CredentialsError, match="refused"):
        save_account(store, new_account(), SECRET)
    assert store.accounts() == []
    assert refusing_keyring.passwords == {}


def test_without_secure_storage_a_new_account_is_not_saved(store: Store) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    try:
        with pytest.raises(NoSecureStorage):
            save_account(store, new_account(), SECRET)
    finally:
        keyring.set_keyring(previous)
    assert store.accounts() == []


def test_a_store_error_reaches_the_keyring_never(store: Store, memory_keyring: MemoryKeyring) -> None:
    save_account(store, new_account(), SECRET)
    with pytest.raises(ConfigError, match="already exists"):
        save_account(store, new_account(host="pop.other.example"), "another secret")
    assert len(memory_keyring.passwords) == 1


def test_editing_with_a_new_secret_replaces_the_stored_one(store: Store, memory_keyring: MemoryKeyring) -> None:
    saved = save_account(store, new_account(), SECRET)
    edited = dataclasses.replace(saved, host="pop2.example.com")
    assert save_account(store, edited, "new secret", previous=saved) == edited
    assert store.account("work") == edited
    assert stored(memory_keyring, saved) == "new secret"


def test_editing_without_a_secret_keeps_the_stored_one(store: Store, memory_keyring: MemoryKeyring) -> None:
    saved = save_account(store, new_account(), SECRET)
    edited = dataclasses.replace(saved, name="renamed")
    save_account(store, edited, None, previous=saved)
    assert store.account("renamed") == edited
    assert stored(memory_keyring, edited) == SECRET  # keyed by id: a rename keeps the secret


def test_editing_to_stop_remembering_forgets_the_secret(store: Store, memory_keyring: MemoryKeyring) -> None:
    saved = save_account(store, new_account(), SECRET)
    save_account(store, dataclasses.replace(saved, remember_password=False), None, previous=saved)
    assert memory_keyring.passwords == {}


def test_a_refused_secret_keeps_the_edited_account_as_it_was(store: Store, memory_keyring: MemoryKeyring) -> None:
    saved = save_account(store, new_account(), SECRET)
    locked = RefusingKeyring()
    locked.passwords = memory_keyring.passwords  # the same entries, now locked
    keyring.set_keyring(locked)  # the memory_keyring fixture restores the previous backend
    edited = dataclasses.replace(saved, host="pop2.example.com")
    with pytest.raises(CredentialsError):
        save_account(store, edited, "new secret", previous=saved)
    assert store.account("work") == saved
    with pytest.raises(CredentialsError):
        save_account(store, dataclasses.replace(saved, remember_password=False), None, previous=saved)
    assert store.account("work") == saved
    assert stored(memory_keyring, saved) == SECRET
