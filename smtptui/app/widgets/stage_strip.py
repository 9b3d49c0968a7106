"""The stage strip: every stage of a probe with its state and milliseconds, live.

A summary line ("✗ failed at auth after 41 ms") comes first, then one chip per stage
("✓ connect 2 ms", "⠙ ehlo", "○ auth"), wrapped to the width. States are shown by
glyph and word as well as colour.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from textual.app import RenderResult
from textual.content import Content
from textual.geometry import Size
from textual.timer import Timer
from textual.widget import Widget

from smtptui.app.status import SPINNER, State, glyph, ms, report_state, word
from smtptui.probe.coverage import LABELS
from smtptui.probe.events import ProbeReport, StageFinished

STATE_STYLES: dict[str, str] = {
    "pass": "$text-success", "warn": "$text-warning bold", "fail": "$text-error bold",
    "running": "$text-accent bold", "pending": "$text-muted", "skip": "$text-muted",
    "notrun": "$text-muted", "cancelled": "$text-warning",
}
GAP = "  "


@dataclass
class Slot:
    stage: str
    state: State = "pending"
    elapsed_ms: float | None = None


class StageStrip(Widget):
    """Shows the stages of one probe. Feed it with the methods below."""

    DEFAULT_CSS = """
    StageStrip { height: auto; }
    """

    def __init__(self, *, name: str | None = None, id: str | None = None,  # noqa: A002
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.slots: list[Slot] = []
        self.outcome: State | None = None
        self.summary = "not run yet"
        self._started = 0.0
        self._frame = 0
        self._spin: Timer | None = None

    # -- feeding ----------------------------------------------------------------------
    def reset(self, planned: Sequence[str]) -> None:
        """A new probe is about to run these stages."""
        self.slots = [Slot(stage) for stage in planned]
        self.outcome = None
        self.summary = "starting"
        self._started = time.monotonic()
        self._spinning(True)
        self._changed()

    def clear(self, summary: str = "not run yet") -> None:
        self.slots = []
        self.outcome = None
        self.summary = summary
        self._spinning(False)
        self._changed()

    def stage_started(self, stage: str) -> None:
        slot = self._next_pending(stage)
        slot.state = "running"
        self.summary = f"running {stage}"
        self._changed()

    def stage_finished(self, event: StageFinished) -> None:
        slot = next((s for s in self.slots if s.stage == event.stage and s.state == "running"),
                    None) or self._next_pending(event.stage)
        slot.state = event.status
        slot.elapsed_ms = event.elapsed_ms
        self._changed()

    def finish(self, report: ProbeReport) -> None:
        """The probe ended: show its outcome; stages planned but never started were not run."""
        for slot in self.slots:
            if slot.state in ("pending", "running"):
                slot.state = "notrun"
        state = report_state(report)
        self.outcome = state
        failed = report.failed_stage
        if failed is not None:
            self.summary = f"at {failed.stage} after {ms(report.total_ms)}"
        elif state == "warn":
            count = len(report.warnings)
            self.summary = (f"with {count} warning{'s' if count != 1 else ''} "
                            f"in {ms(report.total_ms)}")
        else:
            self.summary = f"in {ms(report.total_ms)}"
        if failed is None and report.tested_until and report.untested:
            self.summary = f"up to {LABELS.get(report.tested_until)} {self.summary}"
        self._spinning(False)
        self._changed()

    def cancelled(self, why: str = "by the user") -> None:
        for slot in self.slots:
            if slot.state == "running":
                slot.state = "cancelled"
            elif slot.state == "pending":
                slot.state = "notrun"
        self.outcome = "cancelled"
        self.summary = why
        self._spinning(False)
        self._changed()

    def failed(self, why: str) -> None:
        """The probe could not run or crashed (no report)."""
        self.cancelled(why)
        self.outcome = "fail"
        self._changed()

    def load(self, report: ProbeReport, planned: Sequence[str] = ()) -> None:
        """Show a finished report at once, laid over the stages it ``planned`` (as live)."""
        self.slots = [Slot(stage) for stage in planned]
        for stage in report.stages:
            slot = self._next_pending(stage.stage)
            slot.state, slot.elapsed_ms = stage.status, stage.elapsed_ms
        self.finish(report)

    def _next_pending(self, stage: str) -> Slot:
        """The first pending slot for ``stage``; earlier pending slots were skipped."""
        for index, slot in enumerate(self.slots):
            if slot.stage == stage and slot.state == "pending":
                for earlier in self.slots[:index]:
                    if earlier.state == "pending":
                        earlier.state = "notrun"
                return slot
        slot = Slot(stage)
        self.slots.append(slot)
        return slot

    # -- spinner ----------------------------------------------------------------------
    def _spinning(self, on: bool) -> None:
        if on and self._spin is None and self.is_mounted:
            self._spin = self.set_interval(0.1, self._tick)
        elif not on and self._spin is not None:
            self._spin.stop()
            self._spin = None

    def _tick(self) -> None:
        self._frame = (self._frame + 1) % len(SPINNER)
        self.refresh()

    def _changed(self) -> None:
        self.refresh(layout=True)

    # -- rendering --------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self.outcome is None and bool(self.slots)

    def headline(self) -> Content:
        if self.running:
            elapsed = ms((time.monotonic() - self._started) * 1000)
            return Content.assemble((SPINNER[self._frame], STATE_STYLES["running"]),
                                    f" {self.summary} · {elapsed}")
        if self.outcome is None:
            return Content.styled(f"{glyph('pending')} {self.summary}", "$text-muted")
        label = word(self.outcome).split(" ")[0].upper()
        return Content.assemble((f"{glyph(self.outcome)} {label}", STATE_STYLES[self.outcome]),
                                f" {self.summary}")

    def chips(self) -> list[Content]:
        out = []
        for slot in self.slots:
            mark = SPINNER[self._frame] if slot.state == "running" else glyph(slot.state)
            text = f"{mark} {slot.stage}"
            if slot.elapsed_ms is not None:
                text += f" {ms(slot.elapsed_ms)}"
            elif slot.state in ("notrun", "cancelled", "skip"):
                text += f" ({'not run' if slot.state == 'notrun' else slot.state})"
            out.append(Content.styled(text, STATE_STYLES[slot.state]))
        return out

    def _lines(self, width: int) -> list[Content]:
        lines = [self.headline()]
        current: list[Content] = []
        used = 0
        for chip in self.chips():
            need = chip.cell_length + (len(GAP) if current else 0)
            if current and used + need > width:
                lines.append(Content(GAP).join(current))
                current, used = [], 0
                need = chip.cell_length
            current.append(chip)
            used += need
        if current:
            lines.append(Content(GAP).join(current))
        return lines

    def render(self) -> RenderResult:
        return Content("\n").join(self._lines(max(self.content_region.width, 1)))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines(max(width, 1)))

    def on_unmount(self) -> None:
        self._spinning(False)

    def plain(self) -> str:
        """The strip as text, one line per row at its current width (for tests)."""
        return "\n".join(c.plain for c in self._lines(max(self.content_region.width, 1)))
