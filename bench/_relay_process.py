"""Demo-style STARTTLS + AUTH relays in a separate process (for batch benchmarks): the
relays' CPU is not the client's, as it would not be with real relays."""

from __future__ import annotations

import asyncio
import multiprocessing as mp
from collections.abc import Iterator
from contextlib import contextmanager

USER, PASSWORD = "bench@smtptui.test", "bench-password"


def serve(count: int, latency: float, conn: mp.connection.Connection) -> None:
    from smtptui.demo.certs import make_pki
    from smtptui.demo.relay import Relay, RelayOptions

    async def main() -> None:
        pki = make_pki()
        relays = [await Relay(RelayOptions(starttls=pki.good, users={USER: PASSWORD},
                                           greeting_delay=latency)).start()
                  for _ in range(count)]
        conn.send(([r.port for r in relays], str(pki.ca_file)))
        await asyncio.get_running_loop().run_in_executor(None, conn.recv)

    asyncio.run(main())


@contextmanager
def relays_in_process(count: int, latency: float) -> Iterator[tuple[list[int], str]]:
    """(ports, CA file) of ``count`` relays that delay their greeting by ``latency`` s."""
    parent, child = mp.Pipe()
    proc = mp.Process(target=serve, args=(count, latency, child), daemon=True)
    proc.start()
    try:
        yield parent.recv()
    finally:
        parent.send("stop")
        proc.join(10)
