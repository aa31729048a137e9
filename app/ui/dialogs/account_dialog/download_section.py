"""The account form's "Download" section (issue 18): headers only, or the first part of large messages.

What is not downloaded stays on the server; the message is stored as partial and the reader offers
to download the rest. The fetch engine applies these settings (:mod:`app.core.fetch.limits`).
"""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QLabel, QSpinBox, QVBoxLayout, QWidget

from app.core.model import Account
from app.ui.dialogs.account_dialog.style import NOTE_STYLE, row, section_heading, translate, wrapped_label

KIBIBYTE = 1024
MEBIBYTE = 1024 * 1024
DEFAULT_OVER_MEGABYTES = 5
MAX_OVER_MEGABYTES = 10240
MAX_FIRST_KILOBYTES = 100 * 1024


class DownloadSection(QWidget):
    """Two choices: headers only; only the first N KB of messages larger than M MB."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(section_heading(translate("AccountDialog", "Download")))
        self.headers_only_check = QCheckBox(translate("AccountDialog", "Download headers only"))
        self.headers_only_check.setObjectName("headersOnlyCheck")
        layout.addWidget(self.headers_only_check)
        self.partial_check = QCheckBox(translate("AccountDialog", "Download only the first"))
        self.partial_check.setObjectName("partialCheck")
        self.first_spin = QSpinBox()
        self.first_spin.setObjectName("partialFirstSpin")
        self.first_spin.setRange(0, MAX_FIRST_KILOBYTES)
        self.first_spin.setSuffix(translate("AccountDialog", " KB"))
        self.over_spin = QSpinBox()
        self.over_spin.setObjectName("partialOverSpin")
        self.over_spin.setRange(1, MAX_OVER_MEGABYTES)
        self.over_spin.setSuffix(translate("AccountDialog", " MB"))
        self._over_label = QLabel(translate("AccountDialog", "of messages larger than"))
        layout.addWidget(row(self.partial_check, self.first_spin, self._over_label, self.over_spin))
        note = wrapped_label("downloadNote", NOTE_STYLE)
        note.setText(translate("AccountDialog", "The rest of such a message stays on the server and is never "
                                                "deleted from it by the rules above; open the message and "
                                                "choose Download now to get it."))
        layout.addWidget(note)
        self.headers_only_check.toggled.connect(self._update)
        self.partial_check.toggled.connect(self._update)
        self.load(None)

    def load(self, account: Account | None) -> None:
        """Show ``account``'s limits (None: a new account's, which are off)."""
        self.headers_only_check.setChecked(account is not None and account.headers_only)
        over = account.partial_over_bytes if account is not None else None
        self.partial_check.setChecked(over is not None)
        self.over_spin.setValue(-(-over // MEBIBYTE) if over else DEFAULT_OVER_MEGABYTES)
        first = account.partial_first_bytes if account is not None else Account.partial_first_bytes
        self.first_spin.setValue(first // KIBIBYTE)
        self._update()

    def settings(self) -> dict[str, object]:
        """The Account fields of this section."""
        return {
            "headers_only": self.headers_only_check.isChecked(),
            "partial_over_bytes": self.over_spin.value() * MEBIBYTE if self.partial_check.isChecked() else None,
            "partial_first_bytes": self.first_spin.value() * KIBIBYTE,
        }

    def _update(self) -> None:
        # Headers only covers every message, large ones too: the size rule would change nothing.
        self.partial_check.setEnabled(not self.headers_only_check.isChecked())
        enabled = self.partial_check.isEnabled() and self.partial_check.isChecked()
        for widget in (self.first_spin, self._over_label, self.over_spin):
            widget.setEnabled(enabled)
