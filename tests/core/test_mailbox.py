"""Export to .eml and mbox, import of .eml files: the bytes come back exactly, nothing is overwritten."""

from __future__ import annotations

import mailbox
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.mailbox import export_eml, export_mbox, import_eml_files, mbox_entry, unquote_mbox_body
from app.core.model import Account, Folder
from app.core.store import Profile, Store

TRICKY = (b"From: Carol <carol@example.com>\r\nSubject: Re: plans/../../etc/passwd\r\n"
          b"Date: Wed, 03 Jan 2024 08:00:00 +0000\r\n\r\n"
          b"From the desk of Carol\r\n>From quoted already\r\n>>From twice\r\nnot From here\r\n"
          b"nul \x00 and bare \r CR\r\n\xff\xfe 8-bit\r\nFrom")
LF_ONLY = b"Subject: =?utf-8?b?5Lya6K6u?=\n\nFrom me\nlast line without newline"
NO_SUBJECT = b"From: x@example.com\r\n\r\nbody\r\n"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(Profile(tmp_path / "profile"))
    yield opened
    opened.close()


@pytest.fixture
def ids(store: Store) -> list[int]:
    account = store.add_account(Account(name="work", host="h", user="u"))
    stored = [store.add_message(account, f"u{index}", raw) for index, raw in enumerate([TRICKY, LF_ONLY, NO_SUBJECT])]
    store.commit()
    return [summary.id for summary in stored]


def test_eml_export_writes_exact_bytes_under_safe_subject_names(store: Store, ids: list[int], tmp_path: Path) -> None:
    out = tmp_path / "out"
    paths = export_eml(store, ids, out)
    assert [path.read_bytes() for path in paths] == [TRICKY, LF_ONLY, NO_SUBJECT]
    assert all(path.parent == out for path in paths)
    assert paths[0].name == "Re plans-..-..-etc-passwd.eml"  # one name, no folder parts
    assert paths[1].name == "会议.eml"
    assert paths[2].name == f"message-{ids[2]}.eml"


def test_eml_export_never_overwrites(store: Store, ids: list[int], tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = export_eml(store, ids, out)
    (out / first[1].name).write_bytes(b"the user's own file")
    second = export_eml(store, ids, out)
    assert {path.name for path in second}.isdisjoint({path.name for path in first})
    assert (out / first[1].name).read_bytes() == b"the user's own file"
    assert second[1].name == "会议 (2).eml"
    with pytest.raises(FileExistsError):
        export_eml(store, ids, out, rename_existing=False)


def test_same_subject_twice_in_one_export_gets_numbered(store: Store, tmp_path: Path) -> None:
    account = store.add_account(Account(name="other", host="h", user="u"))
    first = store.add_message(account, "a", b"Subject: same\r\n\r\none")
    second = store.add_message(account, "b", b"Subject: same\r\n\r\ntwo")
    store.commit()
    paths = export_eml(store, [first.id, second.id], tmp_path / "out", rename_existing=False)
    assert [path.name for path in paths] == ["same.eml", "same (2).eml"]
    assert [path.read_bytes() for path in paths] == [b"Subject: same\r\n\r\none", b"Subject: same\r\n\r\ntwo"]


def split_mboxrd(data: bytes) -> list[bytes]:
    """Entries of an mboxrd file, each unquoted, without its From_ line and final blank line."""
    entries = re.split(rb"(?:^|(?<=\n))From [^\n]*\n", data)
    assert entries[0] == b""
    return [unquote_mbox_body(entry) for entry in entries[1:]]


def test_mbox_export_is_byte_exact_apart_from_mboxrd_framing(store: Store, ids: list[int], tmp_path: Path) -> None:
    path = tmp_path / "all.mbox"
    assert export_mbox(store, ids, path) == 3
    data = path.read_bytes()
    assert data.startswith(b"From MAILER-DAEMON ")
    assert b"\r\n>From the desk" in data and b"\r\n>>From quoted" in data and b"\r\n>>>From twice" in data
    entries = split_mboxrd(data)
    # Each entry is the message, plus the line ending the format needs, plus the blank line.
    assert entries[0] == TRICKY + b"\r\n" + b"\r\n"
    assert entries[1] == LF_ONLY + b"\n" + b"\n"
    assert entries[2] == NO_SUBJECT + b"\r\n"
    with pytest.raises(FileExistsError):
        export_mbox(store, ids, path)


def test_mbox_is_readable_by_the_standard_library(store: Store, ids: list[int], tmp_path: Path) -> None:
    path = tmp_path / "all.mbox"
    export_mbox(store, ids, path, unix_line_endings=True)
    box = mailbox.mbox(path, create=False)
    try:
        messages = list(box)
    finally:
        box.close()
    assert len(messages) == 3  # body lines starting "From " were quoted, not taken as separators
    body = messages[0].get_payload(decode=True)
    assert isinstance(body, bytes)
    assert b">From the desk of Carol\n" in body  # Python reads mboxo: the quote stays visible
    assert b"nul \x00 and bare \r CR\n" in body


def test_mbox_entry_quotes_a_leading_from_line() -> None:
    entry = mbox_entry(b"From x\r\n\r\nbody\r\n", 0.0)
    assert entry == b"From MAILER-DAEMON Thu Jan 01 00:00:00 1970\n>From x\r\n\r\nbody\r\n\r\n"


def test_import_of_eml_files_is_byte_exact_and_once(store: Store, tmp_path: Path) -> None:
    account = store.add_account(Account(name="work", host="h", user="u"))
    assert account.id is not None
    first, second = tmp_path / "a.eml", tmp_path / "b.eml"
    first.write_bytes(TRICKY)
    second.write_bytes(LF_ONLY)
    imported = import_eml_files(store, account.id, [first, second, first])
    assert imported[0] == imported[2] and len(set(imported)) == 2
    assert [store.raw(message_id) for message_id in imported[:2]] == [TRICKY, LF_ONLY]
    assert store.message_ids(account.id, Folder.INBOX) != []
    assert store.known_uids(account.id) == {}
    exported = export_eml(store, imported[:1], tmp_path / "again")
    assert exported[0].read_bytes() == TRICKY


def test_the_store_itself_is_refused_as_a_message_file(store: Store, tmp_path: Path) -> None:
    # Dropping poplark.sqlite3 (or a link to it) on the window must not read it: closing that
    # descriptor would drop the window's SQLite locks. It is refused before it is opened.
    account_id = store.add_account(Account(name="work", host="h", user="u")).id
    assert account_id is not None
    link = tmp_path / "looks-like-mail.eml"
    link.symlink_to(store.path)
    before = store.message_count()
    for path in (store.path, Path(f"{store.path}-wal"), link):
        with pytest.raises(OSError, match="own mail store"):
            import_eml_files(store, account_id, [path])
    assert store.message_count() == before
