"""The diagnostics panel: a scrollable card that shows whatever Content it is given."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static


class DiagnosticsPanel(VerticalScroll, can_focus=True):
    """Renders prepared :class:`Content` (see :mod:`smtptui.app.render`)."""

    def compose(self) -> ComposeResult:
        yield Static(id="diagnostics-body", markup=False)

    def show(self, content: Content) -> None:
        self.query_one("#diagnostics-body", Static).update(content)
        self.scroll_home(animate=False, immediate=True)

    @property
    def text(self) -> str:
        """What the panel shows, as plain text (for tests and copying)."""
        visual = self.query_one("#diagnostics-body", Static).visual
        return visual.plain if isinstance(visual, Content) else str(visual)
