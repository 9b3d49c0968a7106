"""Pilot tests: "Find server" in the new-profile form (SRV records, MX -> preset), against
a loopback DNS responder given as $SMTPTUI_NAMESERVER (never the machine's resolver)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, OptionList, Select

from smtptui.app.screens.editor import ProfileEditor
from smtptui.cli import main
from tests.app_helpers import app_for, until, write_profiles
from tests.dns_fixtures import DnsServerFactory


@pytest.fixture
def profiles(tmp_path: Path) -> Path:
    return write_profiles(tmp_path / "profiles.toml", [
        {"name": "Acme relay", "host": "smtp.acme.example"}])


def field(app: Any, name: str) -> str:
    widget = app.screen.query_one(f"#{name}")
    return str(widget.value)


def status(app: Any) -> str:
    return str(app.screen.query_one("#discover-status").render())


async def discover(pilot: Any, app: Any, address: str) -> None:
    box = app.screen.query_one("#discover-address", Input)
    box.focus()
    box.value = address
    await pilot.press("enter")
    await until(pilot, lambda: not status(app).startswith("◌") and status(app),
                "the discovery to end")


async def test_srv_records_and_mx_provider_fill_the_form(
        profiles: Path, dns_server_factory: DnsServerFactory,
        monkeypatch: pytest.MonkeyPatch) -> None:
    server = dns_server_factory({
        "acme.test": {"_submission._tcp": [("SRV", "0 1 587 smtp.acme.test.")],
                      "_submissions._tcp": [("SRV", "0 1 465 smtp.acme.test.")]},
        "globex.test": {"@": [("MX", "10 aspmx.l.google.com.")]},
    })
    monkeypatch.setenv("SMTPTUI_NAMESERVER", server.address)
    app = app_for(profiles)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, ProfileEditor), "the editor")
        await discover(pilot, app, "ops@acme.test")
        options = app.screen.query_one("#discover-options", OptionList)
        assert "2 servers found for acme.test" in status(app)
        assert options.option_count == 2 and app.screen.focused is options
        await pilot.press("down", "enter")  # the second: STARTTLS on 587
        await pilot.pause()
        assert (field(app, "host"), field(app, "port"), field(app, "tls")) == (
            "smtp.acme.test", "587", "starttls")
        assert field(app, "username") == field(app, "mail_from") == "ops@acme.test"
        assert app.screen.query_one("#preset", Select).value is Select.NULL
        assert app.screen.query_one("#secret_kind", Select).value == "prompt"
        assert "the password is asked when you run it" in status(app)
        # an address whose MX is at Google: the Gmail preset, its host kept
        await discover(pilot, app, "boss@globex.test")
        assert "1 server found for globex.test" in status(app)
        await pilot.press("enter")
        await until(pilot, lambda: field(app, "host") == "smtp.gmail.com", "the fill")
        await pilot.pause()
        assert app.screen.query_one("#preset", Select).value == "gmail"
        assert field(app, "host") == "smtp.gmail.com"  # not replaced by the preset change
        app.screen.query_one("#name", Input).value = "Globex mail"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, ProfileEditor), "the save")
    saved = {p["name"]: p for p in tomllib.loads(profiles.read_text())["profile"]}
    assert saved["Globex mail"]["preset"] == "gmail"
    assert saved["Globex mail"]["host"] == "smtp.gmail.com"
    assert saved["Globex mail"]["tls"] == "starttls"
    # the discovered username comes with a password source, so the file checks
    assert saved["Globex mail"]["username"] == "ops@acme.test"  # kept from the first fill
    assert saved["Globex mail"]["password"] == {"prompt": True}
    assert main(["profiles", "check", "--profiles", str(profiles)]) == 0


async def test_a_silent_resolver_is_reported_and_the_form_keeps_working(
        profiles: Path, silent_nameserver: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMTPTUI_NAMESERVER", silent_nameserver)
    app = app_for(profiles)
    app.dns_timeout = 0.3
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, ProfileEditor), "the editor")
        await discover(pilot, app, "ops@nowhere.test")
        text = status(app)
        assert text.startswith("✗ Nothing found for nowhere.test")
        assert "timed out after 0.3 s" in text
        assert app.screen.query_one("#discover-options", OptionList).option_count == 0
        await discover(pilot, app, "not an address@")
        assert status(app).startswith("✗ invalid")
        for name, value in (("name", "By hand"), ("host", "smtp.nowhere.test")):
            app.screen.query_one(f"#{name}", Input).value = value
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, ProfileEditor), "the save")
    saved = tomllib.loads(profiles.read_text())["profile"]
    assert [p["host"] for p in saved] == ["smtp.acme.example", "smtp.nowhere.test"]
