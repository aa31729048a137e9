"""The filter rules dialog (Tools > Filter Rules): the rules in the order they run, each with
its checkbox; new, edit, delete, up and down; and "run now" over a folder, with a preview of
what would happen before anything does.

Editing writes the rules table at once (a few rows, milliseconds); running over a folder parses
mail and runs in a background job (:mod:`app.ui.rules.running`), and the dialog says when the
mail changed (``mail_changed``) so the window announces it to every pane.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import PoplarkError
from app.core.rules.model import Rule
from app.core.store import Store
from app.ui.rules.editor import RuleEditor
from app.ui.rules.running import FolderRun, run_on_folder
from app.ui.rules.texts import describe_action, folder_choices, tag_choices
from app.ui.workers.background import BackgroundJob

log = logging.getLogger("poplark.ui.rules")

_RULE_ID = Qt.ItemDataRole.UserRole + 1


class RulesDialog(QDialog):
    """The user's rules, and running them now."""

    #: Running the rules changed mail (moved, copied, marked): the panes should read again.
    mail_changed = Signal()
    #: A run or preview ended (its results are shown).
    run_finished = Signal()

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("rulesDialog")
        self.setWindowTitle(self.tr("Filter Rules"))
        self.resize(720, 560)
        self.store = store
        self.job: BackgroundJob | None = None
        self._retired: list[BackgroundJob] = []
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Rules run on new mail in this order, right after it is stored. "
                                        "Untick a rule to pause it."), self))
        middle = QHBoxLayout()
        self.rule_list = QListWidget(self)
        self.rule_list.setObjectName("ruleList")
        middle.addWidget(self.rule_list, 1)
        buttons = QVBoxLayout()
        self.new_button = QPushButton(self.tr("New…"), self)
        self.edit_button = QPushButton(self.tr("Edit…"), self)
        self.delete_button = QPushButton(self.tr("Delete"), self)
        self.up_button = QPushButton(self.tr("Move Up"), self)
        self.down_button = QPushButton(self.tr("Move Down"), self)
        for button in (self.new_button, self.edit_button, self.delete_button, self.up_button, self.down_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        middle.addLayout(buttons)
        layout.addLayout(middle, 1)

        run_box = QGroupBox(self.tr("Run the rules now"), self)
        run_layout = QVBoxLayout(run_box)
        run_row = QHBoxLayout()
        run_row.addWidget(QLabel(self.tr("On the mail in:"), run_box))
        self.folder_box = QComboBox(run_box)
        self.folder_box.setObjectName("runFolder")
        run_row.addWidget(self.folder_box, 1)
        self.preview_button = QPushButton(self.tr("Preview"), run_box)
        self.run_button = QPushButton(self.tr("Run Now"), run_box)
        run_row.addWidget(self.preview_button)
        run_row.addWidget(self.run_button)
        run_layout.addLayout(run_row)
        self.preview = QTreeWidget(run_box)
        self.preview.setObjectName("runPreview")
        self.preview.setHeaderLabels([self.tr("Message"), self.tr("What happens")])
        self.preview.setRootIsDecorated(False)
        self.preview.setColumnWidth(0, 260)
        run_layout.addWidget(self.preview, 1)
        self.run_status = QLabel(run_box)
        self.run_status.setObjectName("runStatus")
        self.run_status.setWordWrap(True)
        run_layout.addWidget(self.run_status)
        layout.addWidget(run_box, 1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        layout.addWidget(close)

        self.new_button.clicked.connect(self.new_rule)
        self.edit_button.clicked.connect(self.edit_rule)
        self.delete_button.clicked.connect(self.delete_rule)
        self.up_button.clicked.connect(lambda: self.move_rule(-1))
        self.down_button.clicked.connect(lambda: self.move_rule(1))
        self.rule_list.itemChanged.connect(self._item_changed)
        self.rule_list.itemDoubleClicked.connect(lambda _item: self.edit_rule())
        self.rule_list.currentRowChanged.connect(lambda _row: self._update_buttons())
        self.preview_button.clicked.connect(lambda: self.run_now(dry_run=True))
        self.run_button.clicked.connect(lambda: self.run_now(dry_run=False))
        self.reload()

    # -- the list -------------------------------------------------------------------------------

    def reload(self, current: int | None = None) -> None:
        self.folders = folder_choices(self.store)
        self.tags = tag_choices(self.store)
        selected = self.folder_box.currentData()
        self.folder_box.clear()
        for key, label in folder_choices(self.store, to_run_on=True):
            self.folder_box.addItem(label, key)
        if selected is not None:
            self.folder_box.setCurrentIndex(max(0, self.folder_box.findData(selected)))
        self.rules = self.store.rules()
        self.rule_list.blockSignals(True)
        self.rule_list.clear()
        for rule in self.rules:
            item = QListWidgetItem(rule.name, self.rule_list)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if rule.enabled else Qt.CheckState.Unchecked)
            item.setData(_RULE_ID, rule.id)
            item.setToolTip(self._summary(rule))
            if rule.id == current:
                self.rule_list.setCurrentItem(item)
        self.rule_list.blockSignals(False)
        if self.rule_list.currentRow() < 0 and self.rules:
            self.rule_list.setCurrentRow(0)
        self._update_buttons()

    def _summary(self, rule: Rule) -> str:
        folders, tags = dict(self.folders), dict(self.tags)
        return "; ".join(describe_action(action, folders, tags) for action in rule.actions)

    def _update_buttons(self) -> None:
        row = self.rule_list.currentRow()
        chosen = row >= 0
        self.edit_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)
        self.up_button.setEnabled(chosen and row > 0)
        self.down_button.setEnabled(chosen and row < self.rule_list.count() - 1)
        idle = self.job is None
        self.preview_button.setEnabled(idle and bool(self.rules))
        self.run_button.setEnabled(idle and bool(self.rules))

    def current_rule(self) -> Rule | None:
        row = self.rule_list.currentRow()
        return self.rules[row] if 0 <= row < len(self.rules) else None

    def editor(self, rule: Rule | None) -> RuleEditor:
        """The editor for ``rule`` (a method of its own, so tests can drive it)."""
        return RuleEditor(self.folders, self.tags, rule, self)

    @Slot()
    def new_rule(self) -> None:
        self._edit(None)

    @Slot()
    def edit_rule(self) -> None:
        rule = self.current_rule()
        if rule is not None:
            self._edit(rule)

    def _edit(self, rule: Rule | None) -> None:
        editor = self.editor(rule)
        if editor.exec() != QDialog.DialogCode.Accepted:
            return
        try:
            saved = self.store.save_rule(editor.rule())
        except PoplarkError as error:
            QMessageBox.warning(self, self.tr("Rule not saved"), str(error))
            return
        self.reload(current=saved)

    def confirm_delete(self, rule: Rule) -> bool:
        answer = QMessageBox.question(self, self.tr("Delete Rule"),
                                      self.tr("Delete the rule “{0}”? Mail it already sorted stays where it is.")
                                      .format(rule.name))
        return answer == QMessageBox.StandardButton.Yes

    @Slot()
    def delete_rule(self) -> None:
        rule = self.current_rule()
        if rule is None or rule.id is None or not self.confirm_delete(rule):
            return
        self.store.delete_rule(rule.id)
        self.reload()

    def move_rule(self, step: int) -> None:
        row = self.rule_list.currentRow()
        target = row + step
        if not (0 <= row < len(self.rules) and 0 <= target < len(self.rules)):
            return
        ids = [rule.id for rule in self.rules if rule.id is not None]
        ids[row], ids[target] = ids[target], ids[row]
        self.store.set_rule_order(ids)
        self.reload(current=ids[target])

    @Slot(QListWidgetItem)
    def _item_changed(self, item: QListWidgetItem) -> None:
        rule_id = item.data(_RULE_ID)
        if rule_id is not None:
            self.store.set_rule_enabled(int(rule_id), item.checkState() == Qt.CheckState.Checked)
            self.rules = self.store.rules()

    # -- run now --------------------------------------------------------------------------------

    def run_now(self, *, dry_run: bool) -> None:
        key = self.folder_box.currentData()
        if self.job is not None or key is None:
            return
        self.preview.clear()
        self.run_status.setText(self.tr("Looking at the mail…") if dry_run else self.tr("Running the rules…"))
        job = BackgroundJob(run_on_folder(Path(self.store.path), str(key), dry_run=dry_run))
        job.succeeded.connect(self._run_done)
        job.failed.connect(self._run_failed)
        job.finished.connect(self._job_finished)
        self.job = job
        self._update_buttons()
        job.start()

    @Slot(object)
    def _run_done(self, result: object) -> None:
        assert isinstance(result, FolderRun)
        folders, tags = dict(self.folders), dict(self.tags)
        for planned in result.planned:
            steps = "; ".join(f"{name}: " + ", ".join(describe_action(action, folders, tags) for action in actions)
                              for name, actions in planned.steps)
            QTreeWidgetItem(self.preview, [planned.subject or self.tr("(no subject)"), steps])
        count = len(result.planned)
        if result.dry_run:
            self.run_status.setText(self.tr("{0} message(s) would change. Nothing has been changed yet: press "
                                            "Run Now to do it.").format(count) if count else
                                    self.tr("No rule acts on the mail in this folder."))
            return
        outcome = result.outcome
        text = self.tr("Done: {0} message(s) changed.").format(count) if count else \
            self.tr("No rule acts on the mail in this folder.")
        if outcome.problems:
            text += " " + self.tr("Some actions could not be carried out: {0}").format("; ".join(outcome.problems))
        self.run_status.setText(text)
        if count:
            self.mail_changed.emit()

    @Slot(object)
    def _run_failed(self, error: object) -> None:
        log.warning("running the rules failed: %s", error)
        self.run_status.setText(self.tr("The rules could not run: {0}. Close other programs that use the mail "
                                        "store, then try again.").format(error))

    @Slot()
    def _job_finished(self) -> None:
        # Kept until the next job ends: dropping it inside its own signal would destroy it mid-emit.
        if self.job is not None:
            self._retired = [self.job]
        self.job = None
        self._update_buttons()
        self.run_finished.emit()

    def done(self, result: int) -> None:
        if self.job is not None:
            self.job.wait(30_000)  # a run in flight finishes its transaction; it is short
        super().done(result)


__all__ = ["RulesDialog"]
