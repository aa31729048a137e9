"""Saving an account together with its secret, as one step that is undone when half of it fails.

An account lives in two places: its settings in the store (SQLite) and its secret in the system
keyring (through :mod:`app.core.credentials`, never in SQLite). The GUI's account dialog and
``poplark account add`` both save through :func:`save_account`, so the rule is written once:

* the row is written first, because the store checks the settings (a duplicate name, say) before
  anything reaches the keyring;
* then the secret; when the keyring refuses (locked, no secure storage), the row is put back as it
  was: a new account is removed again, an edited account gets its previous settings back. No account
  is left behind whose secret was never stored.

A secret is a password today; an OAuth2 token will be kept the same way, under the same keyring key
(:attr:`Account.credential_key`).
"""

from __future__ import annotations

from app.core import credentials
from app.core.errors import ConfigError
from app.core.model import Account, AuthMethod
from app.core.store import Store


def save_account(store: Store, account: Account, secret: str | None, *,
                 previous: Account | None = None, smtp_secret: str | None = None) -> Account:
    """Save ``account`` (new when ``previous`` is None) and keep ``secret`` if it is to be remembered.

    ``secret`` is stored when ``account.remember_password`` is set and a secret is given; None (or
    empty) keeps whatever the keyring holds already. An edited account that stops remembering loses
    its stored secret. A new account that should remember its secret must come with one.

    ``smtp_secret`` is the SMTP password of an account whose SMTP password is set apart
    (``account.smtp.separate_password``), kept under its own keyring entry by the same rules;
    otherwise SMTP uses ``secret``'s entry and ``smtp_secret`` is ignored.

    Returns the saved account (with its id, for a new one). Raises the store's errors before
    anything is written, and :class:`~app.core.errors.CredentialsError` after undoing the row
    when the keyring fails.
    """
    if previous is None:
        saved = _add(store, account, secret)
        try:
            _keep_smtp_secret(saved, smtp_secret, None)
        except BaseException:
            store.remove_account(saved.name)
            credentials.delete_password(saved.credential_key)
            raise
        return saved
    _update(store, account, secret, previous)
    _keep_smtp_secret(account, smtp_secret, previous)
    return account


def _keep_smtp_secret(account: Account, smtp_secret: str | None, previous: Account | None) -> None:
    """Store (or forget) the SMTP password's own entry, after the account's row and secret."""
    separate = account.smtp is not None and account.smtp.separate_password
    if separate and account.remember_password and smtp_secret:
        credentials.store_password(account.smtp_credential_key, smtp_secret)
    elif not separate and previous is not None and previous.smtp is not None and previous.smtp.separate_password:
        credentials.delete_password(previous.smtp_credential_key)


def forget_secrets(account: Account) -> None:
    """Delete every keyring entry of ``account`` (its password, its SMTP one if set apart, and an
    OAuth2 refresh token and client secret)."""
    credentials.delete_password(account.credential_key)
    if account.smtp_credential_key != account.credential_key:
        credentials.delete_password(account.smtp_credential_key)
    if account.auth is AuthMethod.OAUTH2:
        from app.core.oauth.tokens import client_secret_key, forget_access_tokens, refresh_token_key

        credentials.delete_password(refresh_token_key(account.credential_key))
        credentials.delete_password(client_secret_key(account.credential_key))
        forget_access_tokens()


def _add(store: Store, account: Account, secret: str | None) -> Account:
    if account.auth is AuthMethod.OAUTH2:
        # No password: the refresh token comes with the sign-in (app/core/oauth/tokens.py).
        return store.add_account(account)
    if account.remember_password and not secret:
        # Checked before the row is written: an account that "remembers" nothing would ask anyway.
        raise ConfigError("no password to remember: nothing was saved")
    saved = store.add_account(account)
    if not saved.remember_password:
        return saved  # the caller keeps the secret for this session only
    assert secret  # checked above; repeated for the type checker
    try:
        credentials.store_password(saved.credential_key, secret)
    except BaseException:
        store.remove_account(saved.name)
        raise
    return saved


def _update(store: Store, account: Account, secret: str | None, previous: Account) -> None:
    store.update_account(account)
    try:
        if account.remember_password and secret:
            credentials.store_password(account.credential_key, secret)
        elif not account.remember_password and previous.remember_password:
            credentials.delete_password(account.credential_key)
    except BaseException:
        # The keyring did not change (one call, and it failed): the settings must not either, or
        # the account would claim a secret it does not have.
        store.update_account(previous)
        raise
