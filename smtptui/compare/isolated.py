"""A comparison run in a process of its own, its events streamed back as they happen.

Inside the dashboard, probes share one interpreter with the screen: whatever thread
they run on, the screen's work holds the same GIL, and stage times come out several
times slower and uneven — fatal for a latency comparison. A child process has its own
interpreter, so its timings are those of ``smtptui compare``.

The child is ``python -m smtptui.compare.isolated``: the job arrives on its stdin and
its events leave on its stdout, as length-prefixed pickles (between this process and
the child it started, nobody else). The secrets travel in memory over that pipe, never
in argv or the environment; a :class:`Secret` itself refuses to be pickled, so they are
taken out of the configs for the trip and put back on arrival.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import pickle
import struct
import sys
from collections.abc import Callable
from typing import Any, BinaryIO

from smtptui.compare.model import Comparison
from smtptui.probe.config import ProbeConfig, Secret
from smtptui.probe.events import ProbeEvent

OnEvent = Callable[[str, int, ProbeEvent], None]
Side = tuple[str, ProbeConfig]
Sealed = tuple[str, ProbeConfig, str | None, str | None]
"""A side with its secrets taken out of the config: (name, config, password, token)."""

STOP_WAIT = 5.0
BATCH_SECONDS = 0.025
"""How often the child sends the events gathered (the screen batches its updates too)."""
_HEADER = struct.Struct("!I")


async def compare_in_process(a: Side, b: Side, runs: int,
                             on_event: OnEvent | None = None) -> Comparison:
    """:func:`smtptui.compare.runner.run_comparison`, run in a child process."""
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "smtptui.compare.isolated",
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL)
    assert child.stdin is not None and child.stdout is not None
    try:
        child.stdin.write(_frame((_seal(a), _seal(b), runs)))
        await child.stdin.drain()
        child.stdin.close()
        while True:
            try:
                header = await child.stdout.readexactly(_HEADER.size)
                message = pickle.loads(await child.stdout.readexactly(
                    _HEADER.unpack(header)[0]))
            except asyncio.IncompleteReadError:
                raise RuntimeError("the comparison process ended without a result") from None
            if message[0] == "batch" and on_event is not None:
                for _kind, side, run, event in message[1]:
                    on_event(side, run, event)
            elif message[0] == "done":
                return message[1]  # type: ignore[no-any-return]
            elif message[0] == "error":
                raise RuntimeError(message[1])
    finally:
        if child.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                child.kill()  # its sockets close with it
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(child.wait(), STOP_WAIT)


def _frame(value: object) -> bytes:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return _HEADER.pack(len(data)) + data


def _seal(side: Side) -> Sealed:
    name, config = side
    password = config.password.reveal() if config.password else None
    token = config.oauth_token.reveal() if config.oauth_token else None
    return name, dataclasses.replace(config, password=None, oauth_token=None), password, token


def _unseal(sealed: Sealed) -> Side:
    name, config, password, token = sealed
    return name, dataclasses.replace(
        config, password=Secret(password) if password is not None else None,
        oauth_token=Secret(token) if token is not None else None)


def _read_job(stream: BinaryIO) -> tuple[Sealed, Sealed, int]:
    size = _HEADER.unpack(stream.read(_HEADER.size))[0]
    job: tuple[Sealed, Sealed, int] = pickle.loads(stream.read(size))
    return job


def main() -> None:
    """The child: read the job, run the comparison, stream events and the result.

    Events are sent in batches (every :data:`BATCH_SECONDS`), so that pickling and
    writing them costs the probes being timed one short pause now and then rather
    than a little at every step."""
    from smtptui.compare.runner import run_comparison

    out = sys.stdout.buffer
    batch: list[tuple[Any, ...]] = []

    def flush() -> None:
        if batch:
            out.write(_frame(("batch", tuple(batch))))
            out.flush()
            batch.clear()

    def on_event(side: str, run: int, event: ProbeEvent) -> None:
        batch.append(("event", side, run, event))

    async def flusher() -> None:
        while True:
            await asyncio.sleep(BATCH_SECONDS)
            flush()

    async def compare() -> None:
        a, b, runs = _read_job(sys.stdin.buffer)
        ticking = asyncio.create_task(flusher())
        try:
            comparison = await run_comparison(_unseal(a), _unseal(b), runs, on_event=on_event)
        finally:
            ticking.cancel()
            flush()
        out.write(_frame(("done", comparison)))
        out.flush()

    try:
        asyncio.run(compare())
    except Exception as exc:  # told to the parent in one line, never a traceback
        with contextlib.suppress(OSError):
            flush()
            out.write(_frame(("error", f"{type(exc).__name__}: {exc}")))
            out.flush()


if __name__ == "__main__":
    main()
