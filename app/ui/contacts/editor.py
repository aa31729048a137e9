"""The contact editor: a name (with family and given names), several addresses with a label each,
groups and a note. It only edits a :class:`Contact`; the address book window saves it."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.contacts.addresses import is_valid_address, split_recipients
from app.core.contacts.model import Contact, ContactAddress
from app.ui.widgets.screen_fit import fit_to_screen


class ContactEditor(QDialog):
    """Edit ``contact`` (a new one has no id); :meth:`contact` gives the result after accept."""

    def __init__(self, contact: Contact, group_names: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("contactEditor")
        self.contact_id = contact.id
        self.setWindowTitle(self.tr("Edit Contact") if contact.id is not None else self.tr("New Contact"))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.name_field = QLineEdit(contact.name, self)
        self.name_field.setObjectName("contactName")
        self.family_field = QLineEdit(contact.family_name, self)
        self.family_field.setObjectName("contactFamilyName")
        self.given_field = QLineEdit(contact.given_name, self)
        self.given_field.setObjectName("contactGivenName")
        names = QHBoxLayout()
        names.addWidget(QLabel(self.tr("Family name:"), self))
        names.addWidget(self.family_field)
        names.addWidget(QLabel(self.tr("Given name:"), self))
        names.addWidget(self.given_field)
        form.addRow(self.tr("Name:"), self.name_field)
        form.addRow("", names)
        layout.addLayout(form)

        layout.addWidget(QLabel(self.tr("Addresses (the first is the one mail goes to):"), self))
        self.address_table = QTableWidget(0, 2, self)
        self.address_table.setObjectName("contactAddresses")
        self.address_table.setHorizontalHeaderLabels([self.tr("Address"), self.tr("Label (home, work…)")])
        header = self.address_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(1, 170)  # room for the column's name, "Label (home, work…)"
        self.address_table.verticalHeader().hide()
        self.address_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        for entry in contact.addresses:
            self.add_address(entry.address, entry.label)
        if not contact.addresses:
            self.add_address()
        layout.addWidget(self.address_table, 1)
        address_buttons = QHBoxLayout()
        self.add_address_button = QPushButton(self.tr("Add Address"), self)
        self.add_address_button.clicked.connect(lambda: self.add_address(edit=True))
        self.remove_address_button = QPushButton(self.tr("Remove Address"), self)
        self.remove_address_button.clicked.connect(self._remove_address)
        address_buttons.addWidget(self.add_address_button)
        address_buttons.addWidget(self.remove_address_button)
        address_buttons.addStretch(1)
        layout.addLayout(address_buttons)

        form = QFormLayout()
        self.groups_field = QLineEdit(", ".join(contact.groups), self)
        self.groups_field.setObjectName("contactGroups")
        self.groups_field.setPlaceholderText(self.tr("Groups, separated by commas"))
        completer = QCompleter(group_names, self.groups_field)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.groups_field.setCompleter(completer)
        form.addRow(self.tr("Groups:"), self.groups_field)
        self.note_field = QPlainTextEdit(contact.note, self)
        self.note_field.setObjectName("contactNote")
        self.note_field.setTabChangesFocus(True)
        self.note_field.setMaximumHeight(90)
        form.addRow(self.tr("Note:"), self.note_field)
        layout.addLayout(form)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("contactError")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b3261e;")
        self.error_label.hide()
        layout.addWidget(self.error_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel,
                                   self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        fit_to_screen(self, QSize(560, 480))

    def add_address(self, address: str = "", label: str = "", *, edit: bool = False) -> None:
        row = self.address_table.rowCount()
        self.address_table.insertRow(row)
        address_item = QTableWidgetItem(address)
        self.address_table.setItem(row, 0, address_item)
        self.address_table.setItem(row, 1, QTableWidgetItem(label))
        if edit:
            self.address_table.setCurrentCell(row, 0)
            self.address_table.editItem(address_item)

    def _remove_address(self) -> None:
        rows = sorted({index.row() for index in self.address_table.selectedIndexes()}, reverse=True)
        for row in rows or [self.address_table.currentRow()]:
            if row >= 0:
                self.address_table.removeRow(row)

    def _cell(self, row: int, column: int) -> str:
        item = self.address_table.item(row, column)
        return item.text().strip() if item is not None else ""

    def contact(self) -> Contact:
        """The contact as edited (not yet checked: see :meth:`problem`)."""
        addresses = tuple(ContactAddress(self._cell(row, 0), self._cell(row, 1))
                          for row in range(self.address_table.rowCount()) if self._cell(row, 0))
        return Contact(name=self.name_field.text().strip(), addresses=addresses,
                       family_name=self.family_field.text().strip(), given_name=self.given_field.text().strip(),
                       groups=tuple(split_recipients(self.groups_field.text())),
                       note=self.note_field.toPlainText(), id=self.contact_id)

    def problem(self) -> str:
        """What stops saving, said with what to do; '' when the contact can be saved."""
        contact = self.contact()
        bad = [entry.address for entry in contact.addresses if not is_valid_address(entry.address)]
        if bad:
            return self.tr("“{0}” is not an email address. Correct it, or remove its row.").format(bad[0])
        if not contact.display_name:
            return self.tr("Give the contact a name or an address.")
        return ""

    def accept(self) -> None:
        problem = self.problem()
        if problem:
            self.error_label.setText(problem)
            self.error_label.show()
            return
        super().accept()
