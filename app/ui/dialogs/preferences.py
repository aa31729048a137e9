"""Preferences that are about the UI only (kept in QSettings, never anything secret)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QCheckBox, QDialog, QDialogButtonBox, QVBoxLayout, QWidget


def _boolean(value: object, default: bool) -> bool:
    # QSettings gives back "true"/"false" strings from INI files on some platforms.
    if value is None:
        return default
    if isinstance(value, str):
        return value.lower() in ("true", "1", "yes")
    return bool(value)


@dataclass(frozen=True)
class Preferences:
    close_to_tray: bool = False
    notify_new_mail: bool = True
    mark_read_when_shown: bool = True

    @classmethod
    def load(cls, settings: QSettings) -> Preferences:
        defaults = cls()
        return cls(
            close_to_tray=_boolean(settings.value("preferences/closeToTray"), defaults.close_to_tray),
            notify_new_mail=_boolean(settings.value("preferences/notifyNewMail"), defaults.notify_new_mail),
            mark_read_when_shown=_boolean(settings.value("preferences/markReadWhenShown"),
                                          defaults.mark_read_when_shown),
        )

    def save(self, settings: QSettings) -> None:
        settings.setValue("preferences/closeToTray", self.close_to_tray)
        settings.setValue("preferences/notifyNewMail", self.notify_new_mail)
        settings.setValue("preferences/markReadWhenShown", self.mark_read_when_shown)
        settings.sync()


class PreferencesDialog(QDialog):
    def __init__(self, preferences: Preferences, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Preferences"))
        layout = QVBoxLayout(self)
        self.close_to_tray = QCheckBox(self.tr("Closing the window keeps Poplark running in the system tray"), self)
        self.close_to_tray.setObjectName("closeToTrayCheck")
        self.close_to_tray.setChecked(preferences.close_to_tray)
        self.notify = QCheckBox(self.tr("Show a notification when new mail arrives"), self)
        self.notify.setObjectName("notifyCheck")
        self.notify.setChecked(preferences.notify_new_mail)
        self.mark_read = QCheckBox(self.tr("Mark messages as read when they are shown"), self)
        self.mark_read.setObjectName("markReadCheck")
        self.mark_read.setChecked(preferences.mark_read_when_shown)
        for box in (self.close_to_tray, self.notify, self.mark_read):
            layout.addWidget(box)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def preferences(self) -> Preferences:
        return Preferences(close_to_tray=self.close_to_tray.isChecked(), notify_new_mail=self.notify.isChecked(),
                           mark_read_when_shown=self.mark_read.isChecked())
