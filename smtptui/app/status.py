"""How a result is shown: a glyph and a word for every state (from :mod:`smtptui.glyphs`)."""

from __future__ import annotations

from typing import Literal

from smtptui.glyphs import glyph, word
from smtptui.probe.events import ProbeReport

__all__ = ["SPINNER", "State", "glyph", "ms", "report_state", "word"]

State = Literal["pending", "running", "pass", "warn", "fail", "skip", "notrun", "cancelled"]

SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
"""Frames of the running-stage spinner."""


def report_state(report: ProbeReport) -> State:
    """One state for a whole report: fail if any stage failed, warn if any warned."""
    if not report.ok:
        return "fail"
    if any(s.status == "warn" for s in report.stages) or report.warnings:
        return "warn"
    return "pass"


def ms(value: float) -> str:
    """Milliseconds as people read them: "0.4 ms", "12 ms", "1.25 s"."""
    if value < 0.95:
        return f"{value:.1f} ms"
    if value < 1000:
        return f"{value:.0f} ms"
    return f"{value / 1000:.2f} s"
