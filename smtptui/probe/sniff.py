"""Side connections: is this port really TLS?  What certificate did it present?

Used only when the main session is in trouble — a silent port (maybe implicit TLS) or
a certificate that failed verification (shown to the user anyway).
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import warnings

from smtptui.probe.tlsinfo import unverified_context

HANDSHAKE_TIMEOUT = 5.0


def legacy_context() -> ssl.SSLContext:
    """Unverified, and willing to speak TLS 1.0 with any cipher (diagnosis only)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.set_ciphers("ALL:@SECLEVEL=0")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        ctx.minimum_version = ssl.TLSVersion.TLSv1
    return ctx


async def _close(writer: asyncio.StreamWriter) -> None:
    writer.transport.abort()
    with contextlib.suppress(Exception):
        await writer.wait_closed()


async def tls_answers(address: str, port: int, sni: str) -> bool:
    """True when a TLS handshake on ``address:port`` succeeds (certificate not checked)."""
    try:
        _reader, writer = await asyncio.wait_for(
            asyncio.open_connection(address, port, ssl=unverified_context(),
                                    server_hostname=sni,
                                    ssl_handshake_timeout=HANDSHAKE_TIMEOUT),
            HANDSHAKE_TIMEOUT,
        )
    except (OSError, TimeoutError, ValueError):
        return False
    await _close(writer)
    return True


async def _expect(reader: asyncio.StreamReader, code: bytes) -> None:
    while True:
        line = await reader.readline()
        if not line.startswith(code):
            raise ValueError(f"unexpected reply {line[:40]!r}")
        if line[3:4] != b"-":
            return


async def fetch_certificate(
    address: str, port: int, sni: str, *, starttls: bool, ehlo_name: str,
    legacy: bool = False,
) -> tuple[str, tuple[str, int], bytes | None] | None:
    """(TLS version, (cipher, bits), DER certificate) from an unverified handshake.

    ``legacy`` also allows TLS 1.0/1.1 and weak ciphers, to find out whether a server
    that refused a modern handshake speaks only an obsolete protocol.
    """
    ctx = legacy_context() if legacy else unverified_context()
    if starttls:
        reader, writer = await asyncio.open_connection(address, port)
        try:
            await _expect(reader, b"220")
            writer.write(f"EHLO {ehlo_name}\r\n".encode())
            await _expect(reader, b"250")
            writer.write(b"STARTTLS\r\n")
            await _expect(reader, b"220")
            await writer.start_tls(ctx, server_hostname=sni)
        except BaseException:
            await _close(writer)
            raise
    else:
        reader, writer = await asyncio.open_connection(address, port, ssl=ctx,
                                                       server_hostname=sni)
    try:
        obj = writer.get_extra_info("ssl_object")
        if obj is None:
            return None
        name, _proto, bits = obj.cipher() or ("?", "?", 0)
        return obj.version() or "?", (name, bits or 0), obj.getpeercert(binary_form=True)
    finally:
        await _close(writer)
