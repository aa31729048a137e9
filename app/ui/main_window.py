"""The main window: account/folder tree, message list, preview; toolbar, menus, status bar, tray.

It wires the parts together and owns no mail logic: the models read the store, the fetch
controller runs the engine in worker threads, the scheduler says when, and app.ui.errors turns
failures into sentences. Everything here runs on the GUI thread and never waits on the network.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QByteArray,
    QCoreApplication,
    QEvent,
    QModelIndex,
    QObject,
    QSettings,
    QSize,
    Qt,
    QTimer,
    Slot,
)
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QIcon,
    QKeyEvent,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QSystemTrayIcon,
    QTableView,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from app.core import credentials
from app.core.errors import PoplarkError, StoreError, TlsError
from app.core.model import Account, FetchProgress, FetchReport, Folder, LeaveMode
from app.core.store import Profile, Store
from app.ui.dialogs.about import AboutDialog
from app.ui.dialogs.account_dialog import AccountDialog
from app.ui.dialogs.password_dialog import ask_password
from app.ui.dialogs.preferences import Preferences, PreferencesDialog
from app.ui.errors import Remedy, file_error_text, ignored_deletions_text, user_message
from app.ui.icons import application_icon, standard_icon
from app.ui.models.folder_model import FolderModel
from app.ui.models.inbox_model import Column, InboxModel
from app.ui.store_errors import reports_store_failures, store_action_text
from app.ui.widgets.fetch_status import FetchStatus
from app.ui.widgets.preview import PreviewPane
from app.ui.workers.background import BackgroundJob, ProgressCallback
from app.ui.workers.fetch_controller import FetchController
from app.ui.workers.scheduler import FetchScheduler
from app.ui.workers.search_indexer import SearchIndexer

log = logging.getLogger("poplark.ui")

#: The message list is refreshed at most this often while a fetch streams rows in (ms).
FOLDER_REFRESH_MS = 500
#: The welcome page's explanation wraps at this width (logical pixels).
WELCOME_TEXT_WIDTH = 520
#: The search box waits this long after the last keystroke before it queries (ms).
SEARCH_DEBOUNCE_MS = 150
#: The Flag button shows "checked" for a selection of at most this many messages, all flagged.
FLAG_STATE_ROWS = 1000
#: The "Text encoding" menu: (codec label, shown name, translated when the menu is built).
TEXT_ENCODINGS: tuple[tuple[str, object], ...] = (
    ("utf-8", QT_TRANSLATE_NOOP("MainWindow", "Unicode (UTF-8)")),
    ("gb18030", QT_TRANSLATE_NOOP("MainWindow", "Chinese Simplified (GB18030/GBK)")),
    ("big5", QT_TRANSLATE_NOOP("MainWindow", "Chinese Traditional (Big5)")),
    ("shift_jis", QT_TRANSLATE_NOOP("MainWindow", "Japanese (Shift_JIS)")),
    ("euc-jp", QT_TRANSLATE_NOOP("MainWindow", "Japanese (EUC-JP)")),
    ("iso-2022-jp", QT_TRANSLATE_NOOP("MainWindow", "Japanese (ISO-2022-JP)")),
    ("euc-kr", QT_TRANSLATE_NOOP("MainWindow", "Korean (EUC-KR)")),
    ("koi8-r", QT_TRANSLATE_NOOP("MainWindow", "Cyrillic (KOI8-R)")),
    ("windows-1251", QT_TRANSLATE_NOOP("MainWindow", "Cyrillic (Windows-1251)")),
    ("iso-8859-1", QT_TRANSLATE_NOOP("MainWindow", "Western (ISO-8859-1)")),
    ("windows-1252", QT_TRANSLATE_NOOP("MainWindow", "Western (Windows-1252)")),
    ("iso-8859-15", QT_TRANSLATE_NOOP("MainWindow", "Western (ISO-8859-15)")),
    ("iso-8859-2", QT_TRANSLATE_NOOP("MainWindow", "Central European (ISO-8859-2)")),
)


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
        self.session_passwords: dict[int, str] = {}
        self.new_mail_counts: dict[str, int] = {}
        self.last_summary: dict[str, str] = {}
        self.quitting = False
        self.setWindowTitle("Poplark")
        self.setWindowIcon(application_icon())
        self.setObjectName("mainWindow")

        self.controller = FetchController(profile, self)
        self.scheduler = FetchScheduler(clock=clock, tick_ms=scheduler_tick_ms, parent=self)
        self.folder_model = FolderModel(store, self)
        self.inbox_model = InboxModel(store, self)
        self._folder_refresh = QTimer(self)
        self._folder_refresh.setSingleShot(True)
        self._folder_refresh.setInterval(FOLDER_REFRESH_MS)
        self._folder_refresh.timeout.connect(self._refresh_counts)
        # "Mark as read after N seconds": one pending message at a time, dropped when the user
        # moves on, so skimming through the list leaves the skipped messages unread.
        self._mark_read_timer = QTimer(self)
        self._mark_read_timer.setObjectName("markReadTimer")
        self._mark_read_timer.setSingleShot(True)
        self._mark_read_timer.timeout.connect(self._mark_pending_read)
        self._pending_read_id: int | None = None

        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self._build_central()
        self._build_status_bar()
        self._build_tray()
        self._connect()
        self._restore_state()
        self.reload_accounts()
        self.preview.set_prefer_plain_text(self.plain_text_action.isChecked())
        self._update_pending_deletions()
        if self.store.pending_search_count():
            self.search_indexer.request()  # a store left with unindexed bodies (an interrupted run)

    # -- construction -------------------------------------------------------------------------

    def _action(self, name: str, text: str, slot: Callable[[], object], *,
                shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
                icon: QIcon | None = None) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if icon is not None:
            action.setIcon(icon)
        action.triggered.connect(lambda checked=False: slot())
        return action

    def _build_actions(self) -> None:
        self.get_mail_action = self._action("getMailAction", self.tr("Get Mail"), self.get_mail,
                                            shortcut="F5", icon=standard_icon("get_mail"))
        self.new_account_action = self._action("newAccountAction", self.tr("New Account…"), self.new_account,
                                               shortcut="Ctrl+Shift+N", icon=standard_icon("new_account"))
        self.account_settings_action = self._action("accountSettingsAction", self.tr("Account Settings…"),
                                                    self.edit_current_account, shortcut="Ctrl+Shift+E",
                                                    icon=standard_icon("settings"))
        self.delete_action = self._action("deleteAction", self.tr("Delete"), self.delete_selected,
                                          shortcut=QKeySequence.StandardKey.Delete, icon=standard_icon("delete"))
        self.mark_read_action = self._action("markReadAction", self.tr("Mark as Read"),
                                             lambda: self.mark_selected(True), shortcut="Ctrl+R",
                                             icon=standard_icon("read"))
        self.mark_unread_action = self._action("markUnreadAction", self.tr("Mark as Unread"),
                                               lambda: self.mark_selected(False), shortcut="Ctrl+Shift+U",
                                               icon=standard_icon("unread"))
        self.flag_action = self._action("flagAction", self.tr("Flag"), self.toggle_flag_selected,
                                        shortcut="Ctrl+Shift+F", icon=standard_icon("flag"))
        # Checked while every selected message is flagged: the toolbar button shows the state,
        # and triggering it then unflags.
        self.flag_action.setCheckable(True)
        self.restore_action = self._action("restoreAction", self.tr("Restore to Inbox"), self.restore_selected,
                                           shortcut="Ctrl+Shift+R")
        self.empty_trash_action = self._action("emptyTrashAction", self.tr("Empty Trash…"), self.empty_trash,
                                               shortcut="Ctrl+Shift+Del")
        self.import_action = self._action("importAction", self.tr("Import Messages…"), self.import_messages,
                                          shortcut="Ctrl+I")
        self.export_eml_action = self._action("exportEmlAction", self.tr("Export Selected Messages…"),
                                              self.export_selected, shortcut="Ctrl+S")
        self.export_mbox_action = self._action("exportMboxAction", self.tr("Export Folder as mbox…"),
                                               self.export_folder, shortcut="Ctrl+Shift+S")
        self.view_source_action = self._action("viewSourceAction", self.tr("Message Source"),
                                               self._view_source,
                                               shortcut="Ctrl+U")
        self.plain_text_action = self._action("plainTextAction", self.tr("Show Message as Plain Text"),
                                              self._body_format_changed, shortcut="Ctrl+Shift+P")
        self.plain_text_action.setCheckable(True)
        self.plain_text_action.setChecked(bool(self.settings.value("view/plainText", False, type=bool)))
        self.encoding_group = QActionGroup(self)
        self.encoding_group.setExclusive(True)
        automatic = QAction(self.tr("Automatic"), self)
        automatic.setCheckable(True)
        automatic.setChecked(True)
        automatic.setData("")
        self.encoding_group.addAction(automatic)
        for label, name in TEXT_ENCODINGS:
            action = QAction(QCoreApplication.translate("MainWindow", str(name)), self)
            action.setCheckable(True)
            action.setData(label)
            self.encoding_group.addAction(action)
        self.encoding_group.triggered.connect(self._encoding_chosen)
        self.preferences_action = self._action("preferencesAction", self.tr("Preferences…"), self.edit_preferences,
                                               shortcut=QKeySequence.StandardKey.Preferences)
        if self.preferences_action.shortcut().isEmpty():
            # Most Linux desktops define no standard key for it; Ctrl+, is what GNOME apps use.
            self.preferences_action.setShortcut(QKeySequence("Ctrl+,"))
        self.about_action = self._action("aboutAction", self.tr("About Poplark"), self.show_about)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.preferences_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.quit_action = self._action("quitAction", self.tr("Quit"), self.quit, shortcut="Ctrl+Q")
        self.cancel_action = self._action("cancelAction", self.tr("Cancel Fetch"), self.controller.cancel,
                                          shortcut="Esc")
        self.search_action = self._action("searchAction", self.tr("Search"), self._focus_search, shortcut="Ctrl+F")
        self.addAction(self.search_action)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        file_menu.addAction(self.get_mail_action)
        file_menu.addAction(self.cancel_action)
        file_menu.addSeparator()
        file_menu.addAction(self.import_action)
        file_menu.addAction(self.export_eml_action)
        file_menu.addAction(self.export_mbox_action)
        file_menu.addSeparator()
        file_menu.addAction(self.new_account_action)
        file_menu.addAction(self.account_settings_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit_menu = self.menuBar().addMenu(self.tr("&Edit"))
        edit_menu.addAction(self.delete_action)
        edit_menu.addAction(self.restore_action)
        edit_menu.addAction(self.empty_trash_action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.mark_read_action)
        edit_menu.addAction(self.mark_unread_action)
        edit_menu.addAction(self.flag_action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.search_action)
        edit_menu.addAction(self.preferences_action)
        view_menu = self.menuBar().addMenu(self.tr("&View"))
        view_menu.addAction(self.plain_text_action)
        self.encoding_menu = view_menu.addMenu(self.tr("Text Encoding"))
        self.encoding_menu.setObjectName("textEncodingMenu")
        actions = self.encoding_group.actions()
        self.encoding_menu.addAction(actions[0])
        self.encoding_menu.addSeparator()
        self.encoding_menu.addActions(actions[1:])
        view_menu.addSeparator()
        view_menu.addAction(self.view_source_action)
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        help_menu.addAction(self.about_action)
        # The POP3 conversation of the last session per account, for a bug report (secrets redacted).
        self.save_protocol_log_action = help_menu.addAction(self.tr("Save Protocol Log…"))
        self.save_protocol_log_action.setObjectName("saveProtocolLogAction")
        self.save_protocol_log_action.setShortcut(QKeySequence("Ctrl+Shift+L"))
        self.save_protocol_log_action.triggered.connect(lambda checked=False: self.save_protocol_log())

    def save_protocol_log(self) -> None:
        from PySide6.QtWidgets import QFileDialog, QMessageBox

        from app.core import protocol_log

        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save Protocol Log"), "poplark-protocol.log",
                                              self.tr("Log files (*.log *.txt)"))
        if not path:
            return
        try:
            protocol_log.write_private(Path(path), protocol_log.render())
        except OSError as error:
            QMessageBox.warning(self, self.tr("Save Protocol Log"),
                                self.tr("The log could not be saved: %1. Choose another folder.")
                                .replace("%1", error.strerror or str(error)))

    def _build_toolbar(self) -> None:
        toolbar = self.addToolBar(self.tr("Main"))
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setIconSize(QSize(22, 22))
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.get_mail_menu = QMenu(self)
        self.get_mail_button = QToolButton(self)
        self.get_mail_button.setObjectName("getMailButton")
        self.get_mail_button.setDefaultAction(self.get_mail_action)
        self.get_mail_button.setMenu(self.get_mail_menu)
        self.get_mail_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.get_mail_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toolbar.addWidget(self.get_mail_button)
        toolbar.addSeparator()
        toolbar.addAction(self.new_account_action)
        toolbar.addAction(self.delete_action)
        toolbar.addAction(self.mark_read_action)
        toolbar.addAction(self.mark_unread_action)
        toolbar.addAction(self.flag_action)
        spacer = QWidget(self)
        spacer.setSizePolicy(spacer.sizePolicy().horizontalPolicy().Expanding,
                             spacer.sizePolicy().verticalPolicy().Preferred)
        toolbar.addWidget(spacer)
        self.search_box = QLineEdit(self)
        self.search_box.setObjectName("searchBox")
        self.search_box.setPlaceholderText(self.tr("Search messages"))
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setMaximumWidth(280)
        toolbar.addWidget(self.search_box)

    def _build_central(self) -> None:
        self.stack = QStackedWidget(self)
        self.welcome = self._build_welcome()
        self.stack.addWidget(self.welcome)

        self.folder_view = QTreeView(self)
        self.folder_view.setObjectName("folderView")
        self.folder_view.setModel(self.folder_model)
        self.folder_view.setHeaderHidden(True)
        self.folder_view.setMinimumWidth(160)

        self.message_view = QTableView(self)
        self.message_view.setObjectName("messageView")
        self.message_view.setModel(self.inbox_model)
        self.message_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.message_view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        # Before enabling sorting, which sorts at once by the indicator (column 0 by default).
        self.message_view.horizontalHeader().setSortIndicator(Column.DATE, Qt.SortOrder.DescendingOrder)
        self.message_view.setSortingEnabled(True)
        self.message_view.setShowGrid(False)
        self.message_view.setWordWrap(False)
        self.message_view.setAlternatingRowColors(True)
        self.message_view.verticalHeader().hide()
        self.message_view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.message_view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.message_view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setHighlightSections(False)
        self._set_default_column_widths()

        self.preview = PreviewPane(self.store.path, self, settings=self.settings,
                                   remote_content=self.preferences.remote_content)
        self.preview.setObjectName("previewPane")
        self.message_view.installEventFilter(self)
        self.message_view.setDragDropMode(QAbstractItemView.DragDropMode.NoDragDrop)
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
        mail_layout.addWidget(self._build_info_bar())
        mail_layout.addWidget(self.main_splitter, 1)
        self.stack.addWidget(mail_page)
        self.setCentralWidget(self.stack)
        # Tab walks the panes in reading order: folders, messages, the message itself.
        self.setTabOrder(self.folder_view, self.message_view)
        self.setTabOrder(self.message_view, self.preview.body)

    def _build_info_bar(self) -> QFrame:
        """A bar above the panes for news that must not be missed but needs no answer (a server
        that ignores deletions); it stays until the user closes it."""
        bar = QFrame(self)
        bar.setObjectName("infoBar")
        bar.setFrameShape(QFrame.Shape.StyledPanel)
        bar.setAutoFillBackground(True)
        palette = bar.palette()
        palette.setColor(bar.backgroundRole(), palette.color(palette.ColorRole.ToolTipBase))
        palette.setColor(bar.foregroundRole(), palette.color(palette.ColorRole.ToolTipText))
        bar.setPalette(palette)
        layout = QHBoxLayout(bar)
        layout.setContentsMargins(8, 4, 4, 4)
        self.info_label = QLabel(bar)
        self.info_label.setObjectName("infoLabel")
        self.info_label.setWordWrap(True)
        self.info_label.setTextFormat(Qt.TextFormat.PlainText)
        self.info_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.info_label, 1)
        close = QToolButton(bar)
        close.setObjectName("infoBarCloseButton")
        close.setAutoRaise(True)
        close.setText("\u2715")
        close.setToolTip(self.tr("Close"))
        close.clicked.connect(self.close_info_bar)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        bar.hide()
        self.info_bar = bar
        return bar

    def show_info(self, text: str) -> None:
        """Add a line to the info bar (each line once) and show it."""
        lines = [line for line in self.info_label.text().split("\n") if line]
        if text not in lines:
            lines.append(text)
        self.info_label.setText("\n".join(lines))
        self.info_bar.show()

    def close_info_bar(self) -> None:
        self.info_label.clear()
        self.info_bar.hide()

    def _set_default_column_widths(self) -> None:
        header = self.message_view.horizontalHeader()
        widths = {Column.SEEN: 26, Column.ATTACHMENT: 26, Column.FLAG: 26, Column.SENDER: 220, Column.DATE: 140,
                  Column.SIZE: 70}
        for column in Column:
            if column is Column.SUBJECT:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
            else:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
                header.resizeSection(column, widths[column])

    def _build_welcome(self) -> QWidget:
        page = QWidget(self)
        page.setObjectName("welcomePage")
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        logo = QLabel(page)
        logo.setPixmap(application_icon().pixmap(96, 96))
        logo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(logo)
        title = QLabel(self.tr("Welcome to Poplark"), page)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        title.setFont(font)
        layout.addWidget(title)
        text = QLabel(self.tr("Add your mail account to start. Type your address (QQ, 163, Gmail, your "
                              "company…) and Poplark fills in the server settings."), page)
        text.setObjectName("welcomeText")
        text.setWordWrap(True)
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # A centred label gets its size hint, whose height ignores wrapping at the width it is
        # given: fix the width and ask for the height the wrapped lines need (Chinese wraps into
        # more lines than English at the same width).
        text.setFixedWidth(WELCOME_TEXT_WIDTH)
        text.setMinimumHeight(text.heightForWidth(WELCOME_TEXT_WIDTH))
        layout.addWidget(text, 0, Qt.AlignmentFlag.AlignHCenter)
        button = QPushButton(self.tr("Add an account…"), page)
        button.setObjectName("welcomeAddAccountButton")
        button.setDefault(True)
        button.clicked.connect(self.new_account)
        layout.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        return page

    def _build_status_bar(self) -> None:
        self.fetch_status = FetchStatus(self)
        self.fetch_status.cancel_requested.connect(self.controller.cancel)
        self.statusBar().addPermanentWidget(self.fetch_status, 1)
        self.pending_deletions_label = QLabel(self)
        self.pending_deletions_label.setObjectName("pendingDeletionsLabel")
        self.pending_deletions_label.hide()
        self.statusBar().addPermanentWidget(self.pending_deletions_label)

    def show_status(self, text: str) -> None:
        """A short note in the status bar. The fetch area fills the whole bar, which would hide a
        QStatusBar.showMessage() text, so the note goes into its label while no fetch runs (a
        fetch's own texts take over, and its summary replaces the note when it ends)."""
        if not self.controller.running():
            self.fetch_status.set_idle(text)

    def _build_tray(self) -> None:
        self.tray = QSystemTrayIcon(application_icon(), self)
        self.tray.setObjectName("trayIcon")
        tray_menu = QMenu(self)
        show_action = tray_menu.addAction(self.tr("Show Poplark"))
        show_action.triggered.connect(self.show_from_tray)
        tray_menu.addAction(self.get_mail_action)
        tray_menu.addSeparator()
        tray_menu.addAction(self.quit_action)
        self.tray.setContextMenu(tray_menu)
        self.tray.activated.connect(self._tray_activated)
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray.show()

    def _connect(self) -> None:
        self.folder_view.selectionModel().currentChanged.connect(self._folder_changed)
        self.message_view.selectionModel().selectionChanged.connect(self._selection_changed)
        # Results follow the typing, one query per pause rather than per keystroke.
        self._search_timer = QTimer(self)
        self._search_timer.setObjectName("searchTimer")
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DEBOUNCE_MS)
        self._search_timer.timeout.connect(lambda: self._search_changed(self.search_box.text()))
        self.search_box.textChanged.connect(lambda text: self._search_timer.start())
        self.search_indexer = SearchIndexer(self.store.path, self)
        self.preview.open_message.connect(self._open_attached_message)
        self.message_view.clicked.connect(self._message_clicked)
        # Right-click on the list: the actions on the selection, as in the Edit menu.
        self.message_view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        for action in (self.mark_read_action, self.mark_unread_action, self.flag_action, None, self.delete_action,
                       self.restore_action, None, self.export_eml_action, self.view_source_action):
            if action is None:
                separator = QAction(self.message_view)
                separator.setSeparator(True)
                self.message_view.addAction(separator)
            else:
                self.message_view.addAction(action)
        self._mailbox_jobs: set[BackgroundJob] = set()
        self.controller.started.connect(self._fetch_started)
        self.controller.progress.connect(self._fetch_progress)
        self.controller.messages_stored.connect(self._messages_stored)
        self.controller.finished.connect(self._fetch_finished)
        self.controller.failed.connect(self._fetch_failed)
        self.controller.cancelled.connect(self._fetch_cancelled)
        self.controller.idle.connect(self._fetch_idle)
        self.scheduler.due.connect(self._scheduled_fetch)
        self.preview.shown.connect(self._message_shown)
        self.inbox_model.counts_changed.connect(self._schedule_count_refresh)

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
        header = self.message_view.horizontalHeader()
        header_state = self.settings.value("window/messageHeader")
        if not (isinstance(header_state, QByteArray) and header.restoreState(header_state)):
            header.setSortIndicator(Column.DATE, Qt.SortOrder.DescendingOrder)  # newest first
        self.inbox_model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())

    def save_state(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/mainSplitter", self.main_splitter.saveState())
        self.settings.setValue("window/rightSplitter", self.right_splitter.saveState())
        self.settings.setValue("window/messageHeader", self.message_view.horizontalHeader().saveState())
        self.settings.sync()

    def reload_accounts(self) -> None:
        """Re-read the accounts: tree, Get Mail menu, scheduler, welcome page."""
        accounts = self.store.accounts()
        self.accounts = {account.name: account for account in accounts}
        self.folder_model.refresh()
        self.folder_view.expandAll()
        self.get_mail_menu.clear()
        for account in accounts:
            action = self.get_mail_menu.addAction(account.display_name or account.name)
            action.triggered.connect(lambda checked=False, name=account.name: self.get_mail(name))
        self.scheduler.set_accounts(accounts)
        has_accounts = bool(accounts)
        self.stack.setCurrentIndex(1 if has_accounts else 0)
        for action in (self.get_mail_action, self.account_settings_action, self.delete_action,
                       self.mark_read_action, self.mark_unread_action, self.flag_action):
            action.setEnabled(has_accounts)
        self.search_box.setEnabled(has_accounts)
        if has_accounts and not self.folder_view.currentIndex().isValid():
            first = self.folder_model.index(0, 0)
            inbox = self.folder_model.index(0, 0, first) if self.folder_model.rowCount(first) else first
            self.folder_view.setCurrentIndex(inbox)
        self._update_folder_actions()
        self._update_tray()

    def start(self) -> None:
        """Begin scheduled checks (the first one at once: 'check at start-up')."""
        self.scheduler.start()

    # -- folders, list, preview ---------------------------------------------------------------------

    @Slot()
    def _folder_changed(self) -> None:
        location = self.folder_model.folder_at(self.folder_view.currentIndex())
        if location is None:
            return
        account_id, folder = location
        self._cancel_pending_read()
        self.inbox_model.set_folder(account_id, folder)
        self.preview.clear()
        self._update_folder_actions()

    def _update_folder_actions(self) -> None:
        location = self.current_folder()
        has_accounts = bool(getattr(self, "accounts", None))
        folder = location[1] if location is not None else None
        # In Trash, Delete deletes for good (after asking), as in other mail programs.
        self.delete_action.setEnabled(has_accounts and folder in (Folder.INBOX, Folder.TRASH))
        self.restore_action.setEnabled(has_accounts and folder is Folder.TRASH)
        self.empty_trash_action.setEnabled(has_accounts and folder is Folder.TRASH)
        for action in (self.flag_action, self.export_eml_action, self.export_mbox_action, self.import_action):
            action.setEnabled(has_accounts)

    def current_folder(self) -> tuple[int | None, Folder] | None:
        return self.folder_model.folder_at(self.folder_view.currentIndex())

    def selected_rows(self) -> list[int]:
        return sorted({index.row() for index in self.message_view.selectionModel().selectedRows()})

    @Slot()
    def _selection_changed(self) -> None:
        self._cancel_pending_read()
        rows = self.selected_rows()
        self._reset_encoding()  # an encoding chosen for one message is not a guess for the next
        if len(rows) == 1:
            self.preview.show_message(self.inbox_model.summary(rows[0]))
        else:
            self.preview.clear()
        self._update_flag_action()

    def _update_flag_action(self) -> None:
        rows = self.selected_rows()
        try:
            # A huge selection (Ctrl+A in a big folder) is not read row by row just for the button.
            flagged = 0 < len(rows) <= FLAG_STATE_ROWS and all(self.inbox_model.summary(row).flagged for row in rows)
        except KeyError:  # deleted by another connection meanwhile
            flagged = False
        self.flag_action.setChecked(flagged)

    @Slot(int)
    def _message_shown(self, message_id: int) -> None:
        if not self.preferences.mark_read_when_shown:
            return
        delay = self.preferences.mark_read_delay_seconds
        if delay <= 0:
            self._mark_read(message_id)
            return
        self._pending_read_id = message_id
        self._mark_read_timer.start(delay * 1000)

    def _cancel_pending_read(self) -> None:
        self._mark_read_timer.stop()
        self._pending_read_id = None

    @Slot()
    def _mark_pending_read(self) -> None:
        message_id, self._pending_read_id = self._pending_read_id, None
        # Still the message on screen: a folder change or search clears the preview first.
        if message_id is not None and self.preview.message_id == message_id:
            self._mark_read(message_id)

    @reports_store_failures
    def _mark_read(self, message_id: int) -> None:
        row = self.inbox_model.row_of(message_id)
        if row is not None and not self.inbox_model.summary(row).seen:
            self.inbox_model.set_seen([row], True)
            self._schedule_count_refresh()

    @Slot(str)
    def _search_changed(self, text: str) -> None:
        self._search_timer.stop()
        self._cancel_pending_read()
        self.inbox_model.set_search(text)
        self.preview.clear()

    def _focus_search(self) -> None:
        self.search_box.setFocus()
        self.search_box.selectAll()

    @reports_store_failures
    def mark_selected(self, seen: bool) -> None:
        # The user has decided: a pending "mark read when shown" must not undo Mark as Unread.
        self._cancel_pending_read()
        rows = self.selected_rows()
        if rows:
            self.inbox_model.set_seen(rows, seen)
            self._schedule_count_refresh()

    @reports_store_failures
    def delete_selected(self) -> None:
        """Inbox: move the selection to Trash. Trash: delete it for good, after asking."""
        location = self.current_folder()
        rows = self.selected_rows()
        if not rows or location is None:
            return
        if location[1] is Folder.TRASH:
            self._delete_selected_for_good(rows)
            return
        if location[1] is not Folder.INBOX:
            return
        ids = [self.inbox_model.message_id(row) for row in rows]
        next_row = min(rows)
        self.store.move_to_folder(ids, Folder.TRASH)
        self.inbox_model.remove_ids(ids)
        self._schedule_count_refresh()
        self._update_pending_deletions()
        if self.inbox_model.rowCount():
            self.message_view.selectRow(min(next_row, self.inbox_model.rowCount() - 1))

    # -- mailbox actions ------------------------------------------------------------------------

    def selected_ids(self) -> list[int]:
        return [self.inbox_model.message_id(row) for row in self.selected_rows()]

    @Slot(QModelIndex)
    def _message_clicked(self, index: QModelIndex) -> None:
        # A click on the star toggles it, as in most mail programs; anywhere else just selects.
        if index.isValid() and index.column() == Column.FLAG:
            flagged = self.inbox_model.summary(index.row()).flagged
            self.inbox_model.set_flagged([index.row()], not flagged)
            self._update_flag_action()

    @reports_store_failures
    def toggle_flag_selected(self) -> None:
        """Flag the selection, or unflag it when every selected message is flagged already."""
        rows = self.selected_rows()
        if rows:
            flagged = all(self.inbox_model.summary(row).flagged for row in rows)
            self.inbox_model.set_flagged(rows, not flagged)
        self._update_flag_action()

    @reports_store_failures
    def restore_selected(self) -> None:
        location = self.current_folder()
        rows = self.selected_rows()
        if not rows or location is None or location[1] is not Folder.TRASH:
            return
        ids = [self.inbox_model.message_id(row) for row in rows]
        self.store.restore(ids)
        self.inbox_model.remove_ids(ids)
        self.preview.clear()
        self._schedule_count_refresh()
        self._update_pending_deletions()

    def empty_trash(self) -> None:
        location = self.current_folder()
        if location is None or location[1] is not Folder.TRASH:
            return
        account_id = location[0]
        # From the store, not the list: a search may hide some of what Empty Trash deletes.
        count = len(self.store.message_ids(account_id, Folder.TRASH))
        if not count:
            return
        text = self.tr("Delete the {0} message(s) in Trash for good? This cannot be undone.").format(count)
        mirrored = any(account.policy.leave_mode is LeaveMode.DELETE_WHEN_DELETED_LOCALLY
                       for account in self.accounts.values() if account_id in (None, account.id))
        if not self._confirm_delete_for_good(self.tr("Empty Trash"), text, mirrored):
            return
        shown = [self.inbox_model.message_id(row) for row in range(self.inbox_model.rowCount())]
        self._delete_in_background(shown, lambda store: store.empty_trash(account_id))

    def _delete_selected_for_good(self, rows: list[int]) -> None:
        ids = [self.inbox_model.message_id(row) for row in rows]
        accounts: set[str] = set()
        for row in rows:
            try:
                accounts.add(self.inbox_model.summary(row).account)
            except KeyError:
                continue  # already deleted by another connection
        mirrored = any(self.accounts[name].policy.leave_mode is LeaveMode.DELETE_WHEN_DELETED_LOCALLY
                       for name in accounts if name in self.accounts)
        text = self.tr("Delete {0} message(s) for good? This cannot be undone.").format(len(ids))
        if not self._confirm_delete_for_good(self.tr("Delete Messages"), text, mirrored):
            return
        next_row = min(rows)
        self._delete_in_background(ids, lambda store: store.delete_for_good(ids))
        if self.inbox_model.rowCount():
            self.message_view.selectRow(min(next_row, self.inbox_model.rowCount() - 1))

    def _confirm_delete_for_good(self, title: str, text: str, mirrored: bool) -> bool:
        if mirrored:
            text += "\n\n" + self.tr("Messages still on the server will be deleted from the server at the next "
                                      "check, as the account settings say.")
        answer = QMessageBox.question(self, title, text,
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                                      QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Yes

    def _delete_in_background(self, shown_ids: list[int], delete: Callable[[Store], int]) -> BackgroundJob:
        """Take ``shown_ids`` off the list at once and run ``delete`` on a store of its own in a
        background job: deleting thousands of messages takes seconds (5,000 in about 2 s)."""
        database_path = self.store.path
        self._cancel_pending_read()
        self.preview.clear()
        self.inbox_model.remove_ids(shown_ids)

        def run(report: ProgressCallback) -> int:
            with Store(database_path) as store:
                return delete(store)

        job = self._run_mailbox_job(run, self._deleted_for_good, self.tr("Delete failed"))
        job.failed.connect(lambda error: self.inbox_model.refresh())  # the rows come back
        return job

    @Slot(object)
    def _deleted_for_good(self, count: object) -> None:
        self.inbox_model.refresh()
        self._refresh_counts()
        self._update_pending_deletions()
        self.show_status(self.tr("{0} message(s) deleted for good").format(count))

    def _update_pending_deletions(self) -> None:
        count = self.store.pending_server_deletions()
        self.pending_deletions_count = count
        self.pending_deletions_label.setText(
            self.tr("{0} message(s) will be deleted from the server at the next check").format(count))
        self.pending_deletions_label.setVisible(count > 0)

    def _import_account_id(self) -> int | None:
        location = self.current_folder()
        if location is not None and location[0] is not None:
            return location[0]
        account = self.current_account()
        return account.id if account is not None else None

    def import_messages(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, self.tr("Import Messages"), str(Path.home()),
                                                self.tr("Mail messages (*.eml);;All files (*)"))
        if names:
            self.import_files([Path(name) for name in names])

    def import_files(self, paths: list[Path]) -> None:
        """Store each file as a message of the current account's Inbox (in a background job)."""
        account_id = self._import_account_id()
        if account_id is None or not paths:
            return
        database_path = self.store.path

        def run(report: ProgressCallback) -> list[int]:
            from app.core.mailbox import import_eml_files
            from app.core.store import Store

            with Store(database_path) as store:
                return import_eml_files(store, account_id, paths)

        self._run_mailbox_job(run, self._imported, self.tr("Import failed"))

    @Slot(object)
    def _imported(self, ids: object) -> None:
        location = self.current_folder()
        if isinstance(ids, list) and location is not None and location[1] is Folder.INBOX:
            self.inbox_model.add_new_messages(ids)
        self._schedule_count_refresh()
        self.search_indexer.request()
        self.show_status(self.tr("{0} message(s) imported").format(len(ids) if isinstance(ids, list) else 0))

    def export_selected(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        directory = QFileDialog.getExistingDirectory(self, self.tr("Export Messages To"), str(Path.home()))
        if not directory:
            return
        database_path = self.store.path

        def run(report: ProgressCallback) -> list[Path]:
            from app.core.mailbox import export_eml
            from app.core.store import Store

            with Store(database_path) as store:
                return export_eml(store, ids, Path(directory))

        self._run_mailbox_job(run, self._exported, self.tr("Export failed"))

    def export_folder(self) -> None:
        location = self.current_folder()
        if location is None:
            return
        ids = [self.inbox_model.message_id(row) for row in range(self.inbox_model.rowCount())]
        if not ids:
            return
        target, _ = QFileDialog.getSaveFileName(self, self.tr("Export Folder as mbox"),
                                                str(Path.home() / f"{location[1].value}.mbox"),
                                                self.tr("mbox files (*.mbox);;All files (*)"))
        if not target:
            return
        database_path = self.store.path

        def run(report: ProgressCallback) -> list[Path]:
            import os
            import secrets

            from app.core.mailbox import export_mbox
            from app.core.store import Store

            # The dialog has asked before replacing a file; export_mbox never overwrites, so
            # write beside it and swap it in whole (a failed export leaves the old file intact).
            path = Path(target)
            partial = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
            try:
                with Store(database_path) as store:
                    export_mbox(store, ids, partial)
                os.replace(partial, path)
            finally:
                partial.unlink(missing_ok=True)
            return [path]

        self._run_mailbox_job(run, self._exported, self.tr("Export failed"))

    @Slot(object)
    def _exported(self, paths: object) -> None:
        self.last_export = list(paths) if isinstance(paths, list) else []
        self.show_status(self.tr("{0} file(s) written").format(len(self.last_export)))

    def _run_mailbox_job(self, function: Callable[[ProgressCallback], object],
                         on_success: Callable[[object], None], failure_title: str) -> BackgroundJob:
        job = BackgroundJob(function, self)
        job.succeeded.connect(on_success)
        job.failed.connect(lambda error: self._mailbox_job_failed(failure_title, error))
        job.finished.connect(lambda: self._mailbox_jobs.discard(job))
        self._mailbox_jobs.add(job)
        job.start()
        return job

    def show_store_failure(self, error: StoreError) -> None:
        """A mailbox action failed in the store: say why and what to do (see app.ui.store_errors)."""
        QMessageBox.warning(self, self.tr("Mail store problem"), store_action_text(error))

    def _mailbox_job_failed(self, title: str, error: object) -> None:
        if self.quitting:
            return
        if isinstance(error, OSError):  # export or import: a file, not an account, is the matter
            QMessageBox.warning(self, title, file_error_text(error))
        elif isinstance(error, Exception):
            message = user_message(error, "")
            QMessageBox.warning(self, title, message.text)

    # -- drag and drop (.eml import) ----------------------------------------------------------------

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
            self.import_files(paths)
        else:
            event.ignore()

    # -- reading --------------------------------------------------------------------------------

    def _view_source(self) -> None:
        self.source_window = self.preview.view_source()

    def _body_format_changed(self) -> None:
        plain = self.plain_text_action.isChecked()
        self.settings.setValue("view/plainText", plain)
        self.preview.set_prefer_plain_text(plain)

    @Slot(QAction)
    def _encoding_chosen(self, action: QAction) -> None:
        label = action.data()
        self.preview.set_charset_override(str(label) if label else None)

    def _reset_encoding(self) -> None:
        self.encoding_group.actions()[0].setChecked(True)

    @Slot(bytes, str)
    def _open_attached_message(self, raw: bytes, title: str) -> None:
        from app.ui.widgets.message_window import MessageWindow

        window = MessageWindow(raw, title, self, settings=self.settings,
                               remote_content=self.preferences.remote_content)
        window.show()
        self.attached_windows = [*getattr(self, "attached_windows", []), window]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Space in the message list reads on: the next page of the message, then the next message.
        if (watched is self.message_view and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_Space
                and not event.modifiers()):
            self.read_on()
            return True
        return super().eventFilter(watched, event)

    def read_on(self) -> None:
        if self.preview.scroll_page():
            return
        rows = self.selected_rows()
        next_row = (rows[-1] + 1) if rows else 0
        if next_row < self.inbox_model.rowCount():
            self.message_view.selectRow(next_row)

    def _schedule_count_refresh(self) -> None:
        if not self._folder_refresh.isActive():
            self._folder_refresh.start()

    @Slot()
    def _refresh_counts(self) -> None:
        current = self.current_folder()
        self.folder_model.refresh()
        self.folder_view.expandAll()
        if current is not None:
            index = self.folder_model.index_for(*current)
            if index is not None and index.isValid():
                self.folder_view.selectionModel().blockSignals(True)
                self.folder_view.setCurrentIndex(index)
                self.folder_view.selectionModel().blockSignals(False)
        self._update_tray()

    def _update_tray(self) -> None:
        unread = sum(count for (_, folder), count in self.store.unread_counts().items() if folder == Folder.INBOX)
        self.unread_total = unread
        self.tray.setToolTip(self.tr("Poplark: {0} unread").format(unread) if unread else "Poplark")
        self.setWindowTitle(f"Poplark ({unread})" if unread else "Poplark")

    # -- fetching ---------------------------------------------------------------------------------

    def get_mail(self, account_name: str | None = None) -> None:
        names = [account_name] if account_name else list(self.accounts)
        for name in names:
            account = self.accounts.get(name)
            if account is not None:
                self.scheduler.resume(name)
                self._start_fetch(account)

    @Slot(object)
    def _scheduled_fetch(self, account: Account) -> None:
        self._start_fetch(self.accounts.get(account.name, account))

    def _start_fetch(self, account: Account, password: str | None = None) -> None:
        assert account.id is not None
        if password is None:
            password = self.session_passwords.get(account.id)
        if self.controller.start(account, password):
            self.scheduler.mark_running(account.name)

    @Slot(str)
    def _fetch_started(self, account_name: str) -> None:
        self.new_mail_counts[account_name] = 0

    @Slot(object)
    def _fetch_progress(self, progress: FetchProgress) -> None:
        self.fetch_status.show_progress(progress)

    @Slot(str, list)
    def _messages_stored(self, account_name: str, ids: list[int]) -> None:
        self.new_mail_counts[account_name] = self.new_mail_counts.get(account_name, 0) + len(ids)
        account = self.accounts.get(account_name)
        location = self.current_folder()
        if account is not None and location is not None:
            account_id, folder = location
            # New mail lands in the Inbox; show it only where it belongs.
            if folder is Folder.INBOX and account_id in (None, account.id):
                self.inbox_model.add_new_messages(ids)
        self._schedule_count_refresh()

    @Slot(str, object)
    def _fetch_finished(self, account_name: str, report: FetchReport) -> None:
        self.scheduler.record_success(account_name, report)
        new = report.new_messages
        if new:
            text = self.tr("{0}: {1} new message(s)").format(account_name, new)
            self._notify_new_mail(account_name, new)
        else:
            text = self.tr("{0}: no new mail").format(account_name)
        if report.warnings:
            text += " — " + report.warnings[0]
        if report.ignored_deletions:
            # Reported by the engine in one session only, so this shows once per account.
            self.show_info(ignored_deletions_text(account_name, report.ignored_deletions))
        self.last_summary[account_name] = text
        self._folder_refresh.stop()
        self._refresh_counts()
        self._update_pending_deletions()
        self.search_indexer.request()  # bodies into the search index, after the fetch, not during it

    def _notify_new_mail(self, account_name: str, count: int) -> None:
        if not self.preferences.notify_new_mail:
            return
        self.last_notification = (account_name, count)
        if self.tray.isVisible():
            self.tray.showMessage(self.tr("New mail"), self.tr("{0}: {1} new message(s)").format(account_name, count),
                                  QSystemTrayIcon.MessageIcon.Information, 8000)

    @Slot(str, object)
    def _fetch_failed(self, account_name: str, error: Exception) -> None:
        if isinstance(error, PoplarkError):
            self.scheduler.record_failure(account_name, error)
        message = user_message(error, account_name)
        self.last_summary[account_name] = message.text
        account = self.accounts.get(account_name)
        if message.quiet or account is None or self.quitting:
            return
        if message.remedy is Remedy.ASK_PASSWORD:
            self._ask_password_and_retry(account, message.text)
        elif message.remedy is Remedy.TRUST_CERTIFICATE and isinstance(error, TlsError):
            self._offer_certificate_trust(account, error, message.text)
        elif message.remedy is Remedy.EDIT_SETTINGS:
            QMessageBox.warning(self, message.title, message.text)
            self.edit_account(account)
        else:
            QMessageBox.warning(self, message.title, message.text)

    def _ask_password_and_retry(self, account: Account, reason: str) -> None:
        assert account.id is not None
        answer = ask_password(self, account, reason, can_remember=credentials.secure_storage_available()
                              and account.remember_password)
        if answer is None:
            return
        password, remember = answer
        if remember:
            try:
                credentials.store_password(account.credential_key, password)
                self.session_passwords.pop(account.id, None)
            except PoplarkError as error:
                QMessageBox.warning(self, self.tr("Password not saved"), str(error))
                self.session_passwords[account.id] = password
        else:
            self.session_passwords[account.id] = password
        self.scheduler.resume(account.name)
        self._start_fetch(account, password)

    def _offer_certificate_trust(self, account: Account, error: TlsError, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Certificate not trusted"), text, parent=self)
        box.setInformativeText(self.tr("Certificate SHA-256 fingerprint:\n{0}\n\nTrust this exact certificate for "
                                       "{1} only if your provider confirms this fingerprint.").format(
                                           error.fingerprint_sha256, account.name))
        trust = box.addButton(self.tr("Trust This Certificate"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        if box.clickedButton() is trust:
            from dataclasses import replace

            pinned = replace(account, pinned_cert_sha256=error.fingerprint_sha256)
            self.store.update_account(pinned)
            self.reload_accounts()
            self.scheduler.resume(account.name)
            self._start_fetch(self.accounts[account.name])

    @Slot(str)
    def _fetch_cancelled(self, account_name: str) -> None:
        self.scheduler.record_cancelled(account_name)
        self.last_summary[account_name] = self.tr("{0}: cancelled").format(account_name)

    @Slot()
    def _fetch_idle(self) -> None:
        self.fetch_status.set_idle("; ".join(self.last_summary.values()))
        self.last_summary.clear()

    # -- accounts and dialogs ---------------------------------------------------------------------

    def new_account(self) -> None:
        dialog = AccountDialog(self.store, None, self,
                               default_check_interval=self.preferences.default_check_interval_minutes)
        if dialog.exec() and dialog.account is not None:
            account = dialog.account
            assert account.id is not None
            if dialog.session_password:
                self.session_passwords[account.id] = dialog.session_password
            self.reload_accounts()
            index = self.folder_model.index_for(account.id, Folder.INBOX)
            if index is not None:
                self.folder_view.setCurrentIndex(index)
            self._start_fetch(self.accounts[account.name])

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

    def edit_account(self, account: Account) -> None:
        dialog = AccountDialog(self.store, account, self)
        if dialog.exec() and dialog.account is not None:
            assert dialog.account.id is not None
            if dialog.session_password:
                self.session_passwords[dialog.account.id] = dialog.session_password
            self.reload_accounts()
            self.scheduler.resume(dialog.account.name)

    def edit_preferences(self) -> None:
        dialog = PreferencesDialog(self.preferences, self)
        if dialog.exec():
            self.preferences = dialog.preferences()
            self.preferences.save(self.settings)
            self.preview.remote_content = self.preferences.remote_content

    def show_about(self) -> None:
        dialog = AboutDialog(self)
        try:
            dialog.exec()
        finally:
            dialog.deleteLater()

    # -- tray and closing -------------------------------------------------------------------------

    @Slot(QSystemTrayIcon.ActivationReason)
    def _tray_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger, QSystemTrayIcon.ActivationReason.DoubleClick):
            self.show_from_tray()

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
        if getattr(self, "_shut", False):
            return
        self._shut = True
        self.quitting = True
        self._folder_refresh.stop()
        self._cancel_pending_read()
        self.scheduler.stop()
        self.controller.shutdown()
        self.search_indexer.stop()
        self._search_timer.stop()
        self.preview.wait_for_jobs()
        for job in list(self._mailbox_jobs):
            job.wait(10000)
        self.save_state()
        self.tray.hide()
