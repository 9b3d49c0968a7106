"""A demo-style loopback relay running in a background thread (for process benchmarks)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from smtptui.democerts import DemoPKI, make_pki
from smtptui.relay import Relay, RelayOptions

USER = "bench@smtptui.test"
PASSWORD = "bench-password"


@dataclass
class Running:
    port: int
    pki: DemoPKI
    relay: Relay


@contextmanager
def relay_in_thread(**options: object) -> Iterator[Running]:
    """Start a STARTTLS + AUTH relay on 127.0.0.1 in its own thread and event loop."""
    pki = make_pki()
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    holder: dict[str, Relay] = {}

    async def start() -> None:
        opts = dict(starttls=pki.good, users={USER: PASSWORD}, auth_mechanisms=("PLAIN", "LOGIN"))
        opts.update(options)
        holder["relay"] = await Relay(RelayOptions(**opts)).start()  # type: ignore[arg-type]
        ready.set()

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(start())
        loop.run_forever()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    ready.wait(10)
    relay = holder["relay"]
    try:
        yield Running(relay.port, pki, relay)
    finally:
        asyncio.run_coroutine_threadsafe(relay.stop(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
