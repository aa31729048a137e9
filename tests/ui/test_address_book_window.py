"""The address book window against a real store through its worker thread: listing, groups, search
by pinyin, saving and deleting, the editor's checks, and import/export round trips (vCard, and CSV
in GB18030 as Chinese Windows programs write it) with clear errors for bad files."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.core.contacts.model import Contact, ContactAddress
from app.core.store import Store
from app.ui.contacts.editor import ContactEditor
from app.ui.contacts.exchange import EXPORT_CHOICES
from app.ui.contacts.window import AddressBookWindow
from app.ui.contacts.worker import ContactsWorker


def _window(qtbot: QtBot, worker: ContactsWorker) -> AddressBookWindow:
    with qtbot.waitSignal(worker.task_done, timeout=10000):
        window = AddressBookWindow(worker)
    qtbot.addWidget(window)
    return window


def _names(window: AddressBookWindow) -> list[str]:
    model = window.contact_model
    return [model.data(model.index(row, 0)) for row in range(model.rowCount())]


def _reloaded(qtbot: QtBot, window: AddressBookWindow, action: object) -> None:
    with qtbot.waitSignal(window.loaded, timeout=10000):
        action()  # type: ignore[operator]


def test_the_window_lists_contacts_and_groups(qtbot: QtBot, contacts_worker: ContactsWorker,
                                              qtmodeltester: ModelTester) -> None:
    window = _window(qtbot, contacts_worker)
    qtmodeltester.check(window.contact_model)
    assert window.contact_model.headerData(1, Qt.Orientation.Horizontal) == "Addresses"
    row = _names(window).index("李四")
    assert window.contact_model.data(window.contact_model.index(row, 1)) == "lisi@example.cn, si.li@work.example"
    assert window.contact_model.data(window.contact_model.index(row, 1), Qt.ItemDataRole.ToolTipRole) == (
        "lisi@example.cn\nsi.li@work.example (work)")
    assert sorted(_names(window)) == sorted(["Alice Smith", "张三", "李四"])
    assert [window.group_list.item(row).text() for row in range(window.group_list.count())] == [
        "All contacts (3)", "项目组 (2)"]
    _reloaded(qtbot, window, lambda: window.group_list.setCurrentRow(1))
    assert sorted(_names(window)) == sorted(["张三", "李四"])


@pytest.mark.parametrize(("typed", "found"), [("zs", ["张三"]), ("zhang", ["张三"]), ("lisi", ["李四"]),
                                              ("smith", ["Alice Smith"]), ("si.li@", ["李四"]), ("nobody", [])])
def test_search_finds_by_name_address_and_pinyin(qtbot: QtBot, contacts_worker: ContactsWorker,
                                                 typed: str, found: list[str]) -> None:
    window = _window(qtbot, contacts_worker)
    _reloaded(qtbot, window, lambda: window.search_field.setText(typed))
    assert _names(window) == found


def test_a_saved_contact_is_listed_and_found_by_its_pinyin(qtbot: QtBot, contacts_worker: ContactsWorker,
                                                           contacts_store: Store) -> None:
    window = _window(qtbot, contacts_worker)
    contact = Contact("欧阳修", (ContactAddress("ouyang@example.cn", "work"), ContactAddress("xiu@home.example")),
                      groups=("诗人",), note="唐宋八大家")
    _reloaded(qtbot, window, lambda: window.save(contact))
    assert "欧阳修" in _names(window)
    assert [window.contact_model.contact(index.row()).name
            for index in window.contact_list.selectionModel().selectedRows()] == ["欧阳修"]
    assert window.edit_button.isEnabled() and window.delete_button.isEnabled()
    assert window.status_label.text() == "Saved 欧阳修."
    saved = contacts_store.contacts_with_address("xiu@home.example")[0]
    assert saved.addresses == contact.addresses and saved.groups == ("诗人",) and saved.note == "唐宋八大家"
    _reloaded(qtbot, window, lambda: window.search_field.setText("oyx"))
    assert _names(window) == ["欧阳修"]
    _reloaded(qtbot, window, lambda: window.delete_contacts(window.selected_ids() or [saved.id or 0]))
    assert contacts_store.contacts_with_address("xiu@home.example") == []


def test_the_editor_edits_every_part_and_refuses_a_bad_address(qtbot: QtBot) -> None:
    editor = ContactEditor(Contact("张三", (ContactAddress("zs@example.cn"),), groups=("项目组",), id=7),
                           ["项目组", "家人"])
    qtbot.addWidget(editor)
    editor.family_field.setText("张")
    editor.given_field.setText("三")
    editor.add_address("zhang.san@work.example", "work")
    editor.add_address("not an address")
    editor.groups_field.setText("项目组, 家人")
    editor.note_field.setPlainText("Met in Hangzhou")
    editor.accept()
    assert editor.result() == 0 and editor.error_label.isVisibleTo(editor)
    assert "not an address" in editor.error_label.text()
    editor.address_table.selectRow(2)
    editor.remove_address_button.click()
    editor.accept()
    assert editor.result() == 1
    assert editor.contact() == Contact("张三", (ContactAddress("zs@example.cn"), ContactAddress(
        "zhang.san@work.example", "work")), family_name="张", given_name="三", groups=("项目组", "家人"),
        note="Met in Hangzhou")
    assert editor.contact().id == 7


def test_vcard_and_gb18030_csv_round_trip_through_the_window(qtbot: QtBot, contacts_worker: ContactsWorker,
                                                             contacts_store: Store, tmp_path: Path) -> None:
    window = _window(qtbot, contacts_worker)
    before = contacts_store.contacts()
    for choice, name in ((EXPORT_CHOICES[0], "book.vcf"), (EXPORT_CHOICES[3], "book.csv")):
        path = tmp_path / name
        with qtbot.waitSignal(window.exchange_finished, timeout=10000) as finished:
            window.export_to(path, choice)
        assert finished.args == [f"Contacts exported to {name}: 3."]
        if choice.encoding == "gb18030":
            assert "张三".encode("gb18030") in path.read_bytes()
            with pytest.raises(UnicodeDecodeError):
                path.read_bytes().decode("utf-8")
        # Into an empty book: everything comes back.
        contacts_store.remove_contacts([contact.id or 0 for contact in contacts_store.contacts()])
        with qtbot.waitSignal(window.exchange_finished, timeout=10000) as finished:
            window.import_from(path)
        assert finished.args == ["Imported: 3 new, 0 merged into existing contacts, 0 already there."]
        qtbot.waitUntil(lambda: len(_names(window)) == 3, timeout=10000)
        assert [(c.name, c.addresses, c.groups, c.note) for c in contacts_store.contacts()] == [
            (c.name, c.addresses, c.groups, c.note) for c in before]
        # Importing the same file again adds nobody.
        with qtbot.waitSignal(window.exchange_finished, timeout=10000) as finished:
            window.import_from(path)
        assert finished.args == ["Imported: 0 new, 0 merged into existing contacts, 3 already there."]


def test_a_bad_file_is_refused_with_what_to_do(qtbot: QtBot, contacts_worker: ContactsWorker, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    warnings: list[str] = []
    monkeypatch.setattr("app.ui.contacts.window.QMessageBox.warning",
                        lambda parent, title, text: warnings.append(text))
    window = _window(qtbot, contacts_worker)
    window.show()
    bad = tmp_path / "photo.csv"
    bad.write_bytes(b"\x89PNG\r\n\x1a\nnot,a,contact,list\r\n1,2,3,4\r\n")
    empty = tmp_path / "empty.vcf"
    empty.write_bytes(b"")
    for path, expected in ((bad, "photo.csv could not be read as contacts (its first line names no column of "
                                 "names or e-mail addresses). Export the contacts again from the other program, "
                                 "as vCard (.vcf) or CSV, and import that file."),
                           (empty, "empty.vcf could not be read as contacts"),
                           (tmp_path / "missing.vcf", "missing.vcf could not be opened: No such file or directory. "
                                                      "Check that the file exists and that you may read it.")):
        with qtbot.waitSignal(window.exchange_finished, timeout=10000) as finished:
            window.import_from(path)
        assert str(finished.args[0]).startswith(expected)
        assert warnings[-1] == finished.args[0] == window.status_label.text()
        assert window.import_button.isEnabled()
    assert sorted(_names(window)) == sorted(["Alice Smith", "张三", "李四"])


def test_groups_are_renamed_removed_and_filled(qtbot: QtBot, contacts_worker: ContactsWorker,
                                               contacts_store: Store) -> None:
    window = _window(qtbot, contacts_worker)
    groups = window.group_menus
    _reloaded(qtbot, window, lambda: groups.rename("项目组", "Project"))
    assert window.group_names == ["Project"] and window.status_label.text() == "Group 项目组 renamed to Project."
    assert sorted(contact.name for contact in contacts_store.contacts(group="Project")) == sorted(["张三", "李四"])
    alice = contacts_store.contacts_with_address("alice@example.com")[0]
    _reloaded(qtbot, window, lambda: groups.add([alice.id or 0], "project"))  # the same group, any case
    assert len(contacts_store.contacts(group="Project")) == 3
    _reloaded(qtbot, window, lambda: groups.add([alice.id or 0], "客户"))
    assert window.group_names == ["Project", "客户"]
    _reloaded(qtbot, window, lambda: groups.remove("Project"))
    assert window.group_names == ["客户"] and contacts_store.contact_count() == 3
    assert contacts_store.contacts_with_address("zs@example.cn")[0].groups == ()


def test_the_window_follows_a_language_switch(qtbot: QtBot, contacts_worker: ContactsWorker,
                                              request: pytest.FixtureRequest) -> None:
    window = _window(qtbot, contacts_worker)
    assert window.windowTitle() == "Address Book" and window.group_list.item(0).text() == "All contacts (3)"
    request.getfixturevalue("chinese_ui")  # installs the translators: Qt sends LanguageChange
    qtbot.waitUntil(lambda: window.windowTitle() == "通讯录", timeout=5000)
    assert window.import_button.text() == "导入…" and window.group_list.item(0).text() == "全部联系人（3）"
    assert window.contact_model.headerData(0, Qt.Orientation.Horizontal) == "姓名"
