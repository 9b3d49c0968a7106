"""`W` in the dashboard: a watched relay flips from healthy to failing; the terminal
gets one bell + OSC 777/OSC 9 notification for that change (none for the first run or
for a run that changed nothing), runs never overlap, and the sidebar shows the age."""

from __future__ import annotations

import ssl
from pathlib import Path

import pytest
from textual.drivers.headless_driver import HeadlessDriver
from textual.message import Message

from smtptui.app.watching import WatchUpdate
from smtptui.app.widgets.history_pane import HistoryPane
from smtptui.watch.events import Tick
from tests.app_helpers import PASSWORD_ENV, app_for, profile, select, until, write_profiles
from tests.conftest import CANARY, USER, RelayFactory
from tests.watch_relays import ScriptedUsers

pytestmark = pytest.mark.slow  # three runs one second apart (watch_interval >= 1 s)


async def test_watch_notifies_once_per_change(relay_factory: RelayFactory,
                                              server_ctx: ssl.SSLContext, cafile: str,
                                              tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              _private_history: Path) -> None:
    from smtptui.history.store import HistoryStore

    users = ScriptedUsers(USER, CANARY, [True, False, False])
    relay = await relay_factory(starttls=server_ctx, users=users,  # markup: shown as text
                                auth_fail_reply="535 5.7.8 Bad [/help] [bold credentials",
                                auth_mechanisms=("PLAIN",))  # one AUTH per run
    monkeypatch.setenv(PASSWORD_ENV, CANARY)
    path = write_profiles(tmp_path / "profiles.toml",
                          [profile("Flaky", relay.port, cafile, watch_interval=1)])
    written: list[str] = []
    monkeypatch.setattr(HeadlessDriver, "write", lambda _self, data: written.append(data))
    ticks: list[Tick] = []

    def hook(message: Message) -> None:
        if isinstance(message, WatchUpdate) and isinstance(message.event, Tick) and not any(
                t is message.event for t in ticks):  # the hook sees it at each hop
            ticks.append(message.event)

    app = app_for(path)
    async with app.run_test(size=(120, 40), message_hook=hook) as pilot:
        await select(pilot, app, "Flaky")
        await pilot.press("W")
        await until(pilot, lambda: len(ticks) >= 3, "three runs", rounds=500)
        await pilot.pause()
        assert [t.state.status for t in ticks] == ["pass", "fail", "fail"]
        assert "⟳" in app.export_screenshot()  # the sidebar shows the watched profile's age
        # The History tab lists the runs, the change among them.
        await pilot.press("H")
        pane = app.main.query_one(HistoryPane)
        await until(pilot, lambda: len(pane.runs) >= 3, "the History tab", rounds=500)
        assert [r.verdict for r in pane.runs][-2:] == ["fail", "pass"]  # newest first
        await pilot.press("W")  # stop
        assert not app.main.watching.targets
        notes = [w for w in written if "]777;notify;" in w]
        assert len(notes) == 1  # pass -> fail; not the first run, not fail -> fail
        assert notes[0].startswith("\a") and "]9;smtptui: Flaky pass -> fail" in notes[0]
        assert app.main.states["file:Flaky"] == "fail"
        toasts = [n.message for n in app._notifications if "[/help] [bold" in n.message]
        assert len(toasts) == 1  # the server's reply, literally, in the one change's toast
        assert CANARY not in "".join(written) + app.export_screenshot()
    assert relay.max_active == 1 and users.asked >= 3  # one run at a time
    with HistoryStore.open(_private_history) as store:
        assert [r.verdict for r in store.runs(profile="Flaky")][-1:] == ["pass"]
        runs = store.runs(profile="Flaky")
        assert len(runs) >= 3 and {r.origin for r in runs} == {"watch"}



async def test_w_again_stops_the_watch(relay_factory: RelayFactory, server_ctx: ssl.SSLContext,
                                       cafile: str, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    relay = await relay_factory(starttls=server_ctx)
    monkeypatch.setenv(PASSWORD_ENV, CANARY)
    path = write_profiles(tmp_path / "profiles.toml", [profile("Solo", relay.port, cafile)])
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await select(pilot, app, "Solo")
        await pilot.press("W", "W")
        await app.workers.wait_for_complete()
        await pilot.pause()
        main = app.main
        assert not main.watching.targets and not main.watching.pending
        assert not [w for w in main.workers if w.group == "watch" and w.is_running]
        assert main.sidebar.profile_tree.notes == {}
        assert "⟳" not in app.export_screenshot()
    assert relay.connections <= 1
