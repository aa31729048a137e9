"""The window's answer to an OAuth2 sign-in that ended: a "Sign In Again" button in the info bar.

A fetch that fails with :class:`~app.core.errors.SignInAgain` (the provider withdrew or expired the
grant) or :class:`~app.core.errors.TokenRejected` puts the account in this state: the info bar
says so, with the button. The button opens :class:`SignInDialog` (the browser sign-in, off the
GUI thread, cancellable); once the new refresh token is in the keyring the account is fetched.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtWidgets import QDialog, QWidget

from app.core.model import Account
from app.ui.dialogs.sign_in_dialog import SignInDialog
from app.ui.panes.info_bar import InfoBar


class SignInAgainOffer(QObject):
    """Offers the sign-in for accounts that need it, and fetches each one after it."""

    def __init__(self, info_bar: InfoBar, fetch: Callable[[Account], None], window: QWidget) -> None:
        super().__init__(window)
        self.info_bar = info_bar
        self.fetch = fetch
        self.window = window
        #: Names of the accounts waiting for a new sign-in (the window's state, for tests and menus).
        self.waiting: set[str] = set()
        #: Tests set this to drive the browser step (see BrowserSignIn.open_url).
        self.open_url: Callable[[str], object] | None = None

    def offer(self, account: Account, text: str) -> None:
        self.waiting.add(account.name)
        self.info_bar.show_action(text, QCoreApplication.translate("MainWindow", "Sign In Again"),
                                  lambda: self.sign_in(account))

    def sign_in(self, account: Account) -> bool:
        """Run the sign-in dialog; on success fetch the account. True when it signed in."""
        dialog = SignInDialog(account, self.window)
        dialog.flow.open_url = self.open_url
        signed_in = dialog.exec() == QDialog.DialogCode.Accepted
        dialog.deleteLater()
        if signed_in:
            self.waiting.discard(account.name)
            self.fetch(account)
        return signed_in
