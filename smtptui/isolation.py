"""Engine work in a child process, streamed back to the caller's event loop.

Inside the dashboard, probes share one interpreter with the screen: whatever thread they
run on, the screen's work holds the same GIL, and stage times come out several times
slower and uneven. A child process has its own interpreter, so its timings are those of
the headless commands. The app runs every probe, batch and comparison this way.

The child is ``python -m smtptui.isolation``: the job arrives on its stdin, its results
leave on its stdout as length-prefixed pickles — between this process and the child it
started, nobody else. Secrets travel in memory over that pipe, never in argv or the
environment; a :class:`Secret` refuses to be pickled, so they are taken out of the
configs for the trip (:func:`seal`) and put back on arrival.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import pickle
import struct
import sys
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from typing import Any, BinaryIO

from smtptui.probe.config import ProbeConfig, Secret

Sealed = tuple[ProbeConfig, str | None, str | None]
"""A config without its secrets, and the secrets: (config, password, token)."""

STOP_WAIT = 5.0
BATCH_SECONDS = 0.025
"""How often the child sends what it has gathered (the screen batches its updates too)."""
_HEADER = struct.Struct("!I")


def seal(config: ProbeConfig) -> Sealed:
    password = config.password.reveal() if config.password else None
    token = config.oauth_token.reveal() if config.oauth_token else None
    return dataclasses.replace(config, password=None, oauth_token=None), password, token


def unseal(sealed: Sealed) -> ProbeConfig:
    config, password, token = sealed
    return dataclasses.replace(
        config, password=Secret(password) if password is not None else None,
        oauth_token=Secret(token) if token is not None else None)


async def from_child(job: tuple[Any, ...]) -> AsyncGenerator[tuple[str, Any], None]:
    """Run ``job`` in a child; yield ``("item", x)`` as they come, then ``("done", result)``.

    A failure in the child is raised here as one-line :class:`RuntimeError`. Closing or
    cancelling the iterator kills the child (its sockets close with it).
    """
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "smtptui.isolation",
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL)
    assert child.stdin is not None and child.stdout is not None
    result: Any = None
    finished = False
    try:
        child.stdin.write(_frame(job))
        await child.stdin.drain()  # stdin stays open: the child stops when it closes
        while True:
            try:
                header = await child.stdout.readexactly(_HEADER.size)
                kind, value = pickle.loads(await child.stdout.readexactly(
                    _HEADER.unpack(header)[0]))
            except asyncio.IncompleteReadError:
                raise RuntimeError("the probe process ended without a result") from None
            if kind == "items":
                for item in value:
                    yield "item", item
            elif kind == "done":
                result, finished = value, True
                break
            else:
                raise RuntimeError(value)
    finally:
        child.stdin.close()  # the child's cue to stop (also when this process dies)
        if child.returncode is None and not finished:
            with contextlib.suppress(ProcessLookupError):
                child.kill()  # at once: its sockets close with it
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(child.wait(), STOP_WAIT)
            await asyncio.wait_for(child.stdout.read(), STOP_WAIT)  # to EOF: pipes closed
    yield "done", result


async def probe_in_process(config: ProbeConfig) -> AsyncIterator[Any]:
    """:func:`smtptui.probe.engine.run_probe`, in a child: the same events."""
    async with contextlib.aclosing(from_child(("probe", seal(config)))) as messages:
        async for kind, value in messages:
            if kind == "item":
                yield value


async def probe_many_in_process(configs: list[ProbeConfig], concurrency: int
                                ) -> AsyncIterator[Any]:
    """:func:`smtptui.probe.batch.probe_many`, in a child: (index, report) as each ends."""
    job = ("batch", [seal(c) for c in configs], concurrency)
    async with contextlib.aclosing(from_child(job)) as messages:
        async for kind, value in messages:
            if kind == "item":
                yield value


def _frame(value: object) -> bytes:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return _HEADER.pack(len(data)) + data


def _read_job(stream: BinaryIO) -> tuple[Any, ...]:
    size = _HEADER.unpack(stream.read(_HEADER.size))[0]
    job: tuple[Any, ...] = pickle.loads(stream.read(size))
    return job


async def _run(job: tuple[Any, ...], emit: Callable[[Any], None]) -> Any:
    """What the child does for each kind of job; returns the final result."""
    kind = job[0]
    if kind == "probe":
        from smtptui.probe.engine import run_probe

        async for event in run_probe(unseal(job[1])):
            emit(event)
        return None
    if kind == "batch":
        from smtptui.probe.batch import probe_many

        async for index, report in probe_many([unseal(s) for s in job[1]], job[2]):
            emit((index, report))
        return None
    if kind == "compare":
        from smtptui.compare.runner import run_comparison

        (name_a, a), (name_b, b), runs = job[1], job[2], job[3]
        return await run_comparison((name_a, unseal(a)), (name_b, unseal(b)), runs,
                                    on_event=lambda side, run, event: emit((side, run, event)))
    raise ValueError(f"unknown job {kind!r}")


def _orphaned(running: asyncio.Task[Any]) -> None:
    """stdin is readable: at its end (the parent closed it or died), give up the work."""
    import os

    if not os.read(sys.stdin.fileno(), 1024):
        running.cancel()


def main() -> None:
    """The child: read the job, run it, send what it yields in batches, then the result.

    Batches (every :data:`BATCH_SECONDS`) cost the probes being timed a short pause now
    and then, rather than a little at every step."""
    out = sys.stdout.buffer
    batch: list[Any] = []

    def send(kind: str, value: Any) -> None:
        out.write(_frame((kind, value)))
        out.flush()

    def flush() -> None:
        if batch:
            send("items", tuple(batch))
            batch.clear()

    async def flusher() -> None:
        while True:
            await asyncio.sleep(BATCH_SECONDS)
            flush()

    async def work() -> None:
        job = _read_job(sys.stdin.buffer)
        running = asyncio.create_task(_run(job, batch.append))
        ticking = asyncio.create_task(flusher())
        loop = asyncio.get_running_loop()
        # stdin closes when the parent is done with us, or dies: stop then, whatever runs
        loop.add_reader(sys.stdin.fileno(), lambda: _orphaned(running))
        try:
            result = await running
        finally:
            loop.remove_reader(sys.stdin.fileno())
            ticking.cancel()
            flush()
        send("done", result)

    try:
        asyncio.run(work())
    except Exception as exc:  # told to the parent in one line, never a traceback
        with contextlib.suppress(OSError):
            flush()
            send("error", f"{type(exc).__name__}: {exc}")


if __name__ == "__main__":
    main()
