"""The recipient fields of the compose window (To, Cc, Bcc), made in one place.

Address completion (the address book, addresses seen in mail, pinyin) is the address book's
``RecipientField``; this factory uses it when it is there and a plain line edit otherwise, so the
window never depends on which one it got. Marking invalid addresses is done here for both.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLineEdit, QWidget

from app.core.contacts.addresses import is_valid_address, parse_recipient, split_recipients

#: A dynamic property the style sheet below keys on: the field holds an address that cannot be sent to.
INVALID_PROPERTY = "invalidAddress"
_STYLE = f'QLineEdit[{INVALID_PROPERTY}="true"] {{ background: #fde2e1; }}'


def make_recipient_field(parent: QWidget, completion: Any = None) -> QLineEdit:
    """A field for a To, Cc or Bcc line: the address book's completing field when available
    (``completion``: its lookup worker, None for a field that completes nothing)."""
    try:
        from app.ui.contacts.recipient_field import RecipientField  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        field = QLineEdit(parent)
        field.setStyleSheet(_STYLE)
    else:
        field = RecipientField(completion, parent)
    field.setClearButtonEnabled(True)
    return field


def recipients_of(field: QLineEdit) -> list[str]:
    """The recipients typed in ``field``, one string each, as typed."""
    return split_recipients(field.text())


def invalid_recipients(recipients: list[str], groups: set[str] | None = None) -> list[str]:
    """The typed recipients that hold no address one can send to (a group's name is fine)."""
    known_groups = {group.casefold() for group in groups or set()}
    invalid = []
    for recipient in recipients:
        if "@" not in recipient and recipient.strip().casefold() in known_groups:
            continue
        _, address = parse_recipient(recipient)
        if not address or not is_valid_address(address):
            invalid.append(recipient)
    return invalid


def mark_invalid(field: QLineEdit, invalid: list[str]) -> None:
    """Colour ``field`` and name the bad recipients in its tooltip; clear both when all are fine.
    The address book's field marks itself (its own look), asked to here."""
    check = getattr(field, "check", None)
    if callable(check):
        check()
        return
    field.setProperty(INVALID_PROPERTY, bool(invalid))
    text = QCoreApplication.translate("ComposeWindow", "Not an address one can send to: {addresses}. Correct it "
                                      "before sending.")
    field.setToolTip(text.replace("{addresses}", ", ".join(invalid)) if invalid else "")
    field.style().unpolish(field)
    field.style().polish(field)


__all__ = ["INVALID_PROPERTY", "invalid_recipients", "make_recipient_field", "mark_invalid", "recipients_of"]
