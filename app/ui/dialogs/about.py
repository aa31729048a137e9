"""Help > About: what Poplark is, its version, and the components it ships with and their licences.

Versions are read at run time, so a frozen build states what it really bundles (LGPLv3 asks that
users can tell which Qt they have, to replace it). A component whose version cannot be found is
still listed, with "unknown", rather than left out.
"""

from __future__ import annotations

import platform
import sqlite3
import ssl
from dataclasses import dataclass
from importlib import metadata

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Slot, qVersion
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import __version__
from app.core.components import about_components
from app.ui.icons import application_icon


@dataclass(frozen=True)
class Component:
    name: str
    version: str
    licence: str


def _distribution_version(name: str = "") -> str:
    if not name:
        return ""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return ""


def _openssl_version() -> str:
    # "OpenSSL 3.0.13 30 Jan 2024" -> "3.0.13"
    words = ssl.OPENSSL_VERSION.split()
    return words[1] if len(words) > 1 else ssl.OPENSSL_VERSION


def bundled_components() -> list[Component]:
    """The third-party parts a Poplark build ships (app/core/components.py, the table the .deb's
    copyright file is made from too), with the versions actually loaded."""
    import PySide6

    loaded = {"Python": platform.python_version(), "Qt": qVersion(), "PySide6": PySide6.__version__,
              "SQLite": sqlite3.sqlite_version, "OpenSSL": _openssl_version()}
    public_domain = QCoreApplication.translate("AboutDialog", "Public domain")
    return [Component(component.name,
                      loaded.get(component.name) or _distribution_version(*component.distributions[:1]),
                      public_domain if component.licence == "Public domain" else component.licence)
            for component in about_components()]


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle(self.tr("About Poplark"))
        layout = QVBoxLayout(self)

        heading = QHBoxLayout()
        logo = QLabel(self)
        logo.setPixmap(application_icon().pixmap(64, 64))
        logo.setAlignment(Qt.AlignmentFlag.AlignTop)
        heading.addWidget(logo)
        title = QLabel(self)
        title.setObjectName("aboutTitle")
        title.setTextFormat(Qt.TextFormat.RichText)
        title.setText("<h2 style='margin-bottom:2px'>Poplark</h2>" + self.tr("Version {version}").format(
            version=__version__))
        heading.addWidget(title, 1)
        layout.addLayout(heading)

        self.description = QLabel(self.tr(
            "A POP3 mail client that keeps your mail on your computer, exactly as it arrived. "
            "Passwords are kept in the system keyring."), self)
        self.description.setObjectName("aboutDescription")
        self.description.setWordWrap(True)
        layout.addWidget(self.description)

        layout.addWidget(QLabel(self.tr("Poplark is built with these components:"), self))
        self.components = bundled_components()
        self.table = QTableWidget(len(self.components), 3, self)
        self.table.setObjectName("componentsTable")
        self.table.setHorizontalHeaderLabels([self.tr("Component"), self.tr("Version"), self.tr("Licence")])
        unknown = self.tr("unknown")
        for row, component in enumerate(self.components):
            for column, text in enumerate((component.name, component.version or unknown, component.licence)):
                item = QTableWidgetItem(text)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                self.table.setItem(row, column, item)
        self.table.verticalHeader().hide()
        self.table.setShowGrid(False)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a list to read; Close keeps the focus
        self.table.setAlternatingRowColors(True)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.resizeColumnsToContents()
        # Tall enough for every row: a scroll bar in a seven-line list only hides a licence.
        rows_height = sum(self.table.rowHeight(row) for row in range(self.table.rowCount()))
        self.table.setMinimumHeight(rows_height + header.sizeHint().height() + 2 * self.table.frameWidth())
        layout.addWidget(self.table)

        licence = QLabel(self.tr(
            "Qt and PySide6 are used under the GNU Lesser General Public License version 3: you may replace "
            "them with your own build of the same version."), self)
        licence.setObjectName("aboutLicence")
        licence.setWordWrap(True)
        layout.addWidget(licence)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, self, self._fit_to_contents)

    @Slot()
    def _fit_to_contents(self) -> None:
        """Tall enough for the wrapped paragraphs at the actual width.

        A window's minimum height ignores word wrapping (height for width), so without this a
        longer translation, or a large font at 200%, draws the paragraphs over the table.
        """
        layout = self.layout()
        if layout is None or not layout.hasHeightForWidth():
            return
        needed = layout.totalHeightForWidth(self.width())
        if needed > 0:
            self.setMinimumHeight(needed)
            if self.height() < needed:
                self.resize(self.width(), needed)

    def component_names(self) -> list[str]:
        return [component.name for component in self.components]
