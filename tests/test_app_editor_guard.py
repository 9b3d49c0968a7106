"""Pilot tests: the editor keeps its status line true and never drops typed work silently."""

from __future__ import annotations

import tomllib
from pathlib import Path

from textual import events
from textual.widgets import Select

from smtptui.app.screens.confirm import ConfirmScreen
from smtptui.app.screens.editor import ProfileEditor
from tests.app_helpers import app_for, until, write_profiles
from tests.test_app_editor import set_input


def status(app: object) -> str:
    return str(app.screen.query_one("#editor-status").render())  # type: ignore[attr-defined]


async def test_the_count_of_fields_to_fix_follows_the_fixes(tmp_path: Path) -> None:
    app = app_for(tmp_path / "profiles.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, ProfileEditor), "the editor")
        app.screen.query_one("#preset", Select).value = "ses"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "to fix before saving" in status(app), "the count")
        assert isinstance(app.screen, ProfileEditor)
        await set_input(pilot, app, "region", "eu-west-1")  # fills the host
        await until(pilot, lambda: "ready to save" in status(app), "the count to clear")
        await set_input(pilot, app, "port", "not a port")
        await until(pilot, lambda: "1 field to fix" in status(app), "the count again")


async def test_escape_asks_before_throwing_away_typed_work(tmp_path: Path) -> None:
    path = tmp_path / "profiles.toml"
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, ProfileEditor), "the editor")
        await pilot.pause()
        await set_input(pilot, app, "host", "smtp.acme.test")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        await pilot.press("n")  # keep editing
        await until(pilot, lambda: isinstance(app.screen, ProfileEditor), "the editor back")
        assert app.screen.query_one("#host").value == "smtp.acme.test"  # type: ignore[attr-defined]
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        await pilot.press("y")
        await until(pilot, lambda: not isinstance(app.screen, (ProfileEditor, ConfirmScreen)),
                    "the editor closed")
    assert not path.exists()


async def test_escape_on_an_untouched_form_just_closes(tmp_path: Path) -> None:
    app = app_for(tmp_path / "profiles.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, ProfileEditor), "the editor")
        await pilot.pause()
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, ProfileEditor), "the close")
        assert not isinstance(app.screen, ConfirmScreen)


async def test_keys_typed_right_after_e_are_kept_and_escape_then_asks(tmp_path: Path) -> None:
    path = write_profiles(tmp_path / "profiles.toml",
                          [{"name": "Relay", "host": "smtp.acme.test"}])
    before = path.read_text()
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.main.entries, "the profiles")
        await pilot.press("e", "x", "y", "escape")  # one burst: no wait for the editor
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        await pilot.press("n")  # keep editing
        await until(pilot, lambda: isinstance(app.screen, ProfileEditor), "the editor back")
        # the name is focused and selected as the editor opens: typing replaces it
        assert app.screen.query_one("#name").value == "xy"  # type: ignore[attr-defined]
    assert path.read_text() == before


async def test_a_burst_right_after_e_reaches_a_field_mounted_after_the_first_frame(
        tmp_path: Path) -> None:
    """The rows below Port are added just after the editor's first frame: keys sent in
    one burst with ``e`` (no wait for anything) still Tab into them, in the form's order,
    and the saved profile has what was typed there."""
    path = write_profiles(tmp_path / "profiles.toml",
                          [{"name": "Relay", "host": "smtp.acme.test", "port": 587}])
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.main.entries, "the profiles")
        # name → client → host → port → Security → Username, then type, then save
        keys = ["e", *["tab"] * 5, *"ops@acme.test", "ctrl+s"]
        for key in keys:  # posted at once, as a laggy SSH link delivers them
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        await until(pilot, lambda: "ops@acme.test" in path.read_text(), "the saved username")
        assert not isinstance(app.screen, ProfileEditor)
    saved = tomllib.loads(path.read_text())["profile"][0]
    assert (saved["name"], saved["host"], saved["username"]) == (
        "Relay", "smtp.acme.test", "ops@acme.test")
