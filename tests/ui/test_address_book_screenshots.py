"""The address book window searched by pinyin, and a To field completing by pinyin, in English and
Chinese: what is on screen is checked, and POPLARK_SCREENSHOT_DIR keeps the pictures
(docs/address-book-en.png, docs/address-book-zh_CN.png, docs/recipient-completion-en.png,
docs/recipient-completion-zh_CN.png)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QTranslator
from PySide6.QtGui import QPainter, QPixmap
from PySide6.QtWidgets import QFormLayout, QWidget
from pytestqt.qtbot import QtBot

from app.core.contacts.model import Contact, ContactAddress
from app.core.store import Store
from app.ui.contacts.recipient_field import RecipientField
from app.ui.contacts.window import AddressBookWindow
from app.ui.contacts.worker import ContactsWorker
from tests.ui.contacts_fixtures import OFFSCREEN_POPUP_WARNINGS

pytestmark = OFFSCREEN_POPUP_WARNINGS

MORE_CONTACTS = [
    Contact("赵敏", (ContactAddress("zhaomin@example.cn"),), groups=("项目组",), note="负责测试"),
    Contact("周杰", (ContactAddress("zhou.jie@example.com.cn", "work"), ContactAddress("zj@home.example", "home")),
            groups=("同学",)),
    Contact("郑晓东", (ContactAddress("zhengxd@example.cn"),), groups=("同学", "项目组")),
    Contact("Zhang Wei", (ContactAddress("wei.zhang@example.com"),), groups=("Clients",), note="Shanghai office"),
    Contact("Zoe Chen", (ContactAddress("zoe@example.org"),)),
]


def _keep(picture: QPixmap, name: str) -> None:
    keep = os.environ.get("POPLARK_SCREENSHOT_DIR")
    if keep:
        assert picture.save(str(Path(keep) / f"{name}.png"))


def _address_book(qtbot: QtBot, worker: ContactsWorker, store: Store, language: str) -> None:
    store.save_contacts(MORE_CONTACTS)
    with qtbot.waitSignal(worker.task_done, timeout=10000):
        window = AddressBookWindow(worker)
    qtbot.addWidget(window)
    window.resize(940, 420)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitSignal(window.loaded, timeout=10000):
        window.search_field.setText("zh")
    model = window.contact_model
    names = [model.data(model.index(row, 0)) for row in range(model.rowCount())]
    assert sorted(names) == sorted(["Zhang Wei", "张三", "赵敏", "周杰", "郑晓东"])
    window.select_contact(model.contact(0).id or 0)
    if language == "zh_CN":
        assert window.windowTitle() == "通讯录" and window.new_button.text() == "新建联系人…"
        assert window.group_list.item(0).text() == "全部联系人（8）"
    else:
        assert window.windowTitle() == "Address Book" and window.group_list.item(0).text() == "All contacts (8)"
    _keep(window.grab(), f"address-book-{language}")


def _completion(qtbot: QtBot, worker: ContactsWorker, language: str) -> None:
    form = QWidget()
    layout = QFormLayout(form)
    to_field, cc_field = RecipientField(worker, form), RecipientField(worker, form)
    layout.addRow("To:" if language == "en" else "收件人：", to_field)
    layout.addRow("Cc:" if language == "en" else "抄送：", cc_field)
    form.resize(560, 90)
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    to_field.setText("alice@example.com, ")
    to_field.setFocus()
    qtbot.keyClicks(to_field, "zs")
    qtbot.waitUntil(lambda: to_field.shown_for == "zs", timeout=10000)
    popup = to_field.completion.popup()
    assert popup is not None and popup.isVisible()
    assert to_field.model.item(0).text() == "张三 <zs@example.cn>"
    with qtbot.waitSignal(worker.task_done, timeout=10000):
        to_field.setText("alice@example.com, ")
        to_field.setCursorPosition(len(to_field.text()))
        to_field.insert("项目")
        to_field.textEdited.emit(to_field.text())
    qtbot.waitUntil(lambda: to_field.shown_for == "项目", timeout=10000)
    group = "项目组（组，4 人）" if language == "zh_CN" else "项目组 (group of 4)"
    assert to_field.model.item(0).text() == group
    to_field.setText("alice@example.com, ")
    to_field.setCursorPosition(len(to_field.text()))
    qtbot.keyClicks(to_field, "zh")
    qtbot.waitUntil(lambda: to_field.shown_for == "zh", timeout=10000)
    shown = [to_field.model.item(row).text() for row in range(to_field.model.rowCount())]
    assert {"张三 <zs@example.cn>", "赵敏 <zhaomin@example.cn>", "Zhang Wei <wei.zhang@example.com>"} <= set(shown)
    # The form and the completion list below it, as one picture (the list is a window of its own).
    offset = popup.mapToGlobal(QPoint(0, 0)) - form.mapToGlobal(QPoint(0, 0))
    picture = QPixmap(max(form.width(), offset.x() + popup.width()), offset.y() + popup.height() + 8)
    picture.fill(form.palette().window().color())
    painter = QPainter(picture)
    painter.drawPixmap(0, 0, form.grab())
    painter.drawPixmap(offset, popup.grab())
    painter.end()
    _keep(picture, f"recipient-completion-{language}")


def test_the_address_book_and_completion_in_english(qtbot: QtBot, contacts_worker: ContactsWorker,
                                                    contacts_store: Store) -> None:
    _address_book(qtbot, contacts_worker, contacts_store, "en")
    _completion(qtbot, contacts_worker, "en")


@pytest.mark.usefixtures("chinese_ui")
def test_the_address_book_and_completion_in_chinese(qtbot: QtBot, contacts_worker: ContactsWorker,
                                                    contacts_store: Store, chinese_ui: QTranslator) -> None:
    _address_book(qtbot, contacts_worker, contacts_store, "zh_CN")
    _completion(qtbot, contacts_worker, "zh_CN")
