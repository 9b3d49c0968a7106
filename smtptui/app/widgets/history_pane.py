"""The History tab: past runs of the selected profile, newest first, with sparklines of
total and per-stage latency. Enter opens a run (read-only) in the probe view; ``=``
diffs it against the current run. The pane only shows what it is given
(:meth:`HistoryPane.show_runs`); the screen loads runs in a worker and posts them.

A sparkline has one block per run, oldest left, scaled from zero to the slowest (a
millisecond's wobble stays flat), and is drawn from :data:`TREND_FROM` runs: with fewer,
the row gives the times in words. Run times carry seconds (two runs in one minute differ).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import DataTable, Static

from smtptui.app.status import glyph, ms
from smtptui.history.changes import Change, sentence
from smtptui.history.store import Run

SPARK = "▁▂▃▄▅▆▇█"
TREND_STAGES = ("connect", "greeting", "ehlo", "starttls", "tls", "auth")
TREND_RUNS = 30
"""Runs a sparkline shows (it fits the History tab at 80x24)."""
TREND_FROM = 3
"""Runs from which a sparkline is drawn (two blocks say less than two numbers)."""


def trend(values: Sequence[float]) -> str:
    """A row of block characters, oldest left, zero to the highest value (text, so it
    works in 16 colours too)."""
    if not values:
        return ""
    high = max(values) or 1.0
    return "".join(SPARK[min(int(max(v, 0.0) / high * (len(SPARK) - 1) + 0.5), len(SPARK) - 1)]
                   for v in values)


def trend_row(label: str, values: Sequence[float]) -> Content:
    """``label``, the sparkline of ``values`` (oldest first) and the last value; below
    :data:`TREND_FROM` values, the last one and the one before in words."""
    head = (f"{label:<9}", "$text-muted")
    if len(values) >= TREND_FROM:
        return Content.assemble(head, trend(values), (f"  last {ms(values[-1])}", "$text-muted"))
    before = f", before {ms(values[-2])}" if len(values) > 1 else ""
    return Content.assemble(head, (f"last {ms(values[-1])}{before}", "$text-muted"))


def run_time(when: str, today: str, this_year: str) -> str:
    """A run's local ``YYYY-MM-DD HH:MM:SS`` as the table shows it, always to the second:
    the time alone for today's, without the year for this year's."""
    if when[:10] == today:
        return when[11:19]
    return when[5:19] if when[:4] == this_year else when[:19]


class HistoryTable(DataTable[str]):
    """The runs; Enter opens one, ``=`` diffs it (bindings on the pane)."""


class HistoryPane(Vertical):
    """Runs of one profile: title, sparkline, per-stage trend, table."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("equals_sign", "diff", "Diff", id="history-diff",
                tooltip="What changed between the selected past run and the current one"),
    ]

    class OpenRun(Message):
        """Show this past run in the probe view (read-only)."""

        def __init__(self, run: Run) -> None:
            super().__init__()
            self.run = run

    class DiffRun(Message):
        """Diff this past run against the current one."""

        def __init__(self, run: Run) -> None:
            super().__init__()
            self.run = run

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.key: str | None = None
        self.runs: list[Run] = []

    def compose(self) -> ComposeResult:
        yield Static(id="history-title", markup=False)
        yield Static(id="history-trend", markup=False)
        yield HistoryTable(id="history-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="history-hint", markup=False)

    def on_mount(self) -> None:
        table = self.table
        table.add_columns("Time", "Result", "Total", "What changed")

    @property
    def table(self) -> HistoryTable:
        return self.query_one(HistoryTable)

    def show_message(self, key: str | None, name: str, text: str) -> None:
        """No runs to show: say why (nothing recorded yet, history unavailable …)."""
        self.key, self.runs = key, []
        self._title(name, text)
        self.query_one("#history-trend", Static).update("")
        self.table.clear()

    def show_runs(self, key: str, name: str, runs: list[Run]) -> None:
        """Show ``runs`` (newest first) of the profile ``name``."""
        self.key, self.runs = key, runs
        if not runs:
            self.show_message(key, name, "no runs recorded yet: press r to run it")
            return
        passed = sum(1 for r in runs if r.ok)
        self._title(name, f"{len(runs)} run{'s' if len(runs) != 1 else ''}, {passed} passed, "
                          f"since {runs[-1].date}")
        oldest_first = list(reversed(runs[:TREND_RUNS]))
        lines = [trend_row("total", [r.total_ms for r in oldest_first])]
        for stage in TREND_STAGES:
            values = [r.stage_ms[stage] for r in oldest_first if stage in r.stage_ms]
            if len(values) >= 2:
                lines.append(trend_row(stage, values))
        self.query_one("#history-trend", Static).update(Content("\n").join(lines))
        table = self.table
        row = table.cursor_row
        table.clear()
        today, this_year = time.strftime("%Y-%m-%d"), time.strftime("%Y")
        for run in runs:
            changes = sentence([Change.from_json(c) for c in run.changes], limit=2)
            result = f"{glyph(run.verdict)} {run.failed_stage or run.verdict}"
            table.add_row(run_time(run.when, today, this_year), result, ms(run.total_ms),
                          changes or "–", key=str(run.id))
        table.move_cursor(row=min(max(row, 0), len(runs) - 1))

    def _title(self, name: str, detail: str) -> None:
        self.query_one("#history-title", Static).update(Content.assemble(
            (" History ", "bold reverse"), "  ", (name, "bold"), (f"  {detail}", "$text-muted")))
        self.query_one("#history-hint", Static).update(Content.styled(
            "Enter opens a run · = changes since it · H back", "$text-muted"))

    @property
    def selected(self) -> Run | None:
        table = self.table
        if not self.runs or table.row_count == 0:
            return None
        return self.runs[min(table.cursor_row, len(self.runs) - 1)]

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        run = self.selected
        if run is not None:
            self.post_message(self.OpenRun(run))

    def action_diff(self) -> None:
        run = self.selected
        if run is None:
            self.notify("No past run to compare yet.", severity="warning")
            return
        self.post_message(self.DiffRun(run))

    def focus_table(self) -> None:
        self.table.focus()
