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


# -- SMTP settings (issue 16) ------------------------------------------------------------------------

def test_smtp_settings_round_trip_and_old_profiles_load(store: Store, memory_keyring: MemoryKeyring) -> None:
    from app.core.model import Security, SmtpSettings

    smtp = SmtpSettings(host="smtp.example.com", security=Security.STARTTLS, user="alice@example.com")
    saved = save_account(store, new_account(smtp=smtp), SECRET)
    again = store.account("work")
    assert again.smtp == smtp and again.smtp.effective_port == 587
    assert again.smtp_user == "alice@example.com"
    # The SMTP password is the account's own entry unless set apart.
    assert again.smtp_credential_key == saved.credential_key
    # A row written before sending existed (no "smtp" key) loads as an account that cannot send yet.
    store.query("UPDATE accounts SET settings = ? WHERE id = ?",
                ('{"host": "pop.example.com", "user": "alice", "security": "tls"}', saved.id))
    old = store.account("work")
    assert old.smtp is None and old.smtp_user == "alice"


def test_a_separate_smtp_password_has_its_own_entry(store: Store, memory_keyring: MemoryKeyring) -> None:
    from app.core.accounts import forget_secrets
    from app.core.model import SmtpSettings

    smtp = SmtpSettings(host="smtp.example.com", separate_password=True)
    saved = save_account(store, new_account(smtp=smtp), SECRET, smtp_secret="smtp-secret")
    assert saved.smtp_credential_key != saved.credential_key
    assert memory_keyring.passwords[(credentials.SERVICE_NAME, saved.smtp_credential_key)] == "smtp-secret"
    assert stored(memory_keyring, saved) == SECRET
    # Back to the shared password: the SMTP entry is forgotten.
    shared = dataclasses.replace(saved, smtp=SmtpSettings(host="smtp.example.com"))
    save_account(store, shared, None, previous=saved)
    assert (credentials.SERVICE_NAME, saved.smtp_credential_key) not in memory_keyring.passwords
    forget_secrets(saved)
    assert memory_keyring.passwords == {}
