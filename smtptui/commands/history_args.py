"""`--history FILE` and `--no-history`, shared by every command that runs or reads probes
(argparse only: cheap to import; the history itself is imported when a run is recorded)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

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
    value = history_location(args)
    if value is None:
        return None
    from pathlib import Path  # here: with urllib.parse, 2-3 ms a probe skips

    return Path(value)


def history_location(args: Any) -> str | None:
    """The ``--history`` value (``~`` expanded), or None for the default location."""
    import os

    value = getattr(args, "history", None)
    return os.path.expanduser(value) if value else None


def sink_for(args: Any, origin: str) -> HistorySink:
    """Where this command records its runs (nowhere with ``--no-history``: then the
    history's modules, SQLite among them, are not even imported)."""
    if getattr(args, "no_history", False):
        return _Nowhere()  # type: ignore[return-value]
    from smtptui.history.record import HistorySink

    return HistorySink(history_location(args), origin=origin)


class _Nowhere:
    """A :class:`~smtptui.history.record.HistorySink` that records nothing."""

    enabled = False

    def record(self, *_args: Any, **_kwargs: Any) -> None:
        return None

    def close(self) -> None:
        pass

    def __enter__(self) -> _Nowhere:
        return self

    def __exit__(self, *exc: object) -> None:
        pass
