"""Helpers for the dashboard's Pilot tests (the fixtures are in ``tests.app_fixtures``).

Bounded waiting: ``await until(pilot, predicate)`` polls with ``pilot.pause`` a fixed
number of times and fails with a message instead of hanging.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w
from textual.pilot import Pilot

from smtptui.app.app import SmtpTuiApp
from smtptui.app.launch import make_app
from smtptui.app.widgets.diagnostics import DiagnosticsPanel
from smtptui.app.widgets.transcript import TranscriptView
from smtptui.demo.relay import Relay
from tests.conftest import USER

PASSWORD_ENV = "SMTPTUI_APP_TEST_PASSWORD"
ROUNDS = 250
"""Polls before :func:`until` gives up (x 0.02 s = 5 s)."""


async def until(pilot: Pilot[Any], predicate: Callable[[], object], what: str,
                rounds: int = ROUNDS) -> None:
    """Poll ``predicate`` between short pauses; fail (not hang) after ``rounds``."""
    for _ in range(rounds):
        if predicate():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def write_profiles(path: Path, profiles: Iterable[dict[str, Any]]) -> Path:
    path.write_text(tomli_w.dumps({"profile": list(profiles)}), encoding="utf-8")
    return path


def profile(name: str, port: int, cafile: str, **fields: Any) -> dict[str, Any]:
    """A profile table for a loopback relay, its password from :data:`PASSWORD_ENV`
    (a field given as None is left out)."""
    table: dict[str, Any] = {
        "name": name, "client": "Acme", "host": "127.0.0.1", "port": port,
        "tls": "starttls", "username": USER, "password": {"env": PASSWORD_ENV},
        "cafile": cafile, "timeout": 5, "from": USER, "to": ["rcpt@acme.test"],
    }
    table.update(fields)
    return {k: v for k, v in table.items() if v is not None}


def diagnosis_text(app: SmtpTuiApp) -> str:
    return app.main.query_one(DiagnosticsPanel).text


def visible_text(view: TranscriptView) -> str:
    """What the transcript pane paints right now, row by row."""
    return "\n".join("".join(seg.text for seg in view.render_line(y))
                     for y in range(view.size.height)).rstrip()


@dataclass
class Relays:
    healthy: Relay
    strict: Relay
    """Answers AUTH with 535 5.7.8."""


def app_for(path: Path | None, **kwargs: Any) -> SmtpTuiApp:
    return make_app(path, **kwargs)


async def select(pilot: Pilot[Any], app: SmtpTuiApp, name: str) -> None:
    """Move the sidebar cursor to the profile called ``name``."""
    tree = app.main.sidebar.profile_tree
    await until(pilot, lambda: app.main.entries, "the profiles to be listed")
    for _ in range(len(app.main.entries) * 2 + 2):
        if app.main.selected is not None and app.main.selected.name == name:
            return
        await pilot.press("down")
    raise AssertionError(f"{name!r} is not in the tree ({tree.cursor_line})")


async def run_selected(pilot: Pilot[Any], app: SmtpTuiApp) -> None:
    """Press r and wait for the probe view to hold a finished report."""
    view = app.main.view
    before = view.report
    await pilot.press("r")
    await until(pilot, lambda: not view.running and view.report not in (None, before),
                "the probe to finish")
