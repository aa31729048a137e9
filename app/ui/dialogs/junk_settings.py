"""The Junk Mail page of Preferences: the junk filter on or off, its thresholds, whether contacts
and people written to are trusted, and the blocked senders.

These settings live in the profile's database (app.core.junk.settings), not in QSettings, so
``poplark junk`` from the command line sees the same ones. Reading and writing them is a few
rows: done on the GUI thread when the page opens and when Preferences is accepted.
"""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QFormLayout, QLabel, QPlainTextEdit, QSpinBox, QVBoxLayout, QWidget

from app.core.errors import ConfigError
from app.core.junk.filter import load_model
from app.core.junk.senders import blacklist_entries
from app.core.junk.settings import MIN_TRAINED_PER_CLASS, JunkSettings
from app.core.store import Store
from app.ui.dialogs.preferences import PreferencesPage


class JunkSettingsPage(PreferencesPage):
    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.setObjectName("junkSettingsPage")
        self.setWindowTitle(self.tr("Junk Mail"))
        model = load_model(store)
        settings = model.settings
        layout = QVBoxLayout(self)
        self.enabled = QCheckBox(self.tr("Move junk to the account's Junk folder as it arrives"), self)
        self.enabled.setObjectName("junkEnabledCheck")
        self.enabled.setChecked(settings.enabled)
        layout.addWidget(self.enabled)
        if model.trained:
            trained = self.tr("Learnt from {0} junk and {1} good messages.").format(model.junk_messages,
                                                                                   model.ham_messages)
        else:
            trained = self.tr("Learnt from {0} junk and {1} good messages. Mark at least {2} of each with Junk (J)"
                              " and Not Junk (Shift+J); until then only blocked senders are moved.").format(
                model.junk_messages, model.ham_messages, MIN_TRAINED_PER_CLASS)
        self.training = QLabel(trained, self)
        self.training.setObjectName("junkTrainingLabel")
        self.training.setWordWrap(True)
        layout.addWidget(self.training)
        form = QFormLayout()
        self.junk_threshold = self._percent("junkThresholdSpin", settings.junk_threshold)
        form.addRow(self.tr("Junk from a score of:"), self.junk_threshold)
        self.unsure_threshold = self._percent("unsureThresholdSpin", settings.unsure_threshold)
        form.addRow(self.tr("Good mail below a score of:"), self.unsure_threshold)
        layout.addLayout(form)
        self.trust = QCheckBox(self.tr("Mail from my address book or from people I wrote to is never junk"), self)
        self.trust.setObjectName("junkTrustCheck")
        self.trust.setChecked(settings.trust_contacts)
        layout.addWidget(self.trust)
        layout.addWidget(QLabel(self.tr("Always junk: one address or domain per line (a domain includes its"
                                        " subdomains)"), self))
        self.blocked = QPlainTextEdit(self)
        self.blocked.setObjectName("junkBlockedEdit")
        self.blocked.setPlaceholderText("ads@example.com\nspam.example")
        self.blocked.setPlainText("\n".join(store.junk_blacklist()))
        layout.addWidget(self.blocked, 1)
        private = QLabel(self.tr("The filter learns and judges on this computer only: nothing about your mail is"
                                 " sent anywhere."), self)
        private.setWordWrap(True)
        private.setEnabled(False)  # drawn greyed: a remark, not a field
        layout.addWidget(private)

    def _percent(self, name: str, value: float) -> QSpinBox:
        spin = QSpinBox(self)
        spin.setObjectName(name)
        spin.setRange(1, 100)
        spin.setSuffix(" %")
        spin.setValue(round(value * 100))
        return spin

    def settings(self) -> JunkSettings:
        """The settings as shown; raises ConfigError when the thresholds contradict each other."""
        return JunkSettings(enabled=self.enabled.isChecked(), junk_threshold=self.junk_threshold.value() / 100,
                            unsure_threshold=self.unsure_threshold.value() / 100,
                            trust_contacts=self.trust.isChecked())

    def problem(self) -> str | None:
        try:
            self.settings()
        except ConfigError:
            return self.tr("The junk score must be at least the score below which mail is good: raise the first"
                           " or lower the second.")
        try:
            blacklist_entries(self.blocked.toPlainText().splitlines())
        except ConfigError:
            bad = next(line.strip() for line in self.blocked.toPlainText().splitlines() if _invalid(line))
            return self.tr("“{0}” is neither an address (name@example.com) nor a domain (example.com):"
                           " correct it or remove the line.").format(bad)
        return None

    def apply(self) -> None:
        self.store.set_junk_state(self.settings().as_state())
        self.store.set_junk_blacklist(blacklist_entries(self.blocked.toPlainText().splitlines()))


def _invalid(line: str) -> bool:
    try:
        blacklist_entries([line])
    except ConfigError:
        return True
    return False
