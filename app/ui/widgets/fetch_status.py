"""The status bar's fetch area: which account, a progress bar (messages and bytes), Cancel."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QToolButton, QWidget

from app.core.model import FetchPhase, FetchProgress
from app.ui.formatting import human_size


class FetchStatus(QWidget):
    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel(self)
        self.label.setObjectName("fetchStatusLabel")
        self.progress_bar = QProgressBar(self)
        self.progress_bar.setObjectName("fetchProgress")
        self.progress_bar.setMaximumWidth(220)
        self.progress_bar.setTextVisible(True)
        self.cancel_button = QToolButton(self)
        self.cancel_button.setObjectName("cancelFetchButton")
        self.cancel_button.setText(self.tr("Cancel"))
        self.cancel_button.clicked.connect(self.cancel_requested)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.cancel_button)
        self.set_idle("")

    def set_idle(self, summary: str) -> None:
        self.label.setText(summary)
        self.progress_bar.hide()
        self.cancel_button.hide()

    def show_progress(self, progress: FetchProgress) -> None:
        self.progress_bar.show()
        self.cancel_button.show()
        if progress.phase is FetchPhase.DOWNLOADING and progress.messages_total:
            self.progress_bar.setRange(0, progress.messages_total)
            self.progress_bar.setValue(progress.messages_done)
            self.progress_bar.setFormat(f"%v/%m  {human_size(progress.bytes_done)}/{human_size(progress.bytes_total)}")
            self.label.setText(self.tr("{0}: downloading message {1} of {2}").format(
                progress.account, progress.messages_done, progress.messages_total))
        else:
            self.progress_bar.setRange(0, 0)  # busy indicator
            self.label.setText(self._phase_text(progress))

    def _phase_text(self, progress: FetchProgress) -> str:
        texts = {
            FetchPhase.CONNECTING: self.tr("{0}: connecting…"),
            FetchPhase.LISTING: self.tr("{0}: checking for new mail…"),
            FetchPhase.DOWNLOADING: self.tr("{0}: no new mail to download"),
            FetchPhase.DELETING: self.tr("{0}: removing downloaded mail from the server…"),
            FetchPhase.DONE: self.tr("{0}: done"),
        }
        return texts[progress.phase].format(progress.account)
