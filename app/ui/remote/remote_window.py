"""The remote mailbox window of one account (issue 18, Foxmail's 远程邮箱管理): what is on the server,
listed without downloading it, marked, and the marks carried out in one session.

Listing and executing run off the GUI thread (:class:`~app.ui.workers.background.BackgroundJob`,
each with its own Store), cancellable, with progress. The core does the POP3 work
(:func:`~app.core.remote.listing.list_remote`, :func:`~app.core.remote.execute.execute_marks`):
marks name UIDLs and the sizes seen, never numbers, so a listing from an earlier session can never
make the server delete a different message. After Execute, the main window hears of the new and
deleted mail and the server is listed again.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app.core.cancel import CancelToken
from app.core.errors import Cancelled, PoplarkError
from app.core.model import Account, Folder
from app.core.remote.execute import ExecutionReport, MarkAction, execute_marks
from app.core.remote.listing import NO_TOP_NOTE, RemoteListing, list_remote
from app.core.store import Profile, Store
from app.ui.errors import user_message
from app.ui.formatting import human_size
from app.ui.remote.gmail import gmail_note
from app.ui.remote.remote_model import Column, RemoteFilter, RemoteModel
from app.ui.store_events import Change, MessageChange, StoreEvents
from app.ui.workers.account_secret import with_account_secret
from app.ui.workers.background import BackgroundJob, ProgressCallback


class RemoteMailboxWindow(QMainWindow):
    """Lists ``account``'s server when shown; one job (listing or executing) at a time."""

    def __init__(self, profile: Profile, account: Account, events: StoreEvents,
                 session_password: Callable[[Account], str | None], parent: QWidget | None = None, *,
                 left_for_size: Callable[[int, int], None] | None = None,
                 stored: Callable[[], None] = lambda: None) -> None:
        super().__init__(parent)
        self.setObjectName("remoteMailboxWindow")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self.profile = profile
        self.account = account
        self.events = events
        self.session_password = session_password
        #: Told (account id, count) of the large messages left on the server after each listing.
        self.left_for_size = left_for_size
        #: Called after Execute stored mail (the search index catches up).
        self.stored = stored
        self.job: BackgroundJob | None = None
        self.cancel_token: CancelToken | None = None
        self.listing: RemoteListing | None = None
        self.last_report: ExecutionReport | None = None
        self._relist = False
        self.model = RemoteModel(account.policy.max_message_bytes, self)
        self.proxy = RemoteFilter(self.model, self)
        self._build()
        self.resize(900, 560)

    # -- building -----------------------------------------------------------------------------

    def _build(self) -> None:
        toolbar = QToolBar(self)
        toolbar.setObjectName("remoteToolbar")
        toolbar.setMovable(False)
        self.addToolBar(toolbar)
        self.list_action = self._action("listAgain", QKeySequence.StandardKey.Refresh, self.start_listing)
        self.mark_actions: dict[MarkAction, QAction] = {}
        for action, name, key in ((MarkAction.DOWNLOAD, "markDownload", "D"),
                                  (MarkAction.DOWNLOAD_AND_DELETE, "markDownloadAndDelete", "B"),
                                  (MarkAction.DELETE, "markDelete", "Del"), (MarkAction.LEAVE, "markLeave", "L")):
            self.mark_actions[action] = self._action(name, QKeySequence(key),
                                                     lambda checked=False, action=action: self.mark_selected(action))
        self.execute_action = self._action("execute", QKeySequence("Ctrl+Return"), self.confirm_and_execute)
        self.stop_action = self._action("stop", QKeySequence("Esc"), self.stop)
        toolbar.addAction(self.list_action)
        toolbar.addSeparator()
        toolbar.addActions(list(self.mark_actions.values()))
        toolbar.addSeparator()
        toolbar.addAction(self.execute_action)
        toolbar.addAction(self.stop_action)
        self.search_edit = QLineEdit(self)
        self.search_edit.setObjectName("remoteSearch")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.textChanged.connect(self.proxy.set_search)
        toolbar.addWidget(self.search_edit)

        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 4)
        self.notes_label = QLabel(central)
        self.notes_label.setObjectName("remoteNotes")
        self.notes_label.setWordWrap(True)
        self.notes_label.hide()
        layout.addWidget(self.notes_label)
        self.result_label = QLabel(central)
        self.result_label.setObjectName("remoteResult")
        self.result_label.setWordWrap(True)
        self.result_label.hide()
        layout.addWidget(self.result_label)
        self.table = QTableView(central)
        self.table.setObjectName("remoteTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(Column.DATE, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(Column.SUBJECT, QHeaderView.ResizeMode.Stretch)
        for column, width in ((Column.MARK, 160), (Column.SENDER, 200), (Column.DATE, 130), (Column.SIZE, 80),
                              (Column.HERE, 110)):
            self.table.setColumnWidth(column, width)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        layout.addWidget(self.table, 1)
        self.setCentralWidget(central)
        self.status_label = QLabel(self)
        self.status_label.setObjectName("remoteStatus")
        self.progress = QProgressBar(self)
        self.progress.setObjectName("remoteProgress")
        self.progress.setMaximumWidth(220)
        self.progress.hide()
        self.statusBar().addWidget(self.status_label, 1)
        self.statusBar().addPermanentWidget(self.progress)
        self._name_things()
        self._update_actions()

    def _name_things(self) -> None:
        """Every fixed text, in the current language (again after a LanguageChange)."""
        self.setWindowTitle(self.tr("Remote Mailbox: {0}").format(self.account.name))
        self.list_action.setText(self.tr("List Again"))
        for action, text in ((MarkAction.DOWNLOAD, self.tr("Download")),
                             (MarkAction.DOWNLOAD_AND_DELETE, self.tr("Download and Delete")),
                             (MarkAction.DELETE, self.tr("Delete on Server")), (MarkAction.LEAVE, self.tr("Leave"))):
            self.mark_actions[action].setText(text)
        self.execute_action.setText(self.tr("Execute"))
        self.stop_action.setText(self.tr("Stop"))
        self.search_edit.setPlaceholderText(self.tr("Search sender and subject"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._name_things()
            self.model.retranslate()
            if self.job is None:
                self._say_listing()
        super().changeEvent(event)

    def _action(self, name: str, key: QKeySequence | QKeySequence.StandardKey, slot: Callable[..., object]) -> QAction:
        action = QAction(self)
        action.setObjectName(name)
        action.setShortcut(key)
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def context_menu(self) -> QMenu:
        """The table's context menu: the four marks, with their keys."""
        menu = QMenu(self.table)
        menu.setObjectName("remoteContextMenu")
        menu.addActions(list(self.mark_actions.values()))
        return menu

    def _context_menu(self, position: QPoint) -> None:
        self.context_menu().popup(self.table.viewport().mapToGlobal(position))

    # -- marks --------------------------------------------------------------------------------

    def selected_rows(self) -> list[int]:
        return self.proxy.source_rows(sorted(index.row() for index in self.table.selectionModel().selectedRows()))

    def mark_selected(self, action: MarkAction) -> None:
        refused = self.model.set_mark(self.selected_rows(), action)
        if refused:
            self.status_label.setText(self.tr("{0} message(s) cannot be marked: the server gives them no name of "
                                              "their own (UIDL).").format(refused))
        else:
            self._say_marks()
        self._update_actions()

    def _say_marks(self) -> None:
        marks = self.model.marks_to_execute()
        if not marks:
            self._say_listing()
            return
        counts = {action: sum(1 for mark in marks if mark.action is action) for action in MarkAction}
        self.status_label.setText(self.tr("Marked: {0} to download, {1} to download and delete, {2} to delete on "
                                          "the server. Press Execute to carry them out.").format(
            counts[MarkAction.DOWNLOAD], counts[MarkAction.DOWNLOAD_AND_DELETE], counts[MarkAction.DELETE]))

    # -- listing ------------------------------------------------------------------------------

    def start_listing(self) -> None:
        if self.job is not None:
            return
        profile, account, password = self.profile, self.account, self.session_password(self.account)
        cancel = CancelToken()

        def run(report: ProgressCallback) -> RemoteListing:
            with Store.open(profile) as store:
                return with_account_secret(account, lambda secret: list_remote(
                    store, profile.lock_directory, account, secret, cancel=cancel,
                    progress=lambda done, total: report((done, total))), password)

        self.status_label.setText(self.tr("Listing the messages on the server…"))
        self._start(BackgroundJob(run, self), cancel, self._listed)

    def _listed(self, listing: object) -> None:
        assert isinstance(listing, RemoteListing)
        self.listing = listing
        self.model.set_messages(listing.messages)
        notes = [self._note_text(note) for note in listing.notes]
        gmail = gmail_note(self.account, len(listing.messages))
        if gmail:
            notes.append(gmail)
        self.notes_label.setText("\n".join(notes))
        self.notes_label.setVisible(bool(notes))
        self._say_listing()

    def _note_text(self, note: str) -> str:
        if note == NO_TOP_NOTE:
            return self.tr("The server cannot send headers alone (no TOP), so senders, subjects and dates are "
                           "not shown; sizes are.")
        return self.tr("The server does not name its messages (no UIDL), so single messages cannot be downloaded "
                       "or deleted safely here; Get Mail downloads them by the account's rules.")

    def _say_listing(self) -> None:
        listing = self.listing
        if listing is None:
            return
        large = self.model.left_for_size()
        if self.left_for_size is not None and self.account.id is not None:
            self.left_for_size(self.account.id, len(large))
        text = self.tr("{0} message(s) on the server, {1}.").format(
            len(listing.messages), human_size(listing.total_bytes))
        if large:
            text += " " + self.tr("{0} large message(s) left on the server (over the account's size limit).").format(
                len(large))
        self.status_label.setText(text)

    # -- executing ----------------------------------------------------------------------------

    def confirm_and_execute(self) -> None:
        """Execute, after asking when messages are to be deleted from the server (that cannot be undone)."""
        doomed = sum(1 for mark in self.model.marks_to_execute()
                     if mark.action in (MarkAction.DELETE, MarkAction.DOWNLOAD_AND_DELETE))
        if doomed and self.job is None:
            box = QMessageBox(QMessageBox.Icon.Question, self.tr("Delete on the Server"),
                              self.tr("{0} message(s) will be deleted from the server of {1}; this cannot be undone "
                                      "(those to download are deleted only once they are stored here).").format(
                                  doomed, self.account.name), parent=self)
            box.setObjectName("confirmDeleteOnServer")
            delete = box.addButton(self.tr("Execute"), QMessageBox.ButtonRole.AcceptRole)
            box.addButton(QMessageBox.StandardButton.Cancel)
            box.setDefaultButton(delete)
            box.exec()
            if box.clickedButton() is not delete:
                return
        self.execute()

    def execute(self) -> None:
        marks = self.model.marks_to_execute()
        if self.job is not None or not marks:
            return
        profile, account, password = self.profile, self.account, self.session_password(self.account)
        cancel = CancelToken()

        def run(report: ProgressCallback) -> ExecutionReport:
            with Store.open(profile) as store:
                return with_account_secret(account, lambda secret: execute_marks(
                    store, profile.lock_directory, account, secret, marks, cancel=cancel), password)

        self.result_label.hide()
        self.status_label.setText(self.tr("Carrying out {0} mark(s)…").format(len(marks)))
        self._start(BackgroundJob(run, self), cancel, self._executed)

    def _executed(self, report: object) -> None:
        assert isinstance(report, ExecutionReport)
        self.last_report = report
        done = self.tr("Downloaded {0}, deleted {1} from the server.").format(
            len(report.downloaded), len(report.deleted))
        if report.already_stored:
            done += " " + self.tr("{0} were here already.").format(len(report.already_stored))
        if report.refused:
            done += " " + self.tr("Not done: {0}.").format("; ".join(f"{uidl}: {why}" for uidl, why in report.refused))
        self.model.marks.clear()
        self.events.announce(MessageChange(Change.ADDED, None, Folder.INBOX))
        self.events.settle()
        if report.downloaded:
            self.stored()
        self.result_label.setText(done)
        self.result_label.show()
        self._relist = True  # what the server holds now, once this job's thread has ended

    # -- jobs ---------------------------------------------------------------------------------

    def _start(self, job: BackgroundJob, cancel: CancelToken, succeeded: Callable[[object], None]) -> None:
        self.job, self.cancel_token = job, cancel
        job.progressed.connect(self._progressed)
        job.succeeded.connect(succeeded)
        job.failed.connect(self._failed)
        job.finished.connect(self._job_ended)
        self.progress.setRange(0, 0)
        self.progress.show()
        self._update_actions()
        job.start()

    def _progressed(self, value: object) -> None:
        if isinstance(value, tuple):
            done, total = value
            self.progress.setRange(0, int(total))
            self.progress.setValue(int(done))

    def _failed(self, error: object) -> None:
        if isinstance(error, Cancelled):
            self.status_label.setText(self.tr("Stopped. Nothing was deleted on the server."))
        elif isinstance(error, PoplarkError):
            self.status_label.setText(user_message(error, self.account.name).text)
        else:
            self.status_label.setText(self.tr("Something unexpected went wrong: {0}. Try again.").format(error))

    def _job_ended(self) -> None:
        self.job, self.cancel_token = None, None
        self.progress.hide()
        self._update_actions()
        if self._relist:
            self._relist = False
            self.start_listing()

    def stop(self) -> None:
        if self.cancel_token is not None:
            self.cancel_token.cancel()

    def _update_actions(self) -> None:
        busy = self.job is not None
        self.list_action.setEnabled(not busy)
        self.execute_action.setEnabled(not busy and bool(self.model.marks))
        self.stop_action.setEnabled(busy)
        can_mark = self.listing is not None and self.listing.has_uidl
        for action in self.mark_actions.values():
            action.setEnabled(can_mark)

    def wait_for_job(self, milliseconds: int = 10_000) -> None:
        if self.job is not None:
            self.job.wait(milliseconds)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.stop()  # the session ends with RSET: nothing marked is carried out half-way
        super().closeEvent(event)
