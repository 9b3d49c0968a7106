"""Batch probing: 200 profiles against loopback relays with concurrency 50, against the
same 200 probed one after another, in one run. Prints wall times and the speed-up.

    python bench/batch.py [N] [CONCURRENCY] [LATENCY_S]      (target: speed-up >= 40x)

Loopback has no network latency, so the relays (in a separate process, on the other
core) delay their greeting by LATENCY_S (default 0.25 s) to stand in for a real relay's
round trips and banner delay; without it both runs would be CPU-bound and equal.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _relay_process import PASSWORD, USER, relays_in_process  # noqa: E402

from smtptui.probe.batch import probe_many  # noqa: E402
from smtptui.probe.config import ProbeConfig, Secret  # noqa: E402


async def run(configs: list[ProbeConfig], concurrency: int | None) -> tuple[float, int]:
    start = time.perf_counter()
    ok = 0
    async for _i, report in probe_many(configs, concurrency):
        ok += report.ok
    return time.perf_counter() - start, ok


def main(n: int, concurrency: int, latency: float) -> None:
    with relays_in_process(4, latency) as (ports, cafile):
        configs = [ProbeConfig(host="127.0.0.1", port=ports[i % len(ports)], username=USER,
                               password=Secret(PASSWORD), cafile=cafile,
                               servername="localhost", profile=f"p{i}") for i in range(n)]
        asyncio.run(run(configs[:8], 4))  # one-off costs (CA file, rule tables) paid untimed
        concurrent, ok_c = asyncio.run(run(configs, concurrency))
        adaptive, ok_a = asyncio.run(run(configs, None))
        sequential, ok_s = asyncio.run(run(configs, 1))
    print(f"{n} profiles, STARTTLS + AUTH + QUIT, relays with {latency * 1000:.0f} ms "
          "greeting latency")
    print(f"one after another: {sequential:.2f} s ({ok_s} ok)")
    print(f"concurrency {concurrency}:    {concurrent:.2f} s ({ok_c} ok)")
    print(f"speed-up: {sequential / concurrent:.1f}x  (target >= 40x)")
    print(f"default (adaptive) concurrency: {adaptive:.2f} s ({ok_a} ok), "
          f"{sequential / adaptive:.1f}x")


if __name__ == "__main__":
    args = sys.argv[1:]
    main(int(args[0]) if args else 200, int(args[1]) if len(args) > 1 else 50,
         float(args[2]) if len(args) > 2 else 0.25)
