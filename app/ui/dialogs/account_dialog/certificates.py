"""Certificate trust in the account dialog: fingerprints as people compare them, and the account's pin.

An untrusted certificate is never accepted by ignoring errors. The user compares its SHA-256
fingerprint with the one the provider publishes and may then trust exactly that certificate, for
this account only (a pin). A pin belongs to the server it was seen on, so changing the server
forgets it.
"""

from __future__ import annotations

import ssl
import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from app.core.fingerprint import format_fingerprint as core_format_fingerprint
from app.ui.dialogs.account_dialog.style import row, translate, wrapped_label
from app.ui.widgets.text_view import monospace_font


def format_fingerprint(fingerprint: str) -> str:
    """SHA-256 in the one format of app.core.fingerprint, in two lines of 16 pairs for the dialog."""
    return core_format_fingerprint(fingerprint, pairs_per_line=16)


def short_name(distinguished_name: str) -> str:
    """The part of "commonName=x, organizationName=y" a user recognises: the common name if any."""
    parts = dict(part.split("=", 1) for part in distinguished_name.split(", ") if "=" in part)
    return parts.get("commonName") or parts.get("organizationName") or distinguished_name


def certificate_expiry(not_after: str) -> str:
    """A certificate's "notAfter" as a plain date; the text as given when it cannot be read."""
    try:
        return time.strftime("%Y-%m-%d", time.gmtime(ssl.cert_time_to_seconds(not_after)))
    except ValueError:
        return not_after


class CertificatePin(QWidget):
    """The "Trusted certificate" cell: which certificate the account trusts, and a button to stop."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pinned_sha256: str | None = None
        self._pinned_host = ""
        self.pin_label = wrapped_label("pinLabel")
        # The fingerprint never wraps (its pairs have no spaces to wrap at) and is never narrower
        # than its longest line: a word-wrapped label cut its last character off.
        self.fingerprint_label = QLabel()
        self.fingerprint_label.setObjectName("pinFingerprint")
        self.fingerprint_label.setFont(monospace_font())
        self.fingerprint_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.forget_pin_button = QPushButton(translate("AccountDialog", "Stop trusting it"))
        self.forget_pin_button.setObjectName("forgetPinButton")
        self.forget_pin_button.clicked.connect(lambda: self.set_pin(None, self._pinned_host))
        # The same spacing as the dialog's other field cells (style.stacked).
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.pin_label)
        layout.addWidget(self.fingerprint_label)
        layout.addWidget(row(self.forget_pin_button))

    def set_pin(self, fingerprint: str | None, host: str) -> None:
        """Trust exactly the certificate with SHA-256 ``fingerprint`` on ``host`` (None: trust none)."""
        self.pinned_sha256 = fingerprint or None
        self._pinned_host = host
        if self.pinned_sha256:
            self.pin_label.setText(translate("AccountDialog", "This account trusts exactly one certificate, SHA-256:"))
            shown = format_fingerprint(self.pinned_sha256)
            self.fingerprint_label.setText(shown)
            metrics = self.fingerprint_label.fontMetrics()
            self.fingerprint_label.setMinimumWidth(max(metrics.horizontalAdvance(line) for line in shown.splitlines())
                                                   + 2 * self.fingerprint_label.margin() + 2)
        else:
            self.pin_label.setText(translate(
                "AccountDialog", "None: certificates are checked against the trusted authorities."))
        self.forget_pin_button.setVisible(self.pinned_sha256 is not None)
        self.fingerprint_label.setVisible(self.pinned_sha256 is not None)

    def follow_host(self, host: str) -> None:
        """The server changed: a certificate seen on another server is not trusted for this one."""
        if self.pinned_sha256 and host != self._pinned_host:
            self.set_pin(None, host)
