"""A client's profiles at a glance: one row per profile with its last verdict.

Shown when a client (not a profile) is selected in the sidebar and one of its profiles
has run. Columns: profile, verdict, failing stage, reply code, total time, last run.
Keys 1-6 sort by a column (again: the other way); Enter opens that profile's run
(:class:`ClientOverview.Open`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.cells import cell_len, set_cell_size
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.widgets import DataTable

from smtptui.app.entries import Entry
from smtptui.app.status import glyph, ms, report_state
from smtptui.probe.events import ProbeReport
from smtptui.probe.sanitize import clean

COLUMNS = ("Profile", "Verdict", "Failed at", "Reply", "Total", "Ran at")
STATE_STYLE = {"pass": "$text-success", "warn": "$text-warning", "fail": "$text-error bold"}
VERDICT = {"pass": "PASSED", "warn": "WARNINGS", "fail": "FAILED"}
VERDICT_WIDTH = 2 + max(len(v) for v in VERDICT.values())
NAME_WIDTH = 24
"""Columns a profile's name may take (longer names end in an ellipsis)."""
RANK = {"fail": 0, "warn": 1, "pass": 2, "error": 0, "": 3}
"""Verdicts sorted worst first."""


@dataclass(frozen=True)
class Row:
    key: str
    name: str
    state: str
    """pass, warn, fail, error (could not start) or "" (not run this session)."""
    stage: str = ""
    reply: str = ""
    total_ms: float | None = None
    started_at: str = ""

    def cells(self) -> list[Content | str]:
        if self.state in VERDICT:
            verdict = Content.styled(f"{glyph(self.state)} {VERDICT[self.state]}",
                                     STATE_STYLE[self.state])
        elif self.state == "error":
            verdict = Content.styled(f"{glyph('fail')} NOT RUN", STATE_STYLE["fail"])
        else:
            verdict = Content.styled(f"{glyph('notrun')} not run", "$text-muted")
        total = ms(self.total_ms) if self.total_ms is not None else ""
        name = clean(self.name)
        if cell_len(name) > NAME_WIDTH:
            name = set_cell_size(name, NAME_WIDTH - 1) + "…"
        return [name, verdict, self.stage, self.reply, total,
                local_time(self.started_at)]


def local_time(started_at: str) -> str:
    """An ISO timestamp as the local time of day (and the date when not today)."""
    if not started_at:
        return ""
    try:
        when = dt.datetime.fromisoformat(started_at.replace("Z", "+00:00")).astimezone()
    except ValueError:
        return clean(started_at, 25)
    today = dt.datetime.now().astimezone().date()
    return when.strftime("%H:%M:%S" if when.date() == today else "%Y-%m-%d %H:%M")


def row_for(entry: Entry, report: ProbeReport | None, error: str | None) -> Row:
    if report is None:
        return Row(entry.key, entry.name, "error" if error else "")
    failed = report.failed_stage
    reply = ""
    rejected = [r for r in failed.replies if r.code >= 400] if failed is not None else []
    if rejected:  # the server's no (a TLS failure after "220 ready" has none)
        last = rejected[-1]
        reply = f"{last.code} {last.enhanced}" if last.enhanced else str(last.code)
    return Row(entry.key, entry.name, report_state(report),
               failed.stage if failed is not None else "", reply, report.total_ms,
               report.started_at)


SORT_KEYS: tuple[Callable[[Row], Any], ...] = (
    lambda r: r.name.casefold(),
    lambda r: (RANK.get(r.state, 3), r.name.casefold()),
    lambda r: (r.stage or "~", r.name.casefold()),
    lambda r: (r.reply or "~", r.name.casefold()),
    lambda r: (r.total_ms is None, r.total_ms or 0.0),
    lambda r: r.started_at or "~",
)


class ClientOverview(DataTable[Content | str]):
    """The rows of one client; sortable by keys 1-6; Enter opens the row's profile."""

    ALLOW_MAXIMIZE = True
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(str(i + 1), f"sort({i})", f"Sort by {name.lower()}", show=False)
        for i, name in enumerate(COLUMNS)
    ]

    class Open(Message):
        """Open the run of profile ``key``."""

        def __init__(self, key: str) -> None:
            super().__init__()
            self.key = key

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, cursor_type="row", zebra_stripes=False)
        self.rows_shown: list[Row] = []
        self.client = ""
        self._sort = (1, False)
        """Column and reverse: worst verdict first until the user picks another order."""

    def on_mount(self) -> None:
        for name in COLUMNS:  # the verdict (styled) is measured by its longest word
            self.add_column(name, width=VERDICT_WIDTH if name == "Verdict" else None)
        self._fill(self.rows_shown)
        self.move_cursor(row=0)

    def show(self, client: str, rows: Sequence[Row]) -> None:
        """Show ``client``'s rows (the cursor stays on its profile; another client's
        table starts at the top: the worst verdict)."""
        other = client != self.client
        self.client = client
        self.border_title = f"{clean(client, 60)}: last results (1-6 sort, Enter opens)"
        self._fill(list(rows))
        if other and self.columns:
            self.move_cursor(row=0)

    def _fill(self, rows: list[Row]) -> None:
        if not self.columns:  # before it is mounted: filled by on_mount
            self.rows_shown = rows
            return
        column, reverse = self._sort
        current = (self.rows_shown[self.cursor_row].key
                   if self.rows_shown and 0 <= self.cursor_row < len(self.rows_shown) else None)
        self.rows_shown = sorted(rows, key=SORT_KEYS[column], reverse=reverse)
        self.clear()
        for row in self.rows_shown:
            self.add_row(*row.cells(), key=row.key)
        keys = [r.key for r in self.rows_shown]
        if current in keys:
            self.move_cursor(row=keys.index(current))

    def action_sort(self, column: int) -> None:
        col, reverse = self._sort
        self._sort = (column, not reverse if col == column else False)
        self._fill(self.rows_shown)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.post_message(self.Open(event.row_key.value))
