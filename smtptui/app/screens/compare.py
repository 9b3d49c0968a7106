"""The compare screen: two probes running at once, then the table of their differences.

``CompareScreen(("Old", config_a), ("New", config_b), runs=3)`` runs both sides
concurrently through :func:`smtptui.compare.run_comparison` (runs of one side one after
another), each side with its own live stage strip and transcript, then shows the
comparison table (``≠`` marks a difference, never colour alone), the latency statistics
and cold vs warm. ``w`` saves JSON + text, ``r`` runs again with the runs field's value,
``t`` hides / shows the transcripts, Esc/q goes back. On terminals narrower than 100
columns the two sides stack. Once the runs finish the transcripts shrink to a few lines
so the table shows (the body has the focus: PageDown / End scroll it).
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult, RenderResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Label, Static
from textual.worker import Worker, WorkerState

from smtptui.app.widgets.stage_strip import StageStrip
from smtptui.app.widgets.text_input import Input
from smtptui.app.widgets.transcript import TranscriptView
from smtptui.compare.model import Comparison
from smtptui.compare.runner import MAX_RUNS, ProbeSource
from smtptui.compare.text import (
    DIFF,
    SECTIONS,
    aspect_width,
    cold_warm_lines,
    stats_lines,
    value_width,
    wrap_row,
)
from smtptui.probe.config import ProbeConfig
from smtptui.probe.events import ProbeEvent, ProbeFinished, StageFinished, StageStarted, WireLine
from smtptui.probe.sanitize import clean
from smtptui.reports.files import SavePrompt, pair_paths

SIDES = ("a", "b")


class ComparisonTable(Widget):
    """The comparison table, laid out for the widget's width; server text stays plain."""

    DEFAULT_CSS = "ComparisonTable { height: auto; }"
    comparison: Comparison | None = None

    def show(self, comparison: Comparison | None) -> None:
        self.comparison = comparison
        self.refresh(layout=True)

    def _lines(self, width: int) -> list[Content]:
        c = self.comparison
        if c is None:
            return [Content.styled("The table appears when both sides have finished.",
                                   "$text-muted")]
        aw = aspect_width(c)
        vw = value_width(c, limit=max(10, (width - aw - 16) // 2))
        names = [clean(f"{side}: {label}") for side, label in (("A", c.a.label),
                                                                ("B", c.b.label))]
        lines: list[Content] = []
        if any(len(name) > vw for name in names):  # narrow: full names above, letters
            lines = [Content.assemble(("    ", ""), (name, "bold")) for name in names]
            names = ["A", "B"]
        head = f"    {'aspect':<{aw}}  {names[0]:<{vw}}  {names[1]:<{vw}}  faster"
        lines.append(Content.styled(head, "bold"))
        section = ""
        for row in c.rows:
            if row.section != section:
                section = row.section
                lines.append(Content.styled(f"  {SECTIONS.get(section, section)}",
                                            "bold $text-accent"))
            for i, (aspect, a, b, win) in enumerate(wrap_row(row, vw)):
                mark = f"  {DIFF} " if row.differs and i == 0 else "    "
                style = "bold" if row.differs else ""
                lines.append(Content.assemble(
                    (mark, "bold $text-warning"),
                    (f"{aspect:<{aw}}  ", "$text-muted" if not row.differs else "bold"),
                    (f"{a:<{vw}}  ", style), (f"{b:<{vw}}  ", style),
                    (win, "bold $text-success"),
                ))
        return lines

    def render(self) -> RenderResult:
        return Content("\n").join(self._lines(max(self.content_region.width, 1)))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines(max(width, 1)))

    def plain(self) -> str:
        """The table as text at the current width (for tests)."""
        return "\n".join(c.plain for c in self._lines(max(self.content_region.width, 1)))


class SidePane(Vertical):
    """One side: its title, a live stage strip and the transcript of its runs."""

    def __init__(self, side: str, name: str, config: ProbeConfig) -> None:
        super().__init__(id=f"side-{side}", classes="compare-side")
        self.side, self.label, self.config = side, name, config

    def compose(self) -> ComposeResult:
        yield Static(id=f"title-{self.side}", classes="side-title", markup=False)
        yield StageStrip(id=f"strip-{self.side}")
        yield TranscriptView(id=f"transcript-{self.side}")

    def on_mount(self) -> None:
        self.set_title("")

    @property
    def strip(self) -> StageStrip:
        return self.query_one(StageStrip)

    @property
    def transcript(self) -> TranscriptView:
        return self.query_one(TranscriptView)

    def set_title(self, detail: str) -> None:
        c = self.config
        self.query_one(".side-title", Static).update(Content.assemble(
            (f"{self.side.upper()}: ", "bold $text-accent"), (clean(self.label), "bold"),
            (f"  {clean(c.host)}:{c.port} {c.tls}", "$text-muted"),
            (f"  {detail}" if detail else "", "$text-muted")))


class CompareScreen(Screen[None]):
    """Compare two relays; push it with two ``(name, ProbeConfig)`` pairs."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="compare-back",
                tooltip="Stop any running probe and go back"),
        Binding("q", "back", "Back", show=False),
        Binding("r", "rerun", "Run again", id="compare-rerun",
                tooltip="Run the comparison again with the runs field's value"),
        Binding("n", "focus_runs", "Runs", id="compare-runs",
                tooltip="Set how many times each side is probed"),
        Binding("w", "save", "Save", id="compare-save",
                tooltip="Save the comparison as JSON and plain text"),
        Binding("t", "toggle_transcripts", "Transcripts", id="compare-transcripts",
                tooltip="Hide or show the transcripts (more room for the table)"),
    ]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    DEFAULT_CSS = """
    CompareScreen { layout: vertical; }
    CompareScreen #compare-head { height: auto; padding: 0 1; background: $panel; }
    CompareScreen #compare-controls { height: auto; padding: 0 1; }
    CompareScreen #compare-controls Label { padding: 0 1 0 0; }
    CompareScreen #runs { width: 7; height: 1; border: none; padding: 0 1; background: $boost; }
    CompareScreen #runs:focus { background: $primary 30%; }
    CompareScreen #compare-status { width: 1fr; padding: 0 0 0 2; }
    CompareScreen #compare-body { height: 1fr; }
    CompareScreen #compare-sides { layout: horizontal; height: 16; }
    CompareScreen .compare-side { width: 1fr; height: 100%; padding: 0 1; }
    CompareScreen #side-b { border-left: vkey $foreground 40%; }
    CompareScreen .side-title { height: 1; }
    CompareScreen .compare-side TranscriptView {
        height: 1fr; border-top: solid $foreground 40%;
    }
    CompareScreen .compare-side TranscriptView:focus { border-top: solid $border; }
    CompareScreen.-narrow #compare-sides { layout: vertical; height: auto; }
    CompareScreen.-narrow .compare-side { width: 100%; height: 10; }
    CompareScreen.-narrow #side-b { border-left: none; border-top: solid $foreground 40%; }
    CompareScreen.-done #compare-sides { height: 9; }
    CompareScreen.-done.-narrow #compare-sides { height: auto; }
    CompareScreen.-done.-narrow .compare-side { height: 5; }
    CompareScreen.-no-transcripts .compare-side TranscriptView { display: none; }
    CompareScreen.-no-transcripts #compare-sides { height: auto; }
    CompareScreen.-no-transcripts .compare-side { height: auto; }
    CompareScreen #compare-results { height: auto; padding: 1 1; }
    CompareScreen #compare-stats, CompareScreen #compare-coldwarm { margin-top: 1; }
    """

    class Event(Message):
        """One engine event of side ``side`` (``"a"``/``"b"``), run ``run`` (from 0)."""

        def __init__(self, attempt: int, side: str, run: int, event: ProbeEvent) -> None:
            super().__init__()
            self.attempt, self.side, self.run, self.event = attempt, side, run, event

    class Finished(Message):
        """The comparison is complete (it bubbles up to the app, for whoever cares)."""

        def __init__(self, attempt: int, comparison: Comparison) -> None:
            super().__init__()
            self.attempt, self.comparison = attempt, comparison

    def __init__(self, a: tuple[str, ProbeConfig], b: tuple[str, ProbeConfig],
                 runs: int = 1, *, source: ProbeSource | None = None,
                 autostart: bool = True, save_dir: Path | None = None) -> None:
        super().__init__()
        self.sides: dict[str, tuple[str, ProbeConfig]] = {"a": a, "b": b}
        self.runs = max(1, min(MAX_RUNS, runs))
        self._source = source
        """Where probes come from; None: a process of their own (clean timings)."""
        self._autostart = autostart
        self._save_dir = save_dir
        self._attempt = 0
        self._run_of = {side: -1 for side in SIDES}
        self._runs_now = self.runs
        self._worker: Worker[None] | None = None
        self.comparison: Comparison | None = None
        """The last finished comparison, or None while running / before the first."""
        self.running = False
        self.status_text = ""
        """What the status line says (for tests)."""

    # -- layout -----------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static(id="compare-head", markup=False)
        with Horizontal(id="compare-controls"):
            yield Label("Runs per side")
            yield Input(str(self.runs), type="integer", max_length=3, id="runs",
                        tooltip=f"1-{MAX_RUNS}; Enter runs the comparison again")
            yield Static(id="compare-status", markup=False)
        with VerticalScroll(id="compare-body"):
            with Container(id="compare-sides"):
                for side in SIDES:
                    name, config = self.sides[side]
                    yield SidePane(side, name, config)
            with Vertical(id="compare-results"):
                yield ComparisonTable(id="compare-table")
                yield Static(id="compare-stats", markup=False)
                yield Static(id="compare-coldwarm", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        (na, ca), (nb, cb) = self.sides["a"], self.sides["b"]
        self.query_one("#compare-head", Static).update(Content.assemble(
            ("Compare  ", "bold"), ("A ", "bold $text-accent"), (clean(na) or ca.host, "bold"),
            ("  vs  ", "$text-muted"), ("B ", "bold $text-accent"),
            (clean(nb) or cb.host, "bold")))
        self.query_one("#compare-body").focus()
        if self._autostart:
            self.start(self.runs)
        else:
            self._status("Press r to run the comparison.")

    def pane(self, side: str) -> SidePane:
        return self.query_one(f"#side-{side}", SidePane)

    @property
    def table(self) -> ComparisonTable:
        return self.query_one(ComparisonTable)

    def _status(self, text: str, style: str = "") -> None:
        self.status_text = text
        self.query_one("#compare-status", Static).update(Content.styled(text, style))

    # -- running ----------------------------------------------------------------------
    def start(self, runs: int) -> None:
        """(Re)run the comparison with ``runs`` probes per side."""
        self._attempt += 1
        self._run_of = {side: -1 for side in SIDES}
        self.runs = self._runs_now = runs
        self.comparison, self.running = None, True
        self.remove_class("-done")
        self.show_comparison(None)
        for side in SIDES:
            pane = self.pane(side)
            pane.strip.clear("starting")
            pane.transcript.clear()
            pane.set_title("")
        self._status(f"Probing both sides at once: running run 1/{runs}…")
        self._worker = self._compare(self._attempt, runs)

    @work(exclusive=True, group="compare", exit_on_error=False)
    async def _compare(self, attempt: int, runs: int) -> None:
        from smtptui.compare.runner import run_comparison

        def on_event(side: str, run: int, event: ProbeEvent) -> None:
            self.post_message(self.Event(attempt, side, run, event))

        if self._source is None:  # the screen must not share the CPU with the timings
            from smtptui.compare.isolated import compare_in_process

            comparison = await compare_in_process(self.sides["a"], self.sides["b"], runs,
                                                  on_event)
        else:
            comparison = await run_comparison(self.sides["a"], self.sides["b"], runs,
                                              on_event=on_event, source=self._source)
        self.post_message(self.Finished(attempt, comparison))

    def on_compare_screen_event(self, message: Event) -> None:
        message.stop()
        if message.attempt != self._attempt:
            return
        pane, event = self.pane(message.side), message.event
        if self._run_of[message.side] != message.run:
            self._run_of[message.side] = message.run
            self._new_run(pane, message.run)
        if isinstance(event, StageStarted):
            pane.strip.stage_started(event.stage)
        elif isinstance(event, WireLine):
            pane.transcript.add(event)
        elif isinstance(event, StageFinished):
            pane.strip.stage_finished(event)
        elif isinstance(event, ProbeFinished):
            pane.strip.finish(event.report)
            pane.transcript.flush()

    def _new_run(self, pane: SidePane, run: int) -> None:
        from smtptui.probe.engine import planned_stages

        pane.strip.reset(planned_stages(pane.config))
        current = max(self._run_of.values()) + 1
        self._status(f"Probing both sides at once: running run {current}/{self._runs_now}…")
        if self._runs_now > 1:
            pane.set_title(f"run {run + 1}/{self._runs_now}")
            pane.transcript.add(WireLine("*", f"── run {run + 1} of {self._runs_now} ──", 0.0))

    def on_compare_screen_finished(self, message: Finished) -> None:
        if message.attempt != self._attempt or not self.running:
            return
        self.running = False
        self.show_comparison(message.comparison)
        self.add_class("-done")  # the transcripts shrink: the table gets the room

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker is not self._worker or not self.running:
            return
        if event.state == WorkerState.ERROR:
            self.running = False
            error = event.worker.error
            for side in SIDES:
                self.pane(side).strip.failed("internal error")
            self._status(clean(f"The comparison stopped: {type(error).__name__}: {error}"),
                         "$text-error")
        elif event.state == WorkerState.CANCELLED:
            self.running = False
            for side in SIDES:
                self.pane(side).strip.cancelled()
            self._status("Cancelled.", "$text-warning")

    # -- results ----------------------------------------------------------------------
    def show_comparison(self, comparison: Comparison | None) -> None:
        """Show a finished comparison (or clear the results with None)."""
        self.comparison = comparison
        self.table.show(comparison)
        stats = self.query_one("#compare-stats", Static)
        coldwarm = self.query_one("#compare-coldwarm", Static)
        if comparison is None:
            stats.update("")
            coldwarm.update("")
            return
        for side in SIDES:
            pane = self.pane(side)
            if not pane.strip.slots or pane.strip.running:
                from smtptui.probe.engine import planned_stages

                pane.strip.load(comparison.side(side).last, planned_stages(pane.config))
        stats.update(Content("\n").join(Content(clean(x)) for x in stats_lines(comparison)))
        coldwarm.update(Content("\n").join(Content(clean(x))
                                           for x in cold_warm_lines(comparison)))
        diffs = len(comparison.differences)
        verdict = "both passed" if comparison.ok else (
            "A failed" if comparison.b.ok else "B failed" if comparison.a.ok else "both failed")
        self._status(f"Done: {verdict}; {DIFF} {diffs} difference{'s' if diffs != 1 else ''}.",
                     "$text-success" if comparison.ok else "$text-error")

    # -- actions ----------------------------------------------------------------------
    def _runs_field(self) -> int | None:
        value = self.query_one("#runs", Input).value.strip()
        if not value.isdigit() or not 1 <= int(value) <= MAX_RUNS:
            self.notify(f"Runs must be a whole number from 1 to {MAX_RUNS}.",
                        title="Compare", severity="error")
            return None
        return int(value)

    def action_rerun(self) -> None:
        runs = self._runs_field()
        if runs is not None:
            self.start(runs)

    @on(Input.Submitted, "#runs")
    def _runs_submitted(self) -> None:
        runs = self._runs_field()
        if runs is not None:  # a bad value keeps the focus in the field
            self.start(runs)
            self.query_one("#compare-body").focus()

    def action_toggle_transcripts(self) -> None:
        """Wide: hide or show the transcripts. Narrow (where they get a few lines at
        most): show A's transcript on the whole screen, then B's, then back (Esc too)."""
        if not self.has_class("-narrow"):
            self.toggle_class("-no-transcripts")
            return
        a, b = self.pane("a"), self.pane("b")
        shown = self.maximized
        if shown is b.transcript:
            self.minimize()
            return
        pane, after = (b, "back") if shown is a.transcript else (a, "B")
        pane.transcript.border_title = (f"{pane.side.upper()}: {clean(pane.label, 50)}  "
                                        f"(t: {after}, Esc: back)")
        self.maximize(pane.transcript, container=False)
        pane.transcript.focus()

    def action_focus_runs(self) -> None:
        self.query_one("#runs", Input).focus()

    def action_back(self) -> None:
        self.workers.cancel_group(self, "compare")
        self.running = False
        self.dismiss(None)

    def action_save(self) -> None:
        from smtptui.app.screens.prompt import TextPrompt
        from smtptui.compare.save import default_base, save_comparison

        comparison = self.comparison
        if comparison is None:
            self.notify("Nothing to save yet: wait for the comparison to finish.",
                        title="Compare", severity="warning")
            return
        base = default_base(comparison, self._save_dir or Path.cwd())

        def done(answer: str | None) -> None:
            if answer:
                json_path, _ = pair_paths(Path(answer.strip()).expanduser())
                self.notify(f"Saved {json_path} and .txt", title="Compare", timeout=5)

        self.app.push_screen(TextPrompt(
            "Save the comparison", "JSON (as `smtptui compare --json`) and plain text, "
            "side by side:", value=str(base), ok="Save",
            on_submit=SavePrompt(lambda path: save_comparison(comparison, path)), path=True),
            done)
