"""The engine's public face: an async generator of typed events for one probe.

    async for event in run_probe(config):
        ...                      # StageStarted, WireLine, StageFinished, ProbeFinished

Closing or cancelling the consumer cancels the session task, which closes its socket;
nothing is left running.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from smtptui.probe.config import ProbeConfig
from smtptui.probe.events import ProbeEvent, ProbeFinished, ProbeReport
from smtptui.probe.session import Session


async def run_probe(config: ProbeConfig) -> AsyncIterator[ProbeEvent]:
    """Run one probe, yielding each event as it happens; the last is ``ProbeFinished``."""
    queue: asyncio.Queue[ProbeEvent | BaseException] = asyncio.Queue()
    session = Session(config, queue.put_nowait)
    task = asyncio.create_task(session.run(), name=f"smtptui-probe-{config.host}")

    def ended(t: asyncio.Task[ProbeReport]) -> None:
        if not t.cancelled() and t.exception() is not None:
            queue.put_nowait(t.exception())  # type: ignore[arg-type]

    task.add_done_callback(ended)
    try:
        while True:
            event = await queue.get()
            if isinstance(event, BaseException):
                raise event
            yield event
            if isinstance(event, ProbeFinished):
                return
    finally:
        if not task.done():
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task


async def probe(config: ProbeConfig) -> ProbeReport:
    """Run one probe to the end and return its report (no event stream to feed)."""
    return await Session(config, _discard).run()


def _discard(_event: ProbeEvent) -> None:
    """Nobody listens: :func:`probe` only wants the report."""


def planned_stages(config: ProbeConfig) -> list[str]:
    """The stages a probe with this config will try, in order (for a stage strip)."""
    stages = ["resolve", "connect"]
    if config.tls == "implicit":
        stages.append("tls")
    stages += ["greeting", "ehlo"]
    stop = config.stop_after
    if stop in ("greeting",):
        return stages[:-1] + ["quit"]
    if stop == "ehlo":
        return stages + ["quit"]
    if config.tls in ("starttls", "opportunistic"):
        stages += ["starttls", "ehlo"]
    if stop == "tls":
        return stages + ["quit"]
    stages.append("auth")
    if stop != "auth" and config.mail_from is not None:
        stages.append("mail")
        if stop != "mail" and config.rcpt_to:
            stages.append("rcpt")
            if stop != "rcpt" and config.send:
                stages.append("data")
    return stages + ["quit"]
