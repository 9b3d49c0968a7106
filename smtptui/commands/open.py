"""`smtptui open REPORT.json`: a saved report in the dashboard, read-only — the way a
colleague's run is shared with support. A report from another smtptui version opens with
one line naming the fields this one does not show."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser(
        "open", help="open a saved report in the dashboard, read-only",
        description="Open a report saved with `w`, `smtptui probe --json` or `smtptui "
                    "history show --json` in the dashboard, read-only (nothing is run).")
    p.add_argument("report", metavar="REPORT.json", help="the saved report")
    p.add_argument("--no-mouse", action="store_true", default=argparse.SUPPRESS,
                   help="disable mouse support")


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from smtptui.reports.files import read_report_file

    path = Path(args.report).expanduser()
    read = read_report_file(path)  # bad input: one line and exit 2, before any screen
    from smtptui.app.launch import run_app

    return run_app(None, mouse=not getattr(args, "no_mouse", False), record_history=False,
                   viewing=(read, str(path)))
