"""One glyph and one word per status, shared by the CLI, the saved reports and the app.

Status is never shown by colour alone: every front end prints the glyph and a word.
Probe stages use pass/warn/fail/skip, DNS findings pass/warn/fail/info, and the app adds
the states of a stage that has not finished (pending, running, not run, cancelled).
"""

from __future__ import annotations

STATUS: dict[str, tuple[str, str]] = {
    "pass": ("✓", "passed"),
    "warn": ("⚠", "passed with warnings"),
    "fail": ("✗", "failed"),
    "skip": ("–", "skipped"),
    "info": ("·", "info"),
    "pending": ("○", "pending"),
    "running": ("◌", "running"),
    "notrun": ("·", "not run"),
    "cancelled": ("⊘", "cancelled"),
}
"""status -> (glyph, word)."""

ASCII: dict[str, str] = {
    "pass": "+", "warn": "!", "fail": "x", "skip": "-", "info": "-",
    "pending": "o", "running": "~", "notrun": "-", "cancelled": "/",
}
"""Fallback glyphs for terminals that cannot show the ones above."""


def glyph(status: str, *, ascii_only: bool = False, default: str = " ") -> str:
    """The status's glyph (``default`` for an unknown status)."""
    if ascii_only:
        return ASCII.get(status, default)
    return STATUS[status][0] if status in STATUS else default


def word(status: str) -> str:
    """The status in words ("passed with warnings"); an unknown status is shown as is."""
    return STATUS[status][1] if status in STATUS else status
