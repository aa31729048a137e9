"""Running the rules over a folder for the dialog, off the GUI thread: a preview (nothing
written) or the real run. The job opens its own store connection (connections belong to one
thread) and hands back plain data only."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app.core.rules.apply import RunOutcome, run_rules_on_folder
from app.core.rules.model import Action
from app.core.store import Store
from app.ui.workers.background import ProgressCallback


@dataclass(frozen=True)
class PlannedMessage:
    """One message a rule acts on: its subject and, per rule, the actions it takes."""

    message_id: int
    subject: str
    steps: tuple[tuple[str, tuple[Action, ...]], ...]


@dataclass(frozen=True)
class FolderRun:
    """What a run (or preview) over a folder found and did."""

    planned: tuple[PlannedMessage, ...]
    outcome: RunOutcome
    dry_run: bool


def run_on_folder(database_path: Path, folder_key: str, *, dry_run: bool) -> Callable[[ProgressCallback], FolderRun]:
    """The job's function: everything inside runs in the worker thread."""

    def run(report: ProgressCallback) -> FolderRun:
        del report  # one step: nothing to report on the way
        with Store(database_path) as store:
            outcome = run_rules_on_folder(store, folder_key, dry_run=dry_run)
            summaries = store.summaries([decision.message_id for decision in outcome.decisions])
        planned = tuple(
            PlannedMessage(decision.message_id,
                           summaries[decision.message_id].subject if decision.message_id in summaries else "",
                           tuple((rule.name, rule.actions) for rule in decision.rules))
            for decision in outcome.decisions)
        return FolderRun(planned, outcome, dry_run)

    return run


__all__ = ["FolderRun", "PlannedMessage", "run_on_folder"]
