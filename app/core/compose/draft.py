"""What the user writes: sender, recipients, subject, body, attachments and the thread it belongs to.

Plain data: the compose window edits one, the CLI fills one from its options, and
:func:`app.core.compose.build.build_message` turns it into MIME.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class DraftAttachment:
    """A file to attach, held in memory (mail caps messages at tens of megabytes)."""

    filename: str
    data: bytes
    #: Empty: guessed from the file name (application/octet-stream when unknown).
    content_type: str = ""
    #: For an image the HTML shows as ``cid:<content_id>`` (a pasted image): sent inline beside
    #: the HTML (multipart/related), not as an attachment. Without <>.
    content_id: str = ""

    @property
    def mime_type(self) -> str:
        if self.content_type:
            return self.content_type
        guessed, _ = mimetypes.guess_type(self.filename, strict=False)
        return guessed or "application/octet-stream"

    @classmethod
    def from_path(cls, path: Path) -> DraftAttachment:
        return cls(filename=path.name, data=path.read_bytes())


@dataclass
class Draft:
    """A message being written. Addresses are as typed: ``"Name <a@b>"`` or ``"a@b"``."""

    from_address: str = ""
    from_name: str = ""
    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    #: Envelope recipients only: never in the bytes that are sent (kept in a saved draft).
    bcc: list[str] = field(default_factory=list)
    subject: str = ""
    text: str = ""
    #: Rich text; the plain ``text`` goes beside it as the alternative.
    html: str | None = None
    #: Send the plain text as format=flowed (RFC 3676): long lines rewrap on the reader's screen.
    flowed: bool = False
    attachments: list[DraftAttachment] = field(default_factory=list)
    #: A whole stored message forwarded as an attachment (message/rfc822), byte-exact.
    forwarded: bytes | None = None
    forwarded_name: str = "forwarded.eml"
    #: The Message-ID (with <>) this replies to, and the thread's References.
    in_reply_to: str = ""
    references: list[str] = field(default_factory=list)
