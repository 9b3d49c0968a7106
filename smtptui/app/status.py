"""How a result is shown: a glyph and a word for every state, never colour alone."""

from __future__ import annotations

from typing import Literal

from smtptui.probe.events import ProbeReport

State = Literal["pending", "running", "pass", "warn", "fail", "skip", "notrun", "cancelled"]

GLYPHS: dict[str, str] = {
    "pending": "○", "running": "◌", "pass": "✓", "warn": "⚠", "fail": "✗",
    "skip": "–", "notrun": "·", "cancelled": "⊘",
}
WORDS: dict[str, str] = {
    "pending": "pending", "running": "running", "pass": "passed", "warn": "passed with warnings",
    "fail": "failed", "skip": "skipped", "notrun": "not run", "cancelled": "cancelled",
}
SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
"""Frames of the running-stage spinner."""


def report_state(report: ProbeReport) -> State:
    """One state for a whole report: fail if any stage failed, warn if any warned."""
    if not report.ok:
        return "fail"
    if any(s.status == "warn" for s in report.stages) or report.warnings:
        return "warn"
    return "pass"


def glyph(state: str) -> str:
    return GLYPHS.get(state, " ")


def ms(value: float) -> str:
    """Milliseconds as people read them: "0.4 ms", "12 ms", "1.25 s"."""
    if value < 0.95:
        return f"{value:.1f} ms"
    if value < 1000:
        return f"{value:.0f} ms"
    return f"{value / 1000:.2f} s"
