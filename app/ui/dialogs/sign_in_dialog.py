""""Sign In Again" for an OAuth2 account whose sign-in ended (revoked, expired, password changed).

A small dialog that says what happens, runs the browser sign-in off the GUI thread
(:class:`BrowserSignIn`, cancellable) and, once it has finished, keeps the new refresh token in
the keyring and only there; the caller then fetches. An account without a client ID, or whose
tokens come from a command, has nothing to sign in to here: the dialog says what to change.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QCoreApplication, Slot
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout, QWidget

from app.core.errors import PoplarkError
from app.core.model import Account
from app.core.oauth.account_tokens import oauth_client
from app.core.oauth.tokens import Grant, OAuthClient, refresh_token_key, store_grant
from app.ui.dialogs.account_dialog.sign_in_flow import BrowserSignIn, sign_in_error_text


class SignInDialog(QDialog):
    """Sign ``account`` in again; accepted once the new sign-in is in the keyring."""

    def __init__(self, account: Account, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signInDialog")
        self.account = account
        self.setWindowTitle(QCoreApplication.translate("SignInDialog", "Sign In Again"))
        self.setMinimumWidth(460)
        self.flow = BrowserSignIn(self)
        self.client: OAuthClient | None = None
        problem = ""
        if account.oauth2_token_command:
            problem = QCoreApplication.translate(
                "SignInDialog", "{0} gets its tokens from its token command: run the command by hand to see why "
                "its token is refused.").format(account.name)
        else:
            try:
                self.client = oauth_client(account)
            except PoplarkError as error:
                problem = QCoreApplication.translate(
                    "SignInDialog", "{0} cannot sign in yet: enter your client ID in the account settings. "
                    "Details: {1}").format(account.name, error)
        self.text = QLabel()
        self.text.setObjectName("signInText")
        self.text.setWordWrap(True)
        if self.client is not None:
            self.text.setText(QCoreApplication.translate(
                "SignInDialog", "Poplark opens {0}'s sign-in page in your browser. Sign in as {1} and allow "
                "Poplark to read and send mail; then come back here. Poplark gets the mail right after.").format(
                    self.client.provider.name, account.email or account.user))
        else:
            self.text.setText(problem)
        self.status = QLabel()
        self.status.setObjectName("signInDialogStatus")
        self.status.setWordWrap(True)
        self.status.setOpenExternalLinks(True)
        self.status.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.sign_in_button: QPushButton = self.buttons.addButton(
            QCoreApplication.translate("SignInDialog", "Sign In…"), QDialogButtonBox.ButtonRole.ActionRole)
        self.sign_in_button.setObjectName("signInDialogButton")
        self.sign_in_button.setEnabled(self.client is not None)
        self.sign_in_button.clicked.connect(self.start)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.flow.browser_opened.connect(self._browser_opened)
        self.flow.signed_in.connect(self._signed_in)
        self.flow.failed.connect(self._failed)

    @Slot()
    def start(self) -> None:
        if self.client is None or self.flow.running:
            return
        self.sign_in_button.setEnabled(False)
        self._say(QCoreApplication.translate("SignInDialog", "Opening the sign-in page in your browser…"))
        self.flow.start(self.client, self.account.email or self.account.user)

    @Slot(str)
    def _browser_opened(self, url: str) -> None:
        words = html.escape(QCoreApplication.translate("SignInDialog", "open the sign-in page"))
        link = f"<a href='{html.escape(url, quote=True)}'>{words}</a>"
        waiting = html.escape(QCoreApplication.translate(
            "SignInDialog", "Waiting for you to sign in in your browser. If no browser opened, {link}."))
        self.status.setText(waiting.replace("{link}", link))
        self.status.show()

    @Slot(object)
    def _signed_in(self, grant: object) -> None:
        assert isinstance(grant, Grant) and self.client is not None
        try:
            store_grant(self.client, refresh_token_key(self.account.credential_key), grant)
        except PoplarkError as error:
            self._say(QCoreApplication.translate(
                "SignInDialog", "Signed in, but the system keyring did not take the sign-in: unlock it and sign "
                "in again. Details: {0}").format(error))
            self.sign_in_button.setEnabled(True)
            return
        self.accept()

    @Slot(object)
    def _failed(self, error: object) -> None:
        self._say(sign_in_error_text(error))
        self.sign_in_button.setEnabled(True)

    def _say(self, text: str) -> None:
        self.status.setText(html.escape(text))
        self.status.show()

    def done(self, result: int) -> None:
        self.flow.release()  # a sign-in still waiting for the browser is cancelled
        super().done(result)
