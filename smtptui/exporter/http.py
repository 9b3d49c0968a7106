"""A small HTTP/1.1 server on asyncio streams: GET and HEAD, keep-alive, bounded
request size, idle timeout and a cap on open connections. Enough for Prometheus to
scrape; nothing a browser-facing server would need.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from http import HTTPStatus

MAX_HEAD = 16 * 1024
IDLE_TIMEOUT = 120.0
MAX_CONNECTIONS = 512


@dataclass(frozen=True)
class Request:
    method: str
    target: str
    headers: dict[str, str]
    """Names in lower case."""


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[Request], Awaitable[Response]]


class HTTPServer:
    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.open = 0
        self.server: asyncio.Server | None = None

    async def start(self, host: str, port: int, tls: ssl.SSLContext | None) -> int:
        """Listen; returns the port (useful with port 0)."""
        extra = {"ssl": tls, "ssl_handshake_timeout": 10.0} if tls else {}
        self.server = await asyncio.start_server(self._serve, host, port, limit=MAX_HEAD,
                                                 **extra)  # type: ignore[arg-type]
        return int(self.server.sockets[0].getsockname()[1])

    async def close(self) -> None:
        if self.server is not None:
            self.server.close()
            with contextlib.suppress(Exception):
                self.server.close_clients()  # type: ignore[attr-defined]  # 3.13+
            await self.server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.open += 1
        try:
            if self.open > MAX_CONNECTIONS:
                await _write(writer, Response(503, b"too many connections\n"), close=True)
                return
            while True:
                try:
                    request = await asyncio.wait_for(_read(reader), IDLE_TIMEOUT)
                except (TimeoutError, asyncio.IncompleteReadError, ConnectionError,
                        ssl.SSLError):
                    return
                except _BadRequest as exc:
                    await _write(writer, Response(exc.status, exc.reason.encode()), close=True)
                    return
                if request is None:
                    return
                response = await self.handler(request)
                close = (request.headers.get("connection", "").lower() == "close")
                await _write(writer, response, close=close, head=request.method == "HEAD")
                if close:
                    return
        except (ConnectionError, ssl.SSLError):
            return
        finally:
            self.open -= 1
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()


class _BadRequest(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason + "\n"


async def _read(reader: asyncio.StreamReader) -> Request | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.LimitOverrunError:
        raise _BadRequest(431, "request head too large") from None
    except asyncio.IncompleteReadError as exc:
        if not exc.partial.strip():
            return None  # the client closed between requests
        raise
    try:
        lines = head.decode("latin-1").split("\r\n")
        method, target, version = lines[0].split(" ")
    except ValueError:
        raise _BadRequest(400, "malformed request line") from None
    if not version.startswith("HTTP/1."):
        raise _BadRequest(505, "HTTP/1.x only")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if line:
            name, sep, value = line.partition(":")
            if not sep:
                raise _BadRequest(400, "malformed header")
            headers[name.strip().lower()] = value.strip()
    if headers.get("content-length", "0") != "0" or "transfer-encoding" in headers:
        raise _BadRequest(400, "request bodies are not accepted")
    if version == "HTTP/1.0" and headers.get("connection", "").lower() != "keep-alive":
        headers["connection"] = "close"
    return Request(method, target, headers)


async def _write(writer: asyncio.StreamWriter, response: Response, *, close: bool,
                 head: bool = False) -> None:
    reason = HTTPStatus(response.status).phrase
    lines = [f"HTTP/1.1 {response.status} {reason}",
             f"Content-Type: {response.content_type}",
             f"Content-Length: {len(response.body)}",
             "Connection: close" if close else "Connection: keep-alive",
             *(f"{k}: {v}" for k, v in response.headers.items())]
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
    if not head:
        writer.write(response.body)
    await writer.drain()
