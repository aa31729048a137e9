"""A real store with a small address book for the address book's UI tests, and the worker thread
that reads it (stopped after each test)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.contacts.harvest import harvest_all
from app.core.contacts.model import Contact, ContactAddress
from app.core.model import Account
from app.core.store import Store
from app.ui.contacts.worker import ContactsWorker

#: The completion list is a popup window: the offscreen platform cannot raise it or give it the
#: keyboard grab and says so each time it opens (a real platform does both). Only these two.
OFFSCREEN_POPUP_WARNINGS = pytest.mark.qt_log_ignore(
    r"^This plugin does not support raise\(\)$", r"^This plugin does not support grabbing the keyboard$")


def fill_address_book(store: Store) -> None:
    store.save_contacts([
        Contact("张三", (ContactAddress("zs@example.cn"),), family_name="张", given_name="三", groups=("项目组",)),
        Contact("李四", (ContactAddress("lisi@example.cn"), ContactAddress("si.li@work.example", "work")),
                groups=("项目组",)),
        Contact("Alice Smith", (ContactAddress("alice@example.com"),), note="Met at the conference"),
    ])
    account = store.add_account(Account(name="mail", host="127.0.0.1", user="me"))
    store.add_message(account, "1", "From: 王五 <wangwu@example.cn>\r\nTo: me@example.com\r\n"
                      "Subject: hi\r\n\r\nhello\r\n".encode())
    store.commit()
    harvest_all(store)


@pytest.fixture
def contacts_store(tmp_path: Path) -> Iterator[Store]:
    store = Store(tmp_path / "mail.sqlite3")
    fill_address_book(store)
    yield store
    store.close()


@pytest.fixture
def contacts_worker(contacts_store: Store) -> Iterator[ContactsWorker]:
    worker = ContactsWorker(contacts_store.path)
    yield worker
    worker.stop()
