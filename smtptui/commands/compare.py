"""`smtptui compare A B`: two relays side by side (filled in by the compare work)."""

from __future__ import annotations

import argparse
from typing import Any

from smtptui.errors import UsageError


def register(sub: Any) -> None:
    p = sub.add_parser("compare", help="probe two profiles side by side")
    p.add_argument("a", metavar="A")
    p.add_argument("b", metavar="B")
    p.add_argument("--profiles", metavar="FILE", default=argparse.SUPPRESS)


def run(args: argparse.Namespace) -> int:
    raise UsageError("compare is not available yet")
