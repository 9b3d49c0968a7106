"""Pilot tests: the profile editor keeps what is on disk, refuses stale saves, and edits
the DNS fields, the SES region and validated addresses."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from textual.widgets import Input, Select, Static

from smtptui.app.screens.editor import ProfileEditor
from smtptui.app.screens.editor_form import (
    FormValues,
    address_problem,
    build,
    nameserver_problem,
    region_of,
    selectors_problem,
    split_list,
    tls_hint,
)
from smtptui.profiles.presets import PRESETS
from tests.app_helpers import app_for, select, until, write_profiles

SES = {"name": "SES relay", "client": "Acme", "preset": "ses", "host": "127.0.0.1",
       "port": 2526, "tls": "starttls", "username": "AKIA-smtp-user",
       "password": {"env": "SES_PW"}, "from": "ops@acme.test", "to": ["a@acme.test"],
       "nameserver": "127.0.0.1:5353", "dkim_selectors": ["s1", "s2"],
       "x_custom": "kept"}
GMAIL = {"name": "Gmail relay", "client": "Acme", "preset": "gmail",
         "host": "smtp-relay.gmail.com", "port": 465, "tls": "implicit",
         "username": "me@acme.test", "password": {"prompt": True}, "timeout": 12}


def on_disk(path: Path) -> dict[str, dict[str, Any]]:
    return {p["name"]: p for p in tomllib.loads(path.read_text())["profile"]}


def field(app: Any, name: str) -> str:
    widget = app.screen.query_one(f"#{name}")
    if isinstance(widget, Select):
        return "" if widget.value is Select.NULL else str(widget.value)
    assert isinstance(widget, Input)
    return widget.value


def problem(app: Any, name: str) -> str:
    """What the line under field ``name`` says ("" when it never had anything to say)."""
    lines = app.screen.query(f"#{name}-problem")
    return str(lines.first().render()) if lines else ""


async def set_input(pilot: Any, app: Any, name: str, text: str) -> None:
    widget = app.screen.query_one(f"#{name}", Input)
    widget.focus()
    widget.value = text
    await pilot.pause()


async def open_editor(pilot: Any, app: Any, key: str, name: str | None = None) -> None:
    if name is not None:
        await select(pilot, app, name)
    await pilot.press(key)
    await until(pilot, lambda: isinstance(app.screen, ProfileEditor), "the editor")
    await pilot.pause()


async def save(pilot: Any, app: Any) -> None:
    await pilot.press("ctrl+s")
    await until(pilot, lambda: not isinstance(app.screen, ProfileEditor), "the save")


@pytest.fixture
def preset_file(tmp_path: Path) -> Path:
    return write_profiles(tmp_path / "profiles.toml", [SES, GMAIL])


@pytest.mark.parametrize("table", [SES, GMAIL], ids=["ses", "gmail"])
async def test_edit_of_a_preset_profile_keeps_its_own_fields(preset_file: Path,
                                                             table: dict[str, Any]) -> None:
    before = on_disk(preset_file)
    app = app_for(preset_file)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_editor(pilot, app, "e", table["name"])
        assert (field(app, "host"), field(app, "port"), field(app, "tls")) == (
            table["host"], str(table["port"]), table["tls"])
        assert field(app, "preset") == table["preset"]
        await set_input(pilot, app, "notes", "edited")
        await save(pilot, app)
    after = on_disk(preset_file)
    assert after[table["name"]] == {**before[table["name"]], "notes": "edited"}
    other = next(n for n in before if n != table["name"])
    assert after[other] == before[other]


@pytest.mark.parametrize("table", [SES, GMAIL], ids=["ses", "gmail"])
async def test_duplicate_of_a_preset_profile_copies_its_fields(preset_file: Path,
                                                               table: dict[str, Any]) -> None:
    before = on_disk(preset_file)
    app = app_for(preset_file)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_editor(pilot, app, "d", table["name"])
        assert field(app, "host") == table["host"]
        await save(pilot, app)
    after = on_disk(preset_file)
    copy = f"{table['name']} (copy)"
    assert after[copy] == {**before[table["name"]], "name": copy}
    assert after[table["name"]] == before[table["name"]]


async def test_preset_change_in_edit_fills_only_when_asked(preset_file: Path) -> None:
    app = app_for(preset_file)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_editor(pilot, app, "e", "Gmail relay")
        app.screen.query_one("#preset", Select).value = "zoho"
        await pilot.pause()
        assert field(app, "host") == "smtp-relay.gmail.com"
        await pilot.click("#apply-preset")
        await pilot.pause()
        zoho = PRESETS["zoho"]
        assert (field(app, "host"), field(app, "port"), field(app, "tls")) == (
            zoho.host, str(zoho.port), zoho.tls)


async def test_a_change_to_another_profile_does_not_block_the_save(
        preset_file: Path) -> None:
    """(A change to the edited profile itself: tests/test_app_editor_merge.py.)"""
    app = app_for(preset_file)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_editor(pilot, app, "e", "Gmail relay")
        await set_input(pilot, app, "notes", "mine")
        preset_file.write_text(tomli_w.dumps({"profile": [{**SES, "port": 2600}, GMAIL]}))
        await save(pilot, app)
    after = on_disk(preset_file)
    assert after["Gmail relay"]["notes"] == "mine" and after["Gmail relay"]["port"] == 465
    assert after["SES relay"]["port"] == 2600


async def test_nameserver_and_dkim_selectors_are_edited(preset_file: Path) -> None:
    app = app_for(preset_file)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_editor(pilot, app, "e", "Gmail relay")
        await set_input(pilot, app, "nameserver", "dns.example")
        assert "IP address" in problem(app, "nameserver")
        await set_input(pilot, app, "nameserver", "127.0.0.1:5353")
        assert problem(app, "nameserver") == ""
        await set_input(pilot, app, "dkim_selectors", "s1, sel!")
        assert "'sel!' is not a DKIM selector" in problem(app, "dkim_selectors")
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, ProfileEditor)
        await set_input(pilot, app, "dkim_selectors", "google, s1  k2._x")
        assert problem(app, "dkim_selectors") == ""
        await save(pilot, app)
    saved = on_disk(preset_file)["Gmail relay"]
    assert saved["nameserver"] == "127.0.0.1:5353"
    assert saved["dkim_selectors"] == ["google", "s1", "k2._x"]


async def test_ses_preset_asks_for_the_region(tmp_path: Path) -> None:
    path = tmp_path / "profiles.toml"
    app = app_for(path)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, ProfileEditor), "the editor")
        region_row = app.screen.query_one("#row-region")
        assert not region_row.display
        app.screen.query_one("#preset", Select).value = "ses"
        await pilot.pause()
        assert region_row.display
        await set_input(pilot, app, "region", "nowhere")
        assert "region must look like us-east-1" in problem(app, "region")
        await set_input(pilot, app, "username", "smtp-user")
        app.screen.query_one("#secret_kind", Select).value = "prompt"
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, ProfileEditor)
        await set_input(pilot, app, "region", "eu-west-1")
        assert problem(app, "region") == ""
        assert field(app, "host") == PRESETS["ses"].host_for("eu-west-1")
        app.screen.query_one("#preset", Select).value = "gmail"
        await pilot.pause()
        assert not region_row.display
        app.screen.query_one("#preset", Select).value = "ses"
        await pilot.pause()
        await save(pilot, app)
    saved = on_disk(path)["Amazon SES"]
    assert saved["host"] == "email-smtp.eu-west-1.amazonaws.com" and saved["preset"] == "ses"


async def test_to_is_validated_and_port_security_hinted(tmp_path: Path) -> None:
    path = tmp_path / "profiles.toml"
    app = app_for(path)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, ProfileEditor), "the editor")
        await set_input(pilot, app, "name", "x")
        await set_input(pilot, app, "host", "127.0.0.1")
        await set_input(pilot, app, "mail_from", "me@acme.test")
        await set_input(pilot, app, "rcpt_to", "ok@acme.test, bad-address")
        assert "'bad-address' is not an address" in problem(app, "rcpt_to")
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, ProfileEditor)
        assert not path.exists()
        await set_input(pilot, app, "rcpt_to", "ok@acme.test, b@acme.test")
        assert problem(app, "rcpt_to") == ""
        await set_input(pilot, app, "port", "465")
        hint = app.screen.query_one("#tls-hint", Static)
        assert "465 usually means implicit" in str(hint.render())
        await save(pilot, app)  # a hint, not a problem
    assert on_disk(path)["x"]["to"] == ["ok@acme.test", "b@acme.test"]


def test_form_checks() -> None:
    assert address_problem("a@b.c, d@e") is None
    for bad in ("bad-address", "a b@c.d", "a@b@c", "@b.c"):
        assert address_problem(bad) is not None, bad
    assert tls_hint("465", "starttls") and tls_hint("587", "implicit")
    assert tls_hint("465", "implicit") == tls_hint("587", "starttls") == ""
    assert nameserver_problem("") is None and nameserver_problem("[::1]:53") is None
    assert nameserver_problem("127.0.0.1:99999") is not None
    assert split_list(" a, b  c,,") == ("a", "b", "c")
    assert selectors_problem("s1 google._x") is None and selectors_problem("-x") is not None
    assert region_of("email-smtp.ap-south-1.amazonaws.com") == "ap-south-1"
    assert region_of("smtp.gmail.com") == ""
    profile, problems = build(FormValues(name="n", host="h", rcpt_to="x"), None, set())
    assert profile is None and "rcpt_to" in problems
