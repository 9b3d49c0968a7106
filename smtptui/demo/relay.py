"""Loopback SMTP relays built on aiosmtpd: the demo's relays, and the tests' and
benchmarks' well-behaved servers.

A :class:`Relay` listens on 127.0.0.1 (ephemeral port by default) in the running event
loop, offers STARTTLS or implicit TLS with a given certificate, AUTH PLAIN / LOGIN /
CRAM-MD5 / XOAUTH2 / OAUTHBEARER against fixed users, and keeps a log of the commands
it received (never the credentials) and of the messages it accepted.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import logging
import secrets
import ssl
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

# aiosmtpd logs every connection, a deprecation note per AUTH, and a traceback whenever a
# client drops a TLS session (as the probe's certificate check does). A relay that exists
# to be probed keeps quiet.
_log = logging.getLogger("mail.log")
_log.addHandler(logging.NullHandler())
_log.propagate = False
_log.setLevel(logging.CRITICAL)


@dataclass
class RelayOptions:
    hostname: str = "relay.test"
    banner: str = "ESMTP smtptui test relay"
    users: dict[str, str] = field(default_factory=dict)
    """username -> password (PLAIN, LOGIN, CRAM-MD5)."""
    tokens: dict[str, str] = field(default_factory=dict)
    """username -> OAuth bearer token (XOAUTH2, OAUTHBEARER)."""
    token_check: Callable[[str, str], dict[str, str] | None] | None = None
    """(username, token) -> None to accept, else the error challenge to send; asked
    instead of ``tokens`` (an authorization server deciding which tokens are live)."""
    starttls: ssl.SSLContext | None = None
    implicit_tls: ssl.SSLContext | None = None
    auth_mechanisms: tuple[str, ...] = ("PLAIN", "LOGIN")
    extensions: tuple[str, ...] = ("PIPELINING", "ENHANCEDSTATUSCODES", "SMTPUTF8")
    size: int = 10 * 1024 * 1024
    greeting_delay: float = 0.0
    auth_fail_reply: str = "535 5.7.8 Authentication credentials invalid"
    rcpt_replies: dict[str, str] = field(default_factory=dict)
    """recipient -> reply for RCPT TO (e.g. "550 5.1.1 No such user")."""
    require_auth: bool = True


@dataclass
class LogEntry:
    t: float
    peer: str
    verb: str
    arg: str = ""


class Relay:
    """One loopback relay. ``await relay.start()``; ``await relay.stop()``."""

    def __init__(self, options: RelayOptions | None = None) -> None:
        self.options = options or RelayOptions()
        self.server: asyncio.base_events.Server | None = None
        self.port = 0
        self.host = "127.0.0.1"
        self.log: list[LogEntry] = []
        self.logged = asyncio.Event()
        """Set whenever a line is logged (on the relay's loop): clear it, await the next."""
        self.messages: list[Envelope] = []
        self.active = 0
        self.max_active = 0
        self.connections = 0
        self._transports: set[asyncio.BaseTransport] = set()

    @property
    def verbs(self) -> list[str]:
        return [e.verb for e in self.log]

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> Relay:
        loop = asyncio.get_running_loop()
        self.server = await loop.create_server(
            self._protocol, host, port, ssl=self.options.implicit_tls, reuse_address=True
        )
        self.host = host
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()
            for transport in list(self._transports):
                cast(asyncio.Transport, transport).abort()
            await self.server.wait_closed()
            self.server = None

    async def __aenter__(self) -> Relay:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def _protocol(self) -> _RelaySMTP:
        opts = self.options
        mechs = {"PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2", "OAUTHBEARER"}
        with warnings.catch_warnings():
            # "Requiring AUTH while not requiring TLS": true for implicit TLS, where
            # aiosmtpd cannot see that the whole connection is already encrypted.
            warnings.simplefilter("ignore", UserWarning)
            return self._make_protocol(opts, mechs)

    def _make_protocol(self, opts: RelayOptions, mechs: set[str]) -> _RelaySMTP:
        return _RelaySMTP(
            self,
            _Handler(self),
            hostname=opts.hostname,
            ident=opts.banner,
            tls_context=opts.starttls,
            data_size_limit=opts.size,
            enable_SMTPUTF8="SMTPUTF8" in opts.extensions,
            authenticator=self._authenticate,
            auth_require_tls=opts.implicit_tls is None,
            auth_required=opts.require_auth and bool(opts.users or opts.tokens
                                                     or opts.token_check),
            auth_exclude_mechanism=sorted(mechs - set(opts.auth_mechanisms)),
        )

    def _authenticate(self, server: SMTP, session: Session, envelope: Envelope,
                      mechanism: str, auth_data: Any) -> AuthResult:
        if isinstance(auth_data, LoginPassword):
            user = auth_data.login.decode()
            ok = self.options.users.get(user) == auth_data.password.decode()
            if ok:
                return AuthResult(success=True, auth_data=user)
        return AuthResult(success=False, handled=False, message=self.options.auth_fail_reply)

    def record(self, peer: Any, verb: str, arg: str = "") -> None:
        self.log.append(LogEntry(time.monotonic(), str(peer), verb, arg))
        self.logged.set()


class _RelaySMTP(SMTP):
    """aiosmtpd's SMTP with a command log, connection counting and a greeting delay."""

    def __init__(self, relay: Relay, handler: Any, **kwargs: Any) -> None:
        super().__init__(handler, **kwargs)
        self._relay = relay
        self._counted = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        if not self._counted:
            self._counted = True
            relay = self._relay
            relay.active += 1
            relay.connections += 1
            relay.max_active = max(relay.max_active, relay.active)
            relay.record(transport.get_extra_info("peername"), "CONNECT")
            relay._transports.add(transport)
            self._raw_transport = transport
        super().connection_made(transport)

    def _release(self) -> None:
        """The session is over for counting purposes (at QUIT, or when the socket goes)."""
        if self._counted:
            self._counted = False
            self._relay.active -= 1

    def connection_lost(self, error: Exception | None) -> None:
        self._release()
        if getattr(self, "_raw_transport", None) is not None:
            self._relay._transports.discard(self._raw_transport)
        super().connection_lost(error)

    async def _handle_client(self) -> None:
        delay = self._relay.options.greeting_delay
        if delay:
            await asyncio.sleep(delay)  # a tarpitting server (not a test wait)
        await super()._handle_client()

    def _log(self, verb: str, arg: str = "") -> None:
        peer = self.session.peer if self.session else None
        self._relay.record(peer, verb, arg)

    async def smtp_EHLO(self, hostname: str) -> None:
        self._log("EHLO", hostname)
        await super().smtp_EHLO(hostname)

    async def smtp_HELO(self, hostname: str) -> None:
        self._log("HELO", hostname)
        await super().smtp_HELO(hostname)

    async def smtp_STARTTLS(self, arg: str) -> None:
        self._log("STARTTLS")
        await super().smtp_STARTTLS(arg)

    async def smtp_AUTH(self, arg: str) -> None:
        self._log("AUTH", arg.split(" ", 1)[0] if arg else "")  # mechanism only
        await super().smtp_AUTH(arg)

    async def smtp_MAIL(self, arg: str) -> None:
        self._log("MAIL", arg)
        await super().smtp_MAIL(arg)

    async def smtp_RCPT(self, arg: str) -> None:
        self._log("RCPT", arg)
        await super().smtp_RCPT(arg)

    async def smtp_DATA(self, arg: str) -> None:
        self._log("DATA")
        await super().smtp_DATA(arg)

    async def smtp_RSET(self, arg: str) -> None:
        self._log("RSET")
        await super().smtp_RSET(arg)

    async def smtp_QUIT(self, arg: str) -> None:
        self._log("QUIT")
        self._release()
        await super().smtp_QUIT(arg)


class _Handler:
    """aiosmtpd handler: extension list, RCPT policy, message capture, extra mechanisms."""

    def __init__(self, relay: Relay) -> None:
        self.relay = relay

    async def handle_EHLO(self, server: SMTP, session: Session, envelope: Envelope,
                          hostname: str, responses: list[str]) -> list[str]:
        session.host_name = hostname
        body = [r[4:] for r in responses[1:] if r != "250 HELP"]
        body += [e for e in self.relay.options.extensions if e not in body and e != "SMTPUTF8"]
        lines = [responses[0]] + [f"250-{b}" for b in body]
        lines[-1] = "250 " + lines[-1][4:]
        return lines

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope,
                          address: str, rcpt_options: list[str]) -> str:
        reply = self.relay.options.rcpt_replies.get(address)
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.relay.messages.append(envelope)
        return f"250 2.0.0 OK queued as {secrets.token_hex(6)}"

    # -- extra SASL mechanisms (aiosmtpd maps auth_CRAM__MD5 to "CRAM-MD5") -----------
    async def auth_CRAM__MD5(self, server: SMTP, args: list[str]) -> AuthResult:
        challenge = f"<{secrets.token_hex(8)}.{int(time.time())}@{self.relay.options.hostname}>"
        response = await server.challenge_auth(challenge)
        if not isinstance(response, bytes):
            return AuthResult(success=False, handled=True)
        user, _, digest = response.decode(errors="replace").partition(" ")
        password = self.relay.options.users.get(user)
        if password is not None:
            expected = hmac.new(password.encode(), challenge.encode(), hashlib.md5).hexdigest()
            if hmac.compare_digest(expected, digest):
                return AuthResult(success=True, auth_data=user)
        return AuthResult(success=False, handled=False, message=self.relay.options.auth_fail_reply)

    async def _oauth(self, server: SMTP, args: list[str], mech: str) -> AuthResult:
        raw = base64.b64decode(args[1]) if len(args) > 1 else b""
        fields = dict(
            part.split("=", 1) for part in raw.decode(errors="replace").split("\x01")
            if "=" in part
        )
        user = fields.get("user", "")
        if mech == "OAUTHBEARER":
            gs2 = raw.decode(errors="replace").split("\x01", 1)[0]
            user = next((p[2:] for p in gs2.split(",") if p.startswith("a=")), "")
        token = fields.get("auth", "").removeprefix("Bearer ")
        check = self.relay.options.token_check
        error: dict[str, str] | None = {"status": "401", "schemes": "bearer",
                                        "scope": "https://mail.example.test/"}
        if check is not None:
            error = check(user, token) if token else error
        elif token and self.relay.options.tokens.get(user) == token:
            error = None
        if error is None:
            return AuthResult(success=True, auth_data=user)
        await server.challenge_auth(json.dumps(error))
        return AuthResult(success=False, handled=False,
                          message="535 5.7.8 Username and Password not accepted")

    async def auth_XOAUTH2(self, server: SMTP, args: list[str]) -> AuthResult:
        return await self._oauth(server, args, "XOAUTH2")

    async def auth_OAUTHBEARER(self, server: SMTP, args: list[str]) -> AuthResult:
        return await self._oauth(server, args, "OAUTHBEARER")
