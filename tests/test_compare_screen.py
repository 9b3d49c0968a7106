"""The compare screen: live probes of two real relays, the table, saving, layout, snapshot."""

from __future__ import annotations

import json
import socket
import ssl
from collections.abc import Callable
from pathlib import Path

from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input

from smtptui.app.screens.compare import CompareScreen
from smtptui.probe.config import ProbeConfig
from tests.app_helpers import until
from tests.compare_reports import canned
from tests.conftest import CANARY, RelayFactory

ConfigFor = Callable[..., ProbeConfig]
HOSTILE = "ESMTP [/help] [bold]not bold \x1b[31mred"


class Host(App[None]):
    """A minimal app that opens the screen under test."""

    def __init__(self, screen: CompareScreen) -> None:
        super().__init__()
        self.compare = screen

    def on_mount(self) -> None:
        self.push_screen(self.compare)


async def finished(pilot: Pilot[None], screen: CompareScreen) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    assert screen.comparison is not None and not screen.running


def screen_text(screen: CompareScreen) -> str:
    parts = [screen.table.plain()]
    for side in ("a", "b"):
        pane = screen.pane(side)
        parts += [pane.strip.plain(), pane.transcript.text()]
    return "\n".join(parts)


async def test_live_comparison_of_two_relays(
        relay_factory: RelayFactory, server_ctx: ssl.SSLContext, config_for: ConfigFor,
        tmp_path: Path) -> None:
    fast = await relay_factory(starttls=server_ctx, size=10 * 1024 * 1024)
    slow = await relay_factory(starttls=server_ctx, size=20 * 1024 * 1024, banner=HOSTILE,
                               greeting_delay=0.15)
    screen = CompareScreen(("fast", config_for(fast.port)), ("slow", config_for(slow.port)),
                           runs=2, save_dir=tmp_path)
    app = Host(screen)
    async with app.run_test(size=(120, 40)) as pilot:
        await finished(pilot, screen)
        assert fast.connections == slow.connections == 2
        c = screen.comparison
        assert c is not None and c.runs == 2 and c.ok
        for side in ("a", "b"):
            strip = screen.pane(side).strip
            assert strip.outcome == "pass"
            assert [s.state for s in strip.slots if s.stage == "auth"] == ["pass"]
            text = screen.pane(side).transcript.text()
            assert "run 2 of 2" in text and "<redacted>" in text and CANARY not in text
        # the hostile banner is shown as literal text, escaped, without a markup error
        assert "[/help] [bold]not bold \\x1b[31mred" in screen.pane("b").transcript.text()
        assert "[/help] [bold]not" in screen.table.plain()
        assert "\x1b" not in screen_text(screen)
        table = screen.table.plain()
        size = next(line for line in table.splitlines() if "SIZE" in line)
        assert "≠" in size and "10.0 MiB" in size and "20.0 MiB" in size
        auth = next(line for line in table.splitlines() if "AUTH mechanisms" in line)
        assert "≠" not in auth
        greeting = next(line for line in table.splitlines() if line.strip().endswith("A")
                        and "greeting " in line)
        assert "≠" in greeting  # A is faster at the greeting, by the medians
        assert CANARY not in screen_text(screen)

        # w saves JSON and text where the prompt says
        await pilot.press("w")
        await pilot.pause()
        answer = pilot.app.screen.query_one("#answer", Input)
        base = tmp_path / "saved-compare"
        answer.value = str(base)
        await pilot.press("enter")
        await pilot.pause()
        doc = json.loads((tmp_path / "saved-compare.json").read_text())
        assert doc["runs"] == 2 and doc["b"]["target"]["port"] == slow.port
        assert "≠ SIZE" in (tmp_path / "saved-compare.txt").read_text()
        assert pilot.app.screen is screen

        # Esc goes back
        await pilot.press("escape")
        await pilot.pause()
        assert pilot.app.screen is not screen


async def test_runs_field_reruns_and_rejects_bad_values(
        relay_factory: RelayFactory, server_ctx: ssl.SSLContext, config_for: ConfigFor) -> None:
    relay = await relay_factory(starttls=server_ctx)
    config = config_for(relay.port)
    screen = CompareScreen(("one", config), ("two", config), runs=1)
    async with Host(screen).run_test(size=(120, 40)) as pilot:
        await finished(pilot, screen)
        assert relay.connections == 2
        await pilot.press("n")
        runs = screen.query_one("#runs", Input)
        assert runs.has_focus
        runs.value = "0"
        await pilot.press("enter")
        await pilot.pause()
        assert relay.connections == 2 and screen.comparison is not None  # refused
        runs.value = "3"
        await pilot.press("enter")
        await finished(pilot, screen)
        assert relay.connections == 2 + 2 * 3
        assert screen.comparison is not None and screen.comparison.runs == 3


async def test_one_side_failing_and_narrow_layout_stacks(
        relay_factory: RelayFactory, server_ctx: ssl.SSLContext, config_for: ConfigFor) -> None:
    relay = await relay_factory(starttls=server_ctx)
    with socket.socket() as s:  # a port with nothing listening
        s.bind(("127.0.0.1", 0))
        bad = config_for(s.getsockname()[1])
    screen = CompareScreen(("good", config_for(relay.port)), ("bad", bad))
    async with Host(screen).run_test(size=(90, 40)) as pilot:
        await finished(pilot, screen)
        assert screen.pane("a").strip.outcome == "pass"
        assert screen.pane("b").strip.outcome == "fail"
        assert screen.comparison is not None and not screen.comparison.ok
        a, b = screen.pane("a").region, screen.pane("b").region
        assert b.y >= a.bottom and a.x == b.x  # stacked below 100 columns
        failing = next(line for line in screen.table.plain().splitlines()
                       if "failing stage" in line)
        assert "≠" in failing and "connect (refused)" in failing
    screen = CompareScreen(("good", config_for(relay.port)), ("bad", bad), autostart=False)
    async with Host(screen).run_test(size=(120, 40)):
        a, b = screen.pane("a").region, screen.pane("b").region
        assert b.x >= a.right and a.y == b.y  # side by side from 100 columns


def table_rows_on_screen(pilot: Pilot[None], screen: CompareScreen) -> int:
    """How many screen rows paint the comparison table now."""
    width, height = pilot.app.size
    rows = 0
    for y in range(height):
        widget, _ = screen.get_widget_at(width // 2, y)
        rows += widget is screen.table
    return rows


async def test_at_80x24_the_table_shows_and_the_status_counts_runs(
        relay_factory: RelayFactory, server_ctx: ssl.SSLContext, config_for: ConfigFor) -> None:
    relay = await relay_factory(starttls=server_ctx, greeting_delay=0.2)
    config = config_for(relay.port)
    screen = CompareScreen(("one", config), ("two", config), runs=2)
    async with Host(screen).run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "running run 2/2" in screen.status_text, "run 2 of 2")
        assert screen.running and screen.comparison is None
        await finished(pilot, screen)
        assert screen.status_text.startswith("Done")
        await pilot.pause()
        shown = table_rows_on_screen(pilot, screen)
        assert shown >= 6, shown
        await pilot.press("t")  # narrow: A's transcript takes the screen
        await pilot.pause()
        assert screen.maximized is screen.pane("a").transcript
        await pilot.press("escape")  # back: the table is in view again
        await pilot.pause()
        assert screen.maximized is None
        assert table_rows_on_screen(pilot, screen) >= shown
        await pilot.press("r")  # a re-run says it is running, not the stale "Done"
        await until(pilot, lambda: "running run 1/2" in screen.status_text, "run 1 of 2")
        assert screen.comparison is None
        await finished(pilot, screen)


# -- snapshot: fixed reports fed through the screen, so every figure is deterministic --
def test_snapshot_120x40(snap_compare: Callable[..., bool]) -> None:
    screen = CompareScreen(("Old relay", ProbeConfig("smtp.old.example")),
                           ("New relay", ProbeConfig("smtp.new.example")), runs=2,
                           source=canned)

    async def run_before(pilot: Pilot[None]) -> None:
        await finished(pilot, screen)

    assert snap_compare(Host(screen), terminal_size=(120, 40), run_before=run_before)
