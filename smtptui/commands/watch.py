"""`smtptui watch`: re-probe saved profiles on a schedule; print a line per state change.

Exit codes: 0 stopped by SIGTERM, or ``--changes N`` reached with every watched profile
passing; 1 ``--changes N`` reached with a profile failing; 2 bad input; 130 Ctrl-C;
129 SIGHUP.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from typing import TYPE_CHECKING, Any

from smtptui.errors import ExitCode, UsageError

if TYPE_CHECKING:
    from smtptui.watch.events import Changed
    from smtptui.watch.runner import WatchTarget

_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h)?")
_UNIT = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, None: 1.0}


def duration(text: str) -> float:
    """``60``, ``60s``, ``5m``, ``1h``, ``500ms`` -> seconds (at least 0.1, at most a day)."""
    match = _DURATION.fullmatch(text.strip())
    if not match:
        raise argparse.ArgumentTypeError(f"not a duration: {text!r} (like 60s, 5m, 1h)")
    seconds = float(match.group(1)) * _UNIT[match.group(2)]
    if not 0.1 <= seconds <= 86400:
        raise argparse.ArgumentTypeError(f"must be between 0.1 s and 1 day, got {text}")
    return seconds


def register(sub: Any) -> None:
    p = sub.add_parser(
        "watch", help="re-probe profiles on a schedule; one line per state change",
        description="Probe saved profiles again and again and print a line (or JSON object) "
                    "each time a profile's state changes -- pass/fail, the failing stage, a "
                    "new warning -- not per run. The first run of each profile is printed "
                    "too. Runs until interrupted. Exit 0 on SIGTERM (or --changes reached, all "
                    "passing), 1 when --changes is reached with a profile failing, 2 on bad "
                    "input, 130 on Ctrl-C, 129 on SIGHUP.")
    p.add_argument("profile", nargs="?", metavar="PROFILE", help="saved profile name")
    p.add_argument("--client", metavar="NAME", help="watch every profile of one client")
    p.add_argument("--all", action="store_true", help="watch every saved profile")
    p.add_argument("--every", type=duration, metavar="DURATION",
                   help="time between runs of a profile, like 60s or 5m (default: the "
                        "profile's watch_interval, else 60s)")
    p.add_argument("--json", action="store_true", help="one JSON object per change")
    p.add_argument("--on-change", metavar="CMD",
                   help="run CMD (no shell) on each change, the change as JSON on its stdin; "
                        "at most 4 at once, each killed after 30 s")
    p.add_argument("--changes", type=int, metavar="N",
                   help="stop after N changes (the first runs count)")
    p.add_argument("--concurrency", type=int, default=None, metavar="N",
                   help="probes at once (default 10)")
    p.add_argument("--profiles", metavar="FILE", default=argparse.SUPPRESS,
                   help="profiles file")
    from smtptui.commands.history_args import add_history_args

    add_history_args(p)


def _targets(args: argparse.Namespace) -> list[WatchTarget]:
    from smtptui.commands.target_args import config_from_profile, load_profiles
    from smtptui.watch.runner import DEFAULT_INTERVAL, WatchTarget

    chosen = sum(bool(x) for x in (args.profile, args.client, args.all))
    if chosen != 1:
        raise UsageError("give one of PROFILE, --client NAME or --all")
    from smtptui.commands.batch import pick_profiles

    profiles = load_profiles(args)
    picked = ([profiles.get(args.profile)] if args.profile
              else pick_profiles(profiles, args.client))
    from smtptui.profiles.store import check_literal_secrets

    check_literal_secrets(profiles, picked)  # a readable file's literal: nothing is watched
    targets: list[WatchTarget] = []
    problems: list[tuple[str, UsageError]] = []
    for p in picked:
        try:
            config = config_from_profile(p, args)
        except UsageError as exc:  # a missing secret, an unreadable CA file …
            problems.append((p.name, exc))
            continue
        targets.append(WatchTarget(p.name, p.client, config,
                                   args.every or p.watch_interval or DEFAULT_INTERVAL))
    if problems and not targets:
        raise problems[0][1]
    for name, problem in problems:  # the others are watched; these cannot run until fixed
        print(f'smtptui watch: not watched: "{name}": {problem}', file=sys.stderr, flush=True)
    return targets


def run(args: argparse.Namespace) -> int:
    import shlex

    if args.changes is not None and args.changes < 1:
        raise UsageError("--changes must be at least 1")
    concurrency = args.concurrency if args.concurrency is not None else 10
    if not 1 <= concurrency <= 500:
        raise UsageError(f"--concurrency must be 1-500, got {concurrency}")
    hook_argv: list[str] | None = None
    if args.on_change is not None:
        try:
            hook_argv = shlex.split(args.on_change)
        except ValueError as exc:
            raise UsageError(f"--on-change is not a valid command line ({exc})") from None
        if not hook_argv:
            raise UsageError("--on-change must not be empty")
    targets = _targets(args)
    from smtptui.cli import run_async

    return run_async(_watch(targets, args, hook_argv, concurrency))


async def _watch(targets: list[WatchTarget], args: argparse.Namespace,
                 hook_argv: list[str] | None, concurrency: int) -> int:
    import asyncio
    import signal

    from smtptui.commands.probe import use_color
    from smtptui.watch.events import Changed
    from smtptui.watch.hook import ChangeHook
    from smtptui.watch.runner import watch

    hook = ChangeHook(hook_argv) if hook_argv else None
    color = use_color(sys.stdout)
    last: dict[str, str] = {}
    stopped: list[int] = []
    loop = asyncio.get_running_loop()
    main = asyncio.current_task()
    assert main is not None

    def stop(code: int) -> None:
        stopped.append(code)
        main.cancel()

    loop.add_signal_handler(signal.SIGTERM, stop, ExitCode.OK)
    loop.add_signal_handler(signal.SIGINT, stop, ExitCode.INTERRUPT)
    # a dropped SSH session: stopped as on SIGTERM (a running hook is killed), exit 129;
    # unless started under nohup, which asks for SIGHUP to be ignored
    from smtptui.cli import ignored

    if not ignored(signal.SIGHUP):
        loop.add_signal_handler(signal.SIGHUP, stop, 128 + signal.SIGHUP)
    from smtptui.commands.history_args import sink_for

    changes = 0
    sink = sink_for(args, "watch")
    events = watch(targets, concurrency=concurrency, sink=sink)
    try:
        async for event in events:
            if not isinstance(event, Changed):
                continue
            changes += 1
            last[event.profile] = event.state.status
            doc = event.to_json()
            print(json.dumps(doc, ensure_ascii=False) if args.json
                  else _line(event, color), flush=True)
            if hook:
                hook.fire(json.dumps(doc, ensure_ascii=False).encode() + b"\n")
            if args.changes and changes >= args.changes:
                break
    except asyncio.CancelledError:
        if not stopped:
            raise
        return stopped[0]
    finally:
        await events.aclose()
        sink.close()
        if hook:
            if not stopped:
                await hook.wait()
            await hook.close()
    return ExitCode.FAILED if "fail" in last.values() else ExitCode.OK


def _line(event: Changed, color: bool) -> str:
    from smtptui.glyphs import glyph
    from smtptui.reports.text import paint

    status = event.state.status
    where = f"{event.profile} ({event.client})" if event.client else event.profile
    detail = event.state.summary
    if status == "fail":
        detail = f"failed at {event.state.stage}: {detail}"
    elif status == "pass":
        detail = f"{event.report.total_ms:.0f} ms"
    return (f"{event.at}  {paint(glyph(status) + ' ' + status, status, color)}  {where}  "
            f"[{event.reason}]  {detail}")
