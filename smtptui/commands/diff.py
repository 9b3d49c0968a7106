"""`smtptui diff A B`: what changed between two runs — history run ids or saved reports.

Exit 0: nothing changed; 1: something changed (as diff(1) does); 2: bad input.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from smtptui.commands.history_args import add_history_args
from smtptui.errors import ExitCode, UsageError

if TYPE_CHECKING:
    from smtptui.probe.events import ProbeReport, Target


def register(sub: Any) -> None:
    p = sub.add_parser(
        "diff", help="what changed between two runs (history ids or saved reports)",
        description="Compare two runs of a relay: each is a run id from `smtptui history` "
                    "or a saved report (.json from `w`, --json, or `history show --json`). "
                    "Exit 0: nothing changed; 1: something changed; 2: bad input.")
    p.add_argument("a", metavar="RUN_A", help="the earlier run: an id or a report file")
    p.add_argument("b", metavar="RUN_B", help="the later run: an id or a report file")
    p.add_argument("--json", action="store_true", help="one JSON object: both runs, changes")
    add_history_args(p, recording=False)


def load_run(text: str, args: Any) -> tuple[str, ProbeReport, str]:
    """(label, report, notice) for a run id or a report file."""
    from pathlib import Path

    path = Path(text).expanduser()
    if text.isdigit() and not path.exists():
        from smtptui.commands.history import open_store
        from smtptui.history.text import describe_run
        from smtptui.probe.report_json import read_report

        with open_store(args) as store:
            run = store.get(int(text))
            doc = store.report_json(int(text)) if run is not None else None
        if run is None or doc is None:
            raise UsageError(f"no run {text} in the history")
        read = read_report(doc)
        return describe_run(run), read.report, read.notice()
    from smtptui.reports.files import read_report_file

    read = read_report_file(path)
    return str(path), read.report, read.notice()


def mismatch(a: ProbeReport, b: ProbeReport) -> str | None:
    """A one-line note when the two runs are not of the same relay (profile, host or port),
    so a "change" that is only a different target is not read as the relay changing."""
    from smtptui.hostport import host_port
    from smtptui.probe.sanitize import clean

    ta, tb = a.target, b.target
    if (ta.profile, ta.host.lower(), ta.port) == (tb.profile, tb.host.lower(), tb.port):
        return None
    what = "profiles" if ta.profile != tb.profile else "targets"

    def name(t: Target) -> str:
        where = clean(host_port(t.host, t.port), 200)
        return f'"{clean(t.profile, 100)}" ({where})' if t.profile else f"no profile ({where})"

    return f"comparing runs of different {what}: {name(ta)} vs {name(tb)}"


def run(args: argparse.Namespace) -> int:
    import json
    import sys

    from smtptui.commands.probe import use_color
    from smtptui.history.changes import diff_reports
    from smtptui.history.text import diff_lines

    label_a, report_a, note_a = load_run(args.a, args)
    label_b, report_b, note_b = load_run(args.b, args)
    changes = diff_reports(report_a, report_b)
    different = mismatch(report_a, report_b)
    for note in dict.fromkeys(n for n in (note_a, note_b) if n):
        print(note, file=sys.stderr)
    if args.json:
        print(json.dumps({"a": label_a, "b": label_b, "different_relays": different,
                          "changed": bool(changes),
                          "changes": [c.to_json() for c in changes]}, ensure_ascii=False))
    else:
        if different:
            print(f"Note: {different}")
        print(f"From {label_a}\n  to {label_b}:")
        print("\n".join(diff_lines(changes, color=use_color(sys.stdout))))
    return ExitCode.FAILED if changes else ExitCode.OK
