"""A loopback OAuth 2.0 authorization server for the tests (HTTPS, trustme certificate).

Runs in its own thread (``http.server``), so blocking clients (a refresh in a secret
source) and async ones (the sign-in flows) can both talk to it. It implements, for real:

- ``POST /devicecode`` (RFC 8628 device authorization) and the ``device_code`` grant with
  ``authorization_pending``, ``slow_down``, ``expired_token`` and ``access_denied``;
- ``GET /authorize`` answering 302 to the loopback ``redirect_uri`` with a code, and the
  ``authorization_code`` grant that verifies the PKCE S256 challenge (RFC 7636);
- the ``refresh_token`` grant (tokens rotate; revoked ones give ``invalid_grant``);
- ``POST /revoke`` (RFC 7009).

Access tokens are JWT-shaped (claims ``aud``, ``scp``, ``exp``, ``upn``) with a random
signature part; :meth:`AuthServer.check` is what the test relay asks before accepting one.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import ssl
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from tests.conftest import CANARY

AUDIENCE = "https://outlook.office.com"
SMTP_SCOPE = "https://outlook.office.com/SMTP.Send"
CLIENT_ID = "test-client-0001"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt(claims: dict[str, Any]) -> str:
    """A JWT-shaped token; its signature part starts with the canary, so a leak of any
    issued token fails the test (see ``tests/conftest.py``)."""
    head = b64url(json.dumps({"alg": "RS256", "typ": "JWT"}).encode())
    sig = CANARY + b64url(secrets.token_bytes(24))
    return f"{head}.{b64url(json.dumps(claims).encode())}.{sig}"


@dataclass
class Device:
    user_code: str
    scope: str
    expires_at: float
    approved_by: str | None = None
    denied: bool = False
    polls: int = 0
    last_poll: float = 0.0


@dataclass
class Grant:
    user: str
    scope: str
    client_id: str
    redirect_uri: str = ""
    challenge: str = ""
    method: str = ""


@dataclass
class AuthServer:
    """State and knobs; tests change the knobs between steps."""

    user: str = "ops@acme.test"
    """Who "signs in" at the browser or device page."""
    audience: str = AUDIENCE
    access_lifetime: float = 3600.0
    interval: float = 0.01
    device_lifetime: float = 60.0
    pending_polls: int = 2
    """Polls answered authorization_pending before the device sign-in completes."""
    slow_down_polls: int = 0
    """Of those, how many are answered slow_down instead."""
    deny_device: bool = False
    expire_devices: bool = False
    """Answer every device poll with expired_token (the server's clock, not the client's)."""
    refresh_error: tuple[str, str] | None = None
    """(error, error_description) every refresh gets, e.g. an AADSTS code."""
    issue_scope: str | None = None
    """Scope put in issued tokens instead of the requested one (a wrong-scope token)."""
    port: int = 0
    devices: dict[str, Device] = field(default_factory=dict)
    codes: dict[str, Grant] = field(default_factory=dict)
    refresh_tokens: dict[str, Grant] = field(default_factory=dict)
    access_tokens: dict[str, tuple[str, str, float]] = field(default_factory=dict)
    """token -> (user, scope, expires_at)"""
    revoked: set[str] = field(default_factory=set)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def base(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def account_table(self, **extra: Any) -> dict[str, Any]:
        """An ``[oauth.NAME]`` table for this server (generic provider)."""
        table: dict[str, Any] = {
            "provider": "generic", "client_id": CLIENT_ID,
            "authorization_endpoint": f"{self.base}/authorize",
            "device_endpoint": f"{self.base}/devicecode",
            "token_endpoint": f"{self.base}/token",
            "revocation_endpoint": f"{self.base}/revoke",
            "scopes": [SMTP_SCOPE, "offline_access"], "flow": "device"}
        table.update(extra)
        return table

    # -- what the relay asks -----------------------------------------------------------
    def check(self, user: str, token: str) -> dict[str, str] | None:
        """None if ``token`` is a live access token of ``user`` for SMTP; else the
        XOAUTH2 error challenge Microsoft sends."""
        with self.lock:
            found = self.access_tokens.get(token)
        if found is not None:
            owner, scope, expires_at = found
            if owner == user and SMTP_SCOPE in scope.split() and expires_at > time.time():
                return None
        return {"status": "401", "schemes": "bearer", "scope": SMTP_SCOPE}

    # -- issuing -------------------------------------------------------------------------
    def _issue(self, grant: Grant) -> dict[str, Any]:
        scope = self.issue_scope or grant.scope
        now = time.time()
        claims = {"aud": self.audience, "scp": " ".join(
            s.rsplit("/", 1)[-1] for s in scope.split() if s != "offline_access"),
            "upn": self.user if grant.user is None else grant.user,
            "exp": int(now + self.access_lifetime), "iat": int(now)}
        access = jwt(claims)
        out: dict[str, Any] = {"token_type": "Bearer", "access_token": access,
                               "expires_in": self.access_lifetime, "scope": scope}
        with self.lock:
            self.access_tokens[access] = (grant.user, scope, now + self.access_lifetime)
            if "offline_access" in scope.split():
                refresh = f"rt-{CANARY}-{secrets.token_urlsafe(24)}"
                self.refresh_tokens[refresh] = grant
                out["refresh_token"] = refresh
        return out

    def revoke_all(self) -> None:
        with self.lock:
            self.revoked.update(self.refresh_tokens)

    # -- endpoints -----------------------------------------------------------------------
    def handle(self, method: str, path: str, form: dict[str, str]) -> tuple[int, dict[str, Any],
                                                                         dict[str, str]]:
        """(status, JSON body, extra headers)."""
        self.requests.append((path, form))
        if method == "GET" and path == "/authorize":
            return self._authorize(form)
        if method != "POST":
            return 405, {"error": "invalid_request"}, {}
        if path == "/devicecode":
            code = secrets.token_urlsafe(16)
            user_code = secrets.choice("BCDFGHJKLMNPQRSTVWXZ") * 4 + "-" + str(
                secrets.randbelow(9000) + 1000)
            self.devices[code] = Device(user_code, form.get("scope", ""),
                                        time.time() + self.device_lifetime)
            return 200, {"device_code": code, "user_code": user_code,
                         "verification_uri": f"{self.base}/device",
                         "verification_uri_complete": f"{self.base}/device?code={user_code}",
                         "expires_in": self.device_lifetime, "interval": self.interval}, {}
        if path == "/revoke":
            with self.lock:
                self.revoked.add(form.get("token", ""))
            return 200, {}, {}
        if path == "/token":
            return self._token(form)
        return 404, {"error": "not_found"}, {}

    def _authorize(self, q: dict[str, str]) -> tuple[int, dict[str, Any], dict[str, str]]:
        if q.get("client_id") != CLIENT_ID or q.get("response_type") != "code":
            return 400, {"error": "invalid_request"}, {}
        code = "code-" + secrets.token_urlsafe(16)
        self.codes[code] = Grant(self.user, q.get("scope", ""), CLIENT_ID,
                                 q.get("redirect_uri", ""), q.get("code_challenge", ""),
                                 q.get("code_challenge_method", ""))
        location = q["redirect_uri"] + "?" + urlencode({"code": code, "state": q.get("state", "")})
        return 302, {}, {"Location": location}

    def _token(self, f: dict[str, str]) -> tuple[int, dict[str, Any], dict[str, str]]:
        grant_type = f.get("grant_type")
        if f.get("client_id") != CLIENT_ID:
            return 401, {"error": "invalid_client"}, {}
        if grant_type == "authorization_code":
            grant = self.codes.pop(f.get("code", ""), None)
            if grant is None or grant.redirect_uri != f.get("redirect_uri"):
                return 400, {"error": "invalid_grant", "error_description": "bad code"}, {}
            verifier = f.get("code_verifier", "")
            expected = b64url(hashlib.sha256(verifier.encode()).digest())
            if grant.method != "S256" or not verifier or expected != grant.challenge:
                return 400, {"error": "invalid_grant",
                             "error_description": "PKCE verification failed"}, {}
            return 200, self._issue(grant), {}
        if grant_type == "refresh_token":
            if self.refresh_error is not None:
                error, description = self.refresh_error
                return 400, {"error": error, "error_description": description}, {}
            token = f.get("refresh_token", "")
            with self.lock:
                grant = self.refresh_tokens.pop(token, None)  # rotated: one use each
                revoked = token in self.revoked
            if grant is None or revoked:
                return 400, {"error": "invalid_grant",
                             "error_description": "Token has been expired or revoked."}, {}
            return 200, self._issue(grant), {}
        if grant_type == "urn:ietf:params:oauth:grant-type:device_code":
            device = self.devices.get(f.get("device_code", ""))
            if device is None:
                return 400, {"error": "invalid_grant"}, {}
            now = time.time()
            if now > device.expires_at or self.expire_devices:
                return 400, {"error": "expired_token"}, {}
            if self.deny_device:
                return 400, {"error": "access_denied"}, {}
            device.polls += 1
            if device.polls <= self.slow_down_polls:
                return 400, {"error": "slow_down"}, {}
            if device.polls <= self.pending_polls:
                return 400, {"error": "authorization_pending"}, {}
            del self.devices[f["device_code"]]
            return 200, self._issue(Grant(self.user, device.scope, CLIENT_ID)), {}
        return 400, {"error": "unsupported_grant_type"}, {}


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def _reply(self, method: str, form: dict[str, str]) -> None:
        path = urlsplit(self.path).path
        status, body, headers = self.server.state.handle(method, path, form)
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
        self._reply("GET", query)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode()
        form = {k: v[0] for k, v in parse_qs(body).items()}
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Basic "):  # client_secret_basic
            client_id = base64.b64decode(auth[6:]).decode().split(":", 1)[0]
            form.setdefault("client_id", client_id)
        self._reply("POST", form)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    state: AuthServer


def start(ctx: ssl.SSLContext, state: AuthServer | None = None
          ) -> tuple[AuthServer, _HTTPServer, threading.Thread]:
    state = state or AuthServer()
    httpd = _HTTPServer(("127.0.0.1", 0), _Handler)
    httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
    httpd.state = state
    state.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True, name="oauth-server")
    thread.start()
    return state, httpd, thread
