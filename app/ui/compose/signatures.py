"""Each account's signature, kept in the window's settings (QSettings, never in a message of the
store), added under a new message, a reply or a forward, and swapped when From changes."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtWidgets import QInputDialog, QWidget

from app.core.model import Account

#: RFC 3676 section 4.3: "-- " alone on a line starts a signature (readers may hide or fold it).
SEPARATOR = "-- \n"


def _key(account: Account) -> str:
    return f"compose/signature/{account.id}"


def load_signature(settings: QSettings, account: Account | None) -> str:
    if account is None or account.id is None:
        return ""
    value = settings.value(_key(account), "")
    return value if isinstance(value, str) else ""


def save_signature(settings: QSettings, account: Account, text: str) -> None:
    settings.setValue(_key(account), text.strip("\n"))


def signature_block(signature: str) -> str:
    """The signature as it goes into the body (with its separator), or "" for none."""
    return f"{SEPARATOR}{signature}\n" if signature.strip() else ""


def edit_signature(parent: QWidget, settings: QSettings, account: Account) -> bool:
    """Ask for the account's signature; whether it was changed."""
    text, accepted = QInputDialog.getMultiLineText(
        parent, QCoreApplication.translate("ComposeWindow", "Signature"),
        QCoreApplication.translate("ComposeWindow", "The signature of {account}, added under every message it "
                                                    "sends (leave it empty for none):").replace("{account}",
                                                                                                account.name),
        load_signature(settings, account))
    if not accepted:
        return False
    save_signature(settings, account, text)
    return True


__all__ = ["SEPARATOR", "edit_signature", "load_signature", "save_signature", "signature_block"]
