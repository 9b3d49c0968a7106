"""Batch probing: 200 profiles against loopback relays with concurrency 50, against the
same 200 probed one after another, in one run. Prints wall times, the speed-up, and the
CPU time per probe of the client (this process) and of the relays.

    python bench/batch.py [N] [CONCURRENCY] [LATENCY_S]      (target: speed-up >= 40x)

Loopback has no network latency, so the relays (in separate processes, one per core)
delay their greeting by LATENCY_S (default 0.25 s) to stand in for a real relay's round
trips and banner delay; without it both runs would be CPU-bound and equal. Every probe
makes a full TLS handshake, as against real relays. CPU figures hold up on a busy
machine; wall times do not, so the load average is printed with them.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _relay_process import PASSWORD, USER, RelayProcesses, relays_in_process  # noqa: E402

from smtptui.probe.batch import probe_many  # noqa: E402
from smtptui.probe.config import ProbeConfig, Secret  # noqa: E402


class Run:
    """One timed batch: wall seconds, successes, client and relay CPU seconds."""

    def __init__(self, configs: list[ProbeConfig], concurrency: int | None,
                 relays: RelayProcesses) -> None:
        relay_cpu, cpu, start = relays.cpu(), time.process_time(), time.perf_counter()
        self.ok = asyncio.run(self._probe(configs, concurrency))
        self.wall = time.perf_counter() - start
        self.cpu = time.process_time() - cpu
        self.relay_cpu = relays.cpu() - relay_cpu
        self.n = len(configs)

    @staticmethod
    async def _probe(configs: list[ProbeConfig], concurrency: int | None) -> int:
        ok = 0
        async for _i, report in probe_many(configs, concurrency):
            ok += report.ok
        return ok

    def __str__(self) -> str:
        return (f"{self.wall:.2f} s ({self.ok} ok); CPU per probe: client "
                f"{self.cpu / self.n * 1000:.2f} ms, relays "
                f"{self.relay_cpu / self.n * 1000:.2f} ms")


def loadavg() -> str:
    try:
        return Path("/proc/loadavg").read_text().split(" ", 1)[0]
    except OSError:
        return "?"


def main(n: int, concurrency: int, latency: float) -> None:
    load = loadavg()
    with relays_in_process(4, latency) as relays:
        ports = relays.ports
        configs = [ProbeConfig(host="127.0.0.1", port=ports[i % len(ports)], username=USER,
                               password=Secret(PASSWORD),
                               cafile=relays.cafiles[ports[i % len(ports)]],
                               servername="localhost", profile=f"p{i}") for i in range(n)]
        Run(configs[:8], 4, relays)  # one-off costs (CA file, rule tables) paid untimed
        concurrent = Run(configs, concurrency, relays)
        adaptive = Run(configs, None, relays)
        sequential = Run(configs, 1, relays)
    print(f"{n} profiles, STARTTLS + AUTH + QUIT, relays with {latency * 1000:.0f} ms "
          f"greeting latency; load average {load} before, {loadavg()} after")
    print(f"one after another: {sequential}")
    print(f"concurrency {concurrency}:    {concurrent}")
    print(f"speed-up: {sequential.wall / concurrent.wall:.1f}x  (target >= 40x)")
    print(f"default (adaptive) concurrency: {adaptive}, "
          f"{sequential.wall / adaptive.wall:.1f}x")


if __name__ == "__main__":
    args = sys.argv[1:]
    main(int(args[0]) if args else 200, int(args[1]) if len(args) > 1 else 50,
         float(args[2]) if len(args) > 2 else 0.25)
