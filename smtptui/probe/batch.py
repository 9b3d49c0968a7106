"""Many probes at once, bounded: the engine behind `probe --all` and the app's `a` key."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence

from smtptui.probe.config import ProbeConfig
from smtptui.probe.engine import probe
from smtptui.probe.events import ProbeReport
from smtptui.probe.pacing import Pacer

DEFAULT_CONCURRENCY = 10
"""What callers that want a fixed number have used; ``concurrency=None`` adapts instead
(see :mod:`smtptui.probe.concurrency`)."""


async def probe_many(
    configs: Sequence[ProbeConfig], concurrency: int | None = DEFAULT_CONCURRENCY,
    pacer: Pacer | None = None,
) -> AsyncIterator[tuple[int, ProbeReport]]:
    """Yield (index in ``configs``, report) as each probe finishes, at most
    ``concurrency`` running at once (None: as many as the machine and the network's
    latency call for). Probes start as others end, so a batch of any size holds only
    what is in flight; probes that fill free slots together start spaced by the CPU
    time a probe costs (``pacer``: by default a new :class:`~smtptui.probe.pacing.Pacer`).
    Closing the iterator cancels what is running."""
    if concurrency is not None and concurrency < 1:
        raise ValueError("concurrency must be at least 1")
    from smtptui.probe.warmup import warm_up

    await asyncio.to_thread(warm_up, configs)  # one-off costs, before anything is timed
    loop = asyncio.get_running_loop()
    if pacer is None:
        pacer = Pacer()
    adaptive = None
    if concurrency is None:
        from smtptui.probe.concurrency import Adaptive

        adaptive = Adaptive()
    limit = adaptive.limit if adaptive else concurrency or 1
    done: asyncio.Queue[tuple[int, ProbeReport | BaseException]] = asyncio.Queue()
    tasks: set[asyncio.Task[None]] = set()
    in_flight = 0
    waiting = iter(enumerate(configs))

    async def one(index: int, config: ProbeConfig, replacing: bool) -> None:
        nonlocal in_flight
        wait = pacer.delay(loop.time(), replacing=replacing)
        if wait > 0:
            await asyncio.sleep(wait)
        try:
            result: ProbeReport | BaseException = await probe(config)
        except Exception as exc:  # a bug: surface it rather than wait forever
            result = exc
        in_flight -= 1
        pacer.finished()
        done.put_nowait((index, result))

    def start(freed: int = 0) -> None:
        """Fill the free slots; the first ``freed`` take the places of probes that ended."""
        nonlocal in_flight
        while in_flight < limit:
            item = next(waiting, None)
            if item is None:
                return
            in_flight += 1
            task = asyncio.create_task(one(*item, replacing=freed > 0))
            freed -= 1
            tasks.add(task)
            task.add_done_callback(tasks.discard)

    try:
        start()
        for _ in range(len(configs)):
            index, result = await done.get()
            if isinstance(result, BaseException):
                raise result
            if adaptive:
                limit = adaptive.finished(result.total_ms)
            start(freed=1)
            yield index, result
    finally:
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
