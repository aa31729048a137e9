"""The shipped translations: complete, placeholders intact, compiled, and actually used."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QTranslator

from tests.ui.conftest import translation_file

#: {0}, {account}, %n, %1 ... and the mnemonic marker "&X" are what a translation must carry over.
PLACEHOLDER = re.compile(r"\{[A-Za-z_0-9]*\}|%n|%\d+")


def messages(ts_file: Path) -> list[tuple[str, ElementTree.Element]]:
    root = ElementTree.parse(ts_file).getroot()
    return [(context.findtext("name") or "", message)
            for context in root.iter("context") for message in context.iter("message")]


@pytest.fixture(scope="module")
def chinese_messages() -> list[tuple[str, ElementTree.Element]]:
    return messages(translation_file("zh_CN", "ts"))


def test_the_chinese_translation_is_compiled_and_loads(qapp: object) -> None:
    qm_file = translation_file("zh_CN", "qm")
    assert qm_file.is_file()
    translator = QTranslator()
    assert translator.load(str(qm_file))
    assert translator.translate("MainWindow", "Get Mail") == "收取邮件"
    assert translator.language() == "zh_CN"


def test_the_qm_is_compiled_from_the_current_ts(chinese_messages: list[tuple[str, ElementTree.Element]]) -> None:
    """Every translation in the .ts is in the .qm: an edited .ts without a rebuild is caught here."""
    translator = QTranslator()
    assert translator.load(str(translation_file("zh_CN", "qm")))
    stale = [(context, message.findtext("source")) for context, message in chinese_messages
             if translator.translate(context, message.findtext("source") or "", message.findtext("comment"))
             != message.findtext("translation")]
    assert stale == []


def test_no_message_is_unfinished_or_obsolete(chinese_messages: list[tuple[str, ElementTree.Element]]) -> None:
    assert len(chinese_messages) > 200
    left = [(context, message.findtext("source")) for context, message in chinese_messages
            if message.find("translation") is None
            or message.find("translation").get("type") in ("unfinished", "obsolete", "vanished")]  # type: ignore[union-attr]
    assert left == []


def test_every_message_is_translated_with_the_same_placeholders(
        chinese_messages: list[tuple[str, ElementTree.Element]]) -> None:
    problems = []
    for context, message in chinese_messages:
        source = message.findtext("source") or ""
        translation = message.findtext("translation") or ""
        if not translation.strip():
            problems.append((context, source, "empty"))
        elif sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(translation)):
            problems.append((context, source, translation))
        elif ("&" in source) != ("&" in translation):
            problems.append((context, source, "mnemonic"))
    assert problems == []


def test_sentences_are_actually_translated(chinese_messages: list[tuple[str, ElementTree.Element]]) -> None:
    """Catch English pasted as its own translation: any source with three words gets some Chinese."""
    untouched = [message.findtext("source") for _, message in chinese_messages
                 if len((message.findtext("source") or "").split()) >= 3
                 and not re.search(r"[\u4e00-\u9fff]", message.findtext("translation") or "")]
    assert untouched == []


def test_with_the_translator_installed_the_main_strings_are_chinese(chinese_ui: QTranslator) -> None:
    translate = QCoreApplication.translate
    assert translate("MainWindow", "Get Mail") == "收取邮件"
    assert translate("FolderModel", "Inbox") == "收件箱"
    assert translate("errors", "Password not accepted") == "密码错误"


def test_the_ts_holds_every_string_of_the_current_code(tmp_path: Path,
                                                       chinese_messages: list[tuple[str, ElementTree.Element]]
                                                       ) -> None:
    """A tr() added without running update.sh would stay English: extract afresh and compare."""
    lupdate = Path(sys.executable).parent / "pyside6-lupdate"
    if not lupdate.exists():
        pytest.skip("pyside6-lupdate is not installed beside this Python")
    repository = Path(__file__).resolve().parents[2]
    sources = sorted(str(path.relative_to(repository)) for path in (repository / "app" / "ui").rglob("*.py"))
    fresh = tmp_path / "fresh.ts"
    subprocess.run([str(lupdate), *sources, "-ts", str(fresh)], cwd=repository, check=True,
                   capture_output=True, timeout=120)
    in_code = {(context, message.findtext("source")) for context, message in messages(fresh)}
    in_ts = {(context, message.findtext("source")) for context, message in chinese_messages}
    assert in_code == in_ts
