"""Many probes at once, bounded: the engine behind `probe --all` and the app's `a` key."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence

from smtptui.probe.config import ProbeConfig
from smtptui.probe.engine import probe
from smtptui.probe.events import ProbeReport

DEFAULT_CONCURRENCY = 10


async def probe_many(
    configs: Sequence[ProbeConfig], concurrency: int = DEFAULT_CONCURRENCY
) -> AsyncIterator[tuple[int, ProbeReport]]:
    """Yield (index in ``configs``, report) as each probe finishes, at most
    ``concurrency`` running at once. Closing the iterator cancels what is running."""
    if concurrency < 1:
        raise ValueError("concurrency must be at least 1")
    from smtptui.probe.warmup import warm_up

    await asyncio.to_thread(warm_up, configs)  # one-off costs, before anything is timed
    limit = asyncio.Semaphore(concurrency)
    done: asyncio.Queue[tuple[int, ProbeReport | BaseException]] = asyncio.Queue()

    async def one(index: int, config: ProbeConfig) -> None:
        async with limit:
            try:
                done.put_nowait((index, await probe(config)))
            except Exception as exc:  # a bug: surface it rather than wait forever
                done.put_nowait((index, exc))

    tasks = [asyncio.create_task(one(i, c)) for i, c in enumerate(configs)]
    try:
        for _ in tasks:
            index, result = await done.get()
            if isinstance(result, BaseException):
                raise result
            yield index, result
    finally:
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
