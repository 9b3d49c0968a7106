"""Closing the app or the editor while the editor is still adding the rows it mounts after
its first frame (a slow machine, keys bunched by a laggy SSH link) ends cleanly.

The closing key is posted the moment the editor starts mounting those rows, as the
terminal driver would post it: no waiting on the clock, the same moment every run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Select

from smtptui.app.screens.editor import ProfileEditor
from tests.app_helpers import app_for, until, write_profiles

LAZY_PARTS = ("editor-mid", "editor-more")
"""The parts of the form :class:`smtptui.app.screens.editor.Later` adds."""


@pytest.fixture
def profiles(tmp_path: Path) -> Path:
    return write_profiles(tmp_path / "profiles.toml", [
        {"name": "relay", "host": "smtp.example", "port": 587}])


def key_while_adding(monkeypatch: pytest.MonkeyPatch, app: Any, part: str,
                     key: str) -> list[str]:
    """Post ``key`` to ``app`` (as the terminal driver does) as the editor starts mounting
    ``part``; the list names the part once that happened."""
    posted: list[str] = []
    mount = Widget.mount

    def mounting(self: Widget, *widgets: Widget, **kwargs: Any) -> Any:
        waiter = mount(self, *widgets, **kwargs)
        if not posted and any(w.id == part for w in widgets):
            posted.append(part)
            app.post_message(events.Key(key, None))
        return waiter

    monkeypatch.setattr(Widget, "mount", mounting)
    return posted


async def open_editor(pilot: Pilot[Any], app: Any, posted: list[str]) -> None:
    """Press e on the dashboard; back once the key was posted."""
    await until(pilot, lambda: app.main.entries, "the profiles")
    await pilot.press("e")
    await until(pilot, lambda: posted, "the editor adding its rows")


@pytest.mark.parametrize("part", LAZY_PARTS)
async def test_quitting_while_the_editor_adds_its_rows_ends_cleanly(
        profiles: Path, part: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """It ended with a traceback: the editor's set-up of the rows it had just added
    queried rows the shutdown had already removed (NoMatches: '#secret_kind')."""
    app = app_for(profiles)
    posted = key_while_adding(monkeypatch, app, part, "ctrl+q")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_editor(pilot, app, posted)
        await until(pilot, lambda: not app.is_running, "the app to quit")
    # leaving run_test re-raises anything that ended the app: nothing did
    assert app.return_code == 0


@pytest.mark.parametrize("part", LAZY_PARTS)
async def test_escape_while_the_editor_adds_its_rows_closes_it(
        profiles: Path, part: str, monkeypatch: pytest.MonkeyPatch) -> None:
    app = app_for(profiles)
    posted = key_while_adding(monkeypatch, app, part, "escape")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_editor(pilot, app, posted)
        await until(pilot, lambda: not isinstance(app.screen, ProfileEditor), "the editor")
        assert app.focused is app.main.sidebar.profile_tree
        # the dashboard still works: e opens a complete editor again
        monkeypatch.undo()
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, ProfileEditor)
                    and app.screen.query("#secret_kind"), "the whole form")
        assert app.screen.query_one("#tls", Select).value == "starttls"
