"""Pilot tests of the dashboard as a user meets it: the demo runs itself, long lines wrap,
a pane can fill the screen, send mode stays visible, batches and their overview."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Checkbox, Input

from smtptui.app.app import DEMO_CLIENT
from smtptui.app.render import Bullet
from smtptui.app.screens.batch_secrets import BatchSecrets
from smtptui.app.widgets.diagnostics import DiagnosticsPanel
from smtptui.app.widgets.transcript import PREFIX_WIDTH
from tests.app_helpers import (
    PASSWORD_ENV,
    Relays,
    app_for,
    diagnosis_text,
    profile,
    select,
    until,
    visible_text,
    write_profiles,
)
from tests.conftest import CANARY
from tests.test_app_colours import show_failure
from tests.test_app_snapshots import failed_report, fixed_file  # noqa: F401


async def edit_first_profile(pilot: Any, app: Any, ready: str = "#name") -> None:
    """Press e on the first profile and wait for the editor's ``ready`` field."""
    from smtptui.app.screens.editor import ProfileEditor

    await until(pilot, lambda: app.main.entries, "the profiles")
    await pilot.press("down", "e")
    await until(pilot, lambda: isinstance(app.screen, ProfileEditor)
                and app.screen.query(ready), "the editor")


async def test_the_demo_runs_its_three_profiles_with_no_keystroke(tmp_path: Path) -> None:
    app = app_for(tmp_path / "none.toml", demo=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: len(app.main.entries) == 3, "the demo profiles")
        assert any("Running the three demo profiles" in n.message
                   for n in app._notifications)
        keys = [e.key for e in app.main.entries if e.client == DEMO_CLIENT]
        await until(pilot, lambda: all(app.main.states.get(k) in ("pass", "fail")
                                       for k in keys), "the three results", rounds=750)
        assert [app.main.states[k] for k in keys] == ["pass", "fail", "fail"]
        # the selected (first) profile shows its run, not "not run yet"
        await until(pilot, lambda: "PASSED" in diagnosis_text(app), "the healthy run shown")


async def test_long_lines_wrap_under_their_text_and_l_toggles(fixed_file: Path) -> None:  # noqa: F811
    app = app_for(fixed_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await show_failure(pilot)
        transcript = app.main.view.transcript
        transcript.scroll_end(animate=False, immediate=True)
        await pilot.pause()
        shown = visible_text(transcript)
        reply = "535 5.7.8 Authentication credentials invalid [/help] [bold"
        rows = [row for row in shown.splitlines() if row.strip()]
        start = next(i for i, row in enumerate(rows) if "S: 535 5.7.8" in row)
        # the reply goes on under its own text, after the time and direction columns
        assert rows[start + 1].startswith(" " * PREFIX_WIDTH)
        assert "".join(r[PREFIX_WIDTH:].strip() + " " for r in rows[start:start + 3]
                       ).startswith(reply.split(" [")[0])
        assert reply.replace(" ", "") in "".join(
            r[PREFIX_WIDTH:] for r in rows[start:start + 4]).replace(" ", "")
        await pilot.press("l")
        assert not transcript.wrap
        await pilot.pause()
        rows = [r for r in visible_text(transcript).splitlines() if "S: 535" in r]
        assert rows and "[bold" not in rows[0]  # cut at the pane's edge, scrolls sideways
        await pilot.press("l")
        assert transcript.wrap


async def test_z_gives_the_focused_pane_the_screen_and_escape_returns(
        fixed_file: Path) -> None:  # noqa: F811
    app = app_for(fixed_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await show_failure(pilot)
        await pilot.press("z")  # from the list: the transcript
        assert app.screen.maximized is app.main.view.transcript
        assert app.main.view.transcript.region.width == 80
        await pilot.press("escape")
        assert app.screen.maximized is None
        app.main.query_one(DiagnosticsPanel).focus()
        await pilot.pause()
        await pilot.press("z")
        assert app.screen.maximized is app.main.query_one(DiagnosticsPanel)
        await pilot.press("z")
        assert app.screen.maximized is None


async def test_a_batch_asks_every_secret_at_once_and_a_skip_keeps_the_old_result(
        tmp_path: Path, relays: Relays, cafile: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, CANARY)
    path = write_profiles(tmp_path / "profiles.toml", [
        profile("Acme asks", relays.healthy.port, cafile, password={"prompt": True}),
        profile("Acme asks too", relays.healthy.port, cafile, password={"prompt": True}),
        profile("Acme env", relays.healthy.port, cafile),
    ])
    app = app_for(path)
    async with app.run_test(size=(100, 30)) as pilot:
        await select(pilot, app, "Acme asks too")
        earlier = failed_report()
        app.main.record_result("file:Acme asks too", earlier)  # an earlier run
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, BatchSecrets)
                    and app.screen.query("#secret-1"), "one dialog for both secrets")
        dialog = app.screen
        assert [a.name for a in dialog.asks] == ["Acme asks", "Acme asks too"]
        await pilot.press(*CANARY, "enter")  # the first one; Enter moves on
        assert app.focused is dialog.query_one("#secret-1")
        dialog.query_one("#skip-1", Checkbox).value = True
        await pilot.pause()
        await pilot.click("#ok")
        await until(pilot, lambda: app.main.states.get("file:Acme asks") == "pass"
                    and app.main.states.get("file:Acme env") == "pass", "the two that ran",
                    750)
        await until(pilot, lambda: any("1 skipped" in n.message for n in app._notifications),
                    "the batch's summary")
        # the skipped profile was not run: its earlier result and state stay
        assert app.results["file:Acme asks too"] is earlier
        assert app.main.states["file:Acme asks too"] == "fail"
        assert "file:Acme asks too" not in app.errors
        assert CANARY not in "".join(n.message for n in app._notifications)


async def test_escape_in_the_batch_dialog_skips_the_prompted_profiles_only(
        tmp_path: Path, relays: Relays, cafile: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, CANARY)
    path = write_profiles(tmp_path / "profiles.toml", [
        profile("Acme asks", relays.healthy.port, cafile, password={"prompt": True}),
        profile("Acme env", relays.healthy.port, cafile),
    ])
    app = app_for(path)
    async with app.run_test(size=(100, 30)) as pilot:
        await select(pilot, app, "Acme env")
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, BatchSecrets), "the dialog")
        await pilot.press("escape")
        await until(pilot, lambda: app.main.states.get("file:Acme env") == "pass",
                    "the profile without a prompt", 750)
        await until(pilot, lambda: any("1 skipped" in n.message for n in app._notifications),
                    "the batch's summary")
        assert "file:Acme asks" not in app.main.states  # never run, not a failure
        assert "file:Acme asks" not in app.errors


async def test_a_client_shows_an_overview_of_its_last_results(tmp_path: Path) -> None:
    app = app_for(tmp_path / "none.toml", demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: len(app.main.entries) == 3, "the demo profiles")
        keys = [e.key for e in app.main.entries]
        await until(pilot, lambda: all(app.main.states.get(k) in ("pass", "fail")
                                       for k in keys), "the three results", rounds=750)
        await pilot.press("up")  # the client's node
        overview = app.main.overview
        await until(pilot, lambda: overview.display and overview.rows_shown, "the overview")
        assert not app.main.view.display
        # worst first: the two failures (by name), then the pass
        assert [(r.name, r.state, r.stage, r.reply) for r in overview.rows_shown] == [
            ("Demo: expired certificate", "fail", "starttls", ""),
            ("Demo: wrong password", "fail", "auth", "535 5.7.8"),
            ("Demo: healthy relay", "pass", "", "")]
        cells = [str(c) for c in overview.get_row_at(1)]
        assert cells[:4] == ["Demo: wrong password", "✗ FAILED", "auth", "535 5.7.8"]
        assert cells[4].endswith("ms") and len(cells[5]) == 8  # total time, HH:MM:SS
        overview.focus()
        await pilot.press("1")  # by name
        assert [r.name for r in overview.rows_shown] == [
            "Demo: expired certificate", "Demo: healthy relay", "Demo: wrong password"]
        await pilot.press("5", "5")  # by total time, slowest first
        totals = [r.total_ms for r in overview.rows_shown]
        assert totals == sorted(totals, reverse=True)  # type: ignore[type-var]
        await pilot.press("1", "down", "enter")  # open the healthy relay's run
        await until(pilot, lambda: app.main.view.display and app.main.selected is not None
                    and app.main.selected.name == "Demo: healthy relay", "its run")
        assert not overview.display
        assert "PASSED" in diagnosis_text(app)


async def test_the_client_table_shows_all_six_columns_at_80x24(tmp_path: Path) -> None:
    from smtptui.app.widgets.client_overview import local_time
    from tests.compare_reports import make_report

    long_name = "Acme backup relay in the old datacentre"
    path = write_profiles(tmp_path / "profiles.toml", [
        {"name": "Acme relay", "client": "Acme", "host": "smtp.acme.example"},
        {"name": long_name, "client": "Acme", "host": "backup.acme.example"}])
    app = app_for(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.main.entries, "the profiles")
        failed = failed_report()
        app.main.record_result("file:Acme relay", failed)
        app.main.record_result(f"file:{long_name}", make_report("backup.acme.example"))
        await pilot.press("home")  # the client Acme
        overview = app.main.overview
        await until(pilot, lambda: overview.display and overview.rows_shown, "the overview")
        await until(pilot, lambda: "✗ FAILED" in str(overview.get_row_at(0)[1]), "long words")
        await pilot.resize_terminal(80, 24)  # the table follows the terminal's width
        await until(pilot, lambda: "✗ FAIL" == str(overview.get_row_at(0)[1]), "short words")
        await pilot.pause()
        box = overview.region
        strips = app.screen._compositor.render_strips()  # type: ignore[attr-defined]
        rows = ["".join(seg.text for seg in strip)[box.x:box.right].rstrip()
                for strip in strips[box.y:box.bottom]]
        assert rows[1].split() == ["Profile", "Verdict", "Stage", "Reply", "Total", "Ran", "at"]
        assert overview.virtual_size.width <= overview.scrollable_content_region.width
        worst, best = rows[2], rows[3]  # worst first
        assert worst.startswith("Acme relay ") and "✗ FAIL " in worst
        assert worst.split()[4:] == ["auth", "535", "5.7.8", "183", "ms",
                                     *local_time(failed.started_at, short=True).split()]
        assert best.startswith("Acme back") and "… ✓ PASS " in best  # the name cut short
        await pilot.press("tab")
        assert app.focused is overview
        await pilot.press("1")  # by name: the backup first
        assert [r.name for r in overview.rows_shown] == [long_name, "Acme relay"]
        await pilot.press("down", "enter")  # opens Acme relay's run
        await until(pilot, lambda: app.main.view.display and app.main.selected is not None
                    and app.main.selected.name == "Acme relay", "its run")


async def test_send_mode_shows_a_lasting_badge_and_the_run_key_says_so(
        acme_file: Path) -> None:
    from textual.widgets import Static
    from textual.widgets._footer import FooterKey

    app = app_for(acme_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await select(pilot, app, "Acme relay")
        badge = app.main.query_one("#send-badge", Static)
        assert not badge.display

        def footer() -> list[str]:
            return [k.description for k in app.main.query(FooterKey) if k.display]

        await until(pilot, lambda: "Run" in footer(), "the footer")
        await pilot.press("s")
        await until(pilot, lambda: "Run+SEND" in footer(), "the footer's send label")
        assert "Run" not in footer()
        assert badge.display and badge.region.height >= 1
        text = str(badge.render())
        assert "TEST MESSAGES ON" in text and "to rcpt@acme.test" in text
        app.clear_notifications()  # the toast is gone; the badge stays
        await pilot.pause()
        assert badge.display
        await pilot.press("r")  # r still runs, and this run sends
        await until(pilot, lambda: app.main.view.report is not None, "the run", 750)
        assert [s.stage for s in app.main.view.report.stages][-2:] == ["data", "quit"]
        await pilot.press("s")
        await until(pilot, lambda: "Run" in footer(), "the footer's plain label")
        assert not badge.display


async def test_identical_toasts_are_coalesced(tmp_path: Path) -> None:
    app = app_for(tmp_path / "none.toml", demo=True)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await until(pilot, lambda: len(app.main.entries) == 3, "the demo profiles")
        await select(pilot, app, "Demo: healthy relay")
        app.clear_notifications()
        await pilot.press("e", "d", "delete")  # each: demo profiles are built in
        await pilot.pause()
        built_in = [n for n in app._notifications if "built in" in n.message]
        assert len(built_in) == 1
        from textual.widgets._toast import Toast

        await pilot.pause()
        assert len(app.screen.query(Toast).filter(".-warning")) == 1


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_toasts_are_a_status_line_over_the_footer_not_over_the_diagnosis(
        fixed_file: Path, size: tuple[int, int]) -> None:  # noqa: F811
    from textual.widgets._toast import Toast

    app = app_for(fixed_file)
    async with app.run_test(size=size, notifications=True) as pilot:
        await show_failure(pilot)
        app.clear_notifications()
        app.notify("Saved to /tmp/profiles.toml", timeout=30)
        await until(pilot, lambda: app.screen.query(Toast), "the toast")
        await pilot.pause()
        toast = app.screen.query_one(Toast)
        width, height = size
        # one line, the screen's width, on the footer's row
        assert (toast.region.x, toast.region.y, toast.region.width, toast.region.height
                ) == (0, height - 1, width, 1)
        diagnosis = app.main.query_one(DiagnosticsPanel).region
        assert not diagnosis.overlaps(toast.region)
        app.notify("A second, longer one that says more than a line can hold at eighty "
                   "columns, so it wraps under itself.", severity="warning", timeout=30)
        await until(pilot, lambda: len(app.screen.query(Toast)) == 2, "both toasts")
        await pilot.pause()
        rows = sum(t.region.height for t in app.screen.query(Toast))
        assert rows == (3 if width == 80 else 2)  # stacked upwards from the footer


async def test_reloading_a_missing_profiles_file_says_so(tmp_path: Path) -> None:
    app = app_for(tmp_path / "none.toml", demo=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: len(app.main.entries) == 3, "the demo profiles")
        app.clear_notifications()
        await pilot.press("ctrl+r")
        messages = [n.message for n in app._notifications]
        assert any("does not exist" in m for m in messages), messages
        assert not any(m.startswith("Reloaded") for m in messages)


async def test_file_prompts_select_the_suggestion_and_complete_with_tab(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from smtptui.app.screens.prompt import TextPrompt

    home = tmp_path / "home"
    (home / "mail").mkdir(parents=True)
    (home / "mail" / "headers1.txt").write_text("x")
    (home / "mail" / "headers2.txt").write_text("x")
    (home / "mail" / "other.eml").write_text("x")
    monkeypatch.setenv("HOME", str(home))
    app = app_for(tmp_path / "none.toml")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        answers: list[str | None] = []
        app.push_screen(TextPrompt("Load", value=str(tmp_path) + "/", path=True),
                        answers.append)
        await until(pilot, lambda: app.screen.query("#answer"), "the prompt")
        field = app.screen.query_one("#answer", Input)
        await pilot.pause()
        # typing replaces the suggested folder instead of appending to it
        await pilot.press(*"~/ma", "tab")
        assert field.value == "~/mail/"
        await pilot.press("o", "tab")
        assert field.value == "~/mail/other.eml"
        for _ in "other.eml":
            await pilot.press("backspace")
        await pilot.press("h", "tab")  # two candidates: their common start, both named
        assert field.value == "~/mail/headers"
        await until(pilot, lambda: "2 names fit: headers1.txt, headers2.txt"
                    in str(app.screen.query_one("#problem").render()), "the candidates")
        await pilot.press("2", "tab", "enter")
        assert answers == ["~/mail/headers2.txt"]


async def test_compare_at_80x24_names_both_sides_and_t_shows_each_transcript() -> None:
    from textual.app import App

    from smtptui.app.screens.compare import CompareScreen
    from smtptui.probe.config import ProbeConfig
    from tests.compare_reports import canned

    screen = CompareScreen(("Demo: healthy relay (old datacentre)",
                            ProbeConfig("smtp.old.example")),
                           ("Demo: healthy relay (new datacentre)",
                            ProbeConfig("smtp.new.example")), runs=1, source=canned)

    class Host(App[None]):
        def on_mount(self) -> None:
            self.push_screen(screen)

    async with Host().run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: screen.comparison is not None, "the comparison")
        await pilot.pause()
        table = screen.table.plain().splitlines()
        # the full names, above a header that names the columns A and B
        assert table[0].strip() == "A: Demo: healthy relay (old datacentre)"
        assert table[1].strip() == "B: Demo: healthy relay (new datacentre)"
        assert table[2].split()[:3] == ["aspect", "A", "B"]
        a, b = screen.pane("a").transcript, screen.pane("b").transcript
        await pilot.press("t")
        assert screen.maximized is a and a.region.height > 20 and a.line_count > 0
        await pilot.press("t")
        assert screen.maximized is b
        await pilot.press("t")
        assert screen.maximized is None
        await pilot.press("t", "escape")  # Esc returns from the transcript, not the screen
        assert screen.maximized is None and pilot.app.screen is screen


async def test_help_lists_every_screen_with_hanging_indents_and_end_reaches_the_bottom(
        fixed_file: Path) -> None:  # noqa: F811
    from smtptui.app.screens.help import HelpScreen

    app = app_for(fixed_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.main.entries, "the profiles")
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen)
                    and app.screen.query("#help-text"), "the help")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        text = help_screen.text
        for heading in ("Profile editor", "Compare", "Header analyser", "Client table"):
            assert heading in text
        assert "Validate and save the profile" in text  # the editor's ctrl+s
        assert "Analyse the pasted headers" in text
        # every screen's keys written alike: a sentence, named keys capitalised
        rows = [row for row in help_screen._card if isinstance(row, Bullet)]
        assert [r.text.plain for r in rows if r.text.plain[:1].islower()] == []
        keys = {r.mark.plain.strip() for r in rows}
        assert not keys & {"tab", "space", "enter", "esc", "escape", "delete"}, keys
        await pilot.press("end")
        await pilot.pause()
        strips = app.screen._compositor.render_strips()  # type: ignore[attr-defined]
        plain = ["".join(seg.text for seg in strip) for strip in strips]
        assert any("Profiles file" in row for row in plain)  # End shows the very last line
        start = next(i for i, row in enumerate(plain) if "--no-mouse" in row)
        column = plain[start].index("Leave mouse reporting")
        # the text goes on under itself, not under the key
        assert plain[start + 1][:column].strip(" ▊▎█▌▐") == ""
        assert plain[start + 1][column:].strip().startswith("works)")



async def test_the_demos_own_profiles_file_is_named_as_temporary(tmp_path: Path) -> None:
    """`smtptui demo` saves into a temporary file: help and the save toast say so."""
    from smtptui.app.screens.help import HelpScreen
    from smtptui.profiles.model import Profile

    scratch = tmp_path / "smtptui-demo-1-x" / "profiles.toml"
    scratch.parent.mkdir()
    app = app_for(scratch, temporary_profiles=True, record_history=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.pop_screen()  # the welcome screen (no profiles)
        assert app.save_profile(None, Profile(name="Mine", host="smtp.mine.example")) is None
        assert "Mine" in scratch.read_text()
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen), "the help")
        assert (f"Profiles file  {scratch} (the demo's own, removed when you quit)"
                in " ".join(app.screen.text.split("\n")))


async def test_editor_selects_are_bracketed_unlike_text_fields(fixed_file: Path) -> None:  # noqa: F811
    from textual.widgets import Select

    app = app_for(fixed_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await edit_first_profile(pilot, app, "#tls")
        await pilot.pause()
        tls, host = app.screen.query_one("#tls", Select), app.screen.query_one("#host", Input)
        strips = app.screen._compositor.render_strips()  # type: ignore[attr-defined]
        row = "".join(seg.text for seg in strips[tls.region.y])
        assert row[tls.region.x] == "▏" and row[tls.region.right - 1] == "▕"
        host_row = "".join(seg.text for seg in strips[host.region.y])
        assert host_row[host.region.x] not in "▏▕"


async def test_the_palette_copies_a_profile_as_swaks_and_openssl_commands(
        fixed_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    monkeypatch.setenv("ACME_PW", "a-secret-never-copied")
    app = app_for(fixed_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await select(pilot, app, "Acme relay")
        commands = {c.title: c for c in app.get_system_commands(app.main)}
        commands["Copy as swaks command"].callback()
        await pilot.pause()
        assert app.clipboard.startswith("swaks --server smtp.acme.example:587 --tls")
        assert '"$ACME_PW"' in app.clipboard and "a-secret" not in app.clipboard
        commands["Copy as openssl s_client command"].callback()
        await pilot.pause()
        assert app.clipboard == ("openssl s_client -connect smtp.acme.example:587 "
                                 "-servername smtp.acme.example -starttls smtp\n")


async def test_keys_typed_as_the_editor_opens_count_as_changes(fixed_file: Path) -> None:  # noqa: F811
    from textual import events

    from smtptui.app.screens.confirm import ConfirmScreen

    app = app_for(fixed_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await edit_first_profile(pilot, app)
        editor = app.screen
        for key in ("x", "y"):  # at once, before the editor has painted
            app.post_message(events.Key(key, key))
        await until(pilot, lambda: editor.query_one("#name", Input).value.endswith("xy"),
                    "the keys in the name")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        unchanged = app_for(fixed_file)
    async with unchanged.run_test(size=(80, 24)) as pilot:
        await edit_first_profile(pilot, unchanged)
        await pilot.pause()
        await pilot.press("escape")  # nothing changed: closes without asking
        await until(pilot, lambda: unchanged.screen is unchanged.main, "the dashboard")
