"""How many probes a batch runs at once when the user does not say (``--concurrency``).

All probes of a batch share one event loop, so one core does their CPU work (TLS
handshakes, parsing, reports) while the rest of each probe is spent waiting on the
network. Enough probes must be in flight to keep that core busy through the waits, and
no more: past that, each extra probe only queues for the core, and every stage timing in
the batch grows (on 2 cores, 200 at once against loopback relays took 1.25 s where 10
took 0.55 s).

By Little's law the core stays busy with ``wall / cpu`` probes in flight, where ``wall``
is how long one probe takes and ``cpu`` the core time it needs. :class:`Adaptive` starts
at ``4 x CPUs`` and, every few completions, moves half-way to

    share x median(wall) / cpu          clamped to [2 x CPUs, 100] and to the open-file limit

with ``cpu`` measured as the process's CPU time per completed probe, and ``share`` the
part of the core the batch may take: 3/4 (1/2 on a single CPU, where the relays or the
rest of the machine need it too). When the core is the bottleneck, ``wall`` is mostly
queueing (``limit x cpu``) and the limit shrinks; when the network is, it grows towards
what the latency needs (a relay 250 ms away, 4 ms of CPU per probe: about 47).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

MAX_LIMIT = 100
"""No more probes at once than this, however slow the network: each TLS connection holds
about 0.35 MB (asyncio gives every one a 256 KiB buffer), so that a batch of 10,000
profiles stays under 150 MB."""
FILES_PER_PROBE = 2
"""Sockets one probe may hold at once (its connection and a TLS sniff)."""


def cpu_count() -> int:
    """CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def open_file_budget() -> int:
    """How many probes the open-file limit allows at once (a margin kept for the rest)."""
    try:
        import resource

        soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    except (ImportError, OSError, ValueError):
        return MAX_LIMIT
    if soft == resource.RLIM_INFINITY:
        return MAX_LIMIT
    return max(1, (soft - 64) // FILES_PER_PROBE)


def bounds(cpus: int, files: int) -> tuple[int, int]:
    """The lowest and highest limit for this machine."""
    high = max(1, min(MAX_LIMIT, files))
    return min(2 * cpus, high), high


def initial_limit(cpus: int, files: int) -> int:
    low, high = bounds(cpus, files)
    return max(low, min(high, 4 * cpus))


def next_limit(current: int, *, cpus: int, files: int, wall_ms: float, cpu_ms: float) -> int:
    """The limit after a window in which probes took ``wall_ms`` (median) and cost
    ``cpu_ms`` of process CPU each: half-way from ``current`` to the Little's-law target."""
    low, high = bounds(cpus, files)
    share = 0.75 if cpus >= 2 else 0.5
    target = share * wall_ms / max(cpu_ms, 0.05)
    step = (current + target) / 2
    return max(low, min(high, round(step)))


class Adaptive:
    """The running limit of one batch; feed it each finished probe's wall time."""

    def __init__(self, cpus: int | None = None, files: int | None = None,
                 clock: Callable[[], float] = time.process_time) -> None:
        self.cpus = cpus or cpu_count()
        self.files = files or open_file_budget()
        self.limit = initial_limit(self.cpus, self.files)
        self._clock = clock
        self._walls: list[float] = []
        self._cpu_start = clock()

    def finished(self, wall_ms: float) -> int:
        """Record one finished probe; returns the (possibly new) limit."""
        self._walls.append(wall_ms)
        if len(self._walls) >= max(4, self.limit // 2):
            now = self._clock()
            cpu_ms = (now - self._cpu_start) * 1000 / len(self._walls)
            walls = sorted(self._walls)
            self.limit = next_limit(self.limit, cpus=self.cpus, files=self.files,
                                    wall_ms=walls[len(walls) // 2], cpu_ms=cpu_ms)
            self._walls.clear()
            self._cpu_start = now
        return self.limit
