"""The window's commands as QActions: names, shortcuts, icons; the menus and the toolbar.

What each action does is wired by the main window (``MainWindow._connect_signals``); this module
only says what exists and where it shows. Texts keep the "MainWindow" translation context, where
the translations already are. A new command: add its action here, put it in a menu (every
toolbar action has a shortcut and a menu entry, tests/ui/test_main_window.py checks), and connect
it in the main window to the part that carries it out.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QObject, QSize, Qt
from PySide6.QtGui import QAction, QActionGroup, QIcon, QKeySequence
from PySide6.QtWidgets import QLineEdit, QMainWindow, QMenu, QMenuBar, QSizePolicy, QToolBar, QToolButton, QWidget

from app.core.model import Folder
from app.ui.icons import standard_icon

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
    ("windows-1255", QT_TRANSLATE_NOOP("MainWindow", "Hebrew (Windows-1255)")),
    ("iso-8859-8", QT_TRANSLATE_NOOP("MainWindow", "Hebrew (ISO-8859-8)")),
    ("cp874", QT_TRANSLATE_NOOP("MainWindow", "Thai (Windows-874)")),  # Python's name for windows-874
    ("iso-8859-1", QT_TRANSLATE_NOOP("MainWindow", "Western (ISO-8859-1)")),
    ("windows-1252", QT_TRANSLATE_NOOP("MainWindow", "Western (Windows-1252)")),
    ("iso-8859-15", QT_TRANSLATE_NOOP("MainWindow", "Western (ISO-8859-15)")),
    ("iso-8859-2", QT_TRANSLATE_NOOP("MainWindow", "Central European (ISO-8859-2)")),
)

Shortcut = QKeySequence | QKeySequence.StandardKey | str


#: The dynamic property holding the untranslated text of an action or menu (retranslate() reads it).
SOURCE_TEXT = "sourceText"


def _translated(item: QAction | QMenu | QToolBar, source: object) -> None:
    """Show ``source`` (a text marked with QT_TRANSLATE_NOOP("MainWindow", ...)) in the current
    language, and keep it for the next language change."""
    item.setProperty(SOURCE_TEXT, str(source))
    text = QCoreApplication.translate("MainWindow", str(source))
    if isinstance(item, QMenu):
        item.setTitle(text)
    elif isinstance(item, QToolBar):
        item.setWindowTitle(text)
    else:
        item.setText(text)


def _action(parent: QObject, name: str, source: object, shortcut: Shortcut | None = None,
            icon: QIcon | None = None) -> QAction:
    """An action showing ``source`` (a QT_TRANSLATE_NOOP("MainWindow", ...) text) translated."""
    action = QAction(parent)
    _translated(action, source)
    action.setObjectName(name)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    if icon is not None:
        action.setIcon(icon)
    return action


class WindowActions:
    """Every action of the main window, built once, with the menus and the toolbar around them."""

    def __init__(self, window: QMainWindow, *, plain_text: bool) -> None:
        self.window = window
        self.get_mail = _action(window, "getMailAction",
                                QT_TRANSLATE_NOOP("MainWindow", "Get Mail"), "F5", standard_icon("get_mail"))
        self.new_account = _action(window, "newAccountAction",
                                   QT_TRANSLATE_NOOP("MainWindow", "New Account…"),
                                   "Ctrl+Shift+N", standard_icon("new_account"))
        self.account_settings = _action(window, "accountSettingsAction",
                                        QT_TRANSLATE_NOOP("MainWindow", "Account Settings…"),
                                        "Ctrl+Shift+E", standard_icon("settings"))
        self.remove_account = _action(window, "removeAccountAction",
                                      QT_TRANSLATE_NOOP("MainWindow", "Remove Account…"),
                                      "Ctrl+Shift+D")  # always asks first
        self.delete = _action(window, "deleteAction",
                              QT_TRANSLATE_NOOP("MainWindow", "Delete"),
                              QKeySequence.StandardKey.Delete, standard_icon("delete"))
        self.mark_read = _action(window, "markReadAction",
                                 QT_TRANSLATE_NOOP("MainWindow", "Mark as Read"), "Ctrl+Shift+M", standard_icon("read"))
        self.mark_unread = _action(window, "markUnreadAction",
                                   QT_TRANSLATE_NOOP("MainWindow", "Mark as Unread"),
                                   "Ctrl+Shift+U", standard_icon("unread"))
        self.flag = _action(window, "flagAction",
                            QT_TRANSLATE_NOOP("MainWindow", "Flag"), "Ctrl+Shift+F", standard_icon("flag"))
        # Checked while every selected message is flagged: the toolbar button shows the state,
        # and triggering it then unflags.
        self.flag.setCheckable(True)
        # Filing mail (app/ui/folder_actions.py): Ctrl+Shift+M is Mark as Read, so V for moVe; Alt copies,
        # as Alt (Option) while dragging does on macOS.
        self.move_to = _action(window, "moveToAction", QT_TRANSLATE_NOOP("MainWindow", "Move to Folder…"),
                               "Ctrl+Shift+V")
        self.copy_to = _action(window, "copyToAction", QT_TRANSLATE_NOOP("MainWindow", "Copy to Folder…"),
                               "Ctrl+Alt+V")
        self.restore = _action(window, "restoreAction",
                               QT_TRANSLATE_NOOP("MainWindow", "Restore"), "Ctrl+Shift+B")
        self.empty_trash = _action(window, "emptyTrashAction",
                                   QT_TRANSLATE_NOOP("MainWindow", "Empty Trash…"), "Ctrl+Shift+Del")
        self.import_messages = _action(window, "importAction",
                                       QT_TRANSLATE_NOOP("MainWindow", "Import Messages…"), "Ctrl+I")
        self.export_eml = _action(window, "exportEmlAction",
                                  QT_TRANSLATE_NOOP("MainWindow", "Export Selected Messages…"), "Ctrl+S")
        self.export_mbox = _action(window, "exportMboxAction",
                                   QT_TRANSLATE_NOOP("MainWindow", "Export Folder as mbox…"), "Ctrl+Shift+S")
        self.view_source = _action(window, "viewSourceAction",
                                   QT_TRANSLATE_NOOP("MainWindow", "Message Source"), "Ctrl+U")
        self.plain_text = _action(window, "plainTextAction",
                                  QT_TRANSLATE_NOOP("MainWindow", "Show Message as Plain Text"), "Ctrl+Shift+P")
        self.plain_text.setCheckable(True)
        self.plain_text.setChecked(plain_text)
        self.encoding_group = self._encodings(window)
        self.preferences = _action(window, "preferencesAction",
                                   QT_TRANSLATE_NOOP("MainWindow", "Preferences…"),
                                   QKeySequence.StandardKey.Preferences)
        if self.preferences.shortcut().isEmpty():
            # Most Linux desktops define no standard key for it; Ctrl+, is what GNOME apps use.
            self.preferences.setShortcut(QKeySequence("Ctrl+,"))
        self.preferences.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.about = _action(window, "aboutAction", QT_TRANSLATE_NOOP("MainWindow", "About Poplark"))
        self.about.setMenuRole(QAction.MenuRole.AboutRole)
        self.quit = _action(window, "quitAction", QT_TRANSLATE_NOOP("MainWindow", "Quit"), "Ctrl+Q")
        self.cancel = _action(window, "cancelAction", QT_TRANSLATE_NOOP("MainWindow", "Cancel Fetch"), "Esc")
        self.search = _action(window, "searchAction", QT_TRANSLATE_NOOP("MainWindow", "Search"), "Ctrl+F")
        window.addAction(self.search)
        # The POP3 conversation of the last session per account, for a bug report (secrets redacted).
        self.save_protocol_log = _action(window, "saveProtocolLogAction",
                                         QT_TRANSLATE_NOOP("MainWindow", "Save Protocol Log…"), "Ctrl+Shift+L")
        self.get_mail_menu = QMenu(window)
        self._compose_actions(window)

    def _compose_actions(self, window: QMainWindow) -> None:
        """Writing mail (app/ui/compose): Ctrl+R and Ctrl+Shift+R as in Thunderbird and Outlook."""
        self.new_message = _action(window, "newMessageAction", QT_TRANSLATE_NOOP("MainWindow", "New Message"),
                                   QKeySequence.StandardKey.New, standard_icon("new_message"))
        self.reply = _action(window, "replyAction", QT_TRANSLATE_NOOP("MainWindow", "Reply"), "Ctrl+R",
                             standard_icon("reply"))
        self.reply_all = _action(window, "replyAllAction", QT_TRANSLATE_NOOP("MainWindow", "Reply All"),
                                 "Ctrl+Shift+R", standard_icon("reply_all"))
        self.forward = _action(window, "forwardAction", QT_TRANSLATE_NOOP("MainWindow", "Forward"), "Ctrl+L",
                               standard_icon("forward"))
        self.forward_attached = _action(window, "forwardAttachedAction",
                                        QT_TRANSLATE_NOOP("MainWindow", "Forward as Attachment"), "Ctrl+Alt+L")
        self.edit_as_new = _action(window, "editAsNewAction", QT_TRANSLATE_NOOP("MainWindow", "Edit as New"),
                                   "Ctrl+E")

    @staticmethod
    def _encodings(window: QMainWindow) -> QActionGroup:
        group = QActionGroup(window)
        group.setExclusive(True)
        automatic = QAction(window)
        _translated(automatic, QT_TRANSLATE_NOOP("MainWindow", "Automatic"))
        automatic.setCheckable(True)
        automatic.setChecked(True)
        automatic.setData("")
        group.addAction(automatic)
        for label, name in TEXT_ENCODINGS:
            action = QAction(window)
            _translated(action, str(name))
            action.setCheckable(True)
            action.setData(label)
            group.addAction(action)
        return group

    def reset_encoding(self) -> None:
        """Back to "Automatic": an encoding chosen for one message is not a guess for the next."""
        self.encoding_group.actions()[0].setChecked(True)

    def _menu(self, parent: QMenuBar | QMenu, source: object) -> QMenu:
        menu = parent.addMenu("")
        _translated(menu, source)
        return menu

    def build_menus(self) -> None:
        bar = self.window.menuBar()
        file_menu = self._menu(bar, QT_TRANSLATE_NOOP("MainWindow", "&File"))
        for action in (self.get_mail, self.cancel, None, self.import_messages, self.export_eml, self.export_mbox,
                       None, self.new_account, self.account_settings, self.remove_account, None, self.quit):
            self._add(file_menu, action)
        edit_menu = self._menu(bar, QT_TRANSLATE_NOOP("MainWindow", "&Edit"))
        for action in (self.delete, self.restore, self.empty_trash, None, self.move_to, self.copy_to, None,
                       self.mark_read, self.mark_unread, self.flag, None, self.search, self.preferences):
            self._add(edit_menu, action)
        message_menu = self._menu(bar, QT_TRANSLATE_NOOP("MainWindow", "&Message"))
        for action in (self.new_message, None, self.reply, self.reply_all, self.forward, self.forward_attached,
                       self.edit_as_new):
            self._add(message_menu, action)
        view_menu = self._menu(bar, QT_TRANSLATE_NOOP("MainWindow", "&View"))
        view_menu.addAction(self.plain_text)
        self.encoding_menu = self._menu(view_menu, QT_TRANSLATE_NOOP("MainWindow", "Text Encoding"))
        self.encoding_menu.setObjectName("textEncodingMenu")
        encodings = self.encoding_group.actions()
        self.encoding_menu.addAction(encodings[0])
        self.encoding_menu.addSeparator()
        self.encoding_menu.addActions(encodings[1:])
        view_menu.addSeparator()
        view_menu.addAction(self.view_source)
        help_menu = self._menu(bar, QT_TRANSLATE_NOOP("MainWindow", "&Help"))
        help_menu.addAction(self.about)
        help_menu.addAction(self.save_protocol_log)

    @staticmethod
    def _add(menu: QMenu | QWidget, action: QAction | None) -> None:
        if action is None:
            separator = QAction(menu)
            separator.setSeparator(True)
            menu.addAction(separator)
        else:
            menu.addAction(action)

    def build_toolbar(self, search_box: QLineEdit) -> None:
        toolbar = self.window.addToolBar("")
        _translated(toolbar, QT_TRANSLATE_NOOP("MainWindow", "Main"))
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setIconSize(QSize(22, 22))
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.get_mail_button = QToolButton(self.window)
        self.get_mail_button.setObjectName("getMailButton")
        self.get_mail_button.setDefaultAction(self.get_mail)
        self.get_mail_button.setMenu(self.get_mail_menu)
        self.get_mail_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.get_mail_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toolbar.addWidget(self.get_mail_button)
        for action in (self.new_message, self.reply, self.reply_all, self.forward):
            toolbar.addAction(action)
            # Icons alone (the name and key in the tooltip): with four more names the toolbar
            # would push the search box into its overflow menu at the window's usual width.
            button = toolbar.widgetForAction(action)
            if isinstance(button, QToolButton):
                button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
                button.setToolTip(f"{action.text()} ({action.shortcut().toString()})")
        toolbar.addSeparator()
        for action in (self.new_account, self.delete, self.mark_read, self.mark_unread, self.flag):
            toolbar.addAction(action)
        spacer = QWidget(self.window)
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        toolbar.addWidget(spacer)
        toolbar.addWidget(search_box)

    def add_context_menu(self, widget: QWidget) -> None:
        """Right-click on the message list: the actions on the selection, as in the Edit menu."""
        widget.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        for action in (self.reply, self.reply_all, self.forward, self.forward_attached, self.edit_as_new, None,
                       self.mark_read, self.mark_unread, self.flag, None, self.move_to, self.copy_to, self.delete,
                       self.restore, None, self.export_eml, self.view_source):
            self._add(widget, action)

    def retranslate(self) -> None:
        """The language changed: every action, menu and the toolbar show their text in it."""
        for item in self.window.findChildren(QAction) + self.window.findChildren(QMenu) \
                + self.window.findChildren(QToolBar):
            source = item.property(SOURCE_TEXT)
            if isinstance(source, str) and source:
                _translated(item, source)

    def enable_for(self, has_accounts: bool, folder: str | None) -> None:
        """Enable what makes sense with these accounts in this folder."""
        for action in (self.get_mail, self.account_settings, self.remove_account, self.new_message, self.reply,
                       self.reply_all, self.forward, self.forward_attached, self.edit_as_new, self.mark_read,
                       self.mark_unread, self.flag, self.export_eml, self.export_mbox, self.import_messages):
            action.setEnabled(has_accounts)
        # In Trash, Delete deletes for good (after asking), as in other mail programs.
        for action in (self.delete, self.move_to, self.copy_to):
            action.setEnabled(has_accounts and folder is not None)
        self.restore.setEnabled(has_accounts and folder is Folder.TRASH)
        self.empty_trash.setEnabled(has_accounts and folder is Folder.TRASH)


__all__ = ["TEXT_ENCODINGS", "WindowActions"]
