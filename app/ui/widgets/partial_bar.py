"""The reader's bar for a message stored in part (issue 18): "This message was not fully downloaded:
18.2 MB left on the server." with Download Now.

The bar asks the store, off the GUI thread, whether the message shown is partial and how much is
missing; it shows nothing for a whole message. Download Now only asks: the main window's
:class:`~app.ui.workers.partial_completer.PartialCompleter` downloads the rest and tells the bar
how it went (:meth:`PartialBar.set_working`, :meth:`PartialBar.set_failed`).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QPushButton, QWidget

from app.core.store import Store
from app.core.store.partial import PartialMessage
from app.ui.formatting import human_size
from app.ui.widgets.note_bar import NoteBar
from app.ui.workers.background import BackgroundJob, ProgressCallback


class PartialBar(NoteBar):
    """Hidden unless the message shown is partial."""

    #: Download Now was pressed for this message id.
    download_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("partialBar", parent)
        self.label.setObjectName("partialLabel")
        self.download_button = QPushButton(self)
        self.download_button.setObjectName("downloadNowButton")
        self.download_button.clicked.connect(self._download)
        self.row.addWidget(self.download_button)
        self.message_id: int | None = None
        self.partial: PartialMessage | None = None
        #: Whether something carries out Download Now (the main window's reader; not a message
        #: window of its own, which says where to go instead).
        self.downloads_enabled = False
        self._jobs: set[BackgroundJob] = set()
        self._name_things()
        self.hide()

    def _name_things(self) -> None:
        self.download_button.setText(self.tr("Download Now"))
        if self.partial is not None and self.download_button.isEnabled():
            self._found(self.message_id, self.partial)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._name_things()
        super().changeEvent(event)

    def clear(self) -> None:
        self.message_id = None
        self.partial = None
        self.hide()

    def follow(self, database_path: object, message_id: int) -> None:
        """Show the bar if ``message_id`` is partial (looked up in a background job)."""
        self.clear()
        self.message_id = message_id

        def look_up(report: ProgressCallback) -> PartialMessage | None:
            with Store(Path(str(database_path))) as store:
                return store.partial_message(message_id)

        job = BackgroundJob(look_up, self)
        job.succeeded.connect(lambda partial: self._found(message_id, partial))
        job.finished.connect(lambda: self._jobs.discard(job))
        self._jobs.add(job)
        job.start()

    def _found(self, message_id: int | None, partial: PartialMessage | None) -> None:
        if message_id != self.message_id:
            return  # the reader has moved on
        self.partial = partial
        if partial is None:
            self.hide()
            return
        text = self.tr("This message was not fully downloaded: {0} left on the server.").format(
            human_size(partial.missing_octets))
        if not self.downloads_enabled:
            text += " " + self.tr("Select it in the main window to download the rest.")
        self.label.setText(text)
        self.download_button.setEnabled(True)
        self.download_button.setVisible(self.downloads_enabled)
        self.show()

    def set_working(self) -> None:
        self.label.setText(self.tr("Downloading the rest of this message…"))
        self.download_button.setEnabled(False)

    def set_failed(self, text: str) -> None:
        """Say why the rest could not be downloaded; Download Now stays for another try."""
        self.label.setText(text)
        self.download_button.setEnabled(True)
        self.show()

    def _download(self) -> None:
        if self.message_id is not None and self.partial is not None:
            self.set_working()
            self.download_requested.emit(self.message_id)

    def wait_for_jobs(self, milliseconds: int = 5000) -> None:
        for job in list(self._jobs):
            job.wait(milliseconds)
