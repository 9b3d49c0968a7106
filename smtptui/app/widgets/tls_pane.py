"""The TLS tab: a relay's TLS inspection (T) or a domain's inbound view (I), as a card."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll

from smtptui.app.render import Card, card_text
from smtptui.app.widgets.diagnostics import CardView


class TlsPane(VerticalScroll, can_focus=True):
    """Shows one card (running, a result, a message), scrolled to its top."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.key: str | None = None
        """What the card is about: ``tls:<entry key>`` or ``mx:<domain>``."""

    def compose(self) -> ComposeResult:
        yield CardView(id="tls-body")

    def on_mount(self) -> None:
        self.border_title = "TLS"

    def show(self, key: str | None, card: Card, *, title: str = "TLS") -> None:
        self.key = key
        self.border_title = title
        self.query_one("#tls-body", CardView).show(card)
        self.scroll_home(animate=False, immediate=True)

    @property
    def text(self) -> str:
        """What the pane shows, as plain text (one row per line, unwrapped)."""
        return card_text(self.query_one("#tls-body", CardView).card)
