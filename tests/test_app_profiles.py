"""Pilot tests: the profile editor, delete, filter, the error and welcome screens, demo."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, Select

from smtptui.app.app import DEMO_CLIENT
from smtptui.app.screens.confirm import ConfirmScreen
from smtptui.app.screens.editor import ProfileEditor
from smtptui.app.screens.error import ProfilesErrorScreen
from smtptui.app.screens.welcome import WelcomeScreen
from tests.app_helpers import (
    PASSWORD_ENV,
    app_for,
    run_selected,
    select,
    until,
)


def on_disk(path: Path) -> dict[str, dict[str, Any]]:
    return {p["name"]: p for p in tomllib.loads(path.read_text())["profile"]}


def problem(app: Any, field: str) -> str:
    return str(app.screen.query_one(f"#{field}-problem").render())


async def type_into(pilot: Any, app: Any, field: str, text: str, *, keys: bool = False
                    ) -> None:
    """Fill a field: by key presses (``keys``), else by setting its value (same events)."""
    widget = app.screen.query_one(f"#{field}", Input)
    widget.focus()
    widget.value = "" if keys else text
    if keys:
        await pilot.press(*text)
    await pilot.pause()


async def test_editor_validates_as_you_type_and_saves(acme_file: Path) -> None:
    app = app_for(acme_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, ProfileEditor), "the editor")
        app.screen.query_one("#preset", Select).value = "sendgrid"
        await pilot.pause()
        assert app.screen.query_one("#host", Input).value == "smtp.sendgrid.net"
        assert app.screen.query_one("#username", Input).value == "apikey"
        await type_into(pilot, app, "port", "999999", keys=True)
        assert "port must be 1-65535" in problem(app, "port")
        await pilot.press("backspace")
        assert "port must be 1-65535" in problem(app, "port")
        await pilot.press("backspace")
        assert problem(app, "port") == ""
        await type_into(pilot, app, "port", "2525")
        assert problem(app, "port") == ""
        await type_into(pilot, app, "name", "SendGrid (Acme)")
        app.screen.query_one("#secret_kind", Select).value = "env"
        await pilot.pause()
        await type_into(pilot, app, "secret_value", "9BAD")
        assert "environment variable name" in problem(app, "secret_value")
        await type_into(pilot, app, "secret_value", "SENDGRID_KEY")
        await type_into(pilot, app, "client", "Acme")
        before = acme_file.read_text()
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, ProfileEditor), "the save")
        assert acme_file.read_text() != before
        assert "SendGrid (Acme)" in [e.name for e in app.main.entries]
    saved = on_disk(acme_file)
    assert set(saved) == {"Acme relay", "Acme strict", "Other relay", "SendGrid (Acme)"}
    new = saved["SendGrid (Acme)"]
    assert (new["host"], new["port"], new["username"]) == ("smtp.sendgrid.net", 2525, "apikey")
    assert new["password"] == {"env": "SENDGRID_KEY"} and new["client"] == "Acme"
    assert new["preset"] == "sendgrid"
    assert saved["Acme relay"]["password"] == {"env": PASSWORD_ENV}


async def test_editor_refuses_to_save_an_invalid_profile(acme_file: Path) -> None:
    app = app_for(acme_file)
    before = acme_file.read_text()
    async with app.run_test(size=(80, 24)) as pilot:
        await select(pilot, app, "Acme relay")
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, ProfileEditor), "the editor")
        await type_into(pilot, app, "name", "Acme strict")
        assert "already exists" in problem(app, "name")
        await type_into(pilot, app, "host", "bad host")
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, ProfileEditor)
        assert "is not a host name or IP address (it has a space)" in problem(app, "host")
        await pilot.press("escape", "y")  # discard the edit
        await until(pilot, lambda: not isinstance(app.screen, ProfileEditor), "the close")
    assert acme_file.read_text() == before


async def test_edit_and_duplicate_keep_the_other_profiles(acme_file: Path) -> None:
    app = app_for(acme_file)
    async with app.run_test(size=(120, 40)) as pilot:
        await select(pilot, app, "Acme relay")
        await run_selected(pilot, app)
        assert app.main.states["file:Acme relay"] == "pass"
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, ProfileEditor), "the editor")
        await type_into(pilot, app, "host", "localhost")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, ProfileEditor), "the save")
        assert "file:Acme relay" not in app.main.states  # the old result no longer applies
        assert app.main.view.report is None
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, ProfileEditor), "the editor")
        assert app.screen.query_one("#name", Input).value == "Acme relay (copy)"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, ProfileEditor), "the save")
    saved = on_disk(acme_file)
    assert saved["Acme relay"]["host"] == "localhost"
    assert saved["Acme relay (copy)"]["host"] == "localhost"
    assert saved["Acme relay (copy)"]["password"] == {"env": PASSWORD_ENV}
    assert saved["Acme strict"]["host"] == "127.0.0.1"


async def test_delete_asks_first(acme_file: Path) -> None:
    app = app_for(acme_file)
    before = acme_file.read_text()
    async with app.run_test(size=(80, 24)) as pilot:
        await select(pilot, app, "Acme strict")
        await pilot.press("delete")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        assert acme_file.read_text() == before
        await pilot.press("n")
        assert not isinstance(app.screen, ConfirmScreen)
        assert acme_file.read_text() == before
        await pilot.press("delete")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        await pilot.press("y")
        await until(pilot, lambda: "Acme strict" not in [e.name for e in app.main.entries],
                    "the list to drop it")
        await until(pilot, lambda: app.main.selected is not None
                    and app.main.selected.name == "Other relay", "its neighbour selected")
    assert set(on_disk(acme_file)) == {"Acme relay", "Other relay"}
    assert (acme_file.parent / "profiles.toml.bak").read_text() == before


async def test_filter_narrows_the_tree(acme_file: Path) -> None:
    app = app_for(acme_file)
    async with app.run_test(size=(80, 24)) as pilot:
        sidebar = app.main.sidebar
        await until(pilot, lambda: len(sidebar.visible_keys()) == 3, "three profiles")
        await pilot.press("slash", *"strict")
        tree = sidebar.profile_tree

        def leaves() -> list[str | None]:
            return [leaf.data for group in tree.root.children for leaf in group.children]

        # the list follows the filter after a short pause in typing
        await until(pilot, lambda: leaves() == ["file:Acme strict"], "the filtered tree")
        await pilot.press("escape")
        assert tree.has_focus
        assert app.main.selected is not None and app.main.selected.name == "Acme strict"
        await pilot.press("slash", *"globex", "enter")  # Enter applies it at once
        assert [str(g.label) for g in tree.root.children] == ["Globex"]


async def test_broken_file_shows_the_error_screen_and_reloads(tmp_path: Path) -> None:
    path = tmp_path / "profiles.toml"
    path.write_text('[[profile]]\nname = "x"\nhost = "h"\nport = 70000\n[[profile]]\n'
                    'name = "y"\ntls = "sometimes"\n')
    before = path.read_text()
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ProfilesErrorScreen)
        text = str(app.screen.query_one("#error-text").render())
        assert "port must be 1-65535" in text and "host is required" in text
        assert "tls must be one of" in text
        await pilot.press("n", "e", "delete")  # nothing here edits the file
        assert isinstance(app.screen, ProfilesErrorScreen)
        path.write_text('[[profile]]\nname = "x"\nhost = "h"\n')
        await pilot.press("r")
        await until(pilot, lambda: not isinstance(app.screen, ProfilesErrorScreen),
                    "the reload")
        assert [e.name for e in app.main.entries] == ["x"]
    assert before != path.read_text()


async def test_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "profiles.toml"
    path.write_text('[[profile]]\nname = "x\n')
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ProfilesErrorScreen)
        assert "line 2" in str(app.screen.query_one("#error-text").render())
        await pilot.press("e")
        assert app.main.entries == []


async def test_no_file_welcomes_and_starts_the_demo(tmp_path: Path) -> None:
    path = tmp_path / "none" / "profiles.toml"
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen)
        await pilot.press("d")
        await until(pilot, lambda: len(app.main.entries) == 3, "the demo profiles")
        assert {e.client for e in app.main.entries} == {DEMO_CLIENT}
        demo = app.demo
        assert demo is not None
        await pilot.press("e")
        assert isinstance(app.screen, type(app.main))
        assert any("built in" in n.message for n in app._notifications)
    assert all(relay.server is None for relay in demo.relays)
    assert not path.exists()


async def test_welcome_new_profile_creates_the_file(tmp_path: Path) -> None:
    path = tmp_path / "cfg" / "profiles.toml"
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, ProfileEditor), "the editor")
        app.screen.query_one("#preset", Select).value = "gmail"
        await pilot.pause()
        await type_into(pilot, app, "username", "me@example.com")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, ProfileEditor), "the save")
    saved = on_disk(path)
    assert saved["Gmail / Google Workspace"]["host"] == "smtp.gmail.com"


async def test_marks_and_compare_hint(acme_file: Path) -> None:
    app = app_for(acme_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await select(pilot, app, "Acme relay")
        await pilot.press("space")
        assert app.main.marked == {"file:Acme relay"}
        tree = app.main.sidebar.profile_tree
        node = tree.cursor_node
        assert node is not None
        assert tree.render_label(node, tree.rich_style, tree.rich_style).plain.startswith("◆")
        await pilot.press("c")
        assert any("Mark two profiles" in n.message for n in app._notifications)
        await pilot.press("space")
        assert app.main.marked == frozenset()


@pytest.mark.parametrize("size", [(60, 20), (80, 24), (200, 60)])
async def test_any_size_keeps_running(acme_file: Path, size: tuple[int, int]) -> None:
    app = app_for(acme_file)
    async with app.run_test(size=size) as pilot:
        await select(pilot, app, "Acme strict")
        view = app.main.view
        await pilot.press("r")
        await until(pilot, lambda: view.report is not None and not view.running, "the probe")
        await pilot.resize_terminal(40, 12)
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        await pilot.press("escape")
        assert view.strip.outcome == "fail"


async def test_a_long_profile_name_ends_in_an_ellipsis_in_the_sidebar(tmp_path: Path) -> None:
    from tests.app_helpers import write_profiles

    name = "Acme relay for the accounting department in Frankfurt"
    path = write_profiles(tmp_path / "p.toml", [{"name": name, "host": "smtp.acme.test"}])
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        tree = app.main.sidebar.profile_tree
        lines = [tree.render_line(y).text for y in range(tree.size.height)]
        shown = next(line for line in lines if "Acme relay" in line)
        assert shown.rstrip().endswith("…") and name not in shown
        assert len(shown.rstrip()) <= tree.size.width
