"""Where a file dialog that saves starts: the user's Downloads folder, then the last folder used.

Every save dialog (attachments, Save All, exported messages, an mbox, the protocol log) shares
one remembered folder, so a person who saves into ~/Mail once finds it offered the next time.
The process's working directory (a source checkout, say) is never the default.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths

#: QSettings key of the folder a save dialog was last confirmed in.
LAST_DIRECTORY_KEY = "files/lastDirectory"


def default_directory() -> Path:
    """The Downloads folder when it exists, else the home folder."""
    downloads = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DownloadLocation)
    if downloads and Path(downloads).is_dir():
        return Path(downloads)
    return Path.home()


def start_directory(settings: QSettings) -> Path:
    """The folder a save dialog opens in: the last one used while it still exists, else the default."""
    saved = settings.value(LAST_DIRECTORY_KEY)
    if isinstance(saved, str) and saved and Path(saved).is_dir():
        return Path(saved)
    return default_directory()


def remember_directory(settings: QSettings, chosen: Path) -> None:
    """Remember the folder of a confirmed save (``chosen``: the folder, or a file in it)."""
    folder = chosen if chosen.is_dir() else chosen.parent
    settings.setValue(LAST_DIRECTORY_KEY, str(folder))


__all__ = ["LAST_DIRECTORY_KEY", "default_directory", "remember_directory", "start_directory"]
