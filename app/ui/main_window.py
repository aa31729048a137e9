"""The main window: composes the panes and wires their signals; owns no mail logic.

Where things are (a new feature goes beside its kind):

- ``actions.py``: every QAction, the menus, the toolbar.
- ``panes/``: folder pane, message list (with its search box), reader wiring, welcome page,
  info bar, status bar. Each pane refreshes itself from :class:`StoreEvents`.
- ``mailbox_actions.py``: the Edit/File commands on the selection (asks, then starts an operation).
- ``operations/``: changes to the store (flags, trash, files), off the GUI thread when large,
  announced through ``store_events.py``.
- ``fetch_outcomes.py``: starting fetches and answering their ends (password, certificate,
  notices); ``tray.py``: the tray icon and unread count.
- ``workers/``: fetch threads, scheduler, background jobs, search indexer; ``dialogs/``,
  ``widgets/``, ``models/``.

Everything here runs on the GUI thread and never waits on the network.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QByteArray, QCoreApplication, QEvent, QSettings, Qt, QTimer, Slot
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox, QSplitter, QStackedWidget, QVBoxLayout, QWidget

from app.core.errors import StoreError
from app.core.model import Account, Folder
from app.core.store import Profile, Store
from app.ui.account_actions import AccountActions
from app.ui.actions import WindowActions
from app.ui.compose.feature import ComposeFeature
from app.ui.contacts.controller import ContactsController
from app.ui.dialogs.about import AboutDialog
from app.ui.dialogs.account_dialog import AccountDialog
from app.ui.dialogs.preferences import Preferences, PreferencesDialog
from app.ui.errors import store_action_text
from app.ui.fetch_outcomes import FetchOutcomes
from app.ui.folder_actions import FolderActions
from app.ui.icons import application_icon
from app.ui.junk_actions import JunkActions
from app.ui.language import apply_language
from app.ui.mailbox_actions import MailboxActions
from app.ui.operations import flags
from app.ui.operations.runner import OperationRunner
from app.ui.panes.folder_pane import FolderPane, Location
from app.ui.panes.info_bar import InfoBar
from app.ui.panes.keyboard_flow import KeyboardFlow
from app.ui.panes.message_list import MessageList, search_box
from app.ui.panes.message_opener import MessageOpener
from app.ui.panes.reader import Reader
from app.ui.panes.status_bar import StatusArea
from app.ui.panes.welcome import WelcomePage
from app.ui.remote.feature import RemoteMailbox
from app.ui.rules.menu import RulesMenu
from app.ui.store_events import Change, MessageChange, StoreEvents
from app.ui.tags.feature import TagFeature
from app.ui.tray import Tray
from app.ui.widgets.preview import PreviewPane
from app.ui.workers.fetch_controller import FetchController
from app.ui.workers.scheduler import FetchScheduler
from app.ui.workers.search_indexer import SearchIndexer


class MainWindow(QMainWindow):
    def __init__(self, store: Store, profile: Profile, settings: QSettings | None = None, *,
                 scheduler_tick_ms: int = 15000, quit_application_on_close: bool = False,
                 clock: Callable[[], float] = time.time) -> None:
        super().__init__()
        self.quit_application_on_close = quit_application_on_close
        self.store = store
        self.profile = profile
        self.settings = settings or QSettings()
        self.preferences = Preferences.load(self.settings)
        self.accounts: dict[str, Account] = {}
        self.quitting = False
        self._shut = False
        self._retranslation_pending = False
        self.setWindowTitle("Poplark")
        self.setWindowIcon(application_icon())
        self.setObjectName("mainWindow")

        # The workers and the one announcement of store changes.
        self.events = StoreEvents(self)
        self.controller = FetchController(profile, self)
        self.scheduler = FetchScheduler(clock=clock, tick_ms=scheduler_tick_ms, parent=self)
        self.search_indexer = SearchIndexer(self.store.path, self)
        self.operations = OperationRunner(store, self.events, self, self)

        # The panes.
        self.window_actions = WindowActions(
            self, plain_text=bool(self.settings.value("view/plainText", False, type=bool)))
        self.search_box = search_box(self)
        self.window_actions.build_menus()
        self.window_actions.build_toolbar(self.search_box)
        self.rules_menu = RulesMenu(self, store, self.events)  # Tools > Filter Rules
        self.folder_view = FolderPane(store, self.events, self)
        self.folder_model = self.folder_view.folder_model
        self.message_view = MessageList(store, self.events, self.search_box, self)
        self.inbox_model = self.message_view.inbox_model
        self.window_actions.add_context_menu(self.message_view)
        self.preview = PreviewPane(self.store.path, self, settings=self.settings,
                                   remote_content=self.preferences.remote_content)
        self.preview.setObjectName("previewPane")
        self._build_central()
        self.status = StatusArea(self, store, self.events, self.controller)
        self.fetch_status = self.status.fetch_status
        self.pending_deletions_label = self.status.pending_deletions_label
        self.tray = Tray(store, self.events, self.window_actions.get_mail, self.window_actions.quit, self)

        # The parts that act.
        self.reader = Reader(self.preview, self.message_view, self.window_actions, self.operations, self.events,
                             self.settings, lambda: self.preferences, self)
        self.opener = MessageOpener(self.message_view, self.store.path, self.settings, lambda: self.preferences,
                                    lambda message_id: flags.mark_seen(self.operations, [message_id], True), self)
        self.remote_mailbox = RemoteMailbox(
            profile, self.events, lambda: self.accounts, self.preview, self, current_account=self.current_account,
            session_password=lambda account: self.fetching.session_passwords.get(account.id or 0),
            menu_anchor=self.window_actions.account_settings, folder_model=self.folder_model,
            stored=self.search_indexer.request)
        self.folder_view.remote_mailbox_requested.connect(self.remote_mailbox.open_for)
        self.controller.finished.connect(self.remote_mailbox.fetch_finished)
        self.keyboard_flow = KeyboardFlow(self.search_box, self.message_view, self.opener.open_selected, self)
        self.mailbox = MailboxActions(store, self.operations, self.message_view, self.folder_view,
                                      self.window_actions, lambda: self.accounts, self.status.show_status, self,
                                      settings=self.settings)
        self.folder_actions = FolderActions(store, self.operations, self.events, self.folder_view, self.message_view,
                                            self.window_actions.move_to, self.window_actions.copy_to, self)
        self.fetching = FetchOutcomes(
            store=store, events=self.events, controller=self.controller, scheduler=self.scheduler,
            search_indexer=self.search_indexer, fetch_status=self.fetch_status, tray=self.tray,
            info_bar=self.info_bar, accounts=lambda: self.accounts, preferences=lambda: self.preferences,
            parent=self)
        self.account_actions = AccountActions(
            store, self.operations, self.events, self.controller.running,
            lambda account: self.fetching.session_passwords.pop(account.id or 0, None), self.status.show_status, self)
        self.junk = JunkActions(self, store, self.window_actions, self.message_view, self.operations,
                                self.status.show_status)
        self.contacts = ContactsController(self, self)  # the address book: its command, "Add sender", completion
        self._connect_signals()
        self.compose = ComposeFeature(self, lambda account: self.fetching.session_passwords.get(account.id or 0), self)
        self.tagging = TagFeature(self, self)  # tags in the list, number keys, the quick filter bar
        self._restore_state()
        self.reload_accounts()
        self.status.update_pending_deletions()
        if self.store.pending_search_count():
            self.search_indexer.request()  # a store left with unindexed bodies (an interrupted run)

    def _build_central(self) -> None:
        self.stack = QStackedWidget(self)
        self.welcome = WelcomePage(self)
        self.stack.addWidget(self.welcome)
        self.setAcceptDrops(True)  # .eml files dropped anywhere on the window are imported
        self.right_splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.right_splitter.setObjectName("rightSplitter")
        self.right_splitter.addWidget(self.message_view)
        self.right_splitter.addWidget(self.preview)
        self.right_splitter.setSizes([320, 380])
        self.main_splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.main_splitter.setObjectName("mainSplitter")
        self.main_splitter.addWidget(self.folder_view)
        self.main_splitter.addWidget(self.right_splitter)
        self.main_splitter.setStretchFactor(1, 1)
        self.main_splitter.setSizes([200, 900])
        mail_page = QWidget(self)
        mail_page.setObjectName("mailPage")
        mail_layout = QVBoxLayout(mail_page)
        mail_layout.setContentsMargins(0, 0, 0, 0)
        mail_layout.setSpacing(0)
        self.info_bar = InfoBar(mail_page)
        self.info_label = self.info_bar.label
        mail_layout.addWidget(self.info_bar)
        mail_layout.addWidget(self.main_splitter, 1)
        self.stack.addWidget(mail_page)
        self.setCentralWidget(self.stack)
        # Tab walks the panes in reading order: folders, messages, the message itself.
        self.setTabOrder(self.folder_view, self.message_view)
        self.setTabOrder(self.message_view, self.preview.body)

    def _connect_signals(self) -> None:
        actions, mailbox = self.window_actions, self.mailbox
        for action, slot in (
                (actions.get_mail, lambda: self.get_mail()),
                (actions.new_account, self.new_account),
                (actions.account_settings, self.edit_current_account),
                (actions.remove_account, self.remove_current_account),
                (actions.delete, mailbox.delete_selected),
                (actions.mark_read, lambda: mailbox.mark_selected(True)),
                (actions.mark_unread, lambda: mailbox.mark_selected(False)),
                (actions.flag, mailbox.toggle_flag_selected),
                (actions.restore, mailbox.restore_selected),
                (actions.empty_trash, mailbox.empty_trash),
                (actions.import_messages, mailbox.import_messages),
                (actions.export_eml, mailbox.export_selected),
                (actions.export_mbox, mailbox.export_folder),
                (actions.preferences, self.edit_preferences),
                (actions.about, self.show_about),
                (actions.quit, self.quit),
                (actions.cancel, self.controller.cancel),
                (actions.search, self.message_view.focus_search),
                (actions.save_protocol_log, self.save_protocol_log)):
            action.triggered.connect(lambda checked=False, slot=slot: slot())
        self.welcome.add_account_requested.connect(self.new_account)
        self.folder_view.folder_opened.connect(self._folder_opened)
        self.folder_view.edit_account_requested.connect(
            lambda account_id: self._for_account(account_id, self.edit_account))
        self.folder_view.get_mail_requested.connect(
            lambda account_id: self._for_account(account_id, lambda account: self.get_mail(account.name)))
        self.folder_view.remove_account_requested.connect(
            lambda account_id: self._for_account(account_id, self.account_actions.remove))
        self.message_view.message_selected.connect(mailbox.update_flag_action)
        self.message_view.selection_state_changed.connect(mailbox.update_flag_action)
        self.message_view.flag_clicked.connect(mailbox.set_flagged)
        self.tray.show_requested.connect(self.show_from_tray)
        self.tray.unread_changed.connect(self._show_unread_count)
        self.fetching.settings_needed.connect(self.edit_account)
        self.events.accounts_changed.connect(self.reload_accounts)
        self.events.messages_changed.connect(self._index_added_mail)

    # -- state ----------------------------------------------------------------------------------

    def _restore_state(self) -> None:
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            self.resize(1100, 720)
        for key, splitter in (("window/mainSplitter", self.main_splitter),
                              ("window/rightSplitter", self.right_splitter)):
            state = self.settings.value(key)
            if isinstance(state, QByteArray):
                splitter.restoreState(state)
        self.message_view.restore_header(self.settings, "window/messageHeader")

    def save_state(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/mainSplitter", self.main_splitter.saveState())
        self.settings.setValue("window/rightSplitter", self.right_splitter.saveState())
        self.settings.setValue("window/messageHeader", self.message_view.horizontalHeader().saveState())
        self.settings.sync()

    @Slot()
    def reload_accounts(self) -> None:
        """Re-read the accounts: tree, Get Mail menu, scheduler, welcome page."""
        accounts = self.store.accounts()
        self.accounts = {account.name: account for account in accounts}
        menu = self.window_actions.get_mail_menu
        menu.clear()
        for account in accounts:
            action = menu.addAction(account.name)  # as the folder tree names it
            action.triggered.connect(lambda checked=False, name=account.name: self.get_mail(name))
        self.scheduler.set_accounts(accounts)
        self.stack.setCurrentIndex(1 if accounts else 0)
        self.search_box.setEnabled(bool(accounts))
        self.folder_view.reload(bool(accounts))
        self._enable_actions()
        self.tray.refresh_unread()

    def start(self) -> None:
        """Begin scheduled checks (the first one at once: 'check at start-up'), after resuming the
        fetches a kill or a quit interrupted (said once, in the info bar)."""
        self.fetching.resume_interrupted()
        self.scheduler.start()
        self.compose.start()

    # -- folders and selection ------------------------------------------------------------------

    @Slot(object)
    def _folder_opened(self, location: Location) -> None:
        self.message_view.show_folder(*location)
        self._enable_actions()

    def _enable_actions(self) -> None:
        location = self.current_folder()
        self.window_actions.enable_for(bool(self.accounts), location[1] if location is not None else None)

    def current_folder(self) -> Location | None:
        return self.folder_view.current_folder()

    def selected_rows(self) -> list[int]:
        return self.message_view.selected_rows()

    def selected_ids(self) -> list[int]:
        return self.message_view.selected_ids()

    def mark_selected(self, seen: bool) -> None:
        self.mailbox.mark_selected(seen)

    def delete_selected(self) -> None:
        self.mailbox.delete_selected()

    def import_files(self, paths: list[Path]) -> None:
        self.mailbox.import_files(paths)

    @Slot(int)
    def _show_unread_count(self, unread: int) -> None:
        self.setWindowTitle(f"Poplark ({unread})" if unread else "Poplark")

    @Slot(object)
    def _index_added_mail(self, change: MessageChange) -> None:
        # Imported mail is indexed at once; fetched mail after the fetch (FetchOutcomes), not during it.
        if change.kind is Change.ADDED and not self.controller.running():
            self.search_indexer.request()

    def show_store_failure(self, error: StoreError) -> None:
        """A mailbox action failed in the store: say why and what to do (sentences in app.ui.errors)."""
        QMessageBox.warning(self, self.tr("Mail store problem"), store_action_text(error))

    def show_info(self, text: str) -> None:
        self.info_bar.show_info(text)

    # -- fetching -------------------------------------------------------------------------------

    def get_mail(self, account_name: str | None = None) -> None:
        self.fetching.get_mail(account_name)

    # -- accounts and dialogs -------------------------------------------------------------------

    def new_account(self) -> None:
        dialog = AccountDialog(self.store, None, self,
                               default_check_interval=self.preferences.default_check_interval_minutes)
        if dialog.exec() and dialog.account is not None:
            account = dialog.account
            assert account.id is not None
            self.fetching.remember_session_password(account, dialog.session_password or "")
            self.events.announce_accounts()
            self.folder_view.open_folder(account.id, Folder.INBOX)
            self.fetching.start_fetch(self.accounts[account.name])

    def current_account(self) -> Account | None:
        location = self.current_folder()
        if location is not None and location[0] is not None:
            for account in self.accounts.values():
                if account.id == location[0]:
                    return account
        return next(iter(self.accounts.values()), None)

    def edit_current_account(self) -> None:
        account = self.current_account()
        if account is not None:
            self.edit_account(account)

    def remove_current_account(self) -> None:
        account = self.current_account()
        if account is not None:
            self.account_actions.remove(account)

    def _for_account(self, account_id: int, act: Callable[[Account], object]) -> None:
        account = next((account for account in self.accounts.values() if account.id == account_id), None)
        if account is not None:
            act(account)

    @Slot(object)
    def edit_account(self, account: Account) -> None:
        dialog = AccountDialog(self.store, account, self)
        if dialog.exec() and dialog.account is not None:
            self.fetching.remember_session_password(dialog.account, dialog.session_password or "")
            self.events.announce_accounts()
            self.scheduler.resume(dialog.account.name)

    def edit_preferences(self) -> None:
        dialog = PreferencesDialog(self.preferences, self, pages=[self.junk.settings_page(self)])
        if dialog.exec():
            previous_language = self.preferences.language
            self.preferences = dialog.preferences()
            self.preferences.save(self.settings)
            self.preview.remote_content = self.preferences.remote_content
            application = QCoreApplication.instance()
            if self.preferences.language != previous_language and application is not None:
                # At once: Qt sends every widget a LanguageChange (see changeEvent).
                apply_language(application, self.preferences.language)

    def changeEvent(self, event: QEvent) -> None:
        # One retranslation for the burst of LanguageChange events a switch sends (one per
        # translator removed or installed); none once the window has shut down.
        if event.type() == QEvent.Type.LanguageChange and not (self._retranslation_pending or self._shut):
            self._retranslation_pending = True
            QTimer.singleShot(0, self.retranslate)
        super().changeEvent(event)

    def retranslate(self) -> None:
        """The language changed: set again the texts that were built once (the panes that own
        their texts answer LanguageChange themselves); dates follow the new default locale."""
        self._retranslation_pending = False
        if self._shut:
            return
        self.window_actions.retranslate()
        self.search_box.setPlaceholderText(QCoreApplication.translate("MainWindow", "Search messages"))
        self.folder_model.retranslate()
        self.folder_view.refresh_counts()
        self.inbox_model.retranslate()
        self.status.update_pending_deletions()
        self.tray.refresh_unread()  # its tooltip, and the window title with the count

    def show_about(self) -> None:
        dialog = AboutDialog(self)
        try:
            dialog.exec()
        finally:
            dialog.deleteLater()

    def save_protocol_log(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        from app.core import protocol_log
        from app.ui.save_locations import remember_directory, start_directory

        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save Protocol Log"),
                                              str(start_directory(self.settings) / "poplark-protocol.log"),
                                              self.tr("Log files (*.log *.txt)"))
        if not path:
            return
        remember_directory(self.settings, Path(path).parent)
        try:
            protocol_log.write_private(Path(path), protocol_log.render())
        except OSError as error:
            QMessageBox.warning(self, self.tr("Save Protocol Log"),
                                self.tr("The log could not be saved: %1. Choose another folder.")
                                .replace("%1", error.strerror or str(error)))

    # -- drag and drop (.eml import) ------------------------------------------------------------

    @staticmethod
    def _dropped_files(event: QDropEvent) -> list[Path]:
        mime = event.mimeData()
        if not mime.hasUrls():
            return []
        return [Path(url.toLocalFile()) for url in mime.urls()
                if url.isLocalFile() and url.toLocalFile().lower().endswith(".eml")]

    def _accept_mail_files(self, event: QDragMoveEvent) -> None:
        if self.accounts and self._dropped_files(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        self._accept_mail_files(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        self._accept_mail_files(event)

    def dropEvent(self, event: QDropEvent) -> None:
        paths = self._dropped_files(event)
        if paths and self.accounts:
            event.acceptProposedAction()
            self.mailbox.import_files(paths)
        else:
            event.ignore()

    # -- tray and closing -----------------------------------------------------------------------

    def show_from_tray(self) -> None:
        self.showNormal()
        self.raise_()
        self.activateWindow()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.quitting and self.preferences.close_to_tray and self.tray.isVisible():
            self.hide()
            event.ignore()
            return
        self._shut_down()
        event.accept()
        if self.quit_application_on_close:
            QTimer.singleShot(0, QApplication.quit)

    def quit(self) -> None:
        self.quitting = True
        self.close()

    def close_for_good(self) -> None:
        """Stop everything without asking (the event loop has ended)."""
        self._shut_down()

    def _shut_down(self) -> None:
        """Cancel fetches and wait for their threads: nothing is lost, nothing left running."""
        if self._shut:
            return
        self._shut = True
        self.quitting = True
        self.fetching.quitting = True
        self.events.stop()
        self.reader.cancel_pending_read()
        self.opener.close_all()
        self.scheduler.stop()
        self.controller.shutdown()
        self.search_indexer.stop()
        self.tagging.shut_down()
        self.message_view.search_timer.stop()
        self.preview.wait_for_jobs()
        self.contacts.shut_down()
        self.compose.shut_down()
        self.remote_mailbox.shut_down()
        self.operations.shut_down()
        self.save_state()
        self.tray.shut_down()
