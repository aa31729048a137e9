"""The To/Cc/Bcc field: a list of recipients separated by commas or semicolons, completing the one
being typed from the address book and every address seen in mail.

Completion is the core's (:func:`app.core.contacts.completion.complete`: names, addresses, pinyin
and its initials, so ``zs`` and ``zhang`` find 张三); the lookup runs in the address book's thread
(:class:`app.ui.contacts.worker.ContactsWorker`) and only the newest answer is shown, so typing
never waits on SQLite. Choosing a group puts its members in the field; a group name typed by hand
is expanded by :meth:`RecipientField.addresses`. Entries that are not addresses are marked when the
user leaves the field (:func:`app.core.contacts.addresses.is_valid_address`).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, Qt, Signal, Slot
from PySide6.QtGui import QFocusEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

from app.core.contacts.addresses import is_valid_address, parse_recipient, split_recipients
from app.core.contacts.completion import Completion, CompletionKind, complete, format_recipient, group_keys
from app.core.contacts.groups import group_recipients
from app.core.store import Store
from app.ui.contacts.worker import ContactsWorker, shared_worker

#: Suggestions shown at most (the core ranks them: contacts, groups, then addresses seen in mail).
SUGGESTIONS = 10
#: What separates recipients (ASCII and the full-width Chinese comma and semicolon).
SEPARATORS = ",;，；"
#: The dynamic property a style sheet or a test reads: the field holds something not an address.
INVALID_PROPERTY = "invalidAddresses"
_INVALID_STYLE = "QLineEdit { border: 2px solid #c0392b; background: #fdecea; }"


@dataclass(frozen=True)
class Suggestion:
    """One line of the completion list; a group carries its members (``Name <address>``)."""

    completion: Completion
    members: tuple[str, ...] = ()


def suggestions(store: Store, text: str, limit: int = SUGGESTIONS) -> list[Suggestion]:
    """The suggestions for ``text`` (runs in the address book's thread)."""
    return [Suggestion(found, tuple(group_recipients(store, found.name))
                       if found.kind is CompletionKind.GROUP else ())
            for found in complete(store, text, limit)]


def group_members(store: Store) -> dict[str, tuple[str, ...]]:
    """Every group's members, by folded group name (a group name typed by hand expands too).
    The groups' completion keys are made here as well: a Chinese group name loads pypinyin (a
    third of a second, holding the interpreter), better when the field opens than at a keystroke."""
    groups = store.group_names()
    for name, _ in groups:
        group_keys(name)
    return {name.casefold(): tuple(group_recipients(store, name)) for name, _ in groups}


def current_span(text: str, cursor: int) -> tuple[int, int]:
    """Start and end of the recipient the cursor is in (between separators outside quotes)."""
    start, quoted = 0, False
    for position, character in enumerate(text[:cursor]):
        if character == '"':
            quoted = not quoted
        elif character in SEPARATORS and not quoted:
            start = position + 1
    end = len(text)
    for position in range(cursor, len(text)):
        if text[position] in SEPARATORS and not quoted:
            end = position
            break
    return start, end


class RecipientField(QLineEdit):
    """To, Cc or Bcc. ``worker`` None: the window's (:func:`shared_worker`), else no completion
    (the field still parses and checks)."""

    #: The completion list was filled for what is typed (tests and screenshots wait on it).
    suggestions_shown = Signal()

    def __init__(self, worker: ContactsWorker | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.worker = worker if worker is not None else shared_worker()
        worker = self.worker
        self._suggestions: list[Suggestion] = []
        self._groups: dict[str, tuple[str, ...]] = {}
        self._asked = ""
        #: The text the completion list was filled for.
        self.shown_for = ""
        self.setProperty(INVALID_PROPERTY, False)
        self.model = QStandardItemModel(self)
        self.completion = QCompleter(self.model, self)
        self.completion.setWidget(self)
        self.completion.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completion.setMaxVisibleItems(SUGGESTIONS)
        # The index overload: the text one cannot tell two suggestions with the same text apart.
        self.completion.activated[QModelIndex].connect(self._chosen)  # type: ignore[index]
        self.textEdited.connect(self._edited)
        self.setPlaceholderText(self.tr("Names or addresses, separated by commas"))
        if worker is not None:
            worker.submit(group_members, self._set_groups, lambda error: None)

    # -- the recipients ---------------------------------------------------------------------------

    def addresses(self) -> list[str]:
        """The valid recipients as RFC 5322 mailboxes (``张三 <zs@example.com>``), a group's name
        replaced by its members, duplicates (by address) once."""
        found: list[str] = []
        seen: set[str] = set()
        for entry in split_recipients(self.text()):
            for recipient in self._groups.get(entry.casefold(), (entry,)):
                name, address = parse_recipient(recipient)
                if is_valid_address(address) and address.casefold() not in seen:
                    seen.add(address.casefold())
                    found.append(format_recipient(name, address))
        return found

    def invalid_addresses(self) -> list[str]:
        """The entries, as typed, that are neither an address nor a group's name."""
        return [entry for entry in split_recipients(self.text())
                if entry.casefold() not in self._groups and not is_valid_address(parse_recipient(entry)[1])]

    def set_addresses(self, addresses: list[str]) -> None:
        self.setText(", ".join(address.strip() for address in addresses if address.strip()))
        self._mark(self.property(INVALID_PROPERTY) and bool(self.invalid_addresses()))

    def check(self) -> bool:
        """Mark the field when an entry is not an address (and say which); True when all are good."""
        invalid = self.invalid_addresses()
        self._mark(bool(invalid))
        return not invalid

    def _mark(self, invalid: bool) -> None:
        self.setProperty(INVALID_PROPERTY, invalid)
        self.setStyleSheet(_INVALID_STYLE if invalid else "")
        if invalid:
            self.setToolTip(self.tr("Not an address: {0}. Correct it, or remove it before sending.")
                            .format(", ".join(self.invalid_addresses())))
        else:
            self.setToolTip("")

    def focusOutEvent(self, event: QFocusEvent) -> None:
        # The completion list taking the focus is not the user leaving the field.
        if event.reason() != Qt.FocusReason.PopupFocusReason:
            self.check()
        super().focusOutEvent(event)

    # -- completion -------------------------------------------------------------------------------

    def _set_groups(self, groups: object) -> None:
        if isinstance(groups, dict):
            self._groups.update(groups)

    @Slot(str)
    def _edited(self, text: str) -> None:
        if self.property(INVALID_PROPERTY):
            self.check()  # the mark goes as soon as the mistake is corrected
        start, _ = current_span(text, self.cursorPosition())
        typed = text[start:self.cursorPosition()].strip()
        self._asked = typed
        if not typed or self.worker is None:
            self._hide_popup()
            return
        self.worker.submit(lambda store: suggestions(store, typed),
                           lambda found: self._show(typed, found), lambda error: None, latest=f"complete-{id(self)}")

    def _show(self, typed: str, found: list[Suggestion]) -> None:
        if typed != self._asked:
            return  # the user typed on: a newer lookup is on its way
        self._suggestions = found
        self.shown_for = typed
        for suggestion in found:
            if suggestion.completion.kind is CompletionKind.GROUP:
                self._groups[suggestion.completion.name.casefold()] = suggestion.members
        self.model.clear()
        for suggestion in found:
            item = QStandardItem(self.suggestion_text(suggestion))
            item.setEditable(False)
            self.model.appendRow(item)
        if not found:
            self._hide_popup()
        else:
            self.completion.setCompletionPrefix("")
            rect = self.rect()
            self.completion.complete(rect)
            popup = self.completion.popup()
            if popup is not None:
                popup.setCurrentIndex(popup.model().index(0, 0))  # the completer's model over ours
                # QCompleter sizes the list as if every row were as tall as the first; a Chinese
                # name (drawn in a fallback font) is taller than a Latin one: fit the rows as drawn,
                # so every suggestion shows without scrolling.
                drawn = sum(popup.sizeHintForRow(row) for row in range(min(len(found), SUGGESTIONS)))
                popup.resize(popup.width(), max(popup.height(), drawn + 2 * popup.frameWidth()))
        self.suggestions_shown.emit()

    def suggestion_text(self, suggestion: Suggestion) -> str:
        found = suggestion.completion
        if found.kind is CompletionKind.GROUP:
            return self.tr("{0} (group of {1})").format(found.name, len(suggestion.members))
        return found.text

    def _hide_popup(self) -> None:
        popup = self.completion.popup()
        if popup is not None:
            popup.hide()

    @Slot(QModelIndex)
    def _chosen(self, index: QModelIndex) -> None:
        if 0 <= index.row() < len(self._suggestions):
            self.choose(self._suggestions[index.row()])

    def choose(self, suggestion: Suggestion) -> None:
        """Put ``suggestion`` in place of the recipient being typed (a group: all its members)."""
        found = suggestion.completion
        inserted = ", ".join(suggestion.members) if found.kind is CompletionKind.GROUP else found.text
        if not inserted:
            return
        text = self.text()
        start, end = current_span(text, self.cursorPosition())
        before = text[:start].rstrip()
        after = text[end:].lstrip(SEPARATORS + " ")
        head = f"{before} " if before else ""
        new_text = f"{head}{inserted}, "
        self.setText(new_text + after)
        self.setCursorPosition(len(new_text))
        self._asked = ""
        if self.property(INVALID_PROPERTY):
            self.check()
