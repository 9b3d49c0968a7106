"""One TLS handshake with a chosen client context, over STARTTLS or implicit TLS.

The scanner opens a connection per question it asks (this protocol version? this cipher
family?), so each attempt is short and independent. The chain as served comes from
OpenSSL's unverified chain: public on ``SSLObject`` from Python 3.13, and the same method
on the private ``_sslobj`` before that (CPython has had it since 3.10, bpo-18233).
"""

from __future__ import annotations

import asyncio
import ssl
from dataclasses import dataclass, field
from typing import Any, Literal

from smtptui.probe.sanitize import clean

Mode = Literal["starttls", "implicit"]
Outcome = Literal["ok", "refused", "untrusted", "local", "no_starttls", "network", "timeout"]
"""``refused``: the server said no to this handshake; ``untrusted``: this machine did not
trust the certificate (a verifying context only); ``local``: this machine's TLS library
cannot offer what was asked (nothing was learned about the server)."""

READ_LIMIT = 64 * 1024
"""Bytes one SMTP reply (all its lines) may take before the server is considered broken."""

_LOCAL_REASONS = ("NO_PROTOCOLS_AVAILABLE", "NO_CIPHERS_AVAILABLE")


@dataclass(frozen=True)
class Endpoint:
    """Where to connect: an address (already resolved), a port, a mode and the TLS name."""

    address: str
    port: int
    mode: Mode
    servername: str | None
    ehlo: str = "smtptui.invalid"


@dataclass(frozen=True)
class Handshake:
    outcome: Outcome
    version: str | None = None
    cipher: str | None = None
    bits: int | None = None
    chain: tuple[bytes, ...] = field(default=(), repr=False)
    """The certificates as the server sent them, leaf first (DER)."""
    verified_chain: tuple[bytes, ...] = field(default=(), repr=False)
    """The chain OpenSSL built while verifying (only with a verifying context)."""
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"


async def handshake(endpoint: Endpoint, ctx: ssl.SSLContext, timeout: float) -> Handshake:
    """Connect, upgrade and report; never raises for what the server or network does.
    ``timeout`` bounds the handshake; closing comes after it (a result is not lost to a
    slow close) and takes at most :data:`CLOSE_GRACE` more."""
    opened: list[asyncio.StreamWriter] = []
    grace = CLOSE_GRACE
    try:
        return await asyncio.wait_for(_attempt(endpoint, ctx, opened), timeout)
    except TimeoutError:
        grace = 0.0  # the server is not answering: drop the connection at once
        return Handshake("timeout", error=f"no answer within {timeout:g} s")
    finally:
        for writer in opened:
            await close_writer(writer, grace)


async def _attempt(endpoint: Endpoint, ctx: ssl.SSLContext,
                   opened: list[asyncio.StreamWriter]) -> Handshake:
    try:
        reader, writer = await asyncio.open_connection(
            endpoint.address, endpoint.port, limit=READ_LIMIT)
    except OSError as exc:
        return Handshake("network", error=clean(exc.strerror or str(exc)))
    opened.append(writer)
    try:
        if endpoint.mode == "starttls":
            offered = await _starttls(reader, writer, endpoint.ehlo)
            if offered is not None:
                return Handshake("no_starttls", error=offered)
        # StreamWriter.start_tls marks the protocol as "over TLS" only after the handshake,
        # so an EOF that arrives first makes asyncio log "returning true from
        # eof_received() has no effect when using ssl" (encode/httpx#859 traces it): mark
        # it before. A half-closed connection is of no use to us either way.
        protocol: Any = getattr(writer, "_protocol", None)
        if hasattr(protocol, "_over_ssl"):
            protocol._over_ssl = True
        try:
            await writer.start_tls(ctx, server_hostname=endpoint.servername or None)
        except ssl.SSLError as exc:
            reason = str(getattr(exc, "reason", None) or exc)
            kind: Outcome = "local" if any(r in reason for r in _LOCAL_REASONS) else "refused"
            if isinstance(exc, ssl.SSLCertVerificationError):
                kind = "untrusted"
            return Handshake(kind, error=clean(getattr(exc, "verify_message", None) or reason))
        except (ConnectionError, asyncio.IncompleteReadError) as exc:
            return Handshake("refused", error=clean(str(exc)) or "the server closed the "
                             "connection during the handshake")
        obj: Any = writer.get_extra_info("ssl_object")
        cipher = obj.cipher()
        return Handshake("ok", version=obj.version(), cipher=cipher[0] if cipher else None,
                         bits=cipher[2] if cipher else None,
                         chain=_chain(obj, "get_unverified_chain"),
                         verified_chain=_chain(obj, "get_verified_chain")
                         if ctx.verify_mode != ssl.CERT_NONE else ())
    except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
        return Handshake("network", error=clean(str(exc) or type(exc).__name__))


CLOSE_GRACE = 1.0
"""Seconds a peer gets to see a connection closed (TLS: to answer our close_notify)."""


async def close_writer(writer: asyncio.StreamWriter, grace: float = CLOSE_GRACE) -> None:
    """Close politely for at most ``grace`` seconds, then drop the connection: a peer
    that stops reading would otherwise hold a TLS close for asyncio's 30 s
    ``ssl_shutdown_timeout``, past every timeout of ours. Out of time (cancelled, or
    ``grace`` 0), the connection is dropped at once."""
    task = asyncio.current_task()
    if grace <= 0 or (task is not None and task.cancelling()):
        writer.transport.abort()
        return
    writer.close()
    try:
        await asyncio.wait_for(writer.wait_closed(), grace)
    except Exception:  # the grace ran out, or the close itself failed
        writer.transport.abort()
    except asyncio.CancelledError:
        writer.transport.abort()
        raise


def _chain(obj: Any, method: str) -> tuple[bytes, ...]:
    getter = getattr(obj, method, None) or getattr(getattr(obj, "_sslobj", None), method, None)
    if getter is None:
        return ()
    try:
        certs = getter() or []
    except (ssl.SSLError, ValueError):
        return ()
    return tuple(c.public_bytes(ssl._ssl.ENCODING_DER) for c in certs)  # type: ignore[attr-defined]


async def read_reply(reader: asyncio.StreamReader) -> tuple[int, list[str]]:
    """One SMTP reply: its code and text lines, :data:`READ_LIMIT` bytes at most in all
    (each line is bounded by the stream's limit, the same number)."""
    lines: list[str] = []
    size = 0
    while True:
        raw = await reader.readline()
        if not raw:
            raise ConnectionResetError("the server closed the connection")
        size += len(raw)
        if size > READ_LIMIT:
            raise ValueError(f"reply longer than {READ_LIMIT // 1024} KiB")
        line = raw.decode("utf-8", "replace").rstrip("\r\n")
        lines.append(line[4:])
        if len(line) < 4 or line[3] != "-":
            code = line[:3]
            return (int(code) if code.isdigit() else 0), lines


async def _starttls(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                    ehlo: str) -> str | None:
    """Greeting, EHLO and STARTTLS; ``None`` when the server is ready for the handshake,
    else why not."""
    code, text = await read_reply(reader)
    if code != 220:
        return f"greeting {code} {clean(' '.join(text), 200)}"
    writer.write(f"EHLO {ehlo}\r\n".encode())
    code, text = await read_reply(reader)
    if code != 250:
        return f"EHLO answered {code}"
    if not any(t.upper().split(" ")[0] == "STARTTLS" for t in text[1:]):
        return "STARTTLS is not offered"
    writer.write(b"STARTTLS\r\n")
    code, text = await read_reply(reader)
    if code != 220:
        return f"STARTTLS answered {code} {clean(' '.join(text), 200)}"
    return None
