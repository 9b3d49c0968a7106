"""Watch: state changes (not runs) from loopback relays whose verdict flips, no overlap
within a profile, a slow relay not delaying others, and the headless `smtptui watch`."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import ssl
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from smtptui.probe.config import ProbeConfig
from smtptui.watch.events import Changed, Tick
from smtptui.watch.runner import WatchTarget, watch
from smtptui.watch.state import State, change
from tests.conftest import CANARY, USER, RelayFactory
from tests.relay_profiles import PASSWORD_VAR, write_profiles
from tests.watch_relays import ScriptedUsers

Make = Callable[..., ProbeConfig]


async def test_changes_not_runs(relay_factory: RelayFactory, server_ctx: ssl.SSLContext,
                                config_for: Make) -> None:
    users = ScriptedUsers(USER, CANARY, [True] * 3 + [False] * 3 + [True])
    # one mechanism: a failing password costs one AUTH (no fallback), one scripted verdict
    relay = await relay_factory(starttls=server_ctx, users=users, auth_mechanisms=("PLAIN",))
    target = WatchTarget("flaky", "Acme", config_for(relay.port), interval=0.1)
    changes: list[Changed] = []
    ticks = 0
    async for event in watch([target]):
        if isinstance(event, Tick):
            ticks += 1
        else:
            changes.append(event)
            if len(changes) == 3:
                break
    assert [(c.previous.status if c.previous else None, c.state.status) for c in changes] == [
        (None, "pass"), ("pass", "fail"), ("fail", "pass")]
    assert changes[1].state.stage == "auth" and changes[1].state.layer == "auth"
    assert ticks == 6  # 7 runs, the 7th's Tick comes after its Changed
    assert relay.max_active == 1  # runs of one profile never overlap


async def test_a_slow_relay_does_not_delay_the_others(relay_factory: RelayFactory,
                                                      server_ctx: ssl.SSLContext,
                                                      config_for: Make) -> None:
    slow = await relay_factory(starttls=server_ctx, greeting_delay=0.5)
    fast = await relay_factory(starttls=server_ctx)
    targets = [WatchTarget("slow", "", config_for(slow.port), interval=0.1),
               WatchTarget("fast", "", config_for(fast.port), interval=0.1)]
    fast_runs_before_slow, slow_runs = 0, 0
    async for event in watch(targets):
        if isinstance(event, Tick):
            if event.profile == "fast" and not slow_runs:
                fast_runs_before_slow += 1
            slow_runs += event.profile == "slow"
            if slow_runs == 3:
                break
    assert fast_runs_before_slow >= 3
    # Each run takes 0.5 s, five intervals: the next starts only when the last is over.
    assert slow.max_active == 1 and slow.connections == 3


def test_what_counts_as_a_change() -> None:
    passing = State("pass")
    auth = State("fail", "auth", "auth", "auth_failed", "no")
    tls = State("fail", "starttls", "tls", "tls_expired", "expired")
    warned = State("warn", warnings=frozenset({"certificate expires in # days"}))
    assert change(None, passing) == "first run: pass"
    assert change(passing, passing) is None
    assert change(passing, auth) == "pass -> fail"
    assert change(auth, auth) is None
    assert change(auth, tls) == "now failing at starttls (was auth)"
    assert change(passing, warned) == "pass -> warn"
    assert change(warned, warned) is None
    more = State("warn", warnings=warned.warnings | {"AUTH offered over plaintext"})
    assert change(warned, more) == "new warning"
    assert change(more, warned) is None  # a warning gone is not news


async def _start_watch(tmp_path: Path, relays: dict[str, int], cafile: str, *args: str
                       ) -> asyncio.subprocess.Process:
    path = write_profiles(tmp_path / "profiles.toml", cafile, relays)
    env = {**os.environ, PASSWORD_VAR: CANARY}
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "smtptui", "watch", "--profiles", str(path), *args,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=env)


async def test_headless_watch_prints_one_line_per_change(
        relay_factory: RelayFactory, server_ctx: ssl.SSLContext, cafile: str,
        tmp_path: Path, _private_history: Path) -> None:
    from smtptui.history.store import HistoryStore

    users = ScriptedUsers(USER, CANARY, [True] * 3 + [False] * 3 + [True])
    # one mechanism: a failing password costs one AUTH (no fallback), one scripted verdict
    relay = await relay_factory(starttls=server_ctx, users=users, auth_mechanisms=("PLAIN",))
    log = tmp_path / "hook.log"
    hook = f"{sys.executable} -c \"import json,sys; d=json.load(sys.stdin); " \
           f"open({str(log)!r}, 'a').write(d['current']['status'] + chr(10))\""
    proc = await _start_watch(tmp_path, {"flaky": relay.port}, cafile, "flaky",
                              "--every", "0.1", "--json", "--changes", "3", "--on-change", hook)
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    lines = out.decode().splitlines()
    assert proc.returncode == 0, err.decode()
    docs = [json.loads(line) for line in lines]
    assert [(d["previous"] and d["previous"]["status"], d["current"]["status"]) for d in docs] == [
        (None, "pass"), ("pass", "fail"), ("fail", "pass")]
    assert docs[1]["current"]["stage"] == "auth" and docs[1]["profile"] == "flaky"
    assert users.asked == 7  # seven runs, three lines
    assert log.read_text().split() == ["pass", "fail", "pass"]
    assert CANARY not in out.decode() + err.decode()
    # Every run is in the history; each change names its run there.
    with HistoryStore.open(_private_history) as store:
        runs = store.runs(profile="flaky")
        assert [r.origin for r in runs] == ["watch"] * 7
        failing = store.get(docs[1]["history_run"])
        assert failing is not None and failing.failed_stage == "auth"
    for file in _private_history.parent.iterdir():  # the database, its WAL and journal
        assert CANARY.encode() not in file.read_bytes()


async def test_headless_watch_text_and_exit_codes(relay_factory: RelayFactory,
                                                  server_ctx: ssl.SSLContext, cafile: str,
                                                  tmp_path: Path) -> None:
    relay = await relay_factory(starttls=server_ctx, users={USER: "another"})
    proc = await _start_watch(tmp_path, {"strict": relay.port}, cafile, "--client", "Acme",
                              "--every", "5m", "--changes", "1")
    out, _err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 1
    (line,) = out.decode().splitlines()
    assert "fail  strict (Acme)  [first run: fail]  failed at auth:" in line
    bad = await _start_watch(tmp_path, {"x": relay.port}, cafile, "nope")
    _out, err = await asyncio.wait_for(bad.communicate(), 60)
    assert bad.returncode == 2 and err.decode().count("\n") == 1
    bad = await _start_watch(tmp_path, {"x": relay.port}, cafile, "x", "--every", "0")
    await bad.communicate()
    assert bad.returncode == 2


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 0), (signal.SIGHUP, 129)])
async def test_sigterm_or_sighup_stops_the_watch_and_kills_a_running_hook(
        relay_factory: RelayFactory, server_ctx: ssl.SSLContext, cafile: str,
        tmp_path: Path, signum: int, code: int) -> None:
    relay = await relay_factory(starttls=server_ctx)
    hook = (f"{sys.executable} -c \"import os,sys,time; print('hook', os.getpid(), "
            "flush=True); time.sleep(60)\"")
    proc = await _start_watch(tmp_path, {"ok": relay.port}, cafile, "ok", "--on-change", hook)
    assert proc.stdout is not None and proc.stderr is not None
    first = await asyncio.wait_for(proc.stdout.readline(), 30)
    assert b"[first run: pass]" in first
    started = (await asyncio.wait_for(proc.stderr.readline(), 30)).split()
    assert started[0] == b"hook"
    proc.send_signal(signum)
    assert await asyncio.wait_for(proc.wait(), 30) == code
    with pytest.raises(ProcessLookupError):
        os.kill(int(started[1]), 0)


async def test_under_nohup_sighup_is_ignored(
        relay_factory: RelayFactory, server_ctx: ssl.SSLContext, cafile: str,
        tmp_path: Path) -> None:
    """`nohup smtptui watch … &` outlives its terminal: after SIGHUP it goes on probing
    (two more runs reach the relay), and SIGTERM then stops it with exit 0, not 129."""
    relay = await relay_factory(starttls=server_ctx)
    path = write_profiles(tmp_path / "profiles.toml", cafile, {"ok": relay.port})
    proc = await asyncio.create_subprocess_exec(
        "nohup", sys.executable, "-m", "smtptui", "watch", "--profiles", str(path), "ok",
        "--every", "100ms", stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        env={**os.environ, PASSWORD_VAR: CANARY})
    assert proc.stdout is not None
    first = await asyncio.wait_for(proc.stdout.readline(), 30)
    assert b"[first run: pass]" in first
    proc.send_signal(signal.SIGHUP)
    seen = relay.connections
    deadline = asyncio.get_running_loop().time() + 30
    while relay.connections < seen + 2:  # still probing after the SIGHUP
        assert proc.returncode is None and asyncio.get_running_loop().time() < deadline
        relay.logged.clear()
        await asyncio.wait_for(relay.logged.wait(), 30)
    proc.send_signal(signal.SIGTERM)
    assert await asyncio.wait_for(proc.wait(), 30) == 0


async def test_a_profile_that_cannot_run_does_not_stop_the_others(
        relay_factory: RelayFactory, server_ctx: ssl.SSLContext, cafile: str,
        tmp_path: Path) -> None:
    relay = await relay_factory(starttls=server_ctx)
    path = write_profiles(tmp_path / "profiles.toml", cafile, {"ok": relay.port})
    path.write_text(path.read_text() + '\n[[profile]]\nname = "broken"\nclient = "Acme"\n'
                    'host = "127.0.0.1"\ncafile = "/nonexistent/ca.pem"\n')
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "smtptui", "watch", "--profiles", str(path), "--client", "Acme",
        "--changes", "1", stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        env={**os.environ, PASSWORD_VAR: CANARY})
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 0
    assert "ok (Acme)  [first run: pass]" in out.decode()
    assert err.decode().startswith("smtptui watch: not watched: ")
    assert "broken" in err.decode() and err.decode().count("\n") == 1
