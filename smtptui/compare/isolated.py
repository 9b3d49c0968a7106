"""A comparison run in a process of its own (see :mod:`smtptui.isolation`), its events
streamed back as they happen, so its latencies are those of ``smtptui compare``."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from smtptui.compare.model import Comparison
from smtptui.isolation import from_child, seal
from smtptui.probe.config import ProbeConfig
from smtptui.probe.events import ProbeEvent

OnEvent = Callable[[str, int, ProbeEvent], None]
Side = tuple[str, ProbeConfig]


async def compare_in_process(a: Side, b: Side, runs: int,
                             on_event: OnEvent | None = None) -> Comparison:
    """:func:`smtptui.compare.runner.run_comparison`, run in a child process."""
    job = ("compare", (a[0], seal(a[1])), (b[0], seal(b[1])), runs)
    comparison: Comparison | None = None
    async with contextlib.aclosing(from_child(job)) as messages:
        async for kind, value in messages:
            if kind == "item" and on_event is not None:
                on_event(*value)
            elif kind == "done":
                comparison = value
    if comparison is None:
        raise RuntimeError("the comparison process ended without a result")
    return comparison
