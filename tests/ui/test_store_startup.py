"""The desktop app meets a damaged or newer mail store at start-up: a dialog, never a traceback."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from app.core.store import Profile, Store
from app.core.store.recovery import DAMAGED_SUFFIX
from app.core.store.schema import SCHEMA_VERSION
from app.ui import application


@pytest.fixture
def dialogs(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, str]]:
    """Every message box the start-up shows, instead of a modal box nobody can close offscreen."""
    shown: list[tuple[str, str, str]] = []

    def record(kind: str) -> Callable[[object, str, str], QMessageBox.StandardButton]:
        def show(parent: object, title: str, text: str) -> QMessageBox.StandardButton:
            shown.append((kind, title, text))
            return QMessageBox.StandardButton.Ok
        return show

    monkeypatch.setattr(QMessageBox, "critical", record("critical"))
    monkeypatch.setattr(QMessageBox, "warning", record("warning"))
    return shown


def test_a_damaged_store_is_explained_kept_and_replaced_by_an_empty_one(
        qapp: object, tmp_path: Path, dialogs: list[tuple[str, str, str]]) -> None:
    profile = Profile(tmp_path / "profile").ensure()
    profile.database_path.write_bytes(b"not a database\n" * 200)
    store = application._open_store(profile)
    assert store is not None
    try:
        assert store.accounts() == []
    finally:
        store.close()
    [(kind, title, text)] = dialogs
    assert kind == "warning" and title == "Mail store damaged"
    [kept] = [path for path in profile.directory.iterdir() if DAMAGED_SUFFIX in path.name]
    assert kept.name in text and "add your accounts again" in text
    assert kept.read_bytes() == b"not a database\n" * 200


def test_a_newer_store_is_refused_with_a_dialog_and_left_alone(
        qapp: object, tmp_path: Path, dialogs: list[tuple[str, str, str]]) -> None:
    profile = Profile(tmp_path / "profile")
    Store.open(profile).close()
    with sqlite3.connect(profile.database_path) as connection:
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    connection.close()
    before = profile.database_path.read_bytes()
    assert application._open_store(profile) is None
    [(kind, title, text)] = dialogs
    assert (kind, title) == ("critical", "Mail store from a newer Poplark")
    assert "newer version of Poplark" in text and "not changed" in text
    assert profile.database_path.read_bytes() == before
