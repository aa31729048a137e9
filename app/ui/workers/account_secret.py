"""The secret a background job of the remote mailbox needs (issue 18), read in that job's thread.

The keyring may block on D-Bus (an unlock prompt), so, as for a fetch, it is read in the worker
thread, never on the GUI thread. An OAuth2 account gets an access token as a fetch does
(``with_account_token``: a refused token is refreshed and the session tried once more; a grant
that ended is SignInAgain).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QCoreApplication

from app.core import credentials
from app.core.errors import CredentialsError
from app.core.model import Account, AuthMethod
from app.core.oauth.account_tokens import with_account_token
from app.core.pop3.auth import Secret

T = TypeVar("T")


def with_account_secret(account: Account, attempt: Callable[[str | Secret], T], password: str | None = None) -> T:
    """``attempt(secret)``: the password given for this session, the stored one, or an OAuth2 token."""
    if account.auth is AuthMethod.OAUTH2:
        return with_account_token(account, attempt)
    return attempt(password if password is not None else stored_password(account))


def stored_password(account: Account) -> str:
    """The keyring's password of ``account``; CredentialsError, with what to do, when there is none."""
    translate = QCoreApplication.translate  # thread-safe; lupdate finds translate("RemoteMailbox", ...)
    stored = credentials.load_password(account.credential_key) if account.remember_password else None
    if not stored:
        raise CredentialsError(translate(
            "RemoteMailbox", "no password is stored for {account}: get mail once (Poplark asks for the password), "
                             "then try again").format(account=account.name))
    return stored
