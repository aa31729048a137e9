"""The server side of XOAUTH2 and OAUTHBEARER (RFC 7628) for the fake POP3 server.

Kept apart from ``pop3_server.py`` so that the fake SMTP server can use the same parsing. A
server is given a *token checker*: a function of (user, token) that returns None to accept, or the
RFC 7628 status to refuse with ("invalid_token", "insufficient_scope", Google's "401", ...).
The mock authorization server's :meth:`~tests.fakes.oauth_server.MockAuthorizationServer.check`
is one, so a fake server accepts exactly the tokens that server issued and has not revoked.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

TokenChecker = Callable[[str, str], "str | None"]

OAUTH_MECHANISMS = ("XOAUTH2", "OAUTHBEARER")


@dataclass(frozen=True)
class BearerLogin:
    user: str
    token: str


def parse_bearer_message(mechanism: str, payload: bytes) -> BearerLogin | None:
    """The user and token of an XOAUTH2 or OAUTHBEARER client response, or None if malformed."""
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not text.endswith("\x01\x01"):
        return None
    fields = text[:-2].split("\x01")
    user = ""
    if mechanism == "OAUTHBEARER":
        # GS2 header: "n,a=user," (RFC 5801 section 4), then key=value pairs.
        header, fields = fields[0], fields[1:]
        flag, _, rest = header.partition(",")
        authzid, _, tail = rest.partition(",")
        if flag not in ("n", "y") or tail or not authzid.startswith("a="):
            return None
        user = authzid[2:].replace("=2C", ",").replace("=3D", "=")
    pairs = dict(field.partition("=")[::2] for field in fields if field)
    if mechanism == "XOAUTH2":
        user = pairs.get("user", "")
    auth = pairs.get("auth", "")
    if not user or not auth.startswith("Bearer "):
        return None
    return BearerLogin(user, auth[len("Bearer "):])


def error_challenge(status: str, scope: str) -> bytes:
    """The JSON a server sends before refusing a token (RFC 7628 section 3.2.2), before base64."""
    return json.dumps({"status": status, "schemes": "bearer", "scope": scope}).encode()
