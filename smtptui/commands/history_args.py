"""`--history FILE` and `--no-history`, shared by every command that runs or reads probes
(argparse only: cheap to import; the history itself is imported when a run is recorded)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from smtptui.history.record import HistorySink


def add_history_args(p: argparse.ArgumentParser, *, recording: bool = True) -> None:
    """``--history FILE``; with ``recording``, also ``--no-history``."""
    g = p.add_argument_group("history")
    g.add_argument("--history", metavar="FILE", default=argparse.SUPPRESS,
                   help="history database (default: $SMTPTUI_HISTORY or the user state dir)")
    if recording:
        g.add_argument("--no-history", action="store_true", default=argparse.SUPPRESS,
                       help="record nothing in the history")


def history_file(args: Any) -> Path | None:
    """The ``--history`` value as a path, or None for the default location."""
    value = getattr(args, "history", None)
    return Path(value).expanduser() if value else None


def sink_for(args: Any, origin: str) -> HistorySink:
    """Where this command records its runs (nowhere with ``--no-history``)."""
    from smtptui.history.record import HistorySink

    return HistorySink(history_file(args), origin=origin,
                       enabled=not getattr(args, "no_history", False))
