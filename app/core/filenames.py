"""Attachment file names made safe to save: the sender chooses them, so they are hostile input.

A name from a message may carry directory parts (``../../etc/passwd``, ``C:\\evil``), names that
Windows reserves for devices (``CON.txt`` opens the console), control characters, or bidi overrides
that make ``invoice<U+202E>fdp.exe`` read as ``invoiceexe.pdf``. :func:`sanitize_filename` keeps
what a person would recognise and drops the rest; :func:`unique_path` picks a name that does not
overwrite anything (for Save All; a single Save still asks the user before replacing a file).
"""

from __future__ import annotations

import mimetypes
import re
import unicodedata
from pathlib import Path

#: Device names Windows reserves in every directory, with or without an extension.
_RESERVED_WINDOWS_NAMES = frozenset(
    ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"]
    + [f"COM{number}" for number in range(10)] + [f"LPT{number}" for number in range(10)]
    + ["COM¹", "COM²", "COM³", "LPT¹", "LPT²", "LPT³"])
#: Characters that change text direction or are invisible marks: they disguise extensions.
_BIDI_AND_INVISIBLE = frozenset(
    "\u200b\u200c\u200d\u200e\u200f\u061c\u2028\u2029\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff")
#: Characters Windows refuses in file names (and the path separators of every system).
_FORBIDDEN = frozenset('<>:"/\\|?*')
#: Most file systems cap a name at 255 bytes; stay well under it in UTF-8.
MAX_FILENAME_BYTES = 200
_MAX_EXTENSION_CHARACTERS = 16


def _is_unsafe_character(character: str) -> bool:
    if character in _BIDI_AND_INVISIBLE or character in _FORBIDDEN:
        return True
    category = unicodedata.category(character)
    # Cc: control characters (NUL, ESC, DEL...); Cf: format characters (bidi, zero width); Cs: lone
    # surrogates from undecodable bytes, which no file system accepts.
    return category in ("Cc", "Cf", "Cs", "Zl", "Zp")


def _truncate_utf8(text: str, limit: int) -> str:
    encoded = text.encode("utf-8")
    if len(encoded) <= limit:
        return text
    return encoded[:limit].decode("utf-8", "ignore")


def extension_for(content_type: str) -> str:
    """A usual extension (with the dot) for a MIME type, or "" when none is known."""
    content_type = content_type.lower().strip()
    common = {"text/plain": ".txt", "text/html": ".html", "image/jpeg": ".jpg", "message/rfc822": ".eml",
              "application/octet-stream": ".bin", "image/png": ".png", "application/pdf": ".pdf"}
    if content_type in common:
        return common[content_type]
    return mimetypes.guess_extension(content_type, strict=False) or ""


def sanitize_filename(name: str, fallback: str = "attachment", content_type: str | None = None) -> str:
    """A single safe file name from an untrusted one; never empty, never a path, never raises.

    Only the last path component is kept (both ``/`` and ``\\`` separate), unsafe characters are
    dropped, leading dots and trailing dots/spaces removed, reserved device names prefixed with an
    underscore, and the length capped with the extension kept. An empty result becomes ``fallback``
    with an extension guessed from ``content_type`` when one is given.
    """
    try:
        text = unicodedata.normalize("NFC", str(name))
    except (TypeError, ValueError):
        text = ""
    # Keep the last component: a sender's folder layout means nothing here.
    text = re.split(r"[/\\]", text)[-1]
    text = "".join(" " if character in "\t\r\n" else character for character in text
                   if character in "\t\r\n" or not _is_unsafe_character(character))
    text = re.sub(r"\s+", " ", text).strip(" .")
    text = text.lstrip(". ")
    if not text:
        fallback_name = sanitize_filename(fallback, "attachment") if fallback != name else "attachment"
        extension = extension_for(content_type) if content_type else ""
        text = fallback_name if fallback_name.lower().endswith(extension) else fallback_name + extension
    stem, dot, extension = text.rpartition(".")
    if not dot or not stem or len(extension) > _MAX_EXTENSION_CHARACTERS:
        stem, extension = text, ""
    if stem.split(".")[0].strip().upper() in _RESERVED_WINDOWS_NAMES:
        stem = "_" + stem
    if len((stem + "." + extension).encode("utf-8")) > MAX_FILENAME_BYTES:
        room = MAX_FILENAME_BYTES - len(extension.encode("utf-8")) - 1
        stem = _truncate_utf8(stem, room).rstrip(" .") or "attachment"
    result = f"{stem}.{extension}" if extension else stem
    return result.rstrip(" .") or "attachment"


def unique_path(directory: Path, filename: str) -> Path:
    """``directory/filename``, or ``name (2).ext``, ``name (3).ext``... whichever does not exist yet."""
    safe = sanitize_filename(filename)
    candidate = directory / safe
    if not candidate.exists() and not candidate.is_symlink():
        return candidate
    stem, dot, extension = safe.rpartition(".")
    if not dot or not stem:
        stem, extension = safe, ""
    number = 2
    while True:
        suffix = f" ({number})"
        room = MAX_FILENAME_BYTES - len(suffix) - (len(extension.encode("utf-8")) + 1 if extension else 0)
        numbered = _truncate_utf8(stem, room) + suffix + (f".{extension}" if extension else "")
        candidate = directory / sanitize_filename(numbered)
        if not candidate.exists() and not candidate.is_symlink():
            return candidate
        number += 1
