"""One SMTP session, stage by stage, reporting events through a callback.

Drives aiosmtplib's protocol directly (no ``connect()`` magic) so that every stage —
resolve, connect, TLS, greeting, EHLO, STARTTLS, AUTH, MAIL, RCPT, DATA, QUIT — is
timed, captured and diagnosed on its own. Every stage has a finite deadline (the
stage timeout, capped by what is left of the overall timeout).
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import socket
import ssl
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, cast

from smtptui.diagnose.model import Diagnosis, Fault, Reply
from smtptui.probe import auth as sasl
from smtptui.probe.config import ProbeConfig
from smtptui.probe.events import (
    ProbeEvent,
    ProbeFinished,
    ProbeReport,
    Stage,
    StageFinished,
    StageStarted,
    Status,
    Target,
    TLSInfo,
    WireLine,
)
from smtptui.probe.extensions import auth_mechanisms, changes, parse_ehlo, split_enhanced
from smtptui.probe.sanitize import clean, clean_multiline
from smtptui.probe.tlsinfo import (
    cert_from_der,
    classify,
    inspect,
    make_context,
    tls_warnings,
)
from smtptui.probe.wire import (
    REDACTED,
    CapturingProtocol,
    SMTPResponse,
    SMTPResponseException,
    SMTPServerDisconnected,
)

Emit = Callable[[ProbeEvent], None]

SNIFF_GRACE = 1.0
"""Seconds of silence after connecting before a TLS handshake is tried in parallel."""
SLOW_GREETING_MS = 3000.0
QUIT_TIMEOUT = 5.0
CLOSE_WAIT = 1.0


class StageFailed(Exception):
    """A stage ended in failure; ``kind`` is a fault kind understood by ``diagnose``."""

    def __init__(self, kind: str, detail: str = "", reply: Reply | None = None) -> None:
        super().__init__(kind)
        self.kind = kind
        self.detail = detail
        self.reply = reply


def diagnose(fault: Fault) -> Diagnosis:
    """The rules are only loaded when something needs explaining (not on a clean run)."""
    from smtptui.diagnose import diagnose as rules

    return rules(fault)


def to_reply(resp: SMTPResponse) -> Reply:
    """aiosmtplib's response -> our sanitised reply record with its enhanced code."""
    text = resp.message.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    enhanced, text = split_enhanced(text)
    return Reply(code=resp.code, enhanced=enhanced, text=clean_multiline(text))


class Session:
    """Runs one probe; call :meth:`run` once."""

    def __init__(self, config: ProbeConfig, emit: Emit) -> None:
        self.config = config
        self._emit = emit
        self._t0 = time.perf_counter()
        self._deadline = self._t0 + config.overall_timeout
        self._secrets = [s for s in config.secrets if len(s) >= 3]
        self.transcript: list[WireLine] = []
        self.stages: list[StageFinished] = []
        self.addresses: list[tuple[int, str]] = []
        self.address: str | None = None
        self.sock: socket.socket | None = None
        self.proto: CapturingProtocol | None = None
        self.encrypted = False
        self.in_sync = False
        self.extensions: dict[str, str] = {}
        self.pre_tls_extensions: dict[str, str] | None = None
        self.ehlo_changes: dict[str, list[str]] = {}
        self.tls: TLSInfo | None = None
        self.banner = ""
        self.ehlo_host = ""
        self.accepted_rcpts: list[str] = []
        self.warm_ms: list[float] = []
        # per-stage scratch
        self._replies: list[Reply] = []
        self._warnings: list[tuple[str, str]] = []
        self._note = ""

    # -- plumbing ---------------------------------------------------------------------
    def now_ms(self) -> float:
        return (time.perf_counter() - self._t0) * 1000.0

    def line(self, direction: str, text: str) -> None:
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        wl = WireLine(direction, text, self.now_ms())  # type: ignore[arg-type]
        self.transcript.append(wl)
        self._emit(wl)

    def note(self, text: str) -> None:
        self.line("*", text)

    def reply(self, resp: SMTPResponse) -> Reply:
        rep = to_reply(resp)
        self._replies.append(rep)
        return rep

    def warn(self, kind: str, text: str) -> None:
        self._warnings.append((kind, text))

    @property
    def server_identity(self) -> str:
        return f"{self.banner}\n{self.ehlo_host}"

    def fault(self, kind: str, stage: str, detail: str = "", reply: Reply | None = None) -> Fault:
        return Fault(kind=kind, stage=stage, host=self.config.host, port=self.config.port,
                     tls_mode=self.config.tls, reply=reply, server=self.server_identity,
                     detail=detail)

    async def stage(self, name: Stage, body: Callable[[], Awaitable[Status | None]],
                    timeout: float | None = None) -> bool:
        """Run one stage with its deadline; record and emit its result. True if not failed."""
        self._replies, self._warnings, self._note = [], [], ""
        self._emit(StageStarted(name, self.now_ms()))
        start = time.perf_counter()
        remaining = self._deadline - start
        limit = self.config.timeout if timeout is None else timeout
        budget = min(limit, max(remaining, 0.0))
        status: Status
        diagnosis: Diagnosis | None = None
        try:
            if budget <= 0:
                raise TimeoutError
            async with asyncio.timeout(budget):
                status = await body() or "pass"
        except StageFailed as failed:
            status = "fail"
            diagnosis = self._diagnose_failure(name, failed)
        except TimeoutError:
            status = "fail"
            self.in_sync = False
            overall = budget < limit
            if self.proto:
                self.proto.flush_partial()
            kind = self._timeout_kind(name)
            detail = (f"the whole probe exceeded {self.config.overall_timeout:g} s" if overall
                      else f"no answer within {budget:g} s")
            self.note(f"timeout: {detail}")
            diagnosis = diagnose(self.fault(kind, name, detail))
        except SMTPResponseException as exc:
            status = "fail"
            self.in_sync = False
            if self.proto:
                self.proto.flush_partial()
            text = clean(exc.message)
            kind = "response_too_long" if "too long" in text.lower() else "malformed_reply"
            self.note(f"protocol error: {text}")
            diagnosis = diagnose(self.fault(kind, name, text))
        except (SMTPServerDisconnected, ConnectionError, EOFError) as exc:
            status = "fail"
            self.in_sync = False
            if self.proto:
                self.proto.flush_partial()
            self.note(f"connection closed by the server ({clean(str(exc)) or 'EOF'})")
            diagnosis = diagnose(self.fault("disconnected", name, f"during {name}"))
        except Exception as exc:  # a bug or an unforeseen error: report it, never crash
            status = "fail"
            self.in_sync = False
            detail = clean(f"{type(exc).__name__}: {exc}")
            self.note(f"internal error: {detail}")
            diagnosis = diagnose(self.fault("internal_error", name, detail))
        elapsed = (time.perf_counter() - start) * 1000.0
        if status in ("pass", "warn") and self._warnings:
            status = "warn"
            diagnosis = diagnosis or diagnose(self.fault(self._warnings[0][0], name,
                                                          self._warnings[0][1]))
        result = StageFinished(
            stage=name, status=status, elapsed_ms=elapsed, replies=tuple(self._replies),
            diagnosis=diagnosis, warnings=tuple(w for _k, w in self._warnings), note=self._note,
        )
        self.stages.append(result)
        self._emit(result)
        return status != "fail"

    def _diagnose_failure(self, stage: str, failed: StageFailed) -> Diagnosis:
        return diagnose(self.fault(failed.kind, stage, failed.detail, failed.reply))

    def _timeout_kind(self, stage: str) -> str:
        if stage == "resolve":
            return "dns_timeout"
        if stage == "connect":
            return "connect_timeout"
        if stage == "greeting":
            return "implicit_tls_banner_timeout" if self.encrypted else "greeting_timeout"
        if stage == "tls":
            return "tls_handshake_timeout"
        return "stage_timeout"

    # -- the session ------------------------------------------------------------------
    async def run(self) -> ProbeReport:
        started = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        cfg = self.config
        try:
            await self._run_stages()
        finally:
            await self._close()
        report = ProbeReport(
            target=Target(cfg.host, cfg.port, cfg.tls, cfg.profile, self.address),
            stages=tuple(self.stages), tls=self.tls, extensions=dict(self.extensions),
            transcript=tuple(self.transcript), banner=self.banner, started_at=started,
            total_ms=self.now_ms(), ehlo_changes=self.ehlo_changes, warm_ms=tuple(self.warm_ms),
        )
        self._emit(ProbeFinished(report))
        return report

    async def _run_stages(self) -> None:
        cfg = self.config
        stop = cfg.stop_after
        if not await self.stage("resolve", self._resolve):
            return
        if not await self.stage("connect", self._connect):
            return
        if cfg.tls == "implicit" and not await self.stage("tls", self._implicit_tls):
            return
        if not await self.stage("greeting", self._greeting) or stop == "greeting":
            return await self._quit()
        if not await self.stage("ehlo", self._ehlo):
            return await self._quit()
        if stop == "ehlo":
            return await self._quit()
        if cfg.tls in ("starttls", "opportunistic"):
            if not await self.stage("starttls", self._starttls):
                return await self._quit()
            if self.encrypted and not await self.stage("ehlo", self._ehlo):
                return await self._quit()
        if stop == "tls":
            return await self._quit()
        if not await self.stage("auth", self._auth) or stop == "auth":
            return await self._quit()
        if cfg.mail_from is None:
            return await self._quit()
        if not await self.stage("mail", self._mail) or stop == "mail":
            return await self._quit()
        if not cfg.rcpt_to:
            return await self._quit()
        if not await self.stage("rcpt", self._rcpt) or stop == "rcpt":
            return await self._quit()
        if cfg.send and not await self.stage("data", self._data):
            return await self._quit()
        await self._warm_runs()
        await self._quit()

    async def _warm_runs(self) -> None:
        """Further messages on the open, authenticated connection, timed (not stages)."""
        cfg = self.config
        if not cfg.warm_runs or not self.in_sync or self.proto is None:
            return
        from smtptui.probe.message import test_message

        proto = self.proto
        for run in range(cfg.warm_runs):
            start = time.perf_counter()
            try:
                async with asyncio.timeout(cfg.timeout):
                    replies = [await proto.command(b"RSET")]
                    if cfg.mail_from and self.accepted_rcpts:
                        replies.append(await proto.command(
                            b"MAIL FROM:<" + cfg.mail_from.encode() + b">"))
                        for rcpt in self.accepted_rcpts:
                            replies.append(await proto.command(
                                b"RCPT TO:<" + rcpt.encode() + b">"))
                        if cfg.send:
                            replies.append(await proto.send_data(test_message(
                                cfg.mail_from, self.accepted_rcpts, subject=cfg.subject)))
            except (TimeoutError, SMTPResponseException, SMTPServerDisconnected,
                    ConnectionError):
                self.in_sync = False
                self.note(f"warm run {run + 1} failed; stopping the warm runs")
                return
            if any(r.code >= 400 for r in replies):
                self.note(f"warm run {run + 1} was refused ({to_reply(replies[-1])})")
                return
            self.warm_ms.append((time.perf_counter() - start) * 1000.0)
        self.note("warm runs: " + ", ".join(f"{x:.1f} ms" for x in self.warm_ms))

    # -- stages -----------------------------------------------------------------------
    async def _resolve(self) -> Status:
        from smtptui.probe.resolve import resolve

        host = self.config.host
        try:
            ipaddress.ip_address(host)
        except ValueError:
            pass
        else:
            self.addresses = [(socket.AF_INET6 if ":" in host else socket.AF_INET, host)]
            self._note = "address literal"
            return "pass"
        try:
            self.addresses = await resolve(host, self.config.port, self.config.nameserver)
        except LookupError as exc:
            kind, detail = exc.args if len(exc.args) == 2 else ("dns_error", str(exc))
            self.note(f"DNS: {detail}")
            raise StageFailed(kind, detail) from None
        shown = ", ".join(a for _f, a in self.addresses[:4])
        more = f" (+{len(self.addresses) - 4})" if len(self.addresses) > 4 else ""
        self.note(f"resolved {clean(host)} -> {shown}{more}")
        self._note = f"{len(self.addresses)} address{'es' if len(self.addresses) != 1 else ''}"
        return "pass"

    async def _connect(self) -> Status:
        loop = asyncio.get_running_loop()
        last: tuple[str, str] = ("connect_refused", "")
        for family, addr in self.addresses:
            sock = socket.socket(family, socket.SOCK_STREAM)
            sock.setblocking(False)
            try:
                await loop.sock_connect(sock, (addr, self.config.port))
            except ConnectionRefusedError:
                sock.close()
                last = ("connect_refused", f"{addr} port {self.config.port} refused the connection")
            except OSError as exc:
                sock.close()
                kind = "network_unreachable" if exc.errno in (101, 113) else "connect_reset"
                last = (kind, f"{addr}: {clean(exc.strerror or str(exc))}")
            except BaseException:
                sock.close()
                raise
            else:
                self.sock = sock
                self.address = addr
                local = sock.getsockname()[0]
                self.note(f"connected to {addr} port {self.config.port} (from {local})")
                if self.config.tls != "implicit":
                    await self._attach_plain()
                return "pass"
            self.note(last[1])
        raise StageFailed(*last)

    async def _attach_plain(self) -> None:
        """Hand the connected socket to the capturing protocol without TLS."""
        loop = asyncio.get_running_loop()
        assert self.sock is not None
        sock, self.sock = self.sock, None
        proto = self.proto = CapturingProtocol(loop, self.line)
        try:
            await loop.create_connection(lambda: proto, sock=sock)
        except BaseException:
            sock.close()
            raise

    async def _implicit_tls(self) -> Status:
        loop = asyncio.get_running_loop()
        assert self.sock is not None
        sock, self.sock = self.sock, None
        proto = CapturingProtocol(loop, self.line)
        ctx = make_context(cafile=self.config.cafile, insecure=self.config.insecure)
        try:
            await loop.create_connection(
                lambda: proto, sock=sock, ssl=ctx, server_hostname=self._sni(),
                ssl_handshake_timeout=self.config.timeout,
            )
        except (ssl.SSLError, ConnectionError, OSError) as exc:
            sock.close()
            await self._tls_failed(exc)
        self.proto = proto
        self._tls_established()
        return "pass"

    def _sni(self) -> str:
        return self.config.servername or self.config.host

    def _tls_established(self) -> None:
        assert self.proto is not None and self.proto.transport is not None
        self.encrypted = True
        obj = self.proto.transport.get_extra_info("ssl_object")
        self.tls = inspect(obj, verified=not self.config.insecure)
        self.note(f"TLS established: {self.tls.version}, {self.tls.cipher} ({self.tls.bits} bits)")
        cert = self.tls.cert
        if cert:
            self.note(f"certificate: {cert.subject} issued by {cert.issuer}, "
                      f"expires {cert.not_after} ({cert.days_left} days)")
        for kind, text in tls_warnings(self.tls, insecure=self.config.insecure):
            self.warn(kind, text)
        self._note = self.tls.version

    async def _tls_failed(self, exc: BaseException) -> None:
        """Classify a failed handshake, fetch the certificate for display, raise."""
        self.in_sync = False
        kind, detail = classify(exc)
        self.note(f"TLS handshake failed: {detail}")
        if kind in ("tls_handshake_failed", "tls_protocol_too_old"):
            old = await self._legacy_version()
            if old:
                kind = "tls_protocol_too_old"
                detail = f"the server only offers {old}; TLS 1.2 or newer is required"
                self.note(f"a second handshake allowing old protocols negotiated {old}")
        elif kind not in ("tls_plain_smtp_port", "tls_handshake_timeout"):
            await self._fetch_cert_for_display(detail)
        raise StageFailed(kind, detail)

    async def _legacy_version(self) -> str | None:
        """Does the server speak only TLS 1.0/1.1?  Its version if so, else None."""
        from smtptui.probe.sniff import fetch_certificate

        remaining = min(5.0, self._deadline - time.perf_counter())
        if remaining <= 0 or self.address is None:
            return None
        try:
            info = await asyncio.wait_for(
                fetch_certificate(self.address, self.config.port, self._sni(),
                                  starttls=self.config.tls != "implicit",
                                  ehlo_name=self._ehlo_name(), legacy=True),
                remaining,
            )
        except (TimeoutError, OSError, ssl.SSLError, ValueError):
            return None
        version = info[0] if info else None
        return version if version in ("SSLv3", "TLSv1", "TLSv1.1") else None

    async def _fetch_cert_for_display(self, error: str) -> None:
        """Reconnect without verification to show the certificate that failed."""
        from smtptui.probe.sniff import fetch_certificate

        remaining = min(5.0, self._deadline - time.perf_counter())
        if remaining <= 0 or self.address is None:
            return
        try:
            info = await asyncio.wait_for(
                fetch_certificate(self.address, self.config.port, self._sni(),
                                  starttls=self.config.tls != "implicit",
                                  ehlo_name=self._ehlo_name()),
                remaining,
            )
        except (TimeoutError, OSError, ssl.SSLError, ValueError):
            return
        if info is None:
            return
        version, cipher_bits, der = info
        if der is None:
            return
        cert = cert_from_der(der, verified=False, error=error)
        self.tls = TLSInfo(version=version, cipher=cipher_bits[0], bits=cipher_bits[1], cert=cert)
        self.note(f"certificate (fetched again without verification for display): {cert.subject} "
                  f"issued by {cert.issuer}, valid {cert.not_before} to {cert.not_after}")

    async def _greeting(self) -> Status:
        assert self.proto is not None
        proto = self.proto
        start = time.perf_counter()
        read = asyncio.ensure_future(proto.read_response())
        sniff: asyncio.Future[bool] | None = None
        try:
            if not self.encrypted:
                done, _ = await asyncio.wait({read}, timeout=SNIFF_GRACE)
                if not done and proto.bytes_received == 0:
                    self.note(f"no greeting after {SNIFF_GRACE:g} s; trying a TLS handshake on a "
                              "second connection in case this port speaks implicit TLS")
                    sniff = asyncio.ensure_future(self._sniff_tls())
                    racers: list[asyncio.Future[Any]] = [read, sniff]
                    first, _ = await asyncio.wait(racers, return_when=asyncio.FIRST_COMPLETED)
                    if read not in first and sniff.result() and proto.bytes_received == 0:
                        self.note("the TLS handshake succeeded: this port speaks implicit TLS")
                        raise StageFailed(
                            "greeting_timeout_implicit_tls",
                            f"port {self.config.port} answered a TLS handshake but sent no "
                            "plain-text greeting",
                        )
            resp = await read
        finally:
            for task in (read, sniff):
                if task is not None and not task.done():
                    task.cancel()
                    with contextlib.suppress(BaseException):
                        await task
        rep = self.reply(resp)
        self.banner = rep.text
        if rep.code != 220:
            raise StageFailed("greeting_rejected", str(rep), rep)
        self.in_sync = True
        self._note = rep.first_line[:60]
        if (time.perf_counter() - start) * 1000 > SLOW_GREETING_MS:
            self.warn("slow_greeting", "the greeting took "
                      f"{(time.perf_counter() - start):.1f} s (tarpitting or a slow server)")
        return "pass"

    async def _sniff_tls(self) -> bool:
        from smtptui.probe.sniff import tls_answers

        assert self.address is not None
        return await tls_answers(self.address, self.config.port, self._sni())

    def _ehlo_name(self) -> str:
        if self.config.ehlo_name:
            return self.config.ehlo_name
        name = socket.gethostname()
        if "." in name:
            return name
        return "[127.0.0.1]" if not self.address or ":" in self.address else self._local_literal()

    def _local_literal(self) -> str:
        transport = self.proto.transport if self.proto else None
        peer = transport.get_extra_info("sockname") if transport else None
        if peer:
            host = peer[0]
            return f"[IPv6:{host}]" if ":" in host else f"[{host}]"
        return "[127.0.0.1]"

    async def _ehlo(self) -> Status:
        assert self.proto is not None
        name = self._ehlo_name().encode()
        resp = await self.proto.command(b"EHLO " + name)
        rep = self.reply(resp)
        if rep.code == 421:
            raise StageFailed("greeting_rejected", str(rep), rep)
        if rep.code != 250:
            self.note("EHLO refused; falling back to HELO")
            resp = await self.proto.command(b"HELO " + name)
            rep2 = self.reply(resp)
            if rep2.code != 250:
                raise StageFailed("ehlo_rejected", str(rep2), rep2)
            self.warn("helo_fallback", "the server refused EHLO; HELO worked (no ESMTP "
                      "extensions, so no STARTTLS and no AUTH)")
            self.ehlo_host = rep2.first_line
            self.extensions = {}
            return "warn"
        self.ehlo_host, ext = parse_ehlo(rep.text)
        if self.encrypted and self.pre_tls_extensions is not None:
            self.ehlo_changes = changes(self.pre_tls_extensions, ext)
            if "STARTTLS" in ext:
                self.warn("starttls_still_advertised",
                          "STARTTLS is still advertised after the TLS upgrade")
        elif not self.encrypted:
            self.pre_tls_extensions = ext
            if "AUTH" in ext and self.config.tls != "implicit":
                self.warn("plaintext_auth_offered",
                          "AUTH is offered before encryption: credentials could be sent in clear")
        self.extensions = ext
        if "ENHANCEDSTATUSCODES" not in ext and (self.encrypted or self.config.tls == "none"):
            self.warn("no_enhanced_status_codes", "no ENHANCEDSTATUSCODES: replies carry only "
                      "basic codes, so diagnoses are less precise")
        self._note = f"{len(ext)} extensions"
        return "pass"

    async def _starttls(self) -> Status:
        assert self.proto is not None
        if "STARTTLS" not in self.extensions:
            if self.config.tls == "opportunistic":
                self.warn("starttls_not_offered", "STARTTLS is not offered: the session stays "
                          "unencrypted (opportunistic mode)")
                self._note = "not offered; staying in plain text"
                return "warn"
            raise StageFailed("starttls_not_offered", "the server's EHLO reply has no STARTTLS")
        self.proto.unsolicited = 0
        resp = await self.proto.command(b"STARTTLS")
        rep = self.reply(resp)
        if rep.code != 220:
            raise StageFailed("starttls_rejected", str(rep), rep)
        ctx = make_context(cafile=self.config.cafile, insecure=self.config.insecure)
        try:
            await self.proto.upgrade(ctx, self._sni(), self.config.timeout)
        except (ssl.SSLError, ConnectionError, OSError, TimeoutError) as exc:
            await self._tls_failed(exc)
        if self.proto.early_tls_bytes:
            self.warn("starttls_injection", f"the server sent {self.proto.early_tls_bytes} bytes "
                      "after its 220 and before the TLS handshake; they were discarded")
        self._tls_established()
        return "pass"

    async def _auth(self) -> Status:
        cfg = self.config
        assert self.proto is not None
        has_password = bool(cfg.username and cfg.password)
        has_token = bool(cfg.username and cfg.oauth_token)
        offered = auth_mechanisms(self.extensions)
        if not (has_password or has_token):
            if cfg.username:
                raise StageFailed("auth_no_credentials",
                                  f"a username ({clean(cfg.username)}) but no password or token")
            self._note = "no credentials configured"
            return "skip"
        if not self.encrypted and not (cfg.allow_plaintext_auth and cfg.tls in ("none",
                                                                                "opportunistic")):
            raise StageFailed("auth_plaintext_refused",
                              "the connection is not encrypted; credentials were not sent")
        if "AUTH" not in self.extensions:
            pre = self.pre_tls_extensions or {}
            if not self.encrypted and "STARTTLS" in pre:
                raise StageFailed("auth_only_after_starttls", "AUTH is not offered before STARTTLS")
            raise StageFailed("auth_not_offered", "the server's EHLO reply has no AUTH")
        mech = sasl.choose(cfg.auth, offered, has_password=has_password, has_token=has_token)
        if mech is None:
            wanted = (cfg.auth.upper() if cfg.auth != "auto"
                      else "a mechanism we have credentials for")
            raise StageFailed("auth_mechanism_unsupported",
                              f"wanted {wanted}; the server offers {' '.join(offered) or 'none'}")
        rep = await self._authenticate(mech)
        if rep.code == 235:
            self._note = f"{mech} accepted"
            return "pass"
        raise StageFailed("auth_failed", str(rep), rep)

    async def _authenticate(self, mech: str) -> Reply:
        """Run one SASL exchange; every client payload is recorded as ``<redacted>``."""
        cfg = self.config
        assert self.proto is not None and cfg.username is not None
        proto, user = self.proto, cfg.username
        secret = (cfg.password or cfg.oauth_token)
        assert secret is not None
        if mech == "PLAIN":
            return self.reply(await proto.command(
                b"AUTH PLAIN " + sasl.plain(user, secret.reveal()), shown=f"AUTH PLAIN {REDACTED}"))
        if mech == "LOGIN":
            rep = self.reply(await proto.command(b"AUTH LOGIN"))
            for answer_text in (user, secret.reveal()):
                if rep.code != 334:
                    return rep
                rep = self.reply(await proto.command(sasl.b64(answer_text), shown=REDACTED))
            return rep
        if mech == "CRAM-MD5":
            rep = self.reply(await proto.command(b"AUTH CRAM-MD5"))
            if rep.code != 334:
                return rep
            answer = sasl.cram_md5(user, secret.reveal(), rep.text)
            return self.reply(await proto.command(answer, shown=REDACTED))
        token = (cfg.oauth_token or secret).reveal()
        payload = (sasl.xoauth2(user, token) if mech == "XOAUTH2"
                   else sasl.oauthbearer(user, token, self._sni(), cfg.port))
        rep = self.reply(await proto.command(f"AUTH {mech} ".encode() + payload,
                                             shown=f"AUTH {mech} {REDACTED}"))
        if rep.code == 334:
            decoded = clean(sasl.b64decode_text(rep.text))
            self.note(f"OAuth error from the server: {decoded}")
            final = self.reply(await proto.command(sasl.OAUTH_ERROR_ACK[mech]))
            raise StageFailed("auth_oauth_error", decoded, final)
        return rep

    async def _mail(self) -> Status:
        assert self.proto is not None and self.config.mail_from is not None
        addr = self.config.mail_from.encode()
        rep = self.reply(await self.proto.command(b"MAIL FROM:<" + addr + b">"))
        if rep.code != 250:
            raise StageFailed("mail_rejected", str(rep), rep)
        return "pass"

    async def _rcpt(self) -> Status:
        assert self.proto is not None
        rejected: list[Reply] = []
        for rcpt in self.config.rcpt_to:
            rep = self.reply(await self.proto.command(b"RCPT TO:<" + rcpt.encode() + b">"))
            if rep.code in (250, 251):
                self.accepted_rcpts.append(rcpt)
            else:
                rejected.append(rep)
        self._note = f"{len(self.accepted_rcpts)}/{len(self.config.rcpt_to)} accepted"
        if rejected and not self.accepted_rcpts:
            raise StageFailed("rcpt_rejected", str(rejected[0]), rejected[0])
        for rep in rejected:
            self.warn("rcpt_rejected", f"a recipient was refused: {rep}")
        return "pass"

    async def _data(self) -> Status:
        from smtptui.probe.message import test_message

        assert self.proto is not None and self.config.mail_from is not None
        message = test_message(self.config.mail_from, self.accepted_rcpts,
                               subject=self.config.subject,
                               target=f"{self.config.host}:{self.config.port}")
        try:
            resp = await self.proto.send_data(message)
        except SMTPResponseException as exc:
            if exc.code < 400:
                raise
            rep = self.reply(SMTPResponse(exc.code, exc.message))
            raise StageFailed("data_rejected", str(rep), rep) from None
        rep = self.reply(resp)
        self._note = f"{len(message)} bytes accepted"
        return "pass"

    async def _quit(self) -> None:
        if not self.in_sync or self.proto is None or not self.proto.is_connected:
            return

        async def body() -> Status:
            assert self.proto is not None
            rep = self.reply(await self.proto.command(b"QUIT"))
            return "pass" if rep.code == 221 else "warn"

        # QUIT gets a short deadline of its own: it must never hold up the result.
        await self.stage("quit", body, timeout=min(self.config.timeout, QUIT_TIMEOUT))

    async def _close(self) -> None:
        """Close the connection and wait (briefly) until the socket is really gone."""
        if self.sock is not None:
            self.sock.close()
            self.sock = None
        proto = self.proto
        if proto is None or proto.transport is None or proto.closed.is_set():
            return
        transport = cast(asyncio.Transport, proto.transport)
        if self.in_sync:
            transport.close()
        else:
            transport.abort()
        try:
            await asyncio.wait_for(proto.closed.wait(), CLOSE_WAIT)
        except (TimeoutError, asyncio.CancelledError, Exception):
            transport.abort()
        self.note("connection closed")
