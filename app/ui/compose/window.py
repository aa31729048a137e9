"""The compose window: From, To, Cc, Bcc, Subject, the body (plain or rich text), attachments.

It edits one :class:`~app.core.compose.draft.Draft` and hands it on: to
:class:`~app.ui.compose.drafts.DraftKeeper` a few seconds after each change and on close (so a
crash loses only the last seconds), and, on Send, to whoever listens to ``send_requested``
(:mod:`app.ui.compose.sending`), after the checks a person needs before mail leaves: a recipient,
addresses one can send to (marked in their field), an SMTP server, and a size the provider takes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QSettings, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDragMoveEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from app.core.compose.draft import Draft
from app.core.compose.limits import size_limit
from app.core.model import Account
from app.ui.compose.attachments import AttachmentList
from app.ui.compose.drafts import AUTOSAVE_MS, DraftKeeper
from app.ui.compose.editor import BodyEditor
from app.ui.compose.fields import invalid_recipients, make_recipient_field, mark_invalid, recipients_of
from app.ui.compose.signatures import load_signature, signature_block
from app.ui.formatting import human_size
from app.ui.save_locations import remember_directory, start_directory
from app.ui.widgets.screen_fit import fit_to_screen

#: Base64 makes attachments a third larger on the wire; the text and headers add a little.
BASE64_GROWTH = 4 / 3


# lupdate finds the literal translate("ComposeWindow", "...") calls.
translate = QCoreApplication.translate


class ComposeWindow(QMainWindow):
    """One message being written. ``send_requested(window)`` once the user's Send passed the checks."""

    send_requested = Signal(object)

    def __init__(self, accounts: list[Account], draft: Draft, *, account_id: int | None, draft_id: int | None,
                 database_path: Path, settings: QSettings, groups: set[str] | None = None,
                 with_signature: bool = False, autosave_ms: int = AUTOSAVE_MS, keeper_parent: QObject | None = None,
                 completion: Any = None, parent: QWidget | None = None) -> None:
        """``keeper_parent`` owns the draft keeper, which outlives the window by the save it may be
        running when the window closes (the window itself is deleted on close)."""
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("composeWindow")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.settings = settings
        self.accounts = [account for account in accounts if account.id is not None]
        self.groups = groups or set()
        self.in_reply_to, self.references = draft.in_reply_to, list(draft.references)
        self.sending = False
        self._build(draft, account_id, with_signature, completion)
        self.keeper = DraftKeeper(database_path, self.current_account, self.draft, draft_id, autosave_ms,
                                  keeper_parent or QCoreApplication.instance())
        for field in (self.to_field, self.cc_field, self.bcc_field, self.subject_field):
            field.textChanged.connect(self.keeper.mark_changed)
        self.body.textChanged.connect(self.keeper.mark_changed)
        self.attachments.changed.connect(self.keeper.mark_changed)
        self.from_box.currentIndexChanged.connect(self._account_changed)
        self.from_box.currentIndexChanged.connect(self.keeper.mark_changed)
        self._update_title()
        self.subject_field.textChanged.connect(self._update_title)
        fit_to_screen(self, QSize(780, 620))
        QTimer.singleShot(0, self._focus_first_empty)

    # -- building ---------------------------------------------------------------------------------

    def _build(self, draft: Draft, account_id: int | None, with_signature: bool, completion: Any) -> None:
        central = QWidget(self)
        layout = QVBoxLayout(central)
        form = QFormLayout()
        self.from_box = QComboBox(central)
        self.from_box.setObjectName("composeFrom")
        for account in self.accounts:
            address = account.email or account.user
            label = f"{account.display_name} <{address}>" if account.display_name else address
            self.from_box.addItem(f"{label} ({account.name})", account.id)
        index = self.from_box.findData(account_id) if account_id is not None else -1
        matching = [number for number, account in enumerate(self.accounts)
                    if draft.from_address and account.email.lower() == draft.from_address.lower()]
        self.from_box.setCurrentIndex(index if index >= 0 else (matching[0] if matching else 0))
        self.to_field, self.cc_field, self.bcc_field = (make_recipient_field(central, completion) for _ in range(3))
        for field, name, values in ((self.to_field, "composeTo", draft.to), (self.cc_field, "composeCc", draft.cc),
                                    (self.bcc_field, "composeBcc", draft.bcc)):
            field.setObjectName(name)
            field.setText(", ".join(values))
            field.editingFinished.connect(lambda field=field: self._check_field(field))
        self.subject_field = QLineEdit(draft.subject, central)
        self.subject_field.setObjectName("composeSubject")
        for text, widget in ((translate("ComposeWindow", "From:"), self.from_box),
                             (translate("ComposeWindow", "To:"), self.to_field),
                             (translate("ComposeWindow", "Cc:"), self.cc_field),
                             (translate("ComposeWindow", "Bcc:"), self.bcc_field),
                             (translate("ComposeWindow", "Subject:"), self.subject_field)):
            form.addRow(text, widget)
        layout.addLayout(form)
        self.body = BodyEditor(central)
        self.body.image_pasted.connect(self.attachments_add)
        layout.addWidget(self.body, 1)
        self.attachments = AttachmentList(central)
        self.attachments.set_contents(draft.attachments, draft.forwarded, draft.forwarded_name)
        layout.addWidget(self.attachments)
        self.setCentralWidget(central)
        self._build_actions()
        if draft.html is not None:
            self.rich_text.setChecked(True)
            for attachment in draft.attachments:
                if attachment.content_id:
                    self.body.show_inline_image(attachment)
            self.body.setHtml(draft.html)
        else:
            self.body.setPlainText(draft.text)
        self.signature = load_signature(self.settings, self.current_account())
        if with_signature:
            self._insert_signature()  # at the top: above the quote of a reply or forward
        self.body.moveCursor(self.body.textCursor().MoveOperation.Start)
        self.setAcceptDrops(True)

    def _build_actions(self) -> None:
        toolbar = self.addToolBar(translate("ComposeWindow", "Compose"))
        toolbar.setObjectName("composeToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.send_action = QAction(translate("ComposeWindow", "Send"), self)
        self.send_action.setObjectName("composeSendAction")
        self.send_action.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])
        self.send_action.triggered.connect(self.send)
        self.save_action = QAction(translate("ComposeWindow", "Save Draft"), self)
        self.save_action.setObjectName("composeSaveAction")
        self.save_action.setShortcut(QKeySequence.StandardKey.Save)
        self.save_action.triggered.connect(lambda: self.keeper.save_now())
        self.attach_action = QAction(translate("ComposeWindow", "Attach Files…"), self)
        self.attach_action.setObjectName("composeAttachAction")
        self.attach_action.setShortcut(QKeySequence("Ctrl+Shift+A"))
        self.attach_action.triggered.connect(self.choose_files)
        self.remove_attachment_action = QAction(translate("ComposeWindow", "Remove Attachment"), self)
        self.remove_attachment_action.setObjectName("composeRemoveAttachmentAction")
        self.remove_attachment_action.triggered.connect(self.attachments.remove_selected)
        self.rich_text = QAction(translate("ComposeWindow", "Rich Text (HTML)"), self)
        self.rich_text.setObjectName("composeRichTextAction")
        self.rich_text.setCheckable(True)
        self.rich_text.toggled.connect(self._rich_text_toggled)
        self.signature_action = QAction(translate("ComposeWindow", "Signature…"), self)
        self.signature_action.setObjectName("composeSignatureAction")
        self.signature_action.triggered.connect(self.edit_signature)
        self.discard_action = QAction(translate("ComposeWindow", "Discard Draft"), self)
        self.discard_action.setObjectName("composeDiscardAction")
        self.discard_action.triggered.connect(self.discard)
        for action in (self.send_action, self.save_action, self.attach_action, self.remove_attachment_action,
                       self.rich_text, self.signature_action, self.discard_action):
            toolbar.addAction(action)

    # -- what is written --------------------------------------------------------------------------

    def current_account(self) -> Account | None:
        account_id = self.from_box.currentData()
        return next((account for account in self.accounts if account.id == account_id), None)

    def draft(self) -> Draft:
        """The message as it stands (the core's Draft; nothing checked yet)."""
        account = self.current_account()
        html = self.body.html()
        attachments = [attachment for attachment in self.attachments.attachments
                       if not attachment.content_id or (html is not None and attachment.content_id in html)]
        return Draft(from_address=(account.email or account.user) if account else "",
                     from_name=account.display_name if account else "",
                     to=recipients_of(self.to_field), cc=recipients_of(self.cc_field),
                     bcc=recipients_of(self.bcc_field), subject=self.subject_field.text(),
                     text=self.body.toPlainText(), html=html, attachments=attachments,
                     forwarded=self.attachments.forwarded, forwarded_name=self.attachments.forwarded_name or
                     "forwarded.eml", in_reply_to=self.in_reply_to, references=list(self.references))

    def estimated_size(self) -> int:
        text = len(self.body.toPlainText().encode("utf-8")) + len((self.body.html() or "").encode("utf-8"))
        return int((self.attachments.total_bytes() + text) * BASE64_GROWTH) + 4096

    def attachments_add(self, attachment: object) -> None:
        from app.core.compose.draft import DraftAttachment

        if isinstance(attachment, DraftAttachment):
            self.attachments.add(attachment)

    # -- the checks before Send ---------------------------------------------------------------

    def _check_field(self, field: QLineEdit) -> list[str]:
        invalid = invalid_recipients(recipients_of(field), self.groups)
        mark_invalid(field, invalid)
        return invalid

    def problems(self) -> list[str]:
        """Why the message cannot be sent as it is (empty: it can), each with what to do."""
        found: list[str] = []
        account = self.current_account()
        if account is None:
            found.append(translate("ComposeWindow", "There is no account to send from: add one in File > New Account."))
        elif account.smtp is None:
            found.append(translate("ComposeWindow",
                "The account {account} has no outgoing (SMTP) server: set one in its Account "
                "Settings, then send again. The message is kept in Drafts.")
                         .replace("{account}", account.name))
        invalid = [address for field in (self.to_field, self.cc_field, self.bcc_field)
                   for address in self._check_field(field)]
        if invalid:
            found.append(translate("ComposeWindow",
                "These are not addresses one can send to: {addresses}. Correct them (they are "
                "marked), then send again.").replace("{addresses}", ", ".join(invalid)))
        elif not any(recipients_of(field) for field in (self.to_field, self.cc_field, self.bcc_field)):
            found.append(translate("ComposeWindow", "The message has no recipient: add one in To, Cc or Bcc."))
        return found

    def send(self) -> None:
        if self.sending:
            return
        problems = self.problems()
        if problems:
            QMessageBox.warning(self, translate("ComposeWindow", "Cannot send yet"), "\n\n".join(problems))
            return
        account = self.current_account()
        assert account is not None
        if not self._size_accepted(account):
            return
        if not self.subject_field.text().strip():
            answer = QMessageBox.question(self, translate("ComposeWindow", "No subject"),
                                          translate("ComposeWindow", "The message has no subject. Send it anyway?"))
            if answer != QMessageBox.StandardButton.Yes:
                self.subject_field.setFocus()
                return
        self.sending = True
        self.setEnabled(False)
        self.send_requested.emit(self)

    def _size_accepted(self, account: Account) -> bool:
        size = self.estimated_size()
        limit = size_limit(account)
        if size <= limit.bytes:
            return True
        if limit.provider is not None:
            text = translate("ComposeWindow",
                "This message is about {size}, and {provider} takes messages of at most {limit}: it "
                "would probably be refused. Remove attachments or send them as links. Send it "
                "anyway?").replace("{provider}", limit.provider.name)
        else:
            text = translate("ComposeWindow",
                "This message is about {size}, and most providers take messages of at most {limit}: "
                "it may be refused. Remove attachments or send them as links. Send it anyway?")
        text = text.replace("{size}", human_size(size)).replace("{limit}", human_size(limit.bytes))
        answer = QMessageBox.warning(self, translate("ComposeWindow", "Large message"), text,
                                     QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                     QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def send_failed(self, text: str) -> None:
        """Queueing failed: the window comes back, with the reason."""
        self.sending = False
        self.setEnabled(True)
        QMessageBox.warning(self, translate("ComposeWindow", "Not sent"), text)

    def queued(self) -> None:
        """The message is in the outbox (and its draft gone with it): the window's work is done."""
        self.keeper.forget()
        self.close()

    # -- actions ----------------------------------------------------------------------------------

    def choose_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, translate("ComposeWindow",
            "Attach Files"), str(start_directory(self.settings)))
        if paths:
            remember_directory(self.settings, Path(paths[0]).parent)
            self._attach_paths([Path(path) for path in paths])

    def _attach_paths(self, paths: list[Path]) -> None:
        problems = self.attachments.add_files(paths)
        if problems:
            QMessageBox.warning(self, translate("ComposeWindow", "Attach Files"), "\n".join(problems))

    def _rich_text_toggled(self, rich: bool) -> None:
        self.body.set_rich(rich)
        self.keeper.mark_changed()

    def _insert_signature(self) -> None:
        block = signature_block(self.signature)
        if block:
            cursor = self.body.textCursor()
            cursor.movePosition(cursor.MoveOperation.Start)
            cursor.insertText("\n" + block)

    def _account_changed(self) -> None:
        """Another From: its own signature in place of the previous one, where it still is."""
        previous, self.signature = self.signature, load_signature(self.settings, self.current_account())
        old_block, new_block = signature_block(previous), signature_block(self.signature)
        text = self.body.toPlainText()
        if old_block and old_block in text and not self.body.rich:
            self.body.setPlainText(text.replace(old_block, new_block, 1))
        elif not old_block and new_block:
            self._insert_signature()

    def edit_signature(self) -> None:
        from app.ui.compose.signatures import edit_signature

        account = self.current_account()
        if account is not None and edit_signature(self, self.settings, account):
            self._account_changed()

    def discard(self) -> None:
        answer = QMessageBox.question(self, translate("ComposeWindow", "Discard Draft"),
                                      translate("ComposeWindow",
                                          "Delete this message without sending it? Its saved draft is "
                                          "deleted too."))
        if answer == QMessageBox.StandardButton.Yes:
            self.keeper.discard()
            self.close()

    def _focus_first_empty(self) -> None:
        for field in (self.to_field, self.subject_field):
            if not field.text():
                field.setFocus()
                return
        self.body.setFocus()

    def _update_title(self) -> None:
        subject = self.subject_field.text().strip()
        self.setWindowTitle(subject or translate("ComposeWindow", "New Message"))

    # -- drag and drop: files become attachments ---------------------------------------------

    @staticmethod
    def _dropped_paths(event: QDropEvent | QDragMoveEvent) -> list[Path]:
        mime = event.mimeData()
        return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()] if mime.hasUrls() else []

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._dropped_paths(event):
            event.acceptProposedAction()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if self._dropped_paths(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [path for path in self._dropped_paths(event) if path.is_file()]
        if paths:
            event.acceptProposedAction()
            self._attach_paths(paths)

    def closeEvent(self, event: QCloseEvent) -> None:
        # What was written since the last save is saved now (nothing is asked: Discard Draft deletes).
        if not self.sending:
            self.keeper.save_if_changed()
        self.keeper.stop()
        super().closeEvent(event)


__all__ = ["ComposeWindow"]
