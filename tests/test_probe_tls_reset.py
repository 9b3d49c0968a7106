"""A TLS handshake reset by the server is reported as a reset, however long the
diagnostic second connection would take: that one ends within the stage's time."""

from __future__ import annotations

import socket
import struct
from collections.abc import Callable

import pytest

from smtptui.probe.config import ProbeConfig
from smtptui.probe.engine import run_probe
from smtptui.probe.events import ProbeFinished
from tests.servers import Conn, RawFactory

ConfigFor = Callable[..., ProbeConfig]


@pytest.mark.parametrize("tls", ["implicit", "starttls"])
async def test_a_reset_mid_handshake_is_a_reset_not_a_timeout(
        raw_server: RawFactory, config_for: ConfigFor, tls: str) -> None:
    """The first connection is reset after the ClientHello; every later one (the
    diagnostic handshake) hangs without a word."""
    async def handler(conn: Conn) -> None:
        if conn.server.connections > 1:
            await conn.until_eof()  # the side connection: silence
            return
        if tls == "starttls":
            await conn.send("220 mx.test ESMTP")
            while line := await conn.readline():
                if line.upper().startswith("EHLO"):
                    await conn.send("250-mx.test", "250 STARTTLS")
                elif line.upper() == "STARTTLS":
                    await conn.send("220 2.0.0 go ahead")
                    break
        await conn.reader.read(5)  # the start of the ClientHello
        sock = conn.writer.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        conn.writer.transport.abort()

    server = await raw_server(handler)
    timeout = 1.0
    final = [e async for e in run_probe(config_for(server.port, tls=tls, username=None,
                                                   password=None, timeout=timeout))][-1]
    assert isinstance(final, ProbeFinished)
    failed = final.report.failed_stage
    assert failed is not None and failed.stage == ("tls" if tls == "implicit" else "starttls")
    assert failed.diagnosis is not None and failed.diagnosis.kind == "tls_handshake_failed"
    assert "reset the connection during the TLS handshake" in failed.diagnosis.summary
    assert failed.elapsed_ms < timeout * 1000
    assert server.connections >= 2  # the diagnostic connection was tried, and bounded
