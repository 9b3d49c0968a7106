"""Two relays side by side: concurrent probes, repeat runs, latency statistics and a
table of every aspect in which they differ. Headless (no Textual).

    comparison = await run_comparison(("old", config_a), ("new", config_b), runs=3)
    print(render_text(comparison))
"""

from smtptui.compare.build import compare_reports
from smtptui.compare.model import ColdWarm, Comparison, Row, Side
from smtptui.compare.runner import run_comparison, with_warm_runs
from smtptui.compare.stats import Stats
from smtptui.compare.text import render_text

__all__ = [
    "ColdWarm", "Comparison", "Row", "Side", "Stats", "compare_reports", "render_text",
    "run_comparison", "with_warm_runs",
]
