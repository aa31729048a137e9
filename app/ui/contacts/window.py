"""The address book window: groups on the left, the contacts of the chosen group on the right,
a search box that finds a name by any word, an address, or pinyin and its initials (``zs`` finds
张三), and New, Edit, Delete, Import and Export.

Every read and write goes through the address book's thread (:class:`ContactsWorker`): the window
asks, and fills itself when the answer comes; an import of thousands of contacts leaves it
responsive, with the buttons that would change the book disabled meanwhile.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QEvent, QItemSelectionModel, QSettings, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from app.core.contacts.exchange import ImportResult
from app.core.contacts.lookup import find_contacts
from app.core.contacts.model import Contact
from app.core.store import Store
from app.ui.contacts.contact_model import ContactTableModel
from app.ui.contacts.editor import ContactEditor
from app.ui.contacts.exchange import (
    EXPORT_CHOICES,
    ExportChoice,
    export_problem,
    export_task,
    import_problem,
    import_summary,
    import_task,
)
from app.ui.contacts.group_menu import GroupMenus
from app.ui.contacts.worker import ContactsWorker
from app.ui.save_locations import remember_directory, start_directory
from app.ui.widgets.screen_fit import fit_to_screen

#: Milliseconds of quiet typing before the search runs (one lookup per pause, not per key).
SEARCH_DELAY_MS = 150


@dataclass(frozen=True)
class BookPage:
    """What the window shows: the contacts found, every group with its size, the book's size."""

    contacts: list[Contact]
    groups: list[tuple[str, int]]
    total: int


def _page(store: Store, group: str | None, search: str) -> BookPage:
    return BookPage(find_contacts(store, search, group), store.group_names(), store.contact_count())


class AddressBookWindow(QWidget):
    """The address book. ``worker`` does the store work; the window never touches SQLite."""

    #: The list shows the book's current state (after a load, a save, an import).
    loaded = Signal()
    #: An import or export ended: its sentence (also shown at the bottom of the window).
    exchange_finished = Signal(str)

    def __init__(self, worker: ContactsWorker, settings: QSettings | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("addressBook")
        self.worker = worker
        self.settings = settings or QSettings()
        self.contacts: list[Contact] = []
        self.group_names: list[str] = []
        self._group: str | None = None
        self._group_counts: dict[str, int] = {}
        self._total = 0
        self._busy = False
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.new_button = QPushButton(self)
        self.new_button.setObjectName("newContact")
        self.edit_button = QPushButton(self)
        self.edit_button.setObjectName("editContact")
        self.delete_button = QPushButton(self)
        self.delete_button.setObjectName("deleteContact")
        self.import_button = QPushButton(self)
        self.import_button.setObjectName("importContacts")
        self.export_button = QPushButton(self)
        self.export_button.setObjectName("exportContacts")
        for button in (self.new_button, self.edit_button, self.delete_button, self.import_button,
                       self.export_button):
            bar.addWidget(button)
        bar.addStretch(1)
        self.search_field = QLineEdit(self)
        self.search_field.setObjectName("contactSearch")
        self.search_field.setClearButtonEnabled(True)
        self.search_field.setMinimumWidth(260)
        bar.addWidget(self.search_field)
        layout.addLayout(bar)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.group_list = QListWidget(self)
        self.group_list.setObjectName("contactGroups")
        self.contact_model = ContactTableModel(self)
        self.contact_list = QTreeView(self)
        self.contact_list.setObjectName("contactList")
        self.contact_list.setModel(self.contact_model)
        self.contact_list.setRootIsDecorated(False)
        self.contact_list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.contact_list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.contact_list.setColumnWidth(0, 180)
        self.contact_list.setColumnWidth(1, 260)
        splitter.addWidget(self.group_list)
        splitter.addWidget(self.contact_list)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([180, 640])
        layout.addWidget(splitter, 1)
        self.status_label = QLabel(self)
        self.status_label.setObjectName("addressBookStatus")
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)

        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self.reload)
        self.search_field.textChanged.connect(lambda text: self.search_timer.start())
        self.group_list.currentItemChanged.connect(self._group_chosen)
        self.contact_list.doubleClicked.connect(lambda index: self.edit_selected())
        self.contact_list.selectionModel().selectionChanged.connect(lambda selected, deselected: self._enable_buttons())
        self.new_button.clicked.connect(lambda: self.new_contact())
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.import_button.clicked.connect(self.choose_import)
        self.export_button.clicked.connect(self.choose_export)
        QShortcut(QKeySequence.StandardKey.Find, self, self.search_field.setFocus)
        QShortcut(QKeySequence.StandardKey.Delete, self.contact_list, self.delete_selected)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close)
        self.group_menus = GroupMenus(self, self)
        self._set_texts()
        self._enable_buttons()
        fit_to_screen(self, QSize(900, 560))
        self.reload()

    # -- texts ------------------------------------------------------------------------------------

    def _set_texts(self) -> None:
        self.setWindowTitle(self.tr("Address Book"))
        self.new_button.setText(self.tr("New Contact…"))
        self.edit_button.setText(self.tr("Edit…"))
        self.delete_button.setText(self.tr("Delete"))
        self.import_button.setText(self.tr("Import…"))
        self.export_button.setText(self.tr("Export…"))
        self.search_field.setPlaceholderText(self.tr("Search names, addresses, pinyin (zs finds 张三)"))
        self.contact_model.retranslate()
        self._fill_groups([(name, -1) for name in self.group_names], keep_counts=True)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._set_texts()
        super().changeEvent(event)

    # -- loading ----------------------------------------------------------------------------------

    def reload(self) -> None:
        """Ask for the contacts of the chosen group that the search finds; shown when they come."""
        group, search = self._group, self.search_field.text()
        self.worker.submit(lambda store: _page(store, group, search), self._show, self.failed,
                           latest=f"book-{id(self)}")

    def _show(self, page: BookPage) -> None:
        self.contacts = page.contacts
        self._total = page.total
        self._fill_groups(page.groups)
        selected = self.selected_ids()
        self.contact_model.set_contacts(page.contacts)
        for contact_id in selected:  # the same people stay selected
            self.select_contact(contact_id, keep=True)
        self._enable_buttons()
        self.loaded.emit()

    def _fill_groups(self, groups: list[tuple[str, int]], *, keep_counts: bool = False) -> None:
        if keep_counts:
            groups = [(name, self._group_counts.get(name, 0)) for name, _ in groups]
        self._group_counts = dict(groups)
        self.group_names = [name for name, _ in groups]
        self.group_list.blockSignals(True)
        self.group_list.clear()
        everyone = QListWidgetItem(self.tr("All contacts ({0})").format(self._total))
        everyone.setData(Qt.ItemDataRole.UserRole, None)
        self.group_list.addItem(everyone)
        current = everyone
        for name, count in groups:
            item = QListWidgetItem(self.tr("{0} ({1})").format(name, count))
            item.setData(Qt.ItemDataRole.UserRole, name)
            self.group_list.addItem(item)
            if self._group is not None and name.casefold() == self._group.casefold():
                current = item
        if self._group is not None and current is everyone:
            self._group = None  # the group emptied: back to everyone
        self.group_list.setCurrentItem(current)
        self.group_list.blockSignals(False)

    def _group_chosen(self, item: QListWidgetItem | None, previous: QListWidgetItem | None) -> None:
        self._group = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        self.reload()

    def failed(self, error: Exception) -> None:
        self._set_busy(False)
        self.status_label.setText(self.tr("The address book could not be read or saved: {0}. Close the window "
                                          "and open it again; if it happens again, restart Poplark.").format(error))

    # -- selection --------------------------------------------------------------------------------

    def selected_ids(self) -> list[int]:
        rows = sorted(index.row() for index in self.contact_list.selectionModel().selectedRows())
        return [self.contact_model.contact(row).id or 0 for row in rows]

    def select_contact(self, contact_id: int, *, keep: bool = False) -> None:
        """Select the row of ``contact_id`` (only it, unless ``keep``)."""
        row = self.contact_model.row_of(contact_id)
        if row is None:
            return
        flags = QItemSelectionModel.SelectionFlag.Rows | (
            QItemSelectionModel.SelectionFlag.Select if keep else QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.contact_list.selectionModel().setCurrentIndex(self.contact_model.index(row, 0), flags)

    def _enable_buttons(self) -> None:
        chosen = self.contact_list.selectionModel().hasSelection()
        self.edit_button.setEnabled(chosen and not self._busy)
        self.delete_button.setEnabled(chosen and not self._busy)
        for button in (self.new_button, self.import_button, self.export_button):
            button.setEnabled(not self._busy)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self._enable_buttons()

    # -- editing ----------------------------------------------------------------------------------

    def new_contact(self, contact: Contact | None = None) -> None:
        self.edit_contact(contact or Contact(""))

    def edit_selected(self) -> None:
        ids = self.selected_ids()
        found = next((contact for contact in self.contacts if ids and contact.id == ids[0]), None)
        if found is not None:
            self.edit_contact(found)

    def edit_contact(self, contact: Contact) -> None:
        """Open the editor on ``contact``; save it when the user does."""
        editor = ContactEditor(contact, self.group_names, self)
        if editor.exec():
            self.save(editor.contact())
        editor.deleteLater()

    def save(self, contact: Contact) -> None:
        def saved(stored: Contact) -> None:
            self.status_label.setText(self.tr("Saved {0}.").format(stored.display_name))

            def shown(page: BookPage) -> None:
                self._show(page)
                self.select_contact(stored.id or 0)

            group, search = self._group, self.search_field.text()  # read here: widgets are the GUI thread's
            self.worker.submit(lambda store: _page(store, group, search), shown, self.failed)

        self.worker.submit(lambda store: store.save_contact(contact), saved, self.failed)

    def delete_selected(self) -> None:
        ids = self.selected_ids()
        if not ids or self._busy:
            return
        names = [contact.display_name for contact in self.contacts if contact.id in ids]
        question = (self.tr("Delete {0} from the address book?").format(names[0]) if len(names) == 1 else
                    self.tr("Delete these {0} contacts from the address book?").format(len(names)))
        answer = QMessageBox.question(self, self.tr("Delete Contacts"),
                                      question + "\n" + self.tr("Mail from and to them stays as it is."))
        if answer == QMessageBox.StandardButton.Yes:
            self.delete_contacts(ids)

    def delete_contacts(self, ids: list[int]) -> None:
        def deleted(count: int) -> None:
            self.status_label.setText(self.tr("Contacts deleted: {0}.").format(count))
            self.reload()

        self.worker.submit(lambda store: store.remove_contacts(ids), deleted, self.failed)

    # -- import and export ------------------------------------------------------------------------

    def choose_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Import Contacts"), str(start_directory(self.settings)),
            self.tr("Contacts (*.vcf *.vcard *.csv);;All files (*)"))
        if path:
            remember_directory(self.settings, Path(path).parent)
            self.import_from(Path(path))

    def import_from(self, path: Path) -> None:
        """Merge the contacts of ``path`` (vCard or CSV, the encoding detected) into the book."""
        self._set_busy(True)
        self.status_label.setText(self.tr("Importing {0}…").format(path.name))

        def imported(result: ImportResult) -> None:
            self._set_busy(False)
            self._finish_exchange(import_summary(result))
            self.reload()

        def failed(error: Exception) -> None:
            self._set_busy(False)
            self._finish_exchange(import_problem(path, error), failed=True)

        self.worker.submit(import_task(path), imported, failed)

    def choose_export(self) -> None:
        filters = [choice.filter_text() for choice in EXPORT_CHOICES]
        path, chosen = QFileDialog.getSaveFileName(
            self, self.tr("Export Contacts"), str(start_directory(self.settings) / "contacts.vcf"),
            ";;".join(filters))
        if not path:
            return
        choice = EXPORT_CHOICES[filters.index(chosen)] if chosen in filters else EXPORT_CHOICES[0]
        target = Path(path)
        if not target.suffix:
            target = target.with_suffix(choice.suffix)
        remember_directory(self.settings, target.parent)
        self.export_to(target, choice)

    def export_to(self, path: Path, choice: ExportChoice) -> None:
        """Write the contacts the list shows (the chosen group, the search) to ``path``."""
        self._set_busy(True)

        def exported(count: int) -> None:
            self._set_busy(False)
            self._finish_exchange(self.tr("Contacts exported to {1}: {0}.").format(count, path.name))

        def failed(error: Exception) -> None:
            self._set_busy(False)
            self._finish_exchange(export_problem(path, error), failed=True)

        self.worker.submit(export_task(path, choice, self._group, self.search_field.text()), exported, failed)

    def _finish_exchange(self, text: str, *, failed: bool = False) -> None:
        self.status_label.setText(text)
        if failed and self.isVisible():
            QMessageBox.warning(self, self.windowTitle(), text)
        self.exchange_finished.emit(text)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.search_timer.stop()
        super().closeEvent(event)
