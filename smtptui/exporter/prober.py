"""Probes on demand for scrapes: bounded concurrency, one running probe per profile
shared by every scrape that asks for it meanwhile, and the scrape's deadline kept."""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from smtptui.exporter.metrics import Outcome
from smtptui.exporter.selfmetrics import SelfMetrics
from smtptui.probe.config import ProbeConfig
from smtptui.probe.events import ProbeReport

if TYPE_CHECKING:
    from smtptui.history.record import HistorySink


@dataclass
class _Shared:
    task: asyncio.Task[ProbeReport]
    waiters: int = 0


class Prober:
    def __init__(self, concurrency: int, stats: SelfMetrics,
                 sink: HistorySink | None = None) -> None:
        self._limit = asyncio.Semaphore(concurrency)
        self._running: dict[str, _Shared] = {}
        self.stats = stats
        self.sink = sink
        self.clients: dict[str, str] = {}
        """Profile -> client, for the history."""

    async def run(self, name: str, config: ProbeConfig, budget: float) -> Outcome:
        """Probe profile ``name`` (or join its running probe), waiting at most ``budget``
        seconds. When the last waiter gives up, the probe is cancelled."""
        start = time.monotonic()
        shared = self._running.get(name)
        if shared is None:
            # Each stage gets at most the whole budget, so a silent relay is diagnosed as a
            # timeout at its stage rather than cut off without a word.
            config = dataclasses.replace(config, timeout=min(config.timeout, budget))
            shared = _Shared(asyncio.create_task(self._probe(name, config)))
            self._running[name] = shared
            shared.task.add_done_callback(functools.partial(self._forget, name, shared))
        else:
            self.stats.shared.inc()
        shared.waiters += 1
        try:
            report: ProbeReport | None = await asyncio.wait_for(asyncio.shield(shared.task),
                                                                budget)
        except TimeoutError:
            report = None
            self.stats.deadline_exceeded.inc()
        finally:
            shared.waiters -= 1
            if shared.waiters == 0 and not shared.task.done():
                shared.task.cancel()
        return Outcome(name, report, time.monotonic() - start)

    def _forget(self, name: str, shared: _Shared, _task: object) -> None:
        if self._running.get(name) is shared:
            del self._running[name]
        if not shared.task.cancelled():
            shared.task.exception()  # retrieved here; the waiters re-raise it

    async def _probe(self, name: str, config: ProbeConfig) -> ProbeReport:
        from smtptui.probe.engine import probe

        async with self._limit:
            self.stats.in_flight.inc()
            start = time.monotonic()
            try:
                report = await probe(config)
            finally:
                self.stats.in_flight.dec()
            self.stats.probe_seconds.observe(time.monotonic() - start)
        if self.sink is not None:  # one run, one row, however many scrapes shared it
            self.sink.record(report, profile=name, client=self.clients.get(name),
                             secrets=config.secrets)
        return report
