"""Status lines: telling +OK from -ERR and mapping response codes to the error vocabulary.

Response codes come from RFC 2449 section 8 ([IN-USE], [LOGIN-DELAY]) and RFC 3206 ([SYS/TEMP],
[SYS/PERM], [AUTH]).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from app.core.errors import (
    AuthError,
    MailboxBusy,
    PermanentServerError,
    PoplarkError,
    ProtocolError,
    TemporaryServerError,
)

_CODE = re.compile(rb"^\[([A-Za-z0-9/\-]+)\]")


class Status(NamedTuple):
    """One status line. A named tuple, not a dataclass: a fetch makes two per message."""

    ok: bool
    text: str  # the text after +OK / -ERR, decoded for humans
    code: str | None  # a response code such as "IN-USE", upper case


def parse_status(line: bytes) -> Status:
    """Parse one status line (with or without its CRLF). Anything else is a protocol error."""
    stripped = line.rstrip(b"\r\n")
    if stripped.startswith(b"+OK"):
        ok = True
        rest = stripped[3:]
    elif stripped.startswith(b"-ERR"):
        ok = False
        rest = stripped[4:]
    else:
        shown = stripped[:80].decode("ascii", "replace")
        raise ProtocolError(f"the server sent an unexpected reply: {shown!r}")
    rest = rest.lstrip(b" ")
    match = _CODE.match(rest) if rest.startswith(b"[") else None
    code = match.group(1).decode("ascii").upper() if match else None
    return Status(ok, _decode_server_text(rest), code)


def _decode_server_text(raw: bytes) -> str:
    # Server text is ASCII by the RFC, but Chinese providers send GBK or UTF-8 in -ERR lines.
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("gb18030", "replace")


def error_for(status: Status, *, during: str, auth_phase: bool = False,
              auth_resp_code: bool = False) -> PoplarkError:
    """The error to raise for a -ERR reply, chosen by response code, then by phase."""
    code = status.code or ""
    text = status.text
    if code in ("IN-USE", "LOGIN-DELAY"):
        return MailboxBusy(f"the mailbox is busy ({code.lower()}) during {during}", server_text=text)
    if code == "SYS/TEMP":
        return TemporaryServerError(f"temporary server problem during {during}", server_text=text)
    if code == "SYS/PERM":
        return PermanentServerError(f"the server refused {during}", server_text=text)
    if code == "AUTH":
        return AuthError("the server rejected the user name or password", server_text=text)
    if auth_phase:
        # RFC 3206 section 4: a server that advertises AUTH-RESP-CODE marks credential
        # failures with [AUTH]; without it the password is probably fine, so do not ask again.
        if auth_resp_code:
            return TemporaryServerError(f"the server refused {during}", server_text=text)
        return AuthError("the server rejected the user name or password", server_text=text)
    return PermanentServerError(f"the server refused {during}", server_text=text)
