"""The SASL messages of OAuth2 logins, shared by POP3 and (later) SMTP: pure, no I/O.

Two mechanisms carry an access token: Google's XOAUTH2 (the one Microsoft documents for POP3,
IMAP and SMTP too) and the standard OAUTHBEARER (RFC 7628). Both fail the same way: the server
sends a challenge holding a base64 JSON error, the client answers it with a dummy response (an
empty line for XOAUTH2, a single 0x01 byte for OAUTHBEARER, RFC 7628 section 3.2.3) and the
server ends the exchange with its failure reply. :func:`failure_from_challenge` turns that JSON
into the error vocabulary: an expired or invalid token (refresh it and try once more) is not a
revoked or too narrow grant (only a new sign-in helps).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from app.core.errors import AuthError, SignInAgain, TokenRejected

#: The dummy response to an error challenge (RFC 7628 section 3.2.3: "%x01").
OAUTHBEARER_ERROR_ACK = b"\x01"
#: XOAUTH2's answer to its error challenge: an empty response.
XOAUTH2_ERROR_ACK = b""


def xoauth2_message(user: str, token: str) -> bytes:
    """``user=USER ^A auth=Bearer TOKEN ^A ^A``, before base64 (Google's XOAUTH2 protocol)."""
    return f"user={user}\x01auth=Bearer {token}\x01\x01".encode()


def oauthbearer_message(user: str, token: str) -> bytes:
    """The RFC 7628 initial client response: a GS2 header naming the user, then the token.

    ``host`` and ``port`` are optional in the RFC and left out: the token is what servers check.
    The user's "," and "=" are escaped as RFC 5801 section 4 asks.
    """
    escaped = user.replace("=", "=3D").replace(",", "=2C")
    return f"n,a={escaped},\x01auth=Bearer {token}\x01\x01".encode()


@dataclass(frozen=True)
class OAuthFailure:
    """The JSON a server sends when it refuses a token (RFC 7628 section 3.2.2)."""

    #: "invalid_token", "insufficient_scope", "invalid_request", or Google's "400"/"401".
    status: str
    #: The scope the server wanted, when it said.
    scope: str = ""


def parse_failure(challenge: bytes) -> OAuthFailure | None:
    """The failure a server's (already base64-decoded) challenge describes, or None when it is not
    the JSON error object (a server may send anything)."""
    try:
        data = json.loads(challenge.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(data, dict) or "status" not in data:
        return None
    scope = data.get("scope", "")
    return OAuthFailure(status=str(data["status"]), scope=scope if isinstance(scope, str) else "")


def failure_error(failure: OAuthFailure | None, server_text: str) -> AuthError:
    """The vocabulary's error for a refused token.

    No JSON at all (Microsoft ends with a bare "-ERR Authentication failure") is treated as an
    expired or invalid token: refreshing once costs one request and is what fixes it most often.
    """
    status = failure.status.lower() if failure else "invalid_token"
    if status in ("insufficient_scope", "403"):
        wanted = f" (it needs {failure.scope})" if failure and failure.scope else ""
        return SignInAgain(f"the sign-in does not allow this account's mail to be read{wanted}: "
                           "sign in again and allow mail access", server_text=server_text)
    if status in ("invalid_request", "400"):
        return AuthError("the server refused the OAuth2 login as malformed: check the user name "
                         "(the full e-mail address)", server_text=server_text)
    return TokenRejected("the server refused the access token: it has expired or is not valid",
                         server_text=server_text)
