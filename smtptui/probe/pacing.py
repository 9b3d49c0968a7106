"""When a batch's next probe may start: probes that fill free slots together start no
closer together than the CPU time a probe costs.

All probes of a batch share one event loop. Probes started together wait together (the
relay's greeting, the round trips) and then all want the core in the same millisecond:
50 greetings arriving at once are 50 TLS handshakes queued for one core, which the loop
interleaves, so the 50 finish together at the end of that burst, free their slots
together and start the next 50 together. The batch moves in waves, each paying its burst
on top of the network's latency (200 probes at 50 at once against relays 250 ms away:
1.30 s, for 4 x 250 ms of waiting). Spacing the starts by what a probe costs the core
turns the waves into a pipeline: each probe's CPU work comes as the one before it is
done, probes end one by one and the next ones start waiting at once (1.19 s; see
``bench/batch.py``). Stage timings in a batch are truer too, with no burst to queue in.

Only starts that fill slots together are spaced: the batch's first ones, and those a
raised limit lets in. A probe that takes the slot of one that just ended starts at once:
the ends are already spaced by the core, and spacing them again would leave it idle when
the core, not the network, is what the batch waits on (10,000 profiles against loopback
relays ran 26% slower so).

The spacing is the process's CPU time per finished probe so far (everything it costs:
TLS, parsing, the report, recording and printing it), times :data:`SHARE`, so that the
pacing never holds back a batch the core could go faster on; until the first probes
have finished it is :data:`INITIAL_GAP_S`. Starts already further apart than that (a
batch waiting on its relays, one at a time) never wait.
"""

from __future__ import annotations

import time
from collections.abc import Callable

INITIAL_GAP_S = 0.002
"""The spacing before any probe has finished: about what a STARTTLS + AUTH probe costs
the client (1.8-2.3 ms measured in ``bench/batch.py``)."""
SHARE = 0.9
"""Starts come at most this fraction of a probe's CPU apart: a little faster than the core
can serve them, so it never idles for want of a started probe."""
MIN_GAP_S = 0.0002
MAX_GAP_S = 0.02
"""However much a probe costs, at least 50 start each second."""
MEASURE_AFTER = 4
"""Finished probes before the measured cost replaces :data:`INITIAL_GAP_S`."""


class Pacer:
    """The start times of one batch. Ask :meth:`delay` as each probe is about to start;
    tell :meth:`finished` as each ends."""

    def __init__(self, cpu: Callable[[], float] = time.process_time,
                 initial_gap: float = INITIAL_GAP_S) -> None:
        self.gap = initial_gap
        self._cpu = cpu
        self._cpu_start = cpu()
        self._finished = 0
        self._next = float("-inf")

    def delay(self, now: float, *, replacing: bool = False) -> float:
        """Seconds the probe asking at ``now`` (a monotonic clock) waits before it starts;
        its turn is booked, so the next one asking waits for it. ``replacing``: it takes
        the slot of a probe that just ended, and starts at once (nothing booked)."""
        if replacing:
            return 0.0
        at = max(now, self._next)
        self._next = at + self.gap
        return at - now

    def finished(self) -> None:
        """One probe ended: the spacing follows the CPU time per probe so far."""
        self._finished += 1
        if self._finished >= MEASURE_AFTER:
            per_probe = (self._cpu() - self._cpu_start) / self._finished
            self.gap = min(MAX_GAP_S, max(MIN_GAP_S, SHARE * per_probe))
