"""The message viewer: headers, attachments, and the body as HTML or plain text.

A message is read and parsed in a background job (a 25 MB message or a 150 KB line must not
freeze the window): :func:`load_message` does everything slow (parse, inline parts, cid
rewriting, link finding), the pane only puts the result on screen; only the newest request's
result is shown. Plain text goes to a :class:`PlainTextView`; HTML to an
:class:`HtmlMessageView`, created on the first HTML message so start-up does not pay for
QtWebEngine. Remote content stays blocked until the user clicks "Load remote content", or has
chosen "Always for this sender" (kept in QSettings) while the Preferences say "Ask".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QSettings, Qt, QUrl, Signal, Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QApplication,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import StoreError
from app.core.message.html_policy import neutralize_network_hints, new_token, normalize_content_id, rewrite_cid_urls
from app.core.model import MessageSummary
from app.core.store import Store
from app.ui.dialogs.preferences import RemoteContent
from app.ui.formatting import format_long_timestamp
from app.ui.widgets.attachments import AttachmentList
from app.ui.widgets.header_addresses import SHOWN_ADDRESS_CHARACTERS, sender_address, shorten_addresses
from app.ui.widgets.message_notes import ProblemNote, RemoteContentBar
from app.ui.widgets.partial_bar import PartialBar
from app.ui.widgets.text_view import PlainTextView, PreparedText, open_in_browser, prepare_text
from app.ui.workers.background import BackgroundJob, ProgressCallback

#: QSettings key: senders (lower-case addresses) whose remote content loads without asking.
REMOTE_SENDERS_KEY = "reading/remoteContentSenders"

if TYPE_CHECKING:
    from app.core.message.view import MessageView
    from app.ui.widgets.html_view import HtmlMessageView

RawSource = Callable[[], bytes]


@dataclass(frozen=True)
class LoadedMessage:
    """Everything the pane shows, prepared off the GUI thread."""

    view: MessageView
    #: The HTML with cid: rewritten to our scheme (for ``token``), or None.
    html: str | None
    parts: dict[str, tuple[bytes, str]]
    text: PreparedText
    token: str
    size: int
    #: ``html`` as served while remote content is blocked (see html_policy.neutralize_network_hints).
    guarded_html: str | None = None
    #: Where the searched words are in ``text`` (UTF-16 positions, as Qt counts), to be marked.
    marks: tuple[tuple[int, int], ...] = ()


def store_source(database_path: object, message_id: int) -> RawSource:
    """Reads one message's raw bytes; safe to call from any thread (its own connection)."""
    def read() -> bytes:
        with Store(Path(str(database_path))) as store:
            return store.raw(message_id)

    return read


def inline_payloads(raw: bytes, view: MessageView) -> dict[str, tuple[bytes, str]]:
    """The decoded parts the HTML may show by cid:, keyed by normalized content id."""
    from app.core.message.view import part_payloads

    if not view.inline_parts or view.html is None:
        return {}
    found = part_payloads(raw, view.inline_parts.values())  # one split of the message for all images
    return {normalize_content_id(content_id): found[index]
            for content_id, index in view.inline_parts.items() if index in found}


def load_message(raw: bytes, charset_override: str | None, token: str, search: str = "") -> LoadedMessage:
    """Parse and prepare one message (pure, thread-safe); the words of ``search`` are marked."""
    # Imported here, in the worker thread that parses, so start-up does not pay for the parser.
    from app.core.message import highlight
    from app.core.message.text import html_to_text
    from app.core.message.view import parse_message

    view = parse_message(raw, charset_override)
    pattern = highlight.search_pattern(search)
    html = rewrite_cid_urls(view.html, token) if view.html is not None else None
    html = highlight.mark_html(html, pattern) if html is not None else None
    guarded_html = neutralize_network_hints(html) if html is not None else None
    if view.plain_text is not None:
        text = view.plain_text
    elif view.html is not None:
        text = html_to_text(view.html)
    else:
        text = ""
    prepared = prepare_text(text)
    marks = highlight.utf16_spans(prepared.text, highlight.text_spans(prepared.text, pattern))
    return LoadedMessage(view, html, inline_payloads(raw, view), prepared, token, len(raw), guarded_html,
                         tuple(marks))


class PreviewPane(QWidget):
    #: Emitted when the body of ``message_id`` (a stored message) is on screen: "mark read when shown".
    shown = Signal(int)
    #: Emitted whenever a message's body is on screen (stored or attached).
    displayed = Signal()
    #: An attached message to open in a window of its own: (raw bytes, title).
    open_message = Signal(bytes, str)

    def __init__(self, database_path: object, parent: QWidget | None = None, *,
                 settings: QSettings | None = None,
                 remote_content: RemoteContent = RemoteContent.NEVER) -> None:
        super().__init__(parent)
        self.database_path = database_path
        self.settings = settings or QSettings()
        self.remote_content = remote_content
        self._generation = 0
        self._jobs: set[BackgroundJob] = set()
        self.message_id: int | None = None
        self.source: RawSource | None = None
        self.loaded: LoadedMessage | None = None
        self.charset_override: str | None = None
        self.prefer_plain_text = False
        self.remote_allowed = False
        self.html_view: HtmlMessageView | None = None  # HtmlMessageView, created on the first HTML message
        self._title = ""
        #: What the search box held when the message was chosen: its words are marked in the body.
        self.search_text = ""

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        header = QWidget(self)
        header.setObjectName("messageHeader")
        self.form = QFormLayout(header)
        self.form.setContentsMargins(8, 6, 8, 6)
        self.form.setVerticalSpacing(2)
        self.subject_label = self._header_label(header, bold=True)
        self.sender_label = self._header_label(header)
        self.recipients_label = self._header_label(header)
        self.cc_label = self._header_label(header)
        self.date_label = self._header_label(header)
        # The sender, then what can be done with it (the address book adds "Add to Address Book").
        self.sender_row = QHBoxLayout()
        self.sender_row.addWidget(self.sender_label, 1)
        for field in (self.subject_label, self.sender_row, self.recipients_label, self.cc_label, self.date_label):
            self.form.addRow(QLabel(header), field)  # named by _name_header_rows
        self._name_header_rows()
        layout.addWidget(header)
        self.problem_note = ProblemNote(self)
        self.problem_note.source_requested.connect(self._source_requested)
        layout.addWidget(self.problem_note)
        self.partial_bar = PartialBar(self)  # "not fully downloaded" (issue 18)
        layout.addWidget(self.partial_bar)
        self.attachments = AttachmentList(self.settings, self)
        self.attachments.open_message.connect(self.open_message)
        layout.addWidget(self.attachments)
        self.remote_bar = RemoteContentBar(self)
        self.remote_bar.load_button.clicked.connect(self.load_remote_content)
        self.remote_bar.always_button.clicked.connect(self.always_load_remote_content)
        layout.addWidget(self.remote_bar)
        self.body_stack = QStackedWidget(self)
        self.body = PlainTextView(self.body_stack)
        self.body.setObjectName("previewBody")
        self.body.link_clicked.connect(self._link_clicked)
        self.body.link_hovered.connect(self._link_hovered)
        self.body_stack.addWidget(self.body)
        layout.addWidget(self.body_stack, 1)
        self.link_label = QLabel(self)
        self.link_label.setObjectName("linkTarget")
        self.link_label.setTextFormat(Qt.TextFormat.PlainText)
        self.link_label.setContentsMargins(8, 2, 8, 2)
        self.link_label.hide()
        layout.addWidget(self.link_label)
        self.clear()

    def _name_header_rows(self) -> None:
        """The names of the header rows, in the current language (again after a language change)."""
        for label, name in ((self.subject_label, self.tr("Subject:")), (self.sender_row, self.tr("From:")),
                            (self.recipients_label, self.tr("To:")), (self.cc_label, self.tr("Cc:")),
                            (self.date_label, self.tr("Date:"))):
            row_name = self.form.labelForField(label)
            if isinstance(row_name, QLabel):
                row_name.setText(name)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._name_header_rows()
        super().changeEvent(event)

    def _header_label(self, parent: QWidget, *, bold: bool = False) -> QLabel:
        label = QLabel(parent)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setWordWrap(True)
        if bold:
            font = QFont(label.font())
            font.setBold(True)
            font.setPointSizeF(font.pointSizeF() * 1.15)
            label.setFont(font)
        return label

    # -- what is shown ----------------------------------------------------------------------------

    def clear(self) -> None:
        self._generation += 1
        self.message_id = None
        self.source = None
        self.loaded = None
        self.charset_override = None
        self._title = ""
        for label in (self.subject_label, self.sender_label, self.recipients_label, self.cc_label, self.date_label):
            label.clear()
        self.form.setRowVisible(self.cc_label, False)
        self.attachments.clear()
        self.problem_note.set_problems(())
        self.partial_bar.clear()
        self.remote_bar.hide()
        self.link_label.hide()
        self.body.setPlainText("")
        self.body_stack.setCurrentWidget(self.body)
        if self.html_view is not None:
            self._html().clear_document()

    def show_message(self, summary: MessageSummary) -> None:
        """Show a stored message: its summary at once, the rest when the job has parsed it."""
        self.clear()
        self.message_id = summary.id
        self.subject_label.setText(summary.subject or self.tr("(no subject)"))
        self.sender_label.setText(summary.sender)
        self.recipients_label.setText(summary.recipients)
        self.date_label.setText(format_long_timestamp(
            summary.date if summary.date is not None else summary.received_at))
        self._title = summary.subject
        self.source = store_source(self.database_path, summary.id)
        self.partial_bar.follow(self.database_path, summary.id)
        self._load()

    def show_raw(self, raw: bytes, title: str = "") -> None:
        """Show a message that is not in the store (an attached message)."""
        self.clear()
        self._title = title
        self.source = lambda: raw
        self._load()

    def set_charset_override(self, charset: str | None) -> None:
        """Re-read the current message with ``charset`` (None: detect, as at first)."""
        if charset == self.charset_override:
            return
        self.charset_override = charset
        if self.source is not None:
            self._load()

    def set_prefer_plain_text(self, plain: bool) -> None:
        if plain == self.prefer_plain_text:
            return
        self.prefer_plain_text = plain
        if self.loaded is not None:
            self._display(self.loaded)

    def _load(self) -> None:
        self._generation += 1
        generation = self._generation
        source = self.source
        assert source is not None
        override, search = self.charset_override, self.search_text
        token = new_token()
        self.remote_allowed = False
        if self.loaded is None:
            self.body.setPlainText(self.tr("Loading…"))

        def load(report: ProgressCallback) -> LoadedMessage:
            return load_message(source(), override, token, search)

        job = BackgroundJob(load, self)
        job.succeeded.connect(lambda loaded: self._on_loaded(generation, loaded))
        job.failed.connect(lambda error: self._on_failed(generation, error))
        job.finished.connect(lambda: self._jobs.discard(job))
        self._jobs.add(job)
        job.start()

    @Slot()
    def _on_failed(self, generation: int, error: object) -> None:
        if generation != self._generation:
            return
        if isinstance(error, StoreError):
            from app.ui.errors import store_action_text

            self.body.setPlainText(store_action_text(error))
        else:
            self.body.setPlainText(self.tr("This message could not be read: {0}").format(error))
        self.body_stack.setCurrentWidget(self.body)
        self._announce()

    @Slot()
    def _on_loaded(self, generation: int, loaded: LoadedMessage) -> None:
        if generation != self._generation:
            return  # the user has moved on to another message
        self.loaded = loaded
        view = loaded.view
        if view.subject:
            self.subject_label.setText(view.subject)
            self._title = view.subject
        if view.sender:
            self.sender_label.setText(view.sender)
        if view.to:
            self._set_addresses(self.recipients_label, view.to)
        self._set_addresses(self.cc_label, view.cc)
        self.form.setRowVisible(self.cc_label, bool(view.cc))
        if view.date is not None:
            self.date_label.setText(format_long_timestamp(view.date))
        elif view.date_text and not self.date_label.text():
            self.date_label.setText(view.date_text)
        self.attachments.set_attachments(view.attachments, self.source)
        self.problem_note.set_problems(view.problems)
        self.remote_allowed = self._sender_always_allowed(view.sender)
        self._display(loaded)

    def _set_addresses(self, label: QLabel, addresses: str) -> None:
        shown, hidden = shorten_addresses(addresses)
        if hidden:
            shown = self.tr("{0} and {1} more").format(shown, hidden)
        label.setText(shown)
        label.setToolTip(addresses[:SHOWN_ADDRESS_CHARACTERS * 10] if hidden else "")

    def _display(self, loaded: LoadedMessage) -> None:
        if loaded.html is not None and not self.prefer_plain_text:
            html_view = self._html()
            self.body_stack.setCurrentWidget(html_view)
            self.remote_bar.hide()
            html_view.show_document(loaded.html, loaded.parts, allow_remote=self.remote_allowed, token=loaded.token,
                                    guarded_html=loaded.guarded_html)
            self._update_remote_bar()
            return  # shown when the page has loaded (_html_rendered)
        self.remote_bar.hide()
        self.body.show_prepared(loaded.text, loaded.marks)
        if loaded.text.truncated:
            self.body.appendPlainText("\n" + self.tr("[The message is too long to show in full. "
                                                     "View > Message Source or export it to see the rest.]"))
        self.body_stack.setCurrentWidget(self.body)
        self._announce()

    def _announce(self) -> None:
        if self.message_id is not None:
            self.shown.emit(self.message_id)
        self.displayed.emit()

    # -- the HTML view ----------------------------------------------------------------------------

    def _html(self) -> HtmlMessageView:
        from app.ui.widgets.html_view import HtmlMessageView

        if self.html_view is None:
            view = HtmlMessageView(self.body_stack)
            view.link_clicked.connect(self._link_clicked)
            view.link_hovered.connect(self._link_hovered)
            view.rendered.connect(self._html_rendered)
            view.failed.connect(self._html_failed)
            view.blocked.connect(lambda url: self._update_remote_bar())
            self.body_stack.addWidget(view)
            self.html_view = view
        return self.html_view

    @Slot()
    def _html_rendered(self) -> None:
        self._update_remote_bar()
        self._announce()

    @Slot(str)
    def _html_failed(self, reason: str) -> None:  # the HTML engine's process ended: the text, never a crash
        if self.loaded is not None and self.body_stack.currentWidget() is self.html_view:
            self.body.show_prepared(self.loaded.text)
            note = self.tr("[The HTML view stopped ({0}); this is the message's text version.]")
            self.body.appendPlainText("\n" + note.format(reason))
            self.body_stack.setCurrentWidget(self.body)
            self._announce()

    def _update_remote_bar(self) -> None:
        loaded = self.loaded
        if loaded is None or self.html_view is None or self.body_stack.currentWidget() is not self.html_view:
            self.remote_bar.hide()
            return
        view = self._html()
        blocked_remote = any(url.startswith(("http:", "https:")) for url in view.guard.blocked_urls)
        wanted = loaded.view.has_remote_content or blocked_remote
        self.remote_bar.always_button.setVisible(self.remote_content is RemoteContent.ASK
                                                 and bool(sender_address(loaded.view.sender)))
        self.remote_bar.setVisible(wanted and not self.remote_allowed)

    def load_remote_content(self) -> None:
        """This message only: reload it with remote content let through."""
        if self.loaded is None or self.html_view is None:
            return
        self.remote_allowed = True
        self.remote_bar.hide()
        self._html().allow_remote()

    def always_load_remote_content(self) -> None:
        if self.loaded is None:
            return
        address = sender_address(self.loaded.view.sender)
        if address:
            senders = self.remote_senders()
            if address not in senders:
                self.settings.setValue(REMOTE_SENDERS_KEY, sorted({*senders, address}))
        self.load_remote_content()

    def remote_senders(self) -> set[str]:
        value = self.settings.value(REMOTE_SENDERS_KEY)
        if isinstance(value, str):
            return {value} if value else set()
        return {str(item) for item in value} if isinstance(value, list) else set()

    def _sender_always_allowed(self, sender: str) -> bool:
        if self.remote_content is not RemoteContent.ASK:
            return False  # "Never": only a click on this message's bar loads anything
        address = sender_address(sender)
        return bool(address) and address in self.remote_senders()

    # -- links --------------------------------------------------------------------------------

    @Slot(QUrl)
    def _link_clicked(self, url: QUrl) -> None:
        open_in_browser(url)

    @Slot(str)
    def _link_hovered(self, target: str) -> None:
        # The real target, whatever the link's text claims (a phishing link shows here).
        self.link_label.setText(target)
        self.link_label.setVisible(bool(target))

    def scroll_page(self) -> bool:
        """Scroll the body down one page; False when it is already at its end (read on)."""
        if self.html_view is not None and self.body_stack.currentWidget() is self.html_view:
            page = self.html_view.page()
            bottom = page.scrollPosition().y() + self.html_view.height()
            if bottom + 1 >= page.contentsSize().height():
                return False
            from PySide6.QtGui import QKeyEvent

            target = self.html_view.focusProxy() or self.html_view
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                QApplication.sendEvent(target, QKeyEvent(kind, Qt.Key.Key_PageDown, Qt.KeyboardModifier.NoModifier))
            return True
        bar = self.body.verticalScrollBar()
        if bar.value() >= bar.maximum():
            return False
        bar.setValue(bar.value() + bar.pageStep())
        return True

    # -- view source ----------------------------------------------------------------------------

    @Slot()
    def _source_requested(self) -> None:
        self.source_window = self.view_source()

    def view_source(self) -> QWidget | None:
        """Open the source window of the current message (None when nothing is shown)."""
        from app.ui.widgets.source_window import SourceWindow

        if self.source is None:
            return None
        window = SourceWindow(self._title, self.source, self.window())
        window.show()
        return window

    def wait_for_jobs(self, milliseconds: int = 5000) -> None:
        for job in list(self._jobs):
            job.wait(milliseconds)
        self.attachments.wait_for_jobs(milliseconds)
        self.partial_bar.wait_for_jobs(milliseconds)
