"""The loopback redirect of the code flow: ``http://127.0.0.1:PORT/`` on this machine.

One tiny HTTP server that waits for the provider to send the browser back with
``?code=...&state=...`` (or ``?error=...``) and answers with a page saying what happened.
"""

from __future__ import annotations

import asyncio
import contextlib
from urllib.parse import urlsplit

_PAGE = ("<!doctype html><meta charset=utf-8><title>smtptui</title>"
         "<p style='font-family:sans-serif'>{text}</p>")


class Redirects:
    """Listens on 127.0.0.1; :attr:`received` gets each redirected URL's query."""

    def __init__(self) -> None:
        self.received: asyncio.Queue[str] = asyncio.Queue()
        self.server: asyncio.Server | None = None
        self.port = 0
        self.state: str | None = None
        """The sign-in's state: a request carrying another is answered, not queued."""

    @property
    def redirect_uri(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    async def start(self, port: int = 0) -> Redirects:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", port)
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()
            self.server = None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            async with asyncio.timeout(10):
                line = await reader.readline()
                while (await reader.readline()).strip():
                    pass  # headers
            parts = line.decode("latin-1").split()
            target = urlsplit(parts[1]) if len(parts) >= 2 and parts[0] == "GET" else None
            if target is None or target.path != "/" or not target.query:
                await _answer(writer, 404, "Not the sign-in redirect.")
                return
            from urllib.parse import parse_qs

            state = parse_qs(target.query).get("state", [""])[0]
            if self.state is not None and state != self.state:
                await _answer(writer, 400, "This address belongs to another sign-in.")
                return
            ok = "code=" in target.query
            await _answer(writer, 200, "Signed in: you can close this tab and return to "
                          "smtptui." if ok else "The sign-in did not complete; see smtptui.")
            self.received.put_nowait(target.query)
        except (TimeoutError, OSError, UnicodeError):
            pass
        finally:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()


async def _answer(writer: asyncio.StreamWriter, status: int, text: str) -> None:
    body = _PAGE.format(text=text).encode()
    reason = {200: "OK", 400: "Bad Request"}.get(status, "Not Found")
    writer.write(f"HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\n"
                 f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode() + body)
    await writer.drain()
