"""`smtptui history`: the runs recorded for a profile (or all), one run in full, pruning.

    smtptui history [PROFILE | --client C] [--since DATE] [--limit N] [--json]
    smtptui history show RUN_ID [--json]
    smtptui history prune [--keep-runs N] [--keep-days D]
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from smtptui.commands.history_args import add_history_args, history_file
from smtptui.errors import ExitCode, UsageError

if TYPE_CHECKING:
    from smtptui.history.store import HistoryStore

DEFAULT_LIMIT = 50


def register(sub: Any) -> None:
    p = sub.add_parser(
        "history", help="past runs and what changed (also: history show ID, history prune)",
        description="List recorded runs, newest first: time, result, failing stage, total "
                    "time and what changed since the run before. `history show RUN_ID` "
                    "prints one run in full; `history prune` applies the retention now.")
    p.add_argument("what", nargs="?", metavar="PROFILE | show | prune",
                   help="a profile name (or ad-hoc host:port); or show / prune")
    p.add_argument("run_id", nargs="?", metavar="RUN_ID", help="with show: the run's id")
    p.add_argument("--client", metavar="NAME", help="only this client's profiles")
    p.add_argument("--since", metavar="DATE",
                   help="only runs since DATE (2026-11-20, 2026-11-20T14:00, 7d, 12h)")
    p.add_argument("--limit", type=int, default=None, metavar="N",
                   help=f"at most N runs (default {DEFAULT_LIMIT}; 0: all)")
    p.add_argument("--json", action="store_true", help="JSON (one object per run line; "
                   "with show: the report, readable by `smtptui open` and `diff`)")
    p.add_argument("--keep-runs", type=int, default=None, metavar="N",
                   help="with prune: keep each profile's last N runs")
    p.add_argument("--keep-days", type=float, default=None, metavar="D",
                   help="with prune: keep every run newer than D days")
    add_history_args(p, recording=False)


def parse_since(text: str) -> float:
    """Unix seconds for ``--since``: a date, a date and time (local), or ``7d`` / ``12h``."""
    import time
    from datetime import datetime

    value = text.strip()
    units = {"d": 86400, "h": 3600, "m": 60}
    if value[-1:].lower() in units and value[:-1].replace(".", "", 1).isdigit():
        return time.time() - float(value[:-1]) * units[value[-1].lower()]
    try:
        return datetime.fromisoformat(value).timestamp()
    except ValueError:
        raise UsageError(f"--since: not a date: {text!r} (try 2026-11-20, "
                         "2026-11-20T14:00 or 7d)") from None


def open_store(args: Any) -> HistoryStore:
    """The history database for reading; a problem is bad input (one line, exit 2)."""
    from smtptui.history.store import HistoryStore, HistoryUnavailable
    from smtptui.locations import history_path

    path = history_file(args) or history_path()
    try:
        return HistoryStore.open(path, create=False)
    except HistoryUnavailable as exc:
        raise UsageError(f"history unavailable: {exc}") from None


def run(args: argparse.Namespace) -> int:
    what = args.what
    if what != "prune" and (args.keep_runs is not None or args.keep_days is not None):
        raise UsageError("--keep-runs/--keep-days only apply to `history prune`")
    if what == "show":
        return _show(args)
    if args.run_id is not None:
        raise UsageError(f"unexpected argument {args.run_id!r} (did you mean "
                         f"`history show {args.run_id}`?)")
    if what == "prune":
        return _prune(args)
    return _list(args)


def _list(args: argparse.Namespace) -> int:
    import json
    import sys

    from smtptui.cli import _columns
    from smtptui.commands.probe import use_color
    from smtptui.history.text import run_table

    if args.what and args.client:
        raise UsageError("give either a PROFILE or --client, not both")
    limit = DEFAULT_LIMIT if args.limit is None else args.limit
    if limit < 0:
        raise UsageError(f"--limit must be 0 or more, got {limit}")
    since = parse_since(args.since) if args.since else None
    from smtptui.locations import history_path

    path = history_file(args) or history_path()
    if not path.exists():
        print(f"No runs recorded yet ({path}).")
        return ExitCode.OK
    with open_store(args) as store:
        runs = store.runs(profile=args.what, client=args.client, since=since,
                          limit=limit or None, brief=not args.json)
        if not runs and args.what and not store.runs(profile=args.what, limit=1):
            known = [p for p, _, _ in store.profiles()]
            raise UsageError(f'no runs recorded for "{args.what}" (recorded: '
                             f"{', '.join(known[:8]) or 'none'}{' …' if len(known) > 8 else ''})")
    if args.json:
        for r in runs:
            print(json.dumps(r.to_json(), ensure_ascii=False))
        return ExitCode.OK
    if not runs:
        print("No runs recorded" + (" in that time." if since else " yet."))
        return ExitCode.OK
    width = _columns() if sys.stdout.isatty() else 10_000  # a pipe gets whole lines
    lines = run_table(runs, width=width, color=use_color(sys.stdout),
                      show_profile=args.what is None)
    print("\n".join(lines))
    if limit and len(runs) == limit:
        print(f"(the newest {limit}; --limit 0 shows all)")
    return ExitCode.OK


def _run_id(text: str | None) -> int:
    if text is None:
        raise UsageError("history show needs a RUN_ID (the first column of `smtptui history`)")
    try:
        return int(text)
    except ValueError:
        raise UsageError(f"not a run id: {text!r}") from None


def _show(args: argparse.Namespace) -> int:
    import json
    import sys

    from smtptui.commands.probe import use_color
    from smtptui.history.changes import Change
    from smtptui.history.text import describe_run, diff_lines
    from smtptui.reports.text import render_text

    run_id = _run_id(args.run_id)
    with open_store(args) as store:
        run = store.get(run_id)
        doc = store.report_json(run_id) if run is not None else None
    if run is None or doc is None:
        raise UsageError(f"no run {run_id} in the history")
    if args.json:
        doc = {**doc, "profile": run.profile, "client": run.client,
               "history": {"run_id": run.id, "origin": run.origin,
                           "changes": list(run.changes)}}
        print(json.dumps(doc, ensure_ascii=False))
        return ExitCode.OK
    from smtptui.probe.report_json import read_report

    read = read_report(doc)
    color = use_color(sys.stdout)
    print(f"{describe_run(run)} (recorded by {run.origin}"
          + (f", client {run.client})" if run.client else ")"))
    if run.changes:
        print("What changed since the run before:")
        print("\n".join(diff_lines([Change.from_json(c) for c in run.changes], color=color)))
    if read.notice():
        print(read.notice())
    print()
    print(render_text(read.report, color=color, verbose=True), end="")
    return ExitCode.OK


def _prune(args: argparse.Namespace) -> int:
    import dataclasses
    import sqlite3

    from smtptui.history.retention import Retention
    from smtptui.history.store import HistoryUnavailable

    retention = Retention.from_env()
    if args.keep_runs is not None:
        if args.keep_runs < 0:
            raise UsageError(f"--keep-runs must be 0 or more, got {args.keep_runs}")
        retention = dataclasses.replace(retention, keep_runs=args.keep_runs)
    if args.keep_days is not None:
        if args.keep_days < 0:
            raise UsageError(f"--keep-days must be 0 or more, got {args.keep_days:g}")
        retention = dataclasses.replace(retention, keep_days=args.keep_days,
                                        keep_notable_days=max(args.keep_days,
                                                              retention.keep_notable_days))
    with open_store(args) as store:
        try:
            with store.writing():
                deleted = store.prune(retention)
            left = store.count()
            if deleted:  # give the space back to the file system
                store.conn.execute("VACUUM")
                store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except (HistoryUnavailable, sqlite3.Error) as exc:
            raise UsageError(f"history unavailable: {exc}") from None
    print(f"Pruned {deleted} run{'s' if deleted != 1 else ''}; {left} kept "
          f"(each profile's last {retention.keep_runs}, everything from the last "
          f"{retention.keep_days:g} days, failures and changes from the last "
          f"{retention.keep_notable_days:g} days, each profile's newest pass).")
    return ExitCode.OK
