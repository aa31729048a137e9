"""Starting ``poplark index`` as a second process on a profile: how to name this program again.

Indexing new mail is CPU work in Python (text extraction, CJK bigrams, FTS5 inserts). In a thread
it holds the interpreter lock most of the time, so the download in the command line, and the
window's GUI thread, would wait for it. A second process runs it on the other core instead;
:mod:`app.cli.indexing` (beside ``poplark fetch``) and the window's search indexer
(:mod:`app.ui.workers.search_indexer`) start it through :func:`index_command`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from app.core.store.profile import DATABASE_FILE_NAME


def index_command(profile_directory: Path, *options: str) -> list[str]:
    """The command line of ``poplark --profile DIR index OPTIONS``, installed, frozen or from source."""
    program = [sys.executable] if getattr(sys, "frozen", False) else [sys.executable, "-m", "app"]
    return [*program, "--profile", str(profile_directory), "index", *options]


def profile_directory_of(database_path: Path) -> Path | None:
    """The profile folder a store file belongs to, or None for a file outside the profile layout
    (a child given the folder would open another file)."""
    return database_path.parent if database_path.name == DATABASE_FILE_NAME else None


__all__ = ["index_command", "profile_directory_of"]
