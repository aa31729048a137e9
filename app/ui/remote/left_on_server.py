"""Large messages left on the server, shown in the folder tree (issue 18): "test (3 large messages left
on the server)" on the account's item, until a fetch or a remote listing finds none.

A fetch leaves a new message on the server when it is larger than the account's size limit (the
report's ``skipped_too_large``); the remote mailbox window's listing counts the same. The count
is the last one seen in this run of Poplark (the next check after a start counts again), and is
drawn on the account's item of the folder model after each rebuild of the tree.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex
from PySide6.QtGui import QStandardItem

from app.core.model import Account, FetchReport
from app.ui.models.folder_model import ACCOUNT_ID_ROLE, FolderModel


class LeftOnServer(QObject):
    """Keeps the count per account and shows it on the folder tree's account items."""

    def __init__(self, folder_model: FolderModel, accounts: Callable[[], dict[str, Account]],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.folder_model = folder_model
        self.accounts = accounts
        #: Account id -> large messages left on its server, as last counted.
        self.counts: dict[int, int] = {}
        #: The tooltips the hint replaced, to put back once nothing is left.
        self._tooltips: dict[int, str] = {}
        # The tree is built again when accounts change: draw the counts on the new items.
        folder_model.rowsInserted.connect(self._rows_inserted)
        folder_model.modelReset.connect(self.show_counts)

    def fetch_finished(self, account_name: str, report: FetchReport) -> None:
        account = self.accounts().get(account_name)
        if account is not None and account.id is not None:
            self.set_count(account.id, report.skipped_too_large)

    def set_count(self, account_id: int, count: int) -> None:
        if self.counts.get(account_id, 0) != count:
            self.counts[account_id] = count
            self.show_counts()

    def text_for(self, account: Account) -> str:
        count = self.counts.get(account.id or 0, 0)
        if not count:
            return account.name
        return self.tr("{0} ({1} large message(s) left on the server)").format(account.name, count)

    def _rows_inserted(self, parent: QModelIndex | QPersistentModelIndex, first: int, last: int) -> None:
        if not parent.isValid():
            self.show_counts()

    def show_counts(self) -> None:
        by_id = {account.id: account for account in self.accounts().values()}
        for row in range(self.folder_model.rowCount()):
            item = self.folder_model.item(row)
            account = by_id.get(item.data(ACCOUNT_ID_ROLE)) if item is not None else None
            if item is None or account is None:
                continue
            self._show(item, account)

    def _show(self, item: QStandardItem, account: Account) -> None:
        text = self.text_for(account)
        if item.text() != text:
            item.setText(text)
        key = account.id or 0
        if self.counts.get(key, 0):
            self._tooltips.setdefault(key, item.toolTip())
            item.setToolTip(self.tr("Larger than the account's size limit, so not downloaded. Open Remote Mailbox "
                                    "(account menu) to download or delete them."))
        elif key in self._tooltips:
            item.setToolTip(self._tooltips.pop(key))
