""""Add to address book" for the sender of the message on screen, in one click: a button beside
the reader's From line and an entry in the message list's context menu. When the sender is already
a contact, both say "Edit Contact…" and open that contact instead.

The sender is read as the core reads it (:func:`app.core.contacts.from_message.sender_of`, the
first valid From mailbox, decoded) and the contact is saved by
:func:`app.core.contacts.from_message.add_sender`, both in the address book's thread.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QObject, QSize, Qt, Signal
from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import QToolButton, QWidget

from app.core.contacts.from_message import add_sender, sender_of
from app.core.contacts.harvest import HEAD_BYTES
from app.core.contacts.model import Contact
from app.core.providers import resources_directory
from app.core.store import Store
from app.ui.actions import SOURCE_TEXT
from app.ui.contacts.worker import ContactsWorker

#: The action's texts, in the main window's translation context (its retranslate() renews them).
ADD_TEXT = QT_TRANSLATE_NOOP("MainWindow", "Add Sender to Address Book")
EDIT_TEXT = QT_TRANSLATE_NOOP("MainWindow", "Edit Sender’s Contact…")
#: The address book's own icon, on the button beside the From line and in the context menu.
ICON = resources_directory() / "icons" / "address-book.svg"


@dataclass(frozen=True)
class SenderState:
    """The sender of one stored message, and the contact having that address (None: not yet one)."""

    message_id: int
    name: str
    address: str
    contact: Contact | None


def sender_state(store: Store, message_id: int) -> SenderState | None:
    sender = sender_of(store.raw_head(message_id, HEAD_BYTES))
    if sender is None:
        return None
    known = store.contacts_with_address(sender[1])
    return SenderState(message_id, sender[0], sender[1], known[0] if known else None)


class SenderContacts(QObject):
    """The action and the button for the current message's sender."""

    #: A short sentence for the status bar ("Added 张三 to the address book.").
    status = Signal(str)
    #: The sender is a contact and the user wants to edit it.
    edit_requested = Signal(object)
    #: The state (add or edit, or nothing to add) is known for the current message.
    updated = Signal()

    def __init__(self, worker: ContactsWorker, parent: QWidget) -> None:
        super().__init__(parent)
        self.worker = worker
        self.state: SenderState | None = None
        self._message_id: int | None = None
        self.action = QAction(parent)
        self.action.setObjectName("addSenderAction")
        self.action.triggered.connect(lambda checked=False: self.trigger())
        self.button = QToolButton(parent)
        self.button.setObjectName("addSenderButton")
        self.button.setDefaultAction(self.action)
        self.button.setAutoRaise(True)
        self.button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.button.setIconSize(QSize(16, 16))
        self.action.setIcon(QIcon(str(ICON)))
        self._show(None)

    def show_message(self, message_id: int | None) -> None:
        """The reader shows ``message_id`` (None: nothing): find out whether its sender is known."""
        self._message_id = message_id
        self._show(None)
        if message_id is not None:
            self.worker.submit(lambda store: sender_state(store, message_id),
                               lambda state: self._known(message_id, state), lambda error: None,
                               latest=f"sender-{id(self)}")

    def refresh(self) -> None:
        self.show_message(self._message_id)

    def _known(self, message_id: int, state: SenderState | None) -> None:
        if message_id == self._message_id:  # else the reader has moved on
            self._show(state)
            self.updated.emit()

    def _show(self, state: SenderState | None) -> None:
        self.state = state
        source = str(EDIT_TEXT if state is not None and state.contact is not None else ADD_TEXT)
        self.action.setProperty(SOURCE_TEXT, source)
        self.action.setText(QCoreApplication.translate("MainWindow", source))
        self.action.setEnabled(state is not None)
        self.action.setVisible(state is not None)
        self.button.setVisible(state is not None)
        if state is not None:
            self.action.setToolTip(f"{state.name} <{state.address}>" if state.name else state.address)

    def trigger(self) -> None:
        state = self.state
        if state is None:
            return
        if state.contact is not None:
            self.edit_requested.emit(state.contact)
            return
        message_id = state.message_id
        self.action.setEnabled(False)  # one click, one contact

        def added(result: tuple[Contact, bool]) -> None:
            contact, new = result
            text = (QCoreApplication.translate("SenderContacts", "Added {0} to the address book.") if new else
                    QCoreApplication.translate("SenderContacts", "{0} is already in the address book."))
            self.status.emit(text.format(contact.display_name))
            self.refresh()

        def failed(error: Exception) -> None:
            self.status.emit(QCoreApplication.translate(
                "SenderContacts", "The sender could not be added: {0}. Try again; if it fails again, add the "
                                  "contact in the address book.").format(error))
            self.refresh()

        self.worker.submit(lambda store: add_sender(store, message_id), added, failed)
