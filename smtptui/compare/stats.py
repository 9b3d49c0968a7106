"""Latency per stage over repeat runs: min / median / p95, and when two medians differ.

A stage's latency in one run is the sum of its ``elapsed_ms`` over every time it ran
(EHLO runs twice with STARTTLS), counting only stages that completed (pass or warn): a
failed or skipped stage says nothing about speed. ``send`` is MAIL + RCPT + DATA,
``tls`` is the implicit-TLS handshake or STARTTLS (command and handshake), ``total`` is
the whole probe, counted only for runs that passed (a probe that fails early is "fast").
"""

from __future__ import annotations

import math
from collections.abc import Collection
from typing import Any, Literal

from smtptui.probe.events import ProbeReport
from smtptui.records import record

Winner = Literal["a", "b"]

LATENCY_ASPECTS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("resolve", "DNS resolve", ("resolve",)),
    ("connect", "TCP connect", ("connect",)),
    ("greeting", "greeting", ("greeting",)),
    ("ehlo", "EHLO", ("ehlo",)),
    ("tls", "TLS handshake", ("tls", "starttls")),
    ("auth", "AUTH", ("auth",)),
    ("send", "send (MAIL+RCPT+DATA)", ("mail", "rcpt", "data")),
    ("total", "total", ()),
)
"""(key, label, engine stages summed) in table order; ``total`` is the report's total."""

MIN_DIFF_MS = 5.0
"""Two medians differ only if they are more than this many milliseconds apart …"""
MIN_DIFF_RATIO = 0.20
"""… and the gap is more than this fraction of the faster one (both must hold)."""


@record(slots=True)
class Stats:
    """Summary of one stage's latency over the runs where it completed."""

    n: int
    min: float
    median: float
    p95: float

    def to_json(self) -> dict[str, Any]:
        return {"n": self.n, "min": round(self.min, 3), "median": round(self.median, 3),
                "p95": round(self.p95, 3)}


def summarize(samples: list[float]) -> Stats | None:
    """min / median / p95 (nearest-rank) of ``samples``; None when there are none."""
    if not samples:
        return None
    ordered = sorted(samples)
    rank = max(math.ceil(0.95 * len(ordered)), 1)
    import statistics  # here: with fractions and decimal, 5 ms a recorded probe never needs

    return Stats(len(ordered), ordered[0], statistics.median(ordered), ordered[rank - 1])


def stage_ms(report: ProbeReport, key: str,
             only: Collection[str] | None = None) -> float | None:
    """One run's latency for aspect ``key`` (see the module doc), or None if it did not run.
    With ``only`` (the aspects both sides of a comparison ran), ``total`` is the sum of
    those stages, not the whole probe; every other aspect is what this run really did (a
    side that sent has a send figure even when the other side never got that far)."""
    if key == "total":
        if not report.ok:
            return None
        if only is None:
            return report.total_ms
        return sum(s.elapsed_ms for s in report.stages
                   if aspect_of(s.stage) in only and s.status in ("pass", "warn"))
    names = next(stages for k, _, stages in LATENCY_ASPECTS if k == key)
    done = [s.elapsed_ms for s in report.stages
            if s.stage in names and s.status in ("pass", "warn")]
    return sum(done) if done else None


def latency_stats(reports: list[ProbeReport],
                  only: Collection[str] | None = None) -> dict[str, Stats | None]:
    """Stats of every latency aspect over ``reports`` (one per run), optionally counting
    only the stages in ``only``."""
    out: dict[str, Stats | None] = {}
    for key, _, _ in LATENCY_ASPECTS:
        samples = [x for x in (stage_ms(r, key, only) for r in reports) if x is not None]
        out[key] = summarize(samples)
    return out


def aspect_of(stage: str) -> str:
    """The latency aspect a stage counts towards (``starttls`` -> ``tls``); else itself."""
    return next((k for k, _, stages in LATENCY_ASPECTS if stage in stages), stage)


def stages_tried(reports: list[ProbeReport]) -> frozenset[str]:
    """The aspects of every stage these runs tried (ran and did not skip): implicit TLS
    and STARTTLS are both the TLS handshake."""
    return frozenset(aspect_of(s.stage) for r in reports for s in r.stages
                     if s.status != "skip")


def meaningfully_different(a: float, b: float) -> bool:
    """True if medians ``a`` and ``b`` differ by > 5 ms and by > 20 % of the smaller."""
    gap = abs(a - b)
    return gap > MIN_DIFF_MS and gap > MIN_DIFF_RATIO * min(a, b)


def faster(a: Stats | None, b: Stats | None) -> Winner | None:
    """Which side's median is meaningfully lower; None for a tie or missing data."""
    if a is None or b is None or not meaningfully_different(a.median, b.median):
        return None
    return "a" if a.median < b.median else "b"
