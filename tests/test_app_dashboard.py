"""Pilot tests of the dashboard as a user meets it: the demo runs itself, long lines wrap,
a pane can fill the screen, send mode stays visible, batches and their overview."""

from __future__ import annotations

from pathlib import Path

from smtptui.app.app import DEMO_CLIENT
from smtptui.app.widgets.diagnostics import DiagnosticsPanel
from smtptui.app.widgets.transcript import PREFIX_WIDTH
from tests.app_helpers import app_for, diagnosis_text, until, visible_text
from tests.test_app_colours import show_failure
from tests.test_app_snapshots import fixed_file  # noqa: F401


async def test_the_demo_runs_its_three_profiles_with_no_keystroke(tmp_path: Path) -> None:
    app = app_for(tmp_path / "none.toml", demo=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: len(app.main.entries) == 3, "the demo profiles")
        assert any("Running the three demo profiles" in n.message
                   for n in app._notifications)
        keys = [e.key for e in app.main.entries if e.client == DEMO_CLIENT]
        await until(pilot, lambda: all(app.main.states.get(k) in ("pass", "fail")
                                       for k in keys), "the three results", rounds=750)
        assert [app.main.states[k] for k in keys] == ["pass", "fail", "fail"]
        # the selected (first) profile shows its run, not "not run yet"
        await until(pilot, lambda: "PASSED" in diagnosis_text(app), "the healthy run shown")


async def test_long_lines_wrap_under_their_text_and_l_toggles(fixed_file: Path) -> None:  # noqa: F811
    app = app_for(fixed_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await show_failure(pilot)
        transcript = app.main.view.transcript
        transcript.scroll_end(animate=False, immediate=True)
        await pilot.pause()
        shown = visible_text(transcript)
        reply = "535 5.7.8 Authentication credentials invalid [/help] [bold"
        rows = [row for row in shown.splitlines() if row.strip()]
        start = next(i for i, row in enumerate(rows) if "S: 535 5.7.8" in row)
        # the reply goes on under its own text, after the time and direction columns
        assert rows[start + 1].startswith(" " * PREFIX_WIDTH)
        assert "".join(r[PREFIX_WIDTH:].strip() + " " for r in rows[start:start + 3]
                       ).startswith(reply.split(" [")[0])
        assert reply.replace(" ", "") in "".join(
            r[PREFIX_WIDTH:] for r in rows[start:start + 4]).replace(" ", "")
        await pilot.press("l")
        assert not transcript.wrap
        await pilot.pause()
        rows = [r for r in visible_text(transcript).splitlines() if "S: 535" in r]
        assert rows and "[bold" not in rows[0]  # cut at the pane's edge, scrolls sideways
        await pilot.press("l")
        assert transcript.wrap


async def test_z_gives_the_focused_pane_the_screen_and_escape_returns(
        fixed_file: Path) -> None:  # noqa: F811
    app = app_for(fixed_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await show_failure(pilot)
        await pilot.press("z")  # from the list: the transcript
        assert app.screen.maximized is app.main.view.transcript
        assert app.main.view.transcript.region.width == 80
        await pilot.press("escape")
        assert app.screen.maximized is None
        app.main.query_one(DiagnosticsPanel).focus()
        await pilot.pause()
        await pilot.press("z")
        assert app.screen.maximized is app.main.query_one(DiagnosticsPanel)
        await pilot.press("z")
        assert app.screen.maximized is None
