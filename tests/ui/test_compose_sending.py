"""Sending from the window through a real SMTP server (the fake in tests/fakes), the cases beyond
the plain send of tests/ui/test_compose.py: "may have been sent" left to the user, a server that
says "not now" retried at the core's time, rich text with its plain alternative and a pasted
image, and a refused message taken back out of the Outbox to be corrected."""

from __future__ import annotations

import email
import email.policy
import time
from collections.abc import Callable

from PySide6.QtCore import QMimeData
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from app.core.model import Folder, OutboxState
from app.ui.compose.window import ComposeWindow
from app.ui.main_window import MainWindow
from tests.fakes.smtp_server import FakeSmtpServer
from tests.ui.test_compose import compose_window, open_with, smtp_server

__all__ = ["compose_window", "smtp_server"]  # the fixtures, imported for pytest


def write(compose: ComposeWindow, to: str, subject: str, text: str = "Hello\n") -> None:
    compose.to_field.setText(to)
    compose.subject_field.setText(subject)
    compose.body.setPlainText(text)


def send(qtbot: QtBot, window: MainWindow, compose: ComposeWindow) -> None:
    with qtbot.waitSignal(window.compose.sender_.finished, timeout=20000):
        compose.send_action.trigger()


def test_a_message_that_may_have_been_sent_waits_for_the_users_word(
        qtbot: QtBot, compose_window: Callable[..., MainWindow], smtp_server: Callable[..., FakeSmtpServer]) -> None:
    server = smtp_server(drop_after_data=True)
    window = compose_window([], server)
    compose = open_with(qtbot, window, "new_message", closed_by_test=False)
    write(compose, "bob@example.com", "Contract")
    send(qtbot, window, compose)
    assert len(server.held) == 1 and server.received == []  # the server had it all, and said nothing
    [item] = window.store.outbox()
    assert item.state is OutboxState.UNSURE
    said = window.info_bar.label.text()
    assert "\u201cContract\u201d from work may have been sent" in said and "It Arrived" in said
    # Nothing sends it again by itself: a later run leaves it alone.
    window.compose.sender_.send("work")
    qtbot.waitSignal(window.compose.sender_.finished, timeout=20000).wait()
    assert len(server.held) == 1 and window.store.outbox()[0].state is OutboxState.UNSURE
    # The user found it arrived: into Sent, without sending.
    account_id = window.accounts["work"].id
    assert account_id is not None
    window.folder_view.setCurrentIndex(window.folder_model.outbox_index(account_id))
    view = window.compose.outbox_view
    view.table.selectRow(0)
    assert view.arrived_button.isEnabled() and view.retry_button.isEnabled()
    view.arrived_button.click()
    assert window.store.outbox() == [] and len(server.held) == 1
    [sent] = window.store.messages("work", folder=Folder.SENT.value)
    assert window.store.raw(sent.id) == server.held[0].data


def test_a_temporary_refusal_is_retried_at_the_cores_time(
        qtbot: QtBot, compose_window: Callable[..., MainWindow], smtp_server: Callable[..., FakeSmtpServer]) -> None:
    server = smtp_server(mail_reply="451 4.3.0 Try again later")
    window = compose_window([], server)
    compose = open_with(qtbot, window, "new_message", closed_by_test=False)
    write(compose, "bob@example.com", "Later")
    started = time.time()
    send(qtbot, window, compose)
    [item] = window.store.outbox()
    assert item.state is OutboxState.QUEUED and item.next_attempt_at is not None
    assert "Try again later" in window.compose.status_label.text()
    assert window.info_bar.label.text() == ""  # passes by itself: no alarm
    from app.ui.compose.outbox_view import what_happened

    assert what_happened(item).startswith("Not sent yet: 4.3.0 Try again later. Tried again at ")
    timer = window.compose.sender_.retry_timer
    assert timer.isActive()
    due_in_ms = (item.next_attempt_at - started) * 1000
    assert timer.remainingTime() <= due_in_ms + 1000
    # When the time comes (the timer fires), the server takes it.
    server.faults.mail_reply = None
    window.store.requeue(item.id)  # now, instead of in a minute
    with qtbot.waitSignal(window.compose.sender_.finished, timeout=20000):
        timer.timeout.emit()
    assert len(server.received) == 1 and window.store.outbox() == []


def test_rich_text_goes_with_its_plain_alternative_and_a_pasted_image_inside(
        qtbot: QtBot, compose_window: Callable[..., MainWindow], smtp_server: Callable[..., FakeSmtpServer]) -> None:
    server = smtp_server()
    window = compose_window([], server)
    compose = open_with(qtbot, window, "new_message", closed_by_test=False)
    compose.to_field.setText("bob@example.com")
    compose.subject_field.setText("Chart")
    compose.rich_text.setChecked(True)
    compose.body.setHtml("<p>The <b>chart</b>:</p>")
    compose.body.moveCursor(compose.body.textCursor().MoveOperation.End)
    image = QImage(8, 8, QImage.Format.Format_RGB32)
    image.fill(QColor("red"))
    mime = QMimeData()
    mime.setImageData(image)
    compose.body.insertFromMimeData(mime)
    assert compose.attachments.count() == 0  # inline, not listed as an attachment
    send(qtbot, window, compose)
    message = email.message_from_bytes(server.received[0].data, policy=email.policy.default)
    types = [part.get_content_type() for part in message.walk()]
    assert "text/plain" in types and "text/html" in types and "image/png" in types
    html = message.get_body(("html",))
    assert html is not None
    content = html.get_content()
    image_part = next(part for part in message.walk() if part.get_content_type() == "image/png")
    assert f'src="cid:{image_part["Content-ID"].strip("<>")}"' in content  # the HTML shows the part sent
    assert "font-weight:700" in content and "chart" in content  # bold, as Qt writes it
    plain = message.get_body(("plain",))
    assert plain is not None and "The chart:" in plain.get_content()


def test_a_refused_message_is_taken_back_out_of_the_outbox_to_correct_it(
        qtbot: QtBot, compose_window: Callable[..., MainWindow], smtp_server: Callable[..., FakeSmtpServer]) -> None:
    server = smtp_server(rcpt_replies={"bob@exmaple.com": "550 5.1.2 no such domain"})
    window = compose_window([], server)
    compose = open_with(qtbot, window, "new_message", closed_by_test=False)
    write(compose, "Bob <bob@exmaple.com>", "Typo", "Dear Bob,\n")
    compose.bcc_field.setText("boss@example.com")
    send(qtbot, window, compose)
    [item] = window.store.outbox()
    assert item.state is OutboxState.FAILED
    with qtbot.waitSignal(window.compose.composer.opened, timeout=10000) as opened:
        window.compose.composer.edit_outbox_message(item.id)
    corrected = opened.args[0]
    assert window.store.outbox() == []  # out of the Outbox, into a compose window and Drafts
    assert corrected.to_field.text() == "Bob <bob@exmaple.com>" and corrected.subject_field.text() == "Typo"
    assert corrected.bcc_field.text() == "boss@example.com"  # kept from the envelope
    assert corrected.body.toPlainText() == "Dear Bob,\n"
    qtbot.waitUntil(lambda: len(window.store.messages("work", folder=Folder.DRAFTS.value)) == 1, timeout=10000)
    corrected.to_field.setText("Bob <bob@example.com>")
    send(qtbot, window, corrected)
    assert [received.rcpt_tos for received in server.received] == [["bob@example.com", "boss@example.com"]]
    assert window.store.messages("work", folder=Folder.DRAFTS.value) == []
