"""Editing one rule: its name, all or any, rows of conditions and rows of actions.

Each condition row is a field, (for "Header named") the header's name, an operator that fits
the field, and a value (a date picker for dates, yes/no for attachments); each action row a kind
and, where it needs one, a folder, a tag or an address. OK checks the rule with the core's
checks; a bad regular expression is refused with a sentence naming where it is wrong, and the
dialog stays open.
"""

from __future__ import annotations

import re
from typing import TypeVar

from PySide6.QtCore import QDate, Qt, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.rules.model import (
    ACTIONS_WITH_ARGUMENT,
    OPERATORS,
    Action,
    ActionKind,
    Condition,
    Field,
    Operator,
    Rule,
    RuleError,
    check_rule,
)
from app.ui.rules.texts import action_name, field_name, operator_name

_DATE_FORMAT = "yyyy-MM-dd"
Row = TypeVar("Row", bound=QWidget)


class ConditionRow(QWidget):
    """One condition: field, header name, operator, value, and a remove button."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.field_box = QComboBox(self)
        for field in Field:
            self.field_box.addItem(field_name(field), field.value)
        self.header_edit = QLineEdit(self)
        self.header_edit.setPlaceholderText("List-Id")
        self.operator_box = QComboBox(self)
        self.values = QStackedWidget(self)
        self.text_edit = QLineEdit(self)
        self.date_edit = QDateEdit(QDate.currentDate(), self)
        self.date_edit.setDisplayFormat(_DATE_FORMAT)
        self.date_edit.setCalendarPopup(True)
        self.yes_no = QComboBox(self)
        self.yes_no.addItem(self.tr("yes"), "yes")
        self.yes_no.addItem(self.tr("no"), "no")
        for widget in (self.text_edit, self.date_edit, self.yes_no):
            self.values.addWidget(widget)
        self.remove_button = QPushButton(self.tr("Remove"), self)
        layout.addWidget(self.field_box)
        layout.addWidget(self.header_edit)
        layout.addWidget(self.operator_box)
        layout.addWidget(self.values, 1)
        layout.addWidget(self.remove_button)
        # Subject first: the condition most rules start from.
        self.field_box.setCurrentIndex(self.field_box.findData(Field.SUBJECT.value))
        self.field_box.currentIndexChanged.connect(self._field_changed)
        self._field_changed()

    @property
    def field(self) -> Field:
        return Field(self.field_box.currentData())

    @Slot()
    def _field_changed(self) -> None:
        field = self.field
        self.header_edit.setVisible(field is Field.HEADER)
        self.operator_box.clear()
        for operator in OPERATORS[field]:
            self.operator_box.addItem(operator_name(operator), operator.value)
        self.operator_box.setVisible(field is not Field.HAS_ATTACHMENT)
        self.values.setCurrentWidget(self.date_edit if field is Field.DATE
                                     else self.yes_no if field is Field.HAS_ATTACHMENT else self.text_edit)

    def set_condition(self, condition: Condition) -> None:
        self.field_box.setCurrentIndex(self.field_box.findData(condition.field.value))
        self.operator_box.setCurrentIndex(self.operator_box.findData(condition.operator.value))
        self.header_edit.setText(condition.header)
        if condition.field is Field.DATE:
            self.date_edit.setDate(QDate.fromString(condition.value, _DATE_FORMAT))
        elif condition.field is Field.HAS_ATTACHMENT:
            self.yes_no.setCurrentIndex(self.yes_no.findData(condition.value))
        else:
            self.text_edit.setText(condition.value)

    def condition(self) -> Condition:
        field = self.field
        if field is Field.DATE:
            value = self.date_edit.date().toString(_DATE_FORMAT)
        elif field is Field.HAS_ATTACHMENT:
            value = str(self.yes_no.currentData())
        else:
            value = self.text_edit.text()
        return Condition(field, Operator(self.operator_box.currentData()), value,
                         self.header_edit.text().strip() if field is Field.HEADER else "")


class ActionRow(QWidget):
    """One action: its kind and, where needed, a folder, a tag or an address."""

    def __init__(self, folders: list[tuple[str, str]], tags: list[tuple[str, str]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.kind_box = QComboBox(self)
        for kind in ActionKind:
            self.kind_box.addItem(action_name(kind), kind.value)
        self.arguments = QStackedWidget(self)
        self.folder_box = QComboBox(self)
        for key, label in folders:
            self.folder_box.addItem(label, key)
        self.tag_box = QComboBox(self)
        for tag_id, label in tags:
            self.tag_box.addItem(label, tag_id)
        self.address_edit = QLineEdit(self)
        self.address_edit.setPlaceholderText(self.tr("name@example.com"))
        self.nothing = QWidget(self)
        for widget in (self.folder_box, self.tag_box, self.address_edit, self.nothing):
            self.arguments.addWidget(widget)
        self.remove_button = QPushButton(self.tr("Remove"), self)
        layout.addWidget(self.kind_box)
        layout.addWidget(self.arguments, 1)
        layout.addWidget(self.remove_button)
        self.kind_box.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()

    @property
    def kind(self) -> ActionKind:
        return ActionKind(self.kind_box.currentData())

    @Slot()
    def _kind_changed(self) -> None:
        kind = self.kind
        self.arguments.setCurrentWidget(
            self.folder_box if kind in (ActionKind.MOVE, ActionKind.COPY) else self.tag_box if kind is ActionKind.TAG
            else self.address_edit if kind is ActionKind.FORWARD else self.nothing)

    def set_action(self, action: Action) -> None:
        self.kind_box.setCurrentIndex(self.kind_box.findData(action.kind.value))
        if action.kind in (ActionKind.MOVE, ActionKind.COPY):
            self.folder_box.setCurrentIndex(self.folder_box.findData(action.argument))
        elif action.kind is ActionKind.TAG:
            self.tag_box.setCurrentIndex(self.tag_box.findData(action.argument))
        elif action.kind is ActionKind.FORWARD:
            self.address_edit.setText(action.argument)

    def action(self) -> Action:
        kind = self.kind
        if kind not in ACTIONS_WITH_ARGUMENT:
            return Action(kind)
        if kind is ActionKind.FORWARD:
            return Action(kind, self.address_edit.text().strip())
        box = self.tag_box if kind is ActionKind.TAG else self.folder_box
        return Action(kind, str(box.currentData() or ""))


class RuleEditor(QDialog):
    """Edit ``rule`` (or a new one); :meth:`rule` after ``exec()`` returned Accepted."""

    def __init__(self, folders: list[tuple[str, str]], tags: list[tuple[str, str]], rule: Rule | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ruleEditor")
        self.setWindowTitle(self.tr("Edit Rule") if rule is not None else self.tr("New Rule"))
        self.setMinimumWidth(640)
        self._folders, self._tags = folders, tags
        self._original = rule
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.name_edit = QLineEdit(self)
        self.name_edit.setObjectName("ruleName")
        self.name_edit.setPlaceholderText(self.tr("For example: Invoices to 财务"))
        form.addRow(self.tr("Name:"), self.name_edit)
        self.enabled_box = QCheckBox(self.tr("Enabled"), self)
        self.enabled_box.setChecked(True)
        form.addRow("", self.enabled_box)
        layout.addLayout(form)

        conditions = QGroupBox(self.tr("When a message arrives that matches"), self)
        conditions_layout = QVBoxLayout(conditions)
        match_row = QHBoxLayout()
        self.match_all = QRadioButton(self.tr("all of the conditions"), conditions)
        self.match_any = QRadioButton(self.tr("any of the conditions"), conditions)
        self.match_all.setChecked(True)
        match_row.addWidget(self.match_all)
        match_row.addWidget(self.match_any)
        match_row.addStretch(1)
        conditions_layout.addLayout(match_row)
        self.condition_rows = QVBoxLayout()
        conditions_layout.addLayout(self.condition_rows)
        self.add_condition_button = QPushButton(self.tr("Add a condition"), conditions)
        self.add_condition_button.clicked.connect(lambda: self.add_condition())
        conditions_layout.addWidget(self.add_condition_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(conditions)

        actions = QGroupBox(self.tr("Do this"), self)
        actions_layout = QVBoxLayout(actions)
        self.action_rows = QVBoxLayout()
        actions_layout.addLayout(self.action_rows)
        self.add_action_button = QPushButton(self.tr("Add an action"), actions)
        self.add_action_button.clicked.connect(lambda: self.add_action())
        actions_layout.addWidget(self.add_action_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(actions)

        self.problem = QLabel(self)
        self.problem.setObjectName("ruleProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b00020")
        self.problem.hide()
        layout.addWidget(self.problem)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._load(rule)

    def _load(self, rule: Rule | None) -> None:
        if rule is None:
            self.add_condition()
            self.add_action()
            return
        self.name_edit.setText(rule.name)
        self.enabled_box.setChecked(rule.enabled)
        (self.match_all if rule.match_all else self.match_any).setChecked(True)
        for condition in rule.conditions:
            self.add_condition(condition)
        for action in rule.actions:
            self.add_action(action)

    def add_condition(self, condition: Condition | None = None) -> ConditionRow:
        row = ConditionRow(self)
        if condition is not None:
            row.set_condition(condition)
        row.remove_button.clicked.connect(lambda: self._remove(row))
        self.condition_rows.addWidget(row)
        return row

    def add_action(self, action: Action | None = None) -> ActionRow:
        row = ActionRow(self._folders, self._tags, self)
        if action is not None:
            row.set_action(action)
        row.remove_button.clicked.connect(lambda: self._remove(row))
        self.action_rows.addWidget(row)
        return row

    def _remove(self, row: QWidget) -> None:
        row.hide()
        row.setParent(None)
        row.deleteLater()

    def condition_widgets(self) -> list[ConditionRow]:
        return _rows(self.condition_rows, ConditionRow)

    def action_widgets(self) -> list[ActionRow]:
        return _rows(self.action_rows, ActionRow)

    def rule(self) -> Rule:
        original = self._original
        return Rule(name=self.name_edit.text().strip(),
                    conditions=tuple(row.condition() for row in self.condition_widgets()),
                    actions=tuple(row.action() for row in self.action_widgets()),
                    match_all=self.match_all.isChecked(), enabled=self.enabled_box.isChecked(),
                    id=original.id if original is not None else None,
                    position=original.position if original is not None else 0)

    def problem_text(self, rule: Rule) -> str | None:
        """Why ``rule`` cannot be saved, in the user's language and saying what to change; None if it can."""
        if not rule.name:
            return self.tr("Give the rule a name.")
        if not rule.conditions:
            return self.tr("Add at least one condition.")
        if not [action for action in rule.actions if action.kind is not ActionKind.STOP]:
            return self.tr("Add an action: the rule does nothing yet.")
        for condition in rule.conditions:
            if condition.operator is Operator.MATCHES:
                try:
                    re.compile(condition.value)
                except re.error as error:
                    where = error.pos + 1 if error.pos is not None else 1
                    return self.tr("The regular expression “{0}” cannot be used ({1}, at character {2}). Correct "
                                   "it, or choose “contains” to look for the text as written.").format(
                        condition.value, error.msg, where)
            if condition.field is Field.HEADER and not condition.header:
                return self.tr("Type the name of the header to look at, for example List-Id.")
            if condition.field is Field.SIZE:
                try:
                    if float(condition.value) < 0:
                        raise ValueError
                except ValueError:
                    return self.tr("Type the size as a number of KB, for example 500.")
            if condition.field not in (Field.DATE, Field.HAS_ATTACHMENT, Field.SIZE) and \
                    condition.operator is not Operator.MATCHES and not condition.value.strip():
                return self.tr("Type the text to look for in each condition.")
        for action in rule.actions:
            if action.kind in (ActionKind.MOVE, ActionKind.COPY) and not action.argument:
                return self.tr("Choose a folder (create one in the folder pane first).")
            if action.kind is ActionKind.TAG and not action.argument:
                return self.tr("Choose a tag (make one with Message > Tag > Manage Tags… first).")
            if action.kind is ActionKind.FORWARD and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", action.argument):
                return self.tr("Type the address to forward to, for example name@example.com.")
        try:
            check_rule(rule)
        except RuleError as error:  # a case the sentences above missed: the core's words
            return str(error)
        return None

    def accept(self) -> None:
        problem = self.problem_text(self.rule())
        if problem is not None:
            self.problem.setText(problem)
            self.problem.show()
            return
        super().accept()


def _rows(layout: QVBoxLayout, kind: type[Row]) -> list[Row]:
    """The rows still in ``layout`` (a removed row has no parent any more)."""
    rows: list[Row] = []
    for index in range(layout.count()):
        item = layout.itemAt(index)
        widget = item.widget() if item is not None else None
        if isinstance(widget, kind) and widget.parent() is not None:
            rows.append(widget)
    return rows


__all__ = ["ActionRow", "ConditionRow", "RuleEditor"]
