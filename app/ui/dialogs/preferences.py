"""Preferences that are about the UI only (kept in QSettings, never anything secret).

The language is read before any window exists (app.ui.application); a new choice applies at once
(the main window installs it through app.ui.language, and the windows retranslate themselves).
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QMessageBox,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.model import Account

#: QSettings key of the language choice; app.ui.application reads it before the first window.
LANGUAGE_KEY = "preferences/language"
#: The longest delay offered before a shown message counts as read (seconds).
MAX_MARK_READ_DELAY_SECONDS = 60
MAX_CHECK_INTERVAL_MINUTES = 24 * 60


class RemoteContent(enum.Enum):
    """What the HTML viewer may do with images and styles hosted elsewhere (tracking pixels)."""

    NEVER = "never"
    ASK = "ask"


#: Language choices: "" follows the system; the others are locale names of shipped translations.
SYSTEM_LANGUAGE = ""
LANGUAGES = ("", "en", "zh_CN")


def _boolean(value: object, default: bool) -> bool:
    # QSettings gives back "true"/"false" strings from INI files on some platforms.
    if value is None:
        return default
    if isinstance(value, str):
        return value.lower() in ("true", "1", "yes")
    return bool(value)


def _integer(value: object, default: int, low: int, high: int) -> int:
    try:
        number = int(str(value)) if value is not None else default
    except ValueError:
        return default
    return min(max(number, low), high)


def _choice(value: object, choices: tuple[str, ...], default: str) -> str:
    text = str(value) if value is not None else default
    return text if text in choices else default


def saved_language(settings: QSettings) -> str:
    """The language chosen in Preferences ("" = the system's), read without building Preferences."""
    return _choice(settings.value(LANGUAGE_KEY), LANGUAGES, SYSTEM_LANGUAGE)


@dataclass(frozen=True)
class Preferences:
    close_to_tray: bool = False
    notify_new_mail: bool = True
    mark_read_when_shown: bool = True
    #: Seconds a message must stay shown before it counts as read; 0 marks it at once.
    mark_read_delay_seconds: int = 0
    #: What the account dialog proposes for a new account (minutes, 0 = only by hand).
    default_check_interval_minutes: int = Account.check_interval_minutes
    #: "" follows the system locale; otherwise one of LANGUAGES. Read at start-up.
    language: str = SYSTEM_LANGUAGE
    remote_content: RemoteContent = RemoteContent.NEVER

    @classmethod
    def load(cls, settings: QSettings) -> Preferences:
        defaults = cls()
        remote = _choice(settings.value("preferences/remoteContent"), tuple(item.value for item in RemoteContent),
                         defaults.remote_content.value)
        return cls(
            close_to_tray=_boolean(settings.value("preferences/closeToTray"), defaults.close_to_tray),
            notify_new_mail=_boolean(settings.value("preferences/notifyNewMail"), defaults.notify_new_mail),
            mark_read_when_shown=_boolean(settings.value("preferences/markReadWhenShown"),
                                          defaults.mark_read_when_shown),
            mark_read_delay_seconds=_integer(settings.value("preferences/markReadDelaySeconds"),
                                             defaults.mark_read_delay_seconds, 0, MAX_MARK_READ_DELAY_SECONDS),
            default_check_interval_minutes=_integer(settings.value("preferences/defaultCheckIntervalMinutes"),
                                                    defaults.default_check_interval_minutes, 0,
                                                    MAX_CHECK_INTERVAL_MINUTES),
            language=saved_language(settings),
            remote_content=RemoteContent(remote),
        )

    def save(self, settings: QSettings) -> None:
        settings.setValue("preferences/closeToTray", self.close_to_tray)
        settings.setValue("preferences/notifyNewMail", self.notify_new_mail)
        settings.setValue("preferences/markReadWhenShown", self.mark_read_when_shown)
        settings.setValue("preferences/markReadDelaySeconds", self.mark_read_delay_seconds)
        settings.setValue("preferences/defaultCheckIntervalMinutes", self.default_check_interval_minutes)
        settings.setValue(LANGUAGE_KEY, self.language)
        settings.setValue("preferences/remoteContent", self.remote_content.value)
        settings.sync()


class PreferencesPage(QWidget):
    """A page of settings another part of the window owns (the junk filter's), shown as a tab
    titled by its window title and saved by itself when Preferences is accepted."""

    def problem(self) -> str | None:
        """What keeps the page from being saved, said to the user; None when all is well."""
        return None

    def apply(self) -> None:
        """Save what the page shows."""


class PreferencesDialog(QDialog):
    def __init__(self, preferences: Preferences, parent: QWidget | None = None,
                 pages: Sequence[PreferencesPage] = ()) -> None:
        super().__init__(parent)
        self.setObjectName("preferencesDialog")
        self.setWindowTitle(self.tr("Preferences"))
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)

        general = QGroupBox(self.tr("General"), self)
        general_form = QFormLayout(general)
        self.language_combo = QComboBox(general)
        self.language_combo.setObjectName("languageCombo")
        # Each language is named in itself, so it can be found whatever the current language is.
        for label, code in ((self.tr("System default"), SYSTEM_LANGUAGE), ("English", "en"), ("简体中文", "zh_CN")):
            self.language_combo.addItem(label, code)
        self.language_combo.setCurrentIndex(max(0, self.language_combo.findData(preferences.language)))
        general_form.addRow(self.tr("Language:"), self.language_combo)
        self.language_note = QLabel(self.tr("The new language applies as soon as you press OK."), general)
        self.language_note.setObjectName("languageNote")
        self.language_note.setWordWrap(True)
        self.language_note.setEnabled(False)  # drawn greyed: a remark, not a field
        general_form.addRow("", self.language_note)
        self.close_to_tray = QCheckBox(self.tr("Closing the window keeps Poplark running in the system tray"),
                                       general)
        self.close_to_tray.setObjectName("closeToTrayCheck")
        self.close_to_tray.setChecked(preferences.close_to_tray)
        general_form.addRow(self.close_to_tray)
        self.notify = QCheckBox(self.tr("Show a notification when new mail arrives"), general)
        self.notify.setObjectName("notifyCheck")
        self.notify.setChecked(preferences.notify_new_mail)
        general_form.addRow(self.notify)
        layout.addWidget(general)

        reading = QGroupBox(self.tr("Reading"), self)
        reading_form = QFormLayout(reading)
        self.mark_read = QCheckBox(self.tr("Mark messages as read when they are shown"), reading)
        self.mark_read.setObjectName("markReadCheck")
        self.mark_read.setChecked(preferences.mark_read_when_shown)
        reading_form.addRow(self.mark_read)
        self.mark_read_delay = QSpinBox(reading)
        self.mark_read_delay.setObjectName("markReadDelaySpin")
        self.mark_read_delay.setRange(0, MAX_MARK_READ_DELAY_SECONDS)
        self.mark_read_delay.setSpecialValueText(self.tr("immediately"))
        self.mark_read_delay.setSuffix(self.tr(" s"))
        self.mark_read_delay.setValue(preferences.mark_read_delay_seconds)
        reading_form.addRow(self.tr("After:"), self.mark_read_delay)
        self.remote_content_combo = QComboBox(reading)
        self.remote_content_combo.setObjectName("remoteContentCombo")
        self.remote_content_combo.addItem(self.tr("Never load remote content"), RemoteContent.NEVER.value)
        self.remote_content_combo.addItem(self.tr("Ask for each message"), RemoteContent.ASK.value)
        self.remote_content_combo.setCurrentIndex(
            max(0, self.remote_content_combo.findData(preferences.remote_content.value)))
        self.remote_content_combo.setToolTip(self.tr(
            "Pictures and styles loaded from the internet tell the sender when and where you read a message."))
        reading_form.addRow(self.tr("Remote content:"), self.remote_content_combo)
        layout.addWidget(reading)

        accounts = QGroupBox(self.tr("New accounts"), self)
        accounts_form = QFormLayout(accounts)
        self.check_interval = QSpinBox(accounts)
        self.check_interval.setObjectName("checkIntervalSpin")
        self.check_interval.setRange(0, MAX_CHECK_INTERVAL_MINUTES)
        self.check_interval.setSpecialValueText(self.tr("only by hand"))
        self.check_interval.setSuffix(self.tr(" min"))
        self.check_interval.setValue(preferences.default_check_interval_minutes)
        accounts_form.addRow(self.tr("Check for new mail every:"), self.check_interval)
        layout.addWidget(accounts)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        self.mark_read.toggled.connect(self._update_dependent_widgets)
        self._update_dependent_widgets()
        self.pages = tuple(pages)
        if self.pages:
            self._add_pages(layout)

    def _add_pages(self, layout: QVBoxLayout) -> None:
        """The sections above become the General tab; each page is a tab after it."""
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("preferencesTabs")
        general = QWidget(self.tabs)
        general_layout = QVBoxLayout(general)
        while layout.count() > 1:  # everything but the buttons
            item = layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                general_layout.addWidget(widget)
        general_layout.addStretch(1)
        self.tabs.addTab(general, self.tr("General"))
        for page in self.pages:
            self.tabs.addTab(page, page.windowTitle())
        layout.insertWidget(0, self.tabs)

    def accept(self) -> None:
        for page in self.pages:
            problem = page.problem()
            if problem is not None:
                self.tabs.setCurrentWidget(page)
                QMessageBox.warning(self, page.windowTitle(), problem)
                return
        for page in self.pages:
            page.apply()
        super().accept()

    def _update_dependent_widgets(self) -> None:
        self.mark_read_delay.setEnabled(self.mark_read.isChecked())

    def preferences(self) -> Preferences:
        return Preferences(
            close_to_tray=self.close_to_tray.isChecked(), notify_new_mail=self.notify.isChecked(),
            mark_read_when_shown=self.mark_read.isChecked(), mark_read_delay_seconds=self.mark_read_delay.value(),
            default_check_interval_minutes=self.check_interval.value(),
            language=str(self.language_combo.currentData()),
            remote_content=RemoteContent(self.remote_content_combo.currentData()))
