"""Pilot tests: real probes from the dashboard against loopback relays."""

from __future__ import annotations

import json
import ssl
from pathlib import Path

import pytest

from smtptui.app.app import SmtpTuiApp
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
        # the sidebar's state follows the finished report by a message: wait for it
        await until(pilot, lambda: app.main.states["file:Acme strict"] == "fail",
                    "the sidebar to show the failure")
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


async def test_missing_secret_still_tests_up_to_auth(acme_file: Path, relays: Relays,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PASSWORD_ENV)
    app = app_for(acme_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await select(pilot, app, "Acme relay")
        await pilot.press("r")
        await until(pilot, lambda: app.main.states.get("file:Acme relay") == "fail",
                    "the probe to fail at AUTH")
        report = app.results["file:Acme relay"]
        assert [(s.stage, s.status) for s in report.stages][-3:] == [
            ("ehlo", "pass"), ("auth", "fail"), ("quit", "pass")]
        assert report.tls is not None and report.tls.cert is not None
        diagnosis = diagnosis_text(app)
        assert "could not be read, so AUTH was not tried" in diagnosis
        assert PASSWORD_ENV in diagnosis
        assert any(PASSWORD_ENV in n.message and "up to AUTH" in n.message
                   for n in app._notifications)
        assert "STARTTLS" in app.main.view.transcript.text()
    assert "AUTH" not in relays.healthy.verbs  # nothing was sent without a password


async def test_unanswered_password_prompt_runs_nothing(
        tmp_path: Path, relays: Relays, cafile: str) -> None:
    path = write_profiles(tmp_path / "p.toml", [profile(
        "Asks", relays.healthy.port, cafile, password={"prompt": True})])
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, TextPrompt), "the password prompt")
        await pilot.press("escape")
        await until(pilot, lambda: any("nothing was run" in n.message
                                       for n in app._notifications), "the cancel notice")
        await until(pilot, lambda: "file:Asks" not in app.main.states, "the state restored")
        assert app.main.view.transcript.line_count == 0
        assert "FAILED" not in app.main.view.strip.plain()
    assert relays.healthy.verbs == []


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


async def test_saving_over_an_existing_report_asks_first(acme_file: Path, tmp_path: Path) -> None:
    app = app_for(acme_file)
    target = tmp_path / "keep"
    target.with_suffix(".txt").write_text("important\n")
    async with app.run_test(size=(80, 24)) as pilot:
        await select(pilot, app, "Acme relay")
        await run_selected(pilot, app)
        await pilot.press("w")
        await until(pilot, lambda: isinstance(app.screen, TextPrompt), "the save prompt")
        app.screen.query_one("#answer").value = str(target)  # type: ignore[attr-defined]
        await pilot.press("end", "enter")  # (the suggested path was selected)
        problem = app.screen.query_one("#problem")
        await until(pilot, lambda: "already exists" in str(problem.render()), "the question")
        assert target.with_suffix(".txt").read_text() == "important\n"
        await pilot.press("x")  # editing the name takes the question away
        await until(pilot, lambda: str(problem.render()) == "", "the question to go")
        await pilot.press("backspace", "enter")
        await until(pilot, lambda: "already exists" in str(problem.render()), "it again")
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, TextPrompt), "the save")
    assert "smtptui probe of" in target.with_suffix(".txt").read_text()


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
        await until(pilot, lambda: app.main.states["file:Broken secret"] != "running",
                    "the probe to end")
        assert app.main.states["file:Broken secret"] == "fail"
        await pilot.pause()
        assert app.is_running and app.return_code is None


async def test_keys_in_one_burst_act_on_the_cursor_profile(acme_file: Path) -> None:
    """``Down r`` arriving together (slow SSH) runs the profile the cursor moved to."""
    from textual import events

    app = app_for(acme_file)
    async with app.run_test(size=(120, 40)) as pilot:
        await select(pilot, app, "Acme relay")
        driver = app._driver
        assert driver is not None
        for key, char in (("down", None), ("r", "r")):
            driver.send_message(events.Key(key, char))
        await until(pilot, lambda: app.main.states.get("file:Acme strict") == "fail",
                    "the strict profile to run")
        assert "file:Acme relay" not in app.main.states


def footer_line(app: SmtpTuiApp) -> str:
    """The bottom row of the screen as painted, from the widgets under each cell."""
    from textual.widgets._footer import FooterKey

    width, height = app.size
    shown: list[FooterKey] = []
    for x in range(width):
        widget, _ = app.screen.get_widget_at(x, height - 1)
        if isinstance(widget, FooterKey) and widget not in shown:
            shown.append(widget)
    return " ".join(f"{k.key_display} {k.description}" for k in shown)


@pytest.mark.parametrize("width", [80, 120])
async def test_footer_shows_whole_keys_only(acme_file: Path, width: int) -> None:
    from textual.widgets._footer import FooterKey

    app = app_for(acme_file)
    async with app.run_test(size=(width, 24)) as pilot:
        await until(pilot, lambda: app.main.query(FooterKey), "the footer")
        await pilot.pause()
        keys = [k for k in app.main.query(FooterKey) if k.display]
        for key in keys:  # every key shown lies wholly on the screen, none under another
            region = key.region
            assert region.x >= 0 and region.right <= width, (key.description, region)
            assert region.width == len(f"{key.key_display} {key.description}") + 2 * (
                key.has_class("-command-palette")), key.description  # its border and padding
        ordinary = sorted((k for k in keys if not k.has_class("-command-palette")),
                          key=lambda k: k.region.x)
        palette = next(k for k in keys if k.has_class("-command-palette"))
        assert ordinary[-1].region.right < palette.region.x
        line = footer_line(app)
        assert line.startswith("r Run esc Cancel ? Help") and line.endswith("palette")
        last, _ = app.screen.get_widget_at(width - 1, 23)
        assert last is palette or not isinstance(last, FooterKey)  # no stray character


async def test_palette_lists_mark_compare_reload_once(acme_file: Path) -> None:
    app = app_for(acme_file)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.main)]
        assert len(titles) == len(set(titles))
        for title in ("Mark / unmark profile for compare",
                      "Compare the two marked profiles (mark with space)",
                      "Reload the profiles file (keeps the selection)",
                      "Quit smtptui", "Keys and tips"):
            assert title in titles
        assert "Quit" not in titles and "Keys" not in titles
        await select(pilot, app, "Acme strict")
        next(c for c in app.get_system_commands(app.main)
             if c.title.startswith("Mark")).callback()
        await until(pilot, lambda: app.main.marked == {"file:Acme strict"}, "the mark")


async def test_reload_keeps_selection_and_shows_errors(acme_file: Path) -> None:
    from smtptui.app.screens.error import ProfilesErrorScreen

    app = app_for(acme_file)
    async with app.run_test(size=(120, 40)) as pilot:
        await select(pilot, app, "Other relay")
        text = acme_file.read_text()
        acme_file.write_text(text.replace('"Acme strict"', '"Acme newer"'))
        await pilot.press("ctrl+r")
        await until(pilot, lambda: any(e.name == "Acme newer" for e in app.main.entries),
                    "the reloaded file")
        await pilot.pause()
        node = app.main.sidebar.profile_tree.cursor_node
        assert node is not None and node.data == "file:Other relay"
        acme_file.write_text("this is [not toml")
        await pilot.press("ctrl+r")
        await until(pilot, lambda: isinstance(app.screen, ProfilesErrorScreen),
                    "the error screen")


async def test_filter_matching_nothing_says_so_and_esc_clears(acme_file: Path) -> None:
    from textual.widgets import Input, Static

    app = app_for(acme_file)
    async with app.run_test(size=(120, 40)) as pilot:
        await select(pilot, app, "Acme relay")
        await pilot.press("slash", *"xyz")
        note = app.main.query_one("#no-match", Static)
        await until(pilot, lambda: note.display, "the no-match note")
        assert str(note.render()) == "no profile matches 'xyz' (Esc clears)"
        await pilot.press("escape")
        await pilot.pause()
        assert app.main.query_one("#filter", Input).value == ""
        assert app.main.sidebar.profile_tree.has_focus and not note.display
        assert app.main.sidebar.visible_keys() == [e.key for e in app.main.entries]


async def test_revisited_report_shows_the_stages_not_run(acme_file: Path) -> None:
    app = app_for(acme_file)
    async with app.run_test(size=(120, 40)) as pilot:
        await select(pilot, app, "Acme strict")
        await run_selected(pilot, app)
        view = app.main.view
        live = view.strip.plain()
        assert "mail (not run)" in live
        await select(pilot, app, "Other relay")
        await until(pilot, lambda: view.key == "file:Other relay", "the other profile")
        await pilot.press("up", "up")
        await until(pilot, lambda: view.key == "file:Acme strict", "the revisit")
        assert view.strip.plain() == live


async def test_a_duplicated_profile_is_selected_once_saved(acme_file: Path) -> None:
    from smtptui.app.screens.editor import ProfileEditor

    app = app_for(acme_file)
    async with app.run_test(size=(120, 40)) as pilot:
        await select(pilot, app, "Acme relay")
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, ProfileEditor), "the editor")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, ProfileEditor), "the save")
        node = app.main.sidebar.profile_tree.cursor_node
        assert node is not None and node.data == "file:Acme relay (copy)"
        await until(pilot, lambda: app.main.view.key == "file:Acme relay (copy)", "the view")


async def test_two_profiles_can_be_picked_for_compare_in_the_palette(acme_file: Path) -> None:
    from smtptui.app.screens.compare import CompareScreen

    app = app_for(acme_file)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.main.marked == frozenset()
        await pilot.press("ctrl+p", *"Compare two profiles", "enter")
        await until(pilot, lambda: "Compare which profile" in str(
            app.screen.query_one("Input").placeholder), "the first pick")
        await pilot.press(*"Acme strict", "enter")
        await until(pilot, lambda: "Compare Acme strict with" in str(
            getattr(app.screen.query("Input").first(), "placeholder", "")), "the second pick")
        await pilot.press(*"Other relay", "enter")
        await until(pilot, lambda: isinstance(app.screen, CompareScreen), "the compare screen")
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        assert [name for name, _config in screen.sides.values()] == ["Acme strict", "Other relay"]


async def test_ctrl_c_says_how_to_quit_in_plain_words(acme_file: Path) -> None:
    app = app_for(acme_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+c")
        await until(pilot, lambda: any("to quit" in n.message for n in app._notifications),
                    "the notice")
        notice = next(n for n in app._notifications if "to quit" in n.message)
        assert notice.message == "Press q to quit the app." and "[" not in notice.message
