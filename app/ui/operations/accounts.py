"""Removing an account: its settings, its mail on this computer and its stored passwords.

The store deletes the account's row, and with it (``ON DELETE CASCADE``) every message of the
account in every folder, their raw bytes and the account's record of server UIDLs, then purges
the search index. Nothing is sent to the server: mail still there stays there (and is downloaded
again if the account is added back, since the UIDL record is gone). Its passwords leave the
system keyring. For a big account the deletion takes seconds and the keyring may wait on D-Bus,
so it always runs in the background (docs/architecture.md, invariant 7).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication

from app.core import credentials
from app.core.errors import CredentialsError
from app.core.model import Account
from app.core.store import Store
from app.ui.operations.runner import ALWAYS_IN_BACKGROUND, OperationRunner
from app.ui.store_events import Change, MessageChange


@dataclass(frozen=True)
class RemovedAccount:
    """The outcome of a removal: the store part always succeeded when this exists."""

    account: Account
    #: Why the keyring kept a password ("" when every stored password is gone).
    keyring_problem: str = ""


def credential_keys(account: Account) -> list[str]:
    """Every keyring entry the account has (a new kind of secret adds its key here)."""
    keys = [account.credential_key]
    if account.smtp_credential_key not in keys:
        keys.append(account.smtp_credential_key)  # an SMTP password kept apart
    return keys


def remove_account(runner: OperationRunner, account: Account, *,
                   done: Callable[[RemovedAccount], None]) -> None:
    """Remove ``account`` from the store, then its passwords from the keyring; ``done(outcome)``."""

    def work(store: Store) -> RemovedAccount:
        store.remove_account(account.name)
        try:
            for key in credential_keys(account):
                credentials.delete_password(key)
        except CredentialsError as error:
            # The mail is gone already; the user is told the keyring entry is left.
            return RemovedAccount(account, str(error))
        return RemovedAccount(account)

    runner.run(work, rows=ALWAYS_IN_BACKGROUND, done=done,
               failure_title=QCoreApplication.translate("MainWindow", "Remove Account"),
               # Its messages left every list that showed them (the unified Inbox too).
               announce=lambda outcome: MessageChange(Change.DELETED, None))


__all__ = ["RemovedAccount", "credential_keys", "remove_account"]
