"""Run two probes at the same time, each ``runs`` times in a row, and compare them.

The two sides run concurrently; the runs of one side run one after another (so a side
never competes with itself). One side failing — or even crashing — never stops the other:
both always run to the end before anything is raised.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Callable

from smtptui.compare.build import compare_reports
from smtptui.compare.model import Comparison, Side
from smtptui.probe.config import ProbeConfig
from smtptui.probe.events import ProbeEvent, ProbeFinished, ProbeReport

MAX_RUNS = 100
DEFAULT_WARM_RUNS = 3

ProbeSource = Callable[[ProbeConfig], AsyncIterator[ProbeEvent]]
"""What produces one probe's events (:func:`smtptui.probe.engine.run_probe`)."""
OnEvent = Callable[[str, int, ProbeEvent], None]
"""Called as ``on_event(side, run, event)``: side ``"a"``/``"b"``, run from 0."""


def with_warm_runs(config: ProbeConfig, warm_runs: int = DEFAULT_WARM_RUNS) -> ProbeConfig:
    """Ask for warm messages when the probe sends a MAIL/RCPT it can repeat."""
    if config.warm_runs or not (config.mail_from and config.rcpt_to):
        return config
    return dataclasses.replace(config, warm_runs=warm_runs)


def _default_source(config: ProbeConfig) -> AsyncIterator[ProbeEvent]:
    from smtptui.probe.engine import run_probe

    return run_probe(config)


async def _run_side(side: str, config: ProbeConfig, runs: int, source: ProbeSource,
                    on_event: OnEvent | None) -> list[ProbeReport]:
    reports: list[ProbeReport] = []
    for run in range(runs):
        report: ProbeReport | None = None
        async for event in source(config):
            if on_event is not None:
                on_event(side, run, event)
            if isinstance(event, ProbeFinished):
                report = event.report
        if report is None:
            raise RuntimeError(f"probe {side} run {run + 1} ended without a report")
        reports.append(report)
    return reports


async def run_comparison(a: tuple[str, ProbeConfig], b: tuple[str, ProbeConfig],
                         runs: int = 1, *, on_event: OnEvent | None = None,
                         source: ProbeSource | None = None,
                         warm_runs: int = DEFAULT_WARM_RUNS) -> Comparison:
    """Probe ``a`` and ``b`` concurrently, ``runs`` times each, and compare the results.

    ``warm_runs`` further messages are timed on each open connection when the config has
    a sender and recipients (and sets no ``warm_runs`` of its own).
    """
    if not 1 <= runs <= MAX_RUNS:
        raise ValueError(f"runs must be 1-{MAX_RUNS}, got {runs}")
    src = source or _default_source
    (name_a, cfg_a), (name_b, cfg_b) = a, b
    cfg_a, cfg_b = with_warm_runs(cfg_a, warm_runs), with_warm_runs(cfg_b, warm_runs)
    from smtptui.probe.warmup import warm_up

    await asyncio.to_thread(warm_up, (cfg_a, cfg_b))  # no side pays one-off costs timed
    results = await asyncio.gather(
        _run_side("a", cfg_a, runs, src, on_event),
        _run_side("b", cfg_b, runs, src, on_event),
        return_exceptions=True,
    )
    for result in results:
        if isinstance(result, BaseException):
            raise result
    rep_a, rep_b = results
    assert isinstance(rep_a, list) and isinstance(rep_b, list)
    return compare_reports(Side(name_a, tuple(rep_a), cfg_a.warm_runs),
                           Side(name_b, tuple(rep_b), cfg_b.warm_runs))
