"""The dashboard's history: runs recorded from the app, the History tab, a past run opened
read-only, the diff against the current run, the sidebar's Δ mark, `smtptui open`."""

from __future__ import annotations

import json
import ssl
from pathlib import Path
from typing import Any

import pytest

from smtptui.app.app import SmtpTuiApp
from smtptui.app.screens.history_diff import HistoryDiffScreen
from smtptui.app.screens.report_view import ReportScreen
from smtptui.app.widgets.diagnostics import DiagnosticsPanel
from smtptui.app.widgets.history_pane import HistoryPane
from smtptui.history.record import record_report
from smtptui.history.store import HistoryStore
from smtptui.probe.engine import probe
from smtptui.probe.report_json import read_report
from tests.app_helpers import app_for, diagnosis_text, run_selected, select, until
from tests.conftest import RelayFactory

KEY = "file:Acme relay"


def runs_in(db: Path, profile: str = "Acme relay") -> int:
    if not db.exists():
        return 0
    with HistoryStore.open(db, create=False) as store:
        return len(store.runs(profile=profile))


async def history_tab(pilot: Any, app: SmtpTuiApp, runs: int) -> HistoryPane:
    """Press H on the selected profile; the History tab once it lists ``runs`` runs."""
    await pilot.press("H")
    pane = app.main.query_one(HistoryPane)
    await until(pilot, lambda: len(pane.runs) == runs, f"the history tab to list {runs}")
    return pane


@pytest.fixture
async def earlier(tmp_path: Path, relay_factory: RelayFactory, server_ctx: ssl.SSLContext,
                  cafile: str) -> Path:
    """A history holding a run of "Acme relay" from before: its relay also offered
    CRAM-MD5 (today's does not)."""
    from tests.conftest import make_config

    db = tmp_path / "history.sqlite3"
    older = await relay_factory(starttls=server_ctx, banner="ESMTP healthy test relay",
                                auth_mechanisms=("PLAIN", "LOGIN", "CRAM-MD5"))
    report = await probe(make_config(older.port, cafile=cafile, profile="Acme relay"))
    await older.stop()
    assert report.ok
    assert record_report(report, profile="Acme relay", client="Acme", origin="probe",
                         path=db) is not None
    return db


async def test_runs_are_recorded_and_listed_in_the_history_tab(acme_file: Path,
                                                               tmp_path: Path) -> None:
    db = tmp_path / "history.sqlite3"
    app = app_for(acme_file, history=db)
    async with app.run_test(size=(120, 40)) as pilot:
        await select(pilot, app, "Acme relay")
        for _ in range(2):
            await run_selected(pilot, app)
            await until(pilot, lambda: KEY in app.recorded, "the run to be recorded")
        await until(pilot, lambda: runs_in(db) == 2, "two runs in the database")
        pane = await history_tab(pilot, app, 2)
        assert pane.display and not app.main.view.display
        assert pane.table.row_count == 2
        trend = str(pane.query_one("#history-trend").render()).splitlines()
        assert trend[0].startswith("total") and ", before " in trend[0]  # two: in words
        title = str(pane.query_one("#history-title").render())
        assert "Acme relay" in title and "2 runs, 2 passed" in title
        # two runs of one relay: nothing changed but (on a busy machine) latency, which
        # the sidebar does not mark
        changes = app.recorded[KEY].changes
        assert all(c.key.startswith("latency.") for c in changes), changes
        assert app.main.changed == frozenset()
        await pilot.press("H")  # back to the probe
        assert app.main.view.display and not pane.display


async def test_run_times_have_seconds_and_a_sparkline_needs_three_runs(
        acme_file: Path, tmp_path: Path) -> None:
    import re
    from dataclasses import replace

    from smtptui.app.widgets.history_pane import SPARK
    from tests.compare_reports import make_report

    db = tmp_path / "history.sqlite3"

    def record(second: int, total: float) -> None:
        report = replace(make_report("smtp.acme.example", "Acme relay"), total_ms=total,
                         started_at=f"2025-06-01T12:00:{second:02d}Z")
        assert record_report(report, profile="Acme relay", client="Acme", origin="probe",
                             path=db) is not None

    record(1, 120.0)
    record(31, 80.0)  # the same minute
    app = app_for(acme_file, history=db)
    async with app.run_test(size=(80, 24)) as pilot:
        await select(pilot, app, "Acme relay")
        pane = await history_tab(pilot, app, 2)
        times = [str(pane.table.get_row_at(i)[0]) for i in range(2)]
        assert times[0] != times[1], times
        assert all(re.fullmatch(r"([\d-]+ )?\d\d:\d\d:\d\d", t) for t in times), times
        trend = str(pane.query_one("#history-trend").render()).splitlines()
        assert trend[0].split() == ["total", "last", "80", "ms,", "before", "120", "ms"]
        assert not any(c in SPARK for c in "".join(trend))  # no bars for two runs
        record(45, 100.0)
        await pilot.press("H", "H")  # back to the probe and again: the tab reloads
        await until(pilot, lambda: len(pane.runs) == 3, "the third run listed")
        trend = str(pane.query_one("#history-trend").render()).splitlines()
        # one block per run, oldest left, from zero to the slowest
        assert trend[0].split() == ["total", "█▆▇", "last", "100", "ms"]


async def test_a_changed_run_is_marked_and_explained_in_the_diagnosis(
        acme_file: Path, earlier: Path) -> None:
    db = earlier
    app = app_for(acme_file, history=db)
    async with app.run_test(size=(120, 40)) as pilot:
        await select(pilot, app, "Acme relay")
        await run_selected(pilot, app)
        await until(pilot, lambda: KEY in app.main.changed, "the sidebar's changed mark")
        await until(pilot, lambda: "Since the previous run" in diagnosis_text(app),
                    "what changed, in the diagnosis")
        line = next(x for x in diagnosis_text(app).splitlines() if "Since the previous" in x)
        assert "): AUTH CRAM-MD5 is no longer offered" in line  # (then latency, if any)
        tree = app.main.sidebar.profile_tree
        label = tree.render_label(tree.cursor_node, tree.rich_style, tree.rich_style)  # type: ignore[arg-type]
        assert label.plain.endswith("Acme relay Δ")
    again = app_for(acme_file, history=db)  # a new session marks it from the history
    async with again.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: KEY in again.main.changed, "the mark on start-up")


async def test_enter_opens_a_past_run_read_only(acme_file: Path, earlier: Path) -> None:
    db = earlier
    app = app_for(acme_file, history=db)
    async with app.run_test(size=(120, 40)) as pilot:
        await select(pilot, app, "Acme relay")
        await run_selected(pilot, app)
        await until(pilot, lambda: runs_in(db) == 2, "the new run to be recorded")
        pane = await history_tab(pilot, app, 2)
        old = pane.runs[1]
        await pilot.press("down", "enter")
        view = app.main.view
        await until(pilot, lambda: view.display and "past run of" in str(
            view.query_one("#probe-title").render()), "the past run to open")
        assert str(view.query_one("#probe-title").render()).endswith(
            f"past run of {old.when} · read-only")
        text = app.main.query_one(DiagnosticsPanel).text
        assert f"Past run of {old.when} (run {old.id}, recorded by probe)" in text
        assert "CRAM-MD5" in view.transcript.text()  # the old relay's EHLO, not today's
        assert app.results[KEY] is not view.report  # the current result is untouched
        await pilot.press("H")  # back to the list, the same row selected
        assert pane.display and pane.selected == old


async def test_equals_diffs_a_past_run_against_the_current_one(
        acme_file: Path, earlier: Path) -> None:
    db = earlier
    app = app_for(acme_file, history=db)
    async with app.run_test(size=(80, 24)) as pilot:
        await select(pilot, app, "Acme relay")
        pane = await history_tab(pilot, app, 1)
        await pilot.press("equals_sign")  # no current run yet, nothing newer recorded
        await until(pilot, lambda: app._notifications, "a notice")
        assert "Nothing newer to compare with" in list(app._notifications)[-1].message
        await pilot.press("H")
        await run_selected(pilot, app)
        await pilot.press("H")
        await until(pilot, lambda: len(pane.runs) == 2, "both runs listed")
        await pilot.press("down", "equals_sign")
        await until(pilot, lambda: isinstance(app.screen, HistoryDiffScreen), "the diff")
        screen = app.screen
        assert isinstance(screen, HistoryDiffScreen)
        assert [c.text for c in screen.changes if not c.key.startswith("latency.")] == [
            "AUTH CRAM-MD5 is no longer offered"]
        body = str(screen.query_one("#history-diff-body").render())
        assert f"run {pane.runs[1].id} of \"Acme relay\"" in body and "to the current run" in body
        await pilot.press("escape")
        assert isinstance(app.screen, type(app.main))


async def test_no_history_records_nothing(acme_file: Path, tmp_path: Path) -> None:
    db = tmp_path / "history.sqlite3"
    app = app_for(acme_file, history=db, record_history=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await select(pilot, app, "Acme relay")
        await run_selected(pilot, app)
        await app.workers.wait_for_complete()
    assert not db.exists()


async def test_a_damaged_history_is_one_notice_and_probes_still_run(acme_file: Path,
                                                                     tmp_path: Path) -> None:
    db = tmp_path / "history.sqlite3"
    db.write_bytes(b"not sqlite" * 200)
    app = app_for(acme_file, history=db)
    async with app.run_test(size=(120, 40)) as pilot:
        await select(pilot, app, "Acme relay")
        await run_selected(pilot, app)
        await run_selected(pilot, app)
        await app.workers.wait_for_complete()
        await pilot.pause()
        notes = [n.message for n in app._notifications if n.title == "History"]
        assert len(notes) == 1 and notes[0].startswith("history unavailable:")
        assert app.main.states[KEY] == "pass"


async def test_open_shows_a_saved_report_read_only_with_unknown_fields(
        relay, config_for, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    report = await probe(config_for(relay.port, profile="Acme relay"))
    doc = report.to_json() | {"schema": 3, "relay_region": "eu"}
    saved = tmp_path / "colleague.json"
    saved.write_text(json.dumps(doc))
    app = app_for(None, viewing=(read_report(json.loads(saved.read_text())), str(saved)))
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ReportScreen), "the report")
        screen = app.screen
        assert isinstance(screen, ReportScreen)
        text = screen.query_one(DiagnosticsPanel).text
        assert f"Saved report from {saved}. Read-only: nothing is run." in text
        assert ("Written by a newer smtptui (report schema 3, this one reads 2): not shown "
                "here: relay_region") in text
        assert "read-only" in str(screen.query_one("#probe-title").render())
        assert "relay.test ESMTP" in screen.view.transcript.text()
        await pilot.press("q")
    assert app.return_code == 0


async def test_a_comparison_in_the_dashboard_records_both_sides(acme_file: Path,
                                                                tmp_path: Path) -> None:
    from smtptui.app.screens.compare import CompareScreen

    db = tmp_path / "history.sqlite3"
    app = app_for(acme_file, history=db)
    async with app.run_test(size=(120, 40)) as pilot:
        await select(pilot, app, "Acme relay")
        await pilot.press("space")
        await select(pilot, app, "Other relay")
        await pilot.press("space", "c")
        await until(pilot, lambda: isinstance(app.screen, CompareScreen), "the compare screen")
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        await until(pilot, lambda: screen.comparison is not None, "the comparison", 500)
        await until(pilot, lambda: runs_in(db, "Acme relay") and runs_in(db, "Other relay"),
                    "both sides recorded")
    with HistoryStore.open(db) as store:
        assert {(r.profile, r.client, r.origin) for r in store.runs()} == {
            ("Acme relay", "Acme", "app"), ("Other relay", "Globex", "app")}
