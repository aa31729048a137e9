"""To/Cc/Bcc: completion from the address book and the addresses seen in mail (pinyin and its
initials too), groups, invalid addresses marked on leaving the field, and the parsed recipients."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from app.ui.contacts.recipient_field import INVALID_PROPERTY, RecipientField, current_span
from app.ui.contacts.worker import ContactsWorker
from tests.ui.contacts_fixtures import OFFSCREEN_POPUP_WARNINGS

pytestmark = OFFSCREEN_POPUP_WARNINGS


def _field(qtbot: QtBot, worker: ContactsWorker | None) -> tuple[QWidget, RecipientField, QLineEdit]:
    form = QWidget()
    layout = QVBoxLayout(form)
    field = RecipientField(worker, form)
    other = QLineEdit(form)
    layout.addWidget(field)
    layout.addWidget(other)
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    return form, field, other


def _type(qtbot: QtBot, field: RecipientField, text: str, typed: str = "") -> list[str]:
    """Type ``text`` (ASCII; pytest-qt aborts on other keys, so ``typed`` is set and announced as
    an edit instead) and wait for the suggestions for it."""
    if typed:
        field.insert(typed)
        field.textEdited.emit(field.text())
    else:
        qtbot.keyClicks(field, text)
    qtbot.waitUntil(lambda: field.shown_for == (typed or text).strip(), timeout=10000)
    return [field.model.item(row).text() for row in range(field.model.rowCount())]


def test_pinyin_initials_find_a_chinese_name(qtbot: QtBot, contacts_worker: ContactsWorker) -> None:
    _form, field, _ = _field(qtbot, contacts_worker)
    field.setFocus()
    shown = _type(qtbot, field, "zs")
    assert shown[0] == "张三 <zs@example.cn>"
    assert field.completion.popup() is not None and field.completion.popup().isVisible()
    qtbot.keyClick(field.completion.popup(), Qt.Key.Key_Return)
    assert field.text() == "张三 <zs@example.cn>, "
    assert field.addresses() == ["张三 <zs@example.cn>"]


def test_full_pinyin_and_seen_addresses_complete_the_word_being_typed(
        qtbot: QtBot, contacts_worker: ContactsWorker) -> None:
    _form, field, _ = _field(qtbot, contacts_worker)
    field.setFocus()
    field.setText("alice@example.com; ")
    field.setCursorPosition(len(field.text()))
    assert _type(qtbot, field, "zhang") == ["张三 <zs@example.cn>"]
    field.choose(field._suggestions[0])
    assert field.text() == "alice@example.com; 张三 <zs@example.cn>, "
    # An address only seen in mail (王五 wrote once) is offered by its pinyin too.
    assert _type(qtbot, field, "wangw") == ["王五 <wangwu@example.cn>"]
    field.choose(field._suggestions[0])
    assert field.addresses() == ["alice@example.com", "张三 <zs@example.cn>", "王五 <wangwu@example.cn>"]


def test_a_group_expands_to_its_members(qtbot: QtBot, contacts_worker: ContactsWorker) -> None:
    _form, field, _ = _field(qtbot, contacts_worker)
    field.setFocus()
    assert _type(qtbot, field, "xmz") == ["项目组 (group of 2)"]  # a group by its pinyin initials too
    field.clear()
    shown = _type(qtbot, field, "", "项目")
    assert shown == ["项目组 (group of 2)"]
    field.choose(field._suggestions[0])
    assert field.addresses() == ["张三 <zs@example.cn>", "李四 <lisi@example.cn>"]
    # A group's name typed by hand (or kept from a draft) expands as well, and is not "invalid".
    field.set_addresses(["项目组", "alice@example.com"])
    assert field.invalid_addresses() == []
    assert field.addresses() == ["张三 <zs@example.cn>", "李四 <lisi@example.cn>", "alice@example.com"]


def test_invalid_addresses_are_marked_when_leaving_the_field(qtbot: QtBot) -> None:
    _form, field, _ = _field(qtbot, None)
    field.setFocus()
    field.setText('"Smith, Al" <al@example.com>; bob@@example.com, 张三 <zs@example.cn>，carol example.com')
    assert field.property(INVALID_PROPERTY) is False
    # The completion list opening is not leaving the field; Tab to the next one is. (Sent as
    # events: the offscreen platform gives no window the keyboard focus.)
    QApplication.sendEvent(field, QFocusEvent(QEvent.Type.FocusOut, Qt.FocusReason.PopupFocusReason))
    assert field.property(INVALID_PROPERTY) is False
    QApplication.sendEvent(field, QFocusEvent(QEvent.Type.FocusOut, Qt.FocusReason.TabFocusReason))
    assert field.property(INVALID_PROPERTY) is True
    assert field.invalid_addresses() == ["bob@@example.com", "carol example.com"]
    assert "bob@@example.com" in field.toolTip() and "carol example.com" in field.toolTip()
    assert field.addresses() == ['"Smith, Al" <al@example.com>', "张三 <zs@example.cn>"]
    # Correcting the mistakes takes the mark away at once.
    field.setFocus()
    field.set_addresses(["bob@example.com"])
    assert field.property(INVALID_PROPERTY) is False
    assert field.toolTip() == ""


def test_the_span_of_the_recipient_being_typed() -> None:
    text = '"Smith, Al" <al@example.com>, zh'
    assert current_span(text, len(text)) == (text.index(",", 12) + 1, len(text))
    assert current_span("a@b.c；li", 8) == (6, 8)
    assert current_span("ab, cd", 1) == (0, 2)


def test_only_the_newest_lookup_is_shown(qtbot: QtBot, contacts_worker: ContactsWorker) -> None:
    _form, field, _ = _field(qtbot, contacts_worker)
    field.setFocus()
    # Typed faster than the lookups run: whatever answered in between, what is shown fits "lis".
    qtbot.keyClicks(field, "z")
    qtbot.keyClick(field, Qt.Key.Key_Backspace)
    qtbot.keyClicks(field, "lis")
    qtbot.waitUntil(lambda: not contacts_worker.busy(), timeout=10000)
    assert field.shown_for == "lis"
    assert [field.model.item(row).text() for row in range(field.model.rowCount())] == [
        "李四 <lisi@example.cn>", "李四 <si.li@work.example>"]
