"""`smtptui demo`: loopback relays started in-process, opened in the app (or probed headless)."""

from __future__ import annotations

import argparse
from typing import Any

from smtptui.errors import ExitCode


def register(sub: Any) -> None:
    p = sub.add_parser("demo", help="start demo relays on loopback and open the app on them",
                       description="Starts three SMTP relays on 127.0.0.1 (healthy, wrong "
                                   "password, expired certificate) and opens the app on them.")
    p.add_argument("--headless", action="store_true",
                   help="probe each demo relay and print the results instead of opening the app")
    p.add_argument("--json", action="store_true",
                   help="print one JSON object per demo relay (implies --headless)")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="with --headless: show each probe's transcript")
    p.add_argument("--profiles", metavar="FILE", default=argparse.SUPPRESS,
                   help="where profiles you add in the demo are saved (default: a "
                        "temporary file, removed when you quit; your own profiles file "
                        "is never touched)")
    from smtptui.commands.history_args import add_history_args

    add_history_args(p)


def run(args: argparse.Namespace) -> int:
    if args.headless or args.json:
        from smtptui.cli import run_async

        return run_async(_headless(json_out=args.json, verbose=args.verbose))
    import shutil
    from pathlib import Path

    from smtptui.app.launch import run_app
    from smtptui.commands.history_args import history_file
    from smtptui.demo.certs import demo_folder
    from smtptui.locations import PROFILES_FILE

    # The demo is a sandbox: profiles added or changed in it go to a file of its own
    # (removed when the demo ends), never to the user's ($SMTPTUI_PROFILES, config dir).
    given: str | None = getattr(args, "profiles", None)
    scratch = None if given else demo_folder()
    try:
        return run_app(scratch / PROFILES_FILE if scratch is not None else Path(str(given)),
                       demo=True, temporary_profiles=scratch is not None,
                       mouse=not getattr(args, "no_mouse", False), history=history_file(args),
                       # the demo's relays (new certificates each start) are not the user's:
                       # their runs go into a history only when one is named with --history
                       record_history=bool(getattr(args, "history", None))
                       and not getattr(args, "no_history", False))
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)


async def _headless(*, json_out: bool, verbose: bool = False) -> int:
    import json
    import sys

    from smtptui.commands.probe import use_color
    from smtptui.demo.embedded import start_demo
    from smtptui.probe.engine import probe
    from smtptui.reports.text import format_stage, format_summary, format_wire

    demo = await start_demo()
    color = use_color(sys.stdout)
    try:
        for target in demo.targets:
            report = await probe(target.config)
            if json_out:
                print(json.dumps(report.to_json(), ensure_ascii=False))
                continue
            print(f"== {target.name}: {target.description}")
            for stage in report.stages:
                print(format_stage(stage, color=color))
            if verbose:
                print("\n".join(format_wire(w, color=color) for w in report.transcript))
            print("\n".join(format_summary(report, color=color,
                                           transcript="above" if verbose else None)))
            print()
    finally:
        await demo.stop()
    return ExitCode.OK
