"""Two relays side by side: concurrent probes, repeat runs, latency statistics and a
table of every aspect in which they differ. Headless (no Textual).

    comparison = await run_comparison(("old", config_a), ("new", config_b), runs=3)
    print(render_text(comparison))

Names load on first use: the history records every probe with the rows of
:mod:`smtptui.compare.rows`, and must not pay for the runner and text here at start-up.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from smtptui.compare.build import compare_reports
    from smtptui.compare.model import ColdWarm, Comparison, Row, Side
    from smtptui.compare.runner import run_comparison, with_warm_runs
    from smtptui.compare.stats import Stats
    from smtptui.compare.text import render_text

_HOME = {
    "compare_reports": "build", "ColdWarm": "model", "Comparison": "model", "Row": "model",
    "Side": "model", "run_comparison": "runner", "with_warm_runs": "runner",
    "Stats": "stats", "render_text": "text",
}


def __getattr__(name: str) -> Any:
    if name in _HOME:
        return getattr(importlib.import_module(f"smtptui.compare.{_HOME[name]}"), name)
    raise AttributeError(f"module 'smtptui.compare' has no attribute {name!r}")


__all__ = [
    "ColdWarm", "Comparison", "Row", "Side", "Stats", "compare_reports", "render_text",
    "run_comparison", "with_warm_runs",
]
