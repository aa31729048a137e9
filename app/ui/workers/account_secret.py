"""The secret a background job of the remote mailbox needs (issue 18), read in that job's thread.

The keyring may block on D-Bus (an unlock prompt), so, as for a fetch, it is read in the worker
thread, never on the GUI thread. An OAuth2 account's token needs the window's sign-in, which the
remote mailbox does not drive yet: it says so and names the command that works.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from app.core import credentials
from app.core.errors import CredentialsError
from app.core.model import Account, AuthMethod


def account_secret(account: Account, password: str | None = None) -> str:
    """``password`` when given for this session, else the stored one; CredentialsError otherwise."""
    translate = QCoreApplication.translate  # thread-safe; lupdate finds translate("RemoteMailbox", ...)
    if account.auth is AuthMethod.OAUTH2:
        raise CredentialsError(translate(
            "RemoteMailbox", "{account} signs in with its provider, which this window cannot do yet: use "
                             "'poplark remote list {account}' or 'poplark complete ID' in a terminal").format(
            account=account.name))
    if password is not None:
        return password
    stored = credentials.load_password(account.credential_key) if account.remember_password else None
    if not stored:
        raise CredentialsError(translate(
            "RemoteMailbox", "no password is stored for {account}: get mail once (Poplark asks for the password), "
                             "then try again").format(account=account.name))
    return stored
