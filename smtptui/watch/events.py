"""What a watch yields: a ``Tick`` per run, a ``Changed`` when the state changed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from smtptui.probe.events import ProbeReport
from smtptui.watch.state import State


@dataclass(frozen=True, slots=True)
class Tick:
    profile: str
    client: str
    report: ProbeReport
    state: State
    at: str
    """When the run finished, ISO 8601 UTC."""
    run_id: int | None = None
    """The run's id in the history store, when recorded."""


@dataclass(frozen=True, slots=True)
class Changed:
    profile: str
    client: str
    report: ProbeReport
    previous: State | None
    state: State
    reason: str
    at: str
    run_id: int | None = None

    def to_json(self) -> dict[str, Any]:
        """The change as `watch --json` prints it and `--on-change` reads it on stdin
        (the report is the redacted headless contract)."""
        return {"event": "changed", "at": self.at, "profile": self.profile,
                "client": self.client, "reason": self.reason,
                "previous": self.previous.to_json() if self.previous else None,
                "current": self.state.to_json(), "history_run": self.run_id,
                "report": self.report.to_json()}


WatchEvent = Tick | Changed
