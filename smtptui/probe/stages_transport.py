"""Transport stages: resolve, connect, implicit TLS, greeting — and what to do when TLS
fails (classify, look for an obsolete protocol, fetch the certificate for display)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
import time
from typing import cast

from smtptui.probe.events import Status, TLSInfo
from smtptui.probe.sanitize import clean
from smtptui.probe.session_base import (
    CONNECT_TRY_MIN,
    SIDE_CONNECTION_MARGIN,
    SIDE_CONNECTION_TIMEOUT,
    SLOW_GREETING_MS,
    SessionBase,
    StageFailed,
    sniff_grace,
)
from smtptui.probe.tlsinfo import (
    cert_from_der,
    classify,
    inspect,
    make_context,
    ssl_hostname,
    tls_warnings,
)
from smtptui.probe.wire import (
    CapturingProtocol,
)


def address_family(host: str) -> int | None:
    """``AF_INET``/``AF_INET6`` when ``host`` is an IP address literal, else None."""
    for family, text in ((socket.AF_INET, host), (socket.AF_INET6, host.partition("%")[0])):
        try:
            socket.inet_pton(family, text)
        except OSError:
            continue
        return family
    return None


class TransportStages(SessionBase):
    """Getting a connection that speaks SMTP (with or without TLS)."""

    async def _resolve(self) -> Status:
        from smtptui.probe.resolve import resolve

        host = self.config.host
        family = address_family(host)
        if family is not None:
            self.addresses = [(family, host)]
            self._note = "address literal"
            return "pass"
        try:
            self.addresses = await resolve(host, self.config.port, self.config.nameserver,
                                           self.config.timeout)
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
        """Try each address in turn; each gets a share of the stage's time (at least a few
        seconds), so one black-holed address cannot eat the whole stage."""
        loop = asyncio.get_running_loop()
        last: tuple[str, str] = ("connect_refused", "")
        count = len(self.addresses)
        per_try = self.config.timeout if count == 1 else max(
            self.config.timeout / count, min(CONNECT_TRY_MIN, self.config.timeout))
        for family, addr in self.addresses:
            sock = socket.socket(family, socket.SOCK_STREAM)
            sock.setblocking(False)
            try:
                connecting = loop.sock_connect(sock, (addr, self.config.port))
                if count > 1:
                    await asyncio.wait_for(connecting, per_try)
                else:  # the stage's own deadline bounds it
                    await connecting
            except ConnectionRefusedError:
                sock.close()
                last = ("connect_refused", f"{addr} port {self.config.port} refused the connection")
            except TimeoutError:
                sock.close()
                last = ("connect_timeout", f"{addr} port {self.config.port}: no answer within "
                        f"{per_try:g} s")
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
        if count == 1 and last[0] == "connect_refused":
            raise StageFailed(last[0])  # the summary says it all; the note has the address
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
                lambda: proto, sock=sock, ssl=ctx, server_hostname=ssl_hostname(self._sni()),
                ssl_handshake_timeout=self.config.timeout,
            )
        except (ssl.SSLError, ConnectionError, OSError) as exc:
            sock.close()
            await self._tls_failed(exc)
        self.proto = proto
        self._tls_established()
        return "pass"

    def _tls_established(self) -> None:
        assert self.proto is not None and self.proto.transport is not None
        self.encrypted = True
        obj = self.proto.transport.get_extra_info("ssl_object")
        self.tls = self.scrub_tls(inspect(obj, verified=not self.config.insecure))
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

    async def _second_handshake(self, *, legacy: bool = False
                                ) -> tuple[str, tuple[str, int], bytes | None] | None:
        """An unverified handshake on a fresh connection (version, (cipher, bits), DER
        certificate), or None when it fails too or the stage has no time left for it:
        it ends before the stage's own deadline, so the stage reports what went wrong
        on the real connection, not a timeout of this one."""
        from smtptui.probe.sniff import fetch_certificate

        remaining = min(SIDE_CONNECTION_TIMEOUT,
                        self.stage_deadline - SIDE_CONNECTION_MARGIN - time.perf_counter())
        if remaining <= 0 or self.address is None:
            return None
        try:
            return await asyncio.wait_for(
                fetch_certificate(self.address, self.config.port, self._sni(),
                                  starttls=self.config.tls != "implicit",
                                  ehlo_name=self._ehlo_name(), legacy=legacy),
                remaining,
            )
        except (TimeoutError, OSError, ssl.SSLError, ValueError):
            return None

    async def _legacy_version(self) -> str | None:
        """Does the server speak only TLS 1.0/1.1?  Its version if so, else None."""
        info = await self._second_handshake(legacy=True)
        version = info[0] if info else None
        return version if version in ("SSLv3", "TLSv1", "TLSv1.1") else None

    async def _fetch_cert_for_display(self, error: str) -> None:
        """Reconnect without verification to show the certificate that failed."""
        info = await self._second_handshake()
        if info is None:
            return
        version, (cipher, bits), der = info
        if der is None:
            return
        self.tls = self.scrub_tls(TLSInfo(version=version, cipher=cipher, bits=bits,
                                          cert=cert_from_der(der, verified=False, error=error)))
        cert = self.tls.cert
        if cert is None:
            return
        self.note(f"certificate (fetched again without verification for display): {cert.subject} "
                  f"issued by {cert.issuer}, valid {cert.not_before} to {cert.not_after}")

    async def _greeting(self) -> Status:
        assert self.proto is not None
        proto = self.proto
        start = time.perf_counter()
        if not self.encrypted and not proto.data_seen.is_set():
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(sniff_grace(self.config.timeout)):
                    await proto.data_seen.wait()
            if not proto.data_seen.is_set():
                await self._race_greeting_with_tls()
        resp = await proto.read_response()
        rep = self.reply(resp)
        self.banner = rep.text
        if rep.code != 220:
            raise StageFailed("greeting_rejected", reply=rep)
        self.in_sync = True
        self._note = rep.first_line[:60]
        took = time.perf_counter() - start
        if took * 1000 > SLOW_GREETING_MS and self.config.port == 25:
            # Server-to-server port: a delayed greeting (postscreen, tarpits) is by design.
            self.inform(f"the greeting took {took:.1f} s (deliberate on port 25: "
                        "anti-spam tarpitting)")
        elif took * 1000 > SLOW_GREETING_MS:
            self.warn("slow_greeting", f"the greeting took {took:.1f} s (tarpitting or a "
                      "slow server)")
        return "pass"

    async def _race_greeting_with_tls(self) -> None:
        """A silent port may speak implicit TLS: try a handshake on a second connection
        while still waiting for the greeting; whichever answers first decides."""
        assert self.proto is not None
        proto = self.proto
        self.note(f"no greeting after {sniff_grace(self.config.timeout):g} s; trying a TLS "
                  "handshake on a second connection in case this port speaks implicit TLS")
        sniff = asyncio.ensure_future(self._sniff_tls())
        data = asyncio.ensure_future(proto.data_seen.wait())
        try:
            await asyncio.wait([sniff, data], return_when=asyncio.FIRST_COMPLETED)
            if sniff.done() and not proto.data_seen.is_set():
                if sniff.result():
                    self.note("the TLS handshake succeeded: this port speaks implicit TLS")
                    raise StageFailed(
                        "greeting_timeout_implicit_tls",
                        f"port {self.config.port} answered a TLS handshake but sent no "
                        "plain-text greeting",
                    )
                self.note("the TLS handshake failed too: not implicit TLS; still waiting "
                          "for a greeting")
                self.sniffed_tls = "failed"
        finally:
            if not sniff.done() and not proto.data_seen.is_set():  # the deadline came first
                self.sniffed_tls = "silent"
            for task in (sniff, data):
                task.cancel()
            await asyncio.gather(sniff, data, return_exceptions=True)

    async def _sniff_tls(self) -> bool:
        from smtptui.probe.sniff import tls_answers

        assert self.address is not None
        return await tls_answers(self.address, self.config.port, self._sni())

    async def _close(self) -> None:
        """Drop the connection and wait (briefly) until the socket is really gone.

        By now the session is over: QUIT was answered, or the connection is no longer
        usable. A TLS close_notify exchange would only add a round trip, so the socket
        is closed at once (as most SMTP clients do after 221).
        """
        if self.sock is not None:
            self.sock.close()
            self.sock = None
        proto = self.proto
        if proto is None or proto.transport is None or proto.closed.is_set():
            return
        cast(asyncio.Transport, proto.transport).abort()
        # abort() has queued the callback that closes the socket: one pass of the loop
        # runs it, so the socket is gone when the probe returns.
        await asyncio.sleep(0)
        self.note("connection closed")
