"""Writing mail, wired into the main window: its actions, the Outbox in the folder pane, the
sending status in the status bar, drafts opened by a double click.

The main window makes one :class:`ComposeFeature` and calls :meth:`~ComposeFeature.start` and
:meth:`~ComposeFeature.shut_down`; everything else about composing and sending is connected here,
so the main window stays a list of parts (architecture.md, "Where a new feature goes").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QCoreApplication, QObject, QSettings
from PySide6.QtWidgets import QMainWindow, QSplitter, QStackedWidget, QStatusBar

from app.core.model import Account, Folder
from app.core.store import Profile, Store
from app.ui.actions import WindowActions
from app.ui.compose.opening import ComposeOpener, Kind
from app.ui.compose.outbox_view import OutboxView
from app.ui.compose.sending import Sender
from app.ui.panes.folder_pane import FolderPane
from app.ui.panes.info_bar import InfoBar
from app.ui.panes.message_list import MessageList
from app.ui.panes.message_opener import MessageOpener
from app.ui.store_events import StoreEvents
from app.ui.widgets.elided_label import ElidedLabel


class ComposeHost(Protocol):
    """What of the main window this feature uses."""

    store: Store
    profile: Profile
    settings: QSettings
    events: StoreEvents
    window_actions: WindowActions
    folder_view: FolderPane
    message_view: MessageList
    opener: MessageOpener
    main_splitter: QSplitter
    right_splitter: QSplitter
    info_bar: InfoBar
    accounts: dict[str, Account]

    def statusBar(self) -> QStatusBar: ...

    def current_account(self) -> Account | None: ...


class ComposeFeature(QObject):
    def __init__(self, window: ComposeHost, session_password: Callable[[Account], str | None],
                 parent: QMainWindow) -> None:
        super().__init__(parent)
        self.host = window
        self.sender_ = Sender(window.store, window.profile.ensure().lock_directory, window.events, session_password,
                              self)
        self.composer = ComposeOpener(window.store, window.events, self.sender_, window.settings,
                                      lambda: list(window.accounts.values()), parent)
        # Elided: a long sentence (a server's words) must not widen the window; the tooltip has it all.
        self.status_label = ElidedLabel(parent)
        self.status_label.setObjectName("sendStatus")
        self.status_label.setMinimumWidth(320)
        self.status_label.setMaximumWidth(600)
        window.statusBar().addPermanentWidget(self.status_label)
        self.status_label.hide()
        self._install_outbox(window)
        self._connect(window)

    def _install_outbox(self, window: ComposeHost) -> None:
        """The Outbox shows where the message list and the reader are, while it is open."""
        self.pages = QStackedWidget()  # made without a parent: a splitter takes its children in as panes
        self.pages.setObjectName("mailPages")
        window.main_splitter.replaceWidget(1, self.pages)
        window.main_splitter.setStretchFactor(1, 1)  # as the pane it replaces: it takes what the window gains
        self.pages.addWidget(window.right_splitter)
        self.outbox_view = OutboxView(window.store, self.pages)
        self.pages.addWidget(self.outbox_view)
        self.pages.setCurrentWidget(window.right_splitter)

    def _connect(self, window: ComposeHost) -> None:
        actions = window.window_actions
        actions.new_message.triggered.connect(self.new_message)
        for action, kind in ((actions.reply, Kind.REPLY), (actions.reply_all, Kind.REPLY_ALL),
                             (actions.forward, Kind.FORWARD), (actions.forward_attached, Kind.FORWARD_ATTACHED),
                             (actions.edit_as_new, Kind.EDIT_AS_NEW)):
            action.triggered.connect(lambda checked=False, kind=kind: self.respond(kind))
        window.opener.open_draft = lambda message_id: self.composer.respond(Kind.DRAFT, message_id)
        window.folder_view.outbox_opened.connect(self.show_outbox)
        window.folder_view.folder_opened.connect(lambda location: self.pages.setCurrentWidget(window.right_splitter))
        self.sender_.status.connect(self.show_status)
        self.sender_.problem.connect(window.info_bar.show_info)
        self.sender_.outbox_changed.connect(self.outbox_view.refresh)
        self.sender_.outbox_changed.connect(window.folder_view.refresh_counts)
        self.outbox_view.retry_requested.connect(self.sender_.retry)
        self.outbox_view.arrived_requested.connect(self.sender_.mark_sent)
        self.outbox_view.remove_requested.connect(self.sender_.remove)
        self.outbox_view.edit_requested.connect(self.composer.edit_outbox_message)

    # -- commands -----------------------------------------------------------------------------

    def new_message(self) -> None:
        account = self.host.current_account()
        self.composer.new_message(account.id if account is not None else None)

    def respond(self, kind: Kind) -> None:
        ids = self.host.message_view.selected_ids()
        if len(ids) != 1:
            self.show_status(QCoreApplication.translate("ComposeWindow", "Select one message first, then choose "
                                                                         "Reply, Forward or Edit as New again."))
            return
        self.composer.respond(kind, ids[0])

    def show_outbox(self, account_id: int) -> None:
        self.outbox_view.show_account(account_id)
        self.pages.setCurrentWidget(self.outbox_view)

    def show_status(self, text: str) -> None:
        self.status_label.setText(text)
        self.status_label.setToolTip(text)
        self.status_label.setVisible(bool(text))

    def open_folder(self, account_id: int, folder: Folder) -> None:
        self.host.folder_view.open_folder(account_id, folder)

    # -- life ---------------------------------------------------------------------------------

    def start(self) -> None:
        """Mail left in the outbox from before goes out soon after start-up."""
        self.sender_.start()

    def shut_down(self) -> None:
        self.composer.shut_down()
        self.sender_.shut_down()


__all__ = ["ComposeFeature", "ComposeHost"]
