"""Pilot tests: the header analyser screen (h), on the sample messages in tests/data."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events
from textual.widgets import Input

from smtptui.app.headers_card import MECHANISMS
from smtptui.app.screens.headers import HeaderScreen
from smtptui.app.screens.main import MainScreen
from smtptui.app.screens.prompt import TextPrompt
from smtptui.dnscheck.headers import analyse_headers
from tests.app_helpers import app_for, until, write_profiles

DATA = Path(__file__).parent / "data" / "headers"


def one_profile(tmp_path: Path) -> Path:
    return write_profiles(tmp_path / "profiles.toml", [
        {"name": "Acme relay", "host": "smtp.acme.example"}])


async def open_headers(pilot: object, app: object) -> HeaderScreen:
    await pilot.press("h")  # type: ignore[attr-defined]
    await until(pilot, lambda: isinstance(app.screen, HeaderScreen), "the header screen")  # type: ignore[arg-type, attr-defined]
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, HeaderScreen)
    return screen


async def test_loading_a_file_shows_every_verdict_and_the_hops(tmp_path: Path) -> None:
    path = DATA / "mailing_list_arc.eml"
    expected = analyse_headers(path.read_text(encoding="utf-8"))
    app = app_for(one_profile(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_headers(pilot, app)
        await pilot.press("ctrl+o")
        await until(pilot, lambda: isinstance(app.screen, TextPrompt), "the file prompt")
        app.screen.query_one(Input).value = str(tmp_path / "missing.eml")
        await pilot.press("enter")
        await pilot.pause()
        assert "Cannot read" in str(app.screen.query_one("#problem").render())
        app.screen.query_one(Input).value = str(path)
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is screen, "the prompt to close")
        result = screen.result_text
        for verdict in expected.verdicts:
            word = {"pass": "✓ pass", "warn": "⚠ warn", "fail": "✗ fail", "info": "· info"}
            line = f"{word[verdict.level]}  {MECHANISMS[verdict.mechanism]}: {verdict.detail}"
            assert line in result
        assert [v.mechanism for v in expected.verdicts][:5] == [
            "spf", "dkim", "dmarc", "arc", "unsubscribe"]
        assert "Why it may land in spam" in result
        for reason in expected.spam_reasons:
            assert reason in result
        for hop in expected.hops:
            assert f"→ {hop.by_host}" in result
        slow = max(expected.hops, key=lambda h: h.delay_s or 0)
        assert f"+{slow.delay_s:.0f} s" in result
        assert "DKIM d=sender.example s=sel1: aligned (strict)" in result
        # Esc goes back; h again shows the same text and result
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, MainScreen), "the main screen")
        again = await open_headers(pilot, app)
        await pilot.pause()
        assert again.result_text == result


async def test_pasted_text_cannot_inject_markup_or_escapes(tmp_path: Path) -> None:
    raw = (DATA / "microsoft365_junk.eml").read_text(encoding="utf-8")
    nasty = raw.replace("Subject: ", "Subject: [/help] [bold \x1b[31mred\x1b]0;t\x07 ", 1)
    app = app_for(one_profile(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_headers(pilot, app)
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert "No headers" in screen.result_text
        screen.text_area.post_message(events.Paste(nasty))
        await until(pilot, lambda: "Subject" in screen.text_area.text, "the paste")
        assert "\x1b" not in screen.text_area.text
        assert "\\x1b[31mred" in screen.text_area.text
        await pilot.press("ctrl+r")
        await until(pilot, lambda: "Verdict" in screen.result_text, "the result")
        result = screen.result_text
        assert "[/help] [bold \\x1b[31mred\\x1b]0;t\\x07" in result
        expected = analyse_headers(screen.text_area.text)
        assert expected.level == "fail"
        assert result.splitlines()[1].startswith("✗ fail  ")
        assert "✗ fail  Spam filter: Microsoft spam confidence level" in result
        assert "\x1b" not in app.export_screenshot()


async def test_new_keys_are_in_the_palette_the_help_and_the_footer(
        tmp_path: Path, silent_nameserver: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from textual.widgets._footer import FooterKey

    from smtptui.app.screens.help import HelpScreen

    monkeypatch.setenv("SMTPTUI_NAMESERVER", silent_nameserver)
    app = app_for(one_profile(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        commands = {c.title: c.help for c in app.get_system_commands(app.main)}
        assert commands["DNS checks for this profile"] == "key: D"
        assert commands["Analyse message headers"] == "key: h"
        await until(pilot, lambda: app.main.query(FooterKey), "the footer")
        footer = [k.description for k in app.main.query(FooterKey)]
        assert "DNS" in footer and "Headers" in footer
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen), "the help")
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.text
        assert "DNS checks for this profile" in text and "SMTPTUI_NAMESERVER" in text
        await pilot.press("escape")
        await pilot.press("down")
        await until(pilot, lambda: app.main.selected is not None, "the selection")
        await pilot.press("shift+d")  # the kitty-protocol spelling of D
        await until(pilot, lambda: app.main._dns_running is not None, "the DNS checks")
        assert app.main._dns_running[1].nameserver == silent_nameserver
        await pilot.press("escape")
        await until(pilot, lambda: "file:Acme relay" in app.dns_results, "the cancel")
