"""An asyncio event loop on its own thread, for work whose timing must not depend on
what the caller's loop is doing (a UI painting, a test's servers)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


class LoopThread:
    """A running event loop in a daemon thread."""

    def __init__(self, name: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True, name=name)
        self.thread.start()

    def submit(self, coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        """Start ``coro`` on this loop; cancelling the future cancels the task there."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    async def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run ``coro`` on this loop and wait for it from the caller's loop."""
        return await asyncio.wrap_future(self.submit(coro))

    def close(self) -> None:
        """Cancel what still runs on the loop (a caller interrupted mid-way: no "Task
        was destroyed but it is pending!"), then stop the loop and its thread."""
        if self.thread.is_alive() and self.loop.is_running():
            with contextlib.suppress(Exception):
                self.submit(_cancel_the_rest()).result(2)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        if not self.thread.is_alive():
            self.loop.close()


async def _cancel_the_rest() -> None:
    """Cancel every other task of the running loop and wait for them to end."""
    others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    for task in others:
        task.cancel()
    await asyncio.gather(*others, return_exceptions=True)
