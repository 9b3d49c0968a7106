"""One probe, shown live: title, stage strip, transcript and (optionally) diagnostics.

``start(key, config)`` runs the engine in ``@work(exclusive=True, group="probe")`` and
posts one :class:`ProbeView.Event` per engine event; ``cancel()`` cancels that worker
group. When the probe ends the view posts :class:`ProbeView.Finished` (or
:class:`ProbeView.Stopped` when it was cancelled or crashed) to its parents.
Several views can run at once (each has its own worker group), e.g. side by side.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Sequence

from textual import work
from textual.app import ComposeResult
from textual.containers import Container, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from smtptui.app import render
from smtptui.app.widgets.diagnostics import DiagnosticsPanel
from smtptui.app.widgets.stage_strip import StageStrip
from smtptui.app.widgets.transcript import TranscriptView
from smtptui.hostport import host_port
from smtptui.probe.config import ProbeConfig
from smtptui.probe.events import (
    ProbeEvent,
    ProbeFinished,
    ProbeReport,
    StageFinished,
    StageStarted,
    WireLine,
)
from smtptui.probe.sanitize import clean

YIELD_EVERY = 32
"""Events posted before the worker lets other tasks run."""

ProbeSource = Callable[[ProbeConfig], AsyncIterator[ProbeEvent]]
"""What produces the events of one probe: :func:`smtptui.probe.engine.run_probe`."""


def default_source(config: ProbeConfig) -> AsyncIterator[ProbeEvent]:
    """The engine in a process of its own, so the timings shown are not the screen's."""
    from smtptui.isolation import probe_in_process

    return probe_in_process(config)


class ProbeView(Vertical):
    """Runs and shows one probe at a time."""

    class Event(Message):
        """One engine event for the run numbered ``run`` (stale runs are ignored)."""

        def __init__(self, run: int, event: ProbeEvent) -> None:
            super().__init__()
            self.run = run
            self.event = event

    class Finished(Message):
        """The probe for ``key`` ended with ``report``."""

        def __init__(self, view: ProbeView, key: str, report: ProbeReport) -> None:
            super().__init__()
            self.view = view
            self.key = key
            self.report = report

    class Stopped(Message):
        """The probe for ``key`` ended without a report: cancelled, or an internal error."""

        def __init__(self, view: ProbeView, key: str, reason: str) -> None:
            super().__init__()
            self.view = view
            self.key = key
            self.reason = reason

    def __init__(self, *, source: ProbeSource | None = None, diagnostics: bool = True,
                 id: str | None = None, classes: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, classes=classes)
        self._source = source or default_source
        self._diagnostics = diagnostics
        self._run = 0
        self._worker: Worker[None] | None = None
        self._started = 0.0
        self._warnings: list[str] = []
        self._title = ("", "")
        self.key: str | None = None
        """Which item the view shows (a profile key), or None."""
        self.report: ProbeReport | None = None
        """The last finished report shown, if any."""
        self.running = False

    def compose(self) -> ComposeResult:
        yield Static(id="probe-title", markup=False)
        yield StageStrip(id="probe-strip")
        with Container(classes="probe-panes"):
            yield TranscriptView(id="probe-transcript")
            if self._diagnostics:
                yield DiagnosticsPanel(id="probe-diagnostics")

    def on_mount(self) -> None:
        self.transcript.border_title = "Transcript"
        if self._diagnostics:
            self.query_one(DiagnosticsPanel).border_title = "Diagnosis"

    # -- parts ------------------------------------------------------------------------
    @property
    def strip(self) -> StageStrip:
        return self.query_one(StageStrip)

    @property
    def transcript(self) -> TranscriptView:
        return self.query_one(TranscriptView)

    def _show(self, card: render.Card) -> None:
        if self._diagnostics:
            self.query_one(DiagnosticsPanel).show(card)

    def show_section(self, card: render.Card | None, *, scroll: bool = False) -> None:
        """Show ``card`` (the DNS checks) below the diagnosis until replaced; None: nothing."""
        if self._diagnostics:
            self.query_one(DiagnosticsPanel).show_section(card or [], scroll=scroll)

    def set_title(self, name: str, detail: str = "") -> None:
        self._title = (name, detail)
        label = Content.assemble((name, "bold"), (f"  {detail}" if detail else "", "$text-muted"))
        self.query_one("#probe-title", Static).update(label)

    # -- commands ---------------------------------------------------------------------
    def start(self, key: str, config: ProbeConfig, *, name: str, detail: str = "") -> None:
        """Run a probe now (cancelling one already running in this view)."""
        from smtptui.probe.engine import planned_stages

        self._run += 1
        self.key, self.report, self.running = key, None, True
        self._warnings = []
        self._started = time.monotonic()
        self.set_title(name, detail)
        self.strip.reset(planned_stages(config))
        self.transcript.clear()
        where = f"{host_port(config.host, config.port)} {config.tls}"
        self._show(render.running_card(name, where, []))
        self._worker = self._probe(self._run, config)

    def cancel(self) -> bool:
        """Cancel the running probe; True if there was one."""
        if not self.running:
            return False
        self.workers.cancel_group(self, "probe")
        return True

    def show_report(self, key: str, report: ProbeReport, *, name: str, detail: str = "",
                    planned: Sequence[str] = ()) -> None:
        """Show a finished report (no probe runs), over the stages it ``planned``."""
        self._abandon()
        self.key, self.report = key, report
        self.set_title(name, detail)
        self.strip.load(report, planned)
        self.transcript.load(report.transcript)
        self._show(render.report_card(report))

    def annotate(self, rows: render.Card) -> None:
        """Show the finished report's card again with ``rows`` under its headline (what
        changed since earlier runs, a past run's label)."""
        if self.report is not None and not self.running:
            card = render.report_card(self.report)
            self._show(card[:1] + list(rows) + card[1:])

    def show_content(self, key: str | None, card: render.Card, *, name: str, detail: str = "",
                     summary: str = "not run yet") -> None:
        """Show a card (a profile that has not run, a welcome text) with an empty strip."""
        self._abandon()
        self.key, self.report = key, None
        self.set_title(name, detail)
        self.strip.clear(summary)
        self.transcript.clear()
        self._show(card)

    def show_problem(self, key: str | None, heading: str, text: str, *, name: str,
                     detail: str = "") -> None:
        """The probe could not start (e.g. a secret is missing)."""
        self.show_content(key, render.message_card(heading, text), name=name, detail=detail)
        self.strip.failed(f"before connecting: {heading.lower()}")

    def _abandon(self) -> None:
        if self.running:
            self.workers.cancel_group(self, "probe")
        self._run += 1
        self._worker = None
        self.running = False

    # -- the worker -------------------------------------------------------------------
    @work(exclusive=True, group="probe", exit_on_error=False)
    async def _probe(self, run: int, config: ProbeConfig) -> None:
        posted = 0
        async for event in self._source(config):
            self.post_message(self.Event(run, event))
            posted += 1
            if posted % YIELD_EVERY == 0:
                # A fast server can deliver thousands of lines in one read: let the view
                # (and key presses) run between bursts instead of queueing them all.
                await asyncio.sleep(0)

    def on_probe_view_event(self, message: Event) -> None:
        message.stop()
        if message.run != self._run:
            return
        event = message.event
        if isinstance(event, WireLine):
            self.transcript.add(event)
        elif isinstance(event, StageStarted):
            self.strip.stage_started(event.stage)
        elif isinstance(event, StageFinished):
            self.strip.stage_finished(event)
            if event.warnings:
                self._warnings += event.warnings
                self._show(render.running_card(*self._title, self._warnings))
        elif isinstance(event, ProbeFinished):
            self._finished(event.report)

    def _finished(self, report: ProbeReport) -> None:
        self.running = False
        self.report = report
        self.transcript.flush()
        self.strip.finish(report)
        self._show(render.report_card(report))
        self.post_message(self.Finished(self, self.key or "", report))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker is not self._worker or not self.running:
            return
        if event.state == WorkerState.CANCELLED:
            self.running = False
            elapsed = (time.monotonic() - self._started) * 1000
            self.transcript.add(WireLine("*", "probe cancelled by the user", elapsed))
            self.transcript.flush()
            self.strip.cancelled()
            self._show(render.message_card(
                "Cancelled", "The probe was cancelled; its connection was closed. "
                "Press r to run it again.", severity="warning"))
            self.post_message(self.Stopped(self, self.key or "", "cancelled"))
        elif event.state == WorkerState.ERROR:
            self.running = False
            error = event.worker.error
            detail = clean(f"{type(error).__name__}: {error}")
            self.strip.failed("internal error")
            self._show(render.message_card(
                "The probe stopped with an internal error",
                f"{detail}\n\nThis is a bug in smtptui; the app keeps running."))
            self.post_message(self.Stopped(self, self.key or "", detail))
        elif event.state == WorkerState.SUCCESS and self.running:
            self.running = False  # the source ended without a report
            self.strip.failed("the probe ended without a report")
            self.post_message(self.Stopped(self, self.key or "", "no report"))
