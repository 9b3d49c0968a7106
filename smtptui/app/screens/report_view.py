"""A saved report opened read-only (`smtptui open REPORT.json`): the probe view's strip,
transcript and diagnosis for a run that happened elsewhere, clearly labelled."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import Screen

from smtptui.app import render
from smtptui.app.widgets.footer import FittingFooter
from smtptui.app.widgets.probe_view import ProbeView
from smtptui.hostport import host_port
from smtptui.probe.report_json import ReadReport


class ReportScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q,escape", "close", "Close", id="close", tooltip="Close the report"),
        Binding("y", "copy", "Copy", id="copy",
                tooltip="Copy the transcript to the clipboard (OSC 52, works over SSH)"),
        Binding("tab", "app.focus_next", "Next pane", show=False),
    ]

    def __init__(self, read: ReadReport, source: str) -> None:
        super().__init__()
        self.read = read
        self.source = source

    def compose(self) -> ComposeResult:
        yield ProbeView(id="report-view")
        yield FittingFooter(compact=True)

    @property
    def view(self) -> ProbeView:
        return self.query_one(ProbeView)

    def on_mount(self) -> None:
        report = self.read.report
        target = report.target
        name = target.profile or host_port(target.host, target.port)
        when = report.started_at.replace("T", " ").removesuffix("Z")
        detail = f"saved report · {when + ' UTC · ' if when else ''}read-only"
        self.view.show_report(f"file:{self.source}", report, name=name, detail=detail)
        rows: render.Card = [render.Bullet(Content.styled("◷ ", "bold $accent"), Content.assemble(
            ("Saved report", "bold"), f" from {self.source}. Read-only: nothing is run."))]
        if self.read.error:
            rows.append(render.Bullet(Content.styled("✗ ", "bold $error"), Content(
                f"It was not run: {self.read.error}")))
        notice = self.read.notice()
        if notice:
            rows.append(render.Bullet(Content.styled("⚠ ", "bold $warning"), Content(notice)))
        self.view.annotate(rows)
        self.view.transcript.focus()

    def action_close(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()
        else:
            self.app.exit()

    def action_copy(self) -> None:
        text = self.view.transcript.text()
        if text:
            self.app.copy_to_clipboard(text + "\n")
            self.notify("Copied the transcript to the clipboard (OSC 52).", timeout=3)
