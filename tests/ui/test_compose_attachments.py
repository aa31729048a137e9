"""The compose window's attachments (dropped, removed) and its draft at quit: what was typed a
moment before the main window closed is in Drafts afterwards, without waiting for the timer."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QKeySequence
from pytestqt.qtbot import QtBot

from app.core.model import Folder
from app.core.store import Profile, Store
from app.ui.main_window import MainWindow
from tests.ui.test_compose import compose_window, open_with

__all__ = ["compose_window"]  # the fixture, imported for pytest


def drop(target: object, paths: list[Path]) -> QDropEvent:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path)) for path in paths])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    target.dropEvent(event)  # type: ignore[attr-defined]
    return event


def test_files_dropped_on_the_window_are_attached_and_delete_removes_one(
        qtbot: QtBot, compose_window: Callable[..., MainWindow], tmp_path: Path) -> None:
    window = compose_window([])
    compose = open_with(qtbot, window, "new_message")
    first, second = tmp_path / "报价单.xlsx", tmp_path / "notes.txt"
    first.write_bytes(b"PK" * 100)
    second.write_text("notes")
    event = drop(compose, [first, second, tmp_path])  # a folder is not attached
    assert event.isAccepted()
    assert [attachment.filename for attachment in compose.draft().attachments] == ["报价单.xlsx", "notes.txt"]
    assert compose.draft().attachments[0].data == b"PK" * 100
    compose.attachments.setCurrentRow(0)
    qtbot.keyClick(compose.attachments, Qt.Key.Key_Delete)
    assert [attachment.filename for attachment in compose.draft().attachments] == ["notes.txt"]
    assert QKeySequence("Ctrl+Return") in compose.send_action.shortcuts()


def test_what_was_typed_just_before_quitting_is_in_drafts(
        qtbot: QtBot, compose_window: Callable[..., MainWindow], tmp_path: Path) -> None:
    window = compose_window([])
    window.compose.composer.autosave_ms = 60_000  # the timer would not save it in time
    compose = open_with(qtbot, window, "new_message", closed_by_test=False)
    compose.to_field.setText("bob@example.com")
    compose.subject_field.setText("Written at the last second")
    window.close_for_good()  # quitting closes the compose window, which saves, and waits for it
    with Store.open(Profile(tmp_path / "profile")) as store:
        drafts = store.messages("work", folder=Folder.DRAFTS.value)
        assert [summary.subject for summary in drafts] == ["Written at the last second"]
        assert b"bob@example.com" in store.raw(drafts[0].id)
