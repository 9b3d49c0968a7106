"""Every title and label is readable (WCAG contrast >= 4.5:1) in true colour, 256 and
16 colours, focused or not; snapshots show each colour system at 80x24 and 120x40, of a
failed probe and of the screen the demo opens on once its runs are in.

The colour systems are simulated as the terminal applies them (``tests.colours``): the
same nearest-colour mapping Rich performs when it writes to such a terminal.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from smtptui.app.app import demo_intro
from smtptui.app.screens.editor import ProfileEditor
from smtptui.app.screens.main import MainScreen
from smtptui.demo.embedded import TARGETS, Demo, DemoTarget
from smtptui.probe.config import ProbeConfig
from smtptui.probe.report_json import read_report
from tests.app_helpers import app_for, until
from tests.colours import in_colours, low_contrast, text_contrast
from tests.test_app_snapshots import failed_report, fixed_file, settle  # noqa: F401

SYSTEMS = ["truecolor", "256", "16"]


async def show_failure(pilot: Pilot[Any]) -> None:
    app: Any = pilot.app
    await pilot.press("down")
    await until(pilot, lambda: app.main.selected.name == "Acme relay", "the selection")
    app.main.record_result("file:Acme relay", failed_report())
    await pilot.pause()


DEMO_REPORTS = Path(__file__).parent / "data" / "demo" / "reports.jsonl"
"""The three reports of a real ``smtptui demo --json`` (fixed ports, timings, dates)."""


async def after_the_demo(pilot: Pilot[Any]) -> None:
    """The screen ``smtptui demo`` opens on once its three runs are in: its profiles,
    its opening toast and the batch's summary, the healthy relay's run shown."""
    from smtptui.app.screens.welcome import WelcomeScreen

    app: Any = pilot.app
    await until(pilot, lambda: isinstance(app.screen, WelcomeScreen), "the first screen")
    app.pop_screen()  # no profiles: the welcome screen, where the demo would start relays
    reports = [read_report(json.loads(line)).report
               for line in DEMO_REPORTS.read_text().splitlines()]
    app.demo = Demo(targets=[
        DemoTarget(name, description, ProbeConfig(report.target.host, report.target.port,
                                                  report.target.tls, profile=name))
        for (name, description), report in zip(TARGETS, reports, strict=True)])
    app.main.entries = app.entries()
    app.notify(demo_intro(temporary_profiles=True), timeout=60)
    keys = [f"demo:{name}" for name, _ in TARGETS]
    for key, report in zip(keys, reports, strict=True):
        app.main.post_message(MainScreen.BatchResult(key, report))
    app.main.post_message(MainScreen.BatchEnded(keys, []))
    await until(pilot, lambda: app.main.view.report is reports[0]
                and len(app._notifications) == 2, "the healthy relay's run and the summary")
    await pilot.pause()


def settle_demo() -> Any:
    async def run_before(pilot: Pilot[Any]) -> None:
        await after_the_demo(pilot)
        await settle()(pilot)

    return run_before


def screen_strips(pilot: Pilot[Any]) -> list[Any]:
    return pilot.app.screen._compositor.render_strips()  # type: ignore[no-any-return]


@pytest.mark.parametrize("system", SYSTEMS)
async def test_titles_and_labels_are_readable_focused_or_not(
        fixed_file: Path, system: str) -> None:  # noqa: F811
    app = in_colours(app_for(fixed_file), system)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(show_failure)(pilot)
        main: Any = app.screen
        for focus in (main.sidebar.profile_tree, main.view.transcript,
                      main.query_one("DiagnosticsPanel")):
            focus.focus()
            await pilot.pause()
            strips = screen_strips(pilot)
            for title in ("Transcript", "Diagnosis"):
                assert text_contrast(strips, title) >= 4.5, (system, focus, title)
            assert low_contrast(strips) == [], (system, focus)
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, ProfileEditor)
                    and app.screen.query("#notes"), "the editor")
        await pilot.pause()
        box = app.screen.query_one(".dialog").region  # the dimmed screen behind is not text
        dialog = [strip.crop(box.x, box.right)
                  for strip in screen_strips(pilot)[box.y:box.bottom]]
        assert low_contrast(dialog) == [], (system, "editor", low_contrast(dialog))


@pytest.mark.parametrize("system", SYSTEMS)
async def test_the_demos_screen_toasts_and_client_table_are_readable(
        tmp_path: Path, system: str) -> None:
    from textual.widgets._toast import Toast

    app = in_colours(app_for(tmp_path / "none.toml", temporary_profiles=True), system)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await after_the_demo(pilot)
        toasts = [t.region for t in app.screen.query(Toast)]
        assert sum(r.height for r in toasts) == 3 and max(r.bottom for r in toasts) == 24
        strips = screen_strips(pilot)
        assert low_contrast(strips) == [], system  # the toasts and the screen around them
        # what the diagnosis pane shows above them: its verdict and first fields
        panel = app.screen.query_one("DiagnosticsPanel").region
        shown = "\n".join("".join(seg.text for seg in strip)[panel.x:panel.right]
                          for strip in strips[panel.y:min(r.y for r in toasts)])
        assert "PASSED in" in shown and "Greeting" in shown
        app.clear_notifications()
        await pilot.press("up")  # the client: its table of the three runs
        await until(pilot, lambda: app.main.overview.display, "the client table")
        await pilot.pause()
        assert low_contrast(screen_strips(pilot)) == [], (system, "client table")
        await pilot.press("tab")  # focused: its cursor row too
        await pilot.pause()
        assert low_contrast(screen_strips(pilot)) == [], (system, "client table")


@pytest.mark.parametrize("system", SYSTEMS)
@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_snapshot_in_each_colour_system(snap_compare: Any, fixed_file: Path,  # noqa: F811
                                        system: str, size: tuple[int, int]) -> None:
    app = in_colours(app_for(fixed_file), system)
    assert snap_compare(app, terminal_size=size, run_before=settle(show_failure))


@pytest.mark.parametrize("system", SYSTEMS)
@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_the_demo_in_each_colour_system(snap_compare: Any, tmp_path: Path,
                                        system: str, size: tuple[int, int]) -> None:
    app = in_colours(app_for(tmp_path / "none.toml", temporary_profiles=True), system)
    assert snap_compare(app, terminal_size=size, run_before=settle_demo())
