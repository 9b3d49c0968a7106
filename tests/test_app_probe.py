"""Pilot tests: real probes from the dashboard against loopback relays."""

from __future__ import annotations

import json
import ssl
from pathlib import Path

import pytest

from smtptui.app.screens.prompt import TextPrompt
from tests.app_helpers import (
    PASSWORD_ENV,
    Relays,
    app_for,
    diagnosis_text,
    profile,
    run_selected,
    select,
    until,
    visible_text,
    write_profiles,
)
from tests.conftest import CANARY, USER, RelayFactory
from tests.servers import EHLO_BASIC, Conn, RawFactory, smtp_loop


async def test_healthy_probe_passes_and_never_shows_the_password(acme_file: Path) -> None:
    app = app_for(acme_file)
    async with app.run_test(size=(120, 40)) as pilot:
        await select(pilot, app, "Acme relay")
        await run_selected(pilot, app)
        view = app.main.view
        assert view.strip.outcome == "pass"
        assert [s.state for s in view.strip.slots] == ["pass"] * len(view.strip.slots)
        assert "PASSED" in view.strip.plain()
        transcript = view.transcript.text()
        assert "ESMTP healthy test relay" in transcript
        assert "<redacted>" in transcript
        assert app.main.states["file:Acme relay"] == "pass"
        await pilot.pause()
        shown = visible_text(view.transcript)
        assert "C: <redacted>" in shown or "AUTH PLAIN <redacted>" in shown
        assert "S: 221" in shown  # the pane follows the newest line
        screen = app.export_screenshot()
        for text in (transcript, screen, diagnosis_text(app)):
            assert CANARY not in text
        await pilot.press("y")
        assert app.clipboard.startswith(transcript.split("\n", 1)[0])
        assert CANARY not in app.clipboard


async def test_wrong_password_is_diagnosed(acme_file: Path) -> None:
    app = app_for(acme_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await select(pilot, app, "Acme strict")
        await run_selected(pilot, app)
        view = app.main.view
        assert view.strip.outcome == "fail"
        assert "FAILED at auth" in view.strip.plain()
        failed = {s.stage: s.state for s in view.strip.slots}
        assert failed["auth"] == "fail" and failed["mail"] == "notrun"
        diagnosis = diagnosis_text(app)
        assert "535 5.7.8" in diagnosis
        assert "Layer         auth" in diagnosis
        assert "credentials" in diagnosis.lower()
        assert "Next step" in diagnosis
        assert app.main.states["file:Acme strict"] == "fail"
        assert CANARY not in view.transcript.text() + diagnosis


async def test_server_markup_and_escapes_render_as_text(
        tmp_path: Path, raw_server: RawFactory, cafile: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    nasty = "220 raw.test [/help] [bold \x1b[31mred\x1b]0;title\x07 [link=x]"

    async def handler(conn: Conn) -> None:
        await conn.send(nasty)
        await smtp_loop(conn, {"EHLO": EHLO_BASIC, "QUIT": "221 [/bold] bye"})

    server = await raw_server(handler)
    monkeypatch.setenv(PASSWORD_ENV, CANARY)
    path = write_profiles(tmp_path / "p.toml", [profile(
        "Nasty", server.port, cafile, tls="none", stop_after="ehlo", username=None,
        password=None)])
    app = app_for(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await run_selected(pilot, app)
        await pilot.pause()
        shown = visible_text(app.main.view.transcript)
        assert "[/help] [bold \\x1b[31mred\\x1b]0;title\\x07 [link=x]" in shown
        assert "\x1b" not in shown
        assert "[/bold] bye" in shown
        diagnosis = diagnosis_text(app)
        assert "[/help] [bold" in diagnosis
        assert "\x1b" not in app.export_screenshot()


async def test_escape_cancels_a_probe_against_a_silent_server(
        tmp_path: Path, raw_server: RawFactory, cafile: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    async def silent(conn: Conn) -> None:
        await conn.until_eof()

    server = await raw_server(silent)
    monkeypatch.setenv(PASSWORD_ENV, CANARY)
    path = write_profiles(tmp_path / "p.toml", [profile("Silent", server.port, cafile,
                                                        timeout=60)])
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.main.view
        await pilot.press("r")
        await until(pilot, lambda: any(s.stage == "greeting" and s.state == "running"
                                       for s in view.strip.slots), "the greeting wait")
        assert app.main.states["file:Silent"] == "running"
        await pilot.press("escape")
        await until(pilot, lambda: not view.running, "the probe to stop")
        assert view.strip.outcome == "cancelled"
        assert "CANCELLED" in view.strip.plain()
        assert "cancelled by the user" in view.transcript.text()
        await until(pilot, server.closed.is_set, "the connection to close")
        assert "file:Silent" not in app.main.states
        assert not [w for w in app.workers if w.is_running and w.group == "probe"]


async def test_missing_secret_is_explained(acme_file: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PASSWORD_ENV)
    app = app_for(acme_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await select(pilot, app, "Acme relay")
        await pilot.press("r")
        await until(pilot, lambda: app.main.states.get("file:Acme relay") == "fail",
                    "the secret problem")
        diagnosis = diagnosis_text(app)
        assert "Missing secret" in diagnosis and PASSWORD_ENV in diagnosis
        assert any(PASSWORD_ENV in n.message for n in app._notifications)
        assert app.main.view.transcript.line_count == 0


async def test_prompted_password_is_asked_once_and_kept_in_memory(
        tmp_path: Path, relays: Relays, cafile: str) -> None:
    path = write_profiles(tmp_path / "p.toml", [profile(
        "Asks", relays.healthy.port, cafile, password={"prompt": True})])
    before = path.read_text()
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, TextPrompt), "the password prompt")
        await pilot.press(*CANARY, "enter")
        view = app.main.view
        await until(pilot, lambda: view.report is not None and not view.running, "the probe")
        assert view.strip.outcome == "pass"
        first = view.report
        await pilot.press("r")  # the second run does not ask again
        await until(pilot, lambda: view.report not in (None, first) and not view.running,
                    "the second probe")
        assert not isinstance(app.screen, TextPrompt)
        assert CANARY not in view.transcript.text() + app.export_screenshot()
    assert path.read_text() == before


async def test_run_all_updates_each_glyph(acme_file: Path) -> None:
    app = app_for(acme_file)
    async with app.run_test(size=(120, 40)) as pilot:
        await select(pilot, app, "Acme relay")
        await pilot.press("a")
        await until(pilot, lambda: {k: v for k, v in app.main.states.items()
                                    if v != "running"} == {"file:Acme relay": "pass",
                                                           "file:Acme strict": "fail"},
                    "both Acme results")
        assert "file:Other relay" not in app.main.states
        tree = app.main.sidebar.profile_tree
        labels = {node.data: tree.render_label(node, tree.rich_style, tree.rich_style).plain
                  for node in tree.root.children[0].children}
        assert labels["file:Acme relay"].strip().startswith("✓")
        assert labels["file:Acme strict"].strip().startswith("✗")


async def test_save_report_writes_json_and_text(acme_file: Path, tmp_path: Path) -> None:
    app = app_for(acme_file)
    target = tmp_path / "out" / "acme-report"
    target.parent.mkdir()
    async with app.run_test(size=(80, 24)) as pilot:
        await select(pilot, app, "Acme relay")
        await run_selected(pilot, app)
        await pilot.press("w")
        await until(pilot, lambda: isinstance(app.screen, TextPrompt), "the save prompt")
        answer = app.screen.query_one("#answer")
        answer.value = str(target)  # type: ignore[attr-defined]
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, TextPrompt), "the save")
    data = json.loads(target.with_suffix(".json").read_text())
    assert data["ok"] is True and data["target"]["profile"] == "Acme relay"
    assert [s["stage"] for s in data["stages"]][-1] == "quit"
    text = target.with_suffix(".txt").read_text()
    assert "Acme relay" in text or "127.0.0.1" in text
    assert CANARY not in text + json.dumps(data)


async def test_tls_card_and_extensions(relay_factory: RelayFactory, bad_certs: dict[
        str, ssl.SSLContext], tmp_path: Path, cafile: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    relay = await relay_factory(starttls=bad_certs["expiring"], users={USER: CANARY})
    monkeypatch.setenv(PASSWORD_ENV, CANARY)
    path = write_profiles(tmp_path / "p.toml", [profile("Expiring", relay.port, cafile)])
    app = app_for(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await run_selected(pilot, app)
        diagnosis = diagnosis_text(app)
        assert "PASSED WITH WARNINGS" in diagnosis
        assert "✓ verified" in diagnosis and "days left" in diagnosis
        assert "SIZE          max message 10.0 MiB" in diagnosis
        assert "PIPELINING" in diagnosis
        assert "⚠" in app.main.view.strip.plain()
        assert app.main.states["file:Expiring"] == "warn"


async def test_s_sends_a_test_message(acme_file: Path, relays: Relays) -> None:
    app = app_for(acme_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await select(pilot, app, "Acme relay")
        await run_selected(pilot, app)
        assert "data" not in [s.stage for s in app.main.view.strip.slots]
        assert relays.healthy.messages == []
        await pilot.press("s")
        assert app.main.send_mode
        await run_selected(pilot, app)
        slots = {s.stage: s.state for s in app.main.view.strip.slots}
        assert slots["data"] == "pass"
    assert len(relays.healthy.messages) == 1
    assert relays.healthy.messages[0].rcpt_tos == ["rcpt@acme.test"]


async def test_markup_in_an_error_notification_is_shown_as_text(tmp_path: Path,
                                                                 cafile: str) -> None:
    """A password command whose stderr looks like markup must not break the app."""
    script = tmp_path / "pw.sh"
    script.write_text("#!/bin/sh\necho '[/help] [bold oops' >&2\nexit 3\n")
    script.chmod(0o755)
    path = write_profiles(tmp_path / "p.toml", [
        profile("Broken secret", 1, cafile, password={"command": str(script)})])
    app = app_for(path)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await select(pilot, app, "Broken secret")
        await pilot.press("r")
        await until(pilot, lambda: app._notifications, "a notification")
        shown = " ".join(n.message for n in app._notifications)
        assert "[/help] [bold oops" in shown
        assert app.main.states["file:Broken secret"] == "fail"
        await pilot.pause()
        assert app.is_running and app.return_code is None
