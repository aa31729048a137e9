"""The accounts table: settings as JSON (never a secret), and the per-account fetch markers."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import time

from app.core.errors import ConfigError
from app.core.model import Account, AuthMethod, LeaveMode, Security, ServerPolicy, SmtpSettings
from app.core.store.search_index import SearchIndexTable


def account_to_json(account: Account) -> str:
    settings = dataclasses.asdict(account)
    settings.pop("id")
    settings.pop("name")
    return json.dumps(settings, sort_keys=True, default=str)


def account_from_row(account_id: int, name: str, settings_json: str) -> Account:
    settings = json.loads(settings_json)
    policy = settings.pop("policy", {})
    smtp = settings.pop("smtp", None)  # absent in profiles from before sending existed
    known = {field.name for field in dataclasses.fields(Account)}
    settings = {key: value for key, value in settings.items() if key in known}
    settings["security"] = Security(settings.get("security", "tls"))
    settings["auth"] = AuthMethod(settings.get("auth", "password"))  # absent before OAuth2
    return Account(
        id=account_id, name=name,
        policy=ServerPolicy(
            leave_mode=LeaveMode(policy.get("leave_mode", "keep")),
            delete_after_days=int(policy.get("delete_after_days", 0)),
            max_message_bytes=policy.get("max_message_bytes")),
        smtp=_smtp_from_json(smtp),
        **settings)


def _smtp_from_json(smtp: object) -> SmtpSettings | None:
    if not isinstance(smtp, dict) or not smtp.get("host"):
        return None
    return SmtpSettings(host=str(smtp["host"]), port=int(smtp.get("port", 0)),
                        security=Security(smtp.get("security", "tls")), user=str(smtp.get("user", "")),
                        separate_password=bool(smtp.get("separate_password", False)))


class AccountTable(SearchIndexTable):
    """Accounts: add, change, list, remove (with their mail and its index rows); when pipelining or
    DELE misbehaved on their server."""

    def add_account(self, account: Account) -> Account:
        try:
            cursor = self.db.execute(
                "INSERT INTO accounts (name, settings, created_at) VALUES (?, ?, ?)",
                (account.name, account_to_json(account), time.time()))
        except sqlite3.IntegrityError as error:
            raise ConfigError(f"an account named {account.name!r} already exists") from error
        except sqlite3.Error as error:
            raise self._failure(error) from error
        assert cursor.lastrowid is not None
        return dataclasses.replace(account, id=cursor.lastrowid)

    def update_account(self, account: Account) -> None:
        if account.id is None:
            raise ConfigError("cannot update an account that was never saved")
        try:
            self.db.execute("UPDATE accounts SET name = ?, settings = ? WHERE id = ?",
                            (account.name, account_to_json(account), account.id))
        except sqlite3.IntegrityError as error:
            raise ConfigError(f"an account named {account.name!r} already exists") from error
        except sqlite3.Error as error:
            raise self._failure(error) from error

    def accounts(self) -> list[Account]:
        rows = self._execute("SELECT id, name, settings FROM accounts ORDER BY name").fetchall()
        return [account_from_row(*row) for row in rows]

    def account(self, name: str) -> Account:
        row = self._execute("SELECT id, name, settings FROM accounts WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise ConfigError(f"there is no account named {name!r} (see 'poplark account list')")
        return account_from_row(*row)

    def remove_account(self, name: str) -> None:
        account = self.account(name)
        self._begin()
        try:
            self._execute("DELETE FROM accounts WHERE id = ?", (account.id,))
            self.purge_search_index()  # its messages went by ON DELETE CASCADE
            self.commit()
        except BaseException:
            self.rollback()
            raise

    def pipelining_broken_at(self, account_id: int) -> float | None:
        row = self._execute("SELECT pipelining_broken_at FROM accounts WHERE id = ?", (account_id,)).fetchone()
        return None if row is None else row[0]

    def set_pipelining_broken_at(self, account_id: int, when: float | None) -> None:
        self._execute("UPDATE accounts SET pipelining_broken_at = ? WHERE id = ?", (when, account_id))

    def dele_ignored_at(self, account_id: int) -> float | None:
        """When we first saw this account's server keep messages it had confirmed deleting."""
        row = self._execute("SELECT dele_ignored_at FROM accounts WHERE id = ?", (account_id,)).fetchone()
        return None if row is None else row[0]

    def set_dele_ignored_at(self, account_id: int, when: float | None) -> None:
        self._execute("UPDATE accounts SET dele_ignored_at = ? WHERE id = ?", (when, account_id))
