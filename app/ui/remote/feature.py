"""The remote mailbox's one object in the main window: it owns the parts of :mod:`app.ui.remote`
and wires them to the window's panes, so the main window holds a line for it, not a dozen.

- Download Now in the reader's bar (:mod:`.partial_completer`);
- the remote mailbox window of an account (:mod:`.remote_window`), from the account's context menu
  in the folder tree and from File > Remote Mailbox…, one window per account;
- the count of large messages left on the server on the account's item in the folder tree
  (:mod:`.left_on_server`), from each fetch's report and each listing.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

from app.core.model import Account, FetchReport
from app.core.store import Profile
from app.ui.models.folder_model import FolderModel
from app.ui.remote.left_on_server import LeftOnServer
from app.ui.remote.partial_completer import PartialCompleter
from app.ui.remote.remote_window import RemoteMailboxWindow
from app.ui.store_events import StoreEvents
from app.ui.widgets.preview import PreviewPane


class RemoteMailbox(QObject):
    """Download Now for partial messages shown in ``preview``, and the remote mailbox windows."""

    def __init__(self, profile: Profile, events: StoreEvents, accounts: Callable[[], dict[str, Account]],
                 preview: PreviewPane, parent: QWidget, *,
                 session_password: Callable[[Account], str | None] = lambda account: None,
                 current_account: Callable[[], Account | None] = lambda: None,
                 menu_anchor: QAction | None = None, folder_model: FolderModel | None = None,
                 stored: Callable[[], None] = lambda: None) -> None:
        super().__init__(parent)
        self.profile = profile
        self.events = events
        self.accounts = accounts
        self.session_password = session_password
        self.current_account = current_account
        self.window = parent
        self.windows: dict[int, RemoteMailboxWindow] = {}
        #: Called when mail was stored (downloaded, or completed): the search index catches up.
        self.stored = stored
        self.completer = PartialCompleter(profile, events, accounts, self)
        self.completer.completed.connect(lambda summary: self.stored())
        self.completer.attach(preview)
        self.left_on_server = LeftOnServer(folder_model, accounts, self) if folder_model is not None else None
        self.action = QAction(self.tr("Remote Mailbox…"), parent)
        self.action.setObjectName("remoteMailboxAction")
        self.action.setShortcut(QKeySequence("Ctrl+Shift+O"))  # "O" for on the server; the others are taken
        self.action.triggered.connect(lambda checked=False: self._open_current())
        if menu_anchor is not None:
            self._add_to_menus(menu_anchor)
        parent.installEventFilter(self)  # the window's LanguageChange names the action again

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        return False

    def _add_to_menus(self, anchor: QAction) -> None:
        """Right after ``anchor`` (Account Settings) in each menu that holds it."""
        for menu in anchor.associatedObjects():
            if isinstance(menu, QMenu):
                actions = menu.actions()
                following = actions[actions.index(anchor) + 1] if actions.index(anchor) + 1 < len(actions) else None
                menu.insertAction(following, self.action)  # type: ignore[arg-type]

    def _open_current(self) -> None:
        account = self.current_account()
        if account is not None:
            self.open(account)

    def open_for(self, account_id: int) -> None:
        account = next((item for item in self.accounts().values() if item.id == account_id), None)
        if account is not None:
            self.open(account)

    def open(self, account: Account) -> RemoteMailboxWindow:
        """Show the account's window (one per account), listing the server when it is new."""
        assert account.id is not None
        window = self.windows.get(account.id)
        if window is None or window.account != account:
            if window is not None:
                window.close()
            window = RemoteMailboxWindow(self.profile, account, self.events, self.session_password, self.window,
                                         left_for_size=self._left_for_size, stored=self.stored)
            self.windows[account.id] = window
            window.start_listing()
        if window.isVisible():
            window.raise_()  # already open, maybe behind the main window
        window.show()
        window.activateWindow()
        return window

    def fetch_finished(self, account_name: str, report: FetchReport) -> None:
        """A fetch ended: how many large messages it left on the server."""
        if self.left_on_server is not None:
            self.left_on_server.fetch_finished(account_name, report)

    def _left_for_size(self, account_id: int, count: int) -> None:
        if self.left_on_server is not None:
            self.left_on_server.set_count(account_id, count)

    def retranslate(self) -> None:
        self.action.setText(self.tr("Remote Mailbox…"))

    def shut_down(self) -> None:
        self.completer.wait_for_jobs()
        for window in self.windows.values():
            window.stop()
            window.wait_for_job()
            window.close()
