"""What the Edit and File menus do to mail: read the selection, ask when asking is due, then start
the operation (app/ui/operations/). Nothing here refreshes a pane: the operations announce what
changed and the panes follow (app/ui/store_events.py).

Texts keep the "MainWindow" translation context, where their translations already are.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QSettings, Slot
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from app.core.filenames import sanitize_filename
from app.core.model import Account, Folder, LeaveMode
from app.core.store import Store
from app.ui.actions import WindowActions
from app.ui.operations import files, flags, trash
from app.ui.operations.runner import OperationRunner
from app.ui.panes.folder_pane import FolderPane
from app.ui.panes.message_list import FLAG_STATE_ROWS, MessageList
from app.ui.save_locations import remember_directory, start_directory


class MailboxActions(QObject):
    """The selection-based commands; one instance per window."""

    def __init__(self, store: Store, runner: OperationRunner, message_list: MessageList, folders: FolderPane,
                 actions: WindowActions, accounts: Callable[[], dict[str, Account]],
                 show_status: Callable[[str], None], parent: QWidget, *, settings: QSettings | None = None) -> None:
        super().__init__(parent)
        self.settings = settings or QSettings()
        self.store = store
        self.runner = runner
        self.message_list = message_list
        self.folders = folders
        self.actions = actions
        self.accounts = accounts
        self.show_status = show_status
        self.window = parent
        self.last_export: list[Path] = []

    # -- read and flagged ---------------------------------------------------------------------

    def mark_selected(self, seen: bool) -> None:
        flags.mark_seen(self.runner, self.message_list.selected_ids(), seen)

    def toggle_flag_selected(self) -> None:
        """Flag the selection, or unflag it when every selected message is flagged already."""
        ids = self.message_list.selected_ids()
        if ids:
            flags.set_flagged(self.runner, ids, not self.message_list.all_selected_flagged())
        self.update_flag_action()

    @Slot(int, bool)
    def set_flagged(self, message_id: int, flagged: bool) -> None:
        flags.set_flagged(self.runner, [message_id], flagged)

    @Slot()
    def update_flag_action(self) -> None:
        # A huge selection (Ctrl+A in a big folder) is not read row by row just for the button.
        self.actions.flag.setChecked(self.message_list.all_selected_flagged(FLAG_STATE_ROWS))

    # -- deleting -----------------------------------------------------------------------------

    def delete_selected(self) -> None:
        """Any folder: move the selection to Trash. Trash: delete it for good, after asking."""
        location = self.folders.current_folder()
        rows = self.message_list.selected_rows()
        if not rows or location is None:
            return
        if location[1] is Folder.TRASH:
            self._delete_selected_for_good(rows)
        else:  # the Inbox, Junk or a folder of the user's
            self.message_list.select_after_removal(min(rows))
            trash.move_to_trash(self.runner, self.message_list.selected_ids())

    def restore_selected(self) -> None:
        location = self.folders.current_folder()
        if location is not None and location[1] is Folder.TRASH:
            trash.restore(self.runner, self.message_list.selected_ids())

    def empty_trash(self) -> None:
        location = self.folders.current_folder()
        if location is None or location[1] is not Folder.TRASH:
            return
        account_id = location[0]
        # From the store, not the list: a search may hide some of what Empty Trash deletes.
        count = len(self.store.message_ids(account_id, Folder.TRASH))
        if not count:
            return
        text = QCoreApplication.translate(
            "MainWindow", "Delete the {0} message(s) in Trash for good? This cannot be undone.").format(count)
        mirrored = any(account.policy.leave_mode is LeaveMode.DELETE_WHEN_DELETED_LOCALLY
                       for account in self.accounts().values() if account_id in (None, account.id))
        if not self._confirm_delete_for_good(QCoreApplication.translate("MainWindow", "Empty Trash"), text, mirrored):
            return
        self.message_list.take_off(self.message_list.shown_ids())
        trash.empty_trash(self.runner, account_id, done=self._deleted_for_good, failed=self._put_back)

    def _delete_selected_for_good(self, rows: list[int]) -> None:
        model = self.message_list.inbox_model
        ids = [model.message_id(row) for row in rows]
        names: set[str] = set()
        for row in rows:
            try:
                names.add(model.summary(row).account)
            except KeyError:
                continue  # already deleted by another connection
        accounts = self.accounts()
        mirrored = any(accounts[name].policy.leave_mode is LeaveMode.DELETE_WHEN_DELETED_LOCALLY
                       for name in names if name in accounts)
        text = QCoreApplication.translate(
            "MainWindow", "Delete {0} message(s) for good? This cannot be undone.").format(len(ids))
        if not self._confirm_delete_for_good(QCoreApplication.translate("MainWindow", "Delete Messages"), text,
                                             mirrored):
            return
        # Off the list at once; the deletion itself takes seconds for thousands of messages.
        self.message_list.take_off(ids)
        trash.delete_for_good(self.runner, ids, done=self._deleted_for_good, failed=self._put_back)
        self.message_list.select_near(min(rows))

    def _confirm_delete_for_good(self, title: str, text: str, mirrored: bool) -> bool:
        if mirrored:
            text += "\n\n" + QCoreApplication.translate(
                "MainWindow", "Messages still on the server will be deleted from the server at the next "
                              "check, as the account settings say.")
        answer = QMessageBox.question(self.window, title, text,
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                                      QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Yes

    def _deleted_for_good(self, count: int) -> None:
        self.show_status(QCoreApplication.translate("MainWindow", "{0} message(s) deleted for good").format(count))

    def _put_back(self) -> None:
        self.message_list.inbox_model.refresh()  # the rows taken off in advance come back

    # -- files --------------------------------------------------------------------------------

    def _import_account_id(self) -> int | None:
        location = self.folders.current_folder()
        if location is not None and location[0] is not None:
            return location[0]
        account = next(iter(self.accounts().values()), None)
        return account.id if account is not None else None

    def import_messages(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(
            self.window, QCoreApplication.translate("MainWindow", "Import Messages"), str(Path.home()),
            QCoreApplication.translate("MainWindow", "Mail messages (*.eml);;All files (*)"))
        if names:
            self.import_files([Path(name) for name in names])

    def import_files(self, paths: list[Path]) -> None:
        """Store each file as a message of the current account's Inbox (in a background job)."""
        account_id = self._import_account_id()
        if account_id is not None and paths:
            files.import_files(self.runner, account_id, paths, done=self._imported)

    def _imported(self, ids: list[int]) -> None:
        self.show_status(QCoreApplication.translate("MainWindow", "{0} message(s) imported").format(len(ids)))

    def export_selected(self) -> None:
        ids = self.message_list.selected_ids()
        if not ids:
            return
        directory = QFileDialog.getExistingDirectory(
            self.window, QCoreApplication.translate("MainWindow", "Export Messages To"),
            str(start_directory(self.settings)))
        if directory:
            remember_directory(self.settings, Path(directory))
            files.export_eml(self.runner, ids, Path(directory), done=self._exported)

    def export_folder(self) -> None:
        location = self.folders.current_folder()
        ids = self.message_list.shown_ids()
        if location is None or not ids:
            return
        target, _ = QFileDialog.getSaveFileName(
            self.window, QCoreApplication.translate("MainWindow", "Export Folder as mbox"),
            str(start_directory(self.settings) / sanitize_filename(f"{self.store.folder_label(location[1])}.mbox")),
            QCoreApplication.translate("MainWindow", "mbox files (*.mbox);;All files (*)"))
        if target:
            remember_directory(self.settings, Path(target).parent)
            files.export_mbox(self.runner, ids, Path(target), done=self._exported)

    def _exported(self, paths: list[Path]) -> None:
        self.last_export = list(paths)
        self.show_status(QCoreApplication.translate("MainWindow", "{0} file(s) written").format(len(paths)))
