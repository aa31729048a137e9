"""Provider presets: typing an address fills in the server, and the provider's note, as it is typed.

Only fields the user has not typed in themselves follow the address; emptying a field by hand
hands it back. The provider's note comes with the server because "QQ needs an authorization
code" is the first thing that goes wrong. The table itself is :mod:`app.core.providers`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from PySide6.QtCore import QObject, Signal, Slot

from app.core.model import Account, Security
from app.core.providers import Provider, provider_for_address
from app.ui.dialogs.account_dialog.form import AccountForm
from app.ui.dialogs.account_dialog.style import NO_POP3_STYLE, NOTE_STYLE, ui_language

#: Field names as :func:`auto_values` knows them, in the order the form shows them.
AUTO_FILLED_FIELDS = ("name", "host", "port", "security", "user")


def auto_values(address: str) -> dict[str, object]:
    """What typing ``address`` fills in: account and user name, and the provider's server."""
    values: dict[str, object] = {"name": address, "user": address, "host": ""}
    provider = provider_for_address(address)
    if provider is not None and provider.pop3:
        values.update(host=provider.host, port=provider.port, security=provider.security)
    return values


def edited_fields(account: Account) -> set[str]:
    """The auto-filled fields of a saved account that differ from what its address would fill in."""
    automatic = auto_values(account.email)
    automatic.setdefault("port", account.security.default_port)
    automatic.setdefault("security", account.security)
    current = {"name": account.name, "host": account.host, "port": account.effective_port,
               "security": account.security, "user": account.user}
    return {name for name in AUTO_FILLED_FIELDS if automatic.get(name) != current[name]}


class AddressAutoFill(QObject):
    """Keeps the server fields following the address until the user types in them."""

    #: The user changed this field by hand (its hint may show from now on).
    touched = Signal(str)
    #: The provider note changed, so the dialog's height may have to follow.
    note_changed = Signal()

    def __init__(self, form: AccountForm) -> None:
        super().__init__(form)
        self._form = form
        self.edited: set[str] = set()  # auto-filled fields the user typed in by hand
        self._filling = False
        form.address_edit.textEdited.connect(self._on_address_edited)
        for field_name, edit in (("name", form.name_edit), ("host", form.host_edit), ("user", form.user_edit)):
            edit.textEdited.connect(lambda text, name=field_name: self._on_field_edited(name, bool(text)))
        form.port_spin.valueChanged.connect(self._on_port_changed)
        form.security_combo.currentIndexChanged.connect(self._on_security_changed)

    @contextlib.contextmanager
    def filling_fields(self) -> Iterator[None]:
        """Changes made inside are the dialog's own, not the user's: they mark nothing as edited."""
        previous, self._filling = self._filling, True
        try:
            yield
        finally:
            self._filling = previous

    def follow_loaded(self, account: Account) -> None:
        """A field of a saved account that still holds what the address would fill in keeps following it."""
        self.edited = edited_fields(account)
        self.show_provider_note(provider_for_address(account.email))

    def show_provider_note(self, provider: Provider | None) -> None:
        note = provider.note_for(ui_language()) if provider is not None else ""
        label = self._form.provider_note
        label.setText(note)
        # Red when the provider has no POP3 at all: then nothing else here can work.
        label.setStyleSheet(NOTE_STYLE if provider is None or provider.pop3 else NO_POP3_STYLE)
        label.setVisible(bool(note))
        self.note_changed.emit()

    @Slot(str)
    def _on_address_edited(self, text: str) -> None:
        address = text.strip()
        values = auto_values(address)
        with self.filling_fields():
            for field_name in AUTO_FILLED_FIELDS:
                if field_name in values and field_name not in self.edited:
                    self._set_field(field_name, values[field_name])
            if "port" not in values and "port" not in self.edited:
                self._form.port_spin.setValue(self._form.security().default_port)
        self.show_provider_note(provider_for_address(address))
        self.touched.emit("address")

    def _set_field(self, field_name: str, value: object) -> None:
        form = self._form
        if field_name == "name":
            form.name_edit.setText(str(value))
        elif field_name == "user":
            form.user_edit.setText(str(value))
        elif field_name == "host":
            form.host_edit.setText(str(value))
        elif field_name == "port":
            form.port_spin.setValue(int(str(value)))
        elif field_name == "security":
            form.set_security(Security(str(value)))

    def _on_field_edited(self, field_name: str, has_text: bool) -> None:
        # Emptying a field by hand hands it back to the address, which can fill it again.
        if has_text:
            self.edited.add(field_name)
        else:
            self.edited.discard(field_name)
        self.touched.emit(field_name)

    @Slot(int)
    def _on_port_changed(self, _value: int) -> None:
        if not self._filling:
            self.edited.add("port")
            self.touched.emit("port")

    @Slot(int)
    def _on_security_changed(self, _index: int) -> None:
        if self._filling:
            return
        self.edited.add("security")
        # The port follows the security (995 for TLS, 110 otherwise) until the user sets one.
        if "port" not in self.edited:
            with self.filling_fields():
                self._form.port_spin.setValue(self._form.security().default_port)
