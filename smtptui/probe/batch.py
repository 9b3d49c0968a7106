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
    limit = asyncio.Semaphore(concurrency)
    done: asyncio.Queue[tuple[int, ProbeReport]] = asyncio.Queue()

    async def one(index: int, config: ProbeConfig) -> None:
        async with limit:
            done.put_nowait((index, await probe(config)))

    tasks = [asyncio.create_task(one(i, c)) for i, c in enumerate(configs)]
    try:
        for _ in tasks:
            yield await done.get()
    finally:
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
