"""The status bar's fetch area: which account, a progress bar with its figures, Cancel; when idle,
the last summary as one short sentence with a "Details" link to the whole text.

Nothing here wraps: the sentence and the figures are :class:`ElidedLabel` s (a long error used to
be cut off, and the figures wrapped inside the progress bar: "310/310 28.2 / MB/28.2 MB"). The
figures have one fixed format and keep the width of the widest they will show for this fetch.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QToolButton, QWidget

from app.core.model import FetchPhase, FetchProgress
from app.ui.formatting import human_size
from app.ui.widgets.elided_label import ElidedLabel


class FetchStatus(QWidget):
    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = ElidedLabel(self)
        self.label.setObjectName("fetchStatusLabel")
        self.details_link = QLabel(self)
        self.details_link.setObjectName("fetchDetailsLink")
        self.details_link.linkActivated.connect(self.show_details)
        self.progress_text = ElidedLabel(self)
        self.progress_text.setObjectName("fetchProgressText")
        self.progress_bar = QProgressBar(self)
        self.progress_bar.setObjectName("fetchProgress")
        self.progress_bar.setMaximumWidth(160)
        self.progress_bar.setTextVisible(False)  # the figures are in progress_text, which cannot wrap
        self.cancel_button = QToolButton(self)
        self.cancel_button.setObjectName("cancelFetchButton")
        self.cancel_button.clicked.connect(self.cancel_requested)
        layout.addWidget(self.label)
        layout.addWidget(self.details_link)  # right after the sentence it explains
        layout.addStretch(1)
        layout.addWidget(self.progress_text)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.cancel_button)
        self.details = ""
        self.details_dialog: QWidget | None = None
        self._name_controls()
        self.set_idle("")

    def _name_controls(self) -> None:
        """The link's and the button's words, in the current language (again after a change)."""
        self.details_link.setText(f'<a href="details">{self.tr("Details")}</a>')
        self.cancel_button.setText(self.tr("Cancel"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._name_controls()
        super().changeEvent(event)

    def set_idle(self, summary: str, details: str = "") -> None:
        """Show ``summary`` (one short sentence); ``details``, when it says more, behind the link."""
        self.label.setText(summary)
        self.details = details if details and details != summary else ""
        self.details_link.setVisible(bool(self.details))
        self.progress_text.hide()
        self.progress_text.setText("")
        self.progress_bar.hide()
        self.cancel_button.hide()

    @Slot()
    def show_details(self) -> None:
        from app.ui.dialogs.details_dialog import DetailsDialog

        dialog = DetailsDialog(self.tr("Details"), self.details, self.window())
        self.details_dialog = dialog
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def show_progress(self, progress: FetchProgress) -> None:
        self.details_link.hide()
        self.progress_bar.show()
        self.cancel_button.show()
        if progress.phase is FetchPhase.DOWNLOADING and progress.messages_total:
            self.progress_bar.setRange(0, progress.messages_total)
            self.progress_bar.setValue(progress.messages_done)
            self._show_figures(progress)
            self.label.setText(self.tr("{0}: downloading message {1} of {2}").format(
                progress.account, progress.messages_done, progress.messages_total))
        else:
            self.progress_bar.setRange(0, 0)  # busy indicator
            self.progress_text.hide()
            self.label.setText(self._phase_text(progress))

    def figures(self, messages_done: int, messages_total: int, bytes_done: int, bytes_total: int) -> str:
        return self.tr("{0}/{1} · {2} of {3}").format(messages_done, messages_total, human_size(bytes_done),
                                                     human_size(bytes_total))

    def _show_figures(self, progress: FetchProgress) -> None:
        text = self.figures(progress.messages_done, progress.messages_total, progress.bytes_done,
                            progress.bytes_total)
        # As wide as the figures will ever be in this fetch (all done), so the bar does not jump
        # sideways as digits are added; the label elides if the window is narrower still.
        widest = self.figures(progress.messages_total, progress.messages_total, progress.bytes_total,
                              progress.bytes_total)
        metrics = self.progress_text.fontMetrics()
        self.progress_text.setFixedWidth(max(metrics.horizontalAdvance(text), metrics.horizontalAdvance(widest))
                                         + metrics.averageCharWidth())
        self.progress_text.setText(text)
        self.progress_text.show()

    def _phase_text(self, progress: FetchProgress) -> str:
        texts = {
            FetchPhase.CONNECTING: self.tr("{0}: connecting…"),
            FetchPhase.LISTING: self.tr("{0}: checking for new mail…"),
            FetchPhase.DOWNLOADING: self.tr("{0}: no new mail to download"),
            FetchPhase.DELETING: self.tr("{0}: removing downloaded mail from the server…"),
            FetchPhase.DONE: self.tr("{0}: done"),
        }
        return texts[progress.phase].format(progress.account)
