"""Help > About: name, version, and the bundled components with their licences."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import PySide6
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from app import __version__
from app.core.components import about_components
from app.ui.dialogs.about import AboutDialog, bundled_components


def table_rows(dialog: AboutDialog) -> dict[str, tuple[str, str]]:
    table = dialog.table
    return {table.item(row, 0).text(): (table.item(row, 1).text(), table.item(row, 2).text())
            for row in range(table.rowCount())}


def test_every_bundled_component_is_listed_with_its_licence(qtbot: QtBot) -> None:
    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    rows = table_rows(dialog)
    assert set(rows) == {"Python", "Qt", "PySide6", "keyring", "platformdirs", "charset-normalizer", "SecretStorage",
                         "jeepney", "cryptography", "SQLite", "OpenSSL"}
    # One table (app/core/components.py) for this box and the .deb's copyright file.
    assert list(rows) == [component.name for component in about_components()]
    assert rows["PySide6"] == (PySide6.__version__, "LGPLv3")
    assert rows["Qt"][1] == "LGPLv3"
    assert rows["SQLite"] == (sqlite3.sqlite_version, "Public domain")
    assert rows["keyring"][1] == rows["platformdirs"][1] == "MIT"
    assert rows["OpenSSL"][1] == "Apache-2.0"
    assert all(version and version != "unknown" for version, _ in rows.values())


def test_name_version_and_description(qtbot: QtBot) -> None:
    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    title = dialog.findChild(type(dialog.description), "aboutTitle")
    assert "Poplark" in title.text() and __version__ in title.text()
    assert "POP3" in dialog.description.text()


def test_components_are_read_at_run_time() -> None:
    versions = {component.name: component.version for component in bundled_components()}
    assert versions["SQLite"] == sqlite3.sqlite_version
    assert versions["OpenSSL"][0].isdigit()


def test_screenshot_of_the_about_dialog_in_chinese(qtbot: QtBot, chinese_ui: object, tmp_path: Path) -> None:
    """docs/about-zh_CN.png when POPLARK_SCREENSHOT_DIR is set."""
    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.windowTitle() == "关于 Poplark"
    assert table_rows(dialog)["SQLite"][1] == "公有领域"
    licence = dialog.findChild(QLabel, "aboutLicence")
    # The wrapped paragraphs get the lines they need and the table is not drawn over.
    qtbot.waitUntil(lambda: licence.geometry().top() >= dialog.table.geometry().bottom(), timeout=5000)
    assert licence.height() >= licence.heightForWidth(licence.width())
    picture = dialog.grab()
    assert not picture.isNull() and picture.save(str(tmp_path / "about-zh_CN.png"))
    keep = os.environ.get("POPLARK_SCREENSHOT_DIR")
    if keep:
        assert picture.save(str(Path(keep) / "about-zh_CN.png"))
