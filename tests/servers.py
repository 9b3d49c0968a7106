"""Raw asyncio SMTP servers that misbehave on purpose (pytest plugin).

Each server runs a handler coroutine per connection; the handler talks through a
:class:`Conn` that logs every line the client sent, so a test can prove what did (or
did not) reach the server.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

import pytest


@dataclass
class Conn:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    server: RawServer

    async def send(self, *lines: str | bytes) -> None:
        for line in lines:
            data = line if isinstance(line, bytes) else line.encode() + b"\r\n"
            self.writer.write(data)
        await self.writer.drain()

    async def readline(self) -> str:
        """One client line (without CRLF); '' at EOF. Logged on the server."""
        raw = await self.reader.readline()
        line = raw.decode(errors="replace").rstrip("\r\n")
        if raw:
            self.server.received.append(line)
            self.server.times.append(time.monotonic())
        return line

    async def start_tls(self, ctx: ssl.SSLContext) -> None:
        await self.writer.start_tls(ctx)

    async def until_eof(self) -> None:
        while await self.readline():
            pass


Handler = Callable[[Conn], Awaitable[None]]


@dataclass
class RawServer:
    handler: Handler
    ssl: ssl.SSLContext | None = None
    port: int = 0
    received: list[str] = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    connections: int = 0
    _server: asyncio.base_events.Server | None = None
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)
    _writers: set[asyncio.StreamWriter] = field(default_factory=set)
    closed: asyncio.Event = field(default_factory=asyncio.Event)
    """Set when a client connection has ended (the server saw EOF or reset)."""

    @property
    def verbs(self) -> list[str]:
        return [line.split(" ", 1)[0].upper() for line in self.received]

    async def start(self) -> RawServer:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0, ssl=self.ssl)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self._writers.add(writer)
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            await self.handler(Conn(reader, writer, self))
        except (ConnectionError, ssl.SSLError, asyncio.IncompleteReadError,
                asyncio.CancelledError):
            pass  # the client went away, or the server is being stopped
        finally:
            self._tasks.discard(task)
            self._writers.discard(writer)
            writer.transport.abort()
            self.closed.set()

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            for w in list(self._writers):
                w.transport.abort()
            for t in list(self._tasks):
                t.cancel()
            with contextlib.suppress(Exception):
                await asyncio.gather(*self._tasks, return_exceptions=True)
            await self._server.wait_closed()


EHLO_BASIC = ("250-raw.test", "250-PIPELINING", "250-ENHANCEDSTATUSCODES", "250 8BITMIME")


async def smtp_loop(conn: Conn, replies: dict[str, str | tuple[str, ...]]) -> None:
    """Answer each client command by its verb from ``replies`` until QUIT or EOF."""
    while line := await conn.readline():
        verb = line.split(" ", 1)[0].upper()
        reply = replies.get(verb, "502 5.5.1 unrecognized command")
        await conn.send(*((reply,) if isinstance(reply, str) else reply))
        if verb == "QUIT":
            return


RawFactory = Callable[..., Awaitable[RawServer]]


@pytest.fixture
async def raw_server() -> AsyncIterator[RawFactory]:
    """``await raw_server(handler, ssl=None)`` -> a started :class:`RawServer`."""
    servers: list[RawServer] = []

    async def start(handler: Handler, ssl: ssl.SSLContext | None = None) -> RawServer:
        server = await RawServer(handler, ssl=ssl).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        await server.stop()


def unanswering_listener(host: str, port: int = 0) -> tuple[socket.socket, list[socket.socket]]:
    """A listener whose accept queue is full: further SYNs are dropped, connects time out.
    Close the listener and the fillers when done."""
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, port))
    listener.listen(0)
    fillers = []
    for _ in range(3):
        filler = socket.socket()
        filler.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            filler.connect(listener.getsockname())
        fillers.append(filler)
    return listener, fillers
