"""How the account logs in: a password, or "Sign in with Microsoft/Google" (OAuth2, issue 17).

The choice appears when the address or the server belongs to a provider of the OAuth2 table
(:mod:`app.core.oauth.providers`). Poplark ships no client ID of another application, so the user
enters their own (a Google client also has a client secret); "How do I get one?" gives the
short steps and opens the provider's registration page. The sign-in itself runs in the system
browser (:mod:`.sign_in_flow`); what it gives is held here until the account is saved, and then
only the refresh token is kept, in the keyring. Gmail also works with an app password, which the
section explains, since that needs no client ID at all.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QMessageBox, QPushButton, QWidget

from app.core import credentials
from app.core.model import Account, AuthMethod
from app.core.oauth.providers import OAuthProvider, oauth_providers, provider_for_host
from app.core.oauth.tokens import Grant, OAuthClient
from app.ui.dialogs.account_dialog.sign_in_flow import BrowserSignIn, sign_in_error_text
from app.ui.dialogs.account_dialog.style import (
    GOOD_COLOR,
    HINT_COLOR,
    NOTE_STYLE,
    WARNING_COLOR,
    hint_label,
    line_edit,
    row,
    stacked,
    translate,
    wrapped_label,
)


def oauth_provider_for(address: str, host: str) -> OAuthProvider | None:
    """The OAuth2 provider of the POP3 server ``host``, else of the address's domain."""
    found = provider_for_host(host) if host.strip() else None
    if found is not None:
        return found
    domain = address.strip().rpartition("@")[2].lower().rstrip(".")
    return next((provider for provider in oauth_providers().values() if domain and domain in provider.domains), None)


def _short_name(provider: OAuthProvider) -> str:
    """"Microsoft" or "Google" for the button: the table's name may be long."""
    return provider.name.split(" (", 1)[0].replace("Microsoft 365", "Microsoft")


class SignInSection(QWidget):
    """The login method, and for OAuth2 the client ID and the sign-in button with its state."""

    #: Something the dialog checks changed (method, client ID, signed in or not).
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.provider: OAuthProvider | None = None
        #: What the last sign-in gave, until the account is saved (then the keyring has it).
        self.grant: Grant | None = None
        #: The edited account was signed in before (its refresh token is in the keyring).
        self.signed_in_before = False
        self.secure_storage = credentials.secure_storage_available()
        #: The address the provider's page suggests for signing in.
        self.login_hint = ""
        #: An account whose tokens its own command prints (set on the command line): kept as it is.
        self.token_command = ""
        self._loaded_oauth2: tuple[str, str] = ("", "")
        self.flow = BrowserSignIn(self)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        self.method_combo = QComboBox()
        self.method_combo.setObjectName("authMethodCombo")
        form.addRow(translate("AccountDialog", "Sign in with:"), self.method_combo)
        self.command_note = wrapped_label("tokenCommandNote")
        form.addRow(self.command_note)
        self.gmail_note = wrapped_label("gmailNote", NOTE_STYLE)
        self.gmail_note.setText(translate(
            "AccountDialog", "A personal Gmail account can also use an app password, with no client ID: "
            "switch on 2-Step Verification, create one under Google Account > Security > App passwords, "
            "choose “Password” here and type it."))
        form.addRow(self.gmail_note)
        self.client_id_edit = line_edit("clientIdEdit", translate("AccountDialog", "Your own client ID"))
        self.guide_link = QLabel()
        self.guide_link.setObjectName("clientIdGuide")
        self.guide_link.linkActivated.connect(self.show_guide)
        self.client_id_hint = hint_label("clientIdHint")
        self._client_id_cell = stacked(self.client_id_edit, self.client_id_hint, self.guide_link)
        form.addRow(translate("AccountDialog", "Client ID:"), self._client_id_cell)
        self.client_secret_edit = line_edit("clientSecretEdit", translate("AccountDialog", "Only if Google gave one"))
        self.client_secret_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.client_secret_label = QLabel(translate("AccountDialog", "Client secret:"))
        form.addRow(self.client_secret_label, self.client_secret_edit)
        self.sign_in_button = QPushButton()
        self.sign_in_button.setObjectName("signInButton")
        self.cancel_button = QPushButton(translate("AccountDialog", "Cancel Sign-in"))
        self.cancel_button.setObjectName("cancelSignInButton")
        self.cancel_button.hide()
        self.status_label = wrapped_label("signInStatus")
        self.status_label.setOpenExternalLinks(True)
        self._sign_in_cell = stacked(row(self.sign_in_button, self.cancel_button), self.status_label)
        form.addRow("", self._sign_in_cell)
        self._form = form
        self.method_combo.currentIndexChanged.connect(self._method_changed)
        self.client_id_edit.textChanged.connect(self._client_changed)
        self.client_secret_edit.textChanged.connect(self._client_changed)
        self.sign_in_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.flow.cancel)
        self.flow.browser_opened.connect(self._browser_opened)
        self.flow.signed_in.connect(self._signed_in)
        self.flow.failed.connect(self._failed)
        self.setVisible(False)  # until an address or server of a provider of the table
        self._update()

    # -- which provider ---------------------------------------------------------------------------

    def follow(self, address: str, host: str, account: Account | None = None) -> None:
        """Offer the sign-in of the provider of ``host`` (or ``address``); keep the user's choice."""
        provider = oauth_provider_for(address, host)
        if account is not None and account.auth is AuthMethod.OAUTH2 and account.oauth2_provider:
            provider = oauth_providers().get(account.oauth2_provider, provider)
        if provider == self.provider and account is None:
            return
        was_oauth2 = self.oauth2()
        self.provider = provider
        self.grant = None if account is None else self.grant
        self.method_combo.blockSignals(True)
        self.method_combo.clear()
        if provider is not None:
            name = _short_name(provider)
            self.method_combo.addItem(translate("AccountDialog", "{0}, in your browser").format(name),
                                      AuthMethod.OAUTH2.value)
            self.method_combo.addItem(translate("AccountDialog", "Password or app password"), AuthMethod.PASSWORD.value)
            self.sign_in_button.setText(translate("AccountDialog", "Sign in with {0}…").format(name))
            guide = html.escape(translate("AccountDialog", "How do I get a client ID?"))
            self.guide_link.setText(f"<a href='guide'>{guide}</a>")
            # Microsoft takes no password for POP3 any more: the sign-in comes first; for Google the
            # app password is as good, so a choice made before is kept.
            wants_oauth2 = was_oauth2 or provider.id != "google"
            if account is not None:
                wants_oauth2 = account.auth is AuthMethod.OAUTH2
            self.method_combo.setCurrentIndex(0 if wants_oauth2 else 1)
        self.method_combo.blockSignals(False)
        self.setVisible(provider is not None or bool(self.token_command))
        self._update()
        self.changed.emit()

    def load(self, account: Account) -> None:
        if account.auth is AuthMethod.OAUTH2 and account.oauth2_token_command:
            self.token_command = account.oauth2_token_command
            self._loaded_oauth2 = (account.oauth2_provider, account.oauth2_client_id)
            self.command_note.setText(translate(
                "AccountDialog", "This account gets its access tokens from a command, which Poplark runs at "
                "every login: {0}").format(account.oauth2_token_command))
        self.client_id_edit.setText(account.oauth2_client_id)
        self.signed_in_before = account.auth is AuthMethod.OAUTH2 and account.id is not None
        self.follow(account.email, account.host, account)

    def oauth2(self) -> bool:
        if self.token_command:
            return True
        return self.provider is not None and self.method_combo.currentData() == AuthMethod.OAUTH2.value

    def client(self) -> OAuthClient | None:
        """The client the sign-in uses, or None without a client ID."""
        if self.provider is None:
            return None
        client_id = self.client_id_edit.text().strip() or self.provider.client_id
        if not client_id:
            return None
        return OAuthClient(self.provider, client_id, self.client_secret_edit.text().strip())

    # -- what the account gets --------------------------------------------------------------------

    def settings(self) -> dict[str, object]:
        """The Account fields of the login method."""
        if self.token_command:
            provider, client_id = self._loaded_oauth2
            return {"auth": AuthMethod.OAUTH2, "oauth2_provider": provider, "oauth2_client_id": client_id,
                    "oauth2_token_command": self.token_command}
        if not self.oauth2():
            return {"auth": AuthMethod.PASSWORD, "oauth2_provider": "", "oauth2_client_id": "",
                    "oauth2_token_command": ""}
        assert self.provider is not None
        return {"auth": AuthMethod.OAUTH2, "oauth2_provider": self.provider.id,
                "oauth2_client_id": self.client_id_edit.text().strip(), "oauth2_token_command": ""}

    def problems(self) -> dict[str, str]:
        if not self.oauth2() or self.token_command:
            return {}
        assert self.provider is not None
        if self.client() is None:
            return {"client_id": translate("AccountDialog", "Enter your client ID: Poplark has none of its own "
                                                            "for {0} yet.").format(_short_name(self.provider))}
        if not self.secure_storage:
            return {"sign_in": translate("AccountDialog", "No system keyring is available to keep the sign-in. "
                                                          "Install and unlock one, or choose “Password”.")}
        if self.grant is None and not self.signed_in_before:
            return {"sign_in": translate("AccountDialog", "Press “Sign in with {0}” and finish signing in "
                                                          "in your browser.").format(_short_name(self.provider))}
        return {}

    # -- signing in -------------------------------------------------------------------------------

    @Slot()
    def start(self) -> None:
        client = self.client()
        if client is None or self.flow.running:
            return
        self._show(translate("AccountDialog", "Opening the sign-in page in your browser…"), "")
        self.flow.start(client, self.login_hint)
        self._update()

    @Slot(str)
    def _browser_opened(self, url: str) -> None:
        words = html.escape(translate("AccountDialog", "open the sign-in page"))
        link = f"<a href='{html.escape(url, quote=True)}'>{words}</a>"
        text = html.escape(translate("AccountDialog", "Waiting for you to sign in in your browser. If no browser "
                                                      "opened, {link}.")).replace("{link}", link)
        self.status_label.setText(text)
        self.status_label.setStyleSheet("")
        self.changed.emit()

    @Slot(object)
    def _signed_in(self, grant: object) -> None:
        assert isinstance(grant, Grant)
        self.grant = grant
        self._show(translate("AccountDialog", "Signed in. Poplark keeps the sign-in in the system keyring when "
                                              "you press OK; Test connection checks it now."), GOOD_COLOR)
        self._update()
        self.changed.emit()

    @Slot(object)
    def _failed(self, error: object) -> None:
        self._show(sign_in_error_text(error), HINT_COLOR)
        self._update()
        self.changed.emit()

    def _show(self, text: str, color: str) -> None:
        self.status_label.setText(html.escape(text))
        self.status_label.setStyleSheet(f"color: {color};" if color else "")
        self.status_label.setVisible(bool(text))

    @Slot()
    def _method_changed(self) -> None:
        self._update()
        self.changed.emit()

    @Slot()
    def _client_changed(self) -> None:
        self.grant = None  # a sign-in belongs to the client that made it
        self._update()
        self.changed.emit()

    def _update(self) -> None:
        command = bool(self.token_command)
        self._form.setRowVisible(self.method_combo, not command)
        self.command_note.setVisible(command)
        oauth2 = self.oauth2() and not command
        google = self.provider is not None and self.provider.id == "google"
        self.gmail_note.setVisible(google and not command)
        self._form.setRowVisible(self._client_id_cell, oauth2)
        self._form.setRowVisible(self._sign_in_cell, oauth2)
        self._form.setRowVisible(self.client_secret_edit, oauth2 and google)
        self.status_label.setVisible(oauth2 and bool(self.status_label.text()))
        running = self.flow.running
        self.cancel_button.setVisible(oauth2 and running)
        self.sign_in_button.setEnabled(oauth2 and not running and self.secure_storage and self.client() is not None)
        if oauth2 and not self.secure_storage:
            self._show(translate("AccountDialog", "No system keyring is available, so Poplark cannot keep a "
                                                  "sign-in. Install and unlock one (GNOME Keyring or KWallet)."),
                       WARNING_COLOR)
        elif oauth2 and not running and self.grant is None and self.signed_in_before and not self.status_label.text():
            self._show(translate("AccountDialog", "Signed in earlier. Sign in again only if Poplark asks you to."),
                       "")

    @Slot(str)
    def show_guide(self, _link: str = "") -> None:
        """The short steps to register a client ID, with a button to the provider's page."""
        if self.provider is None:
            return
        if self.provider.id == "google":
            steps = translate(
                "AccountDialog", "In the Google Cloud console: create a project; under OAuth consent screen add the "
                "scope https://mail.google.com/ and your address as a test user; under Credentials create an OAuth "
                "client ID of type “Desktop app”. Copy its client ID and client secret here. Switch POP on in "
                "Gmail's settings.")
        else:
            steps = translate(
                "AccountDialog", "In the Microsoft Entra admin center, App registrations > New registration: any "
                "organizational directory and personal Microsoft accounts; redirect URI “Public client/native”, "
                "http://localhost. Under API permissions add offline_access, POP.AccessAsUser.All and SMTP.Send. "
                "Copy the Application (client) ID here.")
        box = QMessageBox(QMessageBox.Icon.Information, translate("AccountDialog", "Your own client ID"),
                          steps + "\n\n" + translate("AccountDialog", "Poplark's guide docs/oauth2.md has the "
                                                                      "details."), parent=self)
        box.setObjectName("clientIdGuideBox")
        open_page = box.addButton(translate("AccountDialog", "Open the Registration Page"),
                                  QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Close)
        box.exec()
        if box.clickedButton() is open_page and self.provider.registration_url:
            QDesktopServices.openUrl(QUrl(self.provider.registration_url))

    def release(self) -> None:
        self.flow.release()
