"""The remote mailbox's one object in the main window: it owns the parts of :mod:`app.ui.remote`
and wires them to the window's panes, so the main window holds a line for it, not a dozen."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject

from app.core.model import Account
from app.core.store import Profile
from app.ui.remote.partial_completer import PartialCompleter
from app.ui.store_events import StoreEvents
from app.ui.widgets.preview import PreviewPane


class RemoteMailbox(QObject):
    """Download Now for partial messages shown in ``preview``."""

    def __init__(self, profile: Profile, events: StoreEvents, accounts: Callable[[], dict[str, Account]],
                 preview: PreviewPane, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.completer = PartialCompleter(profile, events, accounts, self)
        self.completer.attach(preview)

    def shut_down(self) -> None:
        self.completer.wait_for_jobs()
