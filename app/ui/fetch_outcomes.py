"""Starting fetches and what happens when one ends: the summary, new-mail notices, a password
prompt, trusting a certificate, opening the account settings.

The fetch itself runs in app/ui/workers/fetch_controller.py; the sentences come from
app/ui/errors.py, which also says which remedy to offer. New mail is announced through
:class:`StoreEvents` as it is stored, so the list and the counts follow it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QCoreApplication, QObject, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QWidget

from app.core import credentials
from app.core.errors import PoplarkError, TlsError
from app.core.fetch import interruption
from app.core.fingerprint import format_fingerprint
from app.core.model import Account, FetchProgress, FetchReport, Folder
from app.core.store import Store
from app.ui.dialogs.password_dialog import ask_password
from app.ui.dialogs.preferences import Preferences
from app.ui.errors import Remedy, ignored_deletions_text, user_message
from app.ui.panes.info_bar import InfoBar
from app.ui.sign_in_again import SignInAgainOffer
from app.ui.store_events import Change, MessageChange, StoreEvents
from app.ui.tray import Tray
from app.ui.widgets.fetch_status import FetchStatus
from app.ui.workers.fetch_controller import FetchController
from app.ui.workers.scheduler import FetchScheduler
from app.ui.workers.search_indexer import SearchIndexer


class FetchOutcomes(QObject):
    """Starts fetches for the window and answers each one's end."""

    #: The account's settings must change before it can work (the window opens the dialog).
    settings_needed = Signal(object)

    def __init__(self, *, store: Store, events: StoreEvents, controller: FetchController,
                 scheduler: FetchScheduler, search_indexer: SearchIndexer, fetch_status: FetchStatus,
                 tray: Tray, info_bar: InfoBar, accounts: Callable[[], dict[str, Account]],
                 preferences: Callable[[], Preferences], parent: QWidget) -> None:
        super().__init__(parent)
        self.store = store
        self.events = events
        self.controller = controller
        self.scheduler = scheduler
        self.search_indexer = search_indexer
        self.fetch_status = fetch_status
        self.tray = tray
        self.info_bar = info_bar
        self.accounts = accounts
        self.preferences = preferences
        self.window = parent
        self.session_passwords: dict[int, str] = {}
        self.new_mail_counts: dict[str, int] = {}
        # Per account: the short sentence for the status bar and the whole text behind "Details".
        self.last_summary: dict[str, tuple[str, str]] = {}
        self.quitting = False
        self.sign_in_again = SignInAgainOffer(info_bar, self._fetch_after_sign_in, parent)
        controller.started.connect(self._fetch_started)
        controller.progress.connect(self._fetch_progress)
        controller.messages_stored.connect(self._messages_stored)
        controller.mail_sorted.connect(self._mail_sorted)
        controller.finished.connect(self.fetch_finished)
        controller.failed.connect(self.fetch_failed)
        controller.cancelled.connect(self._fetch_cancelled)
        controller.idle.connect(self._fetch_idle)
        scheduler.due.connect(self._scheduled_fetch)

    # -- starting -------------------------------------------------------------------------------

    def get_mail(self, account_name: str | None = None) -> None:
        accounts = self.accounts()
        for name in [account_name] if account_name else list(accounts):
            account = accounts.get(name)
            if account is not None:
                self.scheduler.resume(name)
                self.start_fetch(account)

    @Slot(object)
    def _scheduled_fetch(self, account: Account) -> None:
        self.start_fetch(self.accounts().get(account.name, account))

    def start_fetch(self, account: Account, password: str | None = None) -> None:
        assert account.id is not None
        if password is None:
            password = self.session_passwords.get(account.id)
        if self.controller.start(account, password):
            self.scheduler.mark_running(account.name)

    def resume_interrupted(self) -> None:
        """At start-up: fetches that a kill or a quit interrupted are said once and started again
        (app/core/fetch/interruption.py); nothing of them was lost, so they go on where they stopped."""
        accounts = {account.id: account for account in self.accounts().values() if account.id is not None}
        for account_id in interruption.interrupted_accounts(self.controller.profile.lock_directory, accounts):
            account = accounts[account_id]
            self.info_bar.show_info(QCoreApplication.translate(
                "MainWindow", "The previous fetch of {0} was interrupted; it has been resumed.").format(account.name))
            self.scheduler.resume(account.name)
            self.start_fetch(account)

    def remember_session_password(self, account: Account, password: str) -> None:
        """A password typed in the account dialog without "remember": good for this session."""
        if account.id is not None and password:
            self.session_passwords[account.id] = password

    # -- while it runs ----------------------------------------------------------------------------

    @Slot(str)
    def _fetch_started(self, account_name: str) -> None:
        self.new_mail_counts[account_name] = 0

    @Slot(object)
    def _fetch_progress(self, progress: FetchProgress) -> None:
        self.fetch_status.show_progress(progress)

    @Slot(str, list)
    def _messages_stored(self, account_name: str, ids: list[int]) -> None:
        self.new_mail_counts[account_name] = self.new_mail_counts.get(account_name, 0) + len(ids)
        self.events.announce(MessageChange(Change.ADDED, tuple(ids), Folder.INBOX), streaming=True)

    @Slot(str, object)
    def _mail_sorted(self, account_name: str, outcome: object) -> None:
        """Junk and the rules moved, copied or marked new mail: every pane reads again."""
        self.events.announce(MessageChange(Change.MOVED, None), streaming=True)

    # -- when it ends -----------------------------------------------------------------------------

    @Slot(str, object)
    def fetch_finished(self, account_name: str, report: FetchReport) -> None:
        translate = QCoreApplication.translate
        self.scheduler.record_success(account_name, report)
        new = report.new_messages
        if new:
            text = translate("MainWindow", "{0}: {1} new message(s)").format(account_name, new)
            if self.preferences().notify_new_mail:
                self.tray.notify_new_mail(account_name, new)
        else:
            text = translate("MainWindow", "{0}: no new mail").format(account_name)
        details = text + "".join("\n" + warning for warning in report.warnings)
        if report.ignored_deletions:
            # Reported by the engine in one session only, so this shows once per account.
            self.info_bar.show_info(ignored_deletions_text(account_name, report.ignored_deletions))
        self.last_summary[account_name] = (text, details)
        self.events.settle()  # counts and pending deletions now, not after the stream's pause
        self.search_indexer.request()  # bodies into the search index, after the fetch, not during it

    @Slot(str, object)
    def fetch_failed(self, account_name: str, error: Exception) -> None:
        if isinstance(error, PoplarkError):
            self.scheduler.record_failure(account_name, error)
        message = user_message(error, account_name)
        # The bar has room for the account and the title; the whole sentence is behind "Details".
        self.last_summary[account_name] = (QCoreApplication.translate("MainWindow", "{0}: {1}").format(
            account_name, message.title), message.text)
        account = self.accounts().get(account_name)
        if message.quiet or account is None or self.quitting:
            return
        if message.remedy is Remedy.ASK_PASSWORD:
            self._ask_password_and_retry(account, message.text)
        elif message.remedy is Remedy.TRUST_CERTIFICATE and isinstance(error, TlsError):
            self._offer_certificate_trust(account, error, message.text)
        elif message.remedy is Remedy.SIGN_IN:
            self.sign_in_again.offer(account, message.text)
        elif message.remedy is Remedy.EDIT_SETTINGS:
            QMessageBox.warning(self.window, message.title, message.text)
            self.settings_needed.emit(account)
        else:
            QMessageBox.warning(self.window, message.title, message.text)

    def _ask_password_and_retry(self, account: Account, reason: str) -> None:
        assert account.id is not None
        answer = ask_password(self.window, account, reason, can_remember=credentials.secure_storage_available()
                              and account.remember_password)
        if answer is None:
            return
        password, remember = answer
        if remember:
            try:
                credentials.store_password(account.credential_key, password)
                self.session_passwords.pop(account.id, None)
            except PoplarkError as error:
                QMessageBox.warning(self.window, QCoreApplication.translate("MainWindow", "Password not saved"),
                                    str(error))
                self.session_passwords[account.id] = password
        else:
            self.session_passwords[account.id] = password
        self.scheduler.resume(account.name)
        self.start_fetch(account, password)

    def _fetch_after_sign_in(self, account: Account) -> None:
        self.scheduler.resume(account.name)
        self.start_fetch(self.accounts().get(account.name, account))

    def _offer_certificate_trust(self, account: Account, error: TlsError, text: str) -> None:
        translate = QCoreApplication.translate
        box = QMessageBox(QMessageBox.Icon.Warning, translate("MainWindow", "Certificate not trusted"), text,
                          parent=self.window)
        fingerprint = format_fingerprint(error.fingerprint_sha256, pairs_per_line=16)
        box.setInformativeText(translate("MainWindow", "Certificate SHA-256 fingerprint:\n{0}\n\nTrust this exact "
                                                       "certificate for {1} only if your provider confirms this "
                                                       "fingerprint.").format(fingerprint, account.name))
        trust = box.addButton(translate("MainWindow", "Trust This Certificate"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        if box.clickedButton() is trust:
            self.store.update_account(replace(account, pinned_cert_sha256=error.fingerprint_sha256))
            self.events.announce_accounts()
            self.scheduler.resume(account.name)
            self.start_fetch(self.accounts()[account.name])

    @Slot(str)
    def _fetch_cancelled(self, account_name: str) -> None:
        self.scheduler.record_cancelled(account_name)
        account = self.accounts().get(account_name)
        if not self.quitting and account is not None and account.id is not None:
            # The user's own Cancel is no interruption to mention at the next start; quitting is.
            interruption.forget(self.controller.profile.lock_directory, account.id)
        text = QCoreApplication.translate("MainWindow", "{0}: cancelled").format(account_name)
        self.last_summary[account_name] = (text, text)

    @Slot()
    def _fetch_idle(self) -> None:
        summaries = list(self.last_summary.values())
        self.fetch_status.set_idle("; ".join(short for short, _ in summaries),
                                   "\n\n".join(details for _, details in summaries))
        self.last_summary.clear()
