"""Pilot tests of the dashboard as a user meets it: the demo runs itself, long lines wrap,
a pane can fill the screen, send mode stays visible, batches and their overview."""

from __future__ import annotations

from pathlib import Path

from smtptui.app.app import DEMO_CLIENT
from tests.app_helpers import app_for, diagnosis_text, until


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
