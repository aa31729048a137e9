"""Every keyboard shortcut of the main window does one thing: several features add actions to the
same window (compose, folders, tags, junk, the remote mailbox, the address book), and Qt answers a
key sequence claimed twice with "Ambiguous shortcut" and runs neither action."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from app.ui.main_window import MainWindow


def _claims(window: MainWindow) -> dict[str, set[str]]:
    """Each key sequence active in the window, with the actions that claim it (by their text)."""
    claims: dict[str, set[str]] = defaultdict(set)
    for action in window.findChildren(QAction):
        if not action.isEnabled() and not action.associatedObjects():
            continue
        if action.shortcutContext() not in (Qt.ShortcutContext.WindowShortcut,
                                            Qt.ShortcutContext.ApplicationShortcut):
            continue
        if not any(isinstance(owner, QWidget) and owner.window() is window
                   for owner in action.associatedObjects()):
            continue
        for sequence in action.shortcuts():
            if not sequence.isEmpty():
                text = action.text().replace("&", "") or action.objectName() or repr(action)
                claims[sequence.toString(QKeySequence.SequenceFormat.PortableText)].add(text)
    return claims


def test_no_key_sequence_belongs_to_two_actions(mailbox_window: Callable[..., MainWindow]) -> None:
    window = mailbox_window()
    claims = _claims(window)
    assert "Ctrl+N" in claims and "Ctrl+R" in claims, "the window's actions were not found"
    clashes = {sequence: sorted(names) for sequence, names in claims.items() if len(names) > 1}
    assert clashes == {}
