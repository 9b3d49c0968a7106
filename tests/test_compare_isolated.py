"""A comparison in a child process: the same result, events streamed live, secrets only
over the pipe, and nothing left running when it is cancelled."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest

from smtptui.compare.isolated import compare_in_process
from smtptui.probe.config import ProbeConfig
from smtptui.probe.events import StageStarted
from tests.conftest import CANARY
from tests.servers import RawFactory

ConfigFor = Callable[..., ProbeConfig]


def mine() -> list[str]:
    """This process's comparison children still running."""
    from tests.test_isolation import children

    return children()


async def test_the_child_compares_and_streams_its_events(relay, config_for: ConfigFor) -> None:
    seen: list[tuple[str, int, str]] = []
    comparison = await compare_in_process(
        ("a", config_for(relay.port)), ("b", config_for(relay.port)), 2,
        lambda side, run, event: seen.append((side, run, type(event).__name__)))
    assert comparison.ok and comparison.runs == 2
    assert relay.connections == 4 and relay.verbs.count("AUTH") == 4  # the secret arrived
    for side in ("a", "b"):
        finished = [run for s, run, kind in seen if s == side and kind == "ProbeFinished"]
        assert finished == [0, 1]
        assert (side, 0, "StageStarted") in seen
    assert CANARY not in repr(comparison)


async def test_the_secret_is_not_on_the_childs_command_line_or_environment(
        raw_server: RawFactory, config_for: ConfigFor) -> None:
    """While the child is connected, its /proc entries hold no secret."""
    reached = asyncio.Event()
    server = await raw_server(lambda conn: (reached.set(), conn.until_eof())[1])
    task = asyncio.create_task(compare_in_process(
        ("a", config_for(server.port, timeout=30)), ("b", config_for(server.port, timeout=30)),
        1))
    await reached.wait()
    running = mine()
    assert running
    for pid in running:
        assert CANARY.encode() not in Path(f"/proc/{pid}/cmdline").read_bytes()
        assert CANARY.encode() not in Path(f"/proc/{pid}/environ").read_bytes()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_cancelling_kills_the_child_and_closes_its_connections(
        raw_server: RawFactory, config_for: ConfigFor) -> None:
    started = asyncio.Event()

    def on_event(_side: str, _run: int, event: object) -> None:
        if isinstance(event, StageStarted) and event.stage == "greeting":
            started.set()

    server = await raw_server(lambda conn: conn.until_eof())  # never greets
    task = asyncio.create_task(compare_in_process(
        ("a", config_for(server.port, timeout=30)), ("b", config_for(server.port, timeout=30)),
        1, on_event))
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await asyncio.wait_for(server.closed.wait(), 5)  # the server saw the sockets close
    assert mine() == []


async def test_a_failure_in_the_child_is_one_line_here(config_for: ConfigFor) -> None:
    with pytest.raises(RuntimeError, match="^ValueError: runs must be 1-100, got 0$"):
        await compare_in_process(("a", config_for(1)), ("b", config_for(1)), 0)


def test_secrets_travel_apart_from_the_config_and_come_back(config_for: ConfigFor) -> None:
    import pickle

    from smtptui.isolation import seal, unseal

    sealed = seal(config_for(25))
    assert CANARY not in repr(sealed[0])
    config = unseal(pickle.loads(pickle.dumps(sealed)))
    assert config.password is not None and config.password.reveal() == CANARY
