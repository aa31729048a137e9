"""Mail to and from files: import .eml files, export messages as .eml or a folder as mbox.

These read or write files, which may be slow or on a network share, so they always run in the
background. Imports announce the new messages; exports change nothing in the store.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QCoreApplication

from app.core.model import Folder
from app.core.store import Store
from app.ui.operations.runner import ALWAYS_IN_BACKGROUND, OperationRunner, no_change
from app.ui.store_events import Change, MessageChange


def import_files(runner: OperationRunner, account_id: int, paths: Sequence[Path], *,
                 done: Callable[[list[int]], None]) -> None:
    """Store each file as a message of the account's Inbox, byte-exact; ``done(ids)``."""
    chosen = list(paths)

    def work(store: Store) -> list[int]:
        from app.core.mailbox import import_eml_files

        return import_eml_files(store, account_id, chosen)

    runner.run(work, rows=ALWAYS_IN_BACKGROUND, done=done,
               failure_title=QCoreApplication.translate("MainWindow", "Import failed"),
               announce=lambda ids: MessageChange(Change.ADDED, tuple(ids), Folder.INBOX))


def export_eml(runner: OperationRunner, ids: Sequence[int], directory: Path, *,
               done: Callable[[list[Path]], None]) -> None:
    """Write each message to ``directory`` as a .eml file (never over an existing one)."""
    chosen = list(ids)

    def work(store: Store) -> list[Path]:
        from app.core.mailbox import export_eml as write_eml

        return write_eml(store, chosen, directory)

    runner.run(work, rows=ALWAYS_IN_BACKGROUND, done=done, announce=no_change,
               failure_title=QCoreApplication.translate("MainWindow", "Export failed"))


def export_mbox(runner: OperationRunner, ids: Sequence[int], target: Path, *,
                done: Callable[[list[Path]], None]) -> None:
    """Write the messages to the mbox file ``target``, replacing it whole (the file dialog has
    asked before replacing a file); a failed export leaves the old file intact."""
    chosen = list(ids)

    def work(store: Store) -> list[Path]:
        from app.core.mailbox import export_mbox as write_mbox

        # write_mbox never overwrites: write beside the target and swap it in whole.
        partial = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
        try:
            write_mbox(store, chosen, partial)
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
        return [target]

    runner.run(work, rows=ALWAYS_IN_BACKGROUND, done=done, announce=no_change,
               failure_title=QCoreApplication.translate("MainWindow", "Export failed"))


__all__ = ["export_eml", "export_mbox", "import_files"]
