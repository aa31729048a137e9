"""The compose window (issue 16): opened from the window's actions, replies quoted by the core in
English and Chinese, Reply All without one's own addresses, forward as an attachment, invalid
addresses marked, the size warning, drafts saved as one types and found again after the window is
gone, and a message sent through a real SMTP server (the fake in tests/fakes) into Sent."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from app.core.model import Account, Folder, OutboxState, Security, SmtpSettings
from app.core.store import Profile, Store
from app.ui.compose.fields import INVALID_PROPERTY
from app.ui.compose.opening import Kind
from app.ui.compose.window import ComposeWindow
from app.ui.main_window import MainWindow
from app.ui.models.message_rows import Column
from tests.fakes.certs import TestCertificates
from tests.fakes.keyrings import MemoryKeyring
from tests.fakes.pop3_server import crlf
from tests.fakes.smtp_server import DEFAULT_PASSWORD, DEFAULT_USER, FakeSmtpServer, Faults

ME = DEFAULT_USER  # alice@example.org: the account's own address


def english_message() -> bytes:
    return crlf("From: Bob Smith <bob@example.com>\nTo: Alice <alice@example.org>, carol@example.com\n"
                "Cc: dave@example.com\nSubject: Re: Lunch plans\nDate: Mon, 2 Nov 2026 10:00:00 +0800\n"
                "Message-ID: <lunch-2@example.com>\nReferences: <lunch-1@example.com>\n\n"
                "Shall we meet at noon?\n")


def chinese_message() -> bytes:
    headers = crlf("From: =?gbk?b?1cXI/Q==?= <zhangsan@example.cn>\nTo: alice@example.org\n"
                   "Subject: =?gbk?b?u9i4tKO6x+u9zA==?=\nDate: Tue, 3 Nov 2026 09:30:00 +0800\n"
                   "Message-ID: <q4@example.cn>\nMIME-Version: 1.0\n"
                   "Content-Type: text/plain; charset=gbk\nContent-Transfer-Encoding: 8bit\n\n")
    return headers + "第四季度的报告已经发出，请查收。\r\n".encode("gbk")


@pytest.fixture
def smtp_server(certificates: TestCertificates) -> Iterator[Callable[..., FakeSmtpServer]]:
    started: list[FakeSmtpServer] = []

    def start(**faults: Any) -> FakeSmtpServer:
        server = FakeSmtpServer("tls", certificates, faults=Faults(**faults)).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def compose_window(qtbot: QtBot, tmp_path: Path, memory_keyring: MemoryKeyring,
                   certificates: TestCertificates) -> Iterator[Callable[..., MainWindow]]:
    """A main window over a store with the account "work" (alice@example.org), whose SMTP server is
    ``server`` (TLS with the test CA; password in the keyring), holding ``messages`` in its Inbox."""
    made: list[tuple[MainWindow, Store]] = []

    def make(messages: list[bytes], server: FakeSmtpServer | None = None) -> MainWindow:
        profile = Profile(tmp_path / "profile").ensure()
        store = Store.open(profile)
        smtp = SmtpSettings(host="localhost", port=server.port if server else 1, security=Security.TLS, user=ME)
        account = store.add_account(Account(name="work", host="127.0.0.1", port=1, user="alice", email=ME,
                                            display_name="Alice", security=Security.NONE, check_interval_minutes=0,
                                            ca_file=str(certificates.ca_pem), timeout_seconds=5, smtp=smtp))
        memory_keyring.set_password("Poplark", account.credential_key, DEFAULT_PASSWORD)
        for number, raw in enumerate(messages):
            store.add_message(account, f"uid-{number}", raw)
        store.commit()
        window = MainWindow(store, profile, QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
        window.compose.composer.autosave_ms = 100
        qtbot.addWidget(window)
        window.show()
        made.append((window, store))
        return window

    yield make
    for window, store in made:
        window.close_for_good()
        store.close()


def select_first_message(window: MainWindow) -> None:
    window.message_view.selectRow(0)
    assert len(window.message_view.selected_ids()) == 1


def open_with(qtbot: QtBot, window: MainWindow, action_name: str, *, closed_by_test: bool = True) -> ComposeWindow:
    with qtbot.waitSignal(window.compose.composer.opened, timeout=10000) as opened:
        getattr(window.window_actions, action_name).trigger()
    compose = opened.args[0]
    assert isinstance(compose, ComposeWindow)
    if closed_by_test:
        qtbot.addWidget(compose)
    return compose


@pytest.fixture
def no_dialogs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Message boxes answered No (and recorded) instead of waiting for a click."""
    shown: list[str] = []

    def record(parent: object, title: str, text: str, *rest: object) -> QMessageBox.StandardButton:
        shown.append(text)
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "warning", record)
    monkeypatch.setattr(QMessageBox, "question", record)
    return shown


def test_the_compose_commands_have_their_shortcuts_and_a_menu(compose_window: Callable[..., MainWindow]) -> None:
    window = compose_window([english_message()])
    actions = window.window_actions
    shortcuts = {action.objectName(): action.shortcut().toString() for action in (
        actions.new_message, actions.reply, actions.reply_all, actions.forward, actions.forward_attached,
        actions.edit_as_new)}
    assert shortcuts == {"newMessageAction": "Ctrl+N", "replyAction": "Ctrl+R", "replyAllAction": "Ctrl+Shift+R",
                         "forwardAction": "Ctrl+L", "forwardAttachedAction": "Ctrl+Alt+L",
                         "editAsNewAction": "Ctrl+E"}
    every_shortcut = [action.shortcut().toString() for action in window.findChildren(type(actions.reply))
                      if not action.shortcut().isEmpty()]
    assert sorted(key for key in every_shortcut if every_shortcut.count(key) > 1) == [], "shortcuts shared"
    context = window.message_view.actions()
    assert actions.reply in context and actions.forward_attached in context


def test_new_message_starts_from_the_current_account_with_its_signature(
        qtbot: QtBot, compose_window: Callable[..., MainWindow]) -> None:
    window = compose_window([english_message()])
    window.settings.setValue(f"compose/signature/{window.accounts['work'].id}", "Alice\nExample Org")
    compose = open_with(qtbot, window, "new_message")
    assert compose.current_account() is not None and compose.current_account().name == "work"  # type: ignore[union-attr]
    assert compose.body.toPlainText() == "\n-- \nAlice\nExample Org\n"
    draft = compose.draft()
    assert (draft.from_address, draft.from_name) == (ME, "Alice")


def test_reply_quotes_the_original_once_in_english(qtbot: QtBot, compose_window: Callable[..., MainWindow]) -> None:
    window = compose_window([english_message()])
    select_first_message(window)
    compose = open_with(qtbot, window, "reply")
    assert compose.subject_field.text() == "Re: Lunch plans"  # not "Re: Re: Lunch plans"
    assert compose.to_field.text() == "Bob Smith <bob@example.com>" and compose.cc_field.text() == ""
    body = compose.body.toPlainText()
    assert "Bob Smith wrote:" in body and "> Shall we meet at noon?" in body
    draft = compose.draft()
    assert draft.in_reply_to == "<lunch-2@example.com>"
    assert draft.references == ["<lunch-1@example.com>", "<lunch-2@example.com>"]


def test_reply_all_leaves_out_the_users_own_address(qtbot: QtBot,
                                                    compose_window: Callable[..., MainWindow]) -> None:
    window = compose_window([english_message()])
    select_first_message(window)
    compose = open_with(qtbot, window, "reply_all")
    everyone = compose.to_field.text() + ", " + compose.cc_field.text()
    assert "bob@example.com" in compose.to_field.text()
    assert "carol@example.com" in everyone and "dave@example.com" in everyone
    assert ME not in everyone


def test_a_chinese_reply_has_a_chinese_attribution_and_one_prefix(
        qtbot: QtBot, compose_window: Callable[..., MainWindow], chinese_ui: object) -> None:
    window = compose_window([chinese_message()])
    select_first_message(window)
    compose = open_with(qtbot, window, "reply")
    assert compose.subject_field.text() == "回复：请教"  # the original was "回复：请教": one prefix
    body = compose.body.toPlainText()
    assert "张三 写道：" in body and "在 2026年11月3日" in body
    assert "> 第四季度的报告已经发出，请查收。" in body  # GBK decoded as the reader shows it


def test_forward_as_attachment_carries_the_stored_bytes(qtbot: QtBot,
                                                        compose_window: Callable[..., MainWindow]) -> None:
    window = compose_window([english_message()])
    select_first_message(window)
    compose = open_with(qtbot, window, "forward_attached")
    assert compose.subject_field.text() == "Fwd: Re: Lunch plans"
    draft = compose.draft()
    assert draft.forwarded == window.store.raw(window.message_view.selected_ids()[0])
    assert compose.attachments.isVisibleTo(compose) and compose.attachments.count() == 1
    assert compose.attachments.item(0).text().startswith("Lunch plans.eml")


def test_invalid_addresses_are_marked_and_nothing_is_sent(qtbot: QtBot, compose_window: Callable[..., MainWindow],
                                                         no_dialogs: list[str]) -> None:
    window = compose_window([])
    compose = open_with(qtbot, window, "new_message")
    compose.to_field.setText("bob@example.com, carol@")
    compose.subject_field.setText("Hello")
    with qtbot.assertNotEmitted(compose.send_requested):
        compose.send_action.trigger()
    assert compose.to_field.property(INVALID_PROPERTY) or compose.to_field.property("invalidAddresses")
    assert len(no_dialogs) == 1 and "carol@" in no_dialogs[0] and "bob@example.com" not in no_dialogs[0]


def test_a_message_over_the_providers_limit_asks_first(qtbot: QtBot, compose_window: Callable[..., MainWindow],
                                                       no_dialogs: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from app.core.compose.draft import DraftAttachment
    from app.core.compose.limits import SizeLimit
    from app.core.providers import load_providers
    from app.ui.compose import window as window_module

    qq = next(provider for provider in load_providers() if provider.id == "qq")
    monkeypatch.setattr(window_module, "size_limit", lambda account: SizeLimit(100_000, qq))
    window = compose_window([])
    compose = open_with(qtbot, window, "new_message")
    compose.to_field.setText("bob@example.com")
    compose.subject_field.setText("Photos")
    compose.attachments.add(DraftAttachment("photos.zip", b"\0" * 200_000))
    with qtbot.assertNotEmitted(compose.send_requested):
        compose.send_action.trigger()  # answered No
    assert len(no_dialogs) == 1 and "QQ" in no_dialogs[0] and "photos" not in no_dialogs[0]


def test_drafts_are_saved_as_one_types_and_found_again_after_the_window_is_gone(
        qtbot: QtBot, compose_window: Callable[..., MainWindow]) -> None:
    window = compose_window([])
    compose = open_with(qtbot, window, "new_message", closed_by_test=False)
    with qtbot.waitSignal(compose.keeper.saved, timeout=10000):
        compose.to_field.setText("李四 <li.si@example.cn>")
        compose.bcc_field.setText("boss@example.com")
        compose.subject_field.setText("周报")
        compose.body.setPlainText("第一段\n")
    store = window.store
    drafts = store.messages("work", folder=Folder.DRAFTS.value)
    assert [summary.subject for summary in drafts] == ["周报"]
    with qtbot.waitSignal(compose.keeper.saved, timeout=10000):
        compose.body.setPlainText("第一段\n第二段\n")
    drafts = store.messages("work", folder=Folder.DRAFTS.value)
    assert len(drafts) == 1  # replaced in place, never two
    # The window goes away without closing (as in a crash): what was saved is all there is.
    compose.keeper.timer.stop()
    compose.hide()
    compose.deleteLater()
    qtbot.waitUntil(lambda: compose not in window.compose.composer.windows, timeout=5000)
    with qtbot.waitSignal(window.compose.composer.opened, timeout=10000) as opened:
        window.compose.composer.respond(Kind.DRAFT, drafts[0].id)
    reopened = opened.args[0]
    qtbot.addWidget(reopened)
    assert reopened.to_field.text() == "李四 <li.si@example.cn>"
    assert reopened.bcc_field.text() == "boss@example.com"
    assert reopened.subject_field.text() == "周报"
    assert reopened.body.toPlainText() == "第一段\n第二段\n"
    assert reopened.keeper.draft_id == drafts[0].id  # saving again replaces this draft


def test_a_draft_opens_for_writing_on_double_click_in_drafts(
        qtbot: QtBot, compose_window: Callable[..., MainWindow]) -> None:
    window = compose_window([])
    compose = open_with(qtbot, window, "new_message", closed_by_test=False)
    with qtbot.waitSignal(compose.keeper.saved, timeout=10000):
        compose.subject_field.setText("Half written")
    compose.close()
    qtbot.waitUntil(lambda: not compose.keeper.running(), timeout=5000)
    window.folder_view.open_folder(window.accounts["work"].id, Folder.DRAFTS)
    qtbot.waitUntil(lambda: window.inbox_model.rowCount() == 1, timeout=5000)
    with qtbot.waitSignal(window.compose.composer.opened, timeout=10000) as opened:
        window.opener.open_row(0)
    qtbot.addWidget(opened.args[0])
    assert opened.args[0].subject_field.text() == "Half written"
    assert window.opener.windows == []  # not a reading window


def test_sending_goes_through_the_outbox_into_sent(qtbot: QtBot, compose_window: Callable[..., MainWindow],
                                                   smtp_server: Callable[..., FakeSmtpServer],
                                                   tmp_path: Path) -> None:
    server = smtp_server()
    window = compose_window([chinese_message()], server)
    select_first_message(window)
    compose = open_with(qtbot, window, "reply", closed_by_test=False)  # it closes itself once queued
    attachment = tmp_path / "第四季度财务报告（最终版）.txt"
    attachment.write_text("数字", encoding="utf-8")
    compose.attachments.add_files([attachment])
    compose.body.moveCursor(compose.body.textCursor().MoveOperation.Start)
    compose.body.insertPlainText("收到，谢谢。")
    compose.bcc_field.setText("boss@example.com")
    with qtbot.waitSignal(window.compose.sender_.finished, timeout=20000):
        compose.send_action.trigger()
    assert len(server.received) == 1
    received = server.received[0]
    assert sorted(received.rcpt_tos) == ["boss@example.com", "zhangsan@example.cn"]
    assert b"boss@example.com" not in received.data  # Bcc in the envelope only
    store = window.store
    sent = store.messages("work", folder=Folder.SENT.value)
    assert len(sent) == 1 and store.raw(sent[0].id) == received.data  # byte-exact in Sent
    assert sent[0].subject == "Re: 请教" or sent[0].subject.endswith("请教")
    assert store.outbox() == [] and store.messages("work", folder=Folder.DRAFTS.value) == []
    assert "1 message(s) sent" in window.compose.status_label.text()
    # Sent lists it by whom it went to.
    window.folder_view.open_folder(window.accounts["work"].id, Folder.SENT)
    qtbot.waitUntil(lambda: window.inbox_model.rowCount() == 1, timeout=5000)
    assert window.inbox_model.index(0, Column.SENDER).data() == "To: 张三"


def test_a_refused_recipient_waits_in_the_outbox_with_the_servers_words(
        qtbot: QtBot, compose_window: Callable[..., MainWindow], smtp_server: Callable[..., FakeSmtpServer]) -> None:
    server = smtp_server(rcpt_replies={"nobody@example.com": "550 5.1.1 no such user here"})
    window = compose_window([], server)
    compose = open_with(qtbot, window, "new_message", closed_by_test=False)
    compose.to_field.setText("nobody@example.com")
    compose.subject_field.setText("Hello")
    with qtbot.waitSignal(window.compose.sender_.finished, timeout=20000):
        compose.send_action.trigger()
    assert server.received == []
    [item] = window.store.outbox()
    assert item.state is OutboxState.FAILED
    said = window.info_bar.label.text()
    assert "nobody@example.com" in said and "no such user here" in said and "Send Again" in said
    # The account's Outbox in the folder pane shows it, and Send Again tries once more.
    account_id = window.accounts["work"].id
    assert account_id is not None
    window.folder_view.setCurrentIndex(window.folder_model.outbox_index(account_id))
    view = window.compose.outbox_view
    assert window.compose.pages.currentWidget() is view and view.table.rowCount() == 1
    assert view.table.item(0, 4).text() == "Refused by the server: nobody@example.com: 550 5.1.1 no such user here"
    view.table.selectRow(0)
    assert view.retry_button.isEnabled() and not view.arrived_button.isEnabled()
    server.faults.rcpt_replies.clear()
    with qtbot.waitSignal(window.compose.sender_.finished, timeout=20000):
        view.retry_button.click()
    assert len(server.received) == 1 and window.store.outbox() == []
    qtbot.waitUntil(lambda: view.table.rowCount() == 0, timeout=5000)


def test_a_reply_has_the_signature_above_the_quote_and_from_swaps_it(
        qtbot: QtBot, compose_window: Callable[..., MainWindow]) -> None:
    window = compose_window([english_message()])
    store = window.store
    home = store.add_account(Account(name="home", host="127.0.0.1", port=1, user="al", email="al@example.net",
                                     display_name="Al", security=Security.NONE, check_interval_minutes=0))
    window.events.announce_accounts()
    work_id = window.accounts["work"].id
    window.settings.setValue(f"compose/signature/{work_id}", "Alice, at work")
    window.settings.setValue(f"compose/signature/{home.id}", "Al at home")
    select_first_message(window)
    compose = open_with(qtbot, window, "reply")
    body = compose.body.toPlainText()
    assert body.index("-- \nAlice, at work\n") < body.index("Bob Smith wrote:")
    compose.from_box.setCurrentIndex(compose.from_box.findData(home.id))
    body = compose.body.toPlainText()
    assert "Alice, at work" not in body and "-- \nAl at home\n" in body
    assert (compose.draft().from_address, compose.draft().from_name) == ("al@example.net", "Al")
