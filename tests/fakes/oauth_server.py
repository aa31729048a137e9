"""A mock OAuth2 authorization server on 127.0.0.1, strict where real ones are.

Endpoints (plain HTTP on loopback, which the client allows only there):

- ``GET /authorize``: checks the client ID, a loopback redirect URI, PKCE with S256 and a state,
  then redirects to the redirect URI with a one-time code (``deny=True`` redirects with
  ``error=access_denied`` instead). A test "is the browser": it opens the URL and follows the
  redirect (:func:`follow_in_browser`).
- ``POST /token``: the authorization_code grant (code, redirect URI and code_verifier checked
  against the challenge), refresh_token (rotating the refresh token when ``rotate`` is set) and
  the device_code grant (authorization_pending until :meth:`approve_device`, slow_down when polled
  faster than the interval).
- ``POST /devicecode``: RFC 8628 device authorization.
- ``POST /revoke``: revokes a refresh token and every access token issued from it.
- ``POST /introspect``: RFC 7662 token introspection, for Dovecot's oauth2 passdb.

Access tokens live ``access_lifetime`` seconds (a few, in tests of expiry). :meth:`check` is a
token checker for the fake POP3 server (``tests/fakes/oauth_sasl.py``).
"""

from __future__ import annotations

import base64
import hashlib
import http.server
import ipaddress
import json
import secrets
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

CLIENT_ID = "poplark-test-client"


@dataclass
class _Token:
    user: str
    expires_at: float
    refresh: str


@dataclass
class _Device:
    user_code: str
    scope: str
    approved_for: str = ""
    #: The error a poll gets once the user declined: RFC 8628's access_denied, or Entra's word.
    denied: str = ""
    last_poll: float = 0.0


@dataclass
class MockAuthorizationServer:
    user: str = "alice"
    client_id: str = CLIENT_ID
    #: Google's desktop clients need a secret at the token endpoint; "" means none is asked.
    client_secret: str = ""
    access_lifetime: float = 3600.0
    scope: str = "https://mail.example/pop offline_access"
    rotate: bool = False
    deny: bool = False
    device_interval: int = 1
    access: dict[str, _Token] = field(default_factory=dict)
    refresh_tokens: dict[str, str] = field(default_factory=dict)  # refresh token -> user
    revoked: set[str] = field(default_factory=set)
    #: Every request as (method, path, form or query fields), for tests to check.
    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    _codes: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # code -> challenge, redirect, user
    _devices: dict[str, _Device] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _http: http.server.ThreadingHTTPServer | None = None

    # -- life --------------------------------------------------------------------------------------

    def start(self) -> MockAuthorizationServer:
        mock = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                mock._handle(self, "GET")

            def do_POST(self) -> None:
                mock._handle(self, "POST")

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._http = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._http.daemon_threads = True
        threading.Thread(target=self._http.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._http is not None:
            self._http.shutdown()
            self._http.server_close()

    def __enter__(self) -> MockAuthorizationServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base(self) -> str:
        assert self._http is not None
        return f"http://127.0.0.1:{self._http.server_address[1]}"

    def provider_entry(self, provider_id: str = "mock", **extra: object) -> dict[str, object]:
        """An entry for the OAuth2 provider table (``POPLARK_OAUTH2_PROVIDERS``)."""
        return {"id": provider_id, "name": "Mock", "issuer": self.base,
                "authorization_endpoint": self.base + "/authorize", "token_endpoint": self.base + "/token",
                "device_authorization_endpoint": self.base + "/devicecode",
                "revocation_endpoint": self.base + "/revoke", "scopes": self.scope.split(),
                "redirect_host": "127.0.0.1", **extra}

    # -- for tests -------------------------------------------------------------------------------

    def check(self, user: str, token: str) -> str | None:
        """A token checker: None for a live token of ``user``, else the RFC 7628 status."""
        with self._lock:
            found = self.access.get(token)
            if found is None or found.user != user or found.expires_at <= time.time():
                return "invalid_token"
            if found.refresh in self.revoked:
                return "invalid_token"
        return None

    def revoke_all(self) -> None:
        with self._lock:
            self.revoked.update(self.refresh_tokens)

    def approve_device(self, user_code: str, user: str | None = None) -> None:
        with self._lock:
            for device in self._devices.values():
                if device.user_code == user_code:
                    device.approved_for = user or self.user
                    return
        raise KeyError(user_code)

    def decline_device(self, user_code: str, error: str = "access_denied") -> None:
        with self._lock:
            for device in self._devices.values():
                if device.user_code == user_code:
                    device.denied = error
                    return
        raise KeyError(user_code)

    def grants(self, grant_type: str) -> int:
        return sum(1 for method, path, fields in self.requests
                   if path == "/token" and fields.get("grant_type") == grant_type)

    # -- the endpoints -----------------------------------------------------------------------------

    def _handle(self, handler: http.server.BaseHTTPRequestHandler, method: str) -> None:
        parts = urllib.parse.urlsplit(handler.path)
        if method == "POST":
            length = int(handler.headers.get("Content-Length", "0"))
            fields = dict(urllib.parse.parse_qsl(handler.rfile.read(length).decode("ascii")))
        else:
            fields = dict(urllib.parse.parse_qsl(parts.query))
        with self._lock:
            self.requests.append((method, parts.path, fields))
        route = {("GET", "/authorize"): self._authorize, ("POST", "/token"): self._token,
                 ("POST", "/devicecode"): self._devicecode, ("POST", "/revoke"): self._revoke,
                 ("POST", "/introspect"): self._introspect}.get((method, parts.path))
        if route is None:
            self._reply(handler, 404, {"error": "not_found"})
            return
        route(handler, fields)

    def _reply(self, handler: http.server.BaseHTTPRequestHandler, status: int, body: dict[str, object]) -> None:
        data = json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def _authorize(self, handler: http.server.BaseHTTPRequestHandler, query: dict[str, str]) -> None:
        redirect = query.get("redirect_uri", "")
        host = urllib.parse.urlsplit(redirect).hostname or ""
        problems = [
            query.get("client_id") != self.client_id and "unknown client",
            query.get("response_type") != "code" and "response_type must be code",
            query.get("code_challenge_method") != "S256" and "PKCE S256 required",
            len(query.get("code_challenge", "")) != 43 and "bad code_challenge",
            not query.get("state") and "state required",
            not (host == "localhost" or _loopback(host)) and "redirect must be loopback",
            set(self.scope.split()) - set(query.get("scope", "").split()) and "scope missing",
        ]
        wrong = [problem for problem in problems if problem]
        if wrong:
            self._reply(handler, 400, {"error": "invalid_request", "error_description": "; ".join(wrong)})
            return
        if self.deny:
            target = {"error": "access_denied", "state": query["state"]}
        else:
            code = secrets.token_urlsafe(16)
            with self._lock:
                self._codes[code] = (query["code_challenge"], redirect, self.user)
            target = {"code": code, "state": query["state"]}
        handler.send_response(302)
        handler.send_header("Location", redirect + "?" + urllib.parse.urlencode(target))
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    def _client_ok(self, fields: dict[str, str]) -> bool:
        return fields.get("client_id") == self.client_id and fields.get("client_secret", "") == self.client_secret

    def _token(self, handler: http.server.BaseHTTPRequestHandler, fields: dict[str, str]) -> None:
        if not self._client_ok(fields):
            self._reply(handler, 401, {"error": "invalid_client", "error_description": "unknown client"})
            return
        grant = fields.get("grant_type")
        user: str | None = None
        refresh = ""
        with self._lock:
            if grant == "authorization_code":
                challenge, redirect, code_user = self._codes.pop(fields.get("code", ""), ("", "", ""))
                verifier = fields.get("code_verifier", "")
                computed = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
                if challenge and redirect == fields.get("redirect_uri") and computed == challenge:
                    user = code_user
            elif grant == "refresh_token":
                refresh = fields.get("refresh_token", "")
                if refresh in self.refresh_tokens and refresh not in self.revoked:
                    user = self.refresh_tokens[refresh]
                    if self.rotate:
                        self.revoked.discard(refresh)
                        del self.refresh_tokens[refresh]
                        refresh = ""
            elif grant == "urn:ietf:params:oauth:grant-type:device_code":
                device = self._devices.get(fields.get("device_code", ""))
                if device is None:
                    self._reply(handler, 400, {"error": "expired_token"})
                    return
                now = time.monotonic()
                too_fast = now - device.last_poll < self.device_interval * 0.9 and device.last_poll
                device.last_poll = now
                if device.denied:
                    self._reply(handler, 400, {"error": device.denied})
                    return
                if not device.approved_for:
                    self._reply(handler, 400, {"error": "slow_down" if too_fast else "authorization_pending"})
                    return
                user = device.approved_for
                del self._devices[fields["device_code"]]
            else:
                self._reply(handler, 400, {"error": "unsupported_grant_type"})
                return
            if user is None:
                self._reply(handler, 400, {"error": "invalid_grant", "error_description": "grant not valid"})
                return
            if not refresh:
                refresh = "rt-" + secrets.token_urlsafe(24)
                self.refresh_tokens[refresh] = user
            access = "at-" + secrets.token_urlsafe(24)
            self.access[access] = _Token(user, time.time() + self.access_lifetime, refresh)
        body: dict[str, object] = {"access_token": access, "token_type": "Bearer",
                                   "expires_in": self.access_lifetime, "scope": self.scope}
        if grant != "refresh_token" or self.rotate:
            body["refresh_token"] = refresh
        self._reply(handler, 200, body)

    def _devicecode(self, handler: http.server.BaseHTTPRequestHandler, fields: dict[str, str]) -> None:
        if fields.get("client_id") != self.client_id:
            self._reply(handler, 400, {"error": "invalid_client"})
            return
        device_code, user_code = secrets.token_urlsafe(24), secrets.token_hex(4).upper()
        with self._lock:
            self._devices[device_code] = _Device(user_code, fields.get("scope", ""))
        self._reply(handler, 200, {"device_code": device_code, "user_code": user_code,
                                   "verification_uri": self.base + "/device", "expires_in": 600,
                                   "interval": self.device_interval,
                                   "message": f"To sign in, open {self.base}/device and enter {user_code}."})

    def _revoke(self, handler: http.server.BaseHTTPRequestHandler, fields: dict[str, str]) -> None:
        with self._lock:
            token = fields.get("token", "")
            if token in self.refresh_tokens:
                self.revoked.add(token)
        self._reply(handler, 200, {})

    def _introspect(self, handler: http.server.BaseHTTPRequestHandler, fields: dict[str, str]) -> None:
        with self._lock:
            found = self.access.get(fields.get("token", ""))
            active = bool(found and found.expires_at > time.time() and found.refresh not in self.revoked)
        body: dict[str, object] = {"active": active}
        if active and found is not None:
            body.update(username=found.user, email=found.user, scope=self.scope)
        self._reply(handler, 200, body)


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def follow_in_browser(url: str) -> bool:
    """What a browser does with the sign-in page here: load it and follow the redirect to Poplark's
    listener on 127.0.0.1. Run on a thread (as ``webbrowser.open`` returns at once)."""
    def visit() -> None:
        with urllib.request.urlopen(url, timeout=10) as response:
            response.read()

    threading.Thread(target=visit, daemon=True).start()
    return True
