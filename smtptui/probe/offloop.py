"""The engine on its own event-loop thread, for callers whose loop is busy (a UI).

A probe's timings are taken on the loop that runs it: if that loop also paints a
screen, every stage looks slower by whatever the UI was doing. :func:`run_probe_offloop`
runs the engine on one shared background loop and hands each event to the caller's
loop as it happens. Closing or cancelling the consumer cancels the probe there and waits
until it has closed its socket, so nothing is left running.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any, TypeVar

from smtptui.probe.config import ProbeConfig
from smtptui.probe.events import ProbeEvent, ProbeFinished

if TYPE_CHECKING:
    from smtptui.loopthread import LoopThread

T = TypeVar("T")

STOP_WAIT = 5.0
"""Seconds to wait for a cancelled probe to wind down on its loop."""

_lock = threading.Lock()
_shared: LoopThread | None = None


def probe_loop() -> LoopThread:
    """The loop thread all off-loop probes share (started on first use)."""
    global _shared
    with _lock:
        if _shared is None or not _shared.thread.is_alive():
            from smtptui.loopthread import LoopThread

            _shared = LoopThread("smtptui-probes")
        return _shared


async def run_probe_offloop(config: ProbeConfig) -> AsyncIterator[ProbeEvent]:
    """Like :func:`smtptui.probe.engine.run_probe`, with the session on :func:`probe_loop`."""
    from smtptui.probe.engine import run_probe

    async for event in iterate_offloop(lambda: run_probe(config), f"probe-{config.host}"):
        yield event
        if isinstance(event, ProbeFinished):
            return


async def iterate_offloop(make: Callable[[], AsyncIterator[T]], name: str = "work"
                          ) -> AsyncIterator[T]:
    """Iterate ``make()`` on :func:`probe_loop`, yielding its items on the caller's loop.

    An exception in the iterator is raised here; closing or cancelling this iterator
    cancels it there and waits (up to :data:`STOP_WAIT`) until it has wound down.
    """
    here = asyncio.get_running_loop()
    queue: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
    ended = asyncio.Event()

    def hand_over(kind: str, item: Any = None) -> None:
        with contextlib.suppress(RuntimeError):  # the caller's loop is already closed
            here.call_soon_threadsafe(queue.put_nowait, (kind, item))

    async def pump() -> None:
        try:
            async for item in make():
                hand_over("item", item)
            hand_over("end")
        except Exception as exc:
            hand_over("error", exc)

    def finished(_task: asyncio.Task[None]) -> None:
        with contextlib.suppress(RuntimeError):
            here.call_soon_threadsafe(ended.set)

    runner = probe_loop()
    tasks: list[asyncio.Task[None]] = []

    def start() -> None:  # on the probe loop
        task = runner.loop.create_task(pump(), name=f"smtptui-offloop-{name}")
        task.add_done_callback(finished)  # runs even if cancelled before its first step
        tasks.append(task)

    def cancel() -> None:  # on the probe loop, always after start()
        tasks[0].cancel()

    runner.loop.call_soon_threadsafe(start)
    try:
        while True:
            kind, item = await queue.get()
            if kind == "end":
                return
            if kind == "error":
                raise item
            yield item
    finally:
        runner.loop.call_soon_threadsafe(cancel)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(ended.wait(), STOP_WAIT)
