"""`smtptui [app] [--profiles FILE] [--no-mouse]`: open the dashboard (the default command)."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "app", help="open the dashboard (the default)",
        description="Open the dashboard: profiles, live probes, diagnoses.")
    parser.add_argument("--profiles", metavar="FILE", default=argparse.SUPPRESS,
                        help="profiles file (default: $SMTPTUI_PROFILES or the config dir)")
    parser.add_argument("--no-mouse", action="store_true", default=argparse.SUPPRESS,
                        help="disable mouse support")
    from smtptui.commands.history_args import add_history_args

    add_history_args(parser)


def run(args: argparse.Namespace) -> int:
    from smtptui.app.launch import run_app
    from smtptui.commands.history_args import history_file
    from smtptui.profiles.paths import resolve_path

    path = resolve_path(getattr(args, "profiles", None))
    return run_app(path, demo=False, mouse=not getattr(args, "no_mouse", False),
                   history=history_file(args),
                   record_history=not getattr(args, "no_history", False))
