"""Icons: the application icon from resources/icons, toolbar icons from the platform theme."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QStyle

from app.core.providers import resources_directory

#: Freedesktop icon-theme names first (native look on Linux), then a Qt standard icon.
_THEMED = {
    "get_mail": ("mail-receive", QStyle.StandardPixmap.SP_BrowserReload),
    "new_account": ("list-add-user", QStyle.StandardPixmap.SP_FileDialogNewFolder),
    "settings": ("preferences-system", QStyle.StandardPixmap.SP_FileDialogDetailedView),
    "delete": ("edit-delete", QStyle.StandardPixmap.SP_TrashIcon),
    "read": ("mail-mark-read", QStyle.StandardPixmap.SP_DialogApplyButton),
    "unread": ("mail-mark-unread", QStyle.StandardPixmap.SP_DialogResetButton),
}


@cache
def application_icon() -> QIcon:
    icon = QIcon()
    directory = resources_directory() / "icons"
    for size in (16, 32, 48, 64, 128, 256):
        path = directory / f"poplark-{size}.png"
        if path.exists():
            icon.addFile(str(path))
    return icon


def standard_icon(name: str) -> QIcon:
    theme_name, fallback = _THEMED[name]
    style = QApplication.style()
    return QIcon.fromTheme(theme_name, style.standardIcon(fallback))


@cache
def attachment_icon() -> QIcon:
    return QIcon(str(resources_directory() / "icons" / "attachment.svg"))
