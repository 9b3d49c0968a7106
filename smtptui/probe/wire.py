"""Wire capture: aiosmtplib's protocol, recording every line that really crossed the wire.

aiosmtplib has no transcript hook, so this subclass of its ``SMTPProtocol`` records the
bytes at the protocol level: server lines as they arrive (before aiosmtplib parses or
discards them), client lines as they are written. Lines the caller marks as secret are
recorded as ``<redacted>`` *before* anything is stored.
"""

from __future__ import annotations

import asyncio
import re
import ssl
from collections.abc import Callable
from typing import cast

from smtptui.probe._aiosmtplib import (
    MAX_LINE_LENGTH,
    SMTPProtocol,
    SMTPResponse,
    SMTPResponseException,
    SMTPServerDisconnected,
    SMTPTimeoutError,
)
from smtptui.probe.redact import MIN_RUN, REDACTED
from smtptui.probe.sanitize import LINE_LIMIT, clean_bytes

LineSink = Callable[[str, str, int, bool], None]
"""Receives (direction, text, dropped, unterminated): ``"C"`` client, ``"S"`` server,
``"*"`` note. Server text arrives raw (decoded, not yet cleaned or cut, ``dropped``
bytes past what was kept): the sink removes secrets first, then cuts and cleans."""

PARTIAL_LIMIT = LINE_LIMIT * 4 + 4 * MIN_RUN
"""Bytes of a server line kept for the transcript; the rest is counted only. The margin
past what is ever shown lets a secret cut at the limit still be recognised (and removed)
before the line is cut for display."""



_REPLY_LINE = re.compile(rb"[0-9]{3}(?:[ -]|\r?\n\Z)")


def raw_text(data: bytes) -> str:
    """Server bytes as text, undecodable bytes shown as ``\\xNN`` (cleaning comes later)."""
    return data.decode("utf-8", "backslashreplace")


class CapturingProtocol(SMTPProtocol):
    """An ``SMTPProtocol`` that reports each wire line to ``sink``."""

    def __init__(self, loop: asyncio.AbstractEventLoop, sink: LineSink) -> None:
        super().__init__(loop=loop)
        self._sink = sink
        self._partial = bytearray()
        self._partial_dropped = 0
        self._shown: list[str] | None = None
        self.bytes_received = 0
        self.data_seen = asyncio.Event()
        """Set when the server's first bytes arrive."""
        self.closed = asyncio.Event()
        """Set once the transport is really gone (socket closed)."""
        self.unsolicited = 0
        """Bytes that arrived while no reply was expected (reset before STARTTLS)."""
        self.early_tls_bytes = 0
        """Bytes the server sent after its STARTTLS 220 and before the handshake."""

    def connection_lost(self, exc: Exception | None) -> None:
        super().connection_lost(exc)
        self.closed.set()

    # -- server -> client -------------------------------------------------------------
    def data_received(self, data: bytes) -> None:
        self.bytes_received += len(data)
        self.data_seen.set()
        if not self._response_pending:
            self.unsolicited += len(data)
        self._capture(data)
        super().data_received(data)

    def _capture(self, data: bytes) -> None:
        start = 0
        while (end := data.find(b"\n", start)) != -1:
            self._emit_server(data[start : end + 1])
            start = end + 1
        rest = data[start:]
        room = PARTIAL_LIMIT - len(self._partial)
        self._partial += rest[: max(room, 0)]
        self._partial_dropped += max(len(rest) - max(room, 0), 0)

    def _emit_server(self, tail: bytes) -> None:
        line = bytes(self._partial) + tail if self._partial else tail
        dropped = self._partial_dropped
        self._partial.clear()
        self._partial_dropped = 0
        self._sink("S", raw_text(line.rstrip(b"\r\n")), dropped, False)

    def _read_response_from_buffer(self) -> SMTPResponse | None:
        """aiosmtplib's reply parser, after a strict check of each line of the reply:
        it reads ``int(line[:3])``, so ``2500 weird`` passes as 250 and `` 25`` or
        ``+35`` as codes. RFC 5321 section 4.2: a reply line is exactly three digits,
        then a space, ``-`` or the line end; anything else is a protocol violation."""
        offset = 0
        while (end := self._buffer.find(b"\n", offset)) != -1:
            line = bytes(self._buffer[offset:end + 1])
            if len(line) > MAX_LINE_LENGTH:
                break  # aiosmtplib reports it ("Response too long")
            if not _REPLY_LINE.match(line):
                shown = raw_text(line.rstrip(b"\r\n")[:LINE_LIMIT])
                raise SMTPResponseException(
                    -1, f"malformed reply line (not three digits, then a space, - or "
                        f"the line end): '{shown}'")
            if line[3:4] != b"-":
                break
            offset = end + 1
        return super()._read_response_from_buffer()

    def has_extra_reply(self) -> bool:
        """Is a further complete reply line already waiting, though no command asked?"""
        return b"\n" in self._buffer

    def flush_partial(self) -> None:
        """Record a server line that never got its line end (e.g. before a timeout)."""
        if self._partial or self._partial_dropped:
            text, dropped = raw_text(bytes(self._partial)), self._partial_dropped
            self._partial.clear()
            self._partial_dropped = 0
            self._sink("S", text, dropped, True)

    # -- client -> server -------------------------------------------------------------
    def write(self, data: bytes) -> None:
        super().write(data)
        if self._shown is not None:
            shown, self._shown = self._shown, None
            for text in shown:
                self._sink("C", text, 0, False)
            return
        lines = data.split(b"\r\n")
        if lines[-1] == b"":
            lines.pop()  # the text ended with CRLF; an empty line sent on purpose stays
        for line in lines:
            self._sink("C", clean_bytes(line), 0, False)

    async def command(
        self, line: bytes, *, shown: str | None = None, timeout: float | None = None
    ) -> SMTPResponse:
        """Send one command line; record it as ``shown`` instead when given (secrets)."""
        if shown is not None:
            self._shown = [shown]
        try:
            return await self.execute_command(line, timeout=timeout)
        finally:
            self._shown = None

    async def send_data(self, message: bytes, *, timeout: float | None = None) -> SMTPResponse:
        """DATA with the message; the transcript gets the message lines as written."""
        return await self.execute_data_command(message, timeout=timeout)

    # -- STARTTLS ---------------------------------------------------------------------
    async def upgrade(
        self, context: ssl.SSLContext, server_hostname: str | None, timeout: float | None
    ) -> None:
        """TLS handshake on this connection after a 220 reply to STARTTLS.

        Counts bytes the server sent between its 220 and the handshake (the STARTTLS
        injection family) and discards them, as RFC 3207 section 4.2 requires.
        """
        if self.transport is None or self.transport.is_closing():
            raise SMTPServerDisconnected("Connection lost")
        self.early_tls_bytes += len(self._buffer) + self.unsolicited
        self._buffer.clear()
        self._partial.clear()
        try:
            tls_transport = await self._loop.start_tls(
                cast(asyncio.WriteTransport, self.transport),
                self,
                context,
                server_side=False,
                server_hostname=server_hostname,
                ssl_handshake_timeout=timeout,
            )
        except ConnectionAbortedError as exc:
            raise SMTPTimeoutError("Connection aborted while upgrading transport") from exc
        if tls_transport is None:
            raise SMTPServerDisconnected("Connection lost during the TLS handshake")
        self.transport = tls_transport
        self._over_ssl = True


__all__ = [
    "CapturingProtocol", "LineSink", "REDACTED", "SMTPResponse",
    "SMTPResponseException", "SMTPServerDisconnected", "SMTPTimeoutError",
]
