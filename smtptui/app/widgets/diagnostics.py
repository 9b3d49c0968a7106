"""The diagnostics panel: a scrollable card (see :mod:`smtptui.app.render`), and below it
an optional section (the profile's DNS checks) that keeps its place when the card changes."""

from __future__ import annotations

from textual.app import ComposeResult, RenderResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.geometry import Size
from textual.widget import Widget

from smtptui.app.render import Card, card_text, layout


class CardView(Widget):
    """Lays a card out for its width: field values wrap under themselves."""

    DEFAULT_CSS = "CardView { height: auto; }"

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.card: Card = []

    def show(self, card: Card) -> None:
        self.card = card
        self.refresh(layout=True)

    def render(self) -> RenderResult:
        return Content("\n").join(layout(self.card, max(self.content_region.width, 1)))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(layout(self.card, max(width, 1)))


class DiagnosticsPanel(VerticalScroll, can_focus=True):
    """Shows one card at a time, scrolled to its top, and an optional section below it."""

    ALLOW_MAXIMIZE = True

    def compose(self) -> ComposeResult:
        yield CardView(id="diagnostics-body")
        yield CardView(id="diagnostics-section")

    def show(self, card: Card) -> None:
        self.query_one("#diagnostics-body", CardView).show(card)
        self.scroll_home(animate=False, immediate=True)

    def show_section(self, card: Card, *, scroll: bool = False) -> None:
        """Show ``card`` below the main card (empty: none); ``scroll`` brings it into view."""
        section = self.query_one("#diagnostics-section", CardView)
        section.show([""] + card if card else [])
        if scroll and card:
            self.call_after_refresh(self.scroll_to_widget, section, top=True, animate=False)

    @property
    def section_text(self) -> str:
        return card_text(self.query_one("#diagnostics-section", CardView).card)

    @property
    def text(self) -> str:
        """What the panel shows, as plain text (one row per line, unwrapped)."""
        body = card_text(self.query_one("#diagnostics-body", CardView).card)
        section = self.section_text
        return f"{body}\n{section}" if section else body
