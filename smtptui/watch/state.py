"""A run's state as a watcher sees it, and when two states make a change worth telling.

A change is pass -> fail, fail -> pass (or warn), a different failing stage or layer,
or a *new* warning (warnings only -- informational notes never count). Numbers inside
warnings are ignored, so "expires in 13 days" becoming "12 days" is not a change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from smtptui.probe.events import ProbeReport

Status = Literal["pass", "warn", "fail"]
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


@dataclass(frozen=True, slots=True)
class State:
    status: Status
    stage: str | None = None
    """The failing stage, when failing."""
    layer: str | None = None
    kind: str | None = None
    summary: str = ""
    warnings: frozenset[str] = frozenset()
    """Warning texts with their numbers blanked out (what makes a warning "new")."""

    @classmethod
    def of(cls, report: ProbeReport) -> State:
        warnings = frozenset(_NUMBER.sub("#", w) for w in report.warnings)
        bad = report.failed_stage
        if bad is not None:
            diag = bad.diagnosis
            return cls("fail", bad.stage, diag.layer if diag else None,
                       (diag.kind or None) if diag else None,
                       diag.summary if diag else f"{bad.stage} failed", warnings)
        if warnings:
            return cls("warn", summary=report.warnings[0], warnings=warnings)
        return cls("pass")

    def to_json(self) -> dict[str, Any]:
        return {"status": self.status, "stage": self.stage, "layer": self.layer,
                "kind": self.kind, "summary": self.summary}


def change(previous: State | None, current: State) -> str | None:
    """Why ``current`` is a change from ``previous`` (None: it is not)."""
    if previous is None:
        return f"first run: {current.status}"
    if previous.status != current.status:
        return f"{previous.status} -> {current.status}"
    if current.status == "fail" and (previous.stage, previous.layer, previous.kind) != (
            current.stage, current.layer, current.kind):
        return f"now failing at {current.stage} (was {previous.stage})"
    if current.warnings - previous.warnings:
        return "new warning"
    return None
