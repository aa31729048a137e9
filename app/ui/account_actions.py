"""What the window does to a whole account: the question before removing it, then the removal.

The removal itself is an operation (app/ui/operations/accounts.py) that runs in the background;
this module asks first, saying exactly what happens to the account's mail and stored password,
and reports the end. Texts keep the "MainWindow" translation context.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from app.core.model import Account
from app.core.store import Store
from app.ui.operations import accounts as account_operations
from app.ui.operations.accounts import RemovedAccount, credential_keys
from app.ui.operations.runner import OperationRunner
from app.ui.store_events import StoreEvents


def removal_text(account: Account, message_count: int, unsent_count: int = 0) -> str:
    """The question before removing ``account``: what goes, what stays (see operations/accounts.py).
    ``unsent_count``: its messages in the outbox, which go with it (ON DELETE CASCADE)."""
    translate = QCoreApplication.translate
    parts = [
        translate("MainWindow", "Remove the account “{0}” from Poplark?").format(account.name),
        translate("MainWindow", "Its {0} message(s) on this computer, in every folder, will be deleted. "
                                "This cannot be undone; export them first (File > Export Folder as mbox) "
                                "to keep a copy.").format(message_count),
        translate("MainWindow", "Mail on the server is not touched. If you add the account again, the "
                                "messages still on the server are downloaded again."),
    ]
    if unsent_count:
        parts.append(translate("MainWindow", "{0} message(s) in its outbox, not sent yet, will be deleted "
                                             "too.").format(unsent_count))
    if len(credential_keys(account)) > 1:
        parts.append(translate("MainWindow", "Its passwords for receiving and for sending will be deleted "
                                             "from the system keyring."))
    elif account.remember_password:
        parts.append(translate("MainWindow", "Its password will be deleted from the system keyring."))
    else:
        parts.append(translate("MainWindow", "No password is stored for it; the one typed for this "
                                             "session is forgotten."))
    return "\n\n".join(parts)


def removal_question(parent: QWidget | None, account: Account, message_count: int,
                     unsent_count: int = 0) -> QMessageBox:
    """The confirmation box (not shown yet); its accept button is named "removeAccountButton"."""
    translate = QCoreApplication.translate
    box = QMessageBox(QMessageBox.Icon.Warning, translate("MainWindow", "Remove Account"),
                      removal_text(account, message_count, unsent_count), QMessageBox.StandardButton.NoButton,
                      parent)
    box.setObjectName("removeAccountQuestion")
    remove = box.addButton(translate("MainWindow", "Remove Account"), QMessageBox.ButtonRole.DestructiveRole)
    remove.setObjectName("removeAccountButton")
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)  # Enter does not delete mail
    box.setEscapeButton(cancel)
    return box


class AccountActions(QObject):
    """Removing accounts for one window."""

    #: The account is gone from the store (its name); the window re-reads its accounts.
    removed = Signal(str)

    def __init__(self, store: Store, runner: OperationRunner, events: StoreEvents,
                 running_fetches: Callable[[], list[str]], forget_session_password: Callable[[Account], object],
                 show_status: Callable[[str], None], parent: QWidget) -> None:
        super().__init__(parent)
        self.store = store
        self.runner = runner
        self.events = events
        self.running_fetches = running_fetches
        self.forget_session_password = forget_session_password
        self.show_status = show_status
        self.window = parent

    def remove(self, account: Account) -> None:
        """Ask, then remove ``account`` in the background."""
        translate = QCoreApplication.translate
        if account.name in self.running_fetches():
            # The fetch writes into this account's mail; removing under it would fail half way.
            QMessageBox.information(self.window, translate("MainWindow", "Remove Account"), translate(
                "MainWindow", "Poplark is getting mail for {0}. Cancel the fetch (Esc) or wait for it to "
                              "end, then remove the account.").format(account.name))
            return
        unsent = len(self.store.outbox(account.id)) if account.id is not None else 0
        box = removal_question(self.window, account, self.store.message_count(account.name), unsent)
        box.exec()
        confirmed = box.buttonRole(box.clickedButton()) is QMessageBox.ButtonRole.DestructiveRole
        box.deleteLater()
        if confirmed:
            account_operations.remove_account(self.runner, account, done=self._removed)

    def _removed(self, outcome: RemovedAccount) -> None:
        translate = QCoreApplication.translate
        name = outcome.account.name
        self.forget_session_password(outcome.account)
        self.events.announce_accounts()
        self.removed.emit(name)
        self.show_status(translate("MainWindow", "Account {0} removed").format(name))
        if outcome.keyring_problem:
            QMessageBox.warning(self.window, translate("MainWindow", "Remove Account"), translate(
                "MainWindow", "The account {0} and its mail were removed, but its password could not be "
                              "deleted from the system keyring ({1}). Delete the entry for Poplark in your "
                              "keyring manager (Seahorse, KWallet).").format(name, outcome.keyring_problem))


__all__ = ["AccountActions", "removal_question", "removal_text"]
