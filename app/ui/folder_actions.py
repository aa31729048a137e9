"""What the user does with folders in the window: make, rename, move and delete their own
folders, and move or copy messages into any folder (menu, shortcut, or drag and drop).

The folder pane and the list only say what was asked (signals); this asks the user what is
missing (a name, "delete it with its mail?", which folder) through an :class:`Asker`, which tests
replace, then does it: folder changes at once on the GUI thread's store (one row each), message
moves and copies through the operation runner (in the background when many). The tree and the
list follow the store's change announcements.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QCoreApplication, QObject, Qt, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox, QWidget

from app.core.errors import ConfigError, StoreError
from app.core.store import Store
from app.core.store.user_folders import MAX_NAME_LENGTH, FolderNameError, NameProblem
from app.ui.dialogs.folder_chooser import FolderChooser
from app.ui.operations import moving
from app.ui.operations.runner import BACKGROUND_ROWS, OperationRunner
from app.ui.panes.folder_drops import message_mime, start_drag
from app.ui.panes.folder_pane import FolderPane
from app.ui.panes.message_list import MessageList
from app.ui.store_events import StoreEvents

# A module-level name: lupdate finds translate("FolderActions", ...) calls by it, as in app/ui/errors.py.
translate = QCoreApplication.translate


class Asker(Protocol):
    """How the user is asked (dialogs in the window; answers given in advance in tests)."""

    def name(self, parent: QWidget, title: str, label: str, value: str) -> str | None: ...

    def confirm(self, parent: QWidget, title: str, text: str) -> bool: ...

    def folder(self, parent: QWidget, store: Store, accounts: set[int], copy: bool) -> str | None: ...

    def tell(self, parent: QWidget, title: str, text: str) -> None: ...


class DialogAsker:
    """The real dialogs."""

    def name(self, parent: QWidget, title: str, label: str, value: str) -> str | None:
        text, ok = QInputDialog.getText(parent, title, label, QLineEdit.EchoMode.Normal, value)
        return text if ok else None

    def confirm(self, parent: QWidget, title: str, text: str) -> bool:
        answer = QMessageBox.question(parent, title, text, QMessageBox.StandardButton.Yes
                                      | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Yes

    def folder(self, parent: QWidget, store: Store, accounts: set[int], copy: bool) -> str | None:
        chooser = FolderChooser(store, accounts, copy=copy, parent=parent)
        try:
            return chooser.chosen_key() if chooser.exec() == FolderChooser.DialogCode.Accepted else None
        finally:
            chooser.deleteLater()

    def tell(self, parent: QWidget, title: str, text: str) -> None:
        QMessageBox.warning(parent, title, text)


def name_problem_text(problem: NameProblem) -> str:
    """The refusal of a folder name, in the user's language, with what to do instead."""
    if problem is NameProblem.EMPTY:
        return translate("FolderActions", "A folder needs a name. Type one.")
    if problem is NameProblem.SEPARATOR:
        return translate("FolderActions", "A folder name cannot contain “/”. Choose another name.")
    if problem is NameProblem.TOO_LONG:
        return translate("FolderActions",
                         "A folder name can have at most {count} characters. Choose a shorter one."
                         ).format(count=MAX_NAME_LENGTH)
    return translate("FolderActions", "There is already a folder with this name here. Choose another name.")


class FolderActions(QObject):
    """Carries out folder requests from the pane, the list and the Move to / Copy to actions."""

    def __init__(self, store: Store, runner: OperationRunner, events: StoreEvents, pane: FolderPane,
                 message_list: MessageList, move_action: QAction, copy_action: QAction, parent: QWidget,
                 asker: Asker | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.runner = runner
        self.events = events
        self.pane = pane
        self.message_list = message_list
        self.window = parent
        self.asker: Asker = asker or DialogAsker()
        pane.new_folder_requested.connect(self.new_folder)
        pane.rename_folder_requested.connect(self.rename_folder)
        pane.delete_folder_requested.connect(self.delete_folder)
        pane.folder_dropped.connect(self.move_folder)
        pane.messages_dropped.connect(self.drop_messages)
        message_list.drag_started.connect(self.drag_selected)
        move_action.triggered.connect(lambda checked=False: self.move_selected(copy=False))
        copy_action.triggered.connect(lambda checked=False: self.move_selected(copy=True))

    # -- folders ------------------------------------------------------------------------------

    @Slot(object, object)
    def new_folder(self, account_id: int | None, parent_id: int | None) -> int | None:
        """Ask for a name and make the folder; return its id (None when cancelled or refused)."""
        title = (translate("FolderActions", "New Subfolder") if parent_id is not None
                 else translate("FolderActions", "New Folder"))
        return self._with_name(title, "", lambda name: self.store.create_folder(account_id, name, parent_id))

    @Slot(int)
    def rename_folder(self, folder_id: int) -> None:
        try:
            current = self.store.user_folder(folder_id).name
        except StoreError as error:
            self.runner.reporter.show_store_failure(error)
            return
        self._with_name(translate("FolderActions", "Rename Folder"), current,
                        lambda name: self.store.rename_folder(folder_id, name))

    @Slot(int)
    def delete_folder(self, folder_id: int) -> None:
        """Delete a folder and its subfolders; asks first when they hold mail (it goes to Trash)."""
        try:
            folder = self.store.user_folder(folder_id)
            count = self.store.folder_message_count(folder_id)
        except StoreError as error:
            self.runner.reporter.show_store_failure(error)
            return
        if count and not self.asker.confirm(
                self.window, translate("FolderActions", "Delete Folder"),
                translate("FolderActions", "“{name}” and its subfolders hold {count} message(s). Delete the "
                          "folder and move the messages to Trash? You can restore them from Trash."
                          ).format(name=folder.name, count=count)):
            return
        moving.delete_folder(self.runner, folder_id, count)
        if not count:
            self.events.settle()  # nothing moved, so nothing announced: the tree still must follow

    @Slot(int, object)
    def move_folder(self, folder_id: int, parent_id: int | None) -> None:
        try:
            self.store.move_folder(folder_id, parent_id)
        except FolderNameError as error:
            self.asker.tell(self.window, translate("FolderActions", "Move Folder"), name_problem_text(error.problem))
            return
        except StoreError as error:
            self.runner.reporter.show_store_failure(error)
            return
        except ConfigError:
            self.asker.tell(self.window, translate("FolderActions", "Move Folder"),
                            translate("FolderActions", "A folder cannot go inside itself or one of its subfolders. "
                                                       "Drop it on another folder."))
            return
        self.events.settle()

    def _with_name(self, title: str, value: str, change: Callable[[str], int | None]) -> int | None:
        label = translate("FolderActions", "Folder name:")
        while True:
            name = self.asker.name(self.window, title, label, value)
            if name is None:
                return None
            try:
                result = change(name)
            except FolderNameError as error:
                self.asker.tell(self.window, title, name_problem_text(error.problem))
                value = name
                continue
            except StoreError as error:
                self.runner.reporter.show_store_failure(error)
                return None
            except ConfigError:
                # The account or the parent folder went away meanwhile (another window).
                self.asker.tell(self.window, title, translate(
                    "FolderActions", "That place is gone. Choose another one in the folder list."))
                self.events.settle()
                return None
            self.events.settle()
            return result

    # -- messages -----------------------------------------------------------------------------

    def move_selected(self, *, copy: bool) -> None:
        """Move (or copy) the selected messages to a folder the user chooses."""
        ids = self.message_list.selected_ids()
        if not ids:
            return
        key = self.asker.folder(self.window, self.store, self.store.accounts_of(ids), copy)
        if key is not None:
            self.drop_messages(tuple(ids), key, copy)

    @Slot(object, str, bool)
    def drop_messages(self, ids: tuple[int, ...], folder_key: str, copy: bool) -> None:
        location = self.pane.current_folder()
        if not copy and location is not None and location[1] == folder_key:
            return  # already there
        if copy:
            moving.copy_messages(self.runner, ids, folder_key)
            return
        rows = self.message_list.selected_rows()
        if rows:
            self.message_list.select_after_removal(min(rows))
        if len(ids) > BACKGROUND_ROWS:
            # A background move commits after ~0.2 s for 10,000 (bench/README.md): the rows leave
            # the list at once, and come back if the move fails.
            self.message_list.take_off(ids)
        moving.move_messages(self.runner, ids, folder_key, failed=self.message_list.inbox_model.refresh)

    @Slot()
    def drag_selected(self) -> None:
        """The list began a drag of its selection: messages, moved or (Ctrl) copied where dropped."""
        ids = self.message_list.selected_ids()
        if ids:
            start_drag(self.message_list, message_mime(ids, self.store.accounts_of(ids)),
                       Qt.DropAction.MoveAction | Qt.DropAction.CopyAction)


__all__ = ["Asker", "DialogAsker", "FolderActions", "name_problem_text"]
