"""Attachment names made safe: no paths, no device names, no disguised extensions, no overwrite."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.filenames import MAX_FILENAME_BYTES, sanitize_filename, unique_path


@pytest.mark.parametrize(("name", "safe"), [
    ("report.pdf", "report.pdf"),
    ("会议纪要.docx", "会议纪要.docx"),
    ("../../etc/passwd", "passwd"),
    ("..\\..\\windows\\system32\\evil.dll", "evil.dll"),
    ("C:\\Users\\bob\\Desktop\\plan.xlsx", "plan.xlsx"),
    ("/absolute/path/file.txt", "file.txt"),
    ("..", "attachment"),
    ("...", "attachment"),
    (".bashrc", "bashrc"),
    ("...hidden.txt", "hidden.txt"),
    ("CON", "_CON"),
    ("con.txt", "_con.txt"),
    ("CON.tar.gz", "_CON.tar.gz"),
    ("NUL", "_NUL"),
    ("com1.log", "_com1.log"),
    ("LPT9", "_LPT9"),
    ("aux .txt", "_aux .txt"),
    ("console.txt", "console.txt"),
    ("COM10.txt", "COM10.txt"),
    ("invoice\u202efdp.exe", "invoicefdp.exe"),
    ("a\u2066b\u2069c\u200e\u200f.txt", "abc.txt"),
    ("bad\x07name\x1b.txt", "badname.txt"),
    ("nul\x00byte.txt", "nulbyte.txt"),
    ("line\r\nbreak.txt", "line break.txt"),
    ("trailing. . ", "trailing"),
    ("name.txt...", "name.txt"),
    ("what?<>|*:\".txt", "what.txt"),
    ("", "attachment"),
    ("   ", "attachment"),
])
def test_sanitize_filename(name: str, safe: str) -> None:
    assert sanitize_filename(name) == safe


def test_empty_name_gets_the_fallback_and_an_extension_from_the_type() -> None:
    assert sanitize_filename("", "photo", "image/png") == "photo.png"
    assert sanitize_filename("../", "document", "application/pdf") == "document.pdf"
    assert sanitize_filename("", "forwarded", "message/rfc822") == "forwarded.eml"
    assert sanitize_filename("", "data", "application/x-unknown-thing") == "data"
    assert sanitize_filename("", "../CON") == "_CON"  # the fallback is sanitized too


def test_long_names_are_cut_and_keep_their_extension() -> None:
    long_name = "长" * 300 + ".pdf"
    safe = sanitize_filename(long_name)
    assert safe.endswith("长.pdf")
    assert len(safe.encode("utf-8")) <= MAX_FILENAME_BYTES
    ascii_name = sanitize_filename("a" * 1000 + ".tar.gz")
    assert ascii_name.endswith(".gz") and len(ascii_name) <= MAX_FILENAME_BYTES


def test_unique_path_never_returns_an_existing_file(tmp_path: Path) -> None:
    first = unique_path(tmp_path, "report.pdf")
    assert first == tmp_path / "report.pdf"
    first.write_bytes(b"1")
    second = unique_path(tmp_path, "report.pdf")
    assert second == tmp_path / "report (2).pdf"
    second.write_bytes(b"2")
    assert unique_path(tmp_path, "report.pdf") == tmp_path / "report (3).pdf"
    (tmp_path / "README").write_bytes(b"")
    assert unique_path(tmp_path, "README") == tmp_path / "README (2)"


def test_unique_path_sanitizes_and_stays_inside_the_directory(tmp_path: Path) -> None:
    path = unique_path(tmp_path, "../../etc/passwd")
    assert path.parent == tmp_path and path.name == "passwd"


def test_unique_path_counts_a_dangling_symlink_as_taken(tmp_path: Path) -> None:
    (tmp_path / "link.txt").symlink_to(tmp_path / "missing-target")
    assert unique_path(tmp_path, "link.txt") == tmp_path / "link (2).txt"


def test_unique_path_with_a_maximal_name_still_finds_a_free_one(tmp_path: Path) -> None:
    name = "x" * 400 + ".bin"
    taken = unique_path(tmp_path, name)
    taken.write_bytes(b"")
    other = unique_path(tmp_path, name)
    assert other != taken and not other.exists()
    assert other.name.endswith(" (2).bin")
