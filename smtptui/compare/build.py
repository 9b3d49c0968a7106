"""Turn the two sides' reports into a :class:`Comparison` (pure, no I/O)."""

from __future__ import annotations

from smtptui.compare.model import WARM_NEEDS, ColdWarm, Comparison, Side
from smtptui.compare.rows import (
    extension_rows,
    greeting_row,
    latency_rows,
    result_rows,
    tls_rows,
    warnings_row,
)
from smtptui.compare.sending import send_outcome, send_stages
from smtptui.compare.stats import (
    LATENCY_ASPECTS,
    Winner,
    faster,
    latency_stats,
    stages_tried,
    summarize,
)


def cold_warm(side: Side) -> ColdWarm:
    """Cold: ``ProbeReport.cold_ms`` of every run that passed. Warm: every further
    message timed on an open connection, over all runs."""
    cold = summarize([r.cold_ms for r in side.reports if r.ok])
    warm = summarize([x for r in side.reports for x in r.warm_ms])
    note = ""
    if warm is None:
        note = WARM_NEEDS if side.warm_runs == 0 else "n/a (no warm message completed)"
    return ColdWarm(cold, warm, note)


def compare_reports(a: Side, b: Side) -> Comparison:
    """The comparison table, statistics and cold/warm figures of two sides."""
    if not a.reports or not b.reports:
        raise ValueError("each side needs at least one report")
    tried_a, tried_b = stages_tried(list(a.reports)), stages_tried(list(b.reports))
    only = None if tried_a == tried_b else tried_a & tried_b  # compare like with like
    stats = {"a": latency_stats(list(a.reports), only),
             "b": latency_stats(list(b.reports), only)}
    cw = {"a": cold_warm(a), "b": cold_warm(b)}
    win: dict[str, Winner | None] = {
        key: faster(stats["a"][key], stats["b"][key]) for key, _, _ in LATENCY_ASPECTS}
    win["overall"] = win["total"]
    ra, rb = a.representative, b.representative
    rows = [
        *result_rows(a, b),
        *latency_rows(stats["a"], stats["b"], cw, shared_only=only is not None,
                      send=(send_outcome(ra), send_outcome(rb))
                      if send_stages(ra) or send_stages(rb) else ("", "")),
        *tls_rows(ra, rb),
        *extension_rows(ra, rb),
        greeting_row(ra, rb),
        warnings_row(ra, rb),
    ]
    runs = max(len(a.reports), len(b.reports))
    return Comparison(a, b, runs, tuple(rows), stats, cw, win)
