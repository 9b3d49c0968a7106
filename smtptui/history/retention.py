"""How long runs are kept: the last N of each profile and everything newer than D days;
failures and runs where something other than latency changed are kept longer (they are
what people look back for; latency alone changes too often to count). The newest passing
run of a profile is always kept ("since the last passing run" needs it). Defaults can be
changed with environment variables or on the command line (``smtptui history prune
--keep-runs N --keep-days D``)."""

from __future__ import annotations

import os

from smtptui.records import record

KEEP_RUNS = 100
KEEP_DAYS = 7.0
KEEP_NOTABLE_DAYS = 90.0
ENV_RUNS = "SMTPTUI_HISTORY_KEEP_RUNS"
ENV_DAYS = "SMTPTUI_HISTORY_KEEP_DAYS"


@record(slots=True)
class Retention:
    keep_runs: int = KEEP_RUNS
    """The newest runs of each profile always kept (0: none by count)."""
    keep_days: float = KEEP_DAYS
    """Every run newer than this is kept."""
    keep_notable_days: float = KEEP_NOTABLE_DAYS
    """Failures and runs that changed something are kept this long."""

    @classmethod
    def from_env(cls) -> Retention:
        """The defaults, with ``$SMTPTUI_HISTORY_KEEP_RUNS`` / ``_DAYS`` applied (values
        that are not numbers are ignored: recording never fails over a setting)."""
        runs, days = KEEP_RUNS, KEEP_DAYS
        try:
            runs = max(int(os.environ.get(ENV_RUNS, runs)), 0)
        except ValueError:
            pass
        try:
            days = max(float(os.environ.get(ENV_DAYS, days)), 0.0)
        except ValueError:
            pass
        return cls(runs, days, max(KEEP_NOTABLE_DAYS, days))
