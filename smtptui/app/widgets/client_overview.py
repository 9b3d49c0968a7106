"""A client's profiles at a glance: one row per profile with its last verdict.

Shown when a client (not a profile) is selected in the sidebar and one of its profiles
has run. Columns: profile, verdict, failing stage, reply code, total time, last run.
Keys 1-6 sort by a column (again: the other way); Enter opens that profile's run
(:class:`ClientOverview.Open`). All six fit the pane at 80x24: the other columns take
what they need, the profile's name the rest (then an ellipsis), and a narrow pane gets
one-column gaps and short verdicts.
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

COLUMNS = ("Profile", "Verdict", "Stage", "Reply", "Total", "Ran at")
STATE_STYLE = {"pass": "$text-success", "warn": "$text-warning", "fail": "$text-error bold"}
VERDICT = {"pass": "PASSED", "warn": "WARNINGS", "fail": "FAILED"}
SHORT_VERDICT = {"pass": "PASS", "warn": "WARN", "fail": "FAIL"}
"""In a narrow pane (below :data:`ROOMY` columns)."""
NAME_WIDTH = 32
"""The most columns a profile's name takes (longer names end in an ellipsis)."""
MIN_NAME_WIDTH = 8
"""The fewest (the table scrolls sideways rather than cut a name shorter)."""
ROOMY = 70
"""Pane width from which columns get two-space gaps and verdicts their long words."""
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

    def cells(self, *, short: bool = False) -> list[Content | str]:
        """The row's cells, the name whole (:func:`fit` cuts it to its column)."""
        words = SHORT_VERDICT if short else VERDICT
        if self.state in words:
            verdict = Content.styled(f"{glyph(self.state)} {words[self.state]}",
                                     STATE_STYLE[self.state])
        elif self.state == "error":
            verdict = Content.styled(f"{glyph('fail')} NOT RUN", STATE_STYLE["fail"])
        else:
            verdict = Content.styled(f"{glyph('notrun')} not run", "$text-muted")
        total = ms(self.total_ms) if self.total_ms is not None else ""
        return [clean(self.name), verdict, self.stage, self.reply, total,
                local_time(self.started_at, short=short)]


def fit(name: str, width: int) -> str:
    """``name`` in ``width`` columns, ending in an ellipsis when cut."""
    return name if cell_len(name) <= width else set_cell_size(name, width - 1) + "…"


def local_time(started_at: str, *, short: bool = False) -> str:
    """An ISO timestamp as the local time of day, or its date and time when not today
    (``short``: only the month and day)."""
    if not started_at:
        return ""
    try:
        when = dt.datetime.fromisoformat(started_at.replace("Z", "+00:00")).astimezone()
    except ValueError:
        return clean(started_at, 25)
    today = dt.datetime.now().astimezone().date()
    if when.date() == today:
        return when.strftime("%H:%M:%S")
    return when.strftime("%m-%d" if short else "%Y-%m-%d %H:%M")


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
        self._mounted = False
        self._layout: tuple[int, ...] = ()

    def on_mount(self) -> None:
        self._mounted = True
        self._fill(self.rows_shown)
        self.move_cursor(row=0)

    def on_resize(self) -> None:
        if self._mounted and self._widths(self.rows_shown)[1] != self._layout:
            self._fill(self.rows_shown)

    def _widths(self, rows: Sequence[Row]) -> tuple[bool, tuple[int, ...]]:
        """Whether the pane is narrow, and each column's width (the gap included) for
        ``rows`` in the pane's width."""
        room = self.scrollable_content_region.width or self.size.width
        short = room < ROOMY
        gap = 1 if short else 2
        cells = [row.cells(short=short) for row in rows]

        def need(i: int) -> int:
            return max([cell_len(COLUMNS[i])] + [
                cell_len(c) if isinstance(c, str) else c.cell_length for c in
                (row[i] for row in cells)])

        others = [need(i) + gap for i in range(1, len(COLUMNS))]
        others[-1] -= gap  # nothing after the last column
        longest = need(0)
        name = max(MIN_NAME_WIDTH, min(longest, NAME_WIDTH, room - sum(others) - gap))
        return short, (name + gap, *others)

    def show(self, client: str, rows: Sequence[Row]) -> None:
        """Show ``client``'s rows (the cursor stays on its profile; another client's
        table starts at the top: the worst verdict)."""
        other = client != self.client
        self.client = client
        self.border_title = f"{clean(client, 60)}: 1-6 sort, Enter opens a run"
        self._fill(list(rows))
        if other and self.columns:
            self.move_cursor(row=0)

    def _fill(self, rows: list[Row]) -> None:
        if not self._mounted:  # filled by on_mount
            self.rows_shown = rows
            return
        column, reverse = self._sort
        current = (self.rows_shown[self.cursor_row].key
                   if self.rows_shown and 0 <= self.cursor_row < len(self.rows_shown) else None)
        self.rows_shown = sorted(rows, key=SORT_KEYS[column], reverse=reverse)
        short, self._layout = self._widths(self.rows_shown)
        self.cell_padding = 0  # the gaps are in the widths: one column each when narrow
        self.clear(columns=True)
        for title, width in zip(COLUMNS, self._layout, strict=True):
            self.add_column(title, width=width)
        name_width = self._layout[0] - (1 if short else 2)
        for row in self.rows_shown:
            cells = row.cells(short=short)
            self.add_row(fit(str(cells[0]), name_width), *cells[1:], key=row.key)
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
