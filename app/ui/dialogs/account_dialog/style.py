"""What the account dialog's parts share: its translation context, colours, and small layout helpers.

Every module of the dialog translates in the one context "AccountDialog": translators see the dialog
as one unit, and splitting the code into modules left every existing translation in place.
``translate("AccountDialog", "literal")`` is the form lupdate extracts.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QCoreApplication, QLocale
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QSpinBox, QVBoxLayout, QWidget

from app.core.model import Security

translate = QCoreApplication.translate

HINT_COLOR = "#c62828"
GOOD_COLOR = "#2e7d32"
WARNING_COLOR = "#b26a00"
NOTE_STYLE = "QLabel { background: #fff8e1; border: 1px solid #e6c36a; border-radius: 4px; padding: 6px; }"
NO_POP3_STYLE = "QLabel { background: #fdecea; border: 1px solid #e59a94; border-radius: 4px; padding: 6px; }"


def ui_language() -> str:
    """The UI language as Qt sees it ("zh_CN", "en_US"); provider notes follow it."""
    return QLocale().name()


def hint_label(object_name: str) -> QLabel:
    """The red line under a field that says what is wrong with it."""
    label = QLabel()
    label.setObjectName(object_name)
    label.setStyleSheet(f"color: {HINT_COLOR};")
    label.setWordWrap(True)
    label.hide()
    return label


def stacked(*widgets: QWidget) -> QWidget:
    """A field with its hint below it, as one form cell (a hidden hint takes no room)."""
    container = QWidget()
    layout = QVBoxLayout(container)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    for widget in widgets:
        layout.addWidget(widget)
    return container


def row(*widgets: QWidget, stretch: bool = True) -> QWidget:
    """Widgets side by side, left-aligned unless ``stretch`` is off."""
    container = QWidget()
    layout = QHBoxLayout(container)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        layout.addWidget(widget)
    if stretch:
        layout.addStretch(1)
    return container


def section_heading(text: str) -> QLabel:
    label = QLabel(f"<b>{html.escape(text)}</b>")
    label.setContentsMargins(0, 8, 0, 0)
    return label


def wrapped_label(object_name: str, style: str = "") -> QLabel:
    label = QLabel()
    label.setObjectName(object_name)
    label.setWordWrap(True)
    if style:
        label.setStyleSheet(style)
    return label


def line_edit(object_name: str, placeholder: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(object_name)
    edit.setPlaceholderText(placeholder)
    return edit

def port_and_security(port_name: str, security_name: str,
                      choices: tuple[tuple[str, Security], ...]) -> tuple[QSpinBox, QComboBox, QWidget]:
    """A server's port box and security choice (``choices``: label and value, in order) and the
    row that shows them side by side, as the POP3 and SMTP settings both do."""
    port = QSpinBox()
    port.setObjectName(port_name)
    port.setRange(0, 65535)
    security = QComboBox()
    security.setObjectName(security_name)
    for label, value in choices:
        security.addItem(label, value.value)
    shown = row(port, QLabel(QCoreApplication.translate("AccountDialog", "Security:")), security)
    return port, security, shown

