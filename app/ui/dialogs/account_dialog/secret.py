"""The account's secret in the dialog: whether to remember it, where it goes, what to say if that fails.

A secret (a password or authorization code today, an OAuth2 token later) goes to the system keyring
through :func:`app.core.accounts.save_account`, which also undoes the account row when the keyring
refuses; the CLI saves through the same function. Without a secure keyring "Remember" is off and
greyed out, and the secret is handed back for the caller to keep in memory for this session only,
rather than stored in plain text (docs/architecture.md, Pitfalls: keyrings.alt).
"""

from __future__ import annotations

from app.core import credentials
from app.core.accounts import forget_secrets, save_account
from app.core.errors import CredentialsError, PoplarkError
from app.core.model import Account, AuthMethod
from app.core.oauth.tokens import Grant, OAuthClient, client_secret_key, refresh_token_key, store_grant
from app.core.store import Store
from app.ui.dialogs.account_dialog.form import AccountForm
from app.ui.dialogs.account_dialog.style import translate


class AccountSecret:
    """The secret of the account being added (``original`` None) or edited."""

    def __init__(self, original: Account | None) -> None:
        self.original = original
        #: Read once when the dialog opens: the form shows the choice that was possible then.
        self.secure_storage = credentials.secure_storage_available()

    @property
    def stored(self) -> bool:
        """Whether the keyring already holds this account's secret (as far as the settings say)."""
        return self.original is not None and self.original.remember_password and self.secure_storage

    def load_into(self, form: AccountForm) -> None:
        """Set "Remember" and the password field's placeholder; explain a missing keyring."""
        if self.original is None:
            form.remember_check.setChecked(self.secure_storage)
        else:
            form.remember_check.setChecked(self.stored)
        form.password_edit.setPlaceholderText(
            translate("AccountDialog", "Unchanged (kept in the system keyring)") if self.stored
            else translate("AccountDialog", "Password or authorization code"))
        # Without a secure keyring there is nowhere safe to keep the password: say so, and make
        # "Remember" impossible rather than silently storing it in plain text.
        form.keyring_notice.setVisible(not self.secure_storage)
        if not self.secure_storage:
            form.remember_check.setChecked(False)
            form.remember_check.setEnabled(False)

    def required(self, remember: bool) -> bool:
        """A secret must be typed to remember one, unless one is stored already and is kept."""
        if not remember:
            return False
        return self.original is None or not self.original.remember_password

    def remember_choice(self, remember: bool) -> bool:
        """What the saved account says about remembering, given the "Remember" box."""
        # Editing while no keyring is reachable (a session without D-Bus, say) keeps the stored
        # choice: the keyring is missing for now, which is not the user asking to forget.
        if not self.secure_storage and self.original is not None:
            return self.original.remember_password
        return remember

    def key_for_test(self, typed: str | None) -> str | None:
        """The keyring key a connection test should read the secret from, when none was typed."""
        if typed is None and self.original is not None and self.original.remember_password and self.secure_storage:
            return self.original.credential_key
        return None

    def smtp_required(self, remember: bool) -> bool:
        """A separate SMTP password must be typed to remember it, unless one is stored already."""
        original = self.original
        stored = (original is not None and original.remember_password and original.smtp is not None
                  and original.smtp.separate_password)
        return remember and not stored

    def save(self, store: Store, account: Account, typed: str, *, smtp_typed: str = "",
             client: OAuthClient | None = None, grant: Grant | None = None) -> Account:
        """Save the account with the typed secrets, as one step (see :func:`save_account`).

        An OAuth2 account keeps what its sign-in gave: the refresh token (and Google's client
        secret) in the keyring; a new account whose sign-in cannot be kept is removed again.
        Done on the GUI thread on purpose: the row and its secret are written as one step that a
        closed dialog cannot interrupt halfway, and both are local (SQLite, keyring IPC).
        """
        # Without a keyring nothing can be stored or forgotten now: the secret is for this session.
        secret = typed if self.secure_storage and account.auth is AuthMethod.PASSWORD else None
        smtp_secret = smtp_typed if self.secure_storage else None
        saved = save_account(store, account, secret or None, previous=self.original, smtp_secret=smtp_secret or None)
        if saved.auth is not AuthMethod.OAUTH2 or client is None:
            return saved
        try:
            if client.client_secret:
                credentials.store_password(client_secret_key(saved.credential_key), client.client_secret)
            if grant is not None:
                store_grant(client, refresh_token_key(saved.credential_key), grant)
        except BaseException:
            if self.original is None:
                store.remove_account(saved.name)
                forget_secrets(saved)
            raise
        return saved

    def session_secret(self, saved: Account, typed: str) -> str | None:
        """The secret the caller keeps in memory for this session: the typed one, unless it is stored."""
        if saved.remember_password and self.secure_storage:
            return None
        return typed or None


def save_error_text(error: PoplarkError) -> str:
    """Why the account was not saved, and what to do about it."""
    if isinstance(error, CredentialsError):
        return translate("AccountDialog", "The password could not be saved in the system keyring, so nothing "
                         "was saved. Unlock the keyring or untick “Remember password”, then try again. "
                         "({details})").format(details=str(error))
    return translate("AccountDialog", "The account could not be saved: {details}").format(details=str(error))
