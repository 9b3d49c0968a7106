"""Every title and label is readable (WCAG contrast >= 4.5:1) in true colour, 256 and
16 colours, focused or not; snapshots show each colour system at 80x24 and 120x40.

The colour systems are simulated as the terminal applies them (``tests.colours``): the
same nearest-colour mapping Rich performs when it writes to such a terminal.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from smtptui.app.screens.editor import ProfileEditor
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
@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_snapshot_in_each_colour_system(snap_compare: Any, fixed_file: Path,  # noqa: F811
                                        system: str, size: tuple[int, int]) -> None:
    app = in_colours(app_for(fixed_file), system)
    assert snap_compare(app, terminal_size=size, run_before=settle(show_failure))
