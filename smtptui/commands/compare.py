"""`smtptui compare A B`: two saved profiles probed at the same time, side by side."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from smtptui.commands.target_args import add_target_args
from smtptui.errors import ExitCode

if TYPE_CHECKING:
    from smtptui.compare.model import Comparison
    from smtptui.compare.runner import OnEvent
    from smtptui.probe.config import ProbeConfig
    from smtptui.probe.events import ProbeEvent

MAX_RUNS = 100  # same as smtptui.compare.runner.MAX_RUNS (kept here: cheap import)


def _runs(value: str) -> int:
    try:
        runs = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of runs: {value!r}") from None
    if not 1 <= runs <= MAX_RUNS:
        raise argparse.ArgumentTypeError(f"runs must be 1-{MAX_RUNS}, got {runs}")
    return runs


def register(sub: Any) -> None:
    p = sub.add_parser(
        "compare", help="probe two profiles at the same time and compare them",
        description="Probe two saved profiles concurrently (each --runs times) and show every "
                    "aspect side by side, differences marked ≠. Target flags apply to both. "
                    "Exit 0: both passed every run; 1: a run failed; 2: bad input.",
    )
    p.add_argument("a", metavar="A", help="first profile name")
    p.add_argument("b", metavar="B", help="second profile name")
    p.add_argument("--runs", type=_runs, default=1, metavar="N",
                   help=f"probe each side N times in a row (1-{MAX_RUNS}, default 1) "
                        "for min / median / p95 latencies")
    add_target_args(p)
    p.add_argument("--json", action="store_true",
                   help="one JSON object: both reports, stats, rows, cold vs warm")
    p.add_argument("--profiles", metavar="FILE", default=argparse.SUPPRESS,
                   help="profiles file")
    from smtptui.commands.history_args import add_history_args

    add_history_args(p)


def run(args: argparse.Namespace) -> int:
    import json
    import sys

    from smtptui.cli import run_async
    from smtptui.commands.probe import use_color
    from smtptui.commands.target_args import config_from_profile, load_profiles, profile_from_args

    profiles = load_profiles(args)
    profile_a = profile_from_args(args, args.a, profiles)
    profile_b = profile_from_args(args, args.b, profiles)
    config_a = config_from_profile(profile_a, args)
    config_b = config_from_profile(profile_b, args)
    comparison = run_async(_compare(args.a, config_a, args.b, config_b, args.runs,
                                      progress=not args.json))
    from smtptui.commands.history_args import sink_for

    with sink_for(args, "compare") as sink:
        for side, profile, config in ((comparison.a, profile_a, config_a),
                                      (comparison.b, profile_b, config_b)):
            for report in side.reports:
                sink.record(report, profile=profile.name, client=profile.client,
                            secrets=config.secrets)
    if args.json:
        print(json.dumps(comparison.to_json(), ensure_ascii=False))
    else:
        from smtptui.compare.text import render_text

        print()
        print(render_text(comparison, color=use_color(sys.stdout)), end="")
    return ExitCode.OK if comparison.ok else ExitCode.FAILED


async def _compare(name_a: str, config_a: ProbeConfig, name_b: str, config_b: ProbeConfig,
                   runs: int, *, progress: bool) -> Comparison:
    """Run the comparison; in human mode print one line per finished run as it ends."""
    from smtptui.compare.runner import run_comparison

    on_event = _progress(runs) if progress else None
    if progress:
        print(f'smtptui compare: A "{name_a}" and B "{name_b}", {runs} '
              f"run{'s' if runs != 1 else ''} each, at the same time", flush=True)
    return await run_comparison((name_a, config_a), (name_b, config_b), runs,
                                on_event=on_event)


def _progress(runs: int) -> OnEvent:
    import sys

    from smtptui.commands.probe import use_color
    from smtptui.glyphs import glyph
    from smtptui.probe.events import ProbeFinished
    from smtptui.reports.text import paint

    color = use_color(sys.stdout)

    def on_event(side: str, run: int, event: ProbeEvent) -> None:
        if not isinstance(event, ProbeFinished):
            return
        report = event.report
        failed = report.failed_stage
        state = "fail" if failed else ("warn" if report.warnings else "pass")
        what = f"failed at {failed.stage}" if failed else "passed"
        mark = paint(f"{glyph(state)} {what}", state, color)
        print(f"  {side.upper()} run {run + 1}/{runs}  {mark}  {report.total_ms:.0f} ms",
              flush=True)

    return on_event
