"""The account dialog's "Download" section (issue 18): headers only, and the first part of large
messages, shown from the account and read back into it."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.core.model import Account
from app.core.store import Store
from app.ui.dialogs.account_dialog.download_section import DownloadSection
from tests.ui.test_account_dialog import fill_new_account, open_dialog


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store(tmp_path / "poplark.sqlite3")
    yield opened
    opened.close()


def test_a_new_account_downloads_whole_messages(qtbot: QtBot, store: Store) -> None:
    dialog = open_dialog(qtbot, store)
    fill_new_account(qtbot, dialog)
    account = dialog.account_from_fields()
    assert (account.headers_only, account.partial_over_bytes) == (False, None)


def test_the_limits_are_read_back_into_the_account(qtbot: QtBot, store: Store) -> None:
    dialog = open_dialog(qtbot, store)
    fill_new_account(qtbot, dialog)
    section = dialog.findChild(DownloadSection)
    assert section is not None and not section.over_spin.isEnabled()
    section.partial_check.setChecked(True)
    section.first_spin.setValue(50)
    section.over_spin.setValue(2)
    account = dialog.account_from_fields()
    assert (account.headers_only, account.partial_over_bytes, account.partial_first_bytes) == (
        False, 2 * 1024 * 1024, 50 * 1024)
    section.headers_only_check.setChecked(True)
    assert not section.partial_check.isEnabled() and not section.over_spin.isEnabled()
    assert dialog.account_from_fields().headers_only


def test_an_accounts_limits_are_shown(qtbot: QtBot, store: Store) -> None:
    saved = store.add_account(dataclasses.replace(
        Account(name="work", host="pop.example.org", user="alice"), partial_over_bytes=3 * 1024 * 1024 + 1,
        partial_first_bytes=20 * 1024))
    dialog = open_dialog(qtbot, store, saved)
    section = dialog.findChild(DownloadSection)
    assert section is not None and section.partial_check.isChecked()
    assert (section.over_spin.value(), section.first_spin.value()) == (4, 20)  # never lower than asked
    assert dialog.account_from_fields().partial_over_bytes == 4 * 1024 * 1024
