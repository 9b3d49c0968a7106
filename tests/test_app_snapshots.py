"""Snapshot tests (pytest-textual-snapshot) of the main screen, a failed probe, the
editor, the client table and the History tab at 80x24 and 120x40. Deterministic: fixed
profiles and pre-built reports (no live timings, ports or dates). Update with ``pytest
--snapshot-update`` after a deliberate change, and look at the SVGs before committing them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from smtptui.app.screens.editor import ProfileEditor
from smtptui.diagnose import reply_diagnosis
from smtptui.diagnose.model import Reply
from smtptui.probe.events import (
    CertInfo,
    ProbeReport,
    StageFinished,
    Target,
    TLSInfo,
    WireLine,
)
from tests.app_helpers import app_for, until, write_profiles

SIZES = [(80, 24), (120, 40)]
EXTENSIONS = {"SIZE": "36700160", "8BITMIME": "", "PIPELINING": "", "AUTH": "LOGIN PLAIN",
              "ENHANCEDSTATUSCODES": "", "SMTPUTF8": ""}


def failed_report() -> ProbeReport:
    """A probe of smtp.acme.example that fails AUTH with 535 5.7.8 (fixed values)."""
    rejected = Reply(535, "5.7.8", "Authentication credentials invalid [/help] [bold")
    banner = "mx1.acme.example ESMTP ready"
    lines = [
        ("*", "connected to 192.0.2.25 port 587"), ("S", f"220 {banner}"),
        ("C", "EHLO probe.local"), ("S", "250-mx1.acme.example"), ("S", "250-STARTTLS"),
        ("S", "250 PIPELINING"), ("C", "STARTTLS"), ("S", "220 2.0.0 Ready to start TLS"),
        ("*", "TLS established: TLSv1.3, TLS_AES_256_GCM_SHA384 (256 bits)"),
        ("C", "EHLO probe.local"), ("S", "250-mx1.acme.example"),
        ("S", "250-SIZE 36700160"), ("S", "250 AUTH LOGIN PLAIN"),
        ("C", "AUTH PLAIN <redacted>"),
        ("S", "535 5.7.8 Authentication credentials invalid [/help] [bold"),
        ("C", "QUIT"), ("S", "221 2.0.0 Bye"), ("*", "connection closed"),
    ]
    transcript = tuple(WireLine(d, t, 12.5 * i) for i, (d, t) in enumerate(lines))  # type: ignore[arg-type]
    stages = (
        StageFinished("resolve", "pass", 1.2, note="192.0.2.25"),
        StageFinished("connect", "pass", 20.4),
        StageFinished("greeting", "pass", 31.0, note=banner),
        StageFinished("ehlo", "pass", 10.2, note="3 extensions"),
        StageFinished("starttls", "pass", 60.7, note="TLSv1.3"),
        StageFinished("ehlo", "pass", 9.8, note="6 extensions"),
        StageFinished("auth", "fail", 41.3, replies=(rejected,),
                      diagnosis=reply_diagnosis("auth", rejected, banner, "smtp.acme.example")),
        StageFinished("quit", "pass", 8.1),
    )
    cert = CertInfo(subject="CN=smtp.acme.example", issuer="CN=Example Issuing CA 7",
                    san=("smtp.acme.example", "mx1.acme.example"), not_before="2025-01-01",
                    not_after="2026-01-01", days_left=42, verified=True)
    return ProbeReport(
        target=Target("smtp.acme.example", 587, "starttls", "Acme relay", "192.0.2.25"),
        stages=stages, tls=TLSInfo("TLSv1.3", "TLS_AES_256_GCM_SHA384", 256, cert),
        extensions=dict(EXTENSIONS), transcript=transcript, banner=banner,
        started_at="2025-06-01T12:00:00Z", total_ms=182.7,
        ehlo_changes={"added": ["SIZE", "AUTH"], "removed": ["STARTTLS"], "changed": []},
    )


@pytest.fixture
def fixed_file(tmp_path: Path) -> Path:
    return write_profiles(tmp_path / "profiles.toml", [
        {"name": "Acme relay", "client": "Acme", "host": "smtp.acme.example", "port": 587,
         "tls": "starttls", "username": "ops@acme.example", "password": {"env": "ACME_PW"},
         "from": "ops@acme.example", "to": ["seed@acme.example"]},
        {"name": "Acme backup", "client": "Acme", "host": "backup.acme.example",
         "port": 465, "tls": "implicit", "username": "ops@acme.example",
         "password": {"command": "pass show acme/smtp"}},
        {"name": "Globex SES", "client": "Globex", "preset": "ses", "port": 587,
         "host": "email-smtp.us-east-1.amazonaws.com", "password": {"prompt": True}},
    ])


def settle(extra: Callable[[Pilot[Any]], Any] | None = None) -> Callable[[Pilot[Any]], Any]:
    async def run_before(pilot: Pilot[Any]) -> None:
        app: Any = pilot.app
        await until(pilot, lambda: app.main.entries, "the profiles")
        if extra is not None:
            await extra(pilot)
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", SIZES)
def test_main_screen(snap_compare: Any, fixed_file: Path, size: tuple[int, int]) -> None:
    assert snap_compare(app_for(fixed_file), terminal_size=size, run_before=settle())


@pytest.mark.parametrize("size", SIZES)
def test_failed_probe(snap_compare: Any, fixed_file: Path, size: tuple[int, int]) -> None:
    async def show(pilot: Pilot[Any]) -> None:
        app: Any = pilot.app
        await pilot.press("down")
        await until(pilot, lambda: app.main.selected.name == "Acme relay", "the selection")
        app.main.record_result("file:Acme relay", failed_report())
        await pilot.pause()

    assert snap_compare(app_for(fixed_file), terminal_size=size, run_before=settle(show))


@pytest.mark.parametrize("size", SIZES)
def test_editor(snap_compare: Any, fixed_file: Path, size: tuple[int, int]) -> None:
    async def edit(pilot: Pilot[Any]) -> None:
        await pilot.press("e")
        await until(pilot, lambda: isinstance(pilot.app.screen, ProfileEditor), "the editor")
        field = pilot.app.screen.query_one("#port", Input)
        field.value = "70000"  # a visible validation problem
        await pilot.pause()

    assert snap_compare(app_for(fixed_file), terminal_size=size, run_before=settle(edit))


@pytest.mark.parametrize("size", SIZES)
def test_client_overview(snap_compare: Any, fixed_file: Path, size: tuple[int, int]) -> None:
    async def overview(pilot: Pilot[Any]) -> None:
        app: Any = pilot.app
        app.main.record_result("file:Acme relay", failed_report())
        await pilot.press("home")  # the client Acme
        await until(pilot, lambda: app.main.overview.display, "the overview")

    assert snap_compare(app_for(fixed_file), terminal_size=size, run_before=settle(overview))


@pytest.mark.parametrize("size", SIZES)
def test_send_mode_badge(snap_compare: Any, fixed_file: Path, size: tuple[int, int]) -> None:
    async def send(pilot: Pilot[Any]) -> None:
        await pilot.press("down", "s")
        pilot.app.clear_notifications()

    assert snap_compare(app_for(fixed_file), terminal_size=size, run_before=settle(send))


@pytest.mark.parametrize("size", SIZES)
def test_history_tab(snap_compare: Any, fixed_file: Path, tmp_path: Path,
                     monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]) -> None:
    """Four runs in one minute (times to the second, a sparkline of each stage)."""
    import time
    from dataclasses import replace

    from smtptui.history.record import record_report

    monkeypatch.setenv("TZ", "UTC")  # run times are shown in local time
    time.tzset()
    db = tmp_path / "history.sqlite3"
    for second, total in ((3, 182.7), (18, 140.2), (33, 151.0), (48, 260.9)):
        report = replace(failed_report(), started_at=f"2025-06-01T12:00:{second:02d}Z",
                         total_ms=total)
        assert record_report(report, profile="Acme relay", client="Acme", origin="probe",
                             path=db) is not None

    async def history(pilot: Pilot[Any]) -> None:
        app: Any = pilot.app
        await pilot.press("down", "H")
        await until(pilot, lambda: len(app.main.query_one("HistoryPane").runs) == 4,
                    "the runs")

    try:
        assert snap_compare(app_for(fixed_file, history=db), terminal_size=size,
                            run_before=settle(history))
    finally:
        monkeypatch.undo()
        time.tzset()


@pytest.mark.parametrize("size", SIZES)
def test_merge_dialog(snap_compare: Any, fixed_file: Path, size: tuple[int, int]) -> None:
    from smtptui.app.screens.editor_form import FormValues
    from smtptui.app.screens.editor_merge import three_way
    from smtptui.app.screens.merge import MergeScreen

    base = FormValues(name="Acme relay", host="smtp.acme.example", secret_kind="env",
                      secret_value="ACME_PW", notes="first")
    merge = three_way(base, replace(base, host="smtp2.acme.example", notes="mine"),
                      replace(base, host="smtp3.acme.example", port="465"))

    async def conflict(pilot: Pilot[Any]) -> None:
        await pilot.app.push_screen(MergeScreen(
            merge, name="Acme relay", path="/home/ops/.config/smtptui/profiles.toml",
            renamed=False))
        await pilot.pause()

    assert snap_compare(app_for(fixed_file), terminal_size=size, run_before=settle(conflict))
