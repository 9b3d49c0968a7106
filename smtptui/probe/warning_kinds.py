"""A report's warnings as kinds: with their figures masked, so "the greeting took 3.2 s"
and "… 3.6 s" are one warning (the latency rows say how long it took; a figure that
moves is not a new warning), as are "expires in 12 days" and "… 11 days". Used by the
comparison table and by the history's signature of a run (which must stay cheap to
import: a recorded probe computes it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from smtptui.probe.events import ProbeReport


def warning_kinds(report: ProbeReport) -> list[str]:
    """The report's warnings with their figures masked, sorted."""
    import re

    return sorted({re.sub(r"\d+(?:[.,:]\d+)*", "#", w) for w in report.warnings})
