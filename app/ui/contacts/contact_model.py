"""The address book window's list as a table model: the contacts the worker found, one row each
(name, addresses, groups, note), built when a row is drawn, so showing thousands costs nothing on
the GUI thread."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from app.core.contacts.model import Contact

Index = QModelIndex | QPersistentModelIndex


class ContactTableModel(QAbstractTableModel):
    """Rows of :class:`Contact`; ``Qt.UserRole`` of any cell is the contact's id."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.contacts: list[Contact] = []

    def set_contacts(self, contacts: list[Contact]) -> None:
        self.beginResetModel()
        self.contacts = contacts
        self.endResetModel()

    def contact(self, row: int) -> Contact:
        return self.contacts[row]

    def row_of(self, contact_id: int) -> int | None:
        return next((row for row, contact in enumerate(self.contacts) if contact.id == contact_id), None)

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.columnCount() - 1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.contacts)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else 4

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self.contacts):
            return None
        contact = self.contacts[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return contact.display_name
            if column == 1:
                return ", ".join(entry.address for entry in contact.addresses)
            if column == 2:
                return ", ".join(contact.groups)
            return " ".join(contact.note.split())
        if role == Qt.ItemDataRole.ToolTipRole and column == 1 and contact.addresses:
            return "\n".join(f"{entry.address} ({entry.label})" if entry.label else entry.address
                             for entry in contact.addresses)
        if role == Qt.ItemDataRole.UserRole:
            return contact.id
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        names = (self.tr("Name"), self.tr("Addresses"), self.tr("Groups"), self.tr("Note"))
        return names[section] if 0 <= section < len(names) else None
