"""Signing in: the authorization code flow with PKCE through the system browser, and the device
code flow for a machine without one.

The browser flow (RFC 8252, native apps) opens the provider's page in the user's own browser,
never in an embedded web view (Google refuses sign-in there, and the user's password would pass
through Poplark), and waits for the redirect on a one-shot HTTP listener bound to 127.0.0.1 on a
port the kernel picks. PKCE (RFC 7636, S256) and a random ``state`` make a stolen redirect useless.
The device flow (RFC 8628) shows a code to type on another device's browser and polls.

One implementation for the command line and the GUI: QtNetworkAuth would need Qt in the CLI. The
GUI runs :func:`sign_in_with_browser` on a worker thread; ``cancel`` stops the wait.
"""

from __future__ import annotations

import base64
import hashlib
import http.server
import secrets
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass

from app.core.cancel import CancelToken
from app.core.errors import AuthError, Cancelled, ConfigError
from app.core.oauth.http import OAuthHttpError, check_url, post_form
from app.core.oauth.tokens import Grant, OAuthClient, grant_from, request_tokens, token_error

#: How long the user has to finish signing in, in the browser or on the other device.
SIGN_IN_TIMEOUT_SECONDS = 600.0
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"

_DONE_PAGE = (b"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Poplark</title></head><body>"
              b"<p>%s</p></body></html>")


@dataclass(frozen=True)
class Pkce:
    verifier: str
    challenge: str

    @classmethod
    def new(cls) -> Pkce:
        # RFC 7636 section 4.1: 43 to 128 characters of the unreserved set; 64 random bytes.
        verifier = base64.urlsafe_b64encode(secrets.token_bytes(64)).rstrip(b"=").decode("ascii")
        digest = hashlib.sha256(verifier.encode("ascii")).digest()
        return cls(verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii"))


class _Redirect(http.server.BaseHTTPRequestHandler):
    """Takes the one redirect; anything else (a favicon) gets 404."""

    server: _Listener

    def do_GET(self) -> None:
        parts = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(parts.query))
        # The redirect URI has no path ("http://127.0.0.1:port", as registered); a browser asks
        # for "/", a plainer client for "".
        if parts.path not in ("", "/") or not ({"code", "error"} & query.keys()) or self.server.result is not None:
            self.send_error(404)
            return
        self.server.result = query
        ok = "code" in query and query.get("state") == self.server.state
        text = (b"Signed in. You can close this page and return to Poplark." if ok else
                b"Sign-in did not finish. Return to Poplark to see why.")
        page = _DONE_PAGE % text
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(page)))
        self.end_headers()
        self.wfile.write(page)
        self.server.arrived.set()

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Listener(http.server.HTTPServer):
    def __init__(self, state: str) -> None:
        super().__init__(("127.0.0.1", 0), _Redirect)
        self.state = state
        self.result: dict[str, str] | None = None
        self.arrived = threading.Event()


def authorization_url(client: OAuthClient, redirect_uri: str, state: str, pkce: Pkce,
                      login_hint: str = "") -> str:
    provider = client.provider
    query = {"response_type": "code", "client_id": client.client_id, "redirect_uri": redirect_uri,
             "scope": " ".join(provider.scopes), "state": state, "code_challenge": pkce.challenge,
             "code_challenge_method": "S256", **provider.authorization_parameters}
    if login_hint:
        query["login_hint"] = login_hint
    return provider.authorization_endpoint + "?" + urllib.parse.urlencode(query)


def sign_in_with_browser(client: OAuthClient, *, open_url: Callable[[str], object],
                         login_hint: str = "", cancel: CancelToken | None = None,
                         timeout: float = SIGN_IN_TIMEOUT_SECONDS) -> Grant:
    """Open the provider's sign-in page with ``open_url`` (the system browser, or the test's
    driver) and wait for the redirect to 127.0.0.1; exchange the code for tokens."""
    check_url(client.provider.authorization_endpoint)
    pkce, state = Pkce.new(), secrets.token_urlsafe(24)
    listener = _Listener(state)
    thread = threading.Thread(target=listener.serve_forever, kwargs={"poll_interval": 0.1},
                              name="oauth-redirect", daemon=True)
    thread.start()
    try:
        redirect_uri = f"http://{client.provider.redirect_host}:{listener.server_address[1]}"
        open_url(authorization_url(client, redirect_uri, state, pkce, login_hint))
        deadline = time.monotonic() + timeout
        while not listener.arrived.wait(0.2):
            if cancel is not None and cancel.cancelled:
                raise Cancelled()
            if time.monotonic() > deadline:
                raise AuthError("the sign-in in the browser did not finish in time: sign in again")
    finally:
        listener.shutdown()
        listener.server_close()
        thread.join(5)
    result = listener.result or {}
    if result.get("state") != state:
        raise AuthError("the browser came back from another sign-in than the one Poplark started: "
                        "sign in again")
    if "error" in result:
        if result["error"] == "access_denied":
            raise AuthError("access was not allowed in the browser: sign in again and allow Poplark "
                            "to read mail", server_text=result.get("error_description", ""))
        raise AuthError(f"{client.provider.name} stopped the sign-in ({result['error']})",
                        server_text=result.get("error_description", ""))
    return request_tokens(client, {"grant_type": "authorization_code", "code": result["code"],
                                   "redirect_uri": redirect_uri, "code_verifier": pkce.verifier})


@dataclass(frozen=True)
class DeviceCode:
    """What the user must do on another device."""

    user_code: str
    verification_uri: str
    #: The provider's own sentence ("To sign in, use a web browser to open ..."), when it gives one.
    message: str
    expires_in: float
    interval: float


def sign_in_with_device_code(client: OAuthClient, *, show: Callable[[DeviceCode], None],
                             cancel: CancelToken | None = None,
                             sleep: Callable[[float], None] = time.sleep,
                             clock: Callable[[], float] = time.monotonic) -> Grant:
    """RFC 8628: ask for a code, ``show`` it, poll the token endpoint until the user has signed in."""
    endpoint = client.provider.device_authorization_endpoint
    if not endpoint:
        raise ConfigError(f"{client.provider.name} has no device sign-in for mail: sign in with the "
                          "browser (without --device), or use --oauth2-token-command")
    try:
        reply = post_form(endpoint, {**client.identify(), "scope": " ".join(client.provider.scopes)})
    except OAuthHttpError as error:
        raise token_error(error, client) from None
    # Microsoft says verification_uri; Google's older replies verification_url.
    code = DeviceCode(user_code=str(reply["user_code"]),
                      verification_uri=str(reply.get("verification_uri") or reply.get("verification_url")),
                      message=str(reply.get("message", "")), expires_in=float(reply.get("expires_in", 900)),
                      interval=float(reply.get("interval", 5)))
    device_code = str(reply["device_code"])
    show(code)
    interval, deadline = code.interval, clock() + code.expires_in
    while True:
        if cancel is not None and cancel.cancelled:
            raise Cancelled()
        if clock() > deadline:
            raise AuthError("the code expired before the sign-in was finished: sign in again")
        sleep(interval)
        started = time.time()
        try:
            reply = post_form(client.provider.token_endpoint, {
                **client.identify(), "grant_type": DEVICE_GRANT, "device_code": device_code})
        except OAuthHttpError as error:
            if error.error == "authorization_pending":
                continue
            if error.error == "slow_down":
                interval += 5  # RFC 8628 section 3.5
                continue
            if error.error == "expired_token":
                raise AuthError("the code expired before the sign-in was finished: sign in again") from None
            # Microsoft Entra says authorization_declined where RFC 8628 says access_denied.
            if error.error in ("access_denied", "authorization_declined"):
                raise AuthError("access was not allowed: sign in again and allow Poplark to read mail") from None
            raise token_error(error, client) from None
        return grant_from(reply, started)
