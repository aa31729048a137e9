"""The HTTPS requests of OAuth2 (token, device and revocation endpoints), with the standard library.

``urllib.request`` with the default SSL context (certificates and host names verified) is enough
for a few form POSTs a day, and it serves the command line and the GUI alike without Qt (so not
QtNetworkAuth) and without a new dependency. Plain ``http://`` is refused except to a loopback
address (a local authorization server, the tests' mock), as RFC 8252 allows for redirects.
"""

from __future__ import annotations

import ipaddress
import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from app.core.errors import ConfigError, ConnectError, ProtocolError, TemporaryServerError

#: Seconds to wait for an authorization server.
TIMEOUT_SECONDS = 30.0
#: A token reply is a few kilobytes; more is not an authorization server.
MAX_REPLY_BYTES = 1024 * 1024


class OAuthHttpError(Exception):
    """The endpoint answered with an OAuth2 error object (RFC 6749 section 5.2)."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(f"{error}: {description}" if description else error)
        self.status = status
        self.error = error
        self.description = description


def check_url(url: str) -> None:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "https":
        return
    if parts.scheme == "http" and _is_loopback(parts.hostname or ""):
        return
    raise ConfigError(f"the OAuth2 endpoint {url} is not HTTPS: fix the provider table")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def post_form(url: str, fields: dict[str, str], *, timeout: float = TIMEOUT_SECONDS) -> dict[str, Any]:
    """POST ``fields`` form-encoded; the JSON reply. Raises :class:`OAuthHttpError` for an OAuth2
    error reply, ConnectError when the server cannot be reached, TemporaryServerError for a 5xx."""
    check_url(url)
    body = urllib.parse.urlencode(fields).encode("ascii")
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"})
    host = urllib.parse.urlsplit(url).hostname or url
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return _json(response.read(MAX_REPLY_BYTES), host)
    except urllib.error.HTTPError as error:
        data = error.read(MAX_REPLY_BYTES)
        if error.code >= 500:
            raise TemporaryServerError(f"the sign-in server {host} failed (HTTP {error.code})") from None
        try:
            reply = _json(data, host)
        except ProtocolError:
            reply = {}
        raise OAuthHttpError(error.code, str(reply.get("error", f"http_{error.code}")),
                             str(reply.get("error_description", ""))) from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise ConnectError(f"cannot reach the sign-in server {host}: {reason}") from None


def _json(data: bytes, host: str) -> dict[str, Any]:
    try:
        reply = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ProtocolError(f"the sign-in server {host} did not answer with JSON") from None
    if not isinstance(reply, dict):
        raise ProtocolError(f"the sign-in server {host} did not answer with a JSON object")
    return reply
