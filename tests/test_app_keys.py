"""Keys that arrive in one burst (fast typing, a laggy SSH link) apply in the order typed,
in every text field of the app: the filter, each editor field, the prompts, the compare
screen's runs box and the header paste area (Textual #6605, worked around in
``smtptui.app.widgets.text_input``).

The keys are posted to the app the way the terminal driver posts them: all at once,
without waiting for any of them to be handled.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input, TextArea

from smtptui.app.screens.compare import CompareScreen
from smtptui.app.screens.editor import ProfileEditor
from smtptui.app.screens.headers import HeaderScreen
from smtptui.app.screens.prompt import TextPrompt
from smtptui.app.widgets import text_input
from smtptui.probe.config import ProbeConfig
from tests.app_helpers import app_for, until, write_profiles
from tests.compare_reports import canned

WORD = [("b", "b"), ("a", "a"), ("backspace", None), ("c", "c")]
"""Typed ``b a ⌫ c``: the field must read ``bc``."""
DIGITS = [("2", "2"), ("5", "5"), ("backspace", None), ("7", "7")]


def burst(pilot: Pilot[Any], keys: list[tuple[str, str | None]]) -> None:
    for key, character in keys:
        pilot.app.post_message(events.Key(key, character))


async def typed(pilot: Pilot[Any], field: Widget, keys: list[tuple[str, str | None]],
                expected: str) -> str:
    """Empty ``field``, focus it, send ``keys`` in one burst; its value once settled."""
    if isinstance(field, TextArea):
        field.text = ""
    else:
        assert isinstance(field, Input)
        field.value = ""
    field.focus()
    await until(pilot, lambda: pilot.app.focused is field, f"focus on {field.id}")
    burst(pilot, keys)

    def value() -> str:
        return field.text if isinstance(field, TextArea) else field.value  # type: ignore[attr-defined]

    await until(pilot, lambda: len(value()) >= len(expected), f"the keys in {field.id}")
    for _ in range(5):  # anything still queued (a late backspace) lands now
        await pilot.pause()
    return value()


@pytest.fixture
def many(tmp_path: Path) -> Path:
    return write_profiles(tmp_path / "profiles.toml", [
        {"name": f"relay {i:02d}", "client": f"Client {i // 5}", "host": f"smtp{i}.example",
         "port": 587} for i in range(40)])


async def test_the_filter_applies_a_burst_in_order(many: Path) -> None:
    app = app_for(many)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.main.entries, "the profiles")
        field = app.main.sidebar.query_one("#filter", Input)
        await pilot.press("slash")
        await until(pilot, lambda: app.focused is field, "the filter's focus")
        burst(pilot, [("r", "r"), ("x", "x"), ("backspace", None), ("e", "e"), ("l", "l"),
                      ("a", "a"), ("y", "y"), ("space", " "), ("1", "1"), ("2", "2"),
                      ("backspace", None), ("1", "1")])
        await until(pilot, lambda: field.value == "relay 11", "the filter text")
        # the list follows the filter
        await until(pilot, lambda: app.main.sidebar.visible_keys() == ["file:relay 11"],
                    "the filtered list")
        assert field.value == "relay 11"


async def test_every_editor_field_applies_a_burst_in_order(many: Path) -> None:
    app = app_for(many)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.main.entries, "the profiles")
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, ProfileEditor), "the editor")
        await until(pilot, lambda: app.screen.query("#name"), "the form")
        fields = [f for f in app.screen.query(Input) if f.focusable and f.display
                  and f.parent is not None and f.parent.display]
        assert len(fields) >= 15, [f.id for f in fields]
        for field in fields:
            assert isinstance(field, text_input.Input), field.id
            numeric = field.type in ("integer", "number")
            keys, expected = (DIGITS, "27") if numeric else (WORD, "bc")
            assert await typed(pilot, field, keys, expected) == expected, field.id


async def test_the_password_prompt_applies_a_burst_in_order(
        many: Path) -> None:
    app = app_for(many)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.main.entries, "the profiles")
        app.push_screen(TextPrompt("Password for x", password=True))
        await until(pilot, lambda: app.screen.query("#answer"), "the prompt")
        answer = app.screen.query_one("#answer", Input)
        assert isinstance(answer, text_input.Input)
        assert await typed(pilot, answer, WORD, "bc") == "bc"


async def test_the_header_paste_area_applies_a_burst_in_order(many: Path) -> None:
    app = app_for(many)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.main.entries, "the profiles")
        app.push_screen(HeaderScreen())
        await until(pilot, lambda: app.screen.query("#headers-input"), "the header screen")
        area = app.screen.query_one("#headers-input", TextArea)
        keys = [*WORD, ("enter", None), ("x", "x"), ("left", None), ("y", "y")]
        assert await typed(pilot, area, keys, "bc\nyx") == "bc\nyx"


async def test_the_compare_runs_box_applies_a_burst_in_order(many: Path) -> None:
    screen = CompareScreen(("Old relay", ProbeConfig("smtp.old.example")),
                           ("New relay", ProbeConfig("smtp.new.example")), runs=2,
                           source=canned)
    app = app_for(many)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.main.entries, "the profiles")
        app.push_screen(screen)
        await until(pilot, lambda: screen.comparison is not None, "the comparison")
        runs = screen.query_one("#runs", Input)
        assert isinstance(runs, text_input.Input)
        assert await typed(pilot, runs, DIGITS, "27") == "27"


async def test_keys_right_after_a_key_that_moves_the_focus_follow_it(many: Path) -> None:
    """``/`` then the filter text, ``e`` then a name: one burst, as typed."""
    app = app_for(many)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.main.entries, "the profiles")
        burst(pilot, [("slash", "/"), ("r", "r"), ("x", "x"), ("backspace", None),
                      ("e", "e"), ("l", "l"), ("a", "a"), ("y", "y"), ("space", " "),
                      ("1", "1"), ("1", "1"), ("enter", None)])
        # the list follows the filter as it is typed: what says the burst is over is the
        # focus Enter moves back to the list (the list alone can be ready before Enter;
        # the list had the focus before / too)
        field = app.main.sidebar.query_one("#filter", Input)
        await until(pilot, lambda: field.value == "relay 11"
                    and app.focused is app.main.sidebar.profile_tree,
                    "the filter text, then Enter back to the list")
        await until(pilot, lambda: app.main.sidebar.visible_keys() == ["file:relay 11"],
                    "the filtered list")
        # e opens the editor; the keys after it land in its first field, in order
        # (the field's text is selected as it is focused: typing replaces it)
        burst(pilot, [("e", "e"), ("x", "x"), ("y", "y"), ("backspace", None), ("z", "z")])
        await until(pilot, lambda: isinstance(app.screen, ProfileEditor)
                    and app.screen.query("#name")
                    and app.screen.query_one("#name", Input).value == "xz", "the name")
