"""The attachment list under a message's headers: name, type, size; Save, Save All, Open.

Names come already sanitized from :mod:`app.core.message.view`. Save asks for a file name in a
QFileDialog, which itself asks before replacing a file; Save All picks free names with
``unique_path`` and creates each file exclusively, so nothing is ever overwritten silently. Open
saves into a private temporary directory (mode 0700, removed when Poplark exits) and hands the
file to the system. Decoding and writing run in background jobs: a 25 MB attachment must not
freeze the window. An attached message opens in a viewer window of its own.
"""

from __future__ import annotations

import atexit
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeDatabase, QSettings, Qt, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.filenames import unique_path
from app.ui.errors import file_error_text
from app.ui.formatting import human_size
from app.ui.save_locations import remember_directory, start_directory
from app.ui.workers.background import BackgroundJob, ProgressCallback

if TYPE_CHECKING:
    from app.core.message.view import Attachment

#: Rows shown before the list scrolls; the body keeps the rest of the pane.
VISIBLE_ROWS = 4

RawSource = Callable[[], bytes]

_temporary_directories: list[str] = []


def private_directory() -> Path:
    """A new directory only this user can read (mkdtemp creates it 0700), removed at exit."""
    if not _temporary_directories:
        atexit.register(_remove_temporary_directories)
    directory = tempfile.mkdtemp(prefix="poplark-")
    _temporary_directories.append(directory)
    return Path(directory)


def _remove_temporary_directories() -> None:
    for directory in _temporary_directories:
        shutil.rmtree(directory, ignore_errors=True)


def type_description(content_type: str) -> str:
    """"Word document" rather than application/vnd.openxmlformats-officedocument..., when the
    system's MIME database knows the type (in the user's language); else the type itself."""
    known = QMimeDatabase().mimeTypeForName(content_type)
    return known.comment() if known.isValid() and known.comment() else content_type


def write_new_file(path: Path, data: bytes) -> None:
    """Create ``path`` with ``data``; never replaces an existing file (FileExistsError).

    A write that fails part-way (a full disk) removes the partial file rather than leave a
    truncated attachment that looks saved.
    """
    with open(path, "xb") as handle:
        try:
            handle.write(data)
            handle.flush()
        except BaseException:
            handle.close()
            path.unlink(missing_ok=True)
            raise


def replace_file(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path``, which the user chose to replace, without ever losing both.

    The new bytes go to a temporary file beside it, which then takes the old one's place in one
    rename: if the disk fills up part-way, the old file is still whole.
    """
    if not path.exists():
        write_new_file(path, data)
        return
    handle, temporary_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    temporary = Path(temporary_name)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        temporary.chmod(stat.S_IMODE(path.stat().st_mode))  # keep the replaced file's permissions
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


class AttachmentList(QWidget):
    """Lists one message's attachments. The raw message comes from ``source``, read in a job."""

    #: Files written (Save, Save All, Open), once each job is done.
    saved = Signal(list)
    #: An attached message to show in a window of its own: (raw bytes, file name).
    open_message = Signal(bytes, str)
    #: A file handed to the system to open.
    opened = Signal(str)

    def __init__(self, settings: QSettings | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attachmentList")
        self.settings = settings or QSettings()
        self.attachments: tuple[Attachment, ...] = ()
        self._source: RawSource | None = None
        self._jobs: set[BackgroundJob] = set()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 0, 8, 4)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("attachmentTree")
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels([self.tr("Attachment"), self.tr("Type"), self.tr("Size")])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.header().setStretchLastSection(False)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.itemActivated.connect(lambda item, column: self.open_selected())
        layout.addWidget(self.tree, 1)
        buttons = QVBoxLayout()
        buttons.setSpacing(4)
        self.save_button = QPushButton(self.tr("Save…"), self)
        self.save_button.setObjectName("saveAttachmentButton")
        self.save_button.clicked.connect(self.save_selected)
        self.save_all_button = QPushButton(self.tr("Save All…"), self)
        self.save_all_button.setObjectName("saveAllAttachmentsButton")
        self.save_all_button.clicked.connect(self.save_all)
        self.open_button = QPushButton(self.tr("Open"), self)
        self.open_button.setObjectName("openAttachmentButton")
        self.open_button.clicked.connect(self.open_selected)
        for button in (self.open_button, self.save_button, self.save_all_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.hide()

    # -- what is listed -------------------------------------------------------------------------

    def set_attachments(self, attachments: Sequence[Attachment], source: RawSource | None) -> None:
        self.attachments = tuple(attachments)
        self._source = source
        self.tree.clear()
        for attachment in self.attachments:
            item = QTreeWidgetItem([attachment.filename, type_description(attachment.content_type),
                                    human_size(attachment.size)])
            item.setToolTip(0, attachment.filename)
            item.setToolTip(1, attachment.content_type)
            item.setData(1, Qt.ItemDataRole.UserRole, attachment.content_type)
            item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.tree.addTopLevelItem(item)
        first = self.tree.topLevelItem(0)
        if first is not None:
            self.tree.setCurrentItem(first)
            rows = min(len(self.attachments), VISIBLE_ROWS)
            row_height = self.tree.sizeHintForRow(0) if self.tree.topLevelItemCount() else 20
            self.tree.setFixedHeight(self.tree.header().sizeHint().height() + rows * max(row_height, 18) + 6)
        self.setVisible(bool(self.attachments))

    def clear(self) -> None:
        self.set_attachments((), None)

    def selected(self) -> list[Attachment]:
        rows = sorted(self.tree.indexOfTopLevelItem(item) for item in self.tree.selectedItems())
        current = self.tree.currentItem()
        if not rows and current is not None:
            rows = [self.tree.indexOfTopLevelItem(current)]
        return [self.attachments[row] for row in rows if 0 <= row < len(self.attachments)]

    # -- actions ----------------------------------------------------------------------------------

    def last_directory(self) -> Path:
        return start_directory(self.settings)  # Downloads, then wherever the last save went

    def save_selected(self) -> None:
        chosen = self.selected()
        if len(chosen) > 1:
            self.save_all(chosen)
            return
        if not chosen:
            return
        attachment = chosen[0]
        # The dialog asks before replacing an existing file (Qt's default; never DontConfirmOverwrite).
        target, _ = QFileDialog.getSaveFileName(self, self.tr("Save Attachment"),
                                                str(self.last_directory() / attachment.filename))
        if not target:
            return
        path = Path(target)
        remember_directory(self.settings, path.parent)
        self._write([(attachment, path)], replace=True)

    def save_all(self, chosen: Sequence[Attachment] | None = None) -> None:
        attachments = list(chosen or self.attachments)
        if not attachments:
            return
        directory = QFileDialog.getExistingDirectory(self, self.tr("Save Attachments To"), str(self.last_directory()))
        if not directory:
            return
        remember_directory(self.settings, Path(directory))
        self._write([(attachment, Path(directory)) for attachment in attachments], replace=False)

    def open_selected(self) -> None:
        for attachment in self.selected():
            if attachment.is_message:
                self._open_attached_message(attachment)
            else:
                self._write([(attachment, private_directory())], replace=False, then_open=True)

    def _open_attached_message(self, attachment: Attachment) -> None:
        source = self._source
        if source is None:
            return

        def extract(report: ProgressCallback) -> bytes:
            from app.core.message.view import part_payload

            return part_payload(source(), attachment.part_index)[0]

        def opened(data: object) -> None:
            if isinstance(data, bytes):
                self.open_message.emit(data, attachment.filename)

        self._run(extract, opened)

    def _write(self, targets: list[tuple[Attachment, Path]], *, replace: bool, then_open: bool = False) -> None:
        """Decode and write in a job. ``replace``: the target is the exact file the user chose (and
        confirmed); otherwise the target is a directory and a free name is picked in it."""
        source = self._source
        if source is None:
            return

        def write(report: ProgressCallback) -> list[Path]:
            from app.core.message.view import part_payload

            raw = source()
            written: list[Path] = []
            for attachment, target in targets:
                data, _ = part_payload(raw, attachment.part_index)
                if replace:
                    replace_file(target, data)
                    written.append(target)
                    continue
                while True:  # another program may create the same name between check and write
                    path = unique_path(target, attachment.filename)
                    try:
                        write_new_file(path, data)
                        break
                    except FileExistsError:
                        continue
                written.append(path)
            return written

        def done(result: object) -> None:
            paths = list(result) if isinstance(result, list) else []
            self.saved.emit(paths)
            if then_open:
                for path in paths:
                    self.opened.emit(str(path))
                    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

        self._run(write, done)

    def _run(self, function: Callable[[ProgressCallback], object], on_success: Callable[[object], None]) -> None:
        job = BackgroundJob(function, self)
        job.succeeded.connect(on_success)
        job.failed.connect(self._failed)
        job.finished.connect(lambda: self._jobs.discard(job))
        self._jobs.add(job)
        job.start()

    @Slot(object)
    def _failed(self, error: object) -> None:
        if isinstance(error, OSError):  # the usual case: say which file and why, in the user's language
            QMessageBox.warning(self, self.tr("Attachment not saved"), file_error_text(error))
            return
        QMessageBox.warning(self, self.tr("Attachment not saved"), self.tr(
            "The attachment could not be written: {0}\nChoose another folder, or free some disk space, "
            "and try again.").format(error))

    def wait_for_jobs(self, milliseconds: int = 5000) -> None:
        for job in list(self._jobs):
            job.wait(milliseconds)
