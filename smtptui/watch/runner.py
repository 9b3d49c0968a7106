"""The watch loop: each profile on its own schedule, as an async generator of events.

Each profile has its own task, so a slow relay never delays the others; within one
profile the next run starts only when the last has finished (runs never overlap): one
interval after the last run started, or at once if that run took longer (missed runs are
skipped, not queued). A shared limit bounds how many probes run at once.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from smtptui.probe.config import ProbeConfig
from smtptui.probe.events import ProbeReport
from smtptui.watch.events import Changed, Tick, WatchEvent
from smtptui.watch.state import State, change

if TYPE_CHECKING:
    from smtptui.history.record import HistorySink

DEFAULT_INTERVAL = 60.0
DEFAULT_CONCURRENCY = 10


@dataclass(frozen=True)
class WatchTarget:
    profile: str
    client: str
    config: ProbeConfig
    interval: float = DEFAULT_INTERVAL


async def _probe_once(config: ProbeConfig) -> ProbeReport:
    from smtptui.probe.batch import probe_many

    async for _index, report in probe_many([config], 1):
        return report
    raise RuntimeError("probe_many yielded nothing")  # pragma: no cover


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


async def watch(targets: Sequence[WatchTarget], *, concurrency: int = DEFAULT_CONCURRENCY,
                initial: dict[str, State] | None = None, sink: HistorySink | None = None
                ) -> AsyncGenerator[WatchEvent, None]:
    """Probe every target forever; yield a ``Tick`` per run and, before it, a ``Changed``
    when the state changed (the first run is a change from "unknown" unless ``initial``
    gives the last state known). Each run is recorded in ``sink`` (the history) first.
    Closing the generator cancels every probe."""
    limit = asyncio.Semaphore(concurrency)
    queue: asyncio.Queue[WatchEvent | BaseException] = asyncio.Queue()
    states = dict(initial or {})

    async def one(target: WatchTarget) -> None:
        due = time.monotonic()
        while True:
            try:
                async with limit:
                    report = await _probe_once(target.config)
            except Exception as exc:  # a bug: surface it rather than watch in silence
                queue.put_nowait(exc)
                return
            at = _now()
            recorded = sink.record(report, profile=target.profile, client=target.client,
                                   secrets=target.config.secrets) if sink else None
            run_id = recorded.run_id if recorded else None
            state = State.of(report)
            reason = change(states.get(target.profile), state)
            if reason is not None:
                queue.put_nowait(Changed(target.profile, target.client, report,
                                         states.get(target.profile), state, reason, at,
                                         run_id))
            states[target.profile] = state
            queue.put_nowait(Tick(target.profile, target.client, report, state, at, run_id))
            now = time.monotonic()
            due += target.interval
            if due < now:  # the run took longer than the interval: start again now
                due = now
            await asyncio.sleep(due - now)

    tasks = [asyncio.create_task(one(t)) for t in targets]
    try:
        while True:
            event = await queue.get()
            if isinstance(event, BaseException):
                raise event
            yield event
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
