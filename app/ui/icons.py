"""Icons: the application icon and the toolbar set, all from resources/icons."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QIcon

from app.core.providers import resources_directory

#: Poplark's own toolbar icons (resources/icons/*.svg): one consistent set, drawn in mid tones so
#: they read on light and dark themes alike, instead of whatever the desktop theme happens to offer.
_TOOLBAR = {
    "get_mail": "get-mail.svg",
    "new_account": "new-account.svg",
    "settings": "settings.svg",
    "delete": "delete.svg",
    "read": "mark-read.svg",
    "unread": "mark-unread.svg",
    "flag": "flag.svg",
    "new_message": "new-message.svg",
    "reply": "reply.svg",
    "reply_all": "reply-all.svg",
    "forward": "forward.svg",
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


@cache
def standard_icon(name: str) -> QIcon:
    """A toolbar icon from Poplark's set (see _TOOLBAR)."""
    return QIcon(str(resources_directory() / "icons" / _TOOLBAR[name]))


@cache
def attachment_icon() -> QIcon:
    return QIcon(str(resources_directory() / "icons" / "attachment.svg"))
