"""Asking for a password: when a login failed, or when none is stored for this session.

The reason comes first and in plain words ("The server rejected the password"), then the provider's
note when there is one, because for QQ or 163 the fix is an authorization code, not another try of
the web password. "Remember" is offered only when a secure keyring exists (the caller says so).
"""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.core.model import Account
from app.core.providers import provider_for_address
from app.ui.dialogs.account_dialog import NOTE_STYLE, WARNING_COLOR, ui_language


class PasswordDialog(QDialog):
    """The prompt itself; :func:`ask_password` is the usual way to show it."""

    def __init__(self, account: Account, reason: str, *, can_remember: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Password for {account}").format(account=account.name))
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        self.reason_label = self._label("reasonLabel", reason)
        layout.addWidget(self.reason_label)
        provider = provider_for_address(account.email or account.user)
        note = provider.note_for(ui_language()) if provider is not None else ""
        self.provider_note = self._label("providerNote", note, NOTE_STYLE)
        self.provider_note.setVisible(bool(note))
        layout.addWidget(self.provider_note)
        form = QFormLayout()
        form.addRow(self.tr("Account:"), QLabel(
            self.tr("{user} on {server}").format(user=account.user, server=account.host)))
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("passwordEdit")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText(self.tr("Password or authorization code"))
        form.addRow(self.tr("Password:"), self.password_edit)
        layout.addLayout(form)
        self.remember_check = QCheckBox(self.tr("Remember password (in the system keyring)"))
        self.remember_check.setObjectName("rememberCheck")
        self.remember_check.setChecked(can_remember and account.remember_password)
        self.remember_check.setEnabled(can_remember)
        layout.addWidget(self.remember_check)
        self.keyring_notice = self._label("keyringNotice", self.tr(
            "No system keyring is available: the password is kept only until Poplark quits."),
            f"color: {WARNING_COLOR};")
        self.keyring_notice.setVisible(not can_remember)
        layout.addWidget(self.keyring_notice)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self._ok_button.setObjectName("okButton")
        self.password_edit.textChanged.connect(self._update_ok_button)
        self._update_ok_button()

    @staticmethod
    def _label(object_name: str, text: str, style: str = "") -> QLabel:
        label = QLabel(text)
        label.setObjectName(object_name)
        label.setWordWrap(True)
        if style:
            label.setStyleSheet(style)
        return label

    @Slot()
    def _update_ok_button(self) -> None:
        self._ok_button.setEnabled(bool(self.password_edit.text()))

    def accept(self) -> None:
        if self.password_edit.text():  # Enter in an empty field must not answer with ""
            super().accept()

    def password(self) -> str:
        return self.password_edit.text()

    def remember(self) -> bool:
        return self.remember_check.isEnabled() and self.remember_check.isChecked()


def ask_password(parent: QWidget | None, account: Account, reason: str, *,
                 can_remember: bool) -> tuple[str, bool] | None:
    """Ask for ``account``'s password; (password, remember) or None when the user cancels."""
    dialog = PasswordDialog(account, reason, can_remember=can_remember, parent=parent)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.password(), dialog.remember()
    finally:
        dialog.deleteLater()  # owned by ``parent`` otherwise, one hidden dialog per question
