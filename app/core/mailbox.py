"""Messages in and out of files: export as .eml files or one mbox, import .eml files.

Exports give back the stored bytes (docs/architecture.md, invariant 4). An .eml file is exactly the
message. An mbox (the mboxrd variant) can only add what the format needs: a ``From`` separator
line before each message, one ``>`` before body lines that read ``From `` after any ``>``s (so a
reader can undo it exactly), and a blank line after each message. Line endings stay as received.
Nothing is ever overwritten: files are created with exclusive creation.
"""

from __future__ import annotations

import errno
import os
import re
import time
from collections.abc import Sequence
from pathlib import Path

from app.core.filenames import sanitize_filename, unique_path
from app.core.model import Folder
from app.core.store.store import Store

#: Lines an mboxrd writer quotes: ">" * n + "From " at the start of a line (n >= 0).
_FROM_LINE = re.compile(rb"^(>*From )", re.MULTILINE)


def eml_filename(subject: str, fallback: str) -> str:
    """A safe file name for a message: its subject, or ``fallback`` when it has none."""
    # A "/" in a subject is punctuation, not a folder: keep the words on both sides of it.
    text = subject.replace("/", "-").replace("\\", "-").strip()
    return sanitize_filename((text or fallback) + ".eml", fallback=fallback + ".eml")


def export_eml(store: Store, ids: Sequence[int], directory: Path, *, rename_existing: bool = True) -> list[Path]:
    """Write each message to ``directory`` as ``<subject>.eml``; return the paths written, in order.

    Names come from the subject, made safe (no path parts, no reserved or invisible characters).
    Two messages with the same subject get ``name (2).eml``. A name already in the folder before
    the export is numbered the same way, or, with ``rename_existing=False``, stops the export with
    :class:`FileExistsError` (files written so far stay). Raises OSError for a disk problem.
    """
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    mine: set[str] = set()
    summaries = store.summaries(ids)
    for message_id in ids:
        summary = summaries.get(message_id)
        if summary is None:
            continue
        name = eml_filename(summary.subject, f"message-{message_id}")
        target = directory / name
        if target.exists() or target.is_symlink():
            if not rename_existing and name not in mine:
                raise FileExistsError(17, "File exists", str(target))
            target = unique_path(directory, name)
        with open(target, "xb") as handle:  # "x": never replace a file, even in a race
            handle.write(store.raw(message_id))
        mine.add(target.name)
        written.append(target)
    return written


def mbox_entry(raw: bytes, timestamp: float, *, unix_line_endings: bool = False) -> bytes:
    """One mboxrd entry: the ``From`` line, the quoted message, then an empty line.

    The message keeps its own line endings unless ``unix_line_endings`` turns CRLF into LF (what
    Unix mail tools expect; a bare CR stays). A message without a final line ending gets one (the
    format needs the separator on a line of its own).
    """
    when = time.strftime("%a %b %d %H:%M:%S %Y", time.gmtime(timestamp))
    if unix_line_endings:
        raw = raw.replace(b"\r\n", b"\n")
    body = _FROM_LINE.sub(rb">\1", raw)
    ending = b"\r\n" if b"\r\n" in raw else b"\n"  # the message's own line ending
    if not body.endswith(b"\n"):
        body += ending
    return b"From MAILER-DAEMON " + when.encode("ascii") + b"\n" + body + ending


def unquote_mbox_body(body: bytes) -> bytes:
    """Undo mboxrd quoting on one entry's message lines (for readers and tests)."""
    return re.sub(rb"^>(>*From )", rb"\1", body, flags=re.MULTILINE)


def export_mbox(store: Store, ids: Sequence[int], path: Path, *, unix_line_endings: bool = False) -> int:
    """Write the messages to a new mbox file at ``path``; return how many.

    Byte-exact apart from the mboxrd framing (see :func:`mbox_entry`), unless
    ``unix_line_endings``. Raises FileExistsError when ``path`` exists (nothing is overwritten)
    and OSError for a disk problem. Each entry's ``From`` line carries the message's date, else
    its arrival time.
    """
    count = 0
    summaries = store.summaries(ids)
    with open(path, "xb") as mbox:
        for message_id in ids:
            summary = summaries.get(message_id)
            if summary is None:
                continue
            timestamp = summary.date if summary.date is not None else summary.received_at
            mbox.write(mbox_entry(store.raw(message_id), timestamp, unix_line_endings=unix_line_endings))
            count += 1
    return count


def import_eml_files(store: Store, account_id: int, paths: Sequence[Path],
                     folder: Folder = Folder.INBOX) -> list[int]:
    """Import .eml files (as dropped on the window) byte-exact; return the message ids.

    A file whose bytes the account already holds yields the existing id (no second copy).
    Raises OSError when a file cannot be read; files before it stay imported. The store's own
    database files are refused unopened (OSError EINVAL): reading them would drop this process's
    SQLite locks (see app/core/store/connection.py), and they are no mail anyway.
    """
    own_files = _identities([store.path, Path(f"{store.path}-wal"), Path(f"{store.path}-shm")])
    ids = []
    for path in paths:
        if _identities([path]) & own_files:
            raise OSError(errno.EINVAL, "this is Poplark's own mail store, not a message file", str(path))
        ids.append(store.import_message(account_id, path.read_bytes(), folder))
    return ids


def _identities(paths: Sequence[Path]) -> set[tuple[int, int]]:
    """(device, inode) of the paths that exist; stat opens no descriptor."""
    found = set()
    for path in paths:
        try:
            status = os.stat(path)
        except OSError:
            continue
        found.add((status.st_dev, status.st_ino))
    return found
