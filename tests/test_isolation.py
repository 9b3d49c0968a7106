"""The engine in a child process: the same events, timings that do not include the
caller's work (not even its GIL), and cancellation that leaves nothing behind."""

from __future__ import annotations

import asyncio
import os
import ssl
import threading
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from smtptui.demo.relay import Relay, RelayOptions
from smtptui.isolation import probe_in_process, probe_many_in_process
from smtptui.loopthread import LoopThread
from smtptui.probe.config import ProbeConfig
from smtptui.probe.engine import run_probe
from smtptui.probe.events import ProbeEvent, ProbeFinished, ProbeReport, StageStarted
from tests.conftest import CANARY, USER
from tests.servers import RawFactory

ConfigFor = Callable[..., ProbeConfig]
Source = Callable[[ProbeConfig], AsyncIterator[ProbeEvent]]
BUSY_S = 0.5
"""How long the consumer keeps its loop busy (standing in for a UI painting)."""


@pytest.fixture
async def relay_elsewhere(server_ctx: ssl.SSLContext) -> AsyncIterator[Relay]:
    """A relay on its own loop thread, so that blocking the test's loop cannot slow it."""
    runner = LoopThread("test-relay")
    relay = await runner.run(Relay(RelayOptions(starttls=server_ctx,
                                                users={USER: CANARY})).start())
    yield relay
    await runner.run(relay.stop())
    runner.close()


def keep_busy(seconds: float) -> None:
    """CPU work on the calling thread (blocks its event loop, like a long paint)."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        sum(range(1000))


async def consume_busily(source: Source, config: ProbeConfig) -> tuple[ProbeReport, set[str]]:
    """Run a probe, blocking the consumer's loop when the greeting stage starts."""
    report: ProbeReport | None = None
    threads: set[str] = set()
    async for event in source(config):
        threads.add(threading.current_thread().name)
        if isinstance(event, StageStarted) and event.stage == "greeting":
            keep_busy(BUSY_S)
        if isinstance(event, ProbeFinished):
            report = event.report
    assert report is not None
    return report, threads


async def test_in_process_gives_the_same_stages_as_the_engine(relay_elsewhere: Relay,
                                                           config_for: ConfigFor) -> None:
    config = config_for(relay_elsewhere.port)
    inline = [e.report async for e in run_probe(config) if isinstance(e, ProbeFinished)][0]
    events = [e async for e in probe_in_process(config)]
    in_process = events[-1]
    assert isinstance(in_process, ProbeFinished) and in_process.report.ok and inline.ok
    assert [(s.stage, s.status) for s in in_process.report.stages] == [
        (s.stage, s.status) for s in inline.stages]
    assert [e.text for e in in_process.report.transcript if e.direction == "C"] == [
        e.text for e in inline.transcript if e.direction == "C"]


async def test_a_busy_caller_does_not_slow_the_in_process_timings(relay_elsewhere: Relay,
                                                              config_for: ConfigFor) -> None:
    config = config_for(relay_elsewhere.port)
    inline, _ = await consume_busily(run_probe, config)
    in_process, threads = await consume_busily(probe_in_process, config)
    assert inline.ok and in_process.ok
    # The same-loop probe could not go on while its consumer was busy; the child did.
    assert inline.total_ms >= BUSY_S * 1000
    assert in_process.total_ms < BUSY_S * 1000
    assert threads == {threading.current_thread().name}  # events arrive on the caller's loop


async def test_cancelling_the_consumer_kills_the_child(
        raw_server: RawFactory, config_for: ConfigFor) -> None:
    server = await raw_server(lambda conn: conn.until_eof())  # never greets
    reached = asyncio.Event()

    async def consume() -> None:
        async for event in probe_in_process(config_for(server.port, timeout=30)):
            if isinstance(event, StageStarted) and event.stage == "greeting":
                reached.set()

    task = asyncio.create_task(consume())
    await reached.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await asyncio.wait_for(server.closed.wait(), 5)  # the server saw the socket close
    assert children() == []


async def test_a_batch_in_a_child_reports_each_profile(relay_elsewhere: Relay,
                                                      config_for: ConfigFor) -> None:
    configs = [config_for(relay_elsewhere.port) for _ in range(5)]
    results = [item async for item in probe_many_in_process(configs, 3)]
    assert sorted(index for index, _report in results) == [0, 1, 2, 3, 4]
    assert all(report.ok for _index, report in results)
    assert children() == []


def children(parent: int | None = None) -> list[str]:
    """This process's (or ``parent``'s) children running ``python -m smtptui.isolation``
    (other test workers may be running their own)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
            ppid = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if b"-m\0smtptui.isolation" in command and ppid == (parent or os.getpid()):
            found.append(pid)
    return found


async def test_a_child_whose_parent_dies_stops_and_closes_its_connection(
        raw_server: RawFactory) -> None:
    """The parent is killed outright (no cleanup): its child sees stdin close and quits."""
    import signal
    import sys

    server = await raw_server(lambda conn: conn.until_eof())  # never greets
    parent_code = (
        "import asyncio, sys\n"
        "from smtptui.isolation import probe_in_process\n"
        "from smtptui.probe.config import ProbeConfig\n"
        "async def main():\n"
        f"    config = ProbeConfig(host='127.0.0.1', port={server.port}, timeout=60)\n"
        "    async for event in probe_in_process(config):\n"
        "        print(type(event).__name__, flush=True)\n"
        "asyncio.run(main())\n"
    )
    parent = await asyncio.create_subprocess_exec(
        sys.executable, "-c", parent_code, stdout=asyncio.subprocess.PIPE)
    assert parent.stdout is not None
    while b"StageStarted" not in await asyncio.wait_for(parent.stdout.readline(), 10):
        pass
    orphans = children(parent.pid)
    assert server.connections == 1 and len(orphans) == 1
    parent.send_signal(signal.SIGKILL)
    await parent.wait()
    await asyncio.wait_for(server.closed.wait(), 5)  # the orphan gave up its connection
    await asyncio.wait_for(exited(int(orphans[0])), 5)  # and ended


async def exited(pid: int) -> None:
    """Until process ``pid`` (not our child) has ended: its pidfd becomes readable."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return
    loop = asyncio.get_running_loop()
    ended = loop.create_future()
    loop.add_reader(fd, lambda: ended.done() or ended.set_result(None))
    try:
        await ended
    finally:
        loop.remove_reader(fd)
        os.close(fd)
