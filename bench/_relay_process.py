"""Demo-style STARTTLS + AUTH relays in separate processes (for batch benchmarks): the
relays' CPU is not the client's, as it would not be with real relays.

The relays are spread over one process per core, so the benchmark measures the client
rather than a single relay process's event loop. Every client connection still makes a
full TLS handshake (no session reuse). Each process reports the CPU seconds it has used
since its relays started (``cpu()``), so a benchmark can print the relay side's cost per
probe next to the client's.
"""

from __future__ import annotations

import asyncio
import multiprocessing as mp
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection

USER, PASSWORD = "bench@smtptui.test", "bench-password"


def serve(count: int, latency: float, conn: Connection) -> None:
    from smtptui.demo.certs import make_pki
    from smtptui.demo.relay import Relay, RelayOptions

    async def main() -> None:
        pki = make_pki()
        relays = [await Relay(RelayOptions(starttls=pki.good, users={USER: PASSWORD},
                                           greeting_delay=latency)).start()
                  for _ in range(count)]
        conn.send(([r.port for r in relays], str(pki.ca_file)))
        start = time.process_time()
        loop = asyncio.get_running_loop()
        while await loop.run_in_executor(None, conn.recv) == "cpu":
            conn.send(time.process_time() - start)

    asyncio.run(main())


class RelayProcesses:
    """Ports, CA file and CPU use of relays running in ``processes`` child processes."""

    def __init__(self, count: int, latency: float, processes: int) -> None:
        self._pipes: list[Connection] = []
        self._procs: list[mp.Process] = []
        self.ports: list[int] = []
        self.cafiles: dict[int, str] = {}
        """port -> the CA file that verifies that relay (one CA per process)."""
        for k in range(processes):
            parent, child = mp.Pipe()
            share = count // processes + (k < count % processes)
            proc = mp.Process(target=serve, args=(share, latency, child), daemon=True)
            proc.start()
            self._pipes.append(parent)
            self._procs.append(proc)
        for pipe in self._pipes:
            ports, cafile = pipe.recv()
            self.ports += ports
            self.cafiles.update(dict.fromkeys(ports, cafile))

    @property
    def cafile(self) -> str:
        """The CA file of the first process's relays (all of them when there is one)."""
        return self.cafiles[self.ports[0]]

    def cpu(self) -> float:
        """CPU seconds the relay processes have used since they started serving."""
        for pipe in self._pipes:
            pipe.send("cpu")
        return sum(pipe.recv() for pipe in self._pipes)

    def stop(self) -> None:
        for pipe in self._pipes:
            pipe.send("stop")
        for proc in self._procs:
            proc.join(10)


@contextmanager
def relays_in_process(count: int, latency: float,
                      processes: int | None = None) -> Iterator[RelayProcesses]:
    """``count`` relays that delay their greeting by ``latency`` s, in ``processes``
    processes (default: one per core, at most ``count``)."""
    relays = RelayProcesses(count, latency,
                            min(count, processes or os.cpu_count() or 1))
    try:
        yield relays
    finally:
        relays.stop()
