"""`probe --all` prints each result as it ends (or, with --ordered, in the file's order),
and runs as many probes at once as the machine and the relays' latency call for."""

from __future__ import annotations

import asyncio
import json
import os
import ssl
import sys
from pathlib import Path

import pytest

from smtptui.probe.batch import probe_many
from smtptui.probe.concurrency import (
    Adaptive,
    bounds,
    cpu_count,
    initial_limit,
    next_limit,
    open_file_budget,
)
from tests.conftest import CANARY, USER, RelayFactory, make_config


def profiles_file(path: Path, ports: list[int], cafile: str) -> Path:
    path.write_text("\n".join(
        f'[[profile]]\nname = "p{i}"\nhost = "127.0.0.1"\nport = {port}\n'
        f'username = "{USER}"\npassword = {{ env = "SMTP_PW" }}\ncafile = "{cafile}"\n'
        for i, port in enumerate(ports)))
    return path


async def stream(*args: str) -> tuple[list[str], list[bool], int]:
    """The CLI's stdout lines, and for each whether the process was still running when
    the line arrived."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "smtptui", *args, env={**os.environ, "SMTP_PW": CANARY},
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE)
    assert proc.stdout is not None
    lines, running = [], []
    while line := await asyncio.wait_for(proc.stdout.readline(), 60):
        lines.append(line.decode())
        running.append(proc.returncode is None)
    await proc.wait()
    return lines, running, proc.returncode or 0


@pytest.fixture
async def slow_first(relay_factory: RelayFactory, server_ctx: ssl.SSLContext, cafile: str,
                     tmp_path: Path) -> Path:
    """p0 waits 1.5 s for its greeting; p1-p5 are answered at once."""
    slow = await relay_factory(starttls=server_ctx, greeting_delay=1.5)
    fast = await relay_factory(starttls=server_ctx)
    return profiles_file(tmp_path / "p.toml", [slow.port] + [fast.port] * 5, cafile)


async def test_results_are_printed_as_they_end(slow_first: Path) -> None:
    lines, running, code = await stream("probe", "--all", "--json", "--profiles",
                                        str(slow_first))
    assert code == 0
    names = [json.loads(line)["profile"] for line in lines]
    assert sorted(names) == [f"p{i}" for i in range(6)] and names[-1] == "p0"
    assert running[0]  # the first result was out while the slow probe still ran


async def test_ordered_prints_in_the_files_order(slow_first: Path) -> None:
    lines, _, code = await stream("probe", "--all", "--json", "--ordered", "--profiles",
                                  str(slow_first))
    assert code == 0
    assert [json.loads(line)["profile"] for line in lines] == [f"p{i}" for i in range(6)]
    lines, _, _ = await stream("probe", "--all", "--ordered", "--profiles", str(slow_first))
    assert [line.split()[2] for line in lines[:6]] == [f"p{i}" for i in range(6)]
    assert lines[-1].strip() == "6 of 6 profiles passed"


async def test_ordered_needs_a_batch() -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "smtptui", "probe", "--host", "127.0.0.1", "--ordered",
        stderr=asyncio.subprocess.PIPE)
    _, err = await proc.communicate()
    assert proc.returncode == 2 and b"--ordered only applies with --all" in err


async def test_adaptive_batch_runs_probes_side_by_side(relay_factory: RelayFactory,
                                                       server_ctx: ssl.SSLContext,
                                                       cafile: str) -> None:
    relay = await relay_factory(starttls=server_ctx, greeting_delay=0.2)
    configs = [make_config(relay.port, cafile=cafile, servername="localhost")
               for _ in range(12)]
    seen = sorted([i async for i, report in probe_many(configs, None) if report.ok])
    assert seen == list(range(12))
    assert 2 <= relay.max_active <= initial_limit(cpu_count(), open_file_budget())


def test_the_limit_moves_towards_what_the_latency_needs() -> None:
    # 250 ms per probe, 4 ms of CPU each: about 47 in flight keep 3/4 of a core busy
    limit = 8
    for _ in range(12):
        limit = next_limit(limit, cpus=2, files=10_000, wall_ms=254, cpu_ms=4)
    assert 45 <= limit <= 48
    # the core is the bottleneck: each probe's time is queueing behind the others
    assert next_limit(40, cpus=2, files=10_000, wall_ms=40 * 4, cpu_ms=4) < 40
    # loopback relays: no waiting to cover, so the floor (2 per CPU)
    assert next_limit(16, cpus=2, files=10_000, wall_ms=5, cpu_ms=4) == 8
    assert next_limit(8, cpus=2, files=10_000, wall_ms=5, cpu_ms=4) == 4
    # a slow network never opens more than 100 (memory), nor more sockets than allowed
    assert next_limit(90, cpus=8, files=10_000, wall_ms=30_000, cpu_ms=1) == 100
    assert next_limit(100, cpus=8, files=30, wall_ms=30_000, cpu_ms=1) == 30
    assert bounds(1, 10_000) == (2, 100) and initial_limit(2, 10_000) == 8


def test_adaptive_measures_cpu_per_probe_over_a_window() -> None:
    clock = iter([0.0, 0.016, 0.032]).__next__  # 4 ms of CPU for each of 4 probes
    adaptive = Adaptive(cpus=2, files=10_000, clock=clock)
    assert adaptive.limit == 8
    limits = [adaptive.finished(254.0) for _ in range(4)]
    assert limits[:3] == [8, 8, 8] and limits[3] == round((8 + 0.75 * 254 / 4) / 2)


async def test_a_report_with_keys_added_is_the_text_json_dumps_gives(
        relay_factory: RelayFactory, server_ctx: ssl.SSLContext, cafile: str) -> None:
    # --json prints the report's text (serialised once: the history keeps the same
    # text) with the front end's keys spliced in: byte for byte what json.dumps gives
    # for the whole object, non-ASCII text included.
    import json

    from smtptui.probe.engine import probe
    from smtptui.probe.events import with_keys

    relay = await relay_factory(starttls=server_ctx)
    report = await probe(make_config(relay.port, cafile=cafile, servername="localhost"))
    extra = {"profile": "Relais ünïcode \u2603", "client": "", "history": {
        "run_id": 7, "previous": None, "changes": [{"text": "\u00e9t\u00e9 \"quoted\""}]}}
    text = report.to_json_text()
    assert text == json.dumps(report.to_json(), ensure_ascii=False)
    assert with_keys(text, extra) == json.dumps({**report.to_json(), **extra},
                                                ensure_ascii=False)
    assert with_keys(text, {}) == text
    assert list(json.loads(with_keys(text, extra)))[-3:] == ["profile", "client", "history"]
