"""`smtptui headers FILE|-`: analyse a delivered message's headers (no network)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from smtptui.commands.dns import can_encode
from smtptui.errors import ExitCode, UsageError

HELP = "analyse a delivered message's headers: SPF, DKIM, DMARC, ARC, hops, unsubscribe"
DESCRIPTION = ("Analyse a delivered message's headers: SPF, DKIM, DMARC, ARC, the Received "
               "hops and List-Unsubscribe. Exit 0: nothing failed; 1: a mechanism failed; "
               "2: bad input.")


def register(sub: Any) -> None:
    p = sub.add_parser("headers", help=HELP, description=DESCRIPTION)
    p.add_argument("file", metavar="FILE|-", help="headers (or a whole message); - for stdin")
    p.add_argument("--trust", action="append", default=[], metavar="ID",
                   help="believe the Authentication-Results of this authserv-id (and hosts "
                        "under it; repeatable). Default: those the receiving domain added "
                        "above the first external hop")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--profiles", metavar="FILE", default=argparse.SUPPRESS,
                   help=argparse.SUPPRESS)


def read_input(name: str, limit: int = 10 * 1024 * 1024) -> str:
    """The text of FILE (or stdin for ``-``), decoded leniently; at most ``limit`` bytes."""
    try:
        if name == "-":
            data = sys.stdin.buffer.read(limit + 1)
        else:
            with open(name, "rb") as f:
                data = f.read(limit + 1)
    except OSError as exc:
        raise UsageError(f"headers: cannot read {name}: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise UsageError(f"headers: {name} is larger than {limit // (1024 * 1024)} MiB")
    return data.decode("utf-8", errors="replace")


def run(args: argparse.Namespace) -> int:
    import json

    from smtptui.dnscheck.headers import analyse_headers

    text = read_input(args.file)
    report = analyse_headers(text, tuple(t for t in args.trust if t.strip()))
    if not report.header_count:
        raise UsageError(f"headers: no mail headers found in {args.file}")
    failed = report.level == "fail"
    if args.json:
        print(json.dumps({"ok": not failed, **report.to_json(),
                          "spam_reasons": list(report.spam_reasons)}))
    else:
        from smtptui.dnscheck.render import Renderer

        print(Renderer(ascii_only=not can_encode(sys.stdout)).headers(report))
    return ExitCode.FAILED if failed else ExitCode.OK
