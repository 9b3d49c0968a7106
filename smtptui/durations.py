"""Durations as people read them (one small module: the history records with it, and a
probe that records its run should not import the comparison tables to say "12 ms")."""

from __future__ import annotations

__all__ = ["fmt_ms"]


def fmt_ms(value: float | None) -> str:
    """Milliseconds as people read them: "0.4 ms", "12 ms", "1.25 s"; None is "n/a"."""
    if value is None:
        return "n/a"
    if value < 10:
        return f"{value:.1f} ms"
    if value < 1000:
        return f"{value:.0f} ms"
    return f"{value / 1000:.2f} s"
