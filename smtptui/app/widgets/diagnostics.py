"""The diagnostics panel: a scrollable card (see :mod:`smtptui.app.render`)."""

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
    """Shows one card at a time, scrolled to its top."""

    def compose(self) -> ComposeResult:
        yield CardView(id="diagnostics-body")

    def show(self, card: Card) -> None:
        self.query_one(CardView).show(card)
        self.scroll_home(animate=False, immediate=True)

    @property
    def text(self) -> str:
        """What the panel shows, as plain text (one row per line, unwrapped)."""
        return card_text(self.query_one(CardView).card)
